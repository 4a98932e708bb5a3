"""Background jobs (huey): solves run here, one province's solve per task; export ZIPs in exports_jobs.

The queue itself and how a task finds its app are in staffing/queue.py.
"""

from __future__ import annotations

from pathlib import Path

from .queue import huey, task_app
from .services import export_jobs as _export_jobs  # noqa: F401  (its task registers on import)
from .services import pending_uploads, plans

__all__ = ["huey", "preview_upload_task", "solve_plan_task"]


@huey.task(retries=0)
def solve_plan_task(plan_id: int, time_limit: float, workers: int, user_id: int | None) -> None:
    with task_app().app_context():
        plans.run_solve_job(plan_id, time_limit, workers, user_id)


@huey.task(retries=0)
def preview_upload_task(upload_dir: str, token: str) -> None:
    """Check an uploaded file in the background (large rosters take seconds), recording progress."""
    with task_app().app_context():
        pending_uploads.run_preview(Path(upload_dir), token)
