"""Exits and budget, demotions, and the roadmap to the staffing norm of a plan (issue 14)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from policy.exits import PATH_LABELS, ExitPath

from .. import access
from ..audit import record
from ..extensions import db
from ..models import Assignment, DemotionReview, Person, Plan, PlanStatus, Role
from ..services.exits import choose_exit, exit_data, load_exit_data
from ..services.plan_views import cached
from ..services.roadmap import YEARS, roadmap_view
from ..web import reason_text

bp = Blueprint("exits", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEMOTION_STATUSES = ("accepted", "another_seat")
CSRF_MARK = "@@csrf-token@@"  # put in the kept table body, replaced by the session's token on each view


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
    data = exit_data(plan, _scope())
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
    scope = _scope()
    data = exit_data(plan, scope)
    lower = [e for e in data.ended if e.demoted]

    def solver_reasons() -> dict[int, list[dict[str, Any]]]:
        # one query for the whole plan, only two columns (no IN list of 2,000 ids)
        query = db.select(Assignment.person_id, Assignment.reasons).where(
            Assignment.plan_id == plan.id, Assignment.position_id.is_not(None)
        )
        return {pid: list(r or []) for pid, r in db.session.execute(query)}

    def rows() -> list[dict[str, object]]:
        """Every line of the table as text in the user's language, built once per plan version, data stamp
        and locale: the template only writes them out (2,000 rows on the demo)."""
        every = solver_reasons()
        none, no_reason = _("Không có phụ cấp chức vụ"), _("Bộ giải không ghi lý do.")
        person_url = url_for("review.person", plan_id=plan.id, person_id=0)[:-1]
        out: list[dict[str, object]] = []
        for e in lower:
            period = data.kept(e)
            if e.position_allowance:
                coefficient = f"{e.position_allowance:.2f}".replace(".", ",")
                if period.to_term_end:
                    until = period.until.strftime("%d/%m/%Y")
                    text = _("Hệ số %(c)s đến hết nhiệm kỳ (%(d)s)", c=coefficient, d=until)
                else:
                    text = _("Hệ số %(c)s trong %(m)s tháng", c=coefficient, m=period.months)
                kept = Markup("{}<br><small>{}</small>").format(text, period.reason)
            else:
                kept = Markup('<span class="muted">{}</span>').format(none)
            line, why = e.protection(data.base_salary, period)
            if line is not None:
                amount = f"{line.amount:,}".replace(",", ".")
                kept += Markup("<br><small>{} = {}</small>").format(line.formula, amount)
            elif why:
                kept += Markup('<br><small class="muted">{}</small>').format(why)
            texts = [reason_text(r) for r in every.get(e.person_id, [])]
            reasons = (
                Markup("").join(Markup("<li>{}</li>").format(t) for t in texts)
                if texts
                else Markup('<li class="muted">{}</li>').format(no_reason)
            )
            cells = Markup(
                '<td><a href="{}{}">{}</a></td><td>{}<br><small class="muted">{}</small></td>'
                '<td>{}<br><small class="muted">{}</small></td>'
                '<td><ul class="reasons">{}</ul></td><td>{}</td>'
            ).format(
                person_url,
                e.person_id,
                e.name,
                e.title,
                e.unit_name,
                e.new_title,
                e.commune_name,
                reasons,
                kept,
            )
            out.append({"person_id": e.person_id, "cells": cells})
        return out

    can_change = plan.status != PlanStatus.APPROVED and (
        current_user.has_role(Role.DRAFTER) or current_user.has_role(Role.REVIEWER)
    )

    def body() -> tuple[int, str]:
        """The whole table body, the reviewers' verdicts included (a verdict is audited, so it renews the
        data stamp): rendered once per plan version, data stamp, locale and form/no form."""
        lines = rows()
        reviews = {
            r.person_id: (r.status, r.note)
            for r in db.session.scalars(db.select(DemotionReview).where(DemotionReview.plan_id == plan.id))
        }
        html = render_template(
            "exits/_demotion_rows.html",
            plan=plan,
            lines=lines,
            reviews=reviews,
            can_change=can_change,
            token=CSRF_MARK,
        )
        return len(lines), html

    key = (tuple(sorted(scope)) if scope else None, str(get_locale()), can_change)
    count, html = cached("demotion_rows", plan, key, body)
    if can_change:
        html = html.replace(CSRF_MARK, str(Markup.escape(generate_csrf())))
    rows_html = Markup(html)  # noqa: S704 (our own template rendered it, escaping every value)
    return render_template("exits/demotions.html", plan=plan, count=count, rows_html=rows_html)


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
    view = roadmap_view(plan, _("Toàn tỉnh"))
    scope = _scope()
    communes = view.communes if scope is None else [c for c in view.communes if c.code in scope]
    return render_template(
        "exits/roadmap.html",
        plan=plan,
        years=YEARS,
        province=view.province,
        communes=communes,
        province_chart=view.province_chart if scope is None else "",
        charts=view.charts,
    )


@bp.get("/plans/<int:plan_id>/roadmap/<commune_code>.svg")
@access.any_role
def roadmap_chart(plan_id: int, commune_code: str) -> ResponseReturnValue:
    """One commune's chart (SVG, drawn on the server)."""
    plan = access.get_plan(plan_id, current_user)
    scope = _scope()
    if scope is not None and commune_code not in scope:
        abort(404)
    chart = roadmap_view(plan, _("Toàn tỉnh")).charts.get(commune_code)
    if chart is None:
        abort(404)
    return Response(chart, mimetype="image/svg+xml")
