"""Latency of the exits, roadmap and demotions pages (issue 14) on a demo instance, with its pay data.

    STAFFING_INSTANCE=/tmp/demo14b .venv/bin/staffing demo --no-serve     # once, a few minutes
    STAFFING_INSTANCE=/tmp/demo14b .venv/bin/python bench/exit_pages_bench.py [--requests 20]

Signs in as the demo reviewer through Flask's test client (no network: the page's own time) and prints, per
page, the first view (which builds the read model of the plan version) and p50 / p95 of the next ones.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--user", default="thamdinh@langson.demo")
    parser.add_argument("--password", default="demo-2025")
    args = parser.parse_args()
    from staffing import create_app
    from staffing.extensions import db
    from staffing.models import Plan

    app = create_app()
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    data = {"email": args.user, "password": args.password, "csrf_token": token.group(1) if token else ""}
    if client.post("/login", data=data).status_code != 302:
        raise SystemExit("sign-in failed")
    with app.app_context():
        plan = db.session.scalar(db.select(Plan.id).order_by(Plan.id))
    print(f"{'page':<28} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'KB':>6}")
    for name, url in (
        ("exits and budget", f"/plans/{plan}/exits"),
        ("roadmap", f"/plans/{plan}/roadmap"),
        ("demotions", f"/plans/{plan}/demotions"),
    ):
        times = []
        size = 0
        for _ in range(args.requests + 1):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            size = len(response.data)
        first, rest = times[0], sorted(times[1:])
        p95 = rest[min(len(rest) - 1, round(0.95 * (len(rest) - 1)))]
        print(f"{name:<28} {first:>9.0f} {statistics.median(rest):>8.0f} {p95:>8.0f} {size // 1024:>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
