"""The checker catches every hard rule, and per-pair checks report what a live edit breaks."""

from __future__ import annotations

import copy
from typing import Any

from solver import load_problem
from solver.check import check_assignments, hard_failures, soft_gaps


def _ids(sample: dict[str, Any]) -> dict[str, Any]:
    return {p["id"]: p for p in sample["people"]}


def test_each_rule_is_caught(sample_dict: dict[str, Any]) -> None:
    d = copy.deepcopy(sample_dict)
    d["locks"] = []
    d["forbidden"] = [{"person": d["people"][0]["id"], "position": "06613/UBND/VP/3"}]
    people = d["people"]
    d["relations"] = [{"a": people[1]["id"], "b": people[2]["id"], "kind": "spouse"}]
    # person 3 is disciplined
    people[3]["disciplined"] = True
    problem = load_problem(d)
    by_unit = {}
    for p in problem.people:
        by_unit.setdefault(p.unit, []).append(p.id)
    other_district = next(u.code for u in problem.units if u.feeds == ("06637",))
    outsider = by_unit[other_district][0]
    assignments = [
        (people[0]["id"], "06613/UBND/VP/3"),  # forbidden
        (people[1]["id"], "06613/UBND/KT/1"),  # related pair: head and staff in one department
        (people[2]["id"], "06613/UBND/KT/3"),
        (people[3]["id"], "06613/UBND/VHXH/2"),  # disciplined in a deputy seat
        (outsider, "06613/UBND/VP/4"),  # unit does not feed 06613
        (people[4]["id"], "06613/UBND/CT"),
        (people[4]["id"], "06613/UBND/PCT"),  # one person, two seats
    ]
    rules = {v.rule for v in check_assignments(problem, assignments)}
    assert {"forbidden", "relation", "discipline", "feeds", "one_position"} <= rules


def test_capacity_quota_and_cap_rules(sample_dict: dict[str, Any]) -> None:
    d = copy.deepcopy(sample_dict)
    d["locks"], d["forbidden"], d["relations"] = [], [], []
    commune = d["communes"][0]
    commune["payroll_quota"] = 2
    commune["caps"][0]["max"] = 1
    problem = load_problem(d)
    fed = [p.id for p in problem.people if "06613" in problem.fed_communes(p)]
    assignments = {
        fed[0]: "06613/UBND/VP/2",
        fed[1]: "06613/UBND/KT/2",
        fed[2]: "06613/DANG/BT",
        fed[3]: "06613/DANG/BT",
    }
    rules = {v.rule for v in check_assignments(problem, assignments)}
    assert {"position_max", "payroll_quota", "shared_cap"} <= rules


def test_locks_must_hold(sample_dict: dict[str, Any]) -> None:
    problem = load_problem(sample_dict)
    assert [v.rule for v in check_assignments(problem, {})] == ["lock"]


def test_requirement_failures_and_gaps(sample_dict: dict[str, Any]) -> None:
    problem = load_problem(sample_dict)
    weak = next(
        p for p in problem.people if p.education == "trung_cap" and "06613" in problem.fed_communes(p)
    )
    fails = hard_failures(problem, weak.id, "06613/DANG/BT")
    assert {"attr": "education", "min": "dai_hoc", "value": "trung_cap"} in fails
    violations = check_assignments(
        problem, {weak.id: "06613/DANG/BT", **{k.person: k.position for k in problem.locks}}
    )
    assert any(v.rule == "requirement" and "Đại học" in v.message_vi for v in violations)
    strong = next(
        p
        for p in problem.people
        if not hard_failures(problem, p.id, "06613/UBND/VP/3")
        and p.education != "dai_hoc"
        and p.education != "thac_si"
    )
    assert {"attr": "education", "min": "dai_hoc", "value": strong.education} in soft_gaps(
        problem, strong.id, "06613/UBND/VP/3"
    )
