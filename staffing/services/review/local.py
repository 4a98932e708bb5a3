"""The solver problem of a few communes of a plan, with the id maps between rows and exchange ids.

A change touches at most a few communes, so checks build a solver problem of those communes only
(their positions, the people who hold them, the people who move) instead of the whole province.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import defer, selectinload

from ...extensions import db
from ...models import (
    Assignment,
    Commune,
    Department,
    Forbidden,
    MergerLink,
    OldUnit,
    Person,
    Plan,
    Position,
    Province,
    Relation,
    SharedCap,
)
from .common import ChangeError


@dataclass
class Local:
    """A solver problem of a few communes of a plan, with the id maps between rows and exchange ids."""

    plan: Plan
    problem: Any
    positions: dict[int, Position]
    people: dict[int, Person]
    holders: dict[int, Assignment]  # person id -> assignment, for people in the problem
    key_of: dict[int, str]
    code_of: dict[int, str]
    person_of_key: dict[str, int] = field(default_factory=dict)
    position_of_code: dict[str, int] = field(default_factory=dict)

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
    import solver

    from ..plan_views import cached

    positions = {
        p.id: p
        for p in db.session.scalars(
            db.select(Position)
            .join(Department)
            .where(Department.commune_id.in_(commune_ids))
            .options(selectinload(Position.requirements), selectinload(Position.department))
            .order_by(Position.id)
        )
    }
    # reasons can be long (names of every commune in feeds): a check never reads them
    light = defer(Assignment.reasons), defer(Assignment.early_retirement)
    holders_q = (
        db.select(Assignment)
        .where(Assignment.plan_id == plan.id, Assignment.position_id.in_(positions))
        .options(*light)
    )
    holders = {a.person_id: a for a in db.session.scalars(holders_q)}
    if extra_people:
        for a in db.session.scalars(
            db.select(Assignment)
            .where(Assignment.plan_id == plan.id, Assignment.person_id.in_(extra_people))
            .options(*light)
        ):
            holders.setdefault(a.person_id, a)
    ids = set(holders) | set(extra_people)
    people = {
        p.id: p
        for p in db.session.scalars(
            db.select(Person).where(Person.id.in_(ids)).options(selectinload(Person.unit))
        )
    }
    key_of = {p.id: p.key for p in people.values()}
    code_of = {p.id: p.code for p in positions.values()}

    def make_problem() -> Any:
        return solver.load_problem(
            _document(plan, positions, people, holders, key_of, code_of, commune_ids, ids)
        )

    # the problem depends only on the plan version, these communes' edits (their counters: every edit claims
    # the communes it touches) and the data outside plans (see plan_views.cached): build it once
    from ...models import CommuneStamp
    from ..plan_views import data_stamp_outside_plans

    seqs = tuple(
        sorted(
            db.session.execute(
                db.select(CommuneStamp.commune_id, CommuneStamp.seq).where(
                    CommuneStamp.plan_id == plan.id, CommuneStamp.commune_id.in_(commune_ids)
                )
            ).all()
        )
    )
    problem = cached(
        "local",
        plan,
        (frozenset(commune_ids), frozenset(ids)),
        make_problem,
        stamp=(data_stamp_outside_plans(), seqs),
    )
    local = Local(plan, problem, positions, people, holders, key_of, code_of)
    local.person_of_key = {v: k for k, v in key_of.items()}
    local.position_of_code = {v: k for k, v in code_of.items()}
    return local


def _document(
    plan: Plan,
    positions: dict[int, Position],
    people: dict[int, Person],
    holders: dict[int, Assignment],
    key_of: dict[int, str],
    code_of: dict[int, str],
    commune_ids: set[int],
    ids: set[int],
) -> dict[str, Any]:
    """The exchange-format document of a few communes of a plan."""
    units, communes = _units_and_communes(plan.province_code)
    commune_code = {c["id"]: c["code"] for c in communes}
    relations = [
        {"a": key_of[r.person_a_id], "b": key_of[r.person_b_id], "kind": r.kind}
        for r in db.session.scalars(
            db.select(Relation).where(Relation.person_a_id.in_(ids), Relation.person_b_id.in_(ids))
        )
    ]
    locks = [
        {"person": key_of[a.person_id], "position": code_of[a.position_id]}
        for a in holders.values()
        if a.locked and a.position_id in code_of
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
        "positions": [
            {
                "id": p.code,
                "commune": commune_code[p.department.commune_id],
                "block": p.department.block.value,
                "department": p.department.name,
                "title": p.title,
                "level": p.level.value,
                "job_family": p.job_family,
                "min": p.min_holders,
                "max": p.max_holders,
                "requirements": [r.to_problem_dict() for r in p.requirements],
            }
            for p in positions.values()
        ],
        "people": [p.to_problem_dict() for p in people.values()],
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
