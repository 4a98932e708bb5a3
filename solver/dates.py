"""Dates of a working life: statutory retirement (Labour Code 2019 roadmap), years between two dates, age."""

from __future__ import annotations

import datetime as dt


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
