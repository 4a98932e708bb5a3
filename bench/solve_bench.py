"""Solve generated province-sized problems and print a table of the figures the issue targets.

    python bench/solve_bench.py                 # x1 and x3, 60 s each, then a one-commune re-solve
    python bench/solve_bench.py --scales 1 3 10 --time-limit 60 --workers 2
    python bench/solve_bench.py --scales 1 10 34 --nation --time-limit 300 --workers 1 2

Each scale runs in its own process so peak RSS is per problem. Columns: people, candidate pairs,
seconds to load the JSON, to prepare (pruning, components), to prove priorities 1-2 (stages12), to
improve quality (stage3), to explain; status, priorities proven optimal, shortfall by level
(key/head/deputy/staff), placed, qualification gaps, gap of the quality score to its bound, peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


NATION = 0  # scale 0 stands for the national instance (34 provinces from the public merger data)


def _problem_file(scale: int, seed: int) -> Path:
    path = OUT / (f"nation-seed{seed}.json" if scale == NATION else f"x{scale}-seed{seed}.json")
    if not path.exists():
        from make_problem import make_nation, make_problem

        OUT.mkdir(parents=True, exist_ok=True)
        problem = make_nation(seed) if scale == NATION else make_problem(scale, seed)
        path.write_text(json.dumps(problem, ensure_ascii=False), encoding="utf-8")
    return path


def run_one(scale: int, seed: int, time_limit: float, workers: int, resolve: bool) -> dict[str, Any]:
    """Solve one generated problem in this process (whole run: read, solve, write the plan)."""
    from solver import SolveOptions, load_problem, plan_to_dict, solve
    from solver.check import check_assignments

    path = _problem_file(scale, seed)
    t0 = time.monotonic()
    problem = load_problem(json.loads(path.read_text(encoding="utf-8")))
    load_s = time.monotonic() - t0
    # the time limit bounds the whole run, as in `staffing solve`: reading and writing included
    outside = load_s + 3e-4 * len(problem.people)
    options = SolveOptions(
        time_limit=time_limit, workers=workers, seed=seed, processes=workers, outside_s=outside
    )
    plan = solve(problem, options)
    t1 = time.monotonic()
    (OUT / f"plan-{path.stem}-w{workers}.json").write_text(
        json.dumps(plan_to_dict(plan), ensure_ascii=False), encoding="utf-8"
    )
    write_s = time.monotonic() - t1
    run_s = time.monotonic() - t0
    stats = plan.stats
    violations = check_assignments(problem, plan.mapping())
    comp = stats.get("component_status", [])
    row: dict[str, Any] = {
        "problem": "nation" if scale == NATION else f"x{scale}",
        "workers": workers,
        "write_s": round(write_s, 2),
        "run_s": round(run_s, 2),
        "proven12": f"{sum(1 for c in comp if c['optimal_12'])}/{len(comp)}",
        "people": len(problem.people),
        "positions": len(problem.positions),
        "pairs": stats["pairs"],
        "components": stats["components"],
        "load_s": round(load_s, 2),
        **{f"{k}_s": round(v, 2) for k, v in stats["stage_s"].items()},
        "wall_s": stats["wall_s"],
        "status": plan.status,
        "optimal_for": stats["optimal_for"],
        "shortfall": stats["objective"]["shortfall"],
        "placed": stats["placed"],
        "gaps": stats["gaps"],
        "quality": stats["objective"]["quality"],
        "gap_to_bound": stats["gap_to_bound"],
        "violations": len(violations),
        "methods": stats["methods"],
    }
    if resolve:
        # a reviewer's edit in one commune, then a re-solve of that commune only
        d = json.loads(path.read_text(encoding="utf-8"))
        d["previous_plan"] = plan.mapping()
        target = problem.communes[len(problem.communes) // 2].code
        holder = next(a.person for a in plan.assignments if a.position.startswith(target + "/UBND/CT"))
        d["forbidden"].append({"person": holder, "commune": target})
        edited = load_problem(d)
        t1 = time.monotonic()
        again = solve(
            edited,
            SolveOptions(time_limit=time_limit, workers=workers, seed=seed, communes=frozenset({target})),
        )
        row["resolve_s"] = round(time.monotonic() - t1, 2)
        row["resolve_status"] = again.status
        row["resolve_violations"] = len(check_assignments(edited, again.mapping()))
        _ = plan_to_dict(again)
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    # pool workers (--workers > 1): the largest one; they share the parent's pages until they write
    row["worker_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return row


COLUMNS = [
    ("problem", "{}"),
    ("people", "{}"),
    ("pairs", "{}"),
    ("load_s", "{:.1f}"),
    ("prepare_s", "{:.1f}"),
    ("stages12_s", "{:.1f}"),
    ("stage3_s", "{:.1f}"),
    ("explain_s", "{:.1f}"),
    ("workers", "{}"),
    ("write_s", "{:.1f}"),
    ("wall_s", "{:.1f}"),
    ("run_s", "{:.1f}"),
    ("proven12", "{}"),
    ("status", "{}"),
    ("optimal_for", "{}"),
    ("shortfall", "{}"),
    ("placed", "{}"),
    ("gaps", "{}"),
    ("gap_to_bound", "{:.2%}"),
    ("violations", "{}"),
    ("resolve_s", "{}"),
    ("peak_rss_mb", "{}"),
    ("worker_rss_mb", "{}"),
]


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of the rows."""
    head = "| " + " | ".join(c for c, _ in COLUMNS) + " |"
    sep = "|" + "|".join("---" for _ in COLUMNS) + "|"
    lines = [head, sep]
    for r in rows:
        cells = []
        for c, fmt in COLUMNS:
            v = r.get(c, "-")
            cells.append(fmt.format(v).replace(" ", "") if v != "-" else "-")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run every scale in a subprocess and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 3])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, nargs="+", default=[2], help="one row per value")
    ap.add_argument("--nation", action="store_true", help="the national instance (34 provinces) too")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one scale, print JSON
    args = ap.parse_args(argv)
    if args.one is not None:
        row = run_one(args.one, args.seed, args.time_limit, args.workers[0], resolve=args.one == 1)
        print(json.dumps(row))
        return 0
    rows = []
    scales = [*args.scales, *([NATION] if args.nation else [])]
    for scale, workers in [(s, w) for s in scales for w in args.workers]:
        _problem_file(scale, args.seed)
        cmd = [
            sys.executable,
            __file__,
            "--one",
            str(scale),
            "--seed",
            str(args.seed),
            "--time-limit",
            str(args.time_limit),
            "--workers",
            str(workers),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
