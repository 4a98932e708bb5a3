"""A read-only JSON API over provinces, communes and plans, with the same access rules as the pages.

Another system (the national cadre database, a province's HR system) authenticates with a bearer
token issued by `staffing api-token`; a signed-in browser session works too. Tokens read approved
plans only.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, abort, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import access
from ..extensions import csrf, db
from ..models import ApiToken, Assignment, Department, Person, Plan, PlanStatus, Position, Shortfall, User
from .openapi import SPEC

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def authenticate() -> ResponseReturnValue | None:
    """A bearer token or the browser session; nothing else."""
    header = request.headers.get("Authorization", "")
    g.api_token = None
    if header.startswith("Bearer "):
        digest = hashlib.sha256(header.removeprefix("Bearer ").strip().encode()).hexdigest()
        token = db.session.scalar(
            db.select(ApiToken).where(ApiToken.token_hash == digest, ApiToken.revoked.is_(False))
        )
        if token is None or not token.user.active:
            return jsonify(error="invalid token", message="Mã truy cập không hợp lệ."), 401
        g.api_user, g.api_token = token.user, token
        return None
    if request.endpoint == "api.openapi":
        return None
    if not current_user.is_authenticated:
        return jsonify(error="authentication required", message="Cần đăng nhập hoặc mã truy cập."), 401
    g.api_user = current_user._get_current_object()  # type: ignore[attr-defined]
    return None


def _user() -> User:
    return g.api_user  # type: ignore[no-any-return]


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(SPEC)


@bp.get("/provinces")
def provinces() -> ResponseReturnValue:
    return jsonify(
        [
            {"code": p.code, "name": p.name, "as_of": p.as_of.isoformat()}
            for p in access.visible_provinces(_user())
        ]
    )


@bp.get("/provinces/<code>/communes")
def communes(code: str) -> ResponseReturnValue:
    province = access.get_province(code, _user())
    out = []
    for c in access.visible_communes(province, _user()):
        out.append(
            {
                "code": c.code,
                "name": c.name,
                "kind": c.kind.value,
                "payroll_quota": c.payroll_quota,
                "target_quota": c.target_quota,
                "merged_from": [
                    {
                        "code": link.unit.code,
                        "name": link.unit.name,
                        "kind": link.unit.kind.value,
                        "partial": link.partial,
                    }
                    for link in c.links
                ],
            }
        )
    return jsonify(out)


def _visible_plan(plan_id: int) -> Plan:
    plan = access.get_plan(plan_id, _user())
    if g.api_token is not None and plan.status != PlanStatus.APPROVED:
        abort(404)
    return plan


@bp.get("/provinces/<code>/plans")
def plans(code: str) -> ResponseReturnValue:
    province = access.get_province(code, _user())
    query = db.select(Plan).where(Plan.province_code == province.code).order_by(Plan.id)
    if g.api_token is not None:
        query = query.where(Plan.status == PlanStatus.APPROVED)
    return jsonify([_plan_header(p) for p in db.session.scalars(query)])


def _plan_header(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "name": plan.name,
        "status": plan.status.value,
        "province": plan.province_code,
        "parent": plan.parent_id,
        "solver_status": plan.solver_status,
        "placed": plan.solver_stats.get("placed"),
        "unplaced": plan.solver_stats.get("unplaced"),
        "problem_sha256": plan.problem_sha256,
        "updated_at": plan.updated_at.isoformat(),
    }


@bp.get("/plans/<int:plan_id>")
def plan(plan_id: int) -> ResponseReturnValue:
    """A plan with every assignment, unplaced person and shortfall, limited to the caller's communes."""
    item = _visible_plan(plan_id)
    province = access.get_province(item.province_code, _user())
    visible = {c.code for c in access.visible_communes(province, _user())}
    rows = db.session.scalars(
        db.select(Assignment)
        .where(Assignment.plan_id == item.id)
        .options(
            selectinload(Assignment.person).selectinload(Person.unit),
            selectinload(Assignment.position)
            .selectinload(Position.department)
            .selectinload(Department.commune),
        )
    ).all()
    assignments, unplaced = [], []
    for a in rows:
        person = {
            "id": a.person.key,
            "name": a.person.name,
            "birth_date": a.person.birth_date.isoformat() if a.person.birth_date else None,
            "unit": a.person.unit.code,
            "current_title": a.person.current_title,
        }
        if a.position is None:
            if _user().communes and not any(link.commune.code in visible for link in a.person.unit.links):
                continue
            unplaced.append({"person": person, "reasons": a.reasons, "early_retirement": a.early_retirement})
            continue
        commune = a.position.department.commune.code
        if commune not in visible:
            continue
        assignments.append(
            {
                "person": person,
                "position": a.position.code,
                "title": a.position.title,
                "department": a.position.department.name,
                "block": a.position.department.block.value,
                "level": a.position.level.value,
                "commune": commune,
                "source": a.source,
                "locked": a.locked,
                "gaps": a.gaps,
                "reasons": a.reasons,
            }
        )
    shortfalls = [
        {"position": s.position.code, "missing": s.missing, "reasons": s.reasons}
        for s in db.session.scalars(
            db.select(Shortfall).where(Shortfall.plan_id == item.id).options(selectinload(Shortfall.position))
        )
        if s.position.code.split("/", 1)[0] in visible
    ]
    return jsonify(
        {
            **_plan_header(item),
            "stats": item.solver_stats,
            "assignments": assignments,
            "unplaced": unplaced,
            "shortfalls": shortfalls,
        }
    )


@bp.get("/search")
def search() -> ResponseReturnValue:
    """People, communes and departments matching q, within the caller's scope, with each person's seat.

    The seat is the one of the province's current plan (for a bearer token: its newest approved plan).
    """
    from ..services import search as search_service

    user = _user()
    code = request.args.get("province") or user.province_code
    if not code:
        return jsonify(error="province required", message="Cần chỉ rõ tỉnh (province)."), 400
    province = access.get_province(code, user)
    plan = None
    if g.api_token is not None:
        plan = db.session.scalar(
            db.select(Plan)
            .where(Plan.province_code == province.code, Plan.status == PlanStatus.APPROVED)
            .order_by(Plan.id.desc())
            .limit(1)
        )
    else:
        plan = search_service.current_plan(province.code)
    limit = min(
        100, max(1, request.args.get("limit", search_service.LIMIT, type=int) or search_service.LIMIT)
    )
    results = search_service.search(province, user, request.args.get("q", ""), plan, limit, use_current=False)
    return jsonify(
        {
            "query": results.query,
            "province": province.code,
            "plan": plan.id if plan is not None else None,
            "people": [
                {
                    "key": h.person.key,
                    "name": h.person.name,
                    "birth_date": h.person.birth_date.isoformat() if h.person.birth_date else None,
                    "old_unit": {"code": h.person.unit.code, "name": h.person.unit.name},
                    "old_post": h.person.current_title,
                    "matched": h.matched,
                    "plan_seat": search_service.seat_dict(h),
                }
                for h in results.people
            ],
            "communes": [{"code": c.code, "name": c.name, "kind": c.kind.value} for c in results.communes],
            "departments": [
                {"id": d.id, "name": d.name, "block": d.block.value, "commune": d.commune.code}
                for d in results.departments
            ],
        }
    )
