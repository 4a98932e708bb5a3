"""Province overview and commune pages."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from .. import access
from ..extensions import db
from ..models import Plan, PlanStatus, Role
from ..services import national, overview

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Straight to the user's province; a national admin picks one."""
    provinces = access.visible_provinces(current_user)
    if len(provinces) == 1:
        return redirect(url_for("main.province", code=provinces[0].code))
    return render_template("main/provinces.html", provinces=provinces)


@bp.get("/p/<code>")
@access.any_role
def province(code: str) -> ResponseReturnValue:
    """The province: its new communes, the units merged into each, people by origin, quotas."""
    prov = access.get_province(code, current_user)
    communes = access.visible_communes(prov, current_user)
    data = overview.province_overview(prov, communes)
    plans = db.session.scalars(
        db.select(Plan).where(Plan.province_code == prov.code).order_by(Plan.id.desc()).limit(5)
    ).all()
    return render_template("main/province.html", data=data, plans=plans)


@bp.get("/p/<code>/c/<commune_code>")
@access.any_role
def commune(code: str, commune_code: str) -> ResponseReturnValue:
    """One new commune: merged units, departments and positions with quotas, who can go there."""
    prov = access.get_province(code, current_user)
    com = access.get_commune(prov, commune_code, current_user)
    detail = overview.commune_detail(prov, com)
    return render_template("main/commune.html", province=prov, detail=detail)


@bp.get("/national")
@login_required
def national_view() -> ResponseReturnValue:
    """Every province's plans in one table, for a national admin only (404 for everyone else)."""
    if not (current_user.role == Role.ADMIN and current_user.province_code is None):
        abort(404)
    status = request.args.get("status") or None
    rows, sort = national.national_rows(request.args.get("sort", "province"), status)
    return render_template(
        "main/national.html",
        rows=rows,
        sort=sort,
        status=status if status in {s.value for s in PlanStatus} else None,
        statuses=[s.value for s in PlanStatus],
        levels=national.LEVELS,
    )
