"""Plans: propose (background solve), follow progress, read a plan by commune."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import access
from ..extensions import db
from ..models import JobState, Plan, Role
from ..services import live, page_cache, plan_views, plans, worklist
from .forms import ProposeForm

bp = Blueprint("plans", __name__)
SHOW_ROWS = 50  # the plan page shows the first unplaced people; the full list has its own pages


@bp.get("/p/<code>/plans")
@access.any_role
def index(code: str) -> ResponseReturnValue:
    """The province's plan scenarios, and a form to propose a new one."""
    province = access.get_province(code, current_user)
    items = db.session.scalars(
        db.select(Plan).where(Plan.province_code == province.code).order_by(Plan.id.desc())
    ).all()
    form = _propose_form(province)
    return render_template("plans/index.html", province=province, plans=items, form=form)


def _propose_form(province) -> ProposeForm:  # type: ignore[no-untyped-def]
    form = ProposeForm()
    communes = access.visible_communes(province, current_user)
    scope = [("", _("Toàn tỉnh"))] if not current_user.communes else []
    form.commune.choices = scope + [(c.code, c.name) for c in communes]
    return form


@bp.post("/p/<code>/plans")
@access.role_required(Role.DRAFTER)
def propose(code: str) -> ResponseReturnValue:
    """Create a draft scenario and solve it in the background."""
    from ..tasks import solve_plan_task

    province = access.get_province(code, current_user)
    form = _propose_form(province)
    if not form.validate_on_submit():
        flash(_("Vui lòng nhập tên phương án."), "danger")
        return redirect(url_for("plans.index", code=code))
    scope = [form.commune.data] if form.commune.data else None
    plan = plans.create_plan(province, form.name.data or "", current_user, scope_communes=scope)
    plan.job_state, plan.job_message = JobState.QUEUED, _("Đang chờ xử lý…")
    db.session.commit()
    from flask import current_app

    result = solve_plan_task(
        plan.id,
        float(current_app.config["SOLVER_TIME_LIMIT"]),
        int(current_app.config["SOLVER_WORKERS"]),
        current_user.id,
    )
    db.session.refresh(plan)
    plan.job_id = getattr(result, "id", None)
    db.session.commit()
    flash(_("Đã đưa phương án vào hàng đợi giải."), "success")
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.get("/plans/<int:plan_id>")
@access.any_role
def show(plan_id: int) -> ResponseReturnValue:
    """A plan: status, progress, per-commune fill, shortfalls and unplaced people with reasons."""
    plan = access.get_plan(plan_id, current_user)
    if plans.expire_stale_job(plan):
        db.session.refresh(plan)
    province = access.get_province(plan.province_code, current_user)
    communes = access.visible_communes(province, current_user)
    summary = plan_views.plan_summary(plan, communes)
    visible = {c.code for c in communes}
    scope = visible if current_user.communes else None
    unplaced = plan_views.unplaced_people(plan, scope, limit=SHOW_ROWS)
    unplaced_total = summary.unplaced if scope is None else plan_views.unplaced_count(plan, scope)
    shortfalls = [s for s in plan_views.shortfalls(plan) if s.position.department.commune.code in visible]
    from ..review.forms import CompleteForm, CopyForm, WorkflowForm
    from ..services.review import allowed_actions

    default_name = (
        _("{name} (phiên bản mới)") if plan.status.value == "approved" else _("{name} (bản sao)")
    ).format(name=plan.name)
    return render_template(
        "plans/show.html",
        plan=plan,
        province=province,
        summary=summary,
        unplaced=unplaced,
        unplaced_total=unplaced_total,
        shortfalls=shortfalls,
        actions=allowed_actions(plan, current_user),
        wf_form=WorkflowForm(version=plan.version),
        copy_form=CopyForm(name=default_name[:200]),
        complete_form=CompleteForm(version=plan.version),
    )


@bp.get("/plans/<int:plan_id>/unplaced")
@access.any_role
def unplaced(plan_id: int) -> ResponseReturnValue:
    """Every person the plan leaves without a seat, with why, a page at a time."""
    from flask import request

    plan = access.get_plan(plan_id, current_user)
    province = access.get_province(plan.province_code, current_user)
    scope = (
        {c.code for c in access.visible_communes(province, current_user)} if current_user.communes else None
    )
    try:
        page = max(1, request.args.get("page", 1, type=int) or 1)
    except ValueError:
        abort(400)
    total = plan_views.unplaced_count(plan, scope)
    rows = plan_views.unplaced_people(plan, scope, limit=PAGE_ROWS, offset=(page - 1) * PAGE_ROWS)
    return render_template(
        "plans/unplaced.html",
        plan=plan,
        province=province,
        unplaced=rows,
        total=total,
        page=page,
        pages=max(1, (total + PAGE_ROWS - 1) // PAGE_ROWS),
    )


PAGE_ROWS = 200


@bp.get("/plans/<int:plan_id>/progress")
@access.any_role
def progress(plan_id: int) -> ResponseReturnValue:
    """The background solve's state, for the progress bar."""
    plan = access.get_plan(plan_id, current_user)
    plans.expire_stale_job(plan)
    db.session.refresh(plan)
    return {
        "state": plan.job_state.value,
        "progress": round(plan.job_progress, 3),
        "message": plan.job_message,
    }


@bp.get("/plans/<int:plan_id>/c/<commune_code>")
@access.any_role
def commune(plan_id: int, commune_code: str) -> ResponseReturnValue:
    """The plan for one commune as an organisation chart, with every reason."""
    plan = access.get_plan(plan_id, current_user)
    province = access.get_province(plan.province_code, current_user)
    com = access.get_commune(province, commune_code, current_user)
    can_edit = plan.editable and current_user.has_role(Role.DRAFTER)
    stamp = live.stamp(plan, com)
    # the chart is the same for every view until an edit of this commune, a plan-wide step or new data
    chart_key = page_cache.key(
        "chart",
        db.engine.url,
        plan.id,
        stamp,
        plan_views.data_stamp_outside_plans(),
        can_edit,
        get_locale(),
    )
    chart_html = page_cache.get_or_build(
        chart_key,
        lambda: render_template(
            "plans/_chart.html", plan=plan, chart=plan_views.commune_chart(plan, com), can_edit=can_edit
        ),
    )
    unplaced = plan_views.unplaced_people(plan, {com.code})
    return render_template(
        "plans/commune.html",
        plan=plan,
        province=province,
        commune=com,
        chart_html=Markup(chart_html),  # noqa: S704  (rendered by our own autoescaped template)
        unplaced=unplaced,
        filled=plan_views.commune_filled(plan, com),
        can_edit=can_edit,
        live_stamp=stamp,
        queue_state=worklist.state(plan, com),
        queue_labels=worklist.STATUS_LABELS,
    )


@bp.get("/plans/<int:plan_id>/c/<commune_code>/live")
@access.any_role
def commune_live(plan_id: int, commune_code: str) -> ResponseReturnValue:
    """For the commune page's poll: has anything changed, who changed it last, who else is looking."""
    plan = access.get_plan(plan_id, current_user)
    province = access.get_province(plan.province_code, current_user)
    com = access.get_commune(province, commune_code, current_user)
    live.note_presence(plan, com, current_user)
    db.session.commit()
    state = live.commune_state(plan, com, current_user)
    return state, 200, {"Cache-Control": "no-store"}


@bp.get("/plans/<int:plan_id>/problem.json")
@access.any_role
def problem_json(plan_id: int) -> ResponseReturnValue:
    """The exact problem the solver gets for this plan (exchange format), to reproduce it elsewhere."""
    from ..services.problems import build_problem

    plan = access.get_plan(plan_id, current_user)
    if current_user.communes:
        abort(403)  # the problem holds the whole province's people
    province = access.get_province(plan.province_code, current_user)
    return build_problem(province, plan)
