"""Undo: a user takes back their own last changes of a plan, as new audited changes (never others')."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..audit import record
from ..extensions import db
from ..models import Assignment, AuditEntry, Person, Plan, Position, User
from . import review

UNDOABLE = ("move", "swap", "unassign", "lock", "unlock")


class UndoError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Step:
    entry: AuditEntry
    person: Person | None


def _undone_ids(plan: Plan) -> set[int]:
    out: set[int] = set()
    for after in db.session.scalars(
        db.select(AuditEntry.after).where(AuditEntry.plan_id == plan.id, AuditEntry.action == "undo")
    ):
        if isinstance(after, dict) and isinstance(after.get("undoes"), int):
            out.add(after["undoes"])
    return out


def history(plan: Plan, user: User, limit: int = 20) -> list[Step]:
    """The user's own seat changes of this plan that can still be undone, newest first."""
    undone = _undone_ids(plan)
    entries = db.session.scalars(
        db.select(AuditEntry)
        .where(
            AuditEntry.plan_id == plan.id,
            AuditEntry.user_id == user.id,
            AuditEntry.entity == "assignment",
            AuditEntry.action.in_(UNDOABLE),
        )
        .order_by(AuditEntry.id.desc())
        .limit(limit + len(undone))
    ).all()
    steps = [e for e in entries if e.id not in undone and not _is_undo_step(e)][:limit]
    people = {
        p.id: p
        for p in db.session.scalars(
            db.select(Person).where(Person.id.in_({e.person_id for e in steps if e.person_id}))
        )
    }
    return [Step(e, people.get(e.person_id) if e.person_id else None) for e in steps]


def _is_undo_step(entry: AuditEntry) -> bool:
    return entry.reason.startswith("[undo #")


def undo(plan: Plan, entry_id: int, user: User) -> None:
    """Put the entry's person back where the entry found them; refused if someone else changed them since."""
    entry = db.session.get(AuditEntry, entry_id)
    if (
        entry is None
        or entry.plan_id != plan.id
        or entry.entity != "assignment"
        or entry.action not in UNDOABLE
    ):
        raise UndoError(404, str(_l("Không tìm thấy thay đổi.")))
    if entry.user_id != user.id:
        raise UndoError(403, str(_l("Chỉ hoàn tác được thay đổi của chính bạn.")))
    if entry.id in _undone_ids(plan):
        raise UndoError(409, str(_l("Thay đổi này đã được hoàn tác.")))
    later = db.session.scalar(
        db.select(AuditEntry.id).where(
            AuditEntry.plan_id == plan.id,
            AuditEntry.person_id == entry.person_id,
            AuditEntry.id > entry.id,
            AuditEntry.user_id != user.id,
            AuditEntry.entity == "assignment",
        )
    )
    if later is not None:
        raise UndoError(409, str(_l("Người khác đã thay đổi người này sau bạn: không thể hoàn tác.")))
    person = db.session.get(Person, entry.person_id) if entry.person_id else None
    a = db.session.scalar(
        db.select(Assignment).where(Assignment.plan_id == plan.id, Assignment.person_id == entry.person_id)
    )
    if person is None or a is None:
        raise UndoError(404, str(_l("Không tìm thấy thay đổi.")))
    before = entry.before or {}
    reason = f"[undo #{entry.id}] " + str(_l("Hoàn tác thay đổi của chính mình"))
    target_code = before.get("position")
    target = (
        db.session.scalar(db.select(Position).where(Position.code == target_code)) if target_code else None
    )
    current = a.position.code if a.position is not None else None
    partner = _swap_partner(entry) if entry.action == "swap" else None
    if partner is not None and current != target_code:
        # a swap is undone by swapping back (both people's entries count as undone)
        other = db.session.get(Person, partner.person_id)
        try:
            review.apply_change(plan, review.Change("swap", person, None, other), user, reason, override=True)
        except review.ChangeError as exc:
            raise UndoError(409, str(exc)) from exc
        record(
            "undo",
            "audit_entry",
            user=user,
            entity_id=partner.id,
            province_code=plan.province_code,
            plan_id=plan.id,
            person_id=partner.person_id,
            before=partner.after,
            after={"undoes": partner.id, "state": partner.before},
            reason=reason,
        )
    elif current != target_code:
        if a.locked:
            review.apply_change(plan, review.Change("unlock", person), user, reason)
        kind = "move" if target is not None else "unassign"
        try:
            review.apply_change(plan, review.Change(kind, person, target), user, reason, override=True)
        except review.ChangeError as exc:
            raise UndoError(409, str(exc)) from exc
    db.session.refresh(a)
    if bool(before.get("locked")) != a.locked and a.position is not None:
        review.apply_change(
            plan, review.Change("lock" if before.get("locked") else "unlock", person), user, reason
        )
    record(
        "undo",
        "audit_entry",
        user=user,
        entity_id=entry.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        person_id=entry.person_id,
        before=entry.after,
        after={"undoes": entry.id, "state": before},
        reason=reason,
    )
    db.session.flush()


def _swap_partner(entry: AuditEntry) -> AuditEntry | None:
    """The other person's entry of the same swap (written next to it: each took the other's seat)."""
    mine_before, mine_after = (entry.before or {}).get("position"), (entry.after or {}).get("position")
    for other in db.session.scalars(
        db.select(AuditEntry).where(
            AuditEntry.id.in_([entry.id - 1, entry.id + 1]),
            AuditEntry.plan_id == entry.plan_id,
            AuditEntry.user_id == entry.user_id,
            AuditEntry.action == "swap",
            AuditEntry.entity == "assignment",
        )
    ):
        if (other.before or {}).get("position") == mine_after and (other.after or {}).get(
            "position"
        ) == mine_before:
            return other
    return None


def undo_last(plan: Plan, user: User) -> Step | None:
    """Undo the user's newest undoable change of the plan; the step undone, or None if nothing is left."""
    steps = history(plan, user, limit=1)
    if not steps:
        return None
    undo(plan, steps[0].entry.id, user)
    return steps[0]
