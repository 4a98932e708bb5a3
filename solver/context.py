"""What the component solvers share: the solve context, lexicographic weights, results, side checks."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from solver.check import relation_conflict
from solver.options import SolveOptions
from solver.pairs import Component, Pairs, Scope
from solver.problem import LEADERSHIP, LEVELS, Commune, Person, Problem

logger = logging.getLogger(__name__)


INT_LIMIT = 2**60


def tier_weights(ranges: Sequence[int]) -> list[int]:
    """Weights that make a sum lexicographic: tier i outweighs every possible change of tiers < i."""
    weights, total = [], 0
    for r in ranges:
        w = total + 1
        weights.append(w)
        total += w * r
    return weights


@dataclass
class CompResult:
    """The solution of one component and what was proven about it."""

    chosen: list[int]  # pair indices
    shortfall: list[int]
    placed: int
    quality: int
    bound_shortfall: list[int]
    bound_placed: int
    bound_quality: float
    optimal_12: bool
    optimal_3: bool
    method: str
    seconds: dict[str, float] = field(default_factory=dict)
    bans: frozenset[int] = frozenset()  # pairs excluded by the relation search


class SolveContext:
    """Per-solve data shared by the component solvers."""

    def __init__(self, problem: Problem, scope: Scope, pairs: Pairs, options: SolveOptions) -> None:
        self.problem = problem
        self.scope = scope
        self.pairs = pairs
        self.options = options
        self.person_index = {p.id: i for i, p in enumerate(scope.people)}
        self.position_index = {p.id: j for j, p in enumerate(scope.positions)}
        # relations as pairs of scope indices, split per component on first use (a national problem
        # has thousands: checking all of them for every flow of every component was quadratic)
        self.rel_pairs = [
            (self.person_index[r.a], self.person_index[r.b])
            for r in problem.relations
            if r.a in self.person_index and r.b in self.person_index
        ]
        self._comp_rels: dict[str, list[tuple[int, int]]] = {}
        self.locked_pairs: dict[int, int] = {}  # person idx -> pair idx
        wanted = {self.person_index[p]: self.position_index[s] for p, s in scope.locks.items()}
        if wanted:
            for k, (i, j) in enumerate(zip(pairs.person, pairs.position, strict=True)):
                if wanted.get(i) == j:
                    self.locked_pairs[i] = k

    def shortfall_of(self, comp: Component, chosen: Iterable[int]) -> tuple[list[int], int]:
        """Shortfall per level and people placed for a set of chosen pairs."""
        count: dict[int, int] = defaultdict(int)
        n = 0
        for k in chosen:
            count[self.pairs.position[k]] += 1
            n += 1
        short = [0, 0, 0, 0]
        for j in comp.positions:
            pos = self.scope.positions[j]
            short[LEVELS.index(pos.level)] += max(0, pos.min - count[j])
        return short, n

    def relations_of(self, comp: Component) -> list[tuple[int, int]]:
        """Relations (scope person indices) with both people in the component."""
        key = comp.communes[0] if comp.communes else ""
        rels = self._comp_rels.get(key)
        if rels is None:
            members = set(comp.people)
            rels = [(a, b) for a, b in self.rel_pairs if a in members and b in members]
            self._comp_rels[key] = rels
        return rels

    def violations(self, comp: Component, chosen: Sequence[int]) -> list[tuple[int, int]]:
        """Side constraints the flow ignores (relations, overlapping caps) broken by a solution."""
        pairs, scope = self.pairs, self.scope
        seat = {pairs.person[k]: k for k in chosen}
        bad: list[tuple[int, int]] = []
        for a, b in self.relations_of(comp):
            if a in seat and b in seat:
                pa = scope.positions[pairs.position[seat[a]]]
                pb = scope.positions[pairs.position[seat[b]]]
                if relation_conflict(pa, pb):
                    bad.append((seat[a], seat[b]))
        count: dict[str, int] = defaultdict(int)
        for k in chosen:
            count[scope.positions[pairs.position[k]].id] += 1
        for code in comp.communes:
            for cap in self.problem.commune_by_code[code].caps:
                if sum(count[p] for p in cap.positions) > cap.max:
                    bad.append((-1, -1))
        return bad


def laminar_caps(commune: Commune) -> tuple[list[int], bool]:
    """Indices of caps the flow can model (pairwise disjoint), and whether that is all of them."""
    used: set[str] = set()
    keep = []
    for i, cap in enumerate(commune.caps):
        if used.isdisjoint(cap.positions):
            keep.append(i)
            used.update(cap.positions)
    return keep, len(keep) == len(commune.caps)


def commune_penalty(problem: Problem, commune: str, leaders: Sequence[Person]) -> int:
    """Balance and gender terms of one commune's leadership (scaled quality points)."""
    w_bal, w_gen = problem.weights.scaled("balance"), problem.weights.scaled("gender")
    merged = problem.commune_by_code[commune].merged_from
    total = 0
    if leaders and w_bal and len(merged) > 1:
        counts = [sum(1 for p in leaders if p.unit == u) for u in merged]
        total += w_bal * (max(counts) - min(counts))
    if leaders and w_gen:
        total += w_gen * max(0, len(leaders) - 4 * sum(1 for p in leaders if p.gender == "F"))
    return total


def nonlinear_penalty(ctx: SolveContext, comp: Component, chosen: Iterable[int]) -> int:
    """Balance and gender terms of the quality objective for a solution."""
    pairs, scope = ctx.pairs, ctx.scope
    lead: dict[str, list[Person]] = defaultdict(list)
    for k in chosen:
        pos = scope.positions[pairs.position[k]]
        if pos.level in LEADERSHIP:
            lead[pos.commune].append(scope.people[pairs.person[k]])
    return sum(commune_penalty(ctx.problem, code, people) for code, people in lead.items())
