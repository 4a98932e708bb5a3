"""The work queue of a plan, bulk actions on a selection, and undo (routes of the clerk blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import access
from ..extensions import db
from ..models import Assignment, Commune, JobState, Person, Plan, Position, Role
from ..services import bulk, review, undo, worklist
from .blueprint import bp
from .forms import BulkForm, StatusForm, UndoForm


def _communes(plan: Plan) -> list[Commune]:
    province = access.get_province(plan.province_code, current_user)
    return access.visible_communes(province, current_user)


def _commune(plan: Plan, code: str) -> Commune:
    province = access.get_province(plan.province_code, current_user)
    return access.get_commune(province, code, current_user)


@bp.get("/plans/<int:plan_id>/queue")
@access.any_role
def queue(plan_id: int) -> ResponseReturnValue:
    """Every commune of the plan with its status, fill, open leadership seats, unplaced people, warnings."""
    plan = access.get_plan(plan_id, current_user)
    communes = _communes(plan)
    status = request.args.get("status", "")
    sort = request.args.get("sort", "name")
    open_only = request.args.get("open") == "1"
    rows = worklist.rows(plan, communes)
    shown = worklist.filter_rows(rows, status if status in worklist.STATUSES else "", sort, open_only)
    totals = {s: sum(1 for r in rows if r.status == s) for s in worklist.STATUSES}
    can_edit = plan.editable and current_user.has_role(Role.DRAFTER)
    return render_template(
        "clerk/queue.html",
        plan=plan,
        province=access.get_province(plan.province_code, current_user),
        rows=shown,
        totals=totals,
        status=status,
        sort=sort,
        open_only=open_only,
        labels=worklist.STATUS_LABELS,
        statuses=worklist.STATUSES,
        form=BulkForm(
            seen=bulk.seen_json(plan, [f"{k}{r.commune.id}" for r in shown for k in "kc"]) if can_edit else ""
        ),
        can_edit=can_edit,
    )


@bp.get("/plans/<int:plan_id>/queue/<commune_code>")
@access.any_role
def queue_commune(plan_id: int, commune_code: str) -> ResponseReturnValue:
    """One commune's status and comments, its seats to lock, and unplaced people to seat at once."""
    plan = access.get_plan(plan_id, current_user)
    commune = _commune(plan, commune_code)
    seats = bulk.proposal(plan, [commune])
    unplaced = list(
        db.session.scalars(
            db.select(Assignment)
            .join(Person, Person.id == Assignment.person_id)
            .where(
                Assignment.plan_id == plan.id,
                Assignment.position_id.is_(None),
                Person.unit_id.in_(access.fed_unit_ids([commune])),
            )
            .order_by(Person.name)
            .limit(200)
        )
    )
    positions = list(
        db.session.scalars(
            db.select(Position)
            .join(Position.department)
            .where(Position.department.has(commune_id=commune.id))
            .order_by(Position.id)
        )
    )
    can_edit = plan.editable and current_user.has_role(Role.DRAFTER)
    keys = (
        [f"a{a.id}" for a in seats] + [f"p{a.person_id}" for a in unplaced] + [f"s{p.id}" for p in positions]
    )
    return render_template(
        "clerk/queue_commune.html",
        plan=plan,
        province=commune.province,
        commune=commune,
        state=worklist.state(plan, commune),
        labels=worklist.STATUS_LABELS,
        allowed=worklist.allowed(plan, commune, current_user),
        seats=seats,
        unplaced=unplaced,
        positions=positions,
        form=BulkForm(seen=bulk.seen_json(plan, keys) if can_edit else ""),
        status_form=StatusForm(),
        can_edit=can_edit,
    )


@bp.post("/plans/<int:plan_id>/queue/<commune_code>/status")
@access.any_role
def queue_status(plan_id: int, commune_code: str) -> ResponseReturnValue:
    """Set a commune's status (drafters: drafting, ready; reviewers: returned, accepted) or comment."""
    plan = access.get_plan(plan_id, current_user)
    commune = _commune(plan, commune_code)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if form.status.data:
            worklist.set_status(plan, commune, form.status.data, current_user, form.text.data or "")
            message = _(
                "Đã chuyển %(commune)s sang «%(status)s».",
                commune=commune.name,
                status=worklist.STATUS_LABELS[form.status.data],
            )
        else:
            worklist.comment(plan, commune, current_user, form.text.data or "")
            message = _("Đã ghi ý kiến.")
    except worklist.QueueError as exc:
        db.session.rollback()
        if exc.code == 400:
            flash(exc.message, "danger")
            return redirect(url_for("clerk.queue_commune", plan_id=plan.id, commune_code=commune.code))
        abort(exc.code)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("clerk.queue_commune", plan_id=plan.id, commune_code=commune.code))


def _int_list(name: str) -> list[int]:
    out = []
    for value in request.form.getlist(name):
        try:
            out.append(int(value))
        except ValueError:
            abort(400)
    return out


@bp.post("/plans/<int:plan_id>/bulk")
@access.role_required(Role.DRAFTER)
def bulk_action(plan_id: int) -> ResponseReturnValue:
    """Lock chosen seats, lock chosen communes' key leaders, accept their proposals, move a group."""
    plan = access.get_editable_plan(plan_id, current_user)
    form = BulkForm()
    if not form.validate_on_submit():
        abort(400)
    back = request.form.get("back") or url_for("clerk.queue", plan_id=plan.id)
    if not back.startswith("/"):
        abort(400)
    # no check of the plan's version: what the action touches is compared with `seen` (bulk.Guard), so an
    # edit elsewhere in the plan never makes it stale
    seen = bulk.parse_seen(form.seen.data)
    if plan.job_state in (JobState.QUEUED, JobState.RUNNING):
        flash(_("Phương án đang được giải lại; hãy chờ hoàn thành rồi điều chỉnh."), "warning")
        return redirect(back), 303
    action = form.action.data or request.form.get("do", "")
    reason = form.reason.data or ""
    try:
        if action in ("lock_key", "accept"):
            communes = [_commune(plan, code) for code in request.form.getlist("communes")]
            if not communes:
                raise bulk.BulkError(_("Chưa chọn xã nào."))
            kind = "k" if action == "lock_key" else "c"
            chosen = {c.id for c in communes}
            guard = bulk.Guard.look(plan, [f"{kind}{i}" for i in chosen], seen, chosen, set())
            seats = (
                bulk.key_leaders(plan, communes) if action == "lock_key" else bulk.proposal(plan, communes)
            )
            done = bulk.lock(plan, seats, current_user, reason, guard=guard)
            message = ngettext("Đã khóa %(num)d phân công.", "Đã khóa %(num)d phân công.", done)
        elif action == "lock_seats":
            ids = _int_list("assignments")
            guard = bulk.Guard.look(plan, [f"a{i}" for i in ids], seen, set(), set())
            seats = list(
                db.session.scalars(
                    db.select(Assignment).where(Assignment.plan_id == plan.id, Assignment.id.in_(ids))
                )
            )
            if len(seats) != len(set(ids)) or not seats:
                abort(404)
            for a in seats:
                if a.position is None or not access.can_see_commune(
                    current_user, a.position.department.commune
                ):
                    abort(404)
            done = bulk.lock(plan, seats, current_user, reason, guard=guard)
            message = ngettext("Đã khóa %(num)d phân công.", "Đã khóa %(num)d phân công.", done)
        elif action == "move":
            moves = []
            for pid in _int_list("people"):
                person = db.session.get(Person, pid)
                if person is None or not access.can_see_person(current_user, person, plan):
                    abort(404)
                target = request.form.get(f"to-{pid}", type=int)
                if not target:
                    continue
                pos = db.session.get(Position, target)
                if pos is None or not access.can_see_commune(current_user, pos.department.commune):
                    abort(404)
                moves.append((person, pos))
            keys = [f"p{p.id}" for p, _pos in moves] + [f"s{pos.id}" for _p, pos in moves]
            guard = bulk.Guard.look(plan, keys, seen, set(), set())
            done = bulk.move_group(plan, moves, current_user, reason, guard=guard)
            message = ngettext("Đã chuyển %(num)d người.", "Đã chuyển %(num)d người.", done)
        else:
            abort(400)
    except bulk.NeedsReason as exc:
        db.session.rollback()
        flash(
            _(
                "Vi phạm quy định bắt buộc (%(names)s): hãy ghi lý do vượt quy định rồi thực hiện lại.",
                names=", ".join(exc.people),
            ),
            "danger",
        )
        return redirect(back), 303
    except bulk.BulkError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(back), 303
    except review.ConflictError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(back), 303
    db.session.commit()
    flash(message, "success")
    return redirect(back), 303


@bp.get("/plans/<int:plan_id>/undo")
@access.role_required(Role.DRAFTER)
def undo_page(plan_id: int) -> ResponseReturnValue:
    """The user's own changes of this plan that can be undone, newest first."""
    plan = access.get_plan(plan_id, current_user)
    steps = [
        s
        for s in undo.history(plan, current_user, limit=30)
        if s.person is None or access.can_see_person(current_user, s.person, plan)
    ]
    return render_template(
        "clerk/undo.html",
        plan=plan,
        province=access.get_province(plan.province_code, current_user),
        steps=steps,
        form=UndoForm(),
        can_edit=plan.editable,
    )


@bp.post("/plans/<int:plan_id>/undo")
@access.role_required(Role.DRAFTER)
def undo_action(plan_id: int) -> ResponseReturnValue:
    """Undo one of the user's own changes (the newest when none is named), as new audited changes."""
    plan = access.get_editable_plan(plan_id, current_user)
    form = UndoForm()
    if not form.validate_on_submit():
        abort(400)
    if plan.job_state in (JobState.QUEUED, JobState.RUNNING):
        flash(_("Phương án đang được giải lại; hãy chờ hoàn thành rồi điều chỉnh."), "warning")
        return redirect(url_for("clerk.undo_page", plan_id=plan.id)), 303
    steps = undo.history(plan, current_user, limit=1)
    entry_id = (
        int(form.entry.data) if (form.entry.data or "").isdigit() else (steps[0].entry.id if steps else None)
    )
    if entry_id is None:
        flash(_("Không còn thay đổi nào để hoàn tác."), "warning")
        return redirect(url_for("clerk.undo_page", plan_id=plan.id)), 303
    from ..models import AuditEntry

    entry = db.session.get(AuditEntry, entry_id)
    if entry is None or entry.plan_id != plan.id or entry.person_id is None:
        abort(404)
    person = db.session.get(Person, entry.person_id)
    if person is None or not access.can_see_person(current_user, person, plan):
        abort(404)
    try:
        undo.undo(plan, entry_id, current_user)
    except undo.UndoError as exc:
        db.session.rollback()
        if exc.code == 409:
            flash(exc.message, "danger")
            return redirect(url_for("clerk.undo_page", plan_id=plan.id)), 303
        abort(exc.code)
    except review.OverrideRequired:
        db.session.rollback()
        flash(_("Không thể hoàn tác: vi phạm quy định bắt buộc."), "danger")
        return redirect(url_for("clerk.undo_page", plan_id=plan.id)), 303
    db.session.commit()
    flash(_("Đã hoàn tác thay đổi của %(name)s.", name=person.name), "success")
    return redirect(url_for("clerk.undo_page", plan_id=plan.id)), 303
