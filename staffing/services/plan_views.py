"""Read models for plan pages: assignments, unplaced people and shortfalls, grouped for reading."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Assignment, Commune, Department, Person, Plan, Position, Shortfall


@dataclass
class PlanSummary:
    plan: Plan
    placed: int
    unplaced: int
    locked: int
    manual: int
    gaps: int
    shortfall_by_level: dict[str, int]
    per_commune: list[dict[str, Any]]


def plan_summary(plan: Plan, communes: list[Commune]) -> PlanSummary:
    """Counts per plan and per commune: seats filled against quota, shortfalls, gaps."""
    rows = db.session.execute(
        db.select(Assignment, Position.id, Department.commune_id)
        .outerjoin(Position, Assignment.position_id == Position.id)
        .outerjoin(Department, Position.department_id == Department.id)
        .where(Assignment.plan_id == plan.id)).all()
    filled: Counter[int] = Counter()
    gaps_by: Counter[int] = Counter()
    placed = unplaced = locked = manual = gaps = 0
    for a, _pid, commune_id in rows:
        if a.position_id is None:
            unplaced += 1
            continue
        placed += 1
        filled[commune_id] += 1
        gaps += len(a.gaps or [])
        gaps_by[commune_id] += len(a.gaps or [])
        locked += a.locked
        manual += a.source == "manual"
    short_rows = db.session.execute(
        db.select(Shortfall.missing, Position.level, Department.commune_id)
        .join(Position, Shortfall.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .where(Shortfall.plan_id == plan.id)).all()
    by_level: Counter[str] = Counter()
    short_by: Counter[int] = Counter()
    for missing, level, commune_id in short_rows:
        by_level[level.value] += missing
        short_by[commune_id] += missing
    per_commune = [
        {"commune": c, "filled": filled[c.id], "quota": c.payroll_quota, "shortfall": short_by[c.id],
         "gaps": gaps_by[c.id]}
        for c in communes
    ]
    return PlanSummary(plan, placed, unplaced, locked, manual, gaps,
                       {lvl: by_level.get(lvl, 0) for lvl in ("key", "head", "deputy", "staff")}, per_commune)


@dataclass
class Seat:
    position: Position
    holders: list[Assignment]
    missing: int
    shortfall: Shortfall | None


def commune_chart(plan: Plan, commune: Commune) -> list[tuple[str, list[tuple[Department, list[Seat]]]]]:
    """Blocks -> departments -> positions -> the people the plan puts there."""
    from .overview import BLOCK_ORDER

    departments = db.session.scalars(
        db.select(Department).where(Department.commune_id == commune.id)
        .options(selectinload(Department.positions).selectinload(Position.requirements))
        .order_by(Department.id)).all()
    position_ids = [p.id for d in departments for p in d.positions]
    holders: dict[int, list[Assignment]] = defaultdict(list)
    for a in db.session.scalars(
        db.select(Assignment).where(Assignment.plan_id == plan.id, Assignment.position_id.in_(position_ids))
        .options(selectinload(Assignment.person).selectinload(Person.unit))
    ):
        holders[a.position_id].append(a)  # type: ignore[index]
    shortfalls = {s.position_id: s for s in db.session.scalars(
        db.select(Shortfall).where(Shortfall.plan_id == plan.id, Shortfall.position_id.in_(position_ids)))}
    grouped: dict[str, list[tuple[Department, list[Seat]]]] = defaultdict(list)
    for d in departments:
        seats = []
        for p in d.positions:
            hs = sorted(holders[p.id], key=lambda a: a.person.name)
            seats.append(Seat(p, hs, max(0, p.min_holders - len(hs)), shortfalls.get(p.id)))
        grouped[d.block.value].append((d, seats))
    return [(b, grouped[b]) for b in BLOCK_ORDER if b in grouped]


def unplaced_people(plan: Plan, commune_codes: set[str] | None = None) -> list[Assignment]:
    """People the plan leaves without a seat, with why; optionally only those who could go to these communes."""
    query = (db.select(Assignment).where(Assignment.plan_id == plan.id, Assignment.position_id.is_(None))
             .options(selectinload(Assignment.person).selectinload(Person.unit)))
    result = list(db.session.scalars(query))
    if commune_codes is not None:
        result = [a for a in result if any(link.commune.code in commune_codes for link in a.person.unit.links)]
    return sorted(result, key=lambda a: (a.person.unit.code, a.person.name))


def shortfalls(plan: Plan, commune: Commune | None = None) -> list[Shortfall]:
    query = (db.select(Shortfall).join(Position).join(Department)
             .where(Shortfall.plan_id == plan.id)
             .options(selectinload(Shortfall.position).selectinload(Position.department).selectinload(Department.commune)))
    if commune is not None:
        query = query.where(Department.commune_id == commune.id)
    return list(db.session.scalars(query.order_by(Position.id)))
