"""Plans on generated problems: hard rules, locks, forbidden pairs, previous plan, re-solves, determinism."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from solver_builders import load_make_problem

from solver import Progress, SolveOptions, load_problem, plan_from_dict, plan_to_dict, solve
from solver.check import check_assignments
from solver.reasons import CATALOGUE

make = load_make_problem()


def generated(seed: int, relations_rate: float = 0.03) -> dict[str, Any]:
    """Two small districts (5 communes), a feeds_extra link, relations, locks and forbidden communes."""
    return make.make_problem(
        scale=1,
        seed=seed,
        districts=[3, 2],
        extra_links=1,
        relations_rate=relations_rate,
        locks=3,
        forbidden=3,
    )


@pytest.fixture(scope="module")
def solved() -> tuple[Any, Any]:
    problem = load_problem(generated(1))
    return problem, solve(problem, SolveOptions(time_limit=8, workers=1))


@pytest.mark.parametrize("seed", [2, 3])
def test_hard_rules_hold_on_generated_problems(seed: int) -> None:
    problem = load_problem(generated(seed, relations_rate=0.08))
    plan = solve(problem, SolveOptions(time_limit=6, workers=2))
    assert plan.status in ("OPTIMAL", "FEASIBLE")
    assert check_assignments(problem, plan.mapping()) == []
    assert plan.stats["optimal_for"][:2] == [1, 2]
    assert plan.stats["bound"]["quality"] <= plan.stats["objective"]["quality"]


def test_locks_and_forbidden_are_honoured(solved: tuple[Any, Any]) -> None:
    problem, plan = solved
    assignment = plan.mapping()
    assert problem.locks
    assert problem.forbidden
    for lock in problem.locks:
        assert assignment[lock.person] == lock.position
    for f in problem.forbidden:
        held = assignment.get(f.person)
        assert held is None or problem.position_by_id[held].commune != f.commune
    locked = {(a.person, a.position): a for a in plan.assignments}
    assert all(any(r.code == "locked" for r in locked[(k.person, k.position)].reasons) for k in problem.locks)


def test_plan_format_and_reasons(solved: tuple[Any, Any]) -> None:
    problem, plan = solved
    d = plan_to_dict(plan)
    assert d["format"] == "staffing-plan/1"
    assert set(d["stats"]) >= {
        "placed",
        "unplaced",
        "gaps",
        "shortfall",
        "optimal_for",
        "objective",
        "bound",
        "wall_s",
        "solver",
        "seed",
        "problem_sha256",
    }
    assert d["stats"]["problem_sha256"] == problem.sha256
    items = d["assignments"] + d["unplaced"] + d["shortfalls"]
    for item in items:
        assert len(item["why"]) == len(item["reasons"])
        assert all(r["code"] in CATALOGUE for r in item["reasons"])
    assert all(u["why"] for u in d["unplaced"])
    for u in d["unplaced"]:
        er = u["early_retirement"]
        assert er["band"] in ("2-5", "5-10", "<2", None)
    for s in d["shortfalls"]:
        assert s["why"]
        assert len(s["closest"]) <= 3
    assert plan_to_dict(plan_from_dict(d)) == d
    assert len(d["assignments"]) + len(d["unplaced"]) == len(problem.people)


def test_previous_plan_is_kept(solved: tuple[Any, Any]) -> None:
    _problem, plan = solved
    d = generated(1)
    d["previous_plan"] = plan.mapping()
    again = solve(load_problem(d), SolveOptions(time_limit=8, workers=1))
    kept = sum(1 for p, s in plan.mapping().items() if again.mapping().get(p) == s)
    assert kept >= 0.97 * len(plan.mapping())
    assert again.stats["placed"] == plan.stats["placed"]


def test_resolve_one_commune_touches_only_that_commune(solved: tuple[Any, Any]) -> None:
    problem, plan = solved
    d = generated(1)
    d["previous_plan"] = plan.mapping()
    target = problem.communes[0].code
    # a reviewer forbids the commune's first key holder from it, then re-solves that commune
    key_holder = next(
        a.person
        for a in plan.assignments
        if problem.position_by_id[a.position].commune == target
        and problem.position_by_id[a.position].level == "key"
        and all(k.person != a.person for k in problem.locks)
    )
    d["forbidden"].append({"person": key_holder, "commune": target})
    edited = load_problem(d)
    again = solve(edited, SolveOptions(time_limit=5, workers=1, communes=frozenset({target})))
    assert check_assignments(edited, again.mapping()) == []
    assert (
        again.mapping().get(key_holder) is None
        or edited.position_by_id[again.mapping()[key_holder]].commune != target
    )
    for person, position in plan.mapping().items():
        if edited.position_by_id[position].commune != target:
            assert again.mapping().get(person) == position  # untouched outside the commune
    assert again.stats["wall_s"] < 3


def test_determinism(solved: tuple[Any, Any]) -> None:
    problem, plan = solved
    again = solve(problem, SolveOptions(time_limit=8, workers=1))
    a, b = plan_to_dict(plan), plan_to_dict(again)
    for d in (a, b):
        for k in ("wall_s", "stage_s"):
            d["stats"].pop(k)
    assert a == b


def test_same_plan_with_a_process_pool() -> None:
    """Components solved in two processes give the plan one process gives; stats per component."""
    problem = load_problem(
        make.make_problem(scale=1, seed=4, districts=[3, 2, 2], extra_links=0, relations_rate=0.05)
    )
    one = solve(problem, SolveOptions(time_limit=20, workers=1, processes=1))
    two = solve(problem, SolveOptions(time_limit=20, workers=1, processes=2))
    assert one.stats["components"] > 1
    a, b = plan_to_dict(one), plan_to_dict(two)
    for d in (a, b):
        for k in ("wall_s", "stage_s", "parameters"):
            d["stats"].pop(k)
    assert a == b
    status = one.stats["component_status"]
    assert len(status) == one.stats["components"]
    assert sum(c["communes"] for c in status) == len(problem.communes)
    assert all(c["optimal_12"] for c in status)
    assert check_assignments(problem, two.mapping()) == []


def test_progress_is_reported(sample_dict: dict[str, Any]) -> None:
    seen: list[Progress] = []
    problem = load_problem(sample_dict)
    solve(problem, SolveOptions(time_limit=3, workers=1), seen.append)
    stages = [p.stage for p in seen]
    assert stages == sorted(stages)
    assert set(stages) == {1, 2, 3}
    assert all(0.0 <= p.fraction <= 1.0 for p in seen)
    assert seen[-1].placed is not None
    assert seen[-1].shortfall is not None


def _infeasible(d: dict[str, Any]) -> Any:
    problem = load_problem(d)
    plan = solve(problem, SolveOptions(time_limit=5, workers=1))
    assert plan.status == "INFEASIBLE"
    assert plan.infeasible is not None
    return plan


def test_infeasible_locks_are_explained(sample_dict: dict[str, Any]) -> None:
    d = copy.deepcopy(sample_dict)
    problem = load_problem(d)
    fed = [
        p.id
        for p in problem.people
        if "06613" in problem.fed_communes(p)
        and p.education in ("dai_hoc", "thac_si")
        and p.party_member
        and not problem.is_disciplined(p)
    ]
    # two locks on a one-person seat, plus an innocent lock
    d["locks"] = [
        {"person": fed[0], "position": "06613/MTTQ/MT/3"},
        {"person": fed[1], "position": "06613/UBND/VP/1"},
        {"person": fed[2], "position": "06613/UBND/VP/1"},
    ]
    plan = _infeasible(d)
    assert {tuple(sorted(k.items())) for k in plan.infeasible.locks} == {
        (("person", fed[1]), ("position", "06613/UBND/VP/1")),
        (("person", fed[2]), ("position", "06613/UBND/VP/1")),
    }
    assert "position_max" in plan.infeasible.rules
    out = plan_to_dict(plan)
    assert out["infeasible"]["why"]
    assert out["assignments"] == []


def test_lock_breaking_a_requirement_is_named(sample_dict: dict[str, Any]) -> None:
    d = copy.deepcopy(sample_dict)
    weak = next(p for p in d["people"] if p["education"] == "trung_cap" and p["unit"] == "06613")
    d["locks"] = [{"person": weak["id"], "position": "06613/DANG/BT"}]
    plan = _infeasible(d)
    assert [dict(k) for k in plan.infeasible.locks] == [{"person": weak["id"], "position": "06613/DANG/BT"}]
    assert "requirement" in plan.infeasible.rules


def test_locked_relatives_are_named(sample_dict: dict[str, Any]) -> None:
    d = copy.deepcopy(sample_dict)
    problem = load_problem(d)
    ok = [
        p.id
        for p in problem.people
        if "06613" in problem.fed_communes(p)
        and p.education in ("dai_hoc", "thac_si")
        and p.party_member
        and p.political_theory in ("trung_cap", "cao_cap")
        and not problem.is_disciplined(p)
    ]
    from solver.check import hard_failures

    a = next(p for p in ok if not hard_failures(problem, p, "06613/UBND/KT/1"))
    b = next(p for p in ok if p != a and not hard_failures(problem, p, "06613/UBND/KT/2"))
    d["relations"].append({"a": a, "b": b, "kind": "sibling"})
    d["locks"] = [{"person": a, "position": "06613/UBND/KT/1"}, {"person": b, "position": "06613/UBND/KT/2"}]
    plan = _infeasible(d)
    assert plan.infeasible.rules == ("relation",)
