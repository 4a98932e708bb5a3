"""Build the solver's problem (the exchange format of shared/spec/problem-format.md) from the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Assignment,
    Commune,
    Department,
    OldUnit,
    Person,
    Plan,
    Position,
    Province,
    Relation,
    UnitKind,
)


def build_problem(
    province: Province, plan: Plan | None = None, weights: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The whole province as one problem; a plan adds its locks, forbidden pairs and previous assignments."""
    units = list(
        db.session.scalars(
            db.select(OldUnit)
            .where(OldUnit.province_code == province.code)
            .options(selectinload(OldUnit.links))
            .order_by(OldUnit.code)
        )
    )
    communes = list(
        db.session.scalars(
            db.select(Commune)
            .where(Commune.province_code == province.code)
            .options(selectinload(Commune.links), selectinload(Commune.caps))
            .order_by(Commune.code)
        )
    )
    commune_code = {c.id: c.code for c in communes}
    unit_code = {u.id: u.code for u in units}

    problem_units = []
    for unit in units:
        feeds = sorted(commune_code[link.commune_id] for link in unit.links if not link.extra)
        item: dict[str, Any] = {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind.value,
            "district": unit.district,
            "feeds": feeds,
        }
        extra = sorted(commune_code[link.commune_id] for link in unit.links if link.extra)
        if extra:
            item["feeds_extra"] = extra
        problem_units.append(item)

    problem_communes = []
    for commune in communes:
        item = {
            "code": commune.code,
            "name": commune.name,
            "kind": commune.kind.value,
            "payroll_quota": commune.payroll_quota,
            "merged_from": sorted(
                unit_code[link.old_unit_id]
                for link in commune.links
                if link.unit.kind == UnitKind.OLD_COMMUNE and not link.extra
            ),
        }
        if commune.target_quota is not None:
            item["target_quota"] = commune.target_quota
        if commune.caps:
            item["caps"] = [
                {"name": c.name, "positions": list(c.position_codes), "max": c.max} for c in commune.caps
            ]
        problem_communes.append(item)

    positions = list(
        db.session.scalars(
            db.select(Position)
            .join(Department)
            .join(Commune)
            .where(Commune.province_code == province.code)
            .options(
                selectinload(Position.requirements),
                selectinload(Position.department).selectinload(Department.commune),
            )
            .order_by(Position.id)
        )
    )
    problem_positions = [
        {
            "id": p.code,
            "commune": p.department.commune.code,
            "block": p.department.block.value,
            "department": p.department.name,
            "title": p.title,
            "level": p.level.value,
            "job_family": p.job_family,
            "min": p.min_holders,
            "max": p.max_holders,
            "requirements": [r.to_problem_dict() for r in p.requirements],
        }
        for p in positions
    ]

    people = list(
        db.session.scalars(
            db.select(Person)
            .where(Person.province_code == province.code)
            .options(selectinload(Person.unit))
            .order_by(Person.id)
        )
    )
    key_of = {p.id: p.key for p in people}
    relations = [
        {"a": key_of[r.person_a_id], "b": key_of[r.person_b_id], "kind": r.kind}
        for r in db.session.scalars(db.select(Relation).order_by(Relation.id))
        if r.person_a_id in key_of and r.person_b_id in key_of
    ]

    locks: list[dict[str, str]] = []
    forbidden: list[dict[str, str]] = []
    previous: dict[str, str] = {}
    if plan is not None:
        position_code = {p.id: p.code for p in positions}
        for a in db.session.scalars(db.select(Assignment).where(Assignment.plan_id == plan.id)):
            if a.position_id is None:
                continue
            previous[key_of[a.person_id]] = position_code[a.position_id]
            if a.locked:
                locks.append({"person": key_of[a.person_id], "position": position_code[a.position_id]})
        for f in plan.forbidden:
            if f.position_id is not None:
                forbidden.append({"person": key_of[f.person_id], "position": position_code[f.position_id]})
            elif f.commune_id is not None:
                forbidden.append({"person": key_of[f.person_id], "commune": commune_code[f.commune_id]})

    return {
        "format": "staffing-problem/1",
        "province": {"code": province.code, "name": province.name},
        "as_of": province.as_of.isoformat(),
        "units": problem_units,
        "communes": problem_communes,
        "positions": problem_positions,
        "people": [p.to_problem_dict() for p in people],
        "relations": relations,
        "locks": locks,
        "forbidden": forbidden,
        "previous_plan": previous,
        "weights": weights or {},
    }
