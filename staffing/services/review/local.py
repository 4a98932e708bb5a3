"""The solver problem of a few communes of a plan, with the id maps between rows and exchange ids.

A change touches at most a few communes, so checks build a solver problem of those communes only
(their positions, the people who hold them, the people who move) instead of the whole province.

The problem and its id maps are plain values kept per plan version, the communes' edit counters and the data
outside plans (plan_views.cached); the rows a page needs (positions, people, assignments) are read from the
request's own session only when asked for, so a page that only ranks or checks reads three small queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.orm import defer, selectinload

from exchange.fields import EXCHANGE_FIELDS, person_dict

from ...extensions import db
from ...models import (
    Assignment,
    Commune,
    CommuneStamp,
    Department,
    Forbidden,
    MergerLink,
    OldUnit,
    Person,
    Plan,
    Position,
    Province,
    Relation,
    Requirement,
    SharedCap,
)
from .common import ChangeError

# reasons can be long (names of every commune in feeds): a check never reads them
_LIGHT = (defer(Assignment.reasons), defer(Assignment.early_retirement))


@dataclass
class Local:
    """A solver problem of a few communes of a plan, with the id maps between rows and exchange ids.

    `seats` holds the current seat of every person of the problem who has an assignment row (None when
    unplaced); `positions`, `people` and `holders` are the same rows as ORM objects, loaded on first use.
    """

    plan: Plan
    problem: Any
    key_of: dict[int, str]  # person id -> exchange key
    code_of: dict[int, str]  # position id -> exchange code (positions of the problem's communes)
    commune_of: dict[int, int]  # position id -> commune id
    seats: dict[int, int | None]  # person id -> position id
    locked: set[int]  # people whose assignment is locked
    person_of_key: dict[str, int] = field(default_factory=dict)
    position_of_code: dict[str, int] = field(default_factory=dict)

    @cached_property
    def positions(self) -> dict[int, Position]:
        return {
            p.id: p
            for p in db.session.scalars(
                db.select(Position)
                .where(Position.id.in_(self.code_of))
                .options(selectinload(Position.department))
                .order_by(Position.id)
            )
        }

    @cached_property
    def people(self) -> dict[int, Person]:
        return {
            p.id: p
            for p in db.session.scalars(
                db.select(Person).where(Person.id.in_(self.key_of)).options(selectinload(Person.unit))
            )
        }

    @cached_property
    def holders(self) -> dict[int, Assignment]:
        """person id -> assignment, for the people of the problem who have one."""
        return {
            a.person_id: a
            for a in db.session.scalars(
                db.select(Assignment)
                .where(Assignment.plan_id == self.plan.id, Assignment.person_id.in_(self.seats))
                .options(*_LIGHT)
            )
        }

    def mapping(self, seats: dict[int, int | None]) -> dict[str, str]:
        """Exchange-format person -> position for the seats inside the problem's communes."""
        return {
            self.key_of[p]: self.code_of[s] for p, s in seats.items() if s is not None and s in self.code_of
        }


def _units_and_communes(province_code: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every old unit with its feeds and every commune with its merged units and caps, read as plain rows."""
    units = db.session.execute(
        db.select(OldUnit.id, OldUnit.code, OldUnit.name, OldUnit.kind)
        .where(OldUnit.province_code == province_code)
        .order_by(OldUnit.code)
    ).all()
    communes = db.session.execute(
        db.select(Commune.id, Commune.code, Commune.name, Commune.kind, Commune.payroll_quota)
        .where(Commune.province_code == province_code)
        .order_by(Commune.code)
    ).all()
    links = db.session.execute(
        db.select(MergerLink.old_unit_id, MergerLink.commune_id, MergerLink.extra)
        .join(Commune, MergerLink.commune_id == Commune.id)
        .where(Commune.province_code == province_code)
    ).all()
    caps = db.session.execute(
        db.select(SharedCap.commune_id, SharedCap.name, SharedCap.position_codes, SharedCap.max)
        .join(Commune, SharedCap.commune_id == Commune.id)
        .where(Commune.province_code == province_code)
    ).all()
    code = {c.id: c.code for c in communes}
    unit_code = {u.id: u.code for u in units}
    unit_kind = {u.id: u.kind.value for u in units}
    feeds: dict[int, list[str]] = defaultdict(list)
    extra: dict[int, list[str]] = defaultdict(list)
    merged: dict[int, list[str]] = defaultdict(list)
    for unit_id, commune_id, is_extra in links:
        (extra if is_extra else feeds)[unit_id].append(code[commune_id])
        if not is_extra and unit_kind.get(unit_id) == "old_commune":
            merged[commune_id].append(unit_code[unit_id])
    out_units = []
    for u in units:
        item: dict[str, Any] = {
            "code": u.code,
            "name": u.name,
            "kind": u.kind.value,
            "feeds": sorted(feeds[u.id]),
        }
        if extra[u.id]:
            item["feeds_extra"] = sorted(extra[u.id])
        out_units.append(item)
    cap_by: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for commune_id, name, positions, cmax in caps:
        cap_by[commune_id].append({"name": name, "positions": list(positions), "max": cmax})
    out_communes = [
        {
            "id": c.id,
            "code": c.code,
            "name": c.name,
            "kind": c.kind.value,
            "payroll_quota": c.payroll_quota,
            "merged_from": sorted(merged[c.id]),
            "caps": cap_by[c.id],
        }
        for c in communes
    ]
    return out_units, out_communes


def build_local(plan: Plan, commune_ids: set[int], extra_people: set[int]) -> Local:
    """The problem of these communes: their positions and holders, plus the named extra people."""
    from ..plan_views import cached, data_stamp_outside_plans

    code_of: dict[int, str] = {}
    commune_of: dict[int, int] = {}
    for pos_id, code, commune_id in db.session.execute(
        db.select(Position.id, Position.code, Department.commune_id)
        .join(Department, Position.department_id == Department.id)
        .where(Department.commune_id.in_(commune_ids))
        .order_by(Position.id)
    ):
        code_of[pos_id], commune_of[pos_id] = code, commune_id
    seats: dict[int, int | None] = {}
    locked: set[int] = set()
    seat_rows = list(
        db.session.execute(
            db.select(Assignment.person_id, Assignment.position_id, Assignment.locked).where(
                Assignment.plan_id == plan.id, Assignment.position_id.in_(code_of)
            )
        )
    )
    if extra_people:
        seat_rows += db.session.execute(
            db.select(Assignment.person_id, Assignment.position_id, Assignment.locked).where(
                Assignment.plan_id == plan.id, Assignment.person_id.in_(extra_people)
            )
        ).all()
    for person_id, position_id, is_locked in seat_rows:
        if person_id not in seats:
            seats[person_id] = position_id
            if is_locked:
                locked.add(person_id)
    ids = set(seats) | set(extra_people)

    def make() -> tuple[Any, dict[int, str]]:
        import solver

        people = _people_items(plan, ids)
        key_of = {pid: item["id"] for pid, item in people.items()}
        document = _document(
            plan, _position_items(plan, code_of), people, seats, locked, key_of, code_of, commune_ids, ids
        )
        return solver.load_problem(document), key_of

    # the problem depends only on the plan version, these communes' edits (their counters: every edit claims
    # the communes it touches) and the data outside plans (see plan_views.cached): build it once
    seqs = tuple(
        sorted(
            db.session.execute(
                db.select(CommuneStamp.commune_id, CommuneStamp.seq).where(
                    CommuneStamp.plan_id == plan.id, CommuneStamp.commune_id.in_(commune_ids)
                )
            ).all()
        )
    )
    problem, key_of = cached(
        "local",
        plan,
        (frozenset(commune_ids), frozenset(ids)),
        make,
        stamp=(data_stamp_outside_plans(), seqs),
    )
    local = Local(plan, problem, key_of, code_of, commune_of, seats, locked)
    local.person_of_key = {v: k for k, v in key_of.items()}
    local.position_of_code = {v: k for k, v in code_of.items()}
    return local


def _position_items(plan: Plan, code_of: dict[int, str]) -> list[dict[str, Any]]:
    """The positions as items of the problem's `positions` array (commune as its id, for _document), in id
    order, from the province's items read once per data stamp (a position and its requirements change only
    with audited data, never with a plan)."""
    from ..plan_views import cached, data_stamp_outside_plans

    every = cached(
        "position-items",
        plan,
        (plan.province_code,),
        lambda: _position_items_where(Department.commune_id.in_(_province_communes(plan.province_code))),
        stamp=data_stamp_outside_plans(),
    )
    missing = [pid for pid in code_of if pid not in every]
    extra = _position_items_where(Position.id.in_(missing)) if missing else {}
    return [every.get(pid) or extra[pid] for pid in sorted(code_of)]


def _province_communes(province_code: str) -> Any:
    return db.select(Commune.id).where(Commune.province_code == province_code)


def _position_items_where(condition: Any) -> dict[int, dict[str, Any]]:
    """Position id -> item, read as plain rows: a province has tens of thousands of requirements, too many
    for ORM objects."""
    requirements: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for position_id, attr, op, value, hard in db.session.execute(
        db.select(
            Requirement.position_id, Requirement.attr, Requirement.op, Requirement.value, Requirement.hard
        )
        .join(Position, Requirement.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .where(condition)
        .order_by(Requirement.id)
    ):
        requirements[position_id].append(
            {"rule": value, "hard": hard} if op == "rule" else {"attr": attr, op: value, "hard": hard}
        )
    rows = db.session.execute(
        db.select(
            Position.id,
            Position.code,
            Department.commune_id,
            Department.block,
            Department.name,
            Position.title,
            Position.level,
            Position.job_family,
            Position.min_holders,
            Position.max_holders,
        )
        .join(Department, Position.department_id == Department.id)
        .where(condition)
    )
    return {
        pos_id: {
            "id": code,
            "commune": commune_id,
            "block": block.value,
            "department": department,
            "title": title,
            "level": level.value,
            "job_family": job_family,
            "min": low,
            "max": high,
            "requirements": requirements[pos_id],
        }
        for pos_id, code, commune_id, block, department, title, level, job_family, low, high in rows
    }


_PERSON_COLUMNS = tuple(
    getattr(Person, spec.name) for spec in EXCHANGE_FIELDS if spec.name not in ("id", "unit")
)


def _people_items(plan: Plan, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Person id -> the person as an item of the problem's `people` array, from the province's items read
    once per data stamp (a person's exchange fields change only with audited data, never with a plan)."""
    from ..plan_views import cached, data_stamp_outside_plans

    every = cached(
        "people-items",
        plan,
        (plan.province_code,),
        lambda: _people_items_where(Person.province_code == plan.province_code),
        stamp=data_stamp_outside_plans(),
    )
    missing = ids - every.keys()
    extra = _people_items_where(Person.id.in_(missing)) if missing else {}
    return {pid: every.get(pid) or extra[pid] for pid in sorted(ids) if pid in every or pid in extra}


def _people_items_where(condition: Any) -> dict[int, dict[str, Any]]:
    """Person id -> item (Person.to_problem_dict, read from plain rows of the exchange fields only)."""
    names = [c.key for c in _PERSON_COLUMNS]
    out: dict[int, dict[str, Any]] = {}
    for row in db.session.execute(
        db.select(Person.id, Person.key, OldUnit.code, *_PERSON_COLUMNS)
        .join(OldUnit, Person.unit_id == OldUnit.id)
        .where(condition)
    ):
        values = dict(zip(names, row[3:], strict=True))
        values["id"], values["unit"] = row[1], row[2]
        out[row[0]] = person_dict(values.__getitem__)
    return out


def _document(
    plan: Plan,
    positions: list[dict[str, Any]],
    people: dict[int, dict[str, Any]],
    seats: dict[int, int | None],
    locked: set[int],
    key_of: dict[int, str],
    code_of: dict[int, str],
    commune_ids: set[int],
    ids: set[int],
) -> dict[str, Any]:
    """The exchange-format document of a few communes of a plan."""
    from ..plan_views import cached, data_stamp_outside_plans

    # the province's units and communes change only with new data: read once per data stamp
    units, communes = cached(
        "units-and-communes",
        plan,
        (plan.province_code,),
        lambda: _units_and_communes(plan.province_code),
        stamp=data_stamp_outside_plans(),
    )
    commune_code = {c["id"]: c["code"] for c in communes}
    relations = [
        {"a": key_of[r.person_a_id], "b": key_of[r.person_b_id], "kind": r.kind}
        for r in db.session.scalars(
            db.select(Relation).where(Relation.person_a_id.in_(ids), Relation.person_b_id.in_(ids))
        )
    ]
    locks = [
        {"person": key_of[pid], "position": code_of[seat]}
        for pid, seat in seats.items()
        if pid in locked and seat is not None and seat in code_of
    ]
    forbidden = []
    for f in db.session.scalars(
        db.select(Forbidden).where(Forbidden.plan_id == plan.id, Forbidden.person_id.in_(ids))
    ):
        if f.position_id is not None and f.position_id in code_of:
            forbidden.append({"person": key_of[f.person_id], "position": code_of[f.position_id]})
        elif f.commune_id is not None:
            forbidden.append({"person": key_of[f.person_id], "commune": commune_code[f.commune_id]})
    province = db.session.get(Province, plan.province_code)
    if province is None:
        raise ChangeError("unknown province")
    return {
        "format": "staffing-problem/1",
        "province": {"code": province.code, "name": province.name},
        "as_of": province.as_of.isoformat(),
        "units": units,
        "communes": [
            {
                "code": c["code"],
                "name": c["name"],
                "kind": c["kind"],
                "payroll_quota": c["payroll_quota"],
                "merged_from": c["merged_from"],
                **({"caps": c["caps"]} if c["caps"] and c["id"] in commune_ids else {}),
            }
            for c in communes
        ],
        "positions": [{**p, "commune": commune_code[p["commune"]]} for p in positions],
        "people": list(people.values()),
        "relations": relations,
        "locks": locks,
        "forbidden": forbidden,
        "previous_plan": {},
        "weights": {},
    }


def hard_failures_for(local: Local, pid: int, seat: int | None) -> list[dict[str, Any]]:
    from solver.check import hard_failures

    if seat is None or seat not in local.code_of:
        return []
    return hard_failures(local.problem, local.key_of[pid], local.code_of[seat])
