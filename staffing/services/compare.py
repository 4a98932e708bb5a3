"""Two plans side by side: figures, and who sits elsewhere, person by person."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..extensions import db
from ..models import Assignment, Commune, Department, OldUnit, Person, Plan, Position, Shortfall


@dataclass
class Figures:
    placed: int
    unplaced: int
    shortfall: int
    gaps: int
    locked: int
    manual: int


@dataclass
class Difference:
    person_id: int
    name: str
    unit: str
    kind: str  # moved | placed | unplaced
    left: dict[str, Any] | None
    right: dict[str, Any] | None
    communes: set[str]


@dataclass
class Comparison:
    left: Plan
    right: Plan
    left_figures: Figures
    right_figures: Figures
    per_commune: list[dict[str, Any]]
    differences: list[Difference]
    kinds: Counter[str]


def _seats(plan: Plan) -> tuple[dict[int, tuple[int | None, bool, int, str]], Figures]:
    """Every person's seat in the plan, and its figures (kept per plan version)."""
    from .plan_views import cached

    return cached("seats", plan, (), lambda: _read_seats(plan))


def _read_seats(plan: Plan) -> tuple[dict[int, tuple[int | None, bool, int, str]], Figures]:
    from .plan_views import gaps_count

    rows = db.session.execute(
        db.select(
            Assignment.person_id, Assignment.position_id, Assignment.locked, gaps_count(), Assignment.source
        ).where(Assignment.plan_id == plan.id)
    ).all()
    seats = {}
    placed = unplaced = gaps = locked = manual = 0
    for pid, pos, lk, g, src in rows:
        seats[pid] = (pos, bool(lk), int(g or 0), src)
        manual += src == "manual"
        if pos is None:
            unplaced += 1
        else:
            placed += 1
            gaps += int(g or 0)
            locked += bool(lk)
    short = (
        db.session.scalar(
            db.select(db.func.coalesce(db.func.sum(Shortfall.missing), 0)).where(Shortfall.plan_id == plan.id)
        )
        or 0
    )
    return seats, Figures(placed, unplaced, int(short), gaps, locked, manual)


def _positions(province_code: str) -> dict[int, tuple[str, str, str, str, str]]:
    return {
        pid: (code, title, dept, ccode, cname)
        for pid, code, title, dept, ccode, cname in db.session.execute(
            db.select(Position.id, Position.code, Position.title, Department.name, Commune.code, Commune.name)
            .join(Department, Position.department_id == Department.id)
            .join(Commune, Department.commune_id == Commune.id)
            .where(Commune.province_code == province_code)
        )
    }


def compare(left: Plan, right: Plan, communes: list[Commune]) -> Comparison:
    """Everything that differs between two plans of a province, limited to the communes the user sees."""
    visible = {c.code for c in communes}
    a, fa = _seats(left)
    b, fb = _seats(right)
    from .plan_views import cached

    positions = cached("positions", left, (), lambda: _positions(left.province_code))

    def seat(pos: int | None, gaps: int) -> dict[str, Any] | None:
        if pos is None:
            return None
        code, title, dept, ccode, cname = positions[pos]
        return {
            "code": code,
            "title": title,
            "department": dept,
            "commune": ccode,
            "commune_name": cname,
            "gaps": gaps,
        }

    changed = [pid for pid in set(a) | set(b) if (a.get(pid) or (None,))[0] != (b.get(pid) or (None,))[0]]
    people = (
        {
            pid: (name, unit)
            for pid, name, unit in db.session.execute(
                db.select(Person.id, Person.name, OldUnit.name)
                .join(OldUnit, Person.unit_id == OldUnit.id)
                .where(Person.id.in_(changed))
            )
        }
        if changed
        else {}
    )
    diffs: list[Difference] = []
    kinds: Counter[str] = Counter()
    for pid in changed:
        pa, pb = a.get(pid), b.get(pid)
        left_seat = seat(pa[0], pa[2]) if pa else None
        right_seat = seat(pb[0], pb[2]) if pb else None
        touched = {s["commune"] for s in (left_seat, right_seat) if s}
        if touched and not touched & visible:
            continue
        kind = "moved" if left_seat and right_seat else ("placed" if right_seat else "unplaced")
        if not touched and not visible:
            continue
        kinds[kind] += 1
        name, unit = people.get(pid, ("?", ""))
        diffs.append(Difference(pid, name, unit, kind, left_seat, right_seat, touched))
    diffs.sort(key=lambda d: (min(d.communes) if d.communes else "", d.kind, d.name))

    def per_commune(seats: dict[int, tuple[int | None, bool, int, str]]) -> Counter[str]:
        return Counter(positions[s[0]][3] for s in seats.values() if s[0] is not None)

    ca, cb = per_commune(a), per_commune(b)
    moved_in = Counter(c for d in diffs for c in d.communes)
    rows = [
        {
            "commune": c,
            "left": ca.get(c.code, 0),
            "right": cb.get(c.code, 0),
            "changes": moved_in.get(c.code, 0),
        }
        for c in communes
    ]
    return Comparison(left, right, fa, fb, rows, diffs, kinds)
