"""Reading a problem from the exchange format: every field checked, every fault a ProblemError naming
its JSON path; the result is the frozen records of solver/records.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from exchange.fields import SCALES as PERSON_SCALES
from solver.errors import ProblemError
from solver.records import (
    Cap,
    Commune,
    Forbidden,
    Lock,
    Person,
    Position,
    Problem,
    Relation,
    Requirement,
    Unit,
)
from solver.vocabulary import (
    ATTRS,
    BLOCKS,
    CATEGORIES,
    COMMUNE_KINDS,
    FORMAT,
    GENDERS,
    LEADERSHIP,
    LEVELS,
    NUMERIC_ATTRS,
    PERSON_KEYS,
    RATING_VALUES,
    RELATION_KINDS,
    RULES,
    SCALES,
    TOP_KEYS,
    UNIT_KINDS,
)
from solver.weights import Weights

T = TypeVar("T")


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


def _load_person(d: Any, path: str, units: Mapping[str, Unit]) -> Person:
    r = _Reader.obj(d, path)
    pid = _Reader.string(r, "id", path)
    unit = _Reader.string(r, "unit", path)
    pid, unit = _must(pid), _must(unit)
    if unit not in units:
        raise ProblemError(f"{path}.unit", unit, "unknown unit code")
    for key in PERSON_SCALES:
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
