"""Plans: create scenarios, run the solver on them, store what it returns."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, update

from ..audit import record
from ..extensions import db
from ..models import (
    Assignment,
    Commune,
    Department,
    JobState,
    Person,
    Plan,
    PlanStatus,
    Position,
    Province,
    Shortfall,
    User,
)
from .problems import build_problem

logger = logging.getLogger(__name__)


def create_plan(
    province: Province,
    name: str,
    user: User | None,
    parent: Plan | None = None,
    scope_communes: list[str] | None = None,
) -> Plan:
    """A new draft scenario; a child of `parent` starts with its assignments, locks and shortfalls.

    Forbidden pairs are copied by the review service's copy action, which knows why they were set.
    """
    plan = Plan(
        province_code=province.code,
        name=name,
        status=PlanStatus.DRAFT,
        created_by_id=user.id if user else None,
        parent=parent,
        scope_communes=scope_communes,
    )
    db.session.add(plan)
    db.session.flush()
    if parent is not None:
        for a in parent.assignments:
            db.session.add(
                Assignment(
                    plan=plan,
                    person_id=a.person_id,
                    position_id=a.position_id,
                    source=a.source,
                    locked=a.locked,
                    reasons=a.reasons,
                    gaps=a.gaps,
                    early_retirement=a.early_retirement,
                    override_reason=a.override_reason,
                )
            )
        for s in parent.shortfalls:
            db.session.add(
                Shortfall(
                    plan=plan,
                    position_id=s.position_id,
                    missing=s.missing,
                    reasons=s.reasons,
                    closest=s.closest,
                )
            )
        plan.solver_status, plan.solver_stats = parent.solver_status, parent.solver_stats
        plan.problem_sha256 = parent.problem_sha256
    record(
        "create",
        "plan",
        user=user,
        entity_id=plan.id,
        province_code=province.code,
        plan_id=plan.id,
        after={"name": name, "parent": parent.id if parent else None},
    )
    return plan


# A running solve reports progress at least every component and stage: this long a silence means its
# worker died (STAFFING_STALE_JOB_S shortens it for drills and the topology test).
STALE_JOB_AFTER = timedelta(seconds=float(os.environ.get("STAFFING_STALE_JOB_S") or 15 * 60))
# Drills and the topology test only: hold every solve this many seconds after it starts, so a worker can be
# killed mid-solve on purpose. Never set in production.
SOLVE_HOLD_S = float(os.environ.get("STAFFING_SOLVE_HOLD_S") or 0)


def set_progress(plan_id: int, fraction: float, message: str, state: JobState | None = None) -> None:
    """Write job progress at once, outside the caller's transaction and without bumping the plan version."""
    values: dict[str, Any] = {
        "job_progress": max(0.0, min(1.0, fraction)),
        "job_message": message[:500],
        "job_heartbeat_at": datetime.now(UTC),
    }
    if state is not None:
        values["job_state"] = state.value
    with db.engine.begin() as conn:
        conn.execute(
            update(cast(Table, Plan.__table__)).where(Plan.__table__.c.id == plan_id).values(**values)
        )


def expire_stale_job(plan: Plan, now: datetime | None = None) -> bool:
    """Mark a solve whose worker stopped reporting as failed, so the plan can be solved again."""
    if plan.job_state != JobState.RUNNING or plan.job_heartbeat_at is None:
        return False
    beat = (
        plan.job_heartbeat_at if plan.job_heartbeat_at.tzinfo else plan.job_heartbeat_at.replace(tzinfo=UTC)
    )
    if (now or datetime.now(UTC)) - beat < STALE_JOB_AFTER:
        return False
    set_progress(
        plan.id,
        0.0,
        "Lần giải bị gián đoạn (tiến trình xử lý đã dừng); phương án giữ nguyên như trước, hãy chạy lại.",
        JobState.FAILED,
    )
    logger.warning("solve of plan %s marked failed: no progress since %s", plan.id, beat.isoformat())
    return True


def solve_plan(
    plan: Plan,
    time_limit: float,
    workers: int,
    seed: int = 0,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Run the solver on the plan's province with its locks, forbidden pairs and current assignments."""
    import solver

    province = db.session.get(Province, plan.province_code)
    if province is None:
        raise LookupError(f"plan {plan.id} names no stored province")
    problem_dict = build_problem(province, plan)
    problem = solver.load_problem(problem_dict)
    options: dict[str, Any] = {"time_limit": time_limit, "workers": workers, "seed": seed}
    if plan.scope_communes:
        options["communes"] = frozenset(plan.scope_communes)

    last = [0.0]

    def on_progress(p: Any) -> None:
        now = time.monotonic()
        if progress is not None and (now - last[0] > 0.5 or p.fraction >= 1.0):
            last[0] = now
            overall = ((p.stage - 1) + p.fraction) / 3
            progress(overall, p.message)

    result = solver.solve(problem, solver.SolveOptions(**options), progress=on_progress)
    return solver.plan_to_dict(result)


def store_result(plan: Plan, result: dict[str, Any], user: User | None) -> None:
    """Replace the plan's assignments and shortfalls with the solver's, keeping locks and manual overrides."""
    people = {
        p.key: p
        for p in db.session.scalars(db.select(Person).where(Person.province_code == plan.province_code))
    }
    positions = {
        p.code: p
        for p in db.session.scalars(
            db.select(Position)
            .join(Department)
            .join(Commune)
            .where(Commune.province_code == plan.province_code)
        )
    }
    old = {a.person_id: a for a in plan.assignments}
    in_scope = None
    if plan.scope_communes:
        scope = set(plan.scope_communes)
        in_scope = {p.id for code, p in positions.items() if code.split("/", 1)[0] in scope}

    seen: set[int] = set()

    def upsert(person: Person, position: Position | None, item: dict[str, Any]) -> None:
        seen.add(person.id)
        a = old.get(person.id)
        if a is None:
            a = Assignment(plan=plan, person=person)
            db.session.add(a)
        kept_manual = a.locked or (
            a.source == "manual" and a.position_id == (position.id if position else None)
        )
        a.position = position
        a.source = a.source if kept_manual else "solver"
        a.reasons = item.get("reasons") or [
            {"code": "text", "params": {"text": w}} for w in item.get("why", [])
        ]
        a.gaps = item.get("gaps", [])
        a.early_retirement = item.get("early_retirement")

    for item in result.get("assignments", []):
        upsert(people[item["person"]], positions[item["position"]], item)
    for item in result.get("unplaced", []):
        upsert(people[item["person"]], None, item)
    if in_scope is None:
        for person_id, a in old.items():
            if person_id not in seen:
                db.session.delete(a)
    touched = {s.position_id for s in plan.shortfalls}
    for s in list(plan.shortfalls):
        if in_scope is None or s.position_id in in_scope:
            db.session.delete(s)
    del touched
    for item in result.get("shortfalls", []):
        db.session.add(
            Shortfall(
                plan=plan,
                position=positions[item["position"]],
                missing=item["missing"],
                reasons=item.get("reasons")
                or [{"code": "text", "params": {"text": w}} for w in item.get("why", [])],
                closest=item.get("closest", []),
            )
        )
    stats = result.get("stats", {})
    plan.solver_status = result.get("status")
    plan.solver_stats = stats
    plan.problem_sha256 = stats.get("problem_sha256")
    plan.infeasible = result.get("infeasible")
    db.session.flush()
    record(
        "solve",
        "plan",
        user=user,
        entity_id=plan.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        after={
            "status": plan.solver_status,
            "placed": stats.get("placed"),
            "unplaced": stats.get("unplaced"),
            "shortfall": stats.get("shortfall"),
            "problem_sha256": plan.problem_sha256,
        },
    )


def run_solve_job(plan_id: int, time_limit: float, workers: int, user_id: int | None) -> None:
    """The body of the background job: mark running, solve, store, mark done or failed."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        return
    set_progress(plan_id, 0.0, "Đang chuẩn bị dữ liệu…", JobState.RUNNING)
    if SOLVE_HOLD_S > 0:
        time.sleep(SOLVE_HOLD_S)
    try:
        result = solve_plan(plan, time_limit, workers, progress=lambda f, m: set_progress(plan_id, f, m))
        plan = db.session.get(Plan, plan_id)
        if plan is None:  # deleted while it was being solved
            return
        if result.get("status") == "INFEASIBLE":
            plan.infeasible = result.get("infeasible")
            plan.solver_status = "INFEASIBLE"
        else:
            user = db.session.get(User, user_id) if user_id else None
            store_result(plan, result, user)
        plan.job_state, plan.job_progress = JobState.DONE, 1.0
        plan.job_message = (
            "Hoàn thành."
            if result.get("status") != "INFEASIBLE"
            else "Không có phương án thỏa mãn các ràng buộc đã khóa."
        )
        db.session.commit()
    except Exception as exc:  # a failed solve must leave the stored plan as it was
        db.session.rollback()
        logger.exception("solve of plan %s failed", plan_id)
        set_progress(plan_id, 0.0, f"Lỗi khi giải: {type(exc).__name__}", JobState.FAILED)
        raise
