"""What requirements test: a person's attribute values (derived ones included: age, years to retirement,
years of service, last rating), the statutory retirement date, and whether a requirement holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from solver.vocabulary import GENDERS, SCALES

if TYPE_CHECKING:
    from solver.records import Commune, Person, Requirement


# ---------------------------------------------------------------- derived attributes


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
