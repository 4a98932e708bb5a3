"""What may never change: an approved plan (its assignments, shortfalls, forbidden pairs) and the audit trail.

Checked on every flush of every session, so no view, CLI command or job can slip past it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from .models import Assignment, AuditEntry, Forbidden, Plan, PlanComment, PlanStatus, Shortfall


class FrozenError(RuntimeError):
    """An attempt to change an approved plan or the audit trail."""


def _was_approved(plan: Plan) -> bool:
    """Whether the plan is approved in the database (not merely being approved now, nor new)."""
    state = inspect(plan)
    if state.pending or state.transient:
        return False
    history = state.attrs.status.history
    if history.deleted:
        committed = history.deleted[0]
    elif history.added:
        # set without being loaded first (expired after a commit): ask the database
        session = state.session
        if session is None:
            return False
        committed = (
            session.connection()
            .execute(select(Plan.__table__.c.status).where(Plan.__table__.c.id == plan.id))
            .scalar()
        )
    else:
        committed = plan.status
    return str(committed) == PlanStatus.APPROVED.value


def _check(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise FrozenError("Nhật ký thay đổi không được sửa hoặc xóa (audit trail is append-only).")
    for obj in session.deleted:
        if isinstance(obj, Plan) and _was_approved(obj):
            raise FrozenError("Không được xóa phương án đã phê duyệt.")
    for obj in session.dirty:
        if isinstance(obj, Plan) and session.is_modified(obj) and _was_approved(obj):
            raise FrozenError("Phương án đã phê duyệt không được thay đổi; hãy tạo phiên bản mới.")
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, (Assignment, Shortfall, Forbidden)) and not isinstance(obj, PlanComment):
            if obj in session.dirty and not session.is_modified(obj):
                continue
            plan = obj.plan if obj.plan is not None else session.get(Plan, obj.plan_id)
            if plan is not None and _was_approved(plan):
                raise FrozenError("Phương án đã phê duyệt không được thay đổi; hãy tạo phiên bản mới.")


def install() -> None:
    """Attach the checks to every SQLAlchemy session (idempotent)."""
    if not event.contains(Session, "before_flush", _check):
        event.listen(Session, "before_flush", _check)
