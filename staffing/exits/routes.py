"""Exits and budget, demotions, and the roadmap to the staffing norm of a plan (issue 14)."""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from policy.exits import PATH_LABELS, ExitPath

from .. import access
from ..audit import record
from ..extensions import db
from ..models import Assignment, DemotionReview, Person, Plan, PlanStatus, Role
from ..services.exits import choose_exit, load_exit_data
from ..services.roadmap import YEARS, chart_svg, load_roadmap

bp = Blueprint("exits", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEMOTION_STATUSES = ("accepted", "another_seat")


def _scope() -> set[str] | None:
    return set(current_user.communes) if current_user.communes else None


def _changeable(plan_id: int) -> Plan:
    """A plan whose exits and demotions a drafter or reviewer may still mark: not yet approved."""
    plan = access.get_plan(plan_id, current_user)
    if not (current_user.has_role(Role.DRAFTER) or current_user.has_role(Role.REVIEWER)):
        abort(403)
    if plan.status == PlanStatus.APPROVED:
        abort(409)
    return plan


@bp.get("/plans/<int:plan_id>/exits")
@access.any_role
def index(plan_id: int) -> ResponseReturnValue:
    """Every person not appointed: exit path, formula and amount; totals by commune and for the province."""
    plan = access.get_plan(plan_id, current_user)
    data = load_exit_data(plan, _scope())
    return render_template(
        "exits/index.html",
        plan=plan,
        data=data,
        grand_total=sum(r.result.total or 0 for r in data.rows),
        paths=list(ExitPath),
        labels=PATH_LABELS,
        can_change=plan.status != PlanStatus.APPROVED
        and (current_user.has_role(Role.DRAFTER) or current_user.has_role(Role.REVIEWER)),
    )


@bp.post("/plans/<int:plan_id>/exits/<int:person_id>")
@access.any_role
def choose(plan_id: int, person_id: int) -> ResponseReturnValue:
    """Record the exit path a reviewer picks for one unplaced person of the plan."""
    plan = _changeable(plan_id)
    person = db.session.get(Person, person_id)
    if person is None or person.province_code != plan.province_code:
        abort(404)
    unplaced = db.session.scalar(
        db.select(Assignment).where(
            Assignment.plan_id == plan.id, Assignment.person_id == person.id, Assignment.position_id.is_(None)
        )
    )
    if unplaced is None:
        abort(404)
    try:
        path = ExitPath(request.form.get("path", ""))
        leave = request.form.get("leave_date") or None
        leave_date = date.fromisoformat(leave) if leave else None
    except ValueError:
        abort(400)
    choose_exit(
        plan,
        person,
        path,
        current_user,
        leave_date=leave_date,
        maternity=bool(request.form.get("maternity")),
        volunteers=bool(request.form.get("volunteers")),
        under_investigation=bool(request.form.get("under_investigation")),
        note=request.form.get("note", "")[:500],
    )
    db.session.commit()
    flash(_("Đã ghi lộ trình cho %(name)s.", name=person.name), "success")
    return redirect(url_for("exits.index", plan_id=plan.id) + f"#p{person.id}")


@bp.get("/plans/<int:plan_id>/export/de-an-tinh-gian.xlsx")
@access.any_role
def annex(plan_id: int) -> ResponseReturnValue:
    """The annex of the đề án tinh giản biên chế (people by exit path, amounts, budget by year and source)."""
    from ..exports.exits_workbook import ANNEX_NAME, exits_workbook_bytes

    plan = access.get_plan(plan_id, current_user)
    data = load_exit_data(plan, _scope())
    blob = exits_workbook_bytes(data)
    record(
        "export",
        "exits",
        user=current_user,
        entity_id=plan.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        after={"file": ANNEX_NAME, "people": len(data.rows), "status": plan.status.value},
    )
    db.session.commit()
    return send_file(io.BytesIO(blob), mimetype=XLSX, as_attachment=True, download_name=ANNEX_NAME)


@bp.get("/plans/<int:plan_id>/demotions")
@access.any_role
def demotions(plan_id: int) -> ResponseReturnValue:
    """Everyone placed on a lower post than their old one, the solver's explanation, the kept allowance."""
    plan = access.get_plan(plan_id, current_user)
    data = load_exit_data(plan, _scope())
    lower = [e for e in data.ended if e.demoted]
    ids = [e.person_id for e in lower]
    reasons = {
        a.person_id: a.reasons or []
        for a in db.session.scalars(
            db.select(Assignment).where(Assignment.plan_id == plan.id, Assignment.person_id.in_(ids))
        )
    }
    reviews = {
        r.person_id: r
        for r in db.session.scalars(
            db.select(DemotionReview).where(
                DemotionReview.plan_id == plan.id, DemotionReview.person_id.in_(ids)
            )
        )
    }
    return render_template(
        "exits/demotions.html",
        plan=plan,
        base_salary=data.base_salary,
        lower=lower,
        reasons=reasons,
        reviews=reviews,
        months=6,
        can_change=plan.status != PlanStatus.APPROVED
        and (current_user.has_role(Role.DRAFTER) or current_user.has_role(Role.REVIEWER)),
    )


@bp.post("/plans/<int:plan_id>/demotions/<int:person_id>")
@access.any_role
def review_demotion(plan_id: int, person_id: int) -> ResponseReturnValue:
    """Accept a demotion, or ask for another seat (audited)."""
    plan = _changeable(plan_id)
    person = db.session.get(Person, person_id)
    if person is None or person.province_code != plan.province_code:
        abort(404)
    status = request.form.get("status", "")
    if status not in DEMOTION_STATUSES:
        abort(400)
    review = db.session.scalar(
        db.select(DemotionReview).where(
            DemotionReview.plan_id == plan.id, DemotionReview.person_id == person.id
        )
    )
    before = None if review is None else {"status": review.status, "note": review.note}
    if review is None:
        review = DemotionReview(plan_id=plan.id, person_id=person.id)
        db.session.add(review)
    review.status, review.note = status, request.form.get("note", "")[:500]
    review.user_id = current_user.id
    db.session.flush()
    record(
        "update",
        "demotion_review",
        user=current_user,
        entity_id=review.id,
        person_id=person.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        before=before,
        after={"person": person.key, "status": status, "note": review.note},
    )
    db.session.commit()
    return redirect(url_for("exits.demotions", plan_id=plan.id) + f"#p{person.id}")


@bp.get("/plans/<int:plan_id>/roadmap")
@access.any_role
def roadmap(plan_id: int) -> ResponseReturnValue:
    """Headcount today vs quota vs norm, and the projection to 2030, per commune and for the province."""
    plan = access.get_plan(plan_id, current_user)
    province, communes = load_roadmap(plan)
    scope = _scope()
    if scope is not None:
        communes = [c for c in communes if c.code in scope]
    return render_template(
        "exits/roadmap.html",
        plan=plan,
        years=YEARS,
        province=province,
        communes=communes,
        province_chart=chart_svg(province, _("Toàn tỉnh")) if scope is None else "",
        charts={c.code: chart_svg(c, c.name, small=True) for c in communes},
    )


@bp.get("/plans/<int:plan_id>/roadmap/<commune_code>.svg")
@access.any_role
def roadmap_chart(plan_id: int, commune_code: str) -> ResponseReturnValue:
    """One commune's chart (SVG, drawn on the server)."""
    plan = access.get_plan(plan_id, current_user)
    scope = _scope()
    if scope is not None and commune_code not in scope:
        abort(404)
    _province, communes = load_roadmap(plan)
    road = next((c for c in communes if c.code == commune_code), None)
    if road is None:
        abort(404)
    return Response(chart_svg(road, road.name, small=True), mimetype="image/svg+xml")
