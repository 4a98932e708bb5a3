"""The orchestration of a solve: scope, pairs, components, priorities 1-2, then quality."""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ortools

from solver.context import CompResult, SolveContext, nonlinear_penalty
from solver.cpsat import cpsat_quality, cpsat_stages12, lock_conflicts, repair_hint
from solver.flow import FlowNet, lagrangian_stage3, relation_search, repair_flow
from solver.options import Progress, ProgressFn, SolveOptions
from solver.pairs import Component, Pairs, Scope, candidate_pairs, components, make_scope
from solver.problem import Problem

logger = logging.getLogger(__name__)


VERSION = "0.1"
SOLVER_NAME = f"staffing {VERSION} / ortools {getattr(ortools, '__version__', '?')}"
STAGE_NAMES = {
    1: "Giảm thiếu hụt vị trí tối thiểu",
    2: "Bố trí tối đa số người",
    3: "Nâng cao chất lượng phương án",
}


def solve_component(ctx: SolveContext, comp: Component, budget12: float) -> CompResult:
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
            repair_hint(ctx, comp, chosen)
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
        net.fix_levels(short)
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


_JOB: tuple[SolveContext, list[Component]] | None = None  # what forked pool workers inherit


ReportFn = Callable[[float], None]


def _job12(i: int, budget: float, report: ReportFn | None, res: CompResult | None) -> CompResult:
    if _JOB is None:
        raise RuntimeError("no solve in progress")
    ctx, comps = _JOB
    return solve_component(ctx, comps[i], budget)


def _job3(i: int, budget: float, report: ReportFn | None, res: CompResult | None) -> CompResult:
    if _JOB is None or res is None:
        raise RuntimeError("no solve in progress")
    ctx, comps = _JOB
    if res.method in ("flow", "flow+branch"):
        lagrangian_stage3(ctx, comps[i], res, budget, ctx.options.gap_limit, report)
    else:
        cpsat_quality(ctx, comps[i], res, budget, report or (lambda _v: None))
    return res


def _schedule(
    pool: Any,
    n_proc: int,
    order: list[int],
    comps: list[Component],
    budget_of: Callable[[int, int, float], float],
    job: Callable[[int, float, Callable[[float], None] | None, CompResult | None], CompResult],
    finished: Callable[[int, CompResult], None],
    reporter: Callable[[int, float], Callable[[float], None]] | None,
    previous: list[CompResult] | None = None,
) -> None:
    """Run `job` on the components of `order` (largest first), at most n_proc at a time.

    Each component's time budget is set when it starts, in proportion to its pairs among those not
    finished yet (times the number of processes), so time a component leaves unused goes to the next.
    """
    pending = deque(order)
    left_pairs = max(1, sum(len(comps[i].pairs) for i in order))
    if pool is None:
        while pending:
            i = pending.popleft()
            budget = budget_of(i, left_pairs, time.monotonic())
            report = reporter(i, budget) if reporter is not None else None
            res = job(i, budget, report, previous[i] if previous is not None else None)
            left_pairs = max(1, left_pairs - len(comps[i].pairs))
            finished(i, res)
        return
    running: dict[int, Any] = {}
    while pending or running:
        while pending and len(running) < n_proc:
            i = pending.popleft()
            budget = budget_of(i, left_pairs, time.monotonic())
            args = (i, budget, None, previous[i] if previous is not None else None)
            running[i] = pool.apply_async(job, args)
        ready = [i for i, r in running.items() if r.ready()]
        if not ready:
            time.sleep(0.005)
            continue
        for i in sorted(ready):
            res = running.pop(i).get()
            left_pairs = max(1, left_pairs - len(comps[i].pairs))
            finished(i, res)


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
    deadline = t0 + options.time_limit - options.outside_s
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
    ctx = SolveContext(problem, scope, pairs, options)
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

    # priorities 1-2 for every component first (fast), then quality with the time that is left;
    # components in parallel processes when options.processes > 1 (each job is deterministic, so the
    # plan does not depend on the number of processes unless the time limit cuts a stage short)
    n_proc = max(1, min(options.processes, len(comps)))
    global _JOB
    _JOB = (ctx, comps)
    pool = multiprocessing.get_context("fork").Pool(n_proc) if n_proc > 1 else None
    try:
        results: list[CompResult] = [None] * len(comps)  # type: ignore[list-item]
        done = 0

        def budget12(i: int, left_pairs: int, now: float) -> float:
            return max(2.0, (deadline - now) * 0.6 * min(1.0, n_proc * len(comps[i].pairs) / left_pairs))

        def finished12(i: int, res: CompResult) -> None:
            nonlocal done, placed_sofar, short_sofar
            results[i] = res
            done += len(comps[i].pairs)
            placed_sofar += res.placed
            short_sofar = [a + b for a, b in zip(short_sofar, res.shortfall, strict=True)]
            emit(1, done / total, f"Ưu tiên 1-2: đã giải {done_count()}/{len(comps)} cụm xã")

        def done_count() -> int:
            return sum(1 for r in results if r is not None)

        _schedule(pool, n_proc, list(range(len(comps))), comps, budget12, _job12, finished12, None)
        t2 = time.monotonic()
        # the flows settle priorities 1 and 2 together: stage 2 only confirms placement
        emit(2, 0.0, "Ưu tiên 2: xác nhận số người được bố trí")
        emit(2, 1.0, f"Ưu tiên 1-2: bố trí {placed_sofar} người, thiếu {sum(short_sofar)} chỗ tối thiểu")

        # leave time for the explanations and the plan after the solve
        deadline3 = deadline - 0.05 * options.time_limit - 0.0006 * len(scope.people)
        todo = [i for i, r in enumerate(results) if not r.optimal_3]
        done = 0
        emit(3, 0.0, "Tối ưu chất lượng phương án")

        def budget3(i: int, left_pairs: int, now: float) -> float:
            return max(0.0, (deadline3 - now) * min(1.0, n_proc * len(comps[i].pairs) / left_pairs))

        def finished3(i: int, res: CompResult) -> None:
            nonlocal done
            results[i] = res
            done += len(comps[i].pairs)
            emit(3, done / total, f"Đã tối ưu chất lượng {len(results)} cụm xã")

        def reporter(i: int, budget: float) -> Callable[[float], None]:
            frac, share, started = done / total, len(comps[i].pairs) / total, time.monotonic()

            def report(value: float) -> None:
                # within a component, progress follows the time it may use
                used = min(1.0, (time.monotonic() - started) / max(budget, 1e-6))
                emit(3, frac + share * used, f"Phương án tốt hơn: điểm chất lượng {value:.0f}")

            return report

        _schedule(pool, n_proc, todo, comps, budget3, _job3, finished3, reporter, results)
    finally:
        _JOB = None
        if pool is not None:
            pool.close()
            pool.join()
    t3 = time.monotonic()
    emit(3, 1.0, "Hoàn tất")
    assignment = dict(scope.kept)
    for res in results:
        for k in res.chosen:
            assignment[scope.people[pairs.person[k]].id] = scope.positions[pairs.position[k]].id
    seconds = {"prepare": t1 - t0, "stages12": t2 - t1, "stage3": t3 - t2}
    return SolveResult(scope, pairs, comps, results, assignment, seconds)
