"""Review pages: person card, adjusting a draft with live checks, candidates, re-solve, workflow,
scenarios and comparison, qualification gaps, leaders' dashboard, audit trail."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import access
from ..extensions import db
from ..models import (
    Assignment,
    AuditEntry,
    Commune,
    Department,
    Forbidden,
    Person,
    Plan,
    Position,
    Role,
)
from ..services import compare as compare_service
from ..services import dashboard as dashboard_service
from ..services import review, training
from ..web import xlsx_download
from .forms import ChangeForm, CompleteForm, CopyForm, WorkflowForm

bp = Blueprint("review", __name__)

PAGE = 200


# ---------------------------------------------------------------- helpers


def _scope(plan: Plan) -> tuple[Any, list[Commune]]:
    province = access.get_province(plan.province_code, current_user)
    return province, access.visible_communes(province, current_user)


def _person(plan: Plan, person_id: int) -> Person:
    """A person of the plan's province the user may see (404 otherwise): see access.person_scope_filter."""
    person = db.session.get(Person, person_id)
    if person is None or person.province_code != plan.province_code:
        abort(404)
    if not access.can_see_person(current_user, person, plan):
        abort(404)
    return person


def _position(plan: Plan, position_id: int | None) -> Position | None:
    if position_id is None:
        return None
    pos = db.session.get(Position, position_id)
    if pos is None:
        abort(404)
    commune = pos.department.commune
    if commune.province_code != plan.province_code or not access.can_see_commune(current_user, commune):
        abort(404)
    return pos


def _commune(plan: Plan, code: str | None) -> Commune | None:
    if not code:
        return None
    province = access.get_province(plan.province_code, current_user)
    return access.get_commune(province, code, current_user)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        abort(400)


def _change_from(plan: Plan, data: Any) -> review.Change:
    kind = data.get("kind", "")
    if kind not in review.KINDS:
        abort(400)
    person_id = _int(data.get("person"))
    if person_id is None:
        abort(400)
    person = _person(plan, person_id)
    other_id = _int(data.get("other"))
    forbidden = None
    if (fid := _int(data.get("forbidden"))) is not None:
        forbidden = db.session.get(Forbidden, fid)
        if forbidden is None or forbidden.plan_id != plan.id or forbidden.person_id != person.id:
            abort(404)
    return review.Change(
        kind,
        person,
        _position(plan, _int(data.get("position"))),
        _person(plan, other_id) if other_id is not None else None,
        _commune(plan, data.get("commune")),
        forbidden,
    )


def _stale(plan: Plan) -> ResponseReturnValue:
    message = _(
        "Phương án vừa được người khác thay đổi (phiên bản hiện tại: {v}). Thay đổi của bạn chưa được "
        "lưu; hãy tải lại trang và thực hiện lại."
    ).format(v=plan.version)
    return render_template("error.html", code=409, message=message, detail="Conflict"), 409


def _fed_communes(person: Person) -> list[Commune]:
    visible = {c.id for c in access.visible_communes(person.unit.province, current_user)}
    return [
        lk.commune
        for lk in sorted(person.unit.links, key=lambda lk: (lk.extra, lk.commune.name))
        if lk.commune_id in visible
    ]


def _seat_options(plan: Plan, communes: list[Commune]) -> list[tuple[Commune, list[tuple[Position, int]]]]:
    """Every seat of these communes with how many the plan puts there now."""
    ids = [c.id for c in communes]
    positions = db.session.scalars(
        db.select(Position)
        .join(Department)
        .where(Department.commune_id.in_(ids))
        .options(selectinload(Position.department))
        .order_by(Position.id)
    ).all()
    counts: dict[int, int] = dict(
        db.session.execute(
            db.select(Assignment.position_id, db.func.count())
            .where(Assignment.plan_id == plan.id, Assignment.position_id.in_([p.id for p in positions]))
            .group_by(Assignment.position_id)
        ).all()
    )  # type: ignore[arg-type]
    out = []
    for c in communes:
        out.append((c, [(p, counts.get(p.id, 0)) for p in positions if p.department.commune_id == c.id]))
    return out


def _swap_options(plan: Plan, person: Person, communes: list[Commune]) -> list[tuple[Assignment, str]]:
    ids = [c.id for c in communes]
    rows = db.session.scalars(
        db.select(Assignment)
        .join(Position)
        .join(Department)
        .where(
            Assignment.plan_id == plan.id, Department.commune_id.in_(ids), Assignment.person_id != person.id
        )
        .options(
            selectinload(Assignment.person),
            selectinload(Assignment.position)
            .selectinload(Position.department)
            .selectinload(Department.commune),
        )
    ).all()
    return sorted(
        (
            (a, f"{a.position.department.commune.name} · {a.position.title} · {a.person.name}")
            for a in rows
            if a.position is not None
        ),
        key=lambda x: x[1],
    )


def _redirect_after(plan: Plan, change: review.Change) -> ResponseReturnValue:
    a = review.current_seat(plan, change.person)
    if a is not None and a.position is not None:
        return redirect(
            url_for("plans.commune", plan_id=plan.id, commune_code=a.position.department.commune.code)
            + f"#p{change.person.id}"
        )
    return redirect(url_for("review.person", plan_id=plan.id, person_id=change.person.id))


# ---------------------------------------------------------------- person card


@bp.get("/plans/<int:plan_id>/people/<int:person_id>")
@access.any_role
def person(plan_id: int, person_id: int) -> ResponseReturnValue:
    """A person's card: record, origin unit, seat in this plan with every reason, and their history."""
    plan = access.get_plan(plan_id, current_user)
    province, _communes = _scope(plan)
    who = _person(plan, person_id)
    a = review.current_seat(plan, who)
    forbidden = db.session.scalars(
        db.select(Forbidden).where(Forbidden.plan_id == plan.id, Forbidden.person_id == who.id)
    ).all()
    history = db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.person_id == who.id, AuditEntry.plan_id == plan.id)
        .order_by(AuditEntry.id.desc())
        .limit(50)
    ).all()
    violations: list[Any] = []
    if a is not None and a.position is not None:
        from ..services import ranking as _ranking

        violations = _ranking.seat_violations(plan, who, a.position.department.commune_id)
    from ..models import Relation

    relatives = [
        *db.session.execute(
            db.select(Relation.kind, Person)
            .join(Person, Person.id == Relation.person_b_id)
            .where(Relation.person_a_id == who.id)
        ).all(),
        *db.session.execute(
            db.select(Relation.kind, Person)
            .join(Person, Person.id == Relation.person_a_id)
            .where(Relation.person_b_id == who.id)
        ).all(),
    ]
    form = WorkflowForm(version=plan.version)
    from ..services import person_page, ranking

    values, source = person_page.record_values(who)
    return render_template(
        "review/person.html",
        values=values,
        source=source,
        alternatives=ranking.person_alternatives(plan, who, current_user, limit=10),
        decisions=person_page.decisions_for(plan, a),
        plan=plan,
        province=province,
        person=who,
        a=a,
        forbidden=forbidden,
        history=history,
        violations=violations,
        relatives=relatives,
        fed=_fed_communes(who),
        form=form,
        can_edit=plan.editable and current_user.has_role(Role.DRAFTER),
    )


# ---------------------------------------------------------------- adjusting a draft


def _change_page(
    plan: Plan,
    change: review.Change | None,
    data: Any,
    form: ChangeForm | None = None,
    status: int = 200,
    error: str | None = None,
    check: Any = None,
) -> ResponseReturnValue:
    province, _communes = _scope(plan)
    kind = data.get("kind", "")
    who = _person(plan, _int(data.get("person")) or 0)
    fed = _fed_communes(who)
    if check is None and change is not None and _ready(change):
        try:
            check = review.check_change(plan, change)
        except review.ChangeError as exc:
            error = str(exc)
    if form is None:
        form = ChangeForm(
            version=plan.version,
            seen=review.touched_state(plan, change) if change is not None else "",
            kind=kind,
            person=who.id,
            position=data.get("position", ""),
            other=data.get("other", ""),
            commune=data.get("commune", ""),
            forbidden=data.get("forbidden", ""),
        )
    seats = _seat_options(plan, fed) if kind in ("move", "forbid_seat") else []
    swaps = _swap_options(plan, who, fed) if kind == "swap" else []
    return render_template(
        "review/change.html",
        plan=plan,
        province=province,
        person=who,
        kind=kind,
        a=review.current_seat(plan, who),
        fed=fed,
        seats=seats,
        swaps=swaps,
        check=check,
        form=form,
        data=data,
        error=error,
    ), status


def _ready(change: review.Change) -> bool:
    if change.kind in ("move", "forbid_seat"):
        return change.position is not None
    if change.kind == "swap":
        return change.other is not None
    if change.kind == "forbid_commune":
        return change.commune is not None
    if change.kind == "unforbid":
        return change.forbidden is not None
    return True


@bp.get("/plans/<int:plan_id>/change")
@access.role_required(Role.DRAFTER)
def change(plan_id: int) -> ResponseReturnValue:
    """Choose an adjustment and see, before confirming, every hard rule it breaks and what it leads to."""
    plan = access.get_editable_plan(plan_id, current_user)
    return _change_page(plan, _change_from(plan, request.args), request.args)


@bp.get("/plans/<int:plan_id>/check")
@access.role_required(Role.DRAFTER)
def check(plan_id: int) -> ResponseReturnValue:
    """The check panel alone, for the page's script to refresh as the choice changes."""
    plan = access.get_editable_plan(plan_id, current_user)
    change = _change_from(plan, request.args)
    error = None
    result = None
    if _ready(change):
        try:
            result = review.check_change(plan, change)
        except review.ChangeError as exc:
            error = str(exc)
    form = ChangeForm(
        version=request.args.get("version") or plan.version,
        seen=review.touched_state(plan, change),
        kind=change.kind,
        person=change.person.id,
        position=request.args.get("position", ""),
        other=request.args.get("other", ""),
        commune=request.args.get("commune", ""),
        forbidden=request.args.get("forbidden", ""),
    )
    return render_template("review/_check.html", plan=plan, check=result, form=form, error=error)


@bp.post("/plans/<int:plan_id>/change")
@access.role_required(Role.DRAFTER)
def apply(plan_id: int) -> ResponseReturnValue:
    """Make the adjustment: refused on a stale version, or on a broken hard rule without a written reason."""
    plan = access.get_editable_plan(plan_id, current_user)
    form = ChangeForm()
    if not form.validate_on_submit():
        abort(400)
    # no plan-wide version check: the edit locks only what it touches (services/review/concurrency.py)
    data = {k: getattr(form, k).data for k in ("kind", "person", "position", "other", "commune", "forbidden")}
    change = _change_from(plan, data)
    reason = (form.reason.data or "").strip()
    try:
        looked = review.look(plan, change, form.seen.data)
        # the heavy check runs before the claim, holding nothing; it is made again if the communes moved
        checked = review.check_change(plan, change)
        if review.take(plan, change, looked, current_user):
            checked = review.check_change(plan, change)
    except review.ConflictError as exc:
        db.session.rollback()
        form.seen.data = review.touched_state(plan, change)  # confirming again now is a knowing choice
        return _change_page(plan, change, data, form, 409, exc.message)
    except review.ChangeError as exc:
        db.session.rollback()
        return _change_page(plan, change, data, form, 422, str(exc))
    db.session.refresh(plan)  # a re-solve queued before the claim is seen now
    if review.is_solving(plan):
        # the solve would overwrite the change (or fail on the new version): wait for it
        db.session.rollback()
        return render_template(
            "error.html",
            code=409,
            message=_("Phương án đang được giải lại; hãy chờ hoàn thành rồi điều chỉnh."),
            detail="Conflict",
        ), 409
    try:
        result = review.apply_change(
            plan, change, current_user, reason, override=bool(form.override.data), result=checked
        )
    except review.OverrideRequired as exc:
        db.session.rollback()
        return _change_page(
            plan,
            change,
            data,
            form,
            422,
            _(
                "Thay đổi này vi phạm quy định bắt buộc: "
                "hãy đánh dấu chấp nhận vượt quy định và ghi rõ lý do."
            ),
            check=exc.args[0] if exc.args else None,
        )
    except review.ChangeError as exc:
        db.session.rollback()
        return _change_page(plan, change, data, form, 422, str(exc))
    db.session.commit()
    flash(
        _("Đã lưu điều chỉnh.")
        + (" " + _("Đã ghi nhận lý do vượt quy định.") if result.needs_override else ""),
        "success",
    )
    return _redirect_after(plan, change)


# ---------------------------------------------------------------- candidates for a seat


@bp.get("/plans/<int:plan_id>/seats/<int:position_id>")
@access.any_role
def seat(plan_id: int, position_id: int) -> ResponseReturnValue:
    """A seat: its requirements, holders, and the ranked people who could take it, with what each changes."""
    plan = access.get_plan(plan_id, current_user)
    province, _communes = _scope(plan)
    pos = _position(plan, position_id)
    if pos is None:
        abort(404)
    holders = db.session.scalars(
        db.select(Assignment)
        .where(Assignment.plan_id == plan.id, Assignment.position_id == pos.id)
        .options(selectinload(Assignment.person))
    ).all()
    limit = min(200, max(1, request.args.get("limit", 40, type=int) or 40))
    from ..services import ranking

    # the legal candidates in the solver's own order (solver.explain); then who could not, and why
    ranked = ranking.seat_candidates(plan, pos, limit=limit)
    barred = ranking.barred(plan, pos, limit=limit)
    return render_template(
        "review/seat.html",
        plan=plan,
        province=province,
        pos=pos,
        holders=holders,
        ranked=ranked,
        candidates=barred,
        can_edit=plan.editable and current_user.has_role(Role.DRAFTER),
    )


# ---------------------------------------------------------------- re-solve


@bp.post("/plans/<int:plan_id>/complete")
@access.role_required(Role.DRAFTER)
def complete(plan_id: int) -> ResponseReturnValue:
    """Hoàn thiện phương án: re-solve this draft in the background, keeping locks, forbidden pairs, seats."""
    from ..tasks import solve_plan_task

    plan = access.get_editable_plan(plan_id, current_user)
    form = CompleteForm()
    if not form.validate_on_submit():
        abort(400)
    if not review.check_version(plan, form.version.data):
        return _stale(plan)
    if review.is_solving(plan):
        flash(_("Phương án đang được giải."), "warning")
        return redirect(url_for("plans.show", plan_id=plan.id))
    review.queue_resolve(plan, current_user, current_app.config["SOLVER_TIME_LIMIT"])
    db.session.commit()
    result = solve_plan_task(
        plan.id,
        float(current_app.config["SOLVER_TIME_LIMIT"]),
        int(current_app.config["SOLVER_WORKERS"]),
        current_user.id,
    )
    db.session.expire_all()
    reloaded = db.session.get(Plan, plan_id)
    if reloaded is None:
        abort(404)
    plan = reloaded
    job_id = getattr(result, "id", None)
    if job_id and review.is_solving(plan):
        review.remember_job(plan, job_id)
    flash(
        _("Đang hoàn thiện phương án: các phân công đã khóa và điều kiện loại trừ được giữ nguyên."),
        "success",
    )
    return redirect(url_for("plans.show", plan_id=plan.id))


# ---------------------------------------------------------------- workflow and scenarios


@bp.post("/plans/<int:plan_id>/workflow/<action>")
@access.any_role
def workflow(plan_id: int, action: str) -> ResponseReturnValue:
    """Submit, forward, return with a comment, approve, or comment."""
    plan = access.get_plan(plan_id, current_user)
    form = WorkflowForm()
    if not form.validate_on_submit():
        abort(400)
    if not review.check_version(plan, form.version.data):
        return _stale(plan)
    try:
        review.transition(plan, action, current_user, form.text.data or "")
    except review.WorkflowError as exc:
        db.session.rollback()
        if exc.code == 400:
            flash(exc.message, "danger")
            return redirect(url_for("plans.show", plan_id=plan.id) + "#workflow")
        abort(exc.code)
    db.session.commit()
    flash(
        {
            "submit": _("Đã gửi thẩm định."),
            "forward": _("Đã trình phê duyệt."),
            "return": _("Đã trả lại phương án để chỉnh sửa."),
            "approve": _("Đã phê duyệt phương án."),
            "comment": _("Đã ghi ý kiến."),
        }[action],
        "success",
    )
    return redirect(url_for("plans.show", plan_id=plan.id) + "#workflow")


@bp.post("/plans/<int:plan_id>/copy")
@access.role_required(Role.DRAFTER)
def copy(plan_id: int) -> ResponseReturnValue:
    """A new draft from this plan: another scenario, or the new version of an approved plan."""
    plan = access.get_plan(plan_id, current_user)
    form = CopyForm()
    if not form.validate_on_submit():
        flash(_("Vui lòng nhập tên phương án."), "danger")
        return redirect(url_for("plans.show", plan_id=plan.id))
    child = review.copy_plan(plan, form.name.data or "", current_user)
    db.session.commit()
    flash(_("Đã tạo phương án mới từ «{name}».").format(name=plan.name), "success")
    return redirect(url_for("plans.show", plan_id=child.id))


@bp.get("/plans/<int:plan_id>/compare")
@access.any_role
def compare(plan_id: int) -> ResponseReturnValue:
    """Two plans side by side, with the difference person by person."""
    plan = access.get_plan(plan_id, current_user)
    province, communes = _scope(plan)
    others = db.session.scalars(
        db.select(Plan)
        .where(Plan.province_code == plan.province_code, Plan.id != plan.id)
        .order_by(Plan.id.desc())
    ).all()
    other_id = _int(request.args.get("other")) or plan.parent_id or (others[0].id if others else None)
    result = None
    if other_id is not None:
        other = access.get_plan(other_id, current_user)
        if other.province_code != plan.province_code:
            abort(404)
        result = compare_service.compare(other, plan, communes)
    kind = request.args.get("kind", "")
    commune = request.args.get("commune", "")
    diffs = []
    if result is not None:
        diffs = [
            d
            for d in result.differences
            if (not kind or d.kind == kind) and (not commune or commune in d.communes)
        ]
    return render_template(
        "review/compare.html",
        plan=plan,
        province=province,
        others=others,
        other_id=other_id,
        result=result,
        diffs=diffs[:1000],
        total=len(diffs),
        kind=kind,
        commune=commune,
        communes=communes,
    )


# ---------------------------------------------------------------- qualification gaps


def _gap_filters() -> dict[str, str]:
    return {k: request.args.get(k, "") for k in ("commune", "attr", "level", "need", "q", "sort")}


@bp.get("/plans/<int:plan_id>/gaps")
@access.any_role
def gaps(plan_id: int) -> ResponseReturnValue:
    """Every qualification gap, grouped into training needs; filter, sort, export."""
    plan = access.get_plan(plan_id, current_user)
    province, communes = _scope(plan)
    from flask_babel import get_locale

    lang = str(get_locale() or "vi")
    rows = training.gap_rows(plan, communes, lang)
    f = _gap_filters()
    shown = training.filter_rows(
        rows, **{k: v for k, v in f.items() if k != "sort"}, sort=f["sort"] or "commune"
    )
    needs = training.training_needs(shown)
    page = max(1, _int(request.args.get("page")) or 1)
    pages = max(1, (len(shown) + PAGE - 1) // PAGE)
    return render_template(
        "review/gaps.html",
        plan=plan,
        province=province,
        rows=shown[(page - 1) * PAGE : page * PAGE],
        total=len(shown),
        all_total=len(rows),
        needs=needs,
        filters=f,
        communes=communes,
        attrs=sorted(training.attr_counts(rows).items()),
        page=page,
        pages=pages,
        all_needs=training.training_needs(rows),
    )


@bp.get("/plans/<int:plan_id>/gaps.xlsx")
@access.any_role
def gaps_xlsx(plan_id: int) -> ResponseReturnValue:
    """The gaps as filtered on the page, and the training needs, as an .xlsx workbook."""

    plan = access.get_plan(plan_id, current_user)
    _province, communes = _scope(plan)
    from flask_babel import get_locale

    lang = str(get_locale() or "vi")
    f = _gap_filters()

    def build() -> bytes:
        rows = training.filter_rows(
            training.gap_rows(plan, communes, lang),
            **{k: v for k, v in f.items() if k != "sort"},
            sort=f["sort"] or "commune",
        )
        return training.workbook(plan, rows, training.training_needs(rows), lang)

    from ..services.plan_views import cached

    # the same plan version and filters give the same workbook: HR downloads it again and again
    key = (tuple(sorted(c.id for c in communes)), lang, tuple(sorted(f.items())))
    data = cached("gaps.xlsx", plan, key, build)
    return xlsx_download(data, f"thieu-hut-phuong-an-{plan.id}.xlsx")


# ---------------------------------------------------------------- dashboard


@bp.get("/plans/<int:plan_id>/dashboard")
@access.any_role
def dashboard(plan_id: int) -> ResponseReturnValue:
    """The plan for leaders: seats, shortfalls, unplaced, gaps, balance, women, minorities, ages."""
    plan = access.get_plan(plan_id, current_user)
    province, communes = _scope(plan)
    data = dashboard_service.build(plan, province, communes, province.name)
    return render_template("review/dashboard.html", plan=plan, province=province, data=data, commune=None)


@bp.get("/plans/<int:plan_id>/dashboard/c/<commune_code>")
@access.any_role
def commune_dashboard(plan_id: int, commune_code: str) -> ResponseReturnValue:
    """The dashboard of one commune."""
    plan = access.get_plan(plan_id, current_user)
    province, _communes = _scope(plan)
    com = access.get_commune(province, commune_code, current_user)
    data = dashboard_service.build(plan, province, [com], com.name)
    return render_template("review/dashboard.html", plan=plan, province=province, data=data, commune=com)


# ---------------------------------------------------------------- audit trail


def _audit_people(entries: list[AuditEntry]) -> dict[int, Person]:
    ids = {e.person_id for e in entries if e.person_id}
    return {p.id: p for p in db.session.scalars(db.select(Person).where(Person.id.in_(ids)))} if ids else {}


@bp.get("/plans/<int:plan_id>/audit")
@access.any_role
def audit(plan_id: int) -> ResponseReturnValue:
    """Every change of the plan: who, when, before, after, why."""
    plan = access.get_plan(plan_id, current_user)
    province, _communes = _scope(plan)
    page = max(1, _int(request.args.get("page")) or 1)
    query = db.select(AuditEntry).where(AuditEntry.plan_id == plan.id)
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery())) or 0
    entries = db.session.scalars(
        query.options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.id.desc())
        .offset((page - 1) * PAGE)
        .limit(PAGE)
    ).all()
    return render_template(
        "review/audit.html",
        plan=plan,
        province=province,
        entries=entries,
        people=_audit_people(list(entries)),
        person=None,
        page=page,
        pages=max(1, (total + PAGE - 1) // PAGE),
        plans={plan.id: plan},
    )


@bp.get("/p/<code>/people/<int:person_id>/history")
@access.any_role
def person_history(code: str, person_id: int) -> ResponseReturnValue:
    """Every change that touched a person, in every plan of the province."""
    province = access.get_province(code, current_user)
    plans = {p.id: p for p in db.session.scalars(db.select(Plan).where(Plan.province_code == province.code))}
    any_plan = next(iter(plans.values()), None)
    who = db.session.get(Person, person_id)
    if who is None or who.province_code != province.code:
        abort(404)
    if any_plan is not None:
        _person(any_plan, person_id)
    entries = db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.person_id == who.id)
        .options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.id.desc())
        .limit(500)
    ).all()
    return render_template(
        "review/audit.html",
        plan=None,
        province=province,
        entries=entries,
        people={who.id: who},
        person=who,
        page=1,
        pages=1,
        plans=plans,
    )
