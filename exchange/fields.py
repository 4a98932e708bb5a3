"""The one list of a person's fields in the exchange format (shared/spec/problem-format.md).

Everything else is derived from `PERSON_FIELDS`: the keys the solver reads
(`solver.problem.PERSON_KEYS`), the record the importers produce
(`imports.records.PersonRecord.to_problem_dict`), and the stored person's problem item
(`staffing.models.Person.to_problem_dict`). Adding a field (state-management training,
a rank, pay data) is one entry here, plus the attribute on the record and the column on
the model that hold it. A field kept with the person but outside the exchange document (pay
data) says `exchange=False`.

A field the solver does not reason about (`solver=False`) still travels in the exchange
document: the solver keeps it in `Person.extra` and writes it back unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["str", "code", "scale", "date", "bool", "list", "ratings", "number"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a person in the exchange format."""

    name: str
    kind: Kind
    solver: bool = True  # a typed attribute of solver.problem.Person (False: carried in `extra`)
    omit_none: bool = False  # left out of the document when it has no value
    exchange: bool = True  # False: stored with the person, never written in the exchange document
    scale: tuple[str, ...] = ()  # ordinal values, lowest first, for kind "scale"


PERSON_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "str"),
    FieldSpec("name", "str"),
    FieldSpec("birth_date", "date"),
    FieldSpec("gender", "code"),
    FieldSpec("ethnicity", "str"),
    FieldSpec("unit", "code"),
    FieldSpec("home_commune", "code"),
    FieldSpec("category", "code"),
    FieldSpec("current_title", "str"),
    FieldSpec("job_family", "code"),
    FieldSpec("education", "scale", scale=("none", "trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si")),
    FieldSpec("field", "code"),
    FieldSpec("political_theory", "scale", scale=("none", "so_cap", "trung_cap", "cao_cap")),
    FieldSpec(
        "state_management",
        "scale",
        scale=("none", "chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap"),
    ),
    FieldSpec("party_member", "bool"),
    FieldSpec("service_start", "date"),
    FieldSpec("ratings", "ratings"),
    FieldSpec("planned_for", "list"),
    FieldSpec("disciplined", "bool"),
    FieldSpec("disciplined_until", "date"),
    FieldSpec("preferences", "list"),
    FieldSpec("retirement_date", "date", omit_none=True),
    # carried for people and reviewers, not used by the rules (yet): kept in Person.extra
    FieldSpec("rank", "code", solver=False, omit_none=True),  # civil-service rank code, e.g. 01.003
    FieldSpec("cmnd", "str", solver=False, omit_none=True),  # legacy 9-digit identity card number
    # the block of the old office (dang | hdnd | ubnd | mttq | su_nghiep | quan_su, as the departments'
    # blocks), from a "Khối" column or a section row "A. Khối Đảng"; not in the exchange format
    FieldSpec("block", "code", solver=False, exchange=False),
    # pay data (issue 14): read from rosters, stored with the person, not in the exchange format
    FieldSpec("salary_coefficient", "number", solver=False, exchange=False),
    FieldSpec("position_allowance", "number", solver=False, exchange=False),
    FieldSpec("seniority_pct", "number", solver=False, exchange=False),
    FieldSpec("other_allowances", "number", solver=False, exchange=False),  # VND a month
    FieldSpec("insurance_years", "number", solver=False, exchange=False),
    FieldSpec("part_time_allowance", "number", solver=False, exchange=False),  # VND a month
)

BY_NAME: dict[str, FieldSpec] = {f.name: f for f in PERSON_FIELDS}
PERSON_KEYS: tuple[str, ...] = tuple(f.name for f in PERSON_FIELDS if f.solver)
EXCHANGE_FIELDS: tuple[FieldSpec, ...] = tuple(f for f in PERSON_FIELDS if f.exchange)
SCALES: dict[str, tuple[str, ...]] = {f.name: f.scale for f in PERSON_FIELDS if f.kind == "scale"}


def exchange_value(spec: FieldSpec, value: Any) -> Any:
    """A field's value as the exchange document writes it (dates ISO, lists as lists)."""
    if value is None:
        return [] if spec.kind in ("list", "ratings") else None
    if spec.kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else value
    if spec.kind == "ratings":
        out = []
        for r in value:
            if isinstance(r, dict):
                out.append({"year": r["year"], "value": r["value"]})
            elif isinstance(r, tuple):
                out.append({"year": r[0], "value": r[1]})
            else:
                out.append({"year": r.year, "value": r.value})
        return out
    if spec.kind == "list":
        return list(value)
    return value


_PLAIN = frozenset({"str", "code", "scale", "bool", "number"})


def person_dict(get: Callable[[str], Any], fields: Iterable[FieldSpec] = PERSON_FIELDS) -> dict[str, Any]:
    """A person as an item of the problem's `people` array, reading each field with `get(name)`."""
    out: dict[str, Any] = {}
    for spec in fields:
        if not spec.exchange:
            continue
        value = get(spec.name)
        if value is None:
            if spec.omit_none:
                continue
            out[spec.name] = [] if spec.kind in ("list", "ratings") else None
        elif spec.kind in _PLAIN:  # the common case, without a call
            out[spec.name] = value
        else:
            out[spec.name] = exchange_value(spec, value)
    return out
