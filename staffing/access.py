"""Who may see and do what: roles and province/commune scope, enforced in one place."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from .extensions import db
from .models import Commune, Plan, Province, Role, User

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: Role) -> Callable[[F], F]:
    """Log-in required and one of these roles (an admin has every role)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


# Every signed-in user may read within their scope.
any_role = role_required(Role.DRAFTER, Role.REVIEWER, Role.APPROVER)


def can_see_province(user: User, province_code: str) -> bool:
    return (user.province_code is None and user.role == Role.ADMIN) or user.province_code == province_code


def can_see_commune(user: User, commune: Commune) -> bool:
    if not can_see_province(user, commune.province_code):
        return False
    return not user.communes or commune.code in user.communes


def visible_provinces(user: User) -> list[Province]:
    query = db.select(Province).order_by(Province.code)
    if not (user.role == Role.ADMIN and user.province_code is None):
        query = query.where(Province.code == user.province_code)
    return list(db.session.scalars(query))


def get_province(code: str, user: User) -> Province:
    """The province, or 404 when it does not exist or lies outside the user's scope."""
    province = db.session.get(Province, code)
    if province is None or not can_see_province(user, code):
        abort(404)
    return province


def get_commune(province: Province, code: str, user: User) -> Commune:
    commune = db.session.scalar(
        db.select(Commune).where(Commune.province_code == province.code, Commune.code == code)
    )
    if commune is None or not can_see_commune(user, commune):
        abort(404)
    return commune


def visible_communes(province: Province, user: User) -> list[Commune]:
    return [c for c in province.communes if can_see_commune(user, c)]


def get_plan(plan_id: int, user: User) -> Plan:
    """A plan of the user's province, or 404 (never 403: other provinces' plans do not exist for them)."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or not can_see_province(user, plan.province_code):
        abort(404)
    return plan


def get_editable_plan(plan_id: int, user: User) -> Plan:
    """A draft the user may change: 404 outside scope, 403 without the drafter role, 409 once not a draft."""
    plan = get_plan(plan_id, user)
    if not user.has_role(Role.DRAFTER):
        abort(403)
    if not plan.editable:
        abort(409)
    return plan
