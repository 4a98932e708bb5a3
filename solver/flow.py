"""Min-cost flows: priorities 1-2 exactly, relations by branch and bound, quality by Lagrangian relaxation."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from solver.context import CompResult, SolveContext, laminar_caps, nonlinear_penalty, tier_weights
from solver.pairs import Component
from solver.problem import LEADERSHIP, LEVELS

logger = logging.getLogger(__name__)

_EMPTY = np.zeros(0, dtype=np.int32)
Costs = Sequence[int] | NDArray[np.int64]  # quality costs aligned with FlowNet.free_pairs


class FlowNet:
    """The flow relaxation of one component, built once and solved with different pair costs.

    Source -> person (1) -> position (1 per candidate pair) -> [shared cap] -> commune (payroll
    quota) -> sink. Each position has a "minimum" arc (its unfilled minimum, rewarded by its level's
    lexicographic weight) and an "extra" arc (up to its max). Locked people are placed beforehand.
    Relations and overlapping caps are left out: they are checked on the result.
    """

    def __init__(self, ctx: SolveContext, comp: Component) -> None:
        pairs, scope, problem = ctx.pairs, ctx.scope, ctx.problem
        self.ctx = ctx
        locked_people = [i for i in comp.people if i in ctx.locked_pairs]
        locked = set(locked_people)
        self.locked_chosen = [ctx.locked_pairs[i] for i in locked_people]
        lock_count: dict[int, int] = defaultdict(int)
        for k in self.locked_chosen:
            lock_count[pairs.position[k]] += 1
        # the pair arcs as numpy arrays: a national component has millions of pairs
        person_arr = np.frombuffer(pairs.person, dtype=np.int32) if len(pairs.person) else _EMPTY
        position_arr = np.frombuffer(pairs.position, dtype=np.int32) if len(pairs.position) else _EMPTY
        comp_pairs = np.frombuffer(comp.pairs, dtype=np.int32) if len(comp.pairs) else _EMPTY
        is_locked = np.zeros(len(scope.people), dtype=bool)
        is_locked[list(locked)] = True
        fp = comp_pairs[~is_locked[person_arr[comp_pairs]]] if len(comp_pairs) else _EMPTY
        self._fp = fp
        self.free_pairs: list[int] = fp.tolist()
        free = np.unique(person_arr[fp]) if len(fp) else _EMPTY
        free_people: list[int] = free.tolist()
        self.n = n = len(free_people)
        self.free_people = free_people
        mins = [0, 0, 0, 0]
        node_of_person = np.full(len(scope.people), -1, dtype=np.int64)
        node_of_person[free] = np.arange(2, 2 + n, dtype=np.int64)
        node = 2 + n
        node_of_position = np.full(len(scope.positions), -1, dtype=np.int64)
        for j in comp.positions:
            node_of_position[j] = node
            node += 1
        self._pair_person = node_of_person[person_arr[fp]] - 2 if len(fp) else _EMPTY  # 0..n-1
        self.first_pair_arc = n
        first_tails = [np.zeros(n, dtype=np.int64), node_of_person[person_arr[fp]] if len(fp) else _EMPTY]
        first_heads = [
            np.arange(2, 2 + n, dtype=np.int64),
            node_of_position[position_arr[fp]] if len(fp) else _EMPTY,
        ]
        tails: list[int] = []
        heads: list[int] = []
        caps: list[int] = []
        base_arcs = n + len(fp)
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
            keep, complete = laminar_caps(commune)
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
                    level_arcs.append((base_arcs + len(tails), level))
                    tails.append(int(node_of_position[j]))
                    heads.append(to)
                    caps.append(rem_min)
                if rem_max > rem_min:
                    level_arcs.append((base_arcs + len(tails), -1))
                    tails.append(int(node_of_position[j]))
                    heads.append(to)
                    caps.append(rem_max - rem_min)
        self.bypass = base_arcs + len(tails)
        tails.append(0)
        heads.append(1)
        caps.append(n)
        self.tails = np.concatenate([*first_tails, np.array(tails, dtype=np.int64)])
        self.heads = np.concatenate([*first_heads, np.array(heads, dtype=np.int64)])
        self.caps = np.concatenate([np.ones(base_arcs, dtype=np.int64), np.array(caps, dtype=np.int64)])
        self.level_arcs = level_arcs
        self.mins = mins
        self.nodes = node
        self.forced: frozenset[int] = frozenset()

    def fix_levels(self, shortfall: Sequence[int]) -> None:
        """For the quality flows: levels with no shortfall in the optimum keep every minimum filled.

        Their "minimum" arcs get a lower bound equal to their capacity (moved into node supplies),
        so they need no lexicographic weight: the costs stay small and the flow solver fast.
        """
        self.forced = frozenset(level for level in range(4) if shortfall[level] == 0)

    def solve(
        self, costs: Costs | None = None, placed: int | None = None, banned: Iterable[int] = ()
    ) -> list[int] | None:
        """Chosen pairs (locked ones included) of a min-cost flow, or None if costs do not fit.

        Without `costs`: lexicographic shortfall by level, then placement. With `costs` (aligned with
        free_pairs) and `placed` (free people to place): lexicographic shortfall, then least total cost
        among flows placing exactly that many.
        """
        n, mins = self.n, self.mins
        cost_arr = _EMPTY
        if costs is None:
            w_q = 0
            w_p, w_s, w_d, w_h, w_k = tier_weights([n, mins[3], mins[2], mins[1], mins[0]])
        else:
            cost_arr = np.asarray(costs, dtype=np.int64)
            lo = np.zeros(n, dtype=np.int64)
            hi = np.zeros(n, dtype=np.int64)
            if len(cost_arr):
                np.minimum.at(lo, self._pair_person, cost_arr)
                np.maximum.at(hi, self._pair_person, cost_arr)
            q_range = int(hi.sum()) - int(lo.sum())
            free_levels = [lv for lv in (3, 2, 1, 0) if lv not in self.forced]
            weights = tier_weights([q_range, *(mins[lv] for lv in free_levels)])
            w_q = weights[0]
            by_level = dict(zip(free_levels, weights[1:], strict=True))
            w_k, w_h, w_d, w_s = (by_level.get(lv, 0) for lv in range(4))
            w_p = 0
        level_w = (w_k, w_h, w_d, w_s)
        # the range check in Python integers, before numpy could overflow
        top = (
            max((abs(int(cost_arr.max())), abs(int(cost_arr.min()))), default=0) * w_q if len(cost_arr) else 0
        )
        top = max(top, w_p, *(lw + w_p for lw in level_w))
        if top * (self.nodes + 1) * 4 >= 2**62:
            return None
        arc_costs = np.zeros(len(self.tails), dtype=np.int64)
        f = self.first_pair_arc
        fp = self._fp
        if costs is not None and len(cost_arr):
            arc_costs[f : f + len(fp)] = cost_arr * w_q
        for a, level in self.level_arcs:
            arc_costs[a] = -(level_w[level] + w_p) if level >= 0 else -w_p
        caps = self.caps
        supply = n
        banned = list(banned)
        forced = self.forced if costs is not None else frozenset()
        if placed is not None or banned or forced:
            caps = caps.copy()
        supplies = np.zeros(self.nodes, dtype=np.int64)
        for a, level in self.level_arcs:
            if level in forced:  # lower bound = capacity: the flow through it is given
                supplies[self.tails[a]] -= caps[a]
                supplies[self.heads[a]] += caps[a]
                caps[a] = 0
        if placed is not None:
            caps[self.bypass] = 0
            supply = placed
        if banned and len(fp):  # pairs a branch of the relation search has excluded
            ks = np.asarray(sorted(set(banned)), dtype=np.int64)
            at = np.searchsorted(fp, ks)
            ok = at < len(fp)
            at, ks = at[ok], ks[ok]
            at = at[fp[at] == ks]
            caps[f + at] = 0
        smcf = min_cost_flow.SimpleMinCostFlow()
        arcs = smcf.add_arcs_with_capacity_and_unit_cost(self.tails, self.heads, caps, arc_costs)
        supplies[0] += supply
        supplies[1] -= supply
        smcf.set_nodes_supplies(np.arange(self.nodes, dtype=np.int64), supplies)
        status = smcf.solve()
        if status != smcf.OPTIMAL:
            # with exclusions and a fixed number to place, no flow is an expected answer
            logger.log(
                logging.DEBUG if placed is not None else logging.WARNING, "min-cost flow status %s", status
            )
            return None
        flows = smcf.flows(arcs)
        chosen: list[int] = fp[np.asarray(flows[f : f + len(fp)]) > 0].tolist() if len(fp) else []
        return sorted(chosen + self.locked_chosen)


def _lex_key(ctx: SolveContext, comp: Component, chosen: Sequence[int]) -> tuple[int, ...]:
    short, placed = ctx.shortfall_of(comp, chosen)
    return (*short, -placed)


def relation_search(
    ctx: SolveContext, comp: Component, net: FlowNet, root: list[int], deadline: float, node_limit: int = 400
) -> tuple[list[int], frozenset[int]] | None:
    """Best-first branch and bound on broken relations: exclude one of the two seats, re-solve the flow.

    Every feasible plan keeps out at least one of two conflicting assignments, so the two branches
    cover it; the flow of a branch bounds it. The first conflict-free node popped is optimal for
    priorities 1-2. Returns None when the node or time limit is hit first.
    """
    import heapq

    locked = set(ctx.locked_pairs.values())
    root_key = _lex_key(ctx, comp, root)
    dived = _dive(ctx, comp, net, root, root_key, locked)
    if dived is not None:
        return dived
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


def _dive(
    ctx: SolveContext,
    comp: Component,
    net: FlowNet,
    root: list[int],
    root_key: tuple[int, ...],
    locked: set[int],
    rounds: int = 12,
) -> tuple[list[int], frozenset[int]] | None:
    """Exclude one seat of every broken relation at once and re-solve, while the flow keeps its value.

    The root flow bounds every plan, so a conflict-free flow with the root's value (shortfall by
    level, placed) is optimal for priorities 1-2: this settles in a few flows what the branch and
    bound would do one relation at a time. The seat excluded is the lower-level one (its holder is
    the easier to replace), the later pair on ties. None if the value drops or conflicts persist.
    """
    pos, positions = ctx.pairs.position, ctx.scope.positions
    bans: set[int] = set()
    chosen = root
    for _ in range(rounds):
        bad = ctx.violations(comp, chosen)
        if not bad:
            return chosen, frozenset(bans)
        for a, b in bad:
            if a < 0:
                return None  # an overlapping cap
            la, lb = LEVELS.index(positions[pos[a]].level), LEVELS.index(positions[pos[b]].level)
            first, second = (a, b) if (la, a) > (lb, b) else (b, a)  # LEVELS runs key..staff
            if first not in locked:
                bans.add(first)
            elif second not in locked:
                bans.add(second)
            else:
                return None
        sol = net.solve(banned=bans)
        if sol is None or _lex_key(ctx, comp, sol) != root_key:
            return None
        chosen = sol
    return None


def repair_flow(
    ctx: SolveContext,
    comp: Component,
    net: FlowNet,
    costs: Costs,
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
    ctx: SolveContext,
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
    net.fix_levels(res.shortfall)
    cost_arr = np.array(pairs.cost, dtype=np.int64)
    base = cost_arr[net._fp] * scale if len(net._fp) else np.zeros(0, dtype=np.int64)
    lead_free = [(t, k) for t, k in enumerate(net.free_pairs) if k in lead]
    lead_t = np.array([t for t, _ in lead_free], dtype=np.int64)
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

        costs = base.copy()
        if len(lead_t):
            costs[lead_t] += np.array([adjust(k) for _, k in lead_free], dtype=np.int64)
        flow = net.solve(costs, free_placed)
        if flow is None:
            break
        x = flow
        locked_value = sum(pairs.cost[k] * scale + (adjust(k) if k in lead else 0) for k in net.locked_chosen)
        if ctx.shortfall_of(comp, x) != (res.shortfall, res.placed):
            break  # the relaxation drifted from priorities 1-2: stop rather than trust it
        in_x = np.isin(net._fp, np.array(x, dtype=np.int64))
        value = (int(costs[in_x].sum()) + locked_value) / scale
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
