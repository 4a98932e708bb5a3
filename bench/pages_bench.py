"""Latency of the review pages on a Lạng Sơn-sized province (~5,300 people), measured over loopback.

Builds a fresh SQLite database from bench/make_problem.py's seeded x1 problem (65 new communes, ~3,300
seats, ~5,300 people), solves a plan with the real solver, copies it into a second scenario with a few
manual changes, then serves the app with werkzeug's threaded server in a separate process and drives it
with a load generator of threads + http.client on 127.0.0.1 (signed in, CSRF and all).

    .venv/bin/python bench/pages_bench.py [--requests 40] [--concurrency 4] [--workdir /tmp/pages-bench]

Prints p50 / p95 / max per page (milliseconds) and writes them to <workdir>/pages-bench.json.

Measured 2026-11-22 on the shared 2-vCPU build box (load average 2.7-3.7 from other jobs), SQLite, one
werkzeug process, x1 problem: 5,298 people, 3,315 positions, 65 communes, 4,928 placed. One user at a time
(--concurrency 1, 60 requests a page), p50 / p95 ms:

    plan list 15/17 · plan page 77/87 · commune org chart 44/141 (largest 60/147) · person card 53/147
    seat candidates 81/215 · move: choose seat 29/71 · move check 54/218 · swap check 81/301
    dashboard province 25/38, commune 12/26 · gaps 34/36, by commune 19/21 · compare 18/30 · audit 11/15
    gaps .xlsx 178/435 built, 10/11 once kept · edit POST (lock/unlock) 65/70

Read models (dashboard, gaps, compare, the checks' problems, the workbook) are kept per plan version and
data stamp, so the first view after a change pays the build (dashboard ~70 ms, gaps ~65 ms more). With four
users at once the one Python process serialises them: p95 roughly x3-4 (see the JSON).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-pass-123"  # noqa: S105  (a throwaway account of a throwaway database)


# ---------------------------------------------------------------- building the database


def _load_problem(doc: dict[str, Any]) -> None:
    """Write an exchange-format problem into the database (bulk, one transaction)."""
    from staffing.extensions import db
    from staffing.models import (
        Block,
        Commune,
        CommuneKind,
        Department,
        Level,
        MergerLink,
        OldUnit,
        Person,
        Position,
        Province,
        Relation,
        Requirement,
        SharedCap,
        UnitKind,
    )

    code = doc["province"]["code"]
    province = Province(code=code, name=doc["province"]["name"], as_of=date.fromisoformat(doc["as_of"]))
    db.session.add(province)
    communes = {}
    for c in doc["communes"]:
        communes[c["code"]] = Commune(
            province_code=code,
            code=c["code"],
            name=c["name"],
            kind=CommuneKind(c["kind"]),
            payroll_quota=c.get("payroll_quota"),
            target_quota=c.get("target_quota"),
        )
    db.session.add_all(communes.values())
    units = {}
    for u in doc["units"]:
        unit = OldUnit(
            province_code=code,
            code=u["code"],
            name=u["name"],
            kind=UnitKind(u["kind"]),
            district=u.get("district") or "",
        )
        units[u["code"]] = unit
        for f in u["feeds"]:
            db.session.add(MergerLink(unit=unit, commune=communes[f], partial=len(u["feeds"]) > 1))
        for f in u.get("feeds_extra", []):
            db.session.add(MergerLink(unit=unit, commune=communes[f], extra=True))
    db.session.add_all(units.values())
    departments: dict[tuple[str, str, str], Department] = {}
    for p in doc["positions"]:
        key = (p["commune"], p["block"], p["department"])
        if key not in departments:
            departments[key] = Department(
                commune=communes[p["commune"]], block=Block(p["block"]), name=p["department"]
            )
        pos = Position(
            department=departments[key],
            code=p["id"],
            title=p["title"],
            level=Level(p["level"]),
            job_family=p.get("job_family"),
            min_holders=p["min"],
            max_holders=p["max"],
        )
        for r in p.get("requirements", []):
            if "rule" in r:
                pos.requirements.append(Requirement(attr=None, op="rule", value=r["rule"], hard=r["hard"]))
            else:
                op = next(k for k in ("in", "min", "max", "eq") if k in r)
                pos.requirements.append(Requirement(attr=r["attr"], op=op, value=r[op], hard=r["hard"]))
        db.session.add(pos)
    for c in doc["communes"]:
        for cap in c.get("caps", []):
            db.session.add(
                SharedCap(
                    commune=communes[c["code"]],
                    name=cap["name"],
                    position_codes=cap["positions"],
                    max=cap["max"],
                )
            )
    db.session.flush()

    def d(v: str | None) -> date | None:
        return date.fromisoformat(v) if v else None

    people = {}
    for p in doc["people"]:
        people[p["id"]] = Person(
            province_code=code,
            key=p["id"],
            name=p["name"],
            birth_date=d(p["birth_date"]),
            gender=p["gender"],
            ethnicity=p.get("ethnicity"),
            unit_id=units[p["unit"]].id,
            home_commune=p.get("home_commune"),
            category=p.get("category") or "cong_chuc",
            current_title=p.get("current_title"),
            job_family=p.get("job_family"),
            education=p.get("education"),
            field=p.get("field"),
            political_theory=p.get("political_theory"),
            state_management=p.get("state_management"),
            party_member=bool(p.get("party_member")),
            service_start=d(p.get("service_start")),
            ratings=p.get("ratings") or [],
            planned_for=p.get("planned_for") or [],
            disciplined=bool(p.get("disciplined")),
            disciplined_until=d(p.get("disciplined_until")),
            preferences=p.get("preferences") or [],
            retirement_date=d(p.get("retirement_date")),
        )
    db.session.add_all(people.values())
    db.session.flush()
    for r in doc.get("relations", []):
        db.session.add(Relation(person_a_id=people[r["a"]].id, person_b_id=people[r["b"]].id, kind=r["kind"]))
    db.session.commit()


def build(workdir: Path, time_limit: float) -> dict[str, Any]:
    """A fresh database: the x1 province, a user, a solved plan and an edited copy; returns ids to request."""
    os.environ["STAFFING_INSTANCE"] = str(workdir / "instance")
    from werkzeug.security import generate_password_hash

    from bench.make_problem import make_problem
    from staffing import create_app
    from staffing.extensions import db
    from staffing.models import Assignment, Commune, Person, Plan, Position, Role, User
    from staffing.services import plans, review

    db_path = workdir / "instance" / "staffing.db"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if db_path.exists():
        db_path.unlink()
    app = create_app(
        {
            "SECRET_KEY": "bench-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "HUEY_IMMEDIATE": True,
        }
    )
    timings: dict[str, float] = {}
    # services speak Vietnamese through flask_babel, which needs a request
    with app.test_request_context():
        db.create_all()
        t = time.perf_counter()
        doc = make_problem(scale=1, seed=0)
        for key in ("locks", "forbidden", "previous_plan"):
            doc[key] = [] if key != "previous_plan" else {}
        _load_problem(doc)
        timings["load_s"] = round(time.perf_counter() - t, 1)
        province_code = doc["province"]["code"]
        user = User(
            email="drafter@bench",
            name="Drafter",
            role=Role.ADMIN,
            province_code=province_code,
            password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
        )
        db.session.add(user)
        db.session.commit()
        province = db.session.get(type(db.session.get(Commune, 1).province), province_code)
        plan = plans.create_plan(province, "Phương án đo tải", user)
        db.session.commit()
        t = time.perf_counter()
        plans.run_solve_job(plan.id, time_limit, 2, user.id)
        timings["solve_s"] = round(time.perf_counter() - t, 1)
        plan = db.session.get(Plan, plan.id)
        scenario = review.copy_plan(plan, "Kịch bản B", user)
        db.session.commit()
        # a few manual changes in the scenario, so compare and the audit trail have something to show
        rng = random.Random(1)
        placed = db.session.scalars(
            db.select(Assignment).where(
                Assignment.plan_id == scenario.id, Assignment.position_id.is_not(None)
            )
        ).all()
        for a in rng.sample(list(placed), 10):
            try:
                review.apply_change(scenario, review.Change("unassign", a.person), user, "đo tải")
            except review.ChangeError:
                continue
        db.session.commit()
        counts = {
            "people": db.session.scalar(db.select(db.func.count()).select_from(Person)),
            "positions": db.session.scalar(db.select(db.func.count()).select_from(Position)),
            "communes": db.session.scalar(db.select(db.func.count()).select_from(Commune)),
            "placed": plan.solver_stats.get("placed"),
            "unplaced": plan.solver_stats.get("unplaced"),
        }
        # what the load generator asks for: random communes, people, seats and moves of the solved plan
        rows = db.session.execute(
            db.select(Assignment.person_id, Assignment.position_id).where(Assignment.plan_id == plan.id)
        ).all()
        seats = [p for _pid, p in rows if p is not None]
        communes = list(db.session.scalars(db.select(Commune.code)))
        biggest = db.session.execute(
            db.select(Commune.code, db.func.count())
            .select_from(Assignment)
            .join(Position, Assignment.position_id == Position.id)
            .join(Position.department)
            .join(Commune)
            .where(Assignment.plan_id == plan.id)
            .group_by(Commune.code)
            .order_by(db.func.count().desc())
            .limit(1)
        ).first()
        moves = []
        from staffing.models import Department, MergerLink

        for person_id, _pos in rng.sample(list(rows), 60):
            person = db.session.get(Person, person_id)
            target = db.session.scalar(
                db.select(Position.id)
                .join(Department)
                .join(MergerLink, MergerLink.commune_id == Department.commune_id)
                .where(MergerLink.old_unit_id == person.unit_id)
                .order_by(db.func.random())
                .limit(1)
            )
            if target is not None:
                moves.append((person_id, target))
        plan_id, scenario_id = plan.id, scenario.id
        locks = list(
            db.session.scalars(
                db.select(Assignment.person_id)
                .where(
                    Assignment.plan_id == plan.id,
                    Assignment.position_id.is_not(None),
                    Assignment.locked.is_(False),
                )
                .order_by(Assignment.id)
                .limit(40)
            )
        )
    return {
        "plan": plan_id,
        "scenario": scenario_id,
        "province": province_code,
        "people": [r[0] for r in rows],
        "seats": seats,
        "communes": communes,
        "biggest_commune": biggest[0] if biggest else communes[0],
        "moves": moves,
        "locks": locks,
        "counts": counts,
        "timings": timings,
        "db": str(db_path),
    }


# ---------------------------------------------------------------- serving


def serve(workdir: Path, port: int) -> None:
    """The app on 127.0.0.1:port (werkzeug, threaded), as `staffing serve` runs it."""
    os.environ["STAFFING_INSTANCE"] = str(workdir / "instance")
    from werkzeug.serving import make_server

    from staffing import create_app

    app = create_app(
        {
            "SECRET_KEY": "bench-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'instance' / 'staffing.db'}",
        }
    )
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


# ---------------------------------------------------------------- the load generator


class Session:
    """A signed-in browser, reduced to a cookie jar over one keep-alive connection per thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.local = threading.local()

    def conn(self) -> http.client.HTTPConnection:
        c = getattr(self.local, "conn", None)
        if c is None:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.local.conn = c
        return c

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, dict[str, str]]:
        headers = {"Cookie": self.cookie, "Accept": "text/html"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            c = self.conn()
            try:
                c.request(method, path, body=body, headers=headers)
                r = c.getresponse()
                data = r.read()
                headers = {k.lower(): v for k, v in r.getheaders()}
                if "set-cookie" in headers and path != "/login":  # the session may gain a CSRF secret
                    self.cookie = headers["set-cookie"].split(";", 1)[0]
                return r.status, data, headers
            except (http.client.HTTPException, ConnectionError):
                c.close()
                self.local.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    def login(self) -> None:
        status, data, headers = self.request("GET", "/login")
        self.cookie = headers.get("set-cookie", "").split(";", 1)[0]
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', data) or re.search(
            rb'name="csrf_token" value="([^"]+)"', data
        )
        if not token:
            raise RuntimeError("no CSRF token on the login page")
        body = urlencode(
            {"csrf_token": token.group(1).decode(), "email": "drafter@bench", "password": PASSWORD}
        )
        status, _data, headers = self.request("POST", "/login", body)
        if status != 302:
            raise RuntimeError(f"login refused: {status}")
        self.cookie = headers.get("set-cookie", "").split(";", 1)[0]


def measure(session: Session, name: str, paths: list[str], requests: int, concurrency: int) -> dict[str, Any]:
    for path in paths[:2]:  # warm up
        status, _d, _h = session.request("GET", path)
        if status != 200:
            raise RuntimeError(f"{name}: {path} answered {status}")
    times: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            path = paths[i % len(paths)]
            t = time.perf_counter()
            status, _d, _h = session.request("GET", path)
            dt = (time.perf_counter() - t) * 1000
            with lock:
                times.append(dt)
                if status != 200:
                    errors.append(status)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return {
        "page": name,
        "n": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(times[-1], 1),
        "rps": round(len(times) / wall, 1),
        "errors": errors,
    }


def measure_edits(session: Session, plan: int, people: list[int], rounds: int) -> dict[str, Any]:
    """Lock then unlock assignments through the real forms: GET the checked change page, POST it (timed)."""
    times: list[float] = []
    errors: list[int] = []
    for i in range(rounds):
        person = people[i % len(people)]
        for kind in ("lock", "unlock"):
            status, data, _h = session.request("GET", f"/plans/{plan}/change?kind={kind}&person={person}")
            token = re.search(rb'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', data)
            version = re.search(rb'id="version" name="version" type="hidden" value="([^"]+)"', data)
            if status != 200 or not token or not version or b"confirm-change" not in data:
                errors.append(status)
                break
            body = urlencode(
                {
                    "csrf_token": token.group(1).decode(),
                    "version": version.group(1).decode(),
                    "kind": kind,
                    "person": person,
                    "position": "",
                    "other": "",
                    "commune": "",
                    "forbidden": "",
                    "reason": "",
                }
            )
            t = time.perf_counter()
            status, _d, _h = session.request("POST", f"/plans/{plan}/change", body)
            times.append((time.perf_counter() - t) * 1000)
            if status != 302:
                errors.append(status)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)] if times else 0.0
    return {
        "page": "edit: lock / unlock (POST)",
        "n": len(times),
        "p50_ms": round(statistics.median(times), 1) if times else 0.0,
        "p95_ms": round(p95, 1),
        "max_ms": round(times[-1], 1) if times else 0.0,
        "rps": 0.0,
        "errors": errors,
    }


def pages(ids: dict[str, Any], rng: random.Random) -> dict[str, list[str]]:
    p, s, prov = ids["plan"], ids["scenario"], ids["province"]
    people = rng.sample(ids["people"], 20)
    seats = rng.sample(ids["seats"], 20)
    communes = rng.sample(ids["communes"], min(20, len(ids["communes"])))
    moves = ids["moves"]
    return {
        "plan list": [f"/p/{prov}/plans"],
        "plan (summary, shortfalls, unplaced)": [f"/plans/{p}"],
        "commune org chart": [f"/plans/{p}/c/{c}" for c in communes],
        "commune org chart (largest)": [f"/plans/{p}/c/{ids['biggest_commune']}"],
        "person card": [f"/plans/{p}/people/{x}" for x in people],
        # the same people again: their ranked other seats are kept per plan version and commune counters
        "person card (warm)": [f"/plans/{p}/people/{x}" for x in people],
        "seat candidates (ranked)": [f"/plans/{p}/seats/{x}" for x in seats],
        "seat candidates (ranked, warm)": [f"/plans/{p}/seats/{x}" for x in seats],
        "move: choose seat": [f"/plans/{p}/change?kind=move&person={a}" for a, _b in moves[:20]],
        "move: live rule check": [f"/plans/{p}/check?kind=move&person={a}&position={b}" for a, b in moves],
        "swap: live rule check": [
            f"/plans/{p}/check?kind=swap&person={a}&other={b}"
            for (a, _x), (b, _y) in zip(moves[::2], moves[1::2], strict=False)
        ],
        "dashboard (province)": [f"/plans/{p}/dashboard"],
        "dashboard (commune)": [f"/plans/{p}/dashboard/c/{c}" for c in communes],
        "gaps and training needs": [f"/plans/{p}/gaps"],
        "gaps filtered by commune": [f"/plans/{p}/gaps?commune={c}" for c in communes],
        "gaps .xlsx export": [f"/plans/{p}/gaps.xlsx"],
        "compare two scenarios": [f"/plans/{s}/compare?other={p}"],
        "audit trail (plan)": [f"/plans/{s}/audit"],
        "exits and budget (issue 14)": [f"/plans/{p}/exits"],
        "roadmap to the norm (issue 14)": [f"/plans/{p}/roadmap"],
        "roadmap chart of a commune (issue 14)": [f"/plans/{p}/roadmap/{c}.svg" for c in communes],
        "demotions (issue 14)": [f"/plans/{p}/demotions"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pages-bench"))
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds for the solve of the plan")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a previous run")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.serve:
        serve(args.workdir, args.port)
        return 0
    ids_file = args.workdir / "ids.json"
    if args.reuse and ids_file.exists():
        ids = json.loads(ids_file.read_text())
    else:
        t = time.perf_counter()
        ids = build(args.workdir, args.time_limit)
        ids_file.write_text(json.dumps(ids))
        print(f"built in {time.perf_counter() - t:.0f} s: {ids['counts']} {ids['timings']}", flush=True)
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--workdir",
            str(args.workdir),
            "--port",
            str(port),
        ],
        cwd=ROOT,
    )
    try:
        for _ in range(200):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/login")
                break
            except OSError:
                time.sleep(0.1)
        session = Session(port)
        session.login()
        rng = random.Random(0)
        results = []
        print(f"{'page':<40} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'req/s':>6}")
        for name, paths in pages(ids, rng).items():
            if args.only and args.only not in name:
                continue
            r = measure(session, name, paths, args.requests, args.concurrency)
            results.append(r)
            flag = "" if r["p95_ms"] < 300 else "  <-- over 300 ms"
            print(
                f"{name:<40} {r['n']:>4} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8} {r['rps']:>6}"
                f"{' errors ' + str(r['errors'][:3]) if r['errors'] else ''}{flag}",
                flush=True,
            )
        if not args.only or args.only in "edit":
            placed = ids["locks"]
            r = measure_edits(session, ids["plan"], placed, max(5, args.requests // 4))
            results.append(r)
            print(
                f"{r['page']:<40} {r['n']:>4} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8} {'':>6}"
                f"{' errors ' + str(r['errors'][:3]) if r['errors'] else ''}",
                flush=True,
            )
        (args.workdir / "pages-bench.json").write_text(
            json.dumps(
                {
                    "counts": ids["counts"],
                    "timings": ids["timings"],
                    "concurrency": args.concurrency,
                    "results": results,
                },
                indent=1,
                ensure_ascii=False,
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
