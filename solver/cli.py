"""`staffing solve --problem problem.json --out plan.json [--time-limit S] [--workers N] [--seed N]`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from solver.options import SolveOptions
from solver.plan import plan_to_dict
from solver.problem import ProblemError, load_problem
from solver.solve import solve

EXIT_OK, EXIT_INVALID, EXIT_INFEASIBLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="staffing", description="Staffing the new communes: propose a plan."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("solve", help="solve a problem file and write a plan file")
    p.add_argument("--problem", required=True, type=Path, help="problem JSON (staffing-problem/1)")
    p.add_argument("--out", required=True, type=Path, help="where to write the plan JSON (staffing-plan/1)")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    p.add_argument(
        "--workers", type=int, default=2, help="CP-SAT workers and component processes (default 2)"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--commune", action="append", default=None, help="re-solve only this commune (repeatable)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def _process_age() -> float:
    """Seconds since this process started (interpreter start and imports count against the limit)."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text(encoding="ascii").split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns 0 (plan written), 1 (invalid problem) or 2 (infeasible)."""
    started = time.monotonic() - _process_age()
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        text = args.problem.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot read --problem {args.problem}: {exc.strerror}", file=sys.stderr)
        return EXIT_INVALID
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        print(
            f"error: {args.problem} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    try:
        problem = load_problem(data)
    except ProblemError as exc:
        print(
            f"error: invalid problem: {exc.path} = {json.dumps(exc.value, ensure_ascii=False, default=str)}: "
            f"{exc.message}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if args.time_limit <= 0 or args.workers < 1:
        print("error: --time-limit must be > 0 and --workers >= 1", file=sys.stderr)
        return EXIT_INVALID
    communes = frozenset(args.commune) if args.commune else None
    if communes is not None:
        unknown = sorted(c for c in communes if c not in problem.commune_by_code)
        if unknown:
            print(f"error: --commune {unknown[0]}: unknown commune code", file=sys.stderr)
            return EXIT_INVALID

    def progress(p: object) -> None:
        if not args.quiet:
            print(
                f"[{getattr(p, 'stage', '')}/3] {getattr(p, 'fraction', 0):4.0%} {getattr(p, 'message', '')}",
                file=sys.stderr,
            )

    options = SolveOptions(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        communes=communes,
        processes=args.workers,
        # the limit bounds the whole run: reading the problem (spent) and writing the plan (estimated)
        outside_s=(time.monotonic() - started) + 3e-4 * len(problem.people),
    )
    plan = solve(problem, options, progress)
    out = plan_to_dict(plan)
    try:
        args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot write --out {args.out}: {exc.strerror}", file=sys.stderr)
        return EXIT_INVALID
    stats = plan.stats
    if plan.status == "INFEASIBLE":
        print("infeasible: " + "; ".join(out["infeasible"]["why"]), file=sys.stderr)
        return EXIT_INFEASIBLE
    print(
        f"{plan.status}: placed {stats['placed']}, unplaced {stats['unplaced']}, shortfall "
        f"{stats['objective']['shortfall']}, gaps {stats['gaps']}, {stats['wall_s']} s -> {args.out}",
        file=sys.stderr,
    )
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
