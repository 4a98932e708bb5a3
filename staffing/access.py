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
    """The province's communes within the user's scope (can_see_commune, with the province checked once)."""
    if not can_see_province(user, province.code):
        return []
    allowed = user.communes
    return [c for c in province.communes if not allowed or c.code in allowed]


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


# ---------------------------------------------------------------- people


def fed_unit_ids(communes: list[Commune]) -> set[int]:
    """Old units feeding any of these communes."""
    from .models import MergerLink

    ids = [c.id for c in communes]
    if not ids:
        return set()
    return set(db.session.scalars(db.select(MergerLink.old_unit_id).where(MergerLink.commune_id.in_(ids))))


def person_scope_filter(user: User, province: Province, plan: Plan | None) -> Any:
    """A WHERE clause keeping the people this user may see, or None when the whole province is theirs.

    A commune-scoped user sees the people a plan seats in their communes, and the people it leaves
    unplaced who come from an old unit feeding their communes; never someone seated elsewhere (a former
    district official feeds every commune of the district, but is seen only where the plan puts them).
    Without a plan: the people of the old units feeding their communes.
    """
    from .models import Assignment, Department, Person, Position

    if not user.communes:
        return None
    communes = visible_communes(province, user)
    units = fed_unit_ids(communes)
    if plan is None:
        return Person.unit_id.in_(units)
    seated_here = (
        db.select(Assignment.person_id)
        .join(Position, Position.id == Assignment.position_id)
        .join(Department, Department.id == Position.department_id)
        .where(Assignment.plan_id == plan.id, Department.commune_id.in_([c.id for c in communes]))
    )
    seated_anywhere = db.select(Assignment.person_id).where(
        Assignment.plan_id == plan.id, Assignment.position_id.is_not(None)
    )
    return db.or_(
        Person.id.in_(seated_here),
        db.and_(Person.unit_id.in_(units), Person.id.not_in(seated_anywhere)),
    )


def can_see_person(user: User, person: Any, plan: Plan | None) -> bool:
    """Whether this user may see (and, with the role, change) this person in this plan."""
    from .models import Person

    if not can_see_province(user, person.province_code):
        return False
    province = db.session.get(Province, person.province_code)
    clause = person_scope_filter(user, province, plan) if province is not None else None
    if clause is None:
        return True
    return db.session.scalar(db.select(Person.id).where(Person.id == person.id, clause)) is not None
