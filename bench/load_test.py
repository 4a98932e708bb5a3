"""Loopback load test: many signed-in users browsing and editing one province at once, then a check that no
edit was lost.

Runs against the demo database (build it first):

    STAFFING_INSTANCE=/tmp/loadtest .venv/bin/staffing demo --no-serve --time-limit 20
    .venv/bin/python bench/load_test.py --instance /tmp/loadtest --users 50 --duration 300
    .venv/bin/python bench/load_test.py --instance /tmp/loadtest --server gunicorn --workers 2 \
        --users 50 --duration 180 --think 3 --think-min 1 --shared 4

It starts `staffing serve` on 127.0.0.1 (or uses --url http://127.0.0.1:PORT of a server you started on the
same instance), creates one drafter per simulated user (load-NN@langson.demo), and runs --users threads for
--duration seconds (or until --max-requests requests). Each user signs in (CSRF and all) and repeatedly
browses — province overview, plan, commune org charts (mostly its own commune, polling its live view),
person cards, dashboards — and, one step in --edit-every, locks or unlocks one of the placed people it works
on through the review change form (GET the form, POST it back with what it saw and its CSRF token).

As in a province office, each user works on a commune of its own, except --shared users who all work on the
people of one commune. A refused edit (409) is retried with a fresh form and classified: a *true* conflict
when another user saved an edit of the same person after this user loaded the form, else a *false* one (a
refusal of an edit that touched nothing anyone else changed: what locking per plan used to do).

At the end it reports requests, errors (anything but 2xx/3xx, other than the expected 409s), p50/p95/p99 per
page, and checks against the database that every successful lock/unlock is in the audit trail (by user,
person and action), that each person's final lock state is the last one saved, and that the audit chain
verifies. The last line of output is one JSON object: requests, errors, rps, page_p50_ms, page_p95_ms,
edit_p95_ms, edits, refused_true, refused_false, lost. Exit status 1 when there were errors or a lost
change. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "load-test-2025"  # noqa: S105 (throwaway accounts of a throwaway demo database)
CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
FORM = re.compile(rb'<form method="post" action="/plans/\d+/change"[^>]*>(.*?)</form>', re.S)
INPUT = re.compile(rb"<input[^>]*>")
ATTR = re.compile(rb'(name|value|type|checked)(?:="([^"]*)")?')


# ---------------------------------------------------------------- the database side


def _app(instance: str):  # type: ignore[no-untyped-def]
    os.environ["STAFFING_INSTANCE"] = instance
    from staffing import create_app

    return create_app()


def prepare(instance: str, users: int, province: str, shared: int = 0) -> dict[str, Any]:
    """One drafter per simulated user; the plan to edit; the people each user works on (its commune's)."""
    from staffing.extensions import db
    from staffing.models import Assignment, Commune, Department, Plan, PlanStatus, Position, Role, User

    app = _app(instance)
    with app.app_context():
        for i in range(users):
            email = f"load-{i:02d}@langson.demo"
            user = db.session.scalar(db.select(User).where(User.email == email))
            if user is None:
                user = User(email=email, name=f"Tải {i:02d}", role=Role.DRAFTER, province_code=province)
                db.session.add(user)
            user.set_password(PASSWORD)
            user.failed_logins, user.locked_until, user.active = 0, None, True
        db.session.commit()
        plan = db.session.scalar(
            db.select(Plan)
            .where(Plan.province_code == province, Plan.status == PlanStatus.DRAFT)
            .order_by(Plan.id)
        )
        if plan is None:
            raise SystemExit("no draft plan in the demo database: run `staffing demo --no-serve` first")
        rows = db.session.execute(
            db.select(Assignment.person_id, Assignment.locked, Commune.code)
            .join(Position, Assignment.position_id == Position.id)
            .join(Department, Position.department_id == Department.id)
            .join(Commune, Department.commune_id == Commune.id)
            .where(Assignment.plan_id == plan.id)
            .order_by(Assignment.person_id)
        ).all()
        communes = list(db.session.scalars(db.select(Commune.code).where(Commune.province_code == province)))
        audit_before = _audit_max_id()
        user_ids = {
            f"load-{i:02d}@langson.demo": db.session.scalar(
                db.select(User.id).where(User.email == f"load-{i:02d}@langson.demo")
            )
            for i in range(users)
        }
    rng = random.Random(7)
    people = [pid for pid, _locked, _c in rows]
    by_commune: dict[str, list[int]] = defaultdict(list)
    for pid, _locked, code in rows:
        by_commune[code].append(pid)
    order = sorted(by_commune, key=lambda c: (-len(by_commune[c]), c))
    # --shared users work on the people of one commune; every other user on a commune of its own
    shared = min(shared, users)
    home: list[str] = []
    per_user: list[list[int]] = []
    for i in range(users):
        code = order[0] if i < shared else order[1 + (i - shared) % max(1, len(order) - 1)]
        pool = list(by_commune[code])
        rng.shuffle(pool)
        home.append(code)
        per_user.append(sorted(by_commune[code])[:6] if i < shared else pool[:6])
    rng.shuffle(people)
    return {
        "plan": plan.id,
        "locked": {pid: locked for pid, locked, _c in rows},
        "people": people,
        "communes": communes,
        "per_user": per_user,
        "home": home,
        "shared": shared,
        "audit_before": audit_before,
        "user_ids": user_ids,
    }


def _audit_max_id() -> int:
    from staffing.extensions import db
    from staffing.models import AuditEntry

    return db.session.scalar(db.select(db.func.max(AuditEntry.id))) or 0


def verify(
    instance: str, setup: dict[str, Any], done: list[tuple[str, int, str]], expected: dict[int, bool]
) -> dict[str, Any]:
    """Every successful edit is in the audit trail; each person's lock is what its user last set."""
    from staffing.audit import verify as verify_chain
    from staffing.extensions import db
    from staffing.models import Assignment, AuditEntry

    app = _app(instance)
    with app.app_context():
        entries = db.session.execute(
            db.select(AuditEntry.user_id, AuditEntry.person_id, AuditEntry.action)
            .where(
                AuditEntry.id > setup["audit_before"],
                AuditEntry.plan_id == setup["plan"],
                AuditEntry.action.in_(("lock", "unlock")),
            )
            .order_by(AuditEntry.id)
        ).all()
        # the final state of a person is the last edit saved (in the order of the audit trail)
        expected = dict(expected)
        for _user, person_id, action in entries:
            expected[person_id] = action == "lock"
        audited: dict[tuple[int, int, str], int] = defaultdict(int)
        for user_id, person_id, action in entries:
            audited[(user_id, person_id, action)] += 1
        made: dict[tuple[int, int, str], int] = defaultdict(int)
        for email, person_id, action in done:
            made[(setup["user_ids"][email], person_id, action)] += 1
        missing = {str(k): v - audited.get(k, 0) for k, v in made.items() if audited.get(k, 0) < v}
        extra = {str(k): v - made.get(k, 0) for k, v in audited.items() if made.get(k, 0) < v}
        state = dict(
            db.session.execute(
                db.select(Assignment.person_id, Assignment.locked).where(
                    Assignment.plan_id == setup["plan"], Assignment.person_id.in_(list(expected))
                )
            ).all()
        )
        wrong = {
            pid: {"expected": want, "found": state.get(pid)}
            for pid, want in expected.items()
            if state.get(pid) != want
        }
        broken = verify_chain()
    return {
        "edits": len(done),
        "audited": len(entries),
        "missing_in_audit": missing,
        "unexplained_audit": extra,
        "wrong_final_state": wrong,
        "audit_chain_broken": broken,
        "ok": not missing and not extra and not wrong and not broken,
    }


# ---------------------------------------------------------------- a browser


class Browser:
    """One signed-in user: a cookie jar and a keep-alive connection to 127.0.0.1."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port, self.stats = port, stats
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self,
        name: str,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        expected: tuple[int, ...] = (),
    ) -> tuple[int, bytes, dict[str, str]]:
        headers = {"Accept": "text/html", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        status, data, got = 0, b"", {}
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                status = response.status
                got = {}
                for key, value in response.getheaders():
                    if key.lower() == "set-cookie":
                        cookie = value.split(";", 1)[0]
                        k, _, v = cookie.partition("=")
                        if v and "Expires=Thu, 01 Jan 1970" not in value:
                            self.cookies[k] = v
                        else:
                            self.cookies.pop(k, None)
                    got[key.lower()] = value
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                break
            except (http.client.HTTPException, OSError) as exc:
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt:
                    status, data = -1, repr(exc).encode()
        self.stats.add(name, status, (time.perf_counter() - started) * 1000, expected)
        return status, data, got

    def login(self, email: str) -> None:
        status, data, _h = self.request("login form", "GET", "/login")
        token = CSRF.search(data)
        if status != 200 or not token:
            raise RuntimeError(f"login page: {status}")
        status, _d, _headers = self.request(
            "login",
            "POST",
            "/login",
            {"csrf_token": token.group(1).decode(), "email": email, "password": PASSWORD},
        )
        if status != 302:
            raise RuntimeError(f"{email}: login refused ({status})")


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.expected: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.count = 0

    def add(self, name: str, status: int, ms: float, expected: tuple[int, ...]) -> None:
        with self.lock:
            self.count += 1
            self.times[name].append(ms)
            if status in expected:
                self.expected[name][status] += 1
            elif not 200 <= status < 400:
                self.errors[name][status] += 1

    def report(self) -> dict[str, Any]:
        def pct(values: list[float], q: float) -> float:
            ordered = sorted(values)
            return round(ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))], 1)

        pages = {}
        for name, values in sorted(self.times.items()):
            pages[name] = {
                "n": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": pct(values, 0.95),
                "p99_ms": pct(values, 0.99),
                "max_ms": round(max(values), 1),
                "errors": dict(self.errors.get(name, {})),
                "expected": dict(self.expected.get(name, {})),
            }
        return {
            "requests": self.count,
            "errors": sum(sum(v.values()) for v in self.errors.values()),
            "pages": pages,
        }


# ---------------------------------------------------------------- a user


def form_fields(page: bytes) -> dict[str, str] | None:
    """The hidden fields of the confirm form on a change page (CSRF token, version, kind, person, ...)."""
    match = FORM.search(page)
    if not match:
        return None
    fields: dict[str, str] = {}
    for tag in INPUT.findall(match.group(1)):
        attrs = {k.decode(): (v or b"").decode() for k, v in ATTR.findall(tag)}
        if attrs.get("type") in ("hidden", None) and "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields if "csrf_token" in fields and "version" in fields else None


def run_user(
    index: int,
    email: str,
    args: argparse.Namespace,
    setup: dict[str, Any],
    stats: Stats,
    stop: threading.Event,
    done: list[tuple[str, int, str]],
    expected: dict[int, bool],
    lock: threading.Lock,
) -> None:
    rng = random.Random(index)
    browser = Browser(args.port, stats)
    try:
        browser.login(email)
    except RuntimeError as exc:
        print("  ", exc, file=sys.stderr)
        return
    plan, province = setup["plan"], args.province
    mine = setup["per_user"][index]
    home = setup["home"][index]
    state, saved, refused = setup["state"], setup["saved"], setup["refused"]
    step = 0
    while not stop.is_set():
        step += 1
        if mine and step % args.edit_every == 0:
            pid = rng.choice(mine)
            for _attempt in range(args.retries):
                if stop.is_set():
                    break
                with lock:
                    kind = "unlock" if state[pid] else "lock"
                loaded = time.monotonic()
                status, page, _h = browser.request(
                    f"change form ({kind})",
                    "GET",
                    f"/plans/{plan}/change?" + urlencode({"kind": kind, "person": pid}),
                )
                fields = form_fields(page) if status == 200 else None
                if fields is None:
                    break
                fields["reason"] = "kiểm thử tải"
                fields["override"] = "y"
                status, _p, _h = browser.request(
                    f"edit POST ({kind})", "POST", f"/plans/{plan}/change", fields, expected=(409, 422)
                )
                if status == 302:
                    with lock:
                        state[pid] = kind == "lock"
                        done.append((email, pid, kind))
                        saved[pid].append((time.monotonic(), email))
                        if index >= setup["shared"]:
                            expected[pid] = state[pid]
                    break
                if status != 409:
                    break  # 422: the change is no longer possible (a shared person someone just changed)
                # true when someone else saved an edit of this person since this user loaded the form
                with lock:
                    true = any(t >= loaded and who != email for t, who in saved[pid])
                    refused["true" if true else "false"] += 1
                time.sleep(rng.uniform(0.0, 0.2))
        else:
            what = rng.random()
            if what < 0.15:
                browser.request("province", "GET", f"/p/{province}")
            elif what < 0.30:
                browser.request("plan", "GET", f"/plans/{plan}")
            elif what < 0.55:
                # mostly the user's own commune, whose live view it then polls
                code = home if rng.random() < 0.7 else rng.choice(setup["communes"])
                browser.request("commune chart", "GET", f"/plans/{plan}/c/{code}")
                if code == home and args.live:
                    browser.request("live poll", "GET", f"/plans/{plan}/c/{code}/live")
            elif what < 0.80:
                browser.request("person card", "GET", f"/plans/{plan}/people/{rng.choice(setup['people'])}")
            elif what < 0.90:
                browser.request("dashboard", "GET", f"/plans/{plan}/dashboard")
            else:
                browser.request("commune page", "GET", f"/p/{province}/c/{rng.choice(setup['communes'])}")
        if stats.count >= args.max_requests:
            stop.set()
        if args.think:
            time.sleep(rng.uniform(min(args.think_min, args.think), args.think))


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    instance: str, port: int, server: str, workers: int, threads: int | None = None
) -> subprocess.Popen:
    """`staffing serve` (werkzeug, threaded, one process) or gunicorn with the production settings of
    deploy/gunicorn.conf.py (WORKERS processes; THREADS threads each when given, else the settings' own)."""
    env = dict(os.environ, STAFFING_INSTANCE=instance)
    log = open(Path(instance) / "load-test-server.log", "w")  # noqa: SIM115
    bindir = Path(sys.executable).parent
    if server == "gunicorn":
        cmd = [
            str(bindir / "gunicorn"),
            "-c",  # the production settings (deploy/), then this run's processes, threads and port
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "-w",
            str(workers),
            *(["--threads", str(threads)] if threads is not None else []),
            "-b",
            f"127.0.0.1:{port}",
            "staffing:create_app()",
        ]
    else:
        cmd = [str(bindir / "staffing"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT), start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"server exited ({proc.returncode}); see {log.name}") from None
            time.sleep(0.3)
    raise SystemExit("server did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instance", default=os.environ.get("STAFFING_INSTANCE", "/tmp/loadtest"))
    parser.add_argument("--province", default="20")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds (default 300)")
    parser.add_argument("--max-requests", type=int, default=500_000)
    parser.add_argument("--edit-every", type=int, default=8, help="one step in N is an edit")
    parser.add_argument("--retries", type=int, default=5, help="tries of an edit that meets a 409")
    parser.add_argument("--think", type=float, default=0.0, help="max pause between steps (s)")
    parser.add_argument("--think-min", type=float, default=0.0, help="min pause between steps (s)")
    parser.add_argument("--shared", type=int, default=4, help="users who all work on one commune")
    parser.add_argument(
        "--no-live", dest="live", action="store_false", help="do not poll the commune live view"
    )
    parser.add_argument(
        "--server",
        choices=("serve", "gunicorn"),
        default="serve",
        help="what to start: `staffing serve` (default) or gunicorn (pip install gunicorn)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--threads", type=int, help="threads per gunicorn worker (default: deploy/gunicorn.conf.py's)"
    )
    parser.add_argument("--url", help="an already running server on 127.0.0.1 (same instance)")
    parser.add_argument("--out", help="write the report as JSON here")
    args = parser.parse_args(argv)
    if args.url:
        parts = urlsplit(args.url)
        if parts.hostname != "127.0.0.1":
            raise SystemExit("loopback only: --url must be http://127.0.0.1:PORT")
        args.port = parts.port or 80
    else:
        args.port = free_port()
    args.users = max(1, min(args.users, 200))
    args.duration = max(1.0, min(args.duration, 3600.0))

    print(f"preparing {args.users} users on {args.instance} …", flush=True)
    setup = prepare(args.instance, args.users, args.province, args.shared)
    setup["state"] = {pid: bool(locked) for pid, locked in setup["locked"].items()}
    setup["saved"] = defaultdict(list)
    setup["refused"] = {"true": 0, "false": 0}
    load_before = os.getloadavg()
    server = (
        None if args.url else start_server(args.instance, args.port, args.server, args.workers, args.threads)
    )
    stats, stop = Stats(), threading.Event()
    done: list[tuple[str, int, str]] = []
    expected: dict[int, bool] = {}
    lock = threading.Lock()
    emails = list(setup["user_ids"])
    threads = [
        threading.Thread(
            target=run_user, args=(i, emails[i], args, setup, stats, stop, done, expected, lock), daemon=True
        )
        for i in range(args.users)
    ]
    print(f"{args.users} users for {args.duration:.0f} s against 127.0.0.1:{args.port} …", flush=True)
    started = time.monotonic()
    client_cpu0 = sum(os.times()[:2])
    try:
        for t in threads:
            t.start()
        while not stop.is_set() and time.monotonic() - started < args.duration:
            time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(timeout=180)
    finally:
        wall = time.monotonic() - started
        client_cpu = sum(os.times()[:2]) - client_cpu0
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    report = stats.report()
    report.update(
        {
            "server": "external" if args.url else args.server,
            "users": args.users,
            "seconds": round(wall, 1),
            "rps": round(report["requests"] / wall, 1),
            # the simulated users run on the same machine: the CPU they took was not the server's
            "client_cpu_share": round(client_cpu / wall / (os.cpu_count() or 1), 3),
        }
    )
    report["check"] = verify(args.instance, setup, done, expected)
    print(
        f"\n{report['requests']} requests in {report['seconds']} s ({report['rps']}/s), "
        f"{report['errors']} errors, {args.users} users; the load generator itself used "
        f"{report['client_cpu_share']:.0%} of the machine's CPU"
    )
    print(f"{'page':28} {'n':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  errors / expected")
    for name, row in report["pages"].items():
        print(
            f"{name:28} {row['n']:7d} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['p99_ms']:8.1f} "
            f"{row['max_ms']:8.1f}  {row['errors'] or ''} {row['expected'] or ''}"
        )
    check = report["check"]
    print(
        f"\nedits saved: {check['edits']}, in the audit trail: {check['audited']}; missing: "
        f"{len(check['missing_in_audit'])}, unexplained: {len(check['unexplained_audit'])}, wrong final state: "
        f"{len(check['wrong_final_state'])}, audit chain broken at: {check['audit_chain_broken'] or 'none'}"
    )
    print("OK: no error, no lost change" if check["ok"] and not report["errors"] else "FAILED")
    print(
        f"refused edits: {setup['refused']['true']} true conflicts, {setup['refused']['false']} false; "
        f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f} "
        f"(1 min; {os.cpu_count()} CPUs, shared with other work)"
    )
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    summary = summarise(stats, report, check, setup["refused"])
    print(json.dumps(summary))
    return 0 if check["ok"] and not report["errors"] else 1


def summarise(
    stats: Stats, report: dict[str, Any], check: dict[str, Any], refused: dict[str, int]
) -> dict[str, Any]:
    """The one-line result: pages are the GETs a user waits for (not the login), edits the POSTs."""

    def pct(values: list[float], q: float) -> float:
        if not values:
            return 0.0
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))], 1)

    pages = [ms for name, v in stats.times.items() if not name.startswith(("login", "edit")) for ms in v]
    edits = [ms for name, v in stats.times.items() if name.startswith("edit") for ms in v]
    lost = (
        len(check["missing_in_audit"])
        + len(check["wrong_final_state"])
        + (1 if check["audit_chain_broken"] else 0)
    )
    return {
        "requests": report["requests"],
        "errors": report["errors"],
        "rps": report["rps"],
        "page_p50_ms": pct(pages, 0.5),
        "page_p95_ms": pct(pages, 0.95),
        "edit_p95_ms": pct(edits, 0.95),
        "edits": check["edits"],
        "refused_true": refused["true"],
        "refused_false": refused["false"],
        "lost": lost,
    }


if __name__ == "__main__":
    sys.exit(main())
