"""Re-solving a draft (Hoàn thiện phương án): queue the solve of the whole plan, keeping locks,
forbidden pairs and settled seats; the solve itself is staffing/services/plans.py in a background task."""

from __future__ import annotations

from typing import cast

from flask_babel import gettext as _
from sqlalchemy import Table, update

from ...audit import record
from ...extensions import db
from ...models import JobState, Plan, User


def is_solving(plan: Plan) -> bool:
    return plan.job_state in (JobState.QUEUED, JobState.RUNNING)


def queue_resolve(plan: Plan, user: User, time_limit: float) -> None:
    """Mark the plan queued for a re-solve and audit it (the caller commits, then enqueues the task)."""
    plan.job_state, plan.job_progress, plan.job_message = JobState.QUEUED, 0.0, _("Đang chờ xử lý…")
    plan.infeasible = None
    record(
        "complete",
        "plan",
        user=user,
        entity_id=plan.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        after={"time_limit": time_limit},
    )


def remember_job(plan: Plan, job_id: str) -> None:
    """Keep the queue's task id on the plan; not a change of the plan, so its version is left alone."""
    with db.engine.begin() as conn:
        conn.execute(
            update(cast(Table, Plan.__table__)).where(Plan.__table__.c.id == plan.id).values(job_id=job_id)
        )
