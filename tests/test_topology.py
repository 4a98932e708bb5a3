"""The production topology, running: gunicorn with 2 worker processes, 2 huey consumers on Redis, PostgreSQL,
all on loopback (README "Running a province office server").

Signs two drafters in through the real login form (CSRF on), edits one plan from both at once (the edits are
served by both gunicorn processes), runs two province solves through the queue in parallel and checks both
finish, kills the consumer running a solve and checks the plan is reported failed (never left "running"),
then solves it again on a fresh consumer and checks that no edit was lost.

Needs PostgreSQL (TEST_DATABASE_URL or TEST_DATABASE_URL_PG, else 127.0.0.1:5432 as postgres) and Redis
(TEST_REDIS_URL, default redis://127.0.0.1:6379/12: a db of its own, emptied at start); skipped with the
reason when either is absent. bin/test installs gunicorn (the `prod` extra) and starts both services.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import create_engine, text

from staffing.extensions import db
from staffing.models import Assignment, AuditEntry, JobState, Plan, Role, User

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "topology-pass-1"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SEEN = re.compile(r'id="seen" name="seen" type="hidden" value="([^"]*)"')
HOLD_S, STALE_S = 3.0, 6.0  # every solve holds 3 s after it starts; 6 s of silence means its worker died


def _pg_base() -> str | None:
    for name in ("TEST_DATABASE_URL", "TEST_DATABASE_URL_PG"):
        url = os.environ.get(name, "")
        if url.startswith("postgresql"):
            return url
    return "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """Always PostgreSQL here (the topology's database), a fresh database of this test."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("topology test: psycopg is not installed (pip install -e '.[prod]')")
    base = _pg_base()
    assert base is not None
    admin = create_engine(base.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # no server: say so
        pytest.skip(
            f"topology test: PostgreSQL is not reachable at {base.split('@')[-1]} ({type(exc).__name__})"
        )
    name = f"topo_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def redis_url() -> str:
    try:
        import redis
    except ImportError:
        pytest.skip("topology test: the redis package is not installed (pip install -e '.[prod]')")
    url = _redis_url()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except Exception as exc:
        pytest.skip(f"topology test: Redis is not reachable at {url} ({type(exc).__name__})")
    client.flushdb()  # this test's own db number only
    return url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Topology:
    """gunicorn (2 sync workers) and huey consumers, as subprocesses with their own logs."""

    def __init__(self, tmp: Path, database_url: str, redis_url: str) -> None:
        self.tmp, self.port = tmp, _free_port()
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            HUEY_URL=redis_url,
            STAFFING_INSTANCE=str(tmp / "instance"),
            STAFFING_SECRET_KEY="topology-test-secret-key-0123456789abcdef",
            STAFFING_SOLVE_HOLD_S=str(HOLD_S),
            STAFFING_STALE_JOB_S=str(STALE_S),
        )
        for name in ("HUEY_IMMEDIATE", "TEST_DATABASE_URL"):
            self.env.pop(name, None)
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, cmd: list[str]) -> None:
        log = (self.tmp / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            cmd, env=self.env, cwd=str(REPO), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_web(self) -> None:
        self.start(
            "web",
            [
                str(BIN / "gunicorn"),
                "-c",
                str(REPO / "deploy" / "gunicorn.conf.py"),
                "-w",
                "2",
                "-k",
                "sync",  # one request at a time per process: concurrent requests land on both
                "-b",
                f"127.0.0.1:{self.port}",
                "--access-logformat",
                'pid=%(p)s "%(r)s" %(s)s',
                "staffing:create_app()",
            ],
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                assert self.procs["web"].poll() is None, self.log("web")
                time.sleep(0.3)
        raise AssertionError("gunicorn did not start:\n" + self.log("web"))

    def start_consumer(self, name: str) -> None:
        self.start(name, [str(BIN / "staffing"), "worker"])

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.procs):
            proc = self.procs.pop(name)
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


class Browser:
    """A signed-in user over real HTTP: its own cookie jar, a new connection per request."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, {}  # type: ignore[var-annotated]

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Connection": "close"}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        for key, value in response.getheaders():
            if key.lower() == "set-cookie":
                k, _, v = value.split(";", 1)[0].partition("=")
                self.cookies[k] = v
        conn.close()
        return response.status, data, response.getheader("Location") or ""

    def login(self, email: str) -> None:
        status, page, _ = self.request("GET", "/login")
        assert status == 200
        token = CSRF.search(page)
        assert token
        status, _, _ = self.request(
            "POST", "/login", {"csrf_token": token.group(1), "email": email, "password": PASSWORD}
        )
        assert status == 302, f"{email} could not sign in ({status})"

    def edit(self, plan_id: int, **query: int | str) -> int:
        """GET the change page, POST its confirm form back (with what it saw), as a browser does."""
        status, page, _ = self.request("GET", f"/plans/{plan_id}/change?" + urlencode(query))
        assert status == 200, status
        token, seen = CSRF.search(page), SEEN.search(page)
        assert token and seen
        form = {k: str(v) for k, v in query.items()}
        form.update(csrf_token=token.group(1), seen=seen.group(1), version="0", override="y", reason="thử")
        status, _, _ = self.request("POST", f"/plans/{plan_id}/change", form)
        return status

    def propose(self, code: str, name: str) -> int:
        status, page, _ = self.request("GET", f"/p/{code}/plans")
        assert status == 200
        token = CSRF.search(page)
        assert token
        status, _, location = self.request(
            "POST", f"/p/{code}/plans", {"csrf_token": token.group(1), "name": name, "commune": ""}
        )
        assert status == 302 and "/plans/" in location, (status, location)
        return int(urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1])

    def wait(self, plan_id: int, states: tuple[str, ...], seconds: float = 90) -> str:
        """Poll the plan's progress (as its page does) until it reaches one of these states."""
        deadline = time.monotonic() + seconds
        state = ""
        while time.monotonic() < deadline:
            status, body, _ = self.request("GET", f"/plans/{plan_id}/progress")
            assert status == 200
            state = json.loads(body)["state"]
            if state in states:
                return state
            time.sleep(0.3)
        raise AssertionError(f"plan {plan_id} still {state!r} after {seconds} s")


def _state(plan_id: int) -> JobState:
    db.session.expire_all()
    plan = db.session.get(Plan, plan_id)
    assert plan is not None
    return plan.job_state


def test_gunicorn_two_workers_two_consumers_redis_postgresql(app, tiny_province, tmp_path, redis_url):
    for email, province in (("one@lang-son", "20"), ("two@lang-son", "20"), ("three@quang-ninh", "22")):
        user = User(email=email, name=email.split("@")[0], role=Role.DRAFTER, province_code=province)
        user.set_password(PASSWORD)
        db.session.add(user)
    db.session.commit()

    topo = Topology(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"], redis_url)
    try:
        topo.start_web()
        topo.start_consumer("consumer-1")
        topo.start_consumer("consumer-2")
        one, two, three = Browser(topo.port), Browser(topo.port), Browser(topo.port)
        one.login("one@lang-son")
        two.login("two@lang-son")
        three.login("three@quang-ninh")

        # two province solves through the queue, in parallel (each holds HOLD_S: they overlap)
        plan_20 = one.propose("20", "Phương án Lạng Sơn")
        plan_22 = three.propose("22", "Phương án Quảng Ninh")
        assert one.wait(plan_20, ("done", "failed")) == "done", topo.log("consumer-1") + topo.log(
            "consumer-2"
        )
        assert three.wait(plan_22, ("done", "failed")) == "done"
        consumer_logs = topo.log("consumer-1") + topo.log("consumer-2")
        assert "solve_plan_task" in topo.log("consumer-1") and "solve_plan_task" in topo.log("consumer-2"), (
            consumer_logs
        )

        # edits of one plan from two users at once, served by both gunicorn processes
        people = db.session.execute(
            db.select(Assignment.person_id)
            .where(Assignment.plan_id == plan_20, Assignment.position_id.is_not(None))
            .order_by(Assignment.person_id)
        ).all()
        mine = {"one": [p for (p,) in people[0::2]], "two": [p for (p,) in people[1::2]]}
        results: dict[str, list[int]] = {"one": [], "two": []}

        def work(name: str, browser: Browser) -> None:
            for _round in range(3):
                for pid in mine[name]:
                    results[name].append(browser.edit(plan_20, kind="lock", person=pid))
                    results[name].append(browser.edit(plan_20, kind="unlock", person=pid))

        threads = [threading.Thread(target=work, args=(n, b)) for n, b in (("one", one), ("two", two))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert all(s == 302 for s in results["one"] + results["two"]), results
        edits = len(results["one"]) + len(results["two"])
        pids = set(re.findall(r'pid=<(\d+)> "POST /plans/\d+/change', topo.log("web")))
        assert len(pids) == 2, "both gunicorn workers served edits"
        db.session.expire_all()
        audited = db.session.scalar(
            db.select(db.func.count(AuditEntry.id)).where(
                AuditEntry.plan_id == plan_20, AuditEntry.action.in_(("lock", "unlock"))
            )
        )
        assert audited == edits  # nothing lost, nothing doubled
        # a last lock from each user: the state we expect after everything below
        for name, browser in (("one", one), ("two", two)):
            assert browser.edit(plan_20, kind="lock", person=mine[name][0]) == 302

        # a consumer killed mid-solve: the plan is reported failed, never left running
        status, page, _ = one.request("GET", f"/plans/{plan_20}")
        token = CSRF.search(page)
        version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
        assert token and version
        status, _, _ = one.request(
            "POST", f"/plans/{plan_20}/complete", {"csrf_token": token.group(1), "version": version.group(1)}
        )
        assert status == 302
        one.wait(plan_20, ("running",), 30)
        topo.kill("consumer-1")
        topo.kill("consumer-2")
        assert _state(plan_20) == JobState.RUNNING
        state = one.wait(plan_20, ("failed", "done"), STALE_S + 30)
        assert state == "failed"
        status, body, _ = one.request("GET", f"/plans/{plan_20}/progress")
        assert "gián đoạn" in json.loads(body)["message"]

        # a fresh consumer solves it again: the drafters' locks and every audit entry are still there
        topo.start_consumer("consumer-3")
        status, page, _ = one.request("GET", f"/plans/{plan_20}")
        token = CSRF.search(page)
        version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
        assert token and version
        status, _, _ = one.request(
            "POST", f"/plans/{plan_20}/complete", {"csrf_token": token.group(1), "version": version.group(1)}
        )
        assert status == 302
        assert one.wait(plan_20, ("done", "failed")) == "done"
        db.session.expire_all()
        locked = set(
            db.session.scalars(
                db.select(Assignment.person_id).where(Assignment.plan_id == plan_20, Assignment.locked)
            )
        )
        assert {mine["one"][0], mine["two"][0]} <= locked
        assert (
            db.session.scalar(
                db.select(db.func.count(AuditEntry.id)).where(
                    AuditEntry.plan_id == plan_20, AuditEntry.action.in_(("lock", "unlock"))
                )
            )
            == edits + 2
        )
    finally:
        topo.stop_all()
