"""The exchange format: loading, validation errors that name the field, derived attributes."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from solver import ProblemError, dump_problem, load_problem
from solver.problem import statutory_retirement, years_between


def test_sample_round_trips(sample_dict: dict[str, Any]) -> None:
    problem = load_problem(sample_dict)
    assert len(problem.people) == 376
    assert len(problem.positions) == 204
    again = load_problem(dump_problem(problem))
    assert again == problem
    assert again.sha256 == problem.sha256


def test_unknown_item_keys_are_kept(sample_dict: dict[str, Any]) -> None:
    d = copy.deepcopy(sample_dict)
    d["people"][0]["so_bhxh"] = "0123456789"
    problem = load_problem(d)
    assert dump_problem(problem)["people"][0]["so_bhxh"] == "0123456789"


def _mutate(d: dict[str, Any], path: str, value: Any) -> None:
    parts = path.replace("]", "").replace("[", ".").split(".")
    target: Any = d
    for p in parts[:-1]:
        target = target[int(p)] if p.isdigit() else target[p]
    last = parts[-1]
    if value is _DELETE:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "expected_path"),
    [
        ("positions[3].requirements[2].min", "bachelor", "positions[3].requirements[2].min"),
        ("positions[3].requirements[1].attr", "shoe_size", "positions[3].requirements[1].attr"),
        ("positions[0].requirements[0].hard", "yes", "positions[0].requirements[0].hard"),
        ("positions[5].min", 7, "positions[5].min"),
        ("positions[5].level", "boss", "positions[5].level"),
        ("positions[5].commune", "99999", "positions[5].commune"),
        ("people[2].gender", "X", "people[2].gender"),
        ("people[2].birth_date", "12/04/1976", "people[2].birth_date"),
        ("people[2].unit", "nowhere", "people[2].unit"),
        ("people[2].ratings[0].value", "great", "people[2].ratings[0].value"),
        ("units[0].feeds[0]", "00000", "units[0].feeds[0]"),
        ("communes[0].merged_from[0]", "H189", "communes[0].merged_from[0]"),
        ("communes[0].caps[0].positions[0]", "06616/UBND/VP/2", "communes[0].caps[0].positions[0]"),
        ("locks[0].position", "no/such/seat", "locks[0].position"),
        ("forbidden[0].commune", "00000", "forbidden[0].commune"),
        ("relations[0].kind", "friend", "relations[0].kind"),
        ("weights", {"gap": -1}, "weights.gap"),
        ("weights", {"charisma": 1}, "weights.charisma"),
        ("format", "staffing-problem/2", "format"),
        ("as_of", "July 2025", "$.as_of"),
    ],
)
def test_invalid_problem_names_the_field(
    sample_dict: dict[str, Any], path: str, value: Any, expected_path: str
) -> None:
    d = copy.deepcopy(sample_dict)
    _mutate(d, path, value)
    with pytest.raises(ProblemError) as err:
        load_problem(d)
    assert err.value.path == expected_path
    assert expected_path in str(err.value)


def test_unknown_top_level_key(sample_dict: dict[str, Any]) -> None:
    d = copy.deepcopy(sample_dict)
    d["budget"] = 1
    with pytest.raises(ProblemError, match="budget"):
        load_problem(d)


def test_min_on_attribute_without_scale(sample_dict: dict[str, Any]) -> None:
    d = copy.deepcopy(sample_dict)
    d["positions"][0]["requirements"][0] = {"attr": "field", "min": "luat", "hard": True}
    with pytest.raises(ProblemError) as err:
        load_problem(d)
    assert err.value.path == "positions[0].requirements[0].min"


def test_hard_min_above_hard_max(sample_dict: dict[str, Any]) -> None:
    d = copy.deepcopy(sample_dict)
    d["positions"][0]["requirements"] += [
        {"attr": "age", "min": 40, "hard": True},
        {"attr": "age", "max": 30, "hard": True},
    ]
    with pytest.raises(ProblemError, match="above the max"):
        load_problem(d)


@pytest.mark.parametrize(
    ("birth", "gender", "expected"),
    [
        (dt.date(1965, 2, 15), "M", dt.date(2026, 9, 1)),  # DOMAIN.md: 61y6m, reached 08/2026
        (dt.date(1964, 1, 10), "M", dt.date(2025, 5, 1)),  # 61y3m in 2025
        (dt.date(1970, 6, 1), "M", dt.date(2032, 7, 1)),  # 62y from 2028 on
        (dt.date(1969, 1, 1), "F", dt.date(2025, 10, 1)),  # 56y8m in 2025
        (dt.date(1980, 5, 20), "F", dt.date(2040, 6, 1)),  # 60y from 2035 on
    ],
)
def test_statutory_retirement(birth: dt.date, gender: str, expected: dt.date) -> None:
    assert statutory_retirement(birth, gender) == expected


def test_years_round_half_up() -> None:
    assert years_between(dt.date(2025, 7, 1), dt.date(2030, 7, 1)) == 5.0
    assert years_between(dt.date(2025, 7, 1), dt.date(2027, 7, 1)) == 2.0
    # 18.2625 days = 0.05 years exactly: rounds up
    assert years_between(dt.date(2025, 1, 1), dt.date(2025, 1, 1) + dt.timedelta(days=1461 * 3 // 240)) >= 0.0
