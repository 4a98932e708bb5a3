"""Finding anyone at once: people, communes and departments of a province, by what a clerk remembers.

A person is found by name without diacritics or with one typing slip, by CCCD or CMND (whole or the last
digits), by old unit or by old post; communes and departments by name. The database does the work:
PostgreSQL folds with unaccent and tolerates slips with a pg_trgm index; SQLite compares the folded
column `person.name_norm` and checks slips with a registered SQL function. Only the hits are loaded.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, func, literal
from sqlalchemy.engine import Engine
from sqlalchemy.orm import selectinload

from .. import access
from ..extensions import db
from ..folding import distance, fold, near_match
from ..models import (
    Assignment,
    Commune,
    Department,
    OldUnit,
    Person,
    Plan,
    PlanStatus,
    Position,
    Province,
    User,
)

LIMIT = 20
COMMUNE_PEOPLE = 300  # people listed for a commune the query names (its whole staff, in seat order)
_DIGITS = re.compile(r"\d")


@event.listens_for(Engine, "connect")
def _sqlite_functions(dbapi_connection: Any, _record: Any) -> None:
    """SQLite has neither unaccent nor trigrams: the same folding and slip check as SQL functions."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("vn_fold", 1, fold, deterministic=True)
        dbapi_connection.create_function(
            "vn_near", 2, lambda name, query: 1 if near_match(name, query) else 0, deterministic=True
        )


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def folded(column: Any) -> Any:
    """The SQL expression of a column without diacritics, lower case (đ -> d on both databases)."""
    if _postgres():
        return func.lower(func.unaccent(column))
    return func.vn_fold(column)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def current_plan(province_code: str) -> Plan | None:
    """The plan a clerk is working on: the newest draft, else the newest plan of the province."""
    draft = db.session.scalar(
        db.select(Plan)
        .where(Plan.province_code == province_code, Plan.status == PlanStatus.DRAFT)
        .order_by(Plan.id.desc())
        .limit(1)
    )
    if draft is not None:
        return draft
    return db.session.scalar(
        db.select(Plan).where(Plan.province_code == province_code).order_by(Plan.id.desc()).limit(1)
    )


@dataclass
class PersonHit:
    person: Person
    assignment: Assignment | None
    matched: str  # name | key | unit | post | near

    @property
    def seat(self) -> Position | None:
        return self.assignment.position if self.assignment is not None else None


@dataclass
class Results:
    query: str
    plan: Plan | None
    people: list[PersonHit] = field(default_factory=list)
    communes: list[Commune] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.people or self.communes or self.departments)


def _people(
    province: Province, user: User, plan: Plan | None, query: str, limit: int, slips: bool = True
) -> list[tuple[int, str]]:
    """(person id, how it matched), best first."""
    scope = access.person_scope_filter(user, province, plan)
    base = db.select(Person.id).where(Person.province_code == province.code)
    if scope is not None:
        base = base.where(scope)
    found: list[tuple[int, str]] = []
    seen: set[int] = set()

    def take(rows: Any, how: str) -> None:
        for pid in rows:
            if pid not in seen and len(found) < limit:
                seen.add(pid)
                found.append((pid, how))

    digits = "".join(_DIGITS.findall(query))
    if digits and len(digits) >= 3 and len(digits) >= len(query.replace(" ", "")) - 1:
        # CCCD (the key where known) or a legacy 9-digit CMND: the whole number first (the unique index),
        # then numbers ending with it (a scan)
        # (one column per query: each is answered by its own index, never a scan of the rows)
        for column in (Person.key, Person.cmnd):
            take(db.session.scalars(base.where(column == digits).limit(limit)), "key")
        if not found or len(digits) < 12:
            ending = "%" + digits
            for column in (Person.key, Person.cmnd):
                take(db.session.scalars(base.where(column.like(ending)).order_by(column).limit(limit)), "key")
        return found
    q = fold(query)
    if len(q) < 2:
        return found
    words = q.split(" ")
    # 1. every word in the name, whole name first
    spaced = literal(" ") + Person.name_norm  # a word starts after a space
    exact = base.where(
        *[Person.name_norm.like(_like(w), escape="\\") for w in words],  # the index narrows ...
        *[spaced.like(_like(" " + w), escape="\\") for w in words],  # ... words must start there
    )
    take(
        db.session.scalars(
            exact.order_by(
                (Person.name_norm == q).desc(),
                Person.name_norm.like(_like(q)[1:], escape="\\").desc(),
                Person.name_norm,
            ).limit(limit)
        ),
        "name",
    )
    # 2. the old post or the old unit
    if len(found) < limit:
        units = db.select(OldUnit.id).where(
            OldUnit.province_code == province.code, folded(OldUnit.name).like(_like(q), escape="\\")
        )
        take(
            db.session.scalars(
                base.where(db.or_(Person.title_norm.like(_like(q), escape="\\"), Person.unit_id.in_(units)))
                .order_by(Person.name_norm)
                .limit(limit)
            ),
            "unit",
        )
    # 3. one typing slip in the name, when what was typed matched nothing as it is
    if not found and slips and len(q) >= 3:
        if _postgres() and len(words) >= 2:
            # a slip changes one word: the others are there as typed (the trigram index finds them), and the
            # closest whole names come first
            others = [
                db.and_(
                    *[Person.name_norm.like(_like(w), escape="\\") for j, w in enumerate(words) if j != i]
                )
                for i in range(len(words))
            ]
            rows = db.session.execute(
                base.add_columns(Person.name_norm)
                .where(db.or_(*others))
                .order_by(func.similarity(Person.name_norm, literal(q)).desc())
                .limit(200)
            ).all()
        elif _postgres():
            rows = db.session.execute(
                base.add_columns(Person.name_norm)
                .where(literal(q).op("<%")(Person.name_norm))
                .order_by(func.word_similarity(literal(q), Person.name_norm).desc())
                .limit(200)
            ).all()
        else:
            near = base.add_columns(Person.name_norm).where(func.vn_near(Person.name_norm, q) == 1)
            if len(words) >= 2:
                # a slip changes one word: the others are there as typed (checked in C before the function)
                present = sum(
                    (db.case((Person.name_norm.like(_like(w), escape="\\"), 1), else_=0) for w in words),
                    literal(0),
                )
                near = base.add_columns(Person.name_norm).where(
                    present >= len(words) - 1, func.vn_near(Person.name_norm, q) == 1
                )
            rows = db.session.execute(near.limit(200)).all()
        close = sorted(
            ((pid, norm) for pid, norm in rows if near_match(norm, q)),
            key=lambda r: (
                min(distance(r[1][: len(q) + d], q) for d in (-1, 0, 1)),
                abs(len(r[1]) - len(q)),
                r[1],
            ),
        )
        take((pid for pid, _norm in close), "near")
    return found


def _seated_in(
    province: Province, user: User, plan: Plan, commune_ids: list[int], known: set[int]
) -> list[tuple[int, str]]:
    """The people the plan seats in these communes (a "new commune" query), within the user's scope."""
    query = (
        db.select(Assignment.person_id)
        .join(Position, Assignment.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .join(Person, Person.id == Assignment.person_id)
        .where(Assignment.plan_id == plan.id, Department.commune_id.in_(commune_ids))
        .order_by(Department.commune_id, Department.id, Position.id, Person.name_norm)
        .limit(COMMUNE_PEOPLE)
    )
    scope = access.person_scope_filter(user, province, plan)
    if scope is not None:
        query = query.where(scope)
    return [(pid, "commune") for pid in db.session.scalars(query) if pid not in known]


def search(
    province: Province,
    user: User,
    query: str,
    plan: Plan | None = None,
    limit: int = LIMIT,
    use_current: bool = True,
) -> Results:
    """People, communes and departments of the province matching the query, within the user's scope.

    Seats are those of `plan`, else (with `use_current`) of the province's current plan.
    """
    query = (query or "").strip()[:100]
    if plan is None and use_current:
        plan = current_plan(province.code)
    out = Results(query=query, plan=plan)
    if not query:
        return out
    q = fold(query)
    if len(q) >= 2 and not _DIGITS.search(q):
        visible = [c.id for c in access.visible_communes(province, user)]
        out.communes = list(
            db.session.scalars(
                db.select(Commune)
                .where(Commune.id.in_(visible), folded(Commune.name).like(_like(q), escape="\\"))
                .order_by(Commune.name)
                .limit(limit)
            )
        )
        out.departments = list(
            db.session.scalars(
                db.select(Department)
                .where(
                    Department.commune_id.in_(visible), folded(Department.name).like(_like(q), escape="\\")
                )
                .options(selectinload(Department.commune))
                .order_by(Department.name, Department.commune_id)
                .limit(limit)
            )
        )
    # a commune's or department's name is no misspelt person's name
    ids = _people(province, user, plan, query, limit, slips=not (out.communes or out.departments))
    if out.communes and plan is not None:
        ids += _seated_in(province, user, plan, [c.id for c in out.communes], {i for i, _ in ids})
    if ids:
        people = {
            p.id: p
            for p in db.session.scalars(
                db.select(Person).where(Person.id.in_([i for i, _ in ids])).options(selectinload(Person.unit))
            )
        }
        seats: dict[int, Assignment] = {}
        if plan is not None:
            seats = {
                a.person_id: a
                for a in db.session.scalars(
                    db.select(Assignment)
                    .where(Assignment.plan_id == plan.id, Assignment.person_id.in_(list(people)))
                    .options(
                        selectinload(Assignment.position)
                        .selectinload(Position.department)
                        .selectinload(Department.commune)
                    )
                )
            }
        out.people = [PersonHit(people[i], seats.get(i), how) for i, how in ids if i in people]
    return out


def seat_dict(hit: PersonHit) -> dict[str, Any] | None:
    """Where the plan puts the person, for the API (None: unplaced or no plan)."""
    pos = hit.seat
    if pos is None:
        return None
    return {
        "position": pos.code,
        "title": pos.title,
        "department": pos.department.name,
        "commune": pos.department.commune.code,
        "commune_name": pos.department.commune.name,
        "locked": bool(hit.assignment and hit.assignment.locked),
    }
