"""Province overview and commune pages."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from .. import access
from ..extensions import db
from ..models import Plan, PlanStatus, Role
from ..services import national, overview, page_cache, plan_views

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
    plans = db.session.scalars(
        db.select(Plan).where(Plan.province_code == prov.code).order_by(Plan.id.desc()).limit(5)
    ).all()
    # the figures and the table change only with new data (imports, structure): kept per data stamp, scope
    # and language for every worker (page_cache); the recent plans are read on every view
    key = _structure_key("province", prov.code, tuple(c.code for c in communes))
    built: list[overview.ProvinceOverview] = []  # read once, and only when a fragment is missing

    def fragment(name: str) -> str:
        def render() -> str:
            if not built:
                built.append(overview.province_overview(prov, communes))
            return render_template(f"main/_province_{name}.html", data=built[0])

        return page_cache.get_or_build(page_cache.key(*key, name), render)

    top_html, table_html = fragment("top"), fragment("table")
    return render_template(
        "main/province.html",
        province=prov,
        plans=plans,
        top_html=Markup(top_html),  # noqa: S704  (rendered by our own autoescaped templates)
        table_html=Markup(table_html),  # noqa: S704
    )


def _structure_key(*parts: object) -> tuple[object, ...]:
    """What a page of the province's structure depends on: data outside plans, the database, the language."""
    return (*parts, db.engine.url, plan_views.data_stamp_outside_plans(), get_locale())


@bp.get("/p/<code>/c/<commune_code>")
@access.any_role
def commune(code: str, commune_code: str) -> ResponseReturnValue:
    """One new commune: merged units, departments and positions with quotas, who can go there."""
    prov = access.get_province(code, current_user)
    com = access.get_commune(prov, commune_code, current_user)
    body_html = page_cache.get_or_build(
        page_cache.key(*_structure_key("commune", prov.code, com.code)),
        lambda: render_template(
            "main/_commune_body.html", province=prov, detail=overview.commune_detail(prov, com)
        ),
    )
    # rendered by our own autoescaped template
    return render_template("main/commune.html", commune=com, body_html=Markup(body_html))  # noqa: S704


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
