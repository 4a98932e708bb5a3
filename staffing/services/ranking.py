"""Rankings from the solver's own explanation (solver.explain): a seat's candidates, a person's other seats.

Both order by the solver's objective (required seats filled by level, people placed, then the quality
cost of the weights) and give the same figures, so the page and the solver never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import selectinload

from .. import access
from ..extensions import db
from ..models import (
    Assignment,
    Commune,
    CommuneStamp,
    Department,
    MergerLink,
    Person,
    Plan,
    Position,
    User,
)
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
            SolverAssignment(local.key_of[pid], local.code_of[seat])
            for pid, seat in sorted(local.seats.items())
            if seat is not None and seat in local.code_of
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


@dataclass(frozen=True)
class _Line:
    """A ranked line as plain ids (what the cache keeps: no ORM rows)."""

    person: int
    position: int
    current: int | None
    displaces: int | None
    gaps: tuple[dict[str, Any], ...]
    shortfall: tuple[tuple[str, int], ...]
    placed: int
    d_gaps: int
    quality: int
    swap: bool


def _line(local: review.Local, person_key: str, position_code: str, option: Any) -> _Line:
    delta = option.delta
    pid = local.person_of_key[person_key]
    seat = local.seats.get(pid)
    return _Line(
        person=pid,
        position=local.position_of_code[position_code],
        current=seat if seat is not None and seat in local.code_of else None,
        displaces=local.person_of_key[option.displaces] if option.displaces else None,
        gaps=tuple(dict(g) for g in option.gaps),
        shortfall=tuple((lv, n) for lv, n in zip(LEVELS, delta.shortfall, strict=True) if n),
        placed=delta.placed,
        d_gaps=delta.gaps,
        quality=delta.quality,
        swap=delta.swap,
    )


def _stamp(plan: Plan, communes: set[int]) -> tuple[Any, ...]:
    """What an explanation over these communes depends on besides the plan's version: their edit counters
    (every edit claims the communes it touches) and the data outside plans."""
    from .plan_views import data_stamp_outside_plans

    seqs = tuple(
        sorted(
            db.session.execute(
                db.select(CommuneStamp.commune_id, CommuneStamp.seq).where(
                    CommuneStamp.plan_id == plan.id, CommuneStamp.commune_id.in_(communes)
                )
            ).all()
        )
    )
    return (data_stamp_outside_plans(), seqs)


def _rows(lines: list[_Line]) -> list[Ranked]:
    """The cached lines with the few rows a page shows, loaded in two queries."""
    people_ids = {x.person for x in lines} | {x.displaces for x in lines if x.displaces is not None}
    seat_ids = {x.position for x in lines} | {x.current for x in lines if x.current is not None}
    people = (
        {p.id: p for p in db.session.scalars(db.select(Person).where(Person.id.in_(people_ids)))}
        if people_ids
        else {}
    )
    seats = (
        {
            p.id: p
            for p in db.session.scalars(
                db.select(Position)
                .where(Position.id.in_(seat_ids))
                .options(selectinload(Position.department).selectinload(Department.commune))
            )
        }
        if seat_ids
        else {}
    )
    return [
        Ranked(
            person=people[x.person],
            position=seats[x.position],
            current=seats.get(x.current) if x.current is not None else None,
            displaces=people.get(x.displaces) if x.displaces is not None else None,
            gaps=[dict(g) for g in x.gaps],
            shortfall=dict(x.shortfall),
            placed=x.placed,
            d_gaps=x.d_gaps,
            quality=x.quality,
            swap=x.swap,
        )
        for x in lines
    ]


def seat_candidates(plan: Plan, position: Position, limit: int = 40) -> list[Ranked]:
    """People who could legally take the seat, in solver.explain.candidates' order.

    The explanation is built once per plan version, edit counters of the communes involved (the seat's and
    those where its candidates sit) and data stamp, and kept as ids (plan_views.cached); a view then loads
    only the rows it shows.
    """
    from .plan_views import cached

    commune = position.department.commune
    units = db.select(MergerLink.old_unit_id).where(MergerLink.commune_id == commune.id)
    pool = set(
        db.session.scalars(
            db.select(Person.id).where(Person.province_code == plan.province_code, Person.unit_id.in_(units))
        )
    )
    communes = {commune.id} | _seat_communes(plan, pool)

    def build() -> list[_Line]:
        from solver import explain

        local = review.build_local(plan, communes, pool)
        found = explain.candidates(local.problem, _solver_plan(local), position.code, limit)
        return [_line(local, c.person, position.code, c) for c in found]

    key = (position.id, limit, frozenset(communes))
    return _rows(cached("seat-candidates", plan, key, build, stamp=_stamp(plan, communes)))


def _person_communes(plan: Plan, person: Person) -> set[int]:
    """The communes a person's old unit feeds and the one where they sit (where a person is explained)."""
    fed = set(
        db.session.scalars(db.select(MergerLink.commune_id).where(MergerLink.old_unit_id == person.unit_id))
    )
    return fed | _seat_communes(plan, {person.id})


def person_alternatives(plan: Plan, person: Person, user: User, limit: int = 10) -> list[Ranked]:
    """Seats of the communes this person may serve (and the user sees), in the objective's order.

    Kept per plan version, edit counters of those communes and data stamp, as `seat_candidates`.
    """
    from .plan_views import cached

    province = person.unit.province
    visible = {c.id for c in access.visible_communes(province, user)}
    communes = _person_communes(plan, person) & visible
    if not communes:
        return []

    def build() -> list[_Line]:
        from solver import explain

        local = review.build_local(plan, communes, {person.id})
        options = explain.seats_for(local.problem, _solver_plan(local), person.key, limit)
        return [_line(local, person.key, o.position, o) for o in options]

    key = (person.id, limit, frozenset(communes))
    return _rows(cached("person-alternatives", plan, key, build, stamp=_stamp(plan, communes)))


__all__ = ["Commune", "Ranked", "person_alternatives", "seat_candidates"]


def barred(plan: Plan, position: Position, limit: int = 40) -> list[review.Candidate]:
    """The people of the seat's pool who break a hard rule there, and why (review.candidates), kept as ids
    and words per plan version, edit counters of the seat's commune, data stamp and language."""
    from flask_babel import get_locale

    from .plan_views import cached

    commune_id = position.department.commune_id

    def build() -> list[tuple[Any, ...]]:
        found = [c for c in review.candidates(plan, position, limit=200) if c.hard][:limit]
        return [
            (
                c.person.id,
                c.assignment.id if c.assignment is not None else None,
                c.current.id if c.current is not None else None,
                list(c.hard),
                [dict(g) for g in c.gaps],
                dict(c.d_shortfall),
                c.d_placed,
                c.d_gaps,
                c.d_quality,
                list(c.notes),
            )
            for c in found
        ]

    key = (position.id, limit, str(get_locale()))
    # the pool's seats elsewhere are read too: any edit in the plan's communes where they sit moves those
    # counters, so the whole plan's counters are the stamp (cheap: one row per commune)
    seqs = tuple(
        sorted(
            db.session.execute(
                db.select(CommuneStamp.commune_id, CommuneStamp.seq).where(CommuneStamp.plan_id == plan.id)
            ).all()
        )
    )
    from .plan_views import data_stamp_outside_plans

    rows = cached("seat-barred", plan, key, build, stamp=(data_stamp_outside_plans(), seqs, commune_id))
    out = []
    for pid, aid, cur, hard, gaps, short, placed, d_gaps, quality, notes in rows:
        person = db.session.get(Person, pid)
        if person is None:
            continue
        out.append(
            review.Candidate(
                person=person,
                assignment=db.session.get(Assignment, aid) if aid is not None else None,
                current=db.session.get(Position, cur) if cur is not None else None,
                hard=list(hard),
                gaps=[dict(g) for g in gaps],
                d_shortfall=dict(short),
                d_placed=placed,
                d_gaps=d_gaps,
                d_quality=quality,
                notes=list(notes),
            )
        )
    return out


def seat_violations(plan: Plan, person: Person, commune_id: int) -> list[Any]:
    """The hard rules the person's seat breaks (solver.check on the commune's problem), kept per plan
    version, the commune's edit counter and data stamp (violations are plain solver values)."""
    from .plan_views import cached

    def build() -> list[Any]:
        from solver.check import check_assignments

        # the problem of the person's communes, as person_alternatives builds it (one build serves the card),
        # checked with the seats of this commune only
        local = review.build_local(plan, _person_communes(plan, person) | {commune_id}, {person.id})
        seats: dict[int, int | None] = {
            pid: seat
            for pid, seat in local.seats.items()
            if seat is not None and local.commune_of.get(seat) == commune_id
        }
        return [v for v in check_assignments(local.problem, local.mapping(seats)) if v.person == person.key]

    return cached("seat-violations", plan, (person.id, commune_id), build, stamp=_stamp(plan, {commune_id}))
