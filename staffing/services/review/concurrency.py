"""Optimistic locking of one edit at the level of what it touches, not the whole plan.

An edit form carries `seen`: a fingerprint of the seats and locks of the people it moves and of the holders
of the seat it fills, as the user saw them. Saving first claims the communes the edit touches (a row per plan
and commune, bumped first thing in the transaction, so edits of one commune take turns and edits of different
communes never meet), locks the people's assignment rows, then compares the fingerprint with the database:
the same state saves; another state is a true collision, refused with who changed it and when. Plan-wide
actions (re-solve, submit, approve) still check the plan's version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import text, update

from ...extensions import db
from ...models import Assignment, AuditEntry, CommuneStamp, Department, Plan, Position, User, utcnow
from .common import Change


class ConflictError(Exception):
    """What the edit touches changed since the user saw it: `message` says who changed it and when."""

    def __init__(self, message: str, who: str | None, at: datetime | None) -> None:
        super().__init__(message)
        self.message, self.who, self.at = message, who, at


def _people(change: Change) -> list[int]:
    return sorted({change.person.id} | ({change.other.id} if change.other is not None else set()))


def touched_state(plan: Plan, change: Change) -> str:
    """A short fingerprint of what the change touches as it is now (seats and locks, the target's holders)."""
    people = _people(change)
    rows = db.session.execute(
        db.select(Assignment.person_id, Assignment.position_id, Assignment.locked).where(
            Assignment.plan_id == plan.id, Assignment.person_id.in_(people)
        )
    ).all()
    seats = {pid: f"{pos}:{int(bool(locked))}" for pid, pos, locked in rows}
    parts = [f"p{pid}:{seats.get(pid, 'None:0')}" for pid in people]
    if change.position is not None:
        holders = sorted(
            db.session.scalars(
                db.select(Assignment.person_id).where(
                    Assignment.plan_id == plan.id, Assignment.position_id == change.position.id
                )
            )
        )
        parts.append(f"s{change.position.id}:" + ",".join(map(str, holders)))
    if change.forbidden is not None:
        parts.append(f"f{change.forbidden.id}")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:20]


def touched_communes(plan: Plan, change: Change) -> set[int]:
    """The communes of the people's seats now and of the target seat or commune."""
    seats = set(
        db.session.scalars(
            db.select(Assignment.position_id).where(
                Assignment.plan_id == plan.id,
                Assignment.person_id.in_(_people(change)),
                Assignment.position_id.is_not(None),
            )
        )
    )
    if change.position is not None:
        seats.add(change.position.id)
    communes = set(
        db.session.scalars(db.select(Department.commune_id).join(Position).where(Position.id.in_(seats)))
        if seats
        else []
    )
    if change.commune is not None:
        communes.add(change.commune.id)
    f = change.forbidden
    if f is not None:  # lifting a ban changes the problem of the commune it was about
        if f.commune_id is not None:
            communes.add(f.commune_id)
        elif f.position is not None:
            communes.add(f.position.department.commune_id)
    return communes


def claim(plan: Plan, commune_ids: set[int], user: User | None) -> None:
    """Take these communes of the plan for this transaction: the first write of the edit, in a fixed order."""
    if not commune_ids:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    db.session.execute(
        insert(CommuneStamp)
        .values([{"plan_id": plan.id, "commune_id": c, "seq": 0} for c in sorted(commune_ids)])
        .on_conflict_do_nothing()
    )
    now, uid = utcnow(), (user.id if user is not None else None)
    for commune_id in sorted(commune_ids):
        db.session.execute(
            update(CommuneStamp)
            .where(CommuneStamp.plan_id == plan.id, CommuneStamp.commune_id == commune_id)
            .values(seq=CommuneStamp.seq + 1, changed_at=now, changed_by_id=uid)
            .execution_options(synchronize_session=False)
        )


def _lock_people(plan: Plan, people: list[int]) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text(
                "SELECT id FROM assignment WHERE plan_id = :plan AND person_id = ANY(:people) "
                "ORDER BY id FOR UPDATE"
            ),
            {"plan": plan.id, "people": people},
        )


@dataclass
class Look:
    """What a change touches as it is before the check: its communes, their edit counters, its state."""

    communes: set[int]
    seqs: dict[int, int]
    state: str


def _seqs(plan: Plan, communes: set[int]) -> dict[int, int]:
    if not communes:
        return {}
    return dict(
        db.session.execute(
            db.select(CommuneStamp.commune_id, CommuneStamp.seq).where(
                CommuneStamp.plan_id == plan.id, CommuneStamp.commune_id.in_(communes)
            )
        ).all()
    )


def look(plan: Plan, change: Change, seen: str | None) -> Look:
    """Before checking the change (no lock yet): refuse at once if what it touches is not as the user saw it.

    Without `seen` (a caller that showed nothing, e.g. a script) the state is taken as it is.
    """
    state = touched_state(plan, change)
    if seen and seen != state:
        raise _conflict(plan, change)
    communes = touched_communes(plan, change)
    return Look(communes, _seqs(plan, communes), state)


def take(plan: Plan, change: Change, looked: Look, user: User | None) -> bool:
    """Claim the communes (the first write of the transaction) and lock the people, then make sure what the
    change touches is still as looked at (else ConflictError).

    The heavy check runs before, without holding anything; returns True when another edit of the same
    communes landed between the look and the claim, so the check must be made again (under the claim).
    """
    claim(plan, looked.communes, user)
    _lock_people(plan, _people(change))
    # what this session loaded before the claim may be older than what the claim now sees
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Assignment):
            db.session.expire(obj)
    if touched_state(plan, change) != looked.state:
        raise _conflict(plan, change)
    now = _seqs(plan, looked.communes)
    return any(now.get(c, 0) != looked.seqs.get(c, 0) + 1 for c in looked.communes)


def _conflict(plan: Plan, change: Change) -> ConflictError:
    """Who changed what this change touches last, and when."""
    people = set(_people(change))
    if change.position is not None:
        people |= set(
            db.session.scalars(
                db.select(Assignment.person_id).where(
                    Assignment.plan_id == plan.id, Assignment.position_id == change.position.id
                )
            )
        )
    entry = db.session.scalar(
        db.select(AuditEntry)
        .where(AuditEntry.plan_id == plan.id, AuditEntry.person_id.in_(people))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    who = (entry.user.name or entry.user.email) if entry is not None and entry.user is not None else None
    at = entry.at if entry is not None else None
    moving_in = change.position is not None and change.kind == "move"
    what = change.position.title if moving_in and change.position is not None else change.person.name
    if who and at:
        message = _(
            "{who} vừa thay đổi {what} lúc {at}. Thay đổi của bạn chưa được lưu; "
            "dưới đây là tình trạng hiện tại, hãy xem lại rồi xác nhận nếu vẫn muốn thay đổi."
        ).format(who=who, what=what, at=format_datetime(at, "HH:mm:ss dd/MM/yyyy"))
    else:
        message = _(
            "{what} vừa được người khác thay đổi. Thay đổi của bạn chưa được lưu; "
            "dưới đây là tình trạng hiện tại, hãy xem lại rồi xác nhận nếu vẫn muốn thay đổi."
        ).format(what=what)
    return ConflictError(message + " " + _now_text(plan, change), who, at)


def _now_text(plan: Plan, change: Change) -> str:
    """The state of what the change touches, now, in words."""
    from ...models import Person

    parts = []
    if change.position is not None:
        names = db.session.scalars(
            db.select(Person.name)
            .join(Assignment, Assignment.person_id == Person.id)
            .where(Assignment.plan_id == plan.id, Assignment.position_id == change.position.id)
            .order_by(Person.name)
        ).all()
        parts.append(
            _("Hiện nay {title} do {names} đảm nhiệm.").format(
                title=change.position.title, names=", ".join(names) or _("(chưa có ai)")
            )
        )
    for pid in _people(change):
        row = db.session.execute(
            db.select(Person.name, Position.title, Assignment.locked)
            .select_from(Person)
            .outerjoin(Assignment, (Assignment.person_id == Person.id) & (Assignment.plan_id == plan.id))
            .outerjoin(Position, Position.id == Assignment.position_id)
            .where(Person.id == pid)
        ).first()
        if row is not None:
            name, title, locked = row
            text_ = (
                _("{name} hiện giữ {title}.").format(name=name, title=title)
                if title
                else _("{name} hiện chưa được bố trí.").format(name=name)
            )
            parts.append(text_ + (" " + _("(đã khóa)") if locked else ""))
    return " ".join(parts)


def stamps(plan: Plan, commune_id: int) -> tuple[int, datetime | None, int | None]:
    """The commune's edit counter in the plan, when and by whom it last moved."""
    row = db.session.get(CommuneStamp, (plan.id, commune_id))
    return (row.seq, row.changed_at, row.changed_by_id) if row is not None else (0, None, None)
