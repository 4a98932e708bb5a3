"""Export jobs in the background (huey): the worker builds a big plan's ZIP, the browser polls its progress.

State lives in files under <instance>/exports/ (<id>.json beside <id>.zip), so any web process can answer.
The worker must import this module for the task to be known: staffing/tasks.py does (tasks call export jobs;
this module imports only the queue, never the tasks).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app

from ..extensions import db
from ..models import Plan, User
from ..queue import huey, task_app
from . import exits as exits_service
from . import exports as service

logger = logging.getLogger(__name__)
KEEP_SECONDS = 24 * 3600


def jobs_dir(instance_path: str) -> Path:
    """Where job states and finished files are kept."""
    path = Path(instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_state(instance_path: str, job_id: str) -> dict[str, Any] | None:
    """A job's state, or None for an unknown (or malformed) id."""
    if not job_id.isalnum():
        return None
    path = jobs_dir(instance_path) / f"{job_id}.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def write_state(instance_path: str, state: dict[str, Any]) -> None:
    """Replace a job's state atomically (a reader never sees half a file)."""
    folder = jobs_dir(instance_path)
    tmp = folder / f"{state['id']}.json.tmp"
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    tmp.replace(folder / f"{state['id']}.json")


def file_path(instance_path: str, job_id: str) -> Path:
    """The finished ZIP of a job."""
    return jobs_dir(instance_path) / f"{job_id}.zip"


def start(plan: Plan, mode: str, user: User, with_exits: bool = True) -> dict[str, Any]:
    """Queue the decisions ZIP of a plan (with its exit and miễn nhiệm decisions unless `with_exits` is
    False); returns the job's first state."""
    instance = current_app.instance_path
    _forget_old(instance)
    state: dict[str, Any] = {
        "id": secrets.token_hex(12),
        "plan_id": plan.id,
        "province_code": plan.province_code,
        "user_id": user.id,
        "kind": "decisions",
        "mode": mode,
        "exits": with_exits,
        "state": "queued",
        "progress": 0.0,
        "message": "Đang chờ xử lý…",
        "filename": None,
        "count": None,
        "created": time.time(),
    }
    write_state(instance, state)
    export_task(state["id"], instance)
    return read_state(instance, state["id"]) or state


@huey.task(retries=0)
def export_task(job_id: str, instance_path: str) -> None:
    """Build a job's ZIP, writing its progress as it goes."""
    with task_app().app_context():
        run(job_id, instance_path)


def run(job_id: str, instance_path: str) -> None:
    """The job itself (in an app context)."""
    state = read_state(instance_path, job_id)
    if state is None:
        return
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 0.5 or done == total:
            last[0] = now
            state.update(
                state="running",
                progress=round(done / max(total, 1), 3),
                message=f"Đã tạo {done}/{total} quyết định",
            )
            write_state(instance_path, state)

    try:
        plan = db.session.get(Plan, state["plan_id"])
        user = db.session.get(User, state["user_id"])
        if plan is None or user is None:
            raise LookupError("phương án hoặc người dùng không còn")
        state.update(state="running", message="Đang đọc phương án…")
        write_state(instance_path, state)
        target = file_path(instance_path, job_id)
        partial = target.with_suffix(".part")
        with partial.open("wb") as out:
            extra = exits_service.exit_docs_for(plan, user) if state.get("exits", True) else None
            name, count = service.decisions_zip(plan, out, state["mode"], user, progress, extra)
        partial.replace(target)
        service.audit_export(
            plan,
            "decisions",
            {"file": name, "mode": state["mode"], "count": count, "job": job_id, "exits": state.get("exits")},
            user,
        )
        db.session.commit()
        state.update(
            state="done", progress=1.0, filename=name, count=count, message=f"Hoàn thành: {count} quyết định"
        )
    except Exception as exc:  # the job reports its failure instead of dying silently
        logger.exception("export job %s failed", job_id)
        db.session.rollback()
        state.update(state="failed", message=f"Lỗi: {exc}")
    write_state(instance_path, state)


def _forget_old(instance_path: str) -> None:
    """Remove jobs and files older than a day."""
    cutoff = time.time() - KEEP_SECONDS
    for path in jobs_dir(instance_path).iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
