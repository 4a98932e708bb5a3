"""CP-SAT: the full model of a component (fallback when flows cannot decide) and infeasible locks."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from ortools.sat.python import cp_model

from solver.check import relation_conflict
from solver.context import INT_LIMIT, CompResult, SolveContext, tier_weights
from solver.options import SolveOptions
from solver.pairs import LEVEL_RANK, Component
from solver.problem import LEADERSHIP, LEVELS, Person, Problem

logger = logging.getLogger(__name__)


class _Model:
    """The CP-SAT model of one component: every hard rule, the level shortfalls, placement and quality."""

    def __init__(self, ctx: SolveContext, comp: Component) -> None:
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
        for i in comp.people:
            if i in ctx.locked_pairs:
                m.add(self.x[ctx.locked_pairs[i]] == 1)
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
    ctx: SolveContext, comp: Component, hint: list[int], bound: tuple[list[int], int] | None, limit: float
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
        if groups[-1] and weights[-1] * (tiers[trial[0]][1] + 1) * 4 > INT_LIMIT:
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
    ctx: SolveContext,
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


def repair_hint(ctx: SolveContext, comp: Component, chosen: list[int]) -> list[int]:
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
        la = LEVEL_RANK[ctx.scope.positions[ctx.pairs.position[a]].level]
        lb = LEVEL_RANK[ctx.scope.positions[ctx.pairs.position[b]].level]
        drop = b if (a in locked or (la >= lb and b not in locked)) else a
        out.remove(drop)
    return out


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


def cpsat_quality(
    ctx: SolveContext, comp: Component, res: CompResult, budget: float, report: Callable[[float], None]
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
