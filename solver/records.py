"""The records of a problem: typed, frozen dataclasses, their canonical JSON (sha256) and their dump to
the exchange format. Reading and validating a problem is solver/reading.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from exchange.fields import PERSON_FIELDS, person_dict
from solver.dates import statutory_retirement, whole_years, years_between
from solver.vocabulary import FORMAT, GENDERS
from solver.weights import Weights

SOLVER_FIELDS = tuple(f for f in PERSON_FIELDS if f.solver)


@dataclass(frozen=True)
class Requirement:
    """One predicate of a position: `attr` `op` `value`, or a named rule; hard or soft."""

    attr: str | None
    op: str  # "in", "min", "max", "eq" or "rule"
    value: Any  # a tuple for "in", the rule name for "rule"
    hard: bool
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """Exchange-format form of the requirement."""
        if self.op == "rule":
            d: dict[str, Any] = {"rule": self.value}
        else:
            d = {"attr": self.attr, self.op: list(self.value) if self.op == "in" else self.value}
        d["hard"] = self.hard
        return {**self.extra, **d}

    def describe(self) -> str:
        """Short English form, e.g. `political_theory >= cao_cap`."""
        if self.op == "rule":
            return str(self.value)
        sym = {"min": ">=", "max": "<=", "eq": "="}.get(self.op)
        if sym:
            return f"{self.attr} {sym} {_fmt(self.value)}"
        return f"{self.attr} in {', '.join(_fmt(v) for v in self.value)}"


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


@dataclass(frozen=True)
class Unit:
    """An old commune or district agency whose staff are redistributed."""

    code: str
    name: str
    kind: str
    district: str | None
    feeds: tuple[str, ...]
    feeds_extra: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Cap:
    """A shared ceiling over several positions of one commune."""

    name: str
    positions: tuple[str, ...]
    max: int
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Commune:
    """A new commune, ward or special zone."""

    code: str
    name: str
    kind: str
    payroll_quota: int | None
    merged_from: tuple[str, ...]
    target_quota: int | None = None
    caps: tuple[Cap, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Position:
    """A kind of seat: `min`..`max` people may hold it."""

    id: str
    commune: str
    block: str
    department: str
    title: str
    level: str
    job_family: str | None
    min: int
    max: int
    requirements: tuple[Requirement, ...]
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def department_key(self) -> tuple[str, str, str]:
        """(commune, block, department) identifies a department."""
        return (self.commune, self.block, self.department)


@dataclass(frozen=True)
class Person:
    """A cadre, civil servant or employee of an old unit."""

    id: str
    name: str
    unit: str
    birth_date: dt.date | None = None
    gender: str | None = None
    ethnicity: str | None = None
    home_commune: str | None = None
    category: str | None = None
    current_title: str | None = None
    job_family: str | None = None
    education: str | None = None
    field: str | None = None
    political_theory: str | None = None
    state_management: str | None = None
    party_member: bool | None = None
    service_start: dt.date | None = None
    ratings: tuple[tuple[int, str], ...] = ()
    planned_for: tuple[str, ...] = ()
    disciplined: bool = False
    disciplined_until: dt.date | None = None
    preferences: tuple[str, ...] = ()
    retirement_date: dt.date | None = None
    # `field` is a person attribute here, so the dataclasses helper is spelled in full
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Relation:
    """Two related people (spouse, parent, child, sibling, in-law)."""

    a: str
    b: str
    kind: str
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Lock:
    """A reviewer's decision that must hold."""

    person: str
    position: str
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Forbidden:
    """A pair (person, position) or (person, commune) that must not be used."""

    person: str
    position: str | None = None
    commune: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Problem:
    """A whole staffing problem, validated."""

    province: Mapping[str, Any]
    as_of: dt.date
    units: tuple[Unit, ...]
    communes: tuple[Commune, ...]
    positions: tuple[Position, ...]
    people: tuple[Person, ...]
    relations: tuple[Relation, ...] = ()
    locks: tuple[Lock, ...] = ()
    forbidden: tuple[Forbidden, ...] = ()
    previous_plan: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    weights: Weights = field(default_factory=Weights)
    raw_weights: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @cached_property
    def unit_by_code(self) -> dict[str, Unit]:
        """Units by code."""
        return {u.code: u for u in self.units}

    @cached_property
    def commune_by_code(self) -> dict[str, Commune]:
        """Communes by code."""
        return {c.code: c for c in self.communes}

    @cached_property
    def position_by_id(self) -> dict[str, Position]:
        """Positions by id."""
        return {p.id: p for p in self.positions}

    @cached_property
    def person_by_id(self) -> dict[str, Person]:
        """People by id."""
        return {p.id: p for p in self.people}

    @cached_property
    def attrs(self) -> dict[str, dict[str, Any]]:
        """Every person's attribute values, derived ones included, as requirements see them (lazily)."""
        return _LazyAttrs(self)

    @cached_property
    def forbidden_pairs(self) -> frozenset[tuple[str, str]]:
        """(person, position) and (person, 'commune:'+code) pairs that are forbidden."""
        out = set()
        for f in self.forbidden:
            if f.position is not None:
                out.add((f.person, f.position))
            if f.commune is not None:
                out.add((f.person, "commune:" + f.commune))
        return frozenset(out)

    @cached_property
    def related(self) -> dict[str, list[tuple[str, str]]]:
        """Person id -> [(other person id, relation kind)]."""
        out: dict[str, list[tuple[str, str]]] = {}
        for r in self.relations:
            out.setdefault(r.a, []).append((r.b, r.kind))
            out.setdefault(r.b, []).append((r.a, r.kind))
        return out

    @cached_property
    def sha256(self) -> str:
        """sha256 of the canonical JSON of the problem (dump_problem, sorted keys, compact, UTF-8)."""
        # built section by section so the large, rarely edited sections (people, positions) are
        # serialised once per content and reused by the next re-solve of an edited problem
        doc = dump_problem(self, people=False, positions=False)
        doc["people"] = _Canonical(_section_json, "people", self.people)
        doc["positions"] = _Canonical(_section_json, "positions", self.positions)
        text = "{" + ",".join(f"{json.dumps(k)}:{_canonical(doc[k])}" for k in sorted(doc)) + "}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @cached_property
    def _unit_feeds(self) -> dict[str, tuple[str, ...]]:
        return {u.code: u.feeds + tuple(c for c in u.feeds_extra if c not in u.feeds) for u in self.units}

    def fed_communes(self, person: Person) -> tuple[str, ...]:
        """The communes this person may be placed in (feeds, then feeds_extra)."""
        return self._unit_feeds[person.unit]

    def is_disciplined(self, person: Person) -> bool:
        """Under discipline on as_of: no key, head or deputy seat."""
        return person.disciplined or (
            person.disciplined_until is not None and person.disciplined_until > self.as_of
        )


# ---------------------------------------------------------------- canonical JSON


class _Canonical:
    """A section whose canonical JSON is computed by a cached function."""

    def __init__(self, fn: Any, name: str, items: tuple[Any, ...]) -> None:
        self.text: str = fn(name, _content_key(items))


def _content_key(items: tuple[Any, ...]) -> tuple[Any, ...]:
    # dataclass equality ignores `extra`: add it so records differing only there hash differently
    return tuple(
        (item, json.dumps(item.extra, sort_keys=True, default=str)) if item.extra else item for item in items
    )


@lru_cache(maxsize=8)
def _section_json(name: str, key: tuple[Any, ...]) -> str:
    items = [k[0] if isinstance(k, tuple) else k for k in key]
    dump = _dump_person if name == "people" else _dump_position
    return _canonical([dump(x) for x in items])


def _canonical(value: Any) -> str:
    if isinstance(value, _Canonical):
        return value.text
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), check_circular=False)


# ---------------------------------------------------------------- derived attributes, lazily


def retirement_date(person: Person) -> dt.date | None:
    """The person's own retirement date, else the statutory one."""
    if person.retirement_date is not None:
        return person.retirement_date
    if person.birth_date is None or person.gender not in GENDERS:
        return None
    return statutory_retirement(person.birth_date, person.gender)


def person_attrs(person: Person, as_of: dt.date) -> dict[str, Any]:
    """All attribute values of a person that requirements may test (None when unknown)."""
    ret = retirement_date(person)
    ratings = sorted(person.ratings)
    return {
        "id": person.id,
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "unit": person.unit,
        "home_commune": person.home_commune,
        "category": person.category,
        "current_title": person.current_title,
        "job_family": person.job_family,
        "education": person.education,
        "field": person.field,
        "political_theory": person.political_theory,
        "state_management": person.state_management,
        "party_member": person.party_member,
        "planned_for": person.planned_for,
        "disciplined": person.disciplined,
        "preferences": person.preferences,
        "birth_date": person.birth_date,
        "service_start": person.service_start,
        "retirement_date": ret,
        "age": whole_years(person.birth_date, as_of) if person.birth_date else None,
        "years_to_retirement": years_between(as_of, ret) if ret else None,
        "years_of_service": years_between(person.service_start, as_of) if person.service_start else None,
        "last_rating": ratings[-1][1] if ratings else None,
    }


@lru_cache(maxsize=200_000)
def _cached_attrs(person: Person, as_of: dt.date) -> dict[str, Any]:
    """person_attrs, shared by problems that hold the same person (a re-solve reloads everyone)."""
    return person_attrs(person, as_of)


class _LazyAttrs(dict[str, dict[str, Any]]):
    """person id -> attribute values, computed on first use (a re-solve of one commune needs few)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__()
        self._problem = problem

    def __missing__(self, person_id: str) -> dict[str, Any]:
        value = _cached_attrs(self._problem.person_by_id[person_id], self._problem.as_of)
        self[person_id] = value
        return value


# ---------------------------------------------------------------- dumping


def _date(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _dump_person(p: Person) -> dict[str, Any]:
    return {**p.extra, **person_dict(lambda name: getattr(p, name), SOLVER_FIELDS)}


def _dump_position(p: Position) -> dict[str, Any]:
    return {
        **p.extra,
        "id": p.id,
        "commune": p.commune,
        "block": p.block,
        "department": p.department,
        "title": p.title,
        "level": p.level,
        "job_family": p.job_family,
        "min": p.min,
        "max": p.max,
        "requirements": [q.to_dict() for q in p.requirements],
    }


def dump_problem(problem: Problem, *, people: bool = True, positions: bool = True) -> dict[str, Any]:
    """The exchange-format document of a problem (load_problem(dump_problem(p)) == p)."""
    units = []
    for u in problem.units:
        ud = {
            **u.extra,
            "code": u.code,
            "name": u.name,
            "kind": u.kind,
            "district": u.district,
            "feeds": list(u.feeds),
        }
        if u.feeds_extra:
            ud["feeds_extra"] = list(u.feeds_extra)
        units.append(ud)
    communes = []
    for c in problem.communes:
        cd: dict[str, Any] = {
            **c.extra,
            "code": c.code,
            "name": c.name,
            "kind": c.kind,
            "payroll_quota": c.payroll_quota,
        }
        if c.target_quota is not None:
            cd["target_quota"] = c.target_quota
        cd["merged_from"] = list(c.merged_from)
        if c.caps:
            cd["caps"] = [
                {**k.extra, "name": k.name, "positions": list(k.positions), "max": k.max} for k in c.caps
            ]
        communes.append(cd)
    position_list = [_dump_position(p) for p in problem.positions] if positions else []
    forbidden = []
    for f in problem.forbidden:
        fd: dict[str, Any] = {**f.extra, "person": f.person}
        if f.position is not None:
            fd["position"] = f.position
        else:
            fd["commune"] = f.commune
        forbidden.append(fd)
    return {
        "format": FORMAT,
        "province": dict(problem.province),
        "as_of": problem.as_of.isoformat(),
        "units": units,
        "communes": communes,
        "positions": position_list,
        "people": [_dump_person(p) for p in problem.people] if people else [],
        "relations": [{**r.extra, "a": r.a, "b": r.b, "kind": r.kind} for r in problem.relations],
        "locks": [{**k.extra, "person": k.person, "position": k.position} for k in problem.locks],
        "forbidden": forbidden,
        "previous_plan": dict(problem.previous_plan),
        "weights": dict(problem.raw_weights),
    }
