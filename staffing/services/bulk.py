"""Bulk actions on a selection: lock seats, lock key leaders, accept a commune's proposal, move a group.

Each change is one audit entry, as if made one by one; a selection that breaks a hard rule needs one
written override reason for all of it. All or nothing: the caller commits, or rolls back on an error.

Optimistic locking as for single edits (review/concurrency.py), never the whole plan's version: the page
carries `seen`, a fingerprint per thing the action may touch (a commune's key seats or all its seats, one
assignment, one person, one seat's holders). The action compares those it touches before its check, claims
the communes' edit counters (its first write), locks the rows, and compares again: an edit elsewhere in
the plan never makes it stale; a change to what it touches is refused with who changed it and when.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import text
from sqlalchemy.orm import selectinload

from ..audit import record
from ..extensions import db
from ..models import (
    Assignment,
    AuditEntry,
    Commune,
    CommuneStamp,
    Department,
    Level,
    Person,
    Plan,
    Position,
    User,
)
from . import review
from .review.concurrency import ConflictError, claim


class BulkError(Exception):
    """A selection that cannot be acted on as a whole (nothing was changed)."""


@dataclass
class NeedsReason(Exception):  # noqa: N818  (a request for input)
    """Some of the selection breaks hard rules: a written override reason is required."""

    people: list[str]


def _digest(rows: Iterable[Any]) -> str:
    return hashlib.sha256(";".join(map(str, sorted(rows))).encode()).hexdigest()[:16]


def states(plan: Plan, keys: Iterable[str]) -> dict[str, str]:
    """The fingerprint, now, of each thing a bulk action may touch.

    Keys: `k<commune id>` the key leaders' seats of a commune, `c<commune id>` all its seats (who holds
    them, locked or not), `a<assignment id>` one assignment, `p<person id>` one person's seat and lock,
    `s<position id>` one seat's holders.
    """
    wanted: dict[str, set[int]] = defaultdict(set)
    for key in keys:
        if len(key) > 1 and key[0] in "kcaps" and key[1:].isdigit():
            wanted[key[0]].add(int(key[1:]))
    out: dict[str, str] = {}
    communes = wanted["k"] | wanted["c"]
    if communes:
        rows: dict[str, list[Any]] = defaultdict(list)
        for commune_id, level, pos, pid, locked in db.session.execute(
            db.select(
                Department.commune_id,
                Position.level,
                Assignment.position_id,
                Assignment.person_id,
                Assignment.locked,
            )
            .join(Position, Assignment.position_id == Position.id)
            .join(Department, Position.department_id == Department.id)
            .where(Assignment.plan_id == plan.id, Department.commune_id.in_(communes))
        ):
            row = (pos, pid, int(bool(locked)))
            rows[f"c{commune_id}"].append(row)
            if level == Level.KEY:
                rows[f"k{commune_id}"].append(row)
        for kind in "kc":
            for commune_id in wanted[kind]:
                out[f"{kind}{commune_id}"] = _digest(rows.get(f"{kind}{commune_id}", []))
    if wanted["a"]:
        for aid, pid, pos, locked in db.session.execute(
            db.select(Assignment.id, Assignment.person_id, Assignment.position_id, Assignment.locked).where(
                Assignment.plan_id == plan.id, Assignment.id.in_(wanted["a"])
            )
        ):
            out[f"a{aid}"] = _digest([(pid, pos, int(bool(locked)))])
    if wanted["p"]:
        seats = {
            pid: (pos, int(bool(locked)))
            for pid, pos, locked in db.session.execute(
                db.select(Assignment.person_id, Assignment.position_id, Assignment.locked).where(
                    Assignment.plan_id == plan.id, Assignment.person_id.in_(wanted["p"])
                )
            )
        }
        for pid in wanted["p"]:
            out[f"p{pid}"] = _digest([seats.get(pid, (None, 0))])
    if wanted["s"]:
        holders: dict[int, list[int]] = defaultdict(list)
        for pos, pid in db.session.execute(
            db.select(Assignment.position_id, Assignment.person_id).where(
                Assignment.plan_id == plan.id, Assignment.position_id.in_(wanted["s"])
            )
        ):
            holders[pos].append(pid)
        for pos in wanted["s"]:
            out[f"s{pos}"] = _digest(holders.get(pos, []))
    for key in keys:
        out.setdefault(key, "")
    return out


def seen_json(plan: Plan, keys: Iterable[str]) -> str:
    """The `seen` field of a bulk form: the fingerprints of everything the page offers to act on."""
    return json.dumps(states(plan, keys), separators=(",", ":"), sort_keys=True)


def parse_seen(value: str | None) -> dict[str, str]:
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


@dataclass
class Guard:
    """What a bulk action touches, as the user saw it (`seen`) and as it was looked at before the check."""

    plan: Plan
    keys: list[str]
    looked: dict[str, str]
    communes: set[int]
    people: set[int]

    @classmethod
    def look(
        cls, plan: Plan, keys: Iterable[str], seen: dict[str, str], communes: set[int], people: set[int]
    ) -> Guard:
        """Refuse at once when something touched is not as the page showed it (a key the page did not
        carry is taken as it is now, as for a single edit without `seen`)."""
        keys = sorted(set(keys))
        now = states(plan, keys)
        changed = [k for k in keys if k in seen and seen[k] != now[k]]
        if changed:
            raise conflict(plan, changed)
        return cls(plan, keys, now, communes, people)

    def take(self, user: User | None) -> None:
        """Claim the communes (the first write), lock the people's rows, and check again under the claim."""
        claim(self.plan, self.communes, user)
        if self.people and db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(
                text(
                    "SELECT id FROM assignment WHERE plan_id = :plan AND person_id = ANY(:people) "
                    "ORDER BY id FOR UPDATE"
                ),
                {"plan": self.plan.id, "people": sorted(self.people)},
            )
        for obj in list(db.session.identity_map.values()):
            if isinstance(obj, Assignment):
                db.session.expire(obj)
        now = states(self.plan, self.keys)
        changed = [k for k in self.keys if now[k] != self.looked[k]]
        if changed:
            raise conflict(self.plan, changed)


def conflict(plan: Plan, keys: list[str]) -> ConflictError:
    """Who last changed what these keys name, and when, in the words of a single edit's conflict."""
    who: str | None = None
    at: datetime | None = None
    what: list[str] = []
    people: set[int] = set()
    for key in keys:
        kind, ident = key[0], int(key[1:])
        if kind in "kc":
            commune = db.session.get(Commune, ident)
            what.append(commune.name if commune is not None else key)
            stamp = db.session.get(CommuneStamp, (plan.id, ident))
            if stamp is not None and stamp.changed_at is not None and (at is None or stamp.changed_at > at):
                at = stamp.changed_at
                changer = db.session.get(User, stamp.changed_by_id) if stamp.changed_by_id else None
                who = (changer.name or changer.email) if changer is not None else None
        elif kind == "a":
            a = db.session.get(Assignment, ident)
            if a is not None:
                people.add(a.person_id)
                what.append(a.person.name)
        elif kind == "p":
            person = db.session.get(Person, ident)
            if person is not None:
                people.add(ident)
                what.append(person.name)
        elif kind == "s":
            pos = db.session.get(Position, ident)
            if pos is not None:
                what.append(pos.title)
                people |= set(
                    db.session.scalars(
                        db.select(Assignment.person_id).where(
                            Assignment.plan_id == plan.id, Assignment.position_id == ident
                        )
                    )
                )
    if people:
        entry = db.session.scalar(
            db.select(AuditEntry)
            .where(AuditEntry.plan_id == plan.id, AuditEntry.person_id.in_(people))
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
        if entry is not None and (at is None or (entry.at is not None and _aware(entry.at) > _aware(at))):
            at = entry.at
            who = (entry.user.name or entry.user.email) if entry.user is not None else None
    names = ", ".join(dict.fromkeys(what))
    if who and at:
        message = _(
            "{who} vừa thay đổi {what} lúc {at}. Thao tác hàng loạt chưa được thực hiện; "
            "hãy xem lại tình trạng hiện tại rồi thực hiện lại nếu vẫn muốn."
        ).format(who=who, what=names, at=format_datetime(at, "HH:mm:ss dd/MM/yyyy"))
    else:
        message = _(
            "{what} vừa được người khác thay đổi. Thao tác hàng loạt chưa được thực hiện; "
            "hãy xem lại tình trạng hiện tại rồi thực hiện lại nếu vẫn muốn."
        ).format(what=names)
    return ConflictError(message, who, at)


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _placed(plan: Plan, communes: list[Commune], level: Level | None = None) -> list[Assignment]:
    query = (
        db.select(Assignment)
        .join(Position, Assignment.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .where(Assignment.plan_id == plan.id, Department.commune_id.in_([c.id for c in communes]))
        .options(
            selectinload(Assignment.person),
            selectinload(Assignment.position).selectinload(Position.department),
        )
        .order_by(Department.commune_id, Position.id, Assignment.id)
    )
    if level is not None:
        query = query.where(Position.level == level)
    return list(db.session.scalars(query))


def key_leaders(plan: Plan, communes: list[Commune]) -> list[Assignment]:
    """The seated key leaders (Bí thư, Chủ tịch, ...) of these communes."""
    return _placed(plan, communes, Level.KEY)


def proposal(plan: Plan, communes: list[Commune]) -> list[Assignment]:
    """Every seat the plan fills in these communes (to accept as is)."""
    return _placed(plan, communes)


def _violators(plan: Plan, assignments: list[Assignment]) -> set[int]:
    """Person ids whose current seat breaks a hard rule (one local check per commune)."""
    from solver.check import check_assignments

    by_commune: dict[int, list[Assignment]] = defaultdict(list)
    for a in assignments:
        if a.position is not None:
            by_commune[a.position.department.commune_id].append(a)
    out: set[int] = set()
    for commune_id, items in by_commune.items():
        local = review.build_local(plan, {commune_id}, {a.person_id for a in items})
        seats = dict(local.seats)
        bad = {v.person for v in check_assignments(local.problem, local.mapping(seats)) if v.person}
        out |= {a.person_id for a in items if local.key_of.get(a.person_id) in bad}
    return out


def _seat(a: Assignment) -> dict[str, Any]:
    if a.position is None:
        return {"position": None, "locked": a.locked}
    return {"position": a.position.code, "title": a.position.title, "locked": a.locked}


def lock(
    plan: Plan,
    assignments: list[Assignment],
    user: User,
    reason: str = "",
    action: str = "lock",
    guard: Guard | None = None,
) -> int:
    """Lock these seats (already locked ones are left alone); the number locked.

    With a `guard` (looked at before the assignments were loaded), what the action touches must still be
    as the page showed it once the communes are claimed, else ConflictError.
    """
    reason = (reason or "").strip()
    todo = [a for a in assignments if a.position is not None and not a.locked]
    if not todo:
        return 0
    communes = {a.position.department.commune_id for a in todo if a.position is not None}
    seqs = _seqs(plan, communes)
    breaking = _violators(plan, todo)  # the heavy check: before the claim, holding nothing
    if breaking and not reason:
        names = sorted({a.person.name for a in todo if a.person_id in breaking})
        raise NeedsReason(names)
    if guard is None:
        guard = Guard(plan, [], {}, set(), set())
    guard.communes |= communes
    guard.people |= {a.person_id for a in todo}
    guard.take(user)
    ids = [a.id for a in todo]
    todo = [
        a for a in db.session.scalars(db.select(Assignment).where(Assignment.id.in_(ids))) if not a.locked
    ]
    todo = [a for a in todo if a.position is not None]
    if any(_seqs(plan, {c}).get(c, 0) != seqs.get(c, 0) + 1 for c in communes):
        # another edit of these communes landed between the check and the claim: check again, under it
        breaking = _violators(plan, todo)
        if breaking and not reason:
            raise NeedsReason(sorted({a.person.name for a in todo if a.person_id in breaking}))
    for a in todo:
        before = _seat(a)
        a.locked = True
        if a.person_id in breaking:
            a.override_reason = reason
        record(
            "lock",
            "assignment",
            user=user,
            entity_id=a.id,
            province_code=plan.province_code,
            plan_id=plan.id,
            person_id=a.person_id,
            before=before,
            after=_seat(a),
            reason=reason or str(_l("Khóa hàng loạt")),
        )
    # the plan's version is left alone: the claim above moved the edit counters of the communes touched
    db.session.flush()
    return len(todo)


def move_group(
    plan: Plan,
    moves: list[tuple[Person, Position]],
    user: User,
    reason: str = "",
    guard: Guard | None = None,
) -> int:
    """Move several people, each to a seat, with the review's checks; one reason covers broken rules.

    With a `guard`, the communes of the people's seats and of the targets are claimed first and what the
    moves touch must still be as the page showed it (else ConflictError); the checks then run under it.
    """
    reason = (reason or "").strip()
    if not moves:
        raise BulkError(str(_l("Chưa chọn người nào.")))
    if guard is not None:
        guard.communes |= _communes_of_moves(plan, moves)
        guard.people |= {p.id for p, _pos in moves}
        guard.take(user)
    done = 0
    for person, position in moves:
        change = review.Change("move", person, position)
        try:
            review.apply_change(plan, change, user, reason, override=bool(reason))
        except review.OverrideRequired as exc:
            raise NeedsReason([person.name]) from exc
        except review.ChangeError as exc:
            raise BulkError(f"{person.name}: {exc}") from exc
        done += 1
    return done


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


def _communes_of_moves(plan: Plan, moves: list[tuple[Person, Position]]) -> set[int]:
    seats = {pos.id for _p, pos in moves} | set(
        db.session.scalars(
            db.select(Assignment.position_id).where(
                Assignment.plan_id == plan.id,
                Assignment.person_id.in_([p.id for p, _pos in moves]),
                Assignment.position_id.is_not(None),
            )
        )
    )
    return set(
        db.session.scalars(db.select(Department.commune_id).join(Position).where(Position.id.in_(seats)))
    )
