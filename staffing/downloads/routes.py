"""Downloads of a plan: its workbook, its decisions as a ZIP (now or as a background job), one decision."""

from __future__ import annotations

import tempfile
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import NotFound

from .. import access
from ..exports.compose import MODES
from ..extensions import db
from ..models import Plan
from ..services import exits, export_jobs, exports
from ..web import DOCX, download, xlsx_download

bp = Blueprint("exports", __name__)


def _audit(plan: Plan, what: str, after: dict[str, object]) -> None:
    """Who took which papers of which plan, in what state (the view owns the transaction)."""
    exports.audit_export(plan, what, after, current_user)
    db.session.commit()


@bp.get("/plans/<int:plan_id>/export/workbook.xlsx")
@access.any_role
def workbook(plan_id: int) -> ResponseReturnValue:
    """The plan's staffing workbook (marked DỰ THẢO until approved)."""
    plan = access.get_plan(plan_id, current_user)
    name, blob = exports.workbook(plan, current_user)
    _audit(plan, "workbook", {"file": name})
    return xlsx_download(blob, name)


@bp.get("/plans/<int:plan_id>/export/decisions.zip")
@access.any_role
def decisions(plan_id: int) -> ResponseReturnValue:
    """Every decision of the plan in a ZIP with its table of contents; ?mode=per_person|per_department.
    The exit and miễn nhiệm decisions come after the appointments unless ?exits=0."""
    plan = access.get_plan(plan_id, current_user)
    mode = request.args.get("mode", "per_person")
    if mode not in MODES:
        abort(400)
    # Large plans make ZIPs of tens of MB: spool to disk past 32 MB rather than hold them in memory.
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (send_file closes it)
    extra = exits.exit_docs_for(plan, current_user) if _with_exits() else None
    name, count = exports.decisions_zip(plan, out, mode, current_user, extra_docs=extra)
    _audit(plan, "decisions", {"file": name, "mode": mode, "count": count})
    out.seek(0)
    return send_file(out, mimetype="application/zip", as_attachment=True, download_name=name)


@bp.get("/plans/<int:plan_id>/export/decision/<int:assignment_id>.docx")
@access.any_role
def decision(plan_id: int, assignment_id: int) -> ResponseReturnValue:
    """One person's decision."""
    plan = access.get_plan(plan_id, current_user)
    found = exports.one_decision(plan, assignment_id, current_user)
    if found is None:
        raise NotFound()
    name, blob = found
    _audit(plan, "decision", {"file": name, "assignment": assignment_id})
    return download(blob, name, DOCX)


# ------------------------------------------------------------------ background jobs (large plans)


@bp.post("/plans/<int:plan_id>/export/jobs")
@access.any_role
def start_job(plan_id: int) -> ResponseReturnValue:
    """Start building the decisions ZIP in the background; 202 with where to follow it."""
    plan = access.get_plan(plan_id, current_user)
    mode = request.args.get("mode", "per_person")
    if mode not in MODES:
        abort(400)
    state = export_jobs.start(plan, mode, current_user, with_exits=_with_exits())
    return jsonify(_public(state)), 202


@bp.get("/exports/jobs/<job_id>")
@access.any_role
def job_status(job_id: str) -> ResponseReturnValue:
    """A job's state as JSON: state (queued, running, done, failed), progress 0..1, message."""
    return jsonify(_public(_own_job(job_id)))


@bp.get("/exports/jobs/<job_id>/file")
@access.any_role
def job_file(job_id: str) -> ResponseReturnValue:
    """The finished ZIP of a job (409 until it is done)."""
    state = _own_job(job_id)
    if state["state"] != "done":
        abort(409)
    path = export_jobs.file_path(current_app.instance_path, job_id)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=state["filename"])


def _with_exits() -> bool:
    """Exit decisions are batched with the appointments by default; ?exits=0 leaves them out."""
    return request.args.get("exits", "1") not in ("0", "false", "no")


def _own_job(job_id: str) -> dict[str, Any]:
    """The job of the signed-in user, within their province; 404 otherwise."""
    state = export_jobs.read_state(current_app.instance_path, job_id)
    if state is None or state["user_id"] != current_user.id:
        abort(404)
    access.get_plan(int(state["plan_id"]), current_user)
    return state


def _public(state: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "plan_id", "mode", "exits", "state", "progress", "message", "filename", "count")
    out = {k: state.get(k) for k in keys}
    out["status_url"] = url_for("exports.job_status", job_id=state["id"])
    out["file_url"] = url_for("exports.job_file", job_id=state["id"]) if state["state"] == "done" else None
    return out
