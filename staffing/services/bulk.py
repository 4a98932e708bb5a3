"""Bulk actions on a selection: lock seats, lock key leaders, accept a commune's proposal, move a group.

Each change is one audit entry, as if made one by one; a selection that breaks a hard rule needs one
written override reason for all of it. All or nothing: the caller commits, or rolls back on an error.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit import record
from ..extensions import db
from ..models import Assignment, Commune, Department, Level, Person, Plan, Position, User
from . import review


class BulkError(Exception):
    """A selection that cannot be acted on as a whole (nothing was changed)."""


@dataclass
class NeedsReason(Exception):  # noqa: N818  (a request for input)
    """Some of the selection breaks hard rules: a written override reason is required."""

    people: list[str]


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
        seats = {pid: x.position_id for pid, x in local.holders.items()}
        bad = {v.person for v in check_assignments(local.problem, local.mapping(seats)) if v.person}
        out |= {a.person_id for a in items if local.key_of.get(a.person_id) in bad}
    return out


def _seat(a: Assignment) -> dict[str, Any]:
    if a.position is None:
        return {"position": None, "locked": a.locked}
    return {"position": a.position.code, "title": a.position.title, "locked": a.locked}


def lock(
    plan: Plan, assignments: list[Assignment], user: User, reason: str = "", action: str = "lock"
) -> int:
    """Lock these seats (already locked ones are left alone); the number locked."""
    reason = (reason or "").strip()
    todo = [a for a in assignments if a.position is not None and not a.locked]
    if not todo:
        return 0
    breaking = _violators(plan, todo)
    if breaking and not reason:
        names = sorted({a.person.name for a in todo if a.person_id in breaking})
        raise NeedsReason(names)
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
    review._touch(plan)
    db.session.flush()
    return len(todo)


def move_group(plan: Plan, moves: list[tuple[Person, Position]], user: User, reason: str = "") -> int:
    """Move several people, each to a seat, with the review's checks; one reason covers broken rules."""
    reason = (reason or "").strip()
    if not moves:
        raise BulkError(str(_l("Chưa chọn người nào.")))
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
