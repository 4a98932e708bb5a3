"""Faults: a worker restart resumes queued jobs; a solve killed midway (SIGKILL) on a Lạng Sơn-sized problem
keeps the stored plan and can be run again; the database going away and coming back (a private PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from staffing.extensions import db
from staffing.models import Assignment, AuditEntry, JobState, Plan, Province
from staffing.services import plans

REPO = Path(__file__).resolve().parents[2]


def _state(plan_id: int) -> tuple[JobState, int]:
    """The plan's job state and assignment count, read fresh (no transaction left open: SQLite writers wait)."""
    try:
        plan = db.session.get(Plan, plan_id)
        db.session.refresh(plan)
        count = db.session.scalar(
            db.select(db.func.count()).select_from(Assignment).where(Assignment.plan_id == plan_id)
        )
        return plan.job_state, count or 0
    finally:
        db.session.remove()


def test_worker_restart_resumes_queued_solve(
    app: Flask, tiny_province, tmp_path, database_url, monkeypatch
) -> None:
    """A solve queued while no worker runs (or before the worker died) is done by the next worker."""
    from huey import SqliteHuey

    from staffing import tasks

    # the worker builds its own app from the environment, as `staffing worker` does
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("STAFFING_SECRET_KEY", "w" * 40)
    queue_file = tmp_path / "queue.db"
    first = SqliteHuey("staffing", filename=str(queue_file))
    solve = first.task(retries=0)(tasks.solve_plan_task.func)
    plan = plans.create_plan(tiny_province, "Chờ giải", None)
    plan.job_state = JobState.QUEUED
    db.session.commit()
    plan_id = plan.id
    solve(plan_id, 10, 1, None)  # enqueued: nobody is consuming
    assert first.pending_count() == 1
    del first, solve  # the old worker process is gone; the queue file stays
    assert _state(plan_id) == (JobState.QUEUED, 0)

    # a new worker process starts on the same queue
    second = SqliteHuey("staffing", filename=str(queue_file))
    second.task(retries=0)(tasks.solve_plan_task.func)
    assert second.pending_count() == 1
    consumer = second.create_consumer(
        workers=1,
        worker_type="thread",
        periodic=False,
        initial_delay=0.05,
        max_delay=0.2,
        check_worker_health=False,
    )
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    immediate = tasks.huey.immediate
    consumer.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state, count = _state(plan_id)
            if state in (JobState.DONE, JobState.FAILED):
                break
            time.sleep(0.2)
    finally:
        consumer.stop(graceful=True)
        for s, handler in saved.items():
            signal.signal(s, handler)
        tasks.huey.immediate = immediate
    assert (state, count) == (JobState.DONE, 5)
    assert second.pending_count() == 0
    plan = db.session.get(Plan, plan_id)
    assert plan.solver_status in ("OPTIMAL", "FEASIBLE")


# ------------------------------------------------------------------ a solve killed midway

CHILD = """
import os, sys
sys.path.insert(0, {repo!r})
os.environ["STAFFING_INSTANCE"] = {instance!r}
from staffing import create_app
from staffing.services import plans
app = create_app({{"SQLALCHEMY_DATABASE_URI": {url!r}, "SECRET_KEY": "x" * 40}})
with app.test_request_context():
    print("solving", flush=True)
    plans.run_solve_job({plan_id}, 60, 1, None)
print("finished", flush=True)
"""


def test_killed_solve_of_a_province_keeps_the_plan_and_can_run_again(app: Flask, tmp_path) -> None:
    """The real solver on bench/make_problem.py's Lạng Sơn-sized province (~5,300 people), killed with SIGKILL
    while it works: the assignments stored before are untouched, the silent job is expired by the app's stale-job
    rule, and the plan solves again."""
    sys.path.insert(0, str(REPO))
    from bench.make_problem import make_problem
    from bench.pages_bench import _load_problem

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        db.session.execute(db.text("PRAGMA journal_mode=WAL"))
        db.session.commit()
    with app.test_request_context():
        doc = make_problem(scale=1, seed=0)
        for key in ("locks", "forbidden"):
            doc[key] = []
        doc["previous_plan"] = {}
        _load_problem(doc)
    province = db.session.get(Province, doc["province"]["code"])
    plan = plans.create_plan(province, "Đang dùng", None)
    db.session.flush()
    # the plan as it stands: some people in seats (a previous solve or hand work)
    people = {p["id"]: None for p in doc["people"]}
    from staffing.models import Department, MergerLink, Person, Position

    pairs = db.session.execute(
        db.select(Person.id, db.func.min(Position.id))
        .join(MergerLink, MergerLink.old_unit_id == Person.unit_id)
        .join(Department, Department.commune_id == MergerLink.commune_id)
        .join(Position, Position.department_id == Department.id)
        .where(Person.province_code == province.code)
        .group_by(Person.id)
        .order_by(Person.id)
        .limit(300)
    ).all()
    assert len(pairs) == 300 and people
    db.session.add_all(
        Assignment(plan=plan, person_id=pid, position_id=pos, source="manual", reasons=[], gaps=[])
        for pid, pos in pairs
    )
    db.session.commit()
    plan_id = plan.id
    before = sorted(
        db.session.execute(
            db.select(Assignment.person_id, Assignment.position_id, Assignment.source).where(
                Assignment.plan_id == plan_id
            )
        ).all()
    )
    db.session.remove()

    script = CHILD.format(repo=str(REPO), instance=str(tmp_path / "child"), url=url, plan_id=plan_id)
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "solving"
        # kill it once the solver itself reports progress (the model is built and search is under way)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            plan = db.session.get(Plan, plan_id)
            db.session.refresh(plan)
            running = plan.job_state == JobState.RUNNING and plan.job_progress > 0
            db.session.remove()
            if running or child.poll() is not None:
                break
            time.sleep(0.1)
        assert child.poll() is None, (
            "the solve ended before it could be killed: " + child.stderr.read()[-2000:]
        )
        time.sleep(0.5)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    plan = db.session.get(Plan, plan_id)
    assert plan.job_state == JobState.RUNNING  # nobody could write anything else
    after = sorted(
        db.session.execute(
            db.select(Assignment.person_id, Assignment.position_id, Assignment.source).where(
                Assignment.plan_id == plan_id
            )
        ).all()
    )
    assert after == before
    # the app's stale-job rule: a fresh heartbeat is presumed alive, an old one is marked failed
    assert not plans.expire_stale_job(plan)
    assert plans.expire_stale_job(plan, now=datetime.now(UTC) + plans.STALE_JOB_AFTER + timedelta(seconds=1))
    db.session.expire_all()
    plan = db.session.get(Plan, plan_id)
    assert plan.job_state == JobState.FAILED and plan.job_message
    # run again (short): done, and every person of the province is placed or listed as unplaced
    with app.test_request_context():
        plans.run_solve_job(plan_id, 1, 1, None)
    db.session.expire_all()
    plan = db.session.get(Plan, plan_id)
    assert plan.job_state == JobState.DONE, plan.job_message
    count = db.session.scalar(
        db.select(db.func.count()).select_from(Assignment).where(Assignment.plan_id == plan_id)
    )
    assert count == len(doc["people"])


# ------------------------------------------------------------------ PostgreSQL going away and coming back

PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
PORT = 55432


def _as_postgres(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    cmd = list(args)
    if os.geteuid() == 0:
        cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in args)]
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)


@pytest.fixture
def private_postgres(tmp_path_factory) -> Iterator[tuple[str, callable, callable]]:
    """A PostgreSQL server of our own on port 55432 (never the system one on 5432); (url, stop, start)."""
    assert PG_BIN, "PostgreSQL binaries not found under /usr/lib/postgresql"
    bindir = PG_BIN[-1].parent
    base = Path(f"/tmp/staffing-pg-{os.getpid()}")
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir()
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    _as_postgres(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    log = base / "log"

    def start() -> None:
        _as_postgres(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {PORT} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop() -> None:
        _as_postgres(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop", check=False)

    start()
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{PORT}/postgres", stop, start
    finally:
        stop()
        shutil.rmtree(base, ignore_errors=True)


def test_app_answers_503_while_postgres_is_down_and_recovers(private_postgres, tmp_path, monkeypatch) -> None:
    from staffing import create_app
    from staffing.models import Role, User

    url, stop, start = private_postgres
    monkeypatch.setenv("STAFFING_INSTANCE", str(tmp_path / "pg-instance"))
    pg_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "p" * 40,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "HUEY_IMMEDIATE": True,
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    assert pg_app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping") is True
    with pg_app.app_context():
        db.create_all()
        db.session.add(Province(code="20", name="Lạng Sơn"))
        user = User(email="a@lang-son", name="a", role=Role.DRAFTER, province_code="20")
        user.set_password("secret-pass-1")
        db.session.add(user)
        db.session.commit()
        db.session.remove()
    client = pg_app.test_client()
    assert client.post("/login", data={"email": "a@lang-son", "password": "secret-pass-1"}).status_code == 302
    assert client.get("/p/20").status_code == 200  # the pool now holds a live connection

    anonymous = pg_app.test_client()

    def wait_until_up() -> int:
        status, deadline = None, time.monotonic() + 30
        while time.monotonic() < deadline:
            status = client.get("/p/20").status_code
            if status == 200:
                break
            time.sleep(0.3)
        return status

    # 1. down: a visitor gets the clear 503 page; 2. back: the same app and pool serve again
    stop()
    down = anonymous.post("/login", data={"email": "a@lang-son", "password": "whatever-123"})
    assert down.status_code == 503
    assert "Cơ sở dữ liệu tạm thời không truy cập được" in down.get_data(as_text=True)
    start()
    assert wait_until_up() == 200  # stale pooled connections were replaced (pool_pre_ping)

    # 3. down again, now for a signed-in user (the page header and the activity log name the user)
    stop()
    try:
        down = client.get("/p/20")
        assert down.status_code == 503
        assert "Cơ sở dữ liệu tạm thời không truy cập được" in down.get_data(as_text=True)
    finally:
        start()
    assert wait_until_up() == 200
    with pg_app.app_context():
        db.engine.dispose()


# ------------------------------------------------------------------ the audit chain under concurrent writers


def test_audit_chain_stays_linear_under_concurrent_writers(app: Flask, tiny_province) -> None:
    """Two requests append to the audit trail at the same time (two users logging in in the same second, as the
    load test does): each entry must chain to the one before it, not both to the same predecessor."""
    import threading

    from staffing.audit import record, verify

    record("create", "plan", user=None, province_code="20")
    db.session.commit()
    # request A has added its entry and not committed yet …
    record("login", "user", user=None, entity_id="a", province_code="20")
    db.session.flush()
    errors: list[BaseException] = []

    b_started = threading.Event()

    def request_b() -> None:  # … when request B adds its own and commits
        try:
            with app.app_context():
                b_started.set()
                record("login", "user", user=None, entity_id="b", province_code="20")
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # pragma: no cover - shown below
            errors.append(exc)

    other = threading.Thread(target=request_b)
    other.start()
    assert b_started.wait(timeout=30)
    time.sleep(0.5)  # B reads the head of the chain now (or waits for A's lock, once appends are serialised)
    db.session.commit()
    other.join(timeout=30)
    assert not errors, errors
    db.session.expire_all()
    chain = db.session.execute(
        db.select(AuditEntry.id, AuditEntry.prev_hash, AuditEntry.hash).order_by(AuditEntry.id)
    ).all()
    assert len({prev for _id, prev, _h in chain}) == len(chain), f"two entries share a predecessor: {chain}"
    assert verify() == []
