"""Background jobs (huey): solves run here, one province's solve per task.

The queue is SQLite in the instance folder by default; HUEY_URL=redis://... puts it on Redis,
so workers on several machines can share one queue. In tests HUEY_IMMEDIATE runs tasks inline.
"""

from __future__ import annotations

import os
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey

from . import ROOT


def make_huey() -> Huey:
    url = os.environ.get("HUEY_URL", "")
    immediate = os.environ.get("HUEY_IMMEDIATE", "") == "1"
    if url.startswith("redis://"):
        return RedisHuey("staffing", url=url, immediate=immediate)
    instance = Path(os.environ.get("STAFFING_INSTANCE") or ROOT / "instance")
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else str(instance / "huey.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("staffing", filename=path, immediate=immediate)


huey = make_huey()


def _app():
    from flask import current_app, has_app_context

    from . import create_app

    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    return create_app()


@huey.task(retries=0)
def solve_plan_task(plan_id: int, time_limit: float, workers: int, user_id: int | None) -> None:
    from .services.plans import run_solve_job

    app = _app()
    with app.app_context():
        run_solve_job(plan_id, time_limit, workers, user_id)


@huey.task(retries=0)
def preview_upload_task(upload_dir: str, token: str) -> None:
    """Check an uploaded file in the background (large rosters take seconds), recording progress."""
    from pathlib import Path

    from .services.pending_uploads import run_preview

    app = _app()
    with app.app_context():
        run_preview(Path(upload_dir), token)


# Tasks defined elsewhere register on import, so a worker that never builds the app knows them.
from .exports import jobs as _export_jobs  # noqa: E402, F401
