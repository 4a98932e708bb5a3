"""The model: candidate pairs, components, a min-cost flow for the bound and CP-SAT for side constraints."""

from __future__ import annotations

import logging
import threading
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ortools
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from solver.check import relation_conflict
from solver.problem import LEADERSHIP, LEVELS, Commune, Person, Position, Problem, requirement_holds

logger = logging.getLogger(__name__)

VERSION = "0.1"
SOLVER_NAME = f"staffing {VERSION} / ortools {getattr(ortools, '__version__', '?')}"
STAGE_NAMES = {
    1: "Giảm thiếu hụt vị trí tối thiểu",
    2: "Bố trí tối đa số người",
    3: "Nâng cao chất lượng phương án",
}
_INT_LIMIT = 2**60
_LEVEL_RANK = {"key": 3, "head": 2, "deputy": 1, "staff": 0}


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: time limit (s), CP-SAT workers, seed, communes to re-solve (None: all)."""

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    communes: frozenset[str] | None = None
    gap_limit: float = 0.005  # relative gap to the bound at which priority 3 stops
    explain: bool = True


@dataclass(frozen=True)
class Progress:
    """A progress report: stage 1..3, its name, fraction done, a message and the best plan's figures."""

    stage: int
    stage_name: str
    fraction: float
    message: str
    placed: int | None = None
    shortfall: tuple[int, int, int, int] | None = None


ProgressFn = Callable[[Progress], None]


# ---------------------------------------------------------------- scope and candidate pairs


@dataclass
class Scope:
    """Who and what a solve may touch; everything else keeps its previous seat."""

    communes: frozenset[str]
    people: list[Person]
    positions: list[Position]
    kept: dict[str, str]  # out-of-scope person -> position kept (previous plan or lock outside scope)
    locks: dict[str, str]  # in-scope person -> locked position


def make_scope(problem: Problem, communes: frozenset[str] | None) -> Scope:
    """People and positions a solve (of all or some communes) may change."""
    if communes is None:
        return Scope(
            frozenset(problem.commune_by_code),
            list(problem.people),
            list(problem.positions),
            {},
            {k.person: k.position for k in problem.locks},
        )
    pos = problem.position_by_id
    kept: dict[str, str] = {}
    for person_id, position_id in problem.previous_plan.items():
        if pos[position_id].commune not in communes:
            kept[person_id] = position_id
    locks: dict[str, str] = {}
    for lock in problem.locks:
        if pos[lock.position].commune in communes:
            locks[lock.person] = lock.position
            kept.pop(lock.person, None)
        elif lock.person not in locks:
            kept[lock.person] = lock.position
    people = [
        p
        for p in problem.people
        if p.id not in kept and (p.id in locks or any(c in communes for c in problem.fed_communes(p)))
    ]
    positions = [p for p in problem.positions if p.commune in communes]
    return Scope(communes, people, positions, kept, locks)


@dataclass
class Pairs:
    """Candidate (person, position) pairs that pass feeds, hard requirements, discipline and forbidden."""

    # compact arrays: a province times ten has millions of pairs
    person: array[int] = field(default_factory=lambda: array("i"))  # index into scope.people
    position: array[int] = field(default_factory=lambda: array("i"))  # index into scope.positions
    cost: array[int] = field(default_factory=lambda: array("i"))  # quality cost (scaled integer weights)
    gaps: array[int] = field(default_factory=lambda: array("h"))  # number of soft gaps
    extra: array[int] = field(default_factory=lambda: array("b"))  # 1 if reached through feeds_extra


def _mask(people: Sequence[Person], pred: Callable[[int], bool]) -> int:
    bits = "".join("1" if pred(i) else "0" for i in range(len(people)))
    return int(bits[::-1], 2) if bits else 0


def _bits(mask: int) -> list[int]:
    s = bin(mask)[:1:-1]
    out = []
    i = s.find("1")
    while i >= 0:
        out.append(i)
        i = s.find("1", i + 1)
    return out


def planned_for(person: Person, level: str) -> bool:
    """In the leadership plan for this level or a higher one."""
    rank = _LEVEL_RANK[level]
    return any(_LEVEL_RANK[lv] >= rank for lv in person.planned_for)


def rating_deficit(problem: Problem, person: Person) -> int:
    """Steps below xuat_sac of the last rating (none counts as hoan_thanh)."""
    last = problem.attrs[person.id]["last_rating"] or "hoan_thanh"
    return {"xuat_sac": 0, "tot": 1, "hoan_thanh": 2, "khong_hoan_thanh": 3}[last]


def preference_rank(person: Person, commune: str) -> int | None:
    """1-based rank of a commune in the person's preferences, None if not listed."""
    try:
        return person.preferences.index(commune) + 1
    except ValueError:
        return None


def feed_groups(problem: Problem, scope: Scope) -> list[tuple[list[int], list[int]]]:
    """(people, positions) of each group of communes linked by shared feeds, as scope indices."""
    parent: dict[str, str] = {c: c for c in scope.communes}

    def find(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for unit in problem.units:
        fed = sorted(c for c in (*unit.feeds, *unit.feeds_extra) if c in parent)
        for c in fed[1:]:
            a, b = find(fed[0]), find(c)
            if a != b:
                parent[max(a, b)] = min(a, b)
    people: dict[str, list[int]] = defaultdict(list)
    positions: dict[str, list[int]] = defaultdict(list)
    for j, pos in enumerate(scope.positions):
        positions[find(pos.commune)].append(j)
    for i, person in enumerate(scope.people):
        fed = [c for c in problem.fed_communes(person) if c in parent]
        lock = scope.locks.get(person.id)
        if lock is not None and not fed:
            fed = [problem.position_by_id[lock].commune]
        if fed:
            people[find(fed[0])].append(i)
    return [(people[root], positions[root]) for root in sorted(positions)]


def candidate_pairs(problem: Problem, scope: Scope) -> Pairs:
    """Prune to the pairs that can ever be used, with their quality costs (group by group)."""
    out = Pairs()
    for people_idx, position_idx in feed_groups(problem, scope):
        _group_pairs(problem, scope, people_idx, position_idx, out)
    return out


def _group_pairs(problem: Problem, scope: Scope, gp: list[int], gj: list[int], out: Pairs) -> None:
    """Candidate pairs of one feed group; bitmasks over the group's people keep the sets small."""
    people = [scope.people[g] for g in gp]
    positions = [scope.positions[g] for g in gj]
    attrs = [problem.attrs[p.id] for p in people]
    all_mask = (1 << len(people)) - 1
    unit_mask: dict[str, int] = defaultdict(int)
    for i, p in enumerate(people):
        unit_mask[p.unit] |= 1 << i
    direct: dict[str, int] = defaultdict(int)
    extra: dict[str, int] = defaultdict(int)
    for code, m in unit_mask.items():
        unit = problem.unit_by_code[code]
        for c in unit.feeds:
            direct[c] |= m
        for c in unit.feeds_extra:
            extra[c] |= m
    home: dict[str, int] = defaultdict(int)
    for i, p in enumerate(people):
        if p.home_commune:
            home[p.home_commune] |= 1 << i
    disciplined = _mask(people, lambda i: problem.is_disciplined(people[i]))
    req_cache: dict[Any, int] = {}
    local_cache: dict[str, int] = {}

    def local_mask(c: Commune) -> int:
        if c.code not in local_cache:
            m = home[c.code]
            for u in c.merged_from:
                m |= unit_mask.get(u, 0)
            local_cache[c.code] = m
        return local_cache[c.code]

    forbidden_pos: dict[str, int] = defaultdict(int)
    forbidden_com: dict[str, int] = defaultdict(int)
    index = {p.id: i for i, p in enumerate(people)}
    for f in problem.forbidden:
        if f.person in index:
            if f.position is not None:
                forbidden_pos[f.position] |= 1 << index[f.person]
            if f.commune is not None:
                forbidden_com[f.commune] |= 1 << index[f.person]

    w = problem.weights
    w_gap, w_cont, w_rating = w.scaled("gap"), w.scaled("continuity"), w.scaled("rating")
    w_plan, w_pref, w_keep = w.scaled("planning"), w.scaled("preference"), w.scaled("keep")
    w_extra = w.scaled("feeds_extra")
    unlisted = round(w.preference_unlisted)
    # per-person parts of the cost that do not depend on the seat's commune
    base_staff = [rating_deficit(problem, p) * w_rating for p in people]
    base_lead = [2 * b for b in base_staff]
    plan_rank = [max((_LEVEL_RANK[lv] for lv in p.planned_for), default=-1) for p in people]
    family = [p.job_family for p in people]
    prev = [problem.previous_plan.get(p.id) for p in people]
    pref_cost: dict[str, dict[int, int]] = {}

    def prefs_of(code: str) -> dict[int, int]:
        if code not in pref_cost:
            d = {}
            for i in _bits(direct[code] | extra[code]):
                prefs = people[i].preferences
                if prefs:
                    rank = preference_rank(people[i], code)
                    d[i] = w_pref * ((rank - 1) if rank is not None else unlisted)
            pref_cost[code] = d
        return pref_cost[code]

    by_value: dict[str, dict[Any, int]] = {}
    gap_cache: dict[tuple[Any, ...], list[int]] = {}

    def req_mask(req: Any) -> int:
        key = (req.attr, req.op, req.value)
        if key not in req_cache:
            # evaluate once per distinct value of the attribute, not once per person
            if req.attr not in by_value:
                groups: dict[Any, list[int]] = defaultdict(list)
                for i, a in enumerate(attrs):
                    groups[a.get(req.attr)].append(i)
                by_value[req.attr] = {v: sum(1 << i for i in idx) for v, idx in groups.items()}
            m = 0
            for v, vm in by_value[req.attr].items():
                if requirement_holds(req, {req.attr: v}):
                    m |= vm
            req_cache[key] = m
        return req_cache[key]

    for j, pos in enumerate(positions):
        commune = problem.commune_by_code[pos.commune]
        m = (direct[pos.commune] | extra[pos.commune]) & ~forbidden_pos[pos.id] & ~forbidden_com[pos.commune]
        soft: list[Any] = []
        non_local_soft = False
        for req in pos.requirements:
            if req.op == "rule":
                if req.hard:
                    m &= all_mask & ~local_mask(commune)
                else:
                    non_local_soft = True
            elif req.hard:
                m &= req_mask(req)
            else:
                soft.append(req)
        lead = pos.level in LEADERSHIP
        if lead:
            m &= ~disciplined
        if not m:
            continue
        idx = _bits(m)
        # soft gaps depend on the requirement list only: positions copied across communes share them
        signature = tuple((r.attr, r.op, r.value) for r in soft)
        counts = gap_cache.get(signature)
        if counts is None:
            counts = [0] * len(people)
            for r in soft:
                for i in _bits(all_mask & ~req_mask(r)):
                    counts[i] += 1
            gap_cache[signature] = counts
        if non_local_soft:
            local = set(_bits(m & local_mask(commune)))
            gaps = {i: counts[i] + (i in local) for i in idx}
        else:
            gaps = {i: counts[i] for i in idx}
        via_extra = m & extra[pos.commune] & ~direct[pos.commune]
        extra_set = set(_bits(via_extra)) if via_extra else set()
        prefs = prefs_of(pos.commune)
        base = base_lead if lead else base_staff
        need = _LEVEL_RANK[pos.level]
        fam = pos.job_family
        for i in idx:
            g = gaps[i]
            cost = w_gap * g + base[i] + prefs.get(i, 0)
            if family[i] != fam:
                cost += w_cont
            if lead and plan_rank[i] < need:
                cost += w_plan
            if prev[i] is not None and prev[i] != pos.id:
                cost += w_keep
            is_extra = i in extra_set
            if is_extra:
                cost += w_extra
            out.cost.append(cost)
            out.gaps.append(g)
            out.extra.append(1 if is_extra else 0)
        out.person.extend([gp[i] for i in idx])
        out.position.extend([gj[j]] * len(idx))


# ---------------------------------------------------------------- components


@dataclass
class Component:
    """Communes linked by shared feeds, with their people, positions and pairs."""

    communes: list[str]
    people: list[int]
    positions: list[int]
    pairs: list[int]


def components(problem: Problem, scope: Scope, pairs: Pairs) -> list[Component]:
    """Split the scope into independent components (communes linked by people who may serve in both)."""
    parent: dict[str, str] = {c: c for c in scope.communes}

    def find(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    person_communes: dict[int, set[str]] = defaultdict(set)
    commune_of = [p.commune for p in scope.positions]
    last = (-1, -1)
    for i, j in zip(pairs.person, pairs.position, strict=True):
        if (i, j) != last:
            person_communes[i].add(commune_of[j])
            last = (i, j)
    for cs in person_communes.values():
        if len(cs) > 1:
            first, *rest = sorted(cs)
            for c in rest:
                a, b = find(first), find(c)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, Component] = {}
    for c in sorted(scope.communes):
        root = find(c)
        groups.setdefault(root, Component([], [], [], [])).communes.append(c)
    for j, pos in enumerate(scope.positions):
        groups[find(pos.commune)].positions.append(j)
    for i, cs in sorted(person_communes.items()):
        groups[find(min(cs))].people.append(i)
    root_of = {c: find(c) for c in scope.communes}
    for k, j in enumerate(pairs.position):
        groups[root_of[commune_of[j]]].pairs.append(k)
    return [g for g in groups.values() if g.positions]


# ---------------------------------------------------------------- objective tiers


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


class _Ctx:
    """Per-solve data shared by the component solvers."""

    def __init__(self, problem: Problem, scope: Scope, pairs: Pairs, options: SolveOptions) -> None:
        self.problem = problem
        self.scope = scope
        self.pairs = pairs
        self.options = options
        self.person_index = {p.id: i for i, p in enumerate(scope.people)}
        self.position_index = {p.id: j for j, p in enumerate(scope.positions)}
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

    def violations(self, comp: Component, chosen: Sequence[int]) -> list[tuple[int, int]]:
        """Side constraints the flow ignores (relations, overlapping caps) broken by a solution."""
        pairs, scope = self.pairs, self.scope
        seat = {pairs.person[k]: k for k in chosen}
        bad: list[tuple[int, int]] = []
        for rel in self.problem.relations:
            a, b = self.person_index.get(rel.a), self.person_index.get(rel.b)
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


def _laminar_caps(commune: Commune) -> tuple[list[int], bool]:
    """Indices of caps the flow can model (pairwise disjoint), and whether that is all of them."""
    used: set[str] = set()
    keep = []
    for i, cap in enumerate(commune.caps):
        if used.isdisjoint(cap.positions):
            keep.append(i)
            used.update(cap.positions)
    return keep, len(keep) == len(commune.caps)


class FlowNet:
    """The flow relaxation of one component, built once and solved with different pair costs.

    Source -> person (1) -> position (1 per candidate pair) -> [shared cap] -> commune (payroll
    quota) -> sink. Each position has a "minimum" arc (its unfilled minimum, rewarded by its level's
    lexicographic weight) and an "extra" arc (up to its max). Locked people are placed beforehand.
    Relations and overlapping caps are left out: they are checked on the result.
    """

    def __init__(self, ctx: _Ctx, comp: Component) -> None:
        pairs, scope, problem = ctx.pairs, ctx.scope, ctx.problem
        self.ctx = ctx
        locked_people = [i for i in comp.people if i in ctx.locked_pairs]
        locked = set(locked_people)
        self.locked_chosen = [ctx.locked_pairs[i] for i in locked_people]
        lock_count: dict[int, int] = defaultdict(int)
        for k in self.locked_chosen:
            lock_count[pairs.position[k]] += 1
        self.free_pairs = [k for k in comp.pairs if pairs.person[k] not in locked]
        free_people = sorted({pairs.person[k] for k in self.free_pairs})
        self.n = n = len(free_people)
        self.free_people = free_people
        mins = [0, 0, 0, 0]
        person_node = {i: 2 + t for t, i in enumerate(free_people)}
        node = 2 + n
        position_node = {}
        for j in comp.positions:
            position_node[j] = node
            node += 1
        tails = [0] * n
        heads = [person_node[i] for i in free_people]
        caps = [1] * n
        self.first_pair_arc = len(tails)
        self.pair_arc = {k: self.first_pair_arc + t for t, k in enumerate(self.free_pairs)}
        tails += [person_node[pairs.person[k]] for k in self.free_pairs]
        heads += [position_node[pairs.position[k]] for k in self.free_pairs]
        caps += [1] * len(self.free_pairs)
        level_arcs: list[tuple[int, int]] = []  # (arc index, level index or -1 for "extra")
        self.all_caps = True
        for code in comp.communes:
            commune = problem.commune_by_code[code]
            commune_node = node
            node += 1
            used = sum(1 for k in self.locked_chosen if scope.positions[pairs.position[k]].commune == code)
            quota = n if commune.payroll_quota is None else max(0, commune.payroll_quota - used)
            tails.append(commune_node)
            heads.append(1)
            caps.append(quota)
            keep, complete = _laminar_caps(commune)
            self.all_caps &= complete
            target: dict[str, int] = {}
            for ci in keep:
                cap = commune.caps[ci]
                cap_node = node
                node += 1
                used_cap = sum(lock_count[ctx.position_index[p]] for p in cap.positions)
                tails.append(cap_node)
                heads.append(commune_node)
                caps.append(max(0, cap.max - used_cap))
                for p in cap.positions:
                    target[p] = cap_node
            for j in comp.positions:
                pos = scope.positions[j]
                if pos.commune != code:
                    continue
                rem_max = max(0, pos.max - lock_count[j])
                rem_min = min(rem_max, max(0, pos.min - lock_count[j]))
                to = target.get(pos.id, commune_node)
                level = LEVELS.index(pos.level)
                if rem_min:
                    mins[level] += rem_min
                    level_arcs.append((len(tails), level))
                    tails.append(position_node[j])
                    heads.append(to)
                    caps.append(rem_min)
                if rem_max > rem_min:
                    level_arcs.append((len(tails), -1))
                    tails.append(position_node[j])
                    heads.append(to)
                    caps.append(rem_max - rem_min)
        self.bypass = len(tails)
        tails.append(0)
        heads.append(1)
        caps.append(n)
        self.tails, self.heads, self.caps = tails, heads, caps
        self.level_arcs = level_arcs
        self.mins = mins
        self.nodes = node

    def solve(
        self, costs: Sequence[int] | None = None, placed: int | None = None, banned: Iterable[int] = ()
    ) -> list[int] | None:
        """Chosen pairs (locked ones included) of a min-cost flow, or None if costs do not fit.

        Without `costs`: lexicographic shortfall by level, then placement. With `costs` (aligned with
        free_pairs) and `placed` (free people to place): lexicographic shortfall, then least total cost
        among flows placing exactly that many.
        """
        n, mins = self.n, self.mins
        if costs is None:
            w_q = 0
            w_p, w_s, w_d, w_h, w_k = tier_weights([n, mins[3], mins[2], mins[1], mins[0]])
        else:
            lo: dict[int, int] = {}
            hi: dict[int, int] = {}
            person = self.ctx.pairs.person
            for k, c in zip(self.free_pairs, costs, strict=True):
                i = person[k]
                if c < lo.get(i, 0):
                    lo[i] = c
                if c > hi.get(i, 0):
                    hi[i] = c
            q_range = sum(hi.values()) - sum(lo.values())
            w_q, w_s, w_d, w_h, w_k = tier_weights([q_range, mins[3], mins[2], mins[1], mins[0]])
            w_p = 0
        level_w = (w_k, w_h, w_d, w_s)
        arc_costs = [0] * len(self.tails)
        if costs is not None:
            f = self.first_pair_arc
            arc_costs[f : f + len(costs)] = [c * w_q for c in costs]
        for a, level in self.level_arcs:
            arc_costs[a] = -(level_w[level] + w_p) if level >= 0 else -w_p
        caps = self.caps
        supply = n
        banned = list(banned)
        if placed is not None or banned:
            caps = list(caps)
        if placed is not None:
            caps[self.bypass] = 0
            supply = placed
        for k in banned:  # pairs a branch of the relation search has excluded
            t = self.pair_arc.get(k)
            if t is not None:
                caps[t] = 0
        biggest = max(max(arc_costs, default=0), -min(arc_costs, default=0))
        if biggest * (self.nodes + 1) * 4 >= 2**62:
            return None
        smcf = min_cost_flow.SimpleMinCostFlow()
        arcs = smcf.add_arcs_with_capacity_and_unit_cost(self.tails, self.heads, caps, arc_costs)
        supplies = [0] * self.nodes
        supplies[0], supplies[1] = supply, -supply
        smcf.set_nodes_supplies(list(range(self.nodes)), supplies)
        status = smcf.solve()
        if status != smcf.OPTIMAL:
            # with exclusions and a fixed number to place, no flow is an expected answer
            logger.log(
                logging.DEBUG if placed is not None else logging.WARNING, "min-cost flow status %s", status
            )
            return None
        flows = smcf.flows(arcs)
        f = self.first_pair_arc
        fp = self.free_pairs
        chosen = [fp[t] for t, v in enumerate(flows[f : f + len(fp)]) if v > 0]
        return sorted(chosen + self.locked_chosen)


# ---------------------------------------------------------------- CP-SAT


class _Model:
    """The CP-SAT model of one component: every hard rule, the level shortfalls, placement and quality."""

    def __init__(self, ctx: _Ctx, comp: Component, locks_as_constraints: bool = True) -> None:
        self.ctx = ctx
        self.comp = comp
        pairs, scope, problem = ctx.pairs, ctx.scope, ctx.problem
        m = self.model = cp_model.CpModel()
        self.x = {k: m.new_bool_var(f"x{k}") for k in comp.pairs}
        by_person: dict[int, list[int]] = defaultdict(list)
        by_position: dict[int, list[int]] = defaultdict(list)
        by_commune: dict[str, list[int]] = defaultdict(list)
        for k in comp.pairs:
            by_person[pairs.person[k]].append(k)
            by_position[pairs.position[k]].append(k)
            by_commune[scope.positions[pairs.position[k]].commune].append(k)
        for ks in by_person.values():
            if len(ks) > 1:
                m.add_at_most_one(self.x[k] for k in ks)
        self.short: dict[int, cp_model.IntVar] = {}
        level_short: dict[str, list[Any]] = defaultdict(list)
        for j in comp.positions:
            pos = scope.positions[j]
            ks = by_position.get(j, [])
            if ks and len(ks) > pos.max:
                m.add(sum(self.x[k] for k in ks) <= pos.max)
            if pos.min > 0:
                s = m.new_int_var(0, pos.min, f"s{j}")
                m.add(s + sum(self.x[k] for k in ks) >= pos.min)
                self.short[j] = s
                level_short[pos.level].append(s)
        for code in comp.communes:
            commune = problem.commune_by_code[code]
            ks = by_commune.get(code, [])
            if commune.payroll_quota is not None and len(ks) > commune.payroll_quota:
                m.add(sum(self.x[k] for k in ks) <= commune.payroll_quota)
            for cap in commune.caps:
                cks = [k for p in cap.positions for k in by_position.get(ctx.position_index[p], [])]
                if len(cks) > cap.max:
                    m.add(sum(self.x[k] for k in cks) <= cap.max)
        self._relations(by_person)
        self.lock_lits = []
        for i in comp.people:
            if i in ctx.locked_pairs:
                k = ctx.locked_pairs[i]
                if locks_as_constraints:
                    m.add(self.x[k] == 1)
                self.lock_lits.append(self.x[k])
        self.level_short = [sum(level_short[lv]) if level_short[lv] else 0 for lv in LEVELS]
        self.level_max = [
            sum(scope.positions[j].min for j in comp.positions if scope.positions[j].level == lv)
            for lv in LEVELS
        ]
        self.placed = sum(self.x.values())
        self.quality_linear = sum(pairs.cost[k] * self.x[k] for k in comp.pairs)
        self.quality = self.quality_linear + self._balance_gender(by_commune)

    def _relations(self, by_person: dict[int, list[int]]) -> None:
        ctx, pairs, scope = self.ctx, self.ctx.pairs, self.ctx.scope
        for rel in ctx.problem.relations:
            a, b = ctx.person_index.get(rel.a), ctx.person_index.get(rel.b)
            if a is None or b is None or a not in by_person or b not in by_person:
                continue
            # one constraint per department / commune group instead of per pair of pairs
            groups: dict[tuple[str, ...], tuple[list[Any], list[Any], list[Any], list[Any]]] = {}
            for who, ks in ((0, by_person[a]), (1, by_person[b])):
                for k in ks:
                    pos = scope.positions[pairs.position[k]]
                    dep = groups.setdefault(("d", *pos.department_key), ([], [], [], []))
                    dep[who].append(self.x[k])  # any seat in the department
                    if pos.level in ("head", "deputy"):
                        dep[2 + who].append(self.x[k])  # a leading seat in the department
                    if pos.level == "key":
                        key = groups.setdefault(("k", pos.commune), ([], [], [], []))
                        key[who].append(self.x[k])
                        key[2 + who].append(self.x[k])
            for g, (any_a, any_b, lead_a, lead_b) in groups.items():
                if g[0] == "k":
                    if any_a and any_b:
                        self.model.add(sum(any_a) + sum(any_b) <= 1)
                    continue
                if lead_a and any_b:
                    self.model.add(sum(lead_a) + sum(any_b) <= 1)
                if lead_b and any_a:
                    self.model.add(sum(lead_b) + sum(any_a) <= 1)

    def _balance_gender(self, by_commune: dict[str, list[int]]) -> Any:
        pairs, scope, problem = self.ctx.pairs, self.ctx.scope, self.ctx.problem
        w_bal, w_gen = problem.weights.scaled("balance"), problem.weights.scaled("gender")
        terms: list[Any] = []
        self.nonlinear_vars: list[tuple[str, str, Any]] = []
        for code in self.comp.communes:
            commune = problem.commune_by_code[code]
            lead = [
                k for k in by_commune.get(code, []) if scope.positions[pairs.position[k]].level in LEADERSHIP
            ]
            if not lead:
                continue
            if w_bal and len(commune.merged_from) > 1:
                per_unit = {
                    u: [self.x[k] for k in lead if scope.people[pairs.person[k]].unit == u]
                    for u in commune.merged_from
                }
                cap = len(lead)
                hi = self.model.new_int_var(0, cap, f"hi{code}")
                lo = self.model.new_int_var(0, cap, f"lo{code}")
                for xs in per_unit.values():
                    self.model.add(hi >= sum(xs))
                    self.model.add(lo <= sum(xs))
                terms.append(w_bal * (hi - lo))
                self.nonlinear_vars.append(("balance", code, (hi, lo)))
            if w_gen:
                women = [self.x[k] for k in lead if scope.people[pairs.person[k]].gender == "F"]
                g = self.model.new_int_var(0, 4 * len(lead), f"g{code}")
                self.model.add(g >= sum(self.x[k] for k in lead) - 4 * sum(women))
                terms.append(w_gen * g)
                self.nonlinear_vars.append(("gender", code, g))
        return sum(terms) if terms else 0

    def hint(self, chosen: Iterable[int]) -> None:
        """Hint a complete solution (the chosen pairs and every auxiliary variable they imply)."""
        pairs, scope, problem = self.ctx.pairs, self.ctx.scope, self.ctx.problem
        on = set(chosen) & set(self.x)
        self.model.clear_hints()  # type: ignore[no-untyped-call]
        for k, v in self.x.items():
            self.model.add_hint(v, k in on)
        count: dict[int, int] = defaultdict(int)
        lead: dict[str, list[Person]] = defaultdict(list)
        for k in on:
            count[pairs.position[k]] += 1
            pos = scope.positions[pairs.position[k]]
            if pos.level in LEADERSHIP:
                lead[pos.commune].append(scope.people[pairs.person[k]])
        for j, s in self.short.items():
            self.model.add_hint(s, max(0, scope.positions[j].min - count[j]))
        for kind, code, var in self.nonlinear_vars:
            people = lead.get(code, [])
            if kind == "balance":
                counts = [
                    sum(1 for p in people if p.unit == u) for u in problem.commune_by_code[code].merged_from
                ]
                self.model.add_hint(var[0], max(counts))
                self.model.add_hint(var[1], min(counts))
            else:
                self.model.add_hint(var, max(0, len(people) - 4 * sum(1 for p in people if p.gender == "F")))

    def chosen(self, solver: cp_model.CpSolver) -> list[int]:
        """The chosen pairs of the solver's best solution."""
        return [k for k, v in self.x.items() if solver.boolean_value(v)]


def nonlinear_penalty(ctx: _Ctx, comp: Component, chosen: Iterable[int]) -> int:
    """Balance and gender terms of the quality objective for a solution."""
    pairs, scope, problem = ctx.pairs, ctx.scope, ctx.problem
    w_bal, w_gen = problem.weights.scaled("balance"), problem.weights.scaled("gender")
    lead: dict[str, list[Person]] = defaultdict(list)
    for k in chosen:
        pos = scope.positions[pairs.position[k]]
        if pos.level in LEADERSHIP:
            lead[pos.commune].append(scope.people[pairs.person[k]])
    total = 0
    for code, people in lead.items():
        commune = problem.commune_by_code[code]
        if w_bal and len(commune.merged_from) > 1:
            counts = [sum(1 for p in people if p.unit == u) for u in commune.merged_from]
            total += w_bal * (max(counts) - min(counts))
        if w_gen:
            total += w_gen * max(0, len(people) - 4 * sum(1 for p in people if p.gender == "F"))
    return total


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Reports improved solutions of a CP-SAT stage through the progress callback."""

    def __init__(self, report: Callable[[float], None]) -> None:
        super().__init__()
        self._report = report
        self._last = 0.0

    def on_solution_callback(self) -> None:
        now = time.monotonic()
        if now - self._last > 0.5:
            self._last = now
            self._report(self.objective_value)


def _solver(options: SolveOptions, limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(0.05, limit)
    p.num_workers = max(1, options.workers)
    p.random_seed = options.seed
    p.relative_gap_limit = options.gap_limit
    p.cp_model_probing_level = 0  # probing dominates presolve time on these assignment models
    return solver


def cpsat_stages12(
    ctx: _Ctx, comp: Component, hint: list[int], bound: tuple[list[int], int] | None, limit: float
) -> tuple[list[int], bool]:
    """Priorities 1 and 2 with every side constraint, as lexicographic tiers (combined when they fit)."""
    mdl = _Model(ctx, comp)
    n = len(comp.people)
    tiers: list[tuple[Any, int]] = [(mdl.level_short[i], mdl.level_max[i]) for i in range(4)]
    tiers.append((-mdl.placed, n))  # placement, as a cost
    # group consecutive tiers while the lexicographic weights fit comfortably in 64 bits
    groups: list[list[int]] = [[]]
    for t in range(len(tiers)):
        trial = [*groups[-1], t]
        weights = tier_weights([tiers[i][1] + 1 for i in reversed(trial)])
        if groups[-1] and weights[-1] * (tiers[trial[0]][1] + 1) * 4 > _INT_LIMIT:
            groups.append([t])
        else:
            groups[-1] = trial
    mdl.hint(hint)
    deadline = time.monotonic() + limit
    proven = True
    chosen = hint
    for group in groups:
        weights = tier_weights([tiers[i][1] + 1 for i in reversed(group)])[::-1]
        expr = sum(w * tiers[i][0] for w, i in zip(weights, group, strict=True))
        if bound is not None:
            short_b, placed_b = bound
            values = [*short_b, -placed_b]
            mdl.model.add(expr >= sum(w * values[i] for w, i in zip(weights, group, strict=True)))
        mdl.model.minimize(expr)
        solver = _solver(ctx.options, deadline - time.monotonic())
        solver.parameters.relative_gap_limit = 0.0
        status = solver.solve(mdl.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            logger.warning("CP-SAT found no solution for priorities 1-2 in time: keeping the repaired flow")
            return chosen, False
        proven &= status == cp_model.OPTIMAL
        value = round(solver.objective_value)
        mdl.model.add(expr <= value)
        chosen = mdl.chosen(solver)
        mdl.hint(chosen)
    return chosen, proven


def cpsat_stage3(
    ctx: _Ctx,
    comp: Component,
    hint: list[int],
    short: list[int],
    placed: int,
    lower: float | None,
    limit: float,
    report: Callable[[float], None] | None,
) -> tuple[list[int], int, float, bool]:
    """Priority 3 with priorities 1-2 held at their values; hinted from the stage 1-2 solution."""
    mdl = _Model(ctx, comp)
    for i in range(4):
        if mdl.level_max[i]:
            mdl.model.add(mdl.level_short[i] <= short[i])
    mdl.model.add(mdl.placed >= placed)
    if lower is not None:
        mdl.model.add(mdl.quality >= int(lower))
    mdl.model.minimize(mdl.quality)
    mdl.hint(hint)
    solver = _solver(ctx.options, limit)
    cb = _Reporter(report) if report is not None else None
    status = solver.solve(mdl.model, cb)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint, -1, float(lower or 0), False
    chosen = mdl.chosen(solver)
    value = round(solver.objective_value)
    bound = max(solver.best_objective_bound, float(lower or 0))
    return chosen, value, bound, status == cp_model.OPTIMAL or value <= bound


def _repair(ctx: _Ctx, comp: Component, chosen: list[int]) -> list[int]:
    """Drop assignments until the relaxed solution respects relations and caps (a hint for CP-SAT)."""
    out = list(chosen)
    for _ in range(len(out)):
        bad = ctx.violations(comp, out)
        if not bad:
            break
        a, b = bad[0]
        if a < 0:  # an overlapping cap: drop the last assignment in it
            count: dict[str, int] = defaultdict(int)
            for k in out:
                count[ctx.scope.positions[ctx.pairs.position[k]].id] += 1
            for code in comp.communes:
                for cap in ctx.problem.commune_by_code[code].caps:
                    if sum(count[p] for p in cap.positions) > cap.max:
                        drop = next(
                            k
                            for k in reversed(out)
                            if ctx.scope.positions[ctx.pairs.position[k]].id in cap.positions
                            and ctx.pairs.person[k] not in ctx.locked_pairs
                        )
                        out.remove(drop)
                        break
                else:
                    continue
                break
            continue
        locked = set(ctx.locked_pairs.values())
        la = _LEVEL_RANK[ctx.scope.positions[ctx.pairs.position[a]].level]
        lb = _LEVEL_RANK[ctx.scope.positions[ctx.pairs.position[b]].level]
        drop = b if (a in locked or (la >= lb and b not in locked)) else a
        out.remove(drop)
    return out


def _lex_key(ctx: _Ctx, comp: Component, chosen: Sequence[int]) -> tuple[int, ...]:
    short, placed = ctx.shortfall_of(comp, chosen)
    return (*short, -placed)


def relation_search(
    ctx: _Ctx, comp: Component, net: FlowNet, root: list[int], deadline: float, node_limit: int = 400
) -> tuple[list[int], frozenset[int]] | None:
    """Best-first branch and bound on broken relations: exclude one of the two seats, re-solve the flow.

    Every feasible plan keeps out at least one of two conflicting assignments, so the two branches
    cover it; the flow of a branch bounds it. The first conflict-free node popped is optimal for
    priorities 1-2. Returns None when the node or time limit is hit first.
    """
    import heapq

    locked = set(ctx.locked_pairs.values())
    # best bound first; among equal bounds the deepest node (closest to conflict-free) first
    heap: list[tuple[tuple[int, ...], int, int, frozenset[int], list[int]]] = [
        (_lex_key(ctx, comp, root), 0, 0, frozenset(), root)
    ]
    seen: set[frozenset[int]] = {frozenset()}
    counter = 1
    while heap and counter < node_limit and time.monotonic() < deadline:
        _key, _depth, _, bans, chosen = heapq.heappop(heap)
        bad = ctx.violations(comp, chosen)
        if not bad:
            logger.info("relation search: optimum after %d nodes", counter)
            return chosen, bans
        a, b = bad[0]
        if a < 0:
            return None  # an overlapping cap: leave it to CP-SAT
        for k in (a, b):
            nb = bans | {k}
            if k in locked or nb in seen:
                continue
            seen.add(nb)
            sol = net.solve(banned=nb)
            if sol is not None:
                heapq.heappush(heap, (_lex_key(ctx, comp, sol), -len(nb), counter, nb, sol))
                counter += 1
    logger.info("relation search gave up after %d nodes", counter)
    return None


def repair_flow(
    ctx: _Ctx,
    comp: Component,
    net: FlowNet,
    costs: Sequence[int],
    placed: int,
    bans: frozenset[int],
    rounds: int = 8,
) -> list[int] | None:
    """A conflict-free flow with the given costs, keeping priorities 1-2, by excluding conflicting seats."""
    n_locked = sum(1 for i in comp.people if i in ctx.locked_pairs)
    locked = set(ctx.locked_pairs.values())
    current = set(bans)
    x = net.solve(costs, placed - n_locked, current)
    if x is None:
        return None
    target = ctx.shortfall_of(comp, x)
    if target[1] != placed:
        return None
    for _ in range(rounds):
        bad = ctx.violations(comp, x)
        if not bad:
            return x
        for a, b in bad:
            if a < 0:
                return None
            for k in (b, a):
                if k in locked:
                    continue
                y = net.solve(costs, placed - n_locked, current | {k})
                if y is not None and ctx.shortfall_of(comp, y) == target:
                    current.add(k)
                    x = y
                    break
            else:
                return None
            break
    return x if not ctx.violations(comp, x) else None


def solve_component(ctx: _Ctx, comp: Component, budget12: float) -> CompResult:
    """Priorities 1-2 of one component: flow bound, CP-SAT only where side constraints bind."""
    t0 = time.monotonic()
    net = FlowNet(ctx, comp)
    flow = net.solve()
    bans: frozenset[int] = frozenset()
    if flow is not None:
        chosen = flow
        bound_short, bound_placed = ctx.shortfall_of(comp, chosen)
        ok = not ctx.violations(comp, chosen)
        method = "flow"
        if not ok and net.all_caps:
            found = relation_search(ctx, comp, net, chosen, time.monotonic() + budget12 * 0.8)
            if found is not None:
                chosen, bans = found
                ok = True
                method = "flow+branch"
                if ctx.shortfall_of(comp, chosen) != (bound_short, bound_placed):
                    method = "flow+branch-"  # optimal, but below the relaxation: no flow bound on quality
                bound_short, bound_placed = ctx.shortfall_of(comp, chosen)
    else:
        chosen, bound_short, bound_placed, ok = [], [0, 0, 0, 0], len(comp.people), False
        method = "cpsat"
    optimal_12 = ok
    if not ok:
        method = "flow+cpsat" if flow is not None else "cpsat"
        hint = (
            _repair(ctx, comp, chosen)
            if chosen
            else [ctx.locked_pairs[i] for i in comp.people if i in ctx.locked_pairs]
        )
        bound = (bound_short, bound_placed) if flow is not None else None
        chosen, optimal_12 = cpsat_stages12(ctx, comp, hint, bound, budget12)
        if flow is None and optimal_12:
            bound_short, bound_placed = ctx.shortfall_of(comp, chosen)
    short, placed = ctx.shortfall_of(comp, chosen)
    t1 = time.monotonic()
    lower: float | None = None
    # from here on: priority 3
    if ok and method != "flow+branch-":
        # the linear part of priority 3, exactly, among the flows optimal for priorities 1-2
        n_locked = sum(1 for i in comp.people if i in ctx.locked_pairs)
        base = [ctx.pairs.cost[k] for k in net.free_pairs]
        qflow = net.solve(base, placed - n_locked)
        if qflow is not None and ctx.shortfall_of(comp, qflow) == (short, placed):
            lower = float(sum(ctx.pairs.cost[k] for k in qflow))
            primal = (
                qflow if not ctx.violations(comp, qflow) else repair_flow(ctx, comp, net, base, placed, bans)
            )
            if primal is not None:
                chosen = primal
    quality = sum(ctx.pairs.cost[k] for k in chosen) + nonlinear_penalty(ctx, comp, chosen)
    bound_q = lower if lower is not None else 0.0
    return CompResult(
        chosen=sorted(chosen),
        shortfall=short,
        placed=placed,
        quality=quality,
        bound_shortfall=bound_short if (optimal_12 or flow is not None) else short,
        bound_placed=bound_placed,
        bound_quality=min(bound_q, float(quality)),
        optimal_12=optimal_12,
        optimal_3=quality <= bound_q,
        method=method,
        bans=bans,
        seconds={"stages12": t1 - t0, "quality_flow": time.monotonic() - t1},
    )


def _round_to_sum(values: dict[str, float], total: int) -> dict[str, int]:
    """Integers proportional to `values` that sum to `total` (largest remainder)."""
    s = sum(values.values()) or 1.0
    raw = {k: v * total / s for k, v in values.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = total - sum(out.values())
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], k))[:rest]:
        out[k] += 1
    return out


def lagrangian_stage3(
    ctx: _Ctx,
    comp: Component,
    res: CompResult,
    budget: float,
    gap: float,
    report: Callable[[float], None] | None = None,
) -> None:
    """Priority 3 where the flow is exact: relax balance and gender into pair costs, iterate flows.

    Every flow is optimal for priorities 1-2 and a lower bound on priority 3 (Lagrangian duality:
    the balance spread and the gender shortfall are maxima of linear functions, fixed multipliers
    give a linear under-estimate); every flow that respects relations is a candidate plan.
    """
    t0 = time.monotonic()
    pairs, scope, problem = ctx.pairs, ctx.scope, ctx.problem
    w_bal, w_gen = problem.weights.scaled("balance"), problem.weights.scaled("gender")
    scale = 12
    n_locked = sum(1 for i in comp.people if i in ctx.locked_pairs)
    free_placed = res.placed - n_locked
    lead: dict[int, tuple[str, str, bool]] = {}
    units: dict[str, list[str]] = {}
    for k in comp.pairs:
        pos = scope.positions[pairs.position[k]]
        if pos.level in LEADERSHIP:
            person = scope.people[pairs.person[k]]
            lead[k] = (pos.commune, person.unit, person.gender == "F")
    for code in comp.communes:
        merged = problem.commune_by_code[code].merged_from
        if w_bal and len(merged) > 1:
            units[code] = list(merged)
    net = FlowNet(ctx, comp)
    base = [pairs.cost[k] * scale for k in net.free_pairs]
    lead_free = [(t, k) for t, k in enumerate(net.free_pairs) if k in lead]
    mult_g = dict.fromkeys(comp.communes, 0.0)
    alpha = {c: dict.fromkeys(us, 1.0) for c, us in units.items()}
    beta = {c: dict.fromkeys(us, 1.0) for c, us in units.items()}
    best, best_q = res.chosen, res.quality
    bound = res.bound_quality
    x = res.chosen
    it = 0
    stall = 0
    idle = 0  # iterations without a better plan or bound: stop (deterministically) after 20
    step = 1.0
    while (
        time.monotonic() - t0 < budget
        and best_q > 0
        and (best_q - bound) / best_q > gap
        and it < 150
        and idle < 20
    ):
        it += 1
        total_l: dict[str, int] = defaultdict(int)
        women: dict[str, int] = defaultdict(int)
        per_unit: dict[str, dict[str, int]] = {c: dict.fromkeys(us, 0) for c, us in units.items()}
        for k in x:
            if k in lead:
                c, u, f = lead[k]
                total_l[c] += 1
                women[c] += f
                if c in per_unit and u in per_unit[c]:
                    per_unit[c][u] += 1
        t = step / (it + 1)
        for c in comp.communes:
            if w_gen:
                g = total_l[c] - 4 * women[c]
                mult_g[c] = min(
                    float(w_gen), max(0.0, mult_g[c] + t * w_gen * (1 if g > 0 else -1 if g < 0 else 0))
                )
        for c, counts in per_unit.items():
            hi_u = max(counts, key=lambda u: (counts[u], u))
            lo_u = min(counts, key=lambda u: (counts[u], u))
            for u in counts:
                alpha[c][u] = (1 - t) * alpha[c][u] + t * (u == hi_u)
                beta[c][u] = (1 - t) * beta[c][u] + t * (u == lo_u)
        mg = {c: round(mult_g[c] * scale) for c in comp.communes}
        ai = {c: _round_to_sum(alpha[c], scale) for c in units}
        bi = {c: _round_to_sum(beta[c], scale) for c in units}

        def adjust(
            k: int,
            mg: dict[str, int] = mg,
            ai: dict[str, dict[str, int]] = ai,
            bi: dict[str, dict[str, int]] = bi,
        ) -> int:
            c, u, f = lead[k]
            v = mg[c] * (1 - 4 * f)
            if c in ai and u in ai[c]:
                v += w_bal * (ai[c][u] - bi[c][u])
            return v

        costs = list(base)
        for t, k in lead_free:
            costs[t] += adjust(k)
        flow = net.solve(costs, free_placed)
        if flow is None:
            break
        x = flow
        locked_value = sum(pairs.cost[k] * scale + (adjust(k) if k in lead else 0) for k in net.locked_chosen)
        if ctx.shortfall_of(comp, x) != (res.shortfall, res.placed):
            break  # the relaxation drifted from priorities 1-2: stop rather than trust it
        chosen_free = set(x)
        value = (
            sum(c for t, c in enumerate(costs) if net.free_pairs[t] in chosen_free) + locked_value
        ) / scale
        idle += 1
        if value > bound + 1e-9:
            if value > bound + 0.5:
                idle = 0
            bound = value
            stall = 0
        else:
            stall += 1
            if stall >= 4:
                step *= 0.5
                stall = 0
        logger.debug("lagrangian it=%d t=%.2fs bound=%.1f best=%d", it, time.monotonic() - t0, bound, best_q)
        if ctx.violations(comp, x):
            x = repair_flow(ctx, comp, net, costs, res.placed, res.bans, rounds=4) or res.chosen
        if not ctx.violations(comp, x):
            q = sum(pairs.cost[k] for k in x) + nonlinear_penalty(ctx, comp, x)
            if q < best_q:
                best, best_q = x, q
                idle = 0
                if report is not None:
                    report(float(q))
    res.chosen = sorted(best)
    res.quality = best_q
    res.bound_quality = min(float(best_q), bound)
    res.optimal_3 = best_q <= bound + 1e-9
    res.seconds["stage3"] = time.monotonic() - t0
    res.seconds["iterations"] = it


# ---------------------------------------------------------------- infeasible locks


def lock_conflicts(problem: Problem, locks: dict[str, str]) -> list[tuple[str, str]] | None:
    """The smallest conflicting set of locks found (CP-SAT assumptions, then deletion), or None."""
    from solver.check import check_assignments, hard_failures

    all_locks = [(k.person, k.position) for k in problem.locks if k.person in locks]
    if not [v for v in check_assignments(problem, all_locks) if v.rule != "lock"]:
        return None  # the locks alone break no rule: a plan exists (everyone else may stay unplaced)
    items = sorted(locks.items())
    m = cp_model.CpModel()
    lits = [m.new_bool_var(f"lock{i}") for i in range(len(items))]
    pos = problem.position_by_id
    by_position: dict[str, list[Any]] = defaultdict(list)
    by_commune: dict[str, list[Any]] = defaultdict(list)
    for lit, (person, position) in zip(lits, items, strict=True):
        if hard_failures(problem, person, position):
            m.add(lit == 0)
        by_position[position].append(lit)
        by_commune[pos[position].commune].append(lit)
    # a person may appear in several locks of the source document
    seen: dict[str, list[Any]] = defaultdict(list)
    for lock in problem.locks:
        if lock.person in locks and locks[lock.person] != lock.position:
            seen[lock.person].append(lock.position)
    extra_items: list[tuple[str, str]] = []
    for person, others in seen.items():
        for position in others:
            lit = m.new_bool_var("dup")
            lits.append(lit)
            extra_items.append((person, position))
            by_position[position].append(lit)
            by_commune[pos[position].commune].append(lit)
            m.add(lit + lits[[p for p, _ in items].index(person)] <= 1)
            if hard_failures(problem, person, position):
                m.add(lit == 0)
    all_items = items + extra_items
    for position, ls in by_position.items():
        if len(ls) > pos[position].max:
            m.add(sum(ls) <= pos[position].max)
    for code, ls in by_commune.items():
        commune = problem.commune_by_code[code]
        if commune.payroll_quota is not None and len(ls) > commune.payroll_quota:
            m.add(sum(ls) <= commune.payroll_quota)
        for cap in commune.caps:
            cls = [lit for p in cap.positions for lit in by_position.get(p, [])]
            if len(cls) > cap.max:
                m.add(sum(cls) <= cap.max)
    index: dict[str, list[int]] = defaultdict(list)
    for i, (person, _) in enumerate(all_items):
        index[person].append(i)
    for rel in problem.relations:
        for i in index.get(rel.a, []):
            for j in index.get(rel.b, []):
                if relation_conflict(pos[all_items[i][1]], pos[all_items[j][1]]):
                    m.add(lits[i] + lits[j] <= 1)

    def infeasible(subset: list[int]) -> tuple[bool, list[int]]:
        m.clear_assumptions()
        m.add_assumptions([lits[i] for i in subset])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 10.0
        status = solver.solve(m)
        if status != cp_model.INFEASIBLE:
            return False, []
        core = {
            lit.index
            for lit in map(m.get_bool_var_from_proto_index, solver.sufficient_assumptions_for_infeasibility())
        }
        return True, [i for i in subset if lits[i].index in core]

    bad, core = infeasible(list(range(len(all_items))))
    if not bad:
        return None
    core = core or list(range(len(all_items)))
    for i in list(core):  # deletion filter: keep only what the conflict needs
        trial = [j for j in core if j != i]
        if trial and infeasible(trial)[0]:
            core = trial
    return [all_items[i] for i in core]


# ---------------------------------------------------------------- orchestration


@dataclass
class SolveResult:
    """Everything the plan builder needs."""

    scope: Scope
    pairs: Pairs
    comps: list[Component]
    results: list[CompResult]
    assignment: dict[str, str]
    seconds: dict[str, float]
    conflict: list[tuple[str, str]] | None = None


def run(problem: Problem, options: SolveOptions, progress: ProgressFn | None = None) -> SolveResult:
    """Solve the problem (or the communes of options.communes) and return the raw solution."""
    t0 = time.monotonic()
    deadline = t0 + options.time_limit
    lock = threading.Lock()
    placed_sofar = 0
    short_sofar = [0, 0, 0, 0]

    def emit(stage: int, fraction: float, message: str, figures: bool = True) -> None:
        if progress is not None:
            with lock:
                progress(
                    Progress(
                        stage,
                        STAGE_NAMES[stage],
                        min(1.0, max(0.0, fraction)),
                        message,
                        placed_sofar if figures else None,
                        (short_sofar[0], short_sofar[1], short_sofar[2], short_sofar[3]) if figures else None,
                    )
                )

    emit(1, 0.0, "Chuẩn bị dữ liệu và lọc các cặp người - vị trí hợp lệ", figures=False)
    scope = make_scope(problem, options.communes)
    conflict = lock_conflicts(problem, scope.locks) if scope.locks else None
    if conflict is not None:
        emit(1, 1.0, "Các phân công đã khóa mâu thuẫn nhau: không có phương án khả thi", figures=False)
        return SolveResult(scope, Pairs(), [], [], {}, {"prepare": time.monotonic() - t0}, conflict)
    pairs = candidate_pairs(problem, scope)
    ctx = _Ctx(problem, scope, pairs, options)
    comps = sorted(components(problem, scope, pairs), key=lambda c: (-len(c.pairs), c.communes[0]))
    t1 = time.monotonic()
    total = max(1, sum(len(c.pairs) for c in comps))
    logger.info(
        "%d people, %d positions, %d pairs, %d components",
        len(scope.people),
        len(scope.positions),
        len(pairs.person),
        len(comps),
    )
    emit(1, 0.05, f"{len(pairs.person)} cặp hợp lệ, {len(comps)} cụm xã độc lập", figures=False)

    # priorities 1-2 for every component first (fast), then quality with the time that is left
    results: list[CompResult] = []
    done = 0
    for comp in comps:
        share = len(comp.pairs) / total
        budget12 = max(2.0, (deadline - time.monotonic()) * 0.6 * share)
        res = solve_component(ctx, comp, budget12)
        results.append(res)
        done += len(comp.pairs)
        placed_sofar += res.placed
        short_sofar = [a + b for a, b in zip(short_sofar, res.shortfall, strict=True)]
        emit(1, done / total, f"Ưu tiên 1-2: đã giải {len(results)}/{len(comps)} cụm xã")
    t2 = time.monotonic()
    # the flows settle priorities 1 and 2 together: stage 2 only confirms placement
    emit(2, 0.0, "Ưu tiên 2: xác nhận số người được bố trí")
    emit(2, 1.0, f"Ưu tiên 1-2: bố trí {placed_sofar} người, thiếu {sum(short_sofar)} chỗ tối thiểu")

    # leave time for the explanations after the solve
    deadline3 = deadline - 0.05 * options.time_limit - 0.0003 * len(scope.people)
    todo = [(c, r) for c, r in zip(comps, results, strict=True) if not r.optimal_3]
    left_pairs = max(1, sum(len(c.pairs) for c, _ in todo))
    done = 0
    emit(3, 0.0, "Tối ưu chất lượng phương án")
    for comp, res in todo:
        budget = max(0.2, (deadline3 - time.monotonic()) * len(comp.pairs) / left_pairs)
        left_pairs -= len(comp.pairs)
        frac = done / total
        share = len(comp.pairs) / total
        started = time.monotonic()

        def report(
            value: float,
            frac: float = frac,
            share: float = share,
            started: float = started,
            span: float = budget,
        ) -> None:
            # within a component, progress follows the time it may use
            used = min(1.0, (time.monotonic() - started) / span)
            emit(3, frac + share * used, f"Phương án tốt hơn: điểm chất lượng {value:.0f}")

        if res.method in ("flow", "flow+branch"):
            lagrangian_stage3(ctx, comp, res, budget, options.gap_limit, report)
        else:
            _stage3_cpsat(ctx, comp, res, budget, report)
        done += len(comp.pairs)
        emit(3, done / total, f"Đã tối ưu chất lượng {len(results)} cụm xã")
    t3 = time.monotonic()
    emit(3, 1.0, "Hoàn tất")
    assignment = dict(scope.kept)
    for res in results:
        for k in res.chosen:
            assignment[scope.people[pairs.person[k]].id] = scope.positions[pairs.position[k]].id
    s12 = sum(r.seconds["stages12"] for r in results)
    seconds = {"prepare": t1 - t0, "stages12": s12, "stage3": (t2 - t1 - s12) + (t3 - t2)}
    return SolveResult(scope, pairs, comps, results, assignment, seconds)


def _stage3_cpsat(
    ctx: _Ctx, comp: Component, res: CompResult, budget: float, report: Callable[[float], None]
) -> None:
    """Priority 3 by CP-SAT on a component whose relations bind, hinted from priorities 1-2."""
    t0 = time.monotonic()
    chosen, value, bound, proven = cpsat_stage3(
        ctx, comp, res.chosen, res.shortfall, res.placed, None, budget, report
    )
    if 0 <= value <= res.quality:
        res.chosen, res.quality = sorted(chosen), value
    res.bound_quality = min(max(bound, res.bound_quality), float(res.quality))
    res.optimal_3 = proven or res.quality <= res.bound_quality
    res.seconds["stage3"] = time.monotonic() - t0
