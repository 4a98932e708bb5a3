"""The staffing problem: typed, frozen records loaded from and dumped to the exchange format."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, TypeVar

from solver.errors import ProblemError as ProblemError
from solver.weights import Weights

FORMAT = "staffing-problem/1"
T = TypeVar("T")

LEVELS = ("key", "head", "deputy", "staff")
LEADERSHIP = frozenset({"key", "head", "deputy"})
BLOCKS = frozenset({"dang", "hdnd", "ubnd", "mttq", "su_nghiep", "quan_su"})
COMMUNE_KINDS = frozenset({"xa", "phuong", "dac_khu"})
UNIT_KINDS = frozenset({"old_commune", "district_agency"})
GENDERS = frozenset({"M", "F"})
CATEGORIES = frozenset({"can_bo", "cong_chuc", "vien_chuc", "hop_dong", "khong_chuyen_trach"})
RELATION_KINDS = frozenset({"spouse", "parent", "child", "sibling", "in_law"})

SCALES: dict[str, tuple[str, ...]] = {
    "education": ("none", "trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si"),
    "political_theory": ("none", "so_cap", "trung_cap", "cao_cap"),
    "state_management": ("none", "chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap"),
    "last_rating": ("khong_hoan_thanh", "hoan_thanh", "tot", "xuat_sac"),
}
RATING_VALUES = SCALES["last_rating"]
NUMERIC_ATTRS = frozenset({"age", "years_to_retirement", "years_of_service"})
LIST_ATTRS = frozenset({"planned_for", "preferences"})
ATTRS = frozenset(
    {
        "id",
        "name",
        "gender",
        "ethnicity",
        "unit",
        "home_commune",
        "category",
        "current_title",
        "job_family",
        "education",
        "field",
        "political_theory",
        "state_management",
        "party_member",
        "planned_for",
        "disciplined",
        "preferences",
        "birth_date",
        "service_start",
        "retirement_date",
        "age",
        "years_to_retirement",
        "years_of_service",
        "last_rating",
    }
)
RULES = frozenset({"non_local"})

TOP_KEYS = (
    "format",
    "province",
    "as_of",
    "units",
    "communes",
    "positions",
    "people",
    "relations",
    "locks",
    "forbidden",
    "previous_plan",
    "weights",
)


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


# ---------------------------------------------------------------- derived attributes


class _LazyAttrs(dict[str, dict[str, Any]]):
    """person id -> attribute values, computed on first use (a re-solve of one commune needs few)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__()
        self._problem = problem

    def __missing__(self, person_id: str) -> dict[str, Any]:
        value = _cached_attrs(self._problem.person_by_id[person_id], self._problem.as_of)
        self[person_id] = value
        return value


@lru_cache(maxsize=200_000)
def _cached_attrs(person: Person, as_of: dt.date) -> dict[str, Any]:
    """person_attrs, shared by problems that hold the same person (a re-solve reloads everyone)."""
    return person_attrs(person, as_of)


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def _statutory_months(gender: str, year: int) -> int:
    """Retirement age in months for someone reaching it in `year` (Labour Code 2019 roadmap)."""
    if gender == "F":
        return 55 * 12 if year < 2021 else min(55 * 12 + 4 + 4 * (year - 2021), 60 * 12)
    return 60 * 12 if year < 2021 else min(60 * 12 + 3 + 3 * (year - 2021), 62 * 12)


def statutory_retirement(birth: dt.date, gender: str) -> dt.date:
    """First day of the month after the person reaches the statutory age for the year they reach it."""
    for year in range(birth.year + (55 if gender == "F" else 60), birth.year + 64):
        reached = _add_months(birth, _statutory_months(gender, year))
        if reached.year <= year:
            return _add_months(reached.replace(day=1), 1)
    raise AssertionError("unreachable")  # pragma: no cover


def years_between(start: dt.date, end: dt.date) -> float:
    """(end - start) in days / 365.25, rounded half up to one decimal."""
    # tenths of a year = days * 40 / 1461, rounded half up in exact integer arithmetic
    return ((end - start).days * 80 + 1461) // 2922 / 10


def whole_years(birth: dt.date, on: dt.date) -> int:
    """Age in whole years on a date."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


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


def requirement_holds(req: Requirement, attrs: Mapping[str, Any], commune: Commune | None = None) -> bool:
    """Whether a person (by attribute values) meets one requirement; a missing value never does."""
    if req.op == "rule":
        if commune is None:
            return True
        return attrs["unit"] not in commune.merged_from and attrs["home_commune"] != commune.code
    value = attrs.get(req.attr or "")
    if value is None:
        return False
    if req.op == "in":
        if isinstance(value, tuple):
            return any(v in req.value for v in value)
        return bool(value in req.value)
    if req.op == "eq":
        if isinstance(value, tuple):
            return req.value in value
        return (bool(value == req.value) and type(value) is type(req.value)) or _num_eq(value, req.value)
    scale = SCALES.get(req.attr or "")
    a: Any
    b: Any
    if scale is not None:
        if value not in scale:
            return False
        a, b = scale.index(value), scale.index(req.value)
    else:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        a, b = value, req.value
    return bool(a >= b) if req.op == "min" else bool(a <= b)


def _num_eq(a: Any, b: Any) -> bool:
    return (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


# ---------------------------------------------------------------- loading


class _Reader:
    """Helpers that raise ProblemError with a JSON path."""

    @staticmethod
    def obj(d: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(d, Mapping):
            raise ProblemError(path, d, "must be an object")
        return d

    @staticmethod
    def arr(d: Any, path: str) -> Sequence[Any]:
        if d is None:
            return []
        if not isinstance(d, list):
            raise ProblemError(path, d, "must be an array")
        return d

    @staticmethod
    def string(d: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str | None:
        v = d.get(key)
        if v is None:
            if required:
                raise ProblemError(f"{path}.{key}", v, "is required")
            return None
        if not isinstance(v, str) or (required and not v):
            raise ProblemError(f"{path}.{key}", v, "must be a non-empty string")
        return v

    @staticmethod
    def enum(
        d: Mapping[str, Any],
        key: str,
        path: str,
        allowed: frozenset[str] | Sequence[str],
        *,
        required: bool = True,
    ) -> str | None:
        v = d.get(key)
        if v is None and not required:
            return None
        if v not in allowed:
            raise ProblemError(f"{path}.{key}", v, f"must be one of {', '.join(sorted(allowed))}")
        return str(v)

    @staticmethod
    def integer(
        d: Mapping[str, Any], key: str, path: str, *, required: bool = True, minimum: int = 0
    ) -> int | None:
        v = d.get(key)
        if v is None:
            if required:
                raise ProblemError(f"{path}.{key}", v, "is required")
            return None
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise ProblemError(f"{path}.{key}", v, f"must be an integer >= {minimum}")
        return v

    @staticmethod
    def date(d: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> dt.date | None:
        v = d.get(key)
        if v is None:
            if required:
                raise ProblemError(f"{path}.{key}", v, "is required")
            return None
        try:
            return dt.date.fromisoformat(v)
        except (TypeError, ValueError):
            raise ProblemError(f"{path}.{key}", v, "must be a date YYYY-MM-DD") from None

    @staticmethod
    def codes(d: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        v = d.get(key)
        if v is None:
            return ()
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise ProblemError(f"{path}.{key}", v, "must be an array of strings")
        return tuple(v)


def _must(value: T | None) -> T:
    """Narrow a value the reader already required (it raised ProblemError otherwise)."""
    if value is None:  # pragma: no cover
        raise RuntimeError("a required value was not checked")
    return value


def _extra(d: Mapping[str, Any], known: Sequence[str]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in known}


def _load_requirement(d: Any, path: str) -> Requirement:
    r = _Reader.obj(d, path)
    hard = r.get("hard")
    if not isinstance(hard, bool):
        raise ProblemError(f"{path}.hard", hard, "must be true or false")
    if "rule" in r:
        if r["rule"] not in RULES:
            raise ProblemError(f"{path}.rule", r["rule"], f"unknown rule (known: {', '.join(sorted(RULES))})")
        return Requirement(None, "rule", r["rule"], hard, _extra(r, ("rule", "hard")))
    attr = r.get("attr")
    if attr not in ATTRS:
        raise ProblemError(f"{path}.attr", attr, "unknown attribute")
    ops = [k for k in ("in", "min", "max", "eq") if k in r]
    if len(ops) != 1:
        raise ProblemError(path, dict(r), "needs exactly one of in, min, max, eq")
    op = ops[0]
    value = r[op]
    scale = SCALES.get(attr)
    if op == "in":
        if not isinstance(value, list) or not value:
            raise ProblemError(f"{path}.in", value, "must be a non-empty array")
        if scale is not None:
            for i, v in enumerate(value):
                if v not in scale:
                    raise ProblemError(f"{path}.in[{i}]", v, f"not on the {attr} scale ({', '.join(scale)})")
        value = tuple(value)
    elif op in ("min", "max"):
        if scale is not None:
            if value not in scale:
                raise ProblemError(f"{path}.{op}", value, f"not on the {attr} scale ({', '.join(scale)})")
        elif attr in NUMERIC_ATTRS:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ProblemError(f"{path}.{op}", value, f"{attr} compares numbers")
        else:
            raise ProblemError(f"{path}.{op}", value, f"{attr} has no ordinal scale; use in or eq")
    elif scale is not None and value not in scale:
        raise ProblemError(f"{path}.eq", value, f"not on the {attr} scale ({', '.join(scale)})")
    return Requirement(attr, op, value, hard, _extra(r, ("attr", op, "hard")))


def _check_ranges(reqs: Sequence[Requirement], path: str) -> None:
    """A hard min above a hard max on the same attribute can never hold."""
    lo: dict[str, tuple[int, Any]] = {}
    hi: dict[str, tuple[int, Any]] = {}
    for i, q in enumerate(reqs):
        if q.hard and q.op in ("min", "max") and q.attr:
            scale = SCALES.get(q.attr)
            rank = scale.index(q.value) if scale else q.value
            book = lo if q.op == "min" else hi
            best = book.get(q.attr)
            if best is None or (rank > best[1] if q.op == "min" else rank < best[1]):
                book[q.attr] = (i, rank)
    for attr, (i, low) in lo.items():
        if attr in hi and low > hi[attr][1]:
            raise ProblemError(f"{path}[{i}].min", reqs[i].value, f"min above the max of {attr}")


PERSON_KEYS = (
    "id",
    "name",
    "birth_date",
    "gender",
    "ethnicity",
    "unit",
    "home_commune",
    "category",
    "current_title",
    "job_family",
    "education",
    "field",
    "political_theory",
    "state_management",
    "party_member",
    "service_start",
    "ratings",
    "planned_for",
    "disciplined",
    "disciplined_until",
    "preferences",
    "retirement_date",
)


def _load_person(d: Any, path: str, units: Mapping[str, Unit]) -> Person:
    r = _Reader.obj(d, path)
    pid = _Reader.string(r, "id", path)
    unit = _Reader.string(r, "unit", path)
    pid, unit = _must(pid), _must(unit)
    if unit not in units:
        raise ProblemError(f"{path}.unit", unit, "unknown unit code")
    for key in ("education", "political_theory", "state_management"):
        _Reader.enum(r, key, path, SCALES[key], required=False)
    ratings = []
    for i, rt in enumerate(_Reader.arr(r.get("ratings"), f"{path}.ratings")):
        rr = _Reader.obj(rt, f"{path}.ratings[{i}]")
        year = _Reader.integer(rr, "year", f"{path}.ratings[{i}]", minimum=1900)
        value = _Reader.enum(rr, "value", f"{path}.ratings[{i}]", RATING_VALUES)
        year, value = _must(year), _must(value)
        ratings.append((year, value))
    planned = _Reader.codes(r, "planned_for", path)
    for i, lv in enumerate(planned):
        if lv not in LEADERSHIP:
            raise ProblemError(f"{path}.planned_for[{i}]", lv, "must be key, head or deputy")
    party = r.get("party_member")
    if party is not None and not isinstance(party, bool):
        raise ProblemError(f"{path}.party_member", party, "must be true or false")
    disciplined = r.get("disciplined", False)
    if disciplined is None:
        disciplined = False
    if not isinstance(disciplined, bool):
        raise ProblemError(f"{path}.disciplined", disciplined, "must be true or false")
    for key in ("name", "ethnicity", "home_commune", "current_title", "job_family", "field"):
        if r.get(key) is not None and not isinstance(r.get(key), str):
            raise ProblemError(f"{path}.{key}", r.get(key), "must be a string")
    birth = _Reader.date(r, "birth_date", path)
    if birth is not None and not 1900 <= birth.year <= 2100:
        raise ProblemError(f"{path}.birth_date", r.get("birth_date"), "implausible year")
    return Person(
        id=pid,
        name=r.get("name") or pid,
        unit=unit,
        birth_date=birth,
        gender=_Reader.enum(r, "gender", path, GENDERS, required=False),
        ethnicity=r.get("ethnicity"),
        home_commune=r.get("home_commune"),
        category=_Reader.enum(r, "category", path, CATEGORIES, required=False),
        current_title=r.get("current_title"),
        job_family=r.get("job_family"),
        education=r.get("education"),
        field=r.get("field"),
        political_theory=r.get("political_theory"),
        state_management=r.get("state_management"),
        party_member=party,
        service_start=_Reader.date(r, "service_start", path),
        ratings=tuple(ratings),
        planned_for=planned,
        disciplined=disciplined,
        disciplined_until=_Reader.date(r, "disciplined_until", path),
        preferences=_Reader.codes(r, "preferences", path),
        retirement_date=_Reader.date(r, "retirement_date", path),
        extra=_extra(r, PERSON_KEYS),
    )


def load_problem(d: Mapping[str, Any]) -> Problem:
    """Validate an exchange-format problem document and build the typed problem."""
    R = _Reader  # noqa: N806
    R.obj(d, "$")
    for key in d:
        if key not in TOP_KEYS:
            raise ProblemError(key, d[key], "unknown top-level key")
    if d.get("format") != FORMAT:
        raise ProblemError("format", d.get("format"), f"must be {FORMAT!r}")
    province = R.obj(d.get("province", {}), "province")
    as_of = R.date(d, "as_of", "$", required=True)
    as_of = _must(as_of)

    units: dict[str, Unit] = {}
    for i, u in enumerate(R.arr(d.get("units"), "units")):
        path = f"units[{i}]"
        r = R.obj(u, path)
        code = R.string(r, "code", path)
        code = _must(code)
        if code in units:
            raise ProblemError(f"{path}.code", code, "duplicate unit code")
        units[code] = Unit(
            code=code,
            name=r.get("name") or code,
            kind=str(R.enum(r, "kind", path, UNIT_KINDS)),
            district=r.get("district"),
            feeds=R.codes(r, "feeds", path),
            feeds_extra=R.codes(r, "feeds_extra", path),
            extra=_extra(r, ("code", "name", "kind", "district", "feeds", "feeds_extra")),
        )

    communes: dict[str, Commune] = {}
    raw_caps: list[tuple[str, int, Mapping[str, Any]]] = []
    for i, c in enumerate(R.arr(d.get("communes"), "communes")):
        path = f"communes[{i}]"
        r = R.obj(c, path)
        code = R.string(r, "code", path)
        code = _must(code)
        if code in communes:
            raise ProblemError(f"{path}.code", code, "duplicate commune code")
        merged = R.codes(r, "merged_from", path)
        for j, m in enumerate(merged):
            if m not in units:
                raise ProblemError(f"{path}.merged_from[{j}]", m, "unknown unit code")
            if units[m].kind != "old_commune":
                raise ProblemError(f"{path}.merged_from[{j}]", m, "only old communes are merged")
        caps = []
        for j, cap in enumerate(R.arr(r.get("caps"), f"{path}.caps")):
            cp = f"{path}.caps[{j}]"
            cr = R.obj(cap, cp)
            cmax = R.integer(cr, "max", cp)
            cmax = _must(cmax)
            caps.append(
                Cap(
                    str(cr.get("name", f"cap{j}")),
                    R.codes(cr, "positions", cp),
                    cmax,
                    _extra(cr, ("name", "positions", "max")),
                )
            )
            raw_caps.append((cp, j, cr))
        communes[code] = Commune(
            code=code,
            name=r.get("name") or code,
            kind=str(R.enum(r, "kind", path, COMMUNE_KINDS)),
            payroll_quota=R.integer(r, "payroll_quota", path, required=False),
            merged_from=merged,
            target_quota=R.integer(r, "target_quota", path, required=False),
            caps=tuple(caps),
            extra=_extra(r, ("code", "name", "kind", "payroll_quota", "merged_from", "target_quota", "caps")),
        )
    for i, u in enumerate(units.values()):
        for key, codes in (("feeds", u.feeds), ("feeds_extra", u.feeds_extra)):
            for j, c in enumerate(codes):
                if c not in communes:
                    raise ProblemError(f"units[{i}].{key}[{j}]", c, "unknown commune code")

    positions: dict[str, Position] = {}
    for i, p in enumerate(R.arr(d.get("positions"), "positions")):
        path = f"positions[{i}]"
        r = R.obj(p, path)
        pid = R.string(r, "id", path)
        pid = _must(pid)
        if pid in positions:
            raise ProblemError(f"{path}.id", pid, "duplicate position id")
        commune = R.string(r, "commune", path)
        if commune not in communes:
            raise ProblemError(f"{path}.commune", commune, "unknown commune code")
        lo = R.integer(r, "min", path)
        hi = R.integer(r, "max", path)
        lo, hi = _must(lo), _must(hi)
        if lo > hi:
            raise ProblemError(f"{path}.min", lo, f"min is above max ({hi})")
        reqs = tuple(
            _load_requirement(q, f"{path}.requirements[{j}]")
            for j, q in enumerate(R.arr(r.get("requirements"), f"{path}.requirements"))
        )
        _check_ranges(reqs, f"{path}.requirements")
        positions[pid] = Position(
            id=pid,
            commune=commune,
            block=str(R.enum(r, "block", path, BLOCKS)),
            department=R.string(r, "department", path) or "",
            title=r.get("title") or pid,
            level=str(R.enum(r, "level", path, LEVELS)),
            job_family=r.get("job_family"),
            min=lo,
            max=hi,
            requirements=reqs,
            extra=_extra(
                r,
                (
                    "id",
                    "commune",
                    "block",
                    "department",
                    "title",
                    "level",
                    "job_family",
                    "min",
                    "max",
                    "requirements",
                ),
            ),
        )
    for i, c in enumerate(communes.values()):
        for j, cap in enumerate(c.caps):
            for k, pos in enumerate(cap.positions):
                if pos not in positions or positions[pos].commune != c.code:
                    raise ProblemError(
                        f"communes[{i}].caps[{j}].positions[{k}]", pos, "not a position of this commune"
                    )

    people: dict[str, Person] = {}
    for i, p in enumerate(R.arr(d.get("people"), "people")):
        person = _load_person(p, f"people[{i}]", units)
        if person.id in people:
            raise ProblemError(f"people[{i}].id", person.id, "duplicate person id")
        people[person.id] = person

    def person_ref(r: Mapping[str, Any], key: str, path: str) -> str:
        v = r.get(key)
        if v not in people:
            raise ProblemError(f"{path}.{key}", v, "unknown person id")
        return str(v)

    def position_ref(r: Mapping[str, Any], key: str, path: str) -> str:
        v = r.get(key)
        if v not in positions:
            raise ProblemError(f"{path}.{key}", v, "unknown position id")
        return str(v)

    relations = []
    for i, x in enumerate(R.arr(d.get("relations"), "relations")):
        path = f"relations[{i}]"
        r = R.obj(x, path)
        a, b = person_ref(r, "a", path), person_ref(r, "b", path)
        if a == b:
            raise ProblemError(f"{path}.b", b, "a person cannot be related to themself")
        kind = str(R.enum(r, "kind", path, RELATION_KINDS))
        relations.append(Relation(a, b, kind, _extra(r, ("a", "b", "kind"))))
    locks = []
    for i, x in enumerate(R.arr(d.get("locks"), "locks")):
        path = f"locks[{i}]"
        r = R.obj(x, path)
        locks.append(
            Lock(
                person_ref(r, "person", path),
                position_ref(r, "position", path),
                _extra(r, ("person", "position")),
            )
        )
    forbidden = []
    for i, x in enumerate(R.arr(d.get("forbidden"), "forbidden")):
        path = f"forbidden[{i}]"
        r = R.obj(x, path)
        person_id = person_ref(r, "person", path)
        if ("position" in r) == ("commune" in r):
            raise ProblemError(path, dict(r), "needs exactly one of position, commune")
        if "position" in r:
            forbidden.append(
                Forbidden(
                    person_id,
                    position=position_ref(r, "position", path),
                    extra=_extra(r, ("person", "position")),
                )
            )
        else:
            if r["commune"] not in communes:
                raise ProblemError(f"{path}.commune", r["commune"], "unknown commune code")
            forbidden.append(
                Forbidden(person_id, commune=r["commune"], extra=_extra(r, ("person", "commune")))
            )
    prev = R.obj(d.get("previous_plan") or {}, "previous_plan")
    for prev_person, prev_position in prev.items():
        if prev_person not in people:
            raise ProblemError(f"previous_plan.{prev_person}", prev_person, "unknown person id")
        if prev_position not in positions:
            raise ProblemError(f"previous_plan.{prev_person}", prev_position, "unknown position id")
    raw_weights = R.obj(d.get("weights") or {}, "weights")
    weights = Weights.from_dict(raw_weights)
    return Problem(
        province=dict(province),
        as_of=as_of,
        units=tuple(units.values()),
        communes=tuple(communes.values()),
        positions=tuple(positions.values()),
        people=tuple(people.values()),
        relations=tuple(relations),
        locks=tuple(locks),
        forbidden=tuple(forbidden),
        previous_plan=dict(prev),
        weights=weights,
        raw_weights=dict(raw_weights),
    )


# ---------------------------------------------------------------- dumping


def _date(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _dump_person(p: Person) -> dict[str, Any]:
    return {
        **p.extra,
        "id": p.id,
        "name": p.name,
        "birth_date": _date(p.birth_date),
        "gender": p.gender,
        "ethnicity": p.ethnicity,
        "unit": p.unit,
        "home_commune": p.home_commune,
        "category": p.category,
        "current_title": p.current_title,
        "job_family": p.job_family,
        "education": p.education,
        "field": p.field,
        "political_theory": p.political_theory,
        "state_management": p.state_management,
        "party_member": p.party_member,
        "service_start": _date(p.service_start),
        "ratings": [{"year": y, "value": v} for y, v in p.ratings],
        "planned_for": list(p.planned_for),
        "disciplined": p.disciplined,
        "disciplined_until": _date(p.disciplined_until),
        "preferences": list(p.preferences),
        **({"retirement_date": _date(p.retirement_date)} if p.retirement_date else {}),
    }


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
