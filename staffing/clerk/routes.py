"""The clerk's pages: search from the top bar (the queue, bulk actions and undo: sibling modules)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from .. import access
from ..extensions import db
from ..models import Province
from ..services import search as search_service
from .blueprint import bp


def _province() -> Province:
    code = request.args.get("province") or current_user.province_code
    if not code:
        # a national admin picks the province first
        provinces = access.visible_provinces(current_user)
        if not provinces:
            abort(404)
        return provinces[0]
    return access.get_province(code, current_user)


@bp.get("/search")
@access.any_role
def search() -> ResponseReturnValue:
    """Everyone and everything of the province matching what was typed in the top bar."""
    province = _province()
    plan = None
    if (plan_id := request.args.get("plan", type=int)) is not None:
        plan = access.get_plan(plan_id, current_user)
        if plan.province_code != province.code:
            abort(404)
    query = request.args.get("q", "")
    results = search_service.search(province, current_user, query, plan)
    return render_template(
        "clerk/search.html",
        province=province,
        results=results,
        q=query,
        plan=results.plan,
        provinces=access.visible_provinces(current_user) if current_user.province_code is None else [],
    )


__all__ = ["bp", "db"]
