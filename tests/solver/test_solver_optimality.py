"""The model finds the true optimum: brute force on tiny problems, networkx max-flow on flow problems."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from solver_builders import random_problem, score

from solver import SolveOptions, load_problem, solve
from solver.check import check_assignments

methods: Counter[str] = Counter()


def brute_force(problem: Any) -> tuple[tuple[int, ...], int, int]:
    """Lexicographic optimum (shortfall by level, -placed, quality) over every legal assignment."""
    people = [p.id for p in problem.people]
    options = [None, *[p.id for p in problem.positions]]
    best: tuple[Any, ...] | None = None
    for combo in itertools.product(options, repeat=len(people)):
        assignment = {pid: sid for pid, sid in zip(people, combo, strict=True) if sid is not None}
        if check_assignments(problem, assignment):
            continue
        short, placed, quality = score(problem, assignment)
        key = (short, -placed, quality)
        if best is None or key < best:
            best = key
    assert best is not None
    return best[0], -best[1], best[2]


@pytest.mark.parametrize("seed", range(18))
def test_matches_brute_force(seed: int) -> None:
    overlapping = seed >= 14  # two caps sharing a seat: no longer a flow, CP-SAT decides
    d = random_problem(
        seed,
        people=4 if overlapping else 5,
        positions=6 if overlapping else 4,
        communes=2 if not overlapping else 1,
        relations=2 if seed % 2 else 0,
        caps=seed % 3 == 0 or overlapping,
        overlapping_caps=overlapping,
    )
    if seed % 4 == 1:  # a lock, when it is legal on its own
        d["locks"] = [{"person": "P0", "position": d["positions"][0]["id"]}]
    problem = load_problem(d)
    plan = solve(problem, SolveOptions(time_limit=10, workers=1))
    methods.update(plan.stats.get("methods", {}))
    if plan.status == "INFEASIBLE":
        assert check_assignments(problem, [(k.person, k.position) for k in problem.locks])
        return
    assignment = plan.mapping()
    assert check_assignments(problem, assignment) == []
    short, placed, quality = score(problem, assignment)
    best_short, best_placed, best_quality = brute_force(problem)
    assert short == best_short
    assert placed == best_placed
    assert tuple(plan.stats["objective"]["shortfall"]) == short
    assert plan.stats["objective"]["quality"] == quality
    # the reported bound is a true lower bound, and the plan is within the gap it reports
    assert plan.stats["bound"]["quality"] <= best_quality + 1e-6
    assert quality >= best_quality
    if plan.status == "OPTIMAL":
        assert quality == best_quality
    else:
        assert quality <= best_quality * 1.05


@pytest.mark.parametrize("seed", [101, 103, 108, 110])
def test_matches_brute_force_when_relations_bind(seed: int) -> None:
    # relatives competing for head and deputy seats of one department: the flow alone breaks a relation
    d = random_problem(
        seed, people=5, positions=4, communes=1, relations=4, levels=("head", "deputy"), soft=False
    )
    problem = load_problem(d)
    plan = solve(problem, SolveOptions(time_limit=10, workers=1))
    methods.update(plan.stats.get("methods", {}))
    assignment = plan.mapping()
    assert check_assignments(problem, assignment) == []
    short, placed, quality = score(problem, assignment)
    best_short, best_placed, best_quality = brute_force(problem)
    assert (short, placed) == (best_short, best_placed)
    assert plan.stats["bound"]["quality"] <= best_quality + 1e-6 <= quality + 1e-6


def test_brute_force_cases_cover_every_method() -> None:
    # runs after the cases above (pytest keeps the order of a file)
    assert {"flow", "flow+branch", "flow+cpsat"} <= set(methods)


def _flow_problem(seed: int, min_equals_max: bool) -> dict[str, Any]:
    """No relations, no caps: priorities 1-2 are a max-flow (one level, so shortfall = seats - flow)."""
    rng = random.Random(seed)
    d = random_problem(
        seed, people=60, positions=30, communes=4, levels=("staff",), soft=False, max_holders=3
    )
    for c in d["communes"]:
        c["payroll_quota"] = rng.randint(5, 15)
    for p in d["positions"]:
        p["min"] = p["max"] if min_equals_max else 0
    return d


def _max_flow(problem: Any) -> int:
    from solver.check import hard_failures

    g = nx.DiGraph()
    for person in problem.people:
        g.add_edge("s", ("p", person.id), capacity=1)
        for pos in problem.positions:
            if not hard_failures(problem, person.id, pos.id):
                g.add_edge(("p", person.id), ("s", pos.id), capacity=1)
    for pos in problem.positions:
        g.add_edge(("s", pos.id), ("c", pos.commune), capacity=pos.max)
    for c in problem.communes:
        g.add_edge(("c", c.code), "t", capacity=c.payroll_quota if c.payroll_quota is not None else 10**6)
    return int(nx.maximum_flow_value(g, "s", "t"))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("min_equals_max", [False, True])
def test_matches_networkx_max_flow(seed: int, min_equals_max: bool) -> None:
    problem = load_problem(_flow_problem(seed, min_equals_max))
    plan = solve(problem, SolveOptions(time_limit=10, workers=1))
    assert check_assignments(problem, plan.mapping()) == []
    flow = _max_flow(problem)
    assert plan.stats["placed"] == flow
    seats = sum(p.min for p in problem.positions)  # 0, or every seat when min == max
    assert plan.stats["shortfall"]["staff"] == (seats - flow if min_equals_max else 0)
    assert plan.stats["optimal_for"][:2] == [1, 2]


@settings(max_examples=12, deadline=None, database=None, derandomize=True)
@given(
    seed=st.integers(0, 10**6),
    people=st.integers(3, 12),
    positions=st.integers(1, 8),
    communes=st.integers(1, 3),
    relations=st.integers(0, 4),
)
def test_random_problems_respect_every_rule(
    seed: int, people: int, positions: int, communes: int, relations: int
) -> None:
    d = random_problem(
        seed, people=people, positions=positions, communes=communes, relations=relations, caps=True
    )
    problem = load_problem(d)
    plan = solve(problem, SolveOptions(time_limit=5, workers=1))
    assert check_assignments(problem, plan.mapping()) == []
    stats = plan.stats
    assert stats["bound"]["quality"] <= stats["objective"]["quality"]
    assert tuple(stats["bound"]["shortfall"]) <= tuple(stats["objective"]["shortfall"])
    assert stats["placed"] + stats["unplaced"] == people
