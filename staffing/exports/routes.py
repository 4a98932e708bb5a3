"""Downloads of a plan: its workbook, its decisions as a ZIP, and one person's decision."""

from __future__ import annotations

import io
import tempfile

from flask import Blueprint, abort, request, send_file
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import NotFound

from .. import access
from ..audit import record
from ..extensions import db
from ..models import Plan
from . import service
from .compose import MODES

bp = Blueprint("exports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _audit(plan: Plan, what: str, after: dict[str, object]) -> None:
    """Who took which papers of which plan, in what state (the view owns the transaction)."""
    record(
        "export",
        what,
        user=current_user,
        entity_id=plan.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        after={**after, "status": plan.status.value},
    )
    db.session.commit()


@bp.get("/plans/<int:plan_id>/export/workbook.xlsx")
@access.any_role
def workbook(plan_id: int) -> ResponseReturnValue:
    """The plan's staffing workbook (marked DỰ THẢO until approved)."""
    plan = access.get_plan(plan_id, current_user)
    name, blob = service.workbook(plan, current_user)
    _audit(plan, "workbook", {"file": name})
    return send_file(io.BytesIO(blob), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.get("/plans/<int:plan_id>/export/decisions.zip")
@access.any_role
def decisions(plan_id: int) -> ResponseReturnValue:
    """Every decision of the plan in a ZIP with its table of contents; ?mode=per_person|per_department."""
    plan = access.get_plan(plan_id, current_user)
    mode = request.args.get("mode", "per_person")
    if mode not in MODES:
        abort(400)
    # Large plans make ZIPs of tens of MB: spool to disk past 32 MB rather than hold them in memory.
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (send_file closes it)
    name, count = service.decisions_zip(plan, out, mode, current_user)
    _audit(plan, "decisions", {"file": name, "mode": mode, "count": count})
    out.seek(0)
    return send_file(out, mimetype="application/zip", as_attachment=True, download_name=name)


@bp.get("/plans/<int:plan_id>/export/decision/<int:assignment_id>.docx")
@access.any_role
def decision(plan_id: int, assignment_id: int) -> ResponseReturnValue:
    """One person's decision."""
    plan = access.get_plan(plan_id, current_user)
    found = service.one_decision(plan, assignment_id, current_user)
    if found is None:
        raise NotFound()
    name, blob = found
    _audit(plan, "decision", {"file": name, "assignment": assignment_id})
    return send_file(io.BytesIO(blob), mimetype=DOCX, as_attachment=True, download_name=name)
