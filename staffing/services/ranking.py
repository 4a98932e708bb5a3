"""Rankings from the solver's own explanation (solver.explain): a seat's candidates, a person's other seats.

Both order by the solver's objective (required seats filled by level, people placed, then the quality
cost of the weights) and give the same figures, so the page and the solver never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import access
from ..extensions import db
from ..models import Assignment, Commune, Department, MergerLink, Person, Plan, Position, User
from . import review

LEVELS = ("key", "head", "deputy", "staff")


@dataclass
class Ranked:
    """One line of a ranking: a person in a seat, with what the plan gains (negative shortfall = filled)."""

    person: Person
    position: Position
    current: Position | None
    displaces: Person | None
    gaps: list[dict[str, Any]]
    shortfall: dict[str, int]
    placed: int
    d_gaps: int
    quality: int
    swap: bool

    @property
    def seats_filled(self) -> int:
        return -sum(self.shortfall.values())


def _solver_plan(local: review.Local) -> Any:
    from solver.plan import Assignment as SolverAssignment
    from solver.plan import Plan as SolverPlan

    return SolverPlan(
        status="FEASIBLE",
        assignments=tuple(
            SolverAssignment(local.key_of[pid], local.code_of[a.position_id])
            for pid, a in sorted(local.holders.items())
            if a.position_id is not None and a.position_id in local.code_of
        ),
    )


def _seat_communes(plan: Plan, people: set[int]) -> set[int]:
    """Communes where these people sit now (so that leaving a seat counts, as in the solver)."""
    if not people:
        return set()
    return set(
        db.session.scalars(
            db.select(Department.commune_id)
            .join(Position, Position.department_id == Department.id)
            .join(Assignment, Assignment.position_id == Position.id)
            .where(Assignment.plan_id == plan.id, Assignment.person_id.in_(people))
        )
    )


def _ranked(local: review.Local, person_key: str, position_code: str, option: Any) -> Ranked:
    delta = option.delta
    pid = local.person_of_key[person_key]
    seat = local.holders.get(pid)
    current = local.positions.get(seat.position_id) if seat is not None and seat.position_id else None
    displaced = local.people.get(local.person_of_key[option.displaces]) if option.displaces else None
    return Ranked(
        person=local.people[pid],
        position=local.positions[local.position_of_code[position_code]],
        current=current,
        displaces=displaced,
        gaps=[dict(g) for g in option.gaps],
        shortfall={lv: n for lv, n in zip(LEVELS, delta.shortfall, strict=True) if n},
        placed=delta.placed,
        d_gaps=delta.gaps,
        quality=delta.quality,
        swap=delta.swap,
    )


def seat_candidates(plan: Plan, position: Position, limit: int = 40) -> list[Ranked]:
    """People who could legally take the seat, in solver.explain.candidates' order."""
    from solver import explain

    commune = position.department.commune
    units = db.select(MergerLink.old_unit_id).where(MergerLink.commune_id == commune.id)
    pool = set(
        db.session.scalars(
            db.select(Person.id).where(Person.province_code == plan.province_code, Person.unit_id.in_(units))
        )
    )
    local = review.build_local(plan, {commune.id} | _seat_communes(plan, pool), pool)
    found = explain.candidates(local.problem, _solver_plan(local), position.code, limit)
    return [_ranked(local, c.person, position.code, c) for c in found]


def person_alternatives(plan: Plan, person: Person, user: User, limit: int = 10) -> list[Ranked]:
    """Seats of the communes this person may serve (and the user sees), in the objective's order."""
    from solver import explain

    province = person.unit.province
    visible = {c.id for c in access.visible_communes(province, user)}
    fed = {
        link.commune_id
        for link in db.session.scalars(db.select(MergerLink).where(MergerLink.old_unit_id == person.unit_id))
    }
    communes = (fed | _seat_communes(plan, {person.id})) & visible
    if not communes:
        return []
    local = review.build_local(plan, communes, {person.id})
    options = explain.seats_for(local.problem, _solver_plan(local), person.key, limit)
    return [_ranked(local, person.key, o.position, o) for o in options]


__all__ = ["Commune", "Ranked", "person_alternatives", "seat_candidates"]
