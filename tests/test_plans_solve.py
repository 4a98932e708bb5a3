"""Proposing a plan: the background job runs the real solver and stores a plan that obeys the rules."""

from __future__ import annotations

import json

import pytest

from staffing.extensions import db
from staffing.models import Assignment, AuditEntry, JobState, Plan, Role
from staffing.services import plans
from staffing.services.problems import build_problem


def test_problem_is_valid_exchange_format(app, tiny_province):
    import solver

    problem = build_problem(tiny_province)
    loaded = solver.load_problem(problem)
    assert loaded is not None
    assert {u["code"]: u["feeds"] for u in problem["units"]} == {
        "06613": ["06613"],
        "06622": ["06613", "06625"],
        "H20": ["06613", "06625"],
    }
    commune = next(c for c in problem["communes"] if c["code"] == "06613")
    assert commune["merged_from"] == ["06613", "06622"] and commune["payroll_quota"] == 3
    assert len(problem["people"]) == 5 and problem["province"] == {"code": "20", "name": "Lạng Sơn"}


def test_propose_runs_the_solver_and_stores_a_valid_plan(client, login, make_user, tiny_province):
    import solver
    from solver.check import check_assignments

    make_user("drafter@lang-son", role=Role.DRAFTER)
    login(client, "drafter@lang-son")
    response = client.post("/p/20/plans", data={"name": "Phương án thử", "commune": ""})
    assert response.status_code == 302
    plan = db.session.scalar(db.select(Plan))
    db.session.refresh(plan)
    assert plan.job_state == JobState.DONE, plan.job_message
    assert plan.solver_status in ("OPTIMAL", "FEASIBLE")
    assignments = db.session.scalars(db.select(Assignment).where(Assignment.plan_id == plan.id)).all()
    assert len(assignments) == 5  # every person is either placed or listed as unplaced
    placed = {a.person.key: a.position.code for a in assignments if a.position is not None}
    assert len(placed) == 5  # 2 communes x (1 head + 2 staff) seats, quota 3 each: room for all 5
    problem = solver.load_problem(build_problem(tiny_province))
    assert check_assignments(problem, placed) == []
    assert all(a.reasons for a in assignments)
    assert plan.problem_sha256 and plan.solver_stats.get("seed") is not None
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Phương án thử" in page and "người được bố trí" in page
    chart = client.get(f"/plans/{plan.id}/c/06613").get_data(as_text=True)
    assert "Trưởng phòng" in chart
    progress = client.get(f"/plans/{plan.id}/progress").get_json()
    assert progress["state"] == "done" and progress["progress"] == 1.0
    actions = [
        e.action for e in db.session.scalars(db.select(AuditEntry).where(AuditEntry.plan_id == plan.id))
    ]
    assert actions == ["create", "solve"]


def test_problem_download_reproduces_the_plan(client, login, make_user, tiny_province, tmp_path):
    from solver.cli import main as solve_cli

    make_user("drafter@lang-son", role=Role.DRAFTER)
    login(client, "drafter@lang-son")
    client.post("/p/20/plans", data={"name": "A", "commune": ""})
    plan = db.session.scalar(db.select(Plan))
    problem = client.get(f"/plans/{plan.id}/problem.json").get_json()
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(problem), encoding="utf-8")
    assert (
        solve_cli(
            ["solve", "--problem", str(path), "--out", str(tmp_path / "plan.json"), "--time-limit", "10"]
        )
        == 0
    )
    result = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert result["stats"]["placed"] == plan.solver_stats["placed"]


def test_failed_solve_leaves_the_previous_plan_intact(app, tiny_province, monkeypatch):
    plan = plans.create_plan(tiny_province, "A", None)
    db.session.commit()
    plans.run_solve_job(plan.id, 10, 1, None)
    before = sorted((a.person_id, a.position_id) for a in db.session.get(Plan, plan.id).assignments)
    assert before

    def broken(*args, **kwargs):
        raise RuntimeError("solver killed")

    monkeypatch.setattr(plans, "solve_plan", broken)
    with pytest.raises(RuntimeError, match="solver killed"):
        plans.run_solve_job(plan.id, 10, 1, None)
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    assert plan.job_state == JobState.FAILED and "RuntimeError" in plan.job_message
    assert sorted((a.person_id, a.position_id) for a in plan.assignments) == before


def test_plans_of_another_province_are_not_found(client, login, make_user, tiny_province):
    from staffing.models import Province

    other = db.session.get(Province, "22")
    plan = plans.create_plan(other, "Quảng Ninh", None)
    db.session.commit()
    make_user("drafter@lang-son", role=Role.DRAFTER)
    login(client, "drafter@lang-son")
    for url in (
        f"/plans/{plan.id}",
        f"/plans/{plan.id}/progress",
        f"/plans/{plan.id}/c/07113",
        f"/plans/{plan.id}/problem.json",
    ):
        assert client.get(url).status_code == 404, url


def test_plan_page_links_the_exports(client, login, make_user, tiny_province):
    make_user("drafter@lang-son", role=Role.DRAFTER)
    login(client, "drafter@lang-son")
    client.post("/p/20/plans", data={"name": "A", "commune": ""})
    plan = db.session.scalar(db.select(Plan))
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    for href in (
        f"/plans/{plan.id}/export/workbook.xlsx",
        f"/plans/{plan.id}/export/decisions.zip?mode=per_person",
    ):
        assert href in page
        assert client.get(href).status_code == 200
    assert "DỰ THẢO" in page


def test_killed_solve_keeps_the_plan_and_its_job_expires(app, tiny_province, tmp_path, monkeypatch):
    """A worker killed mid-solve (SIGKILL, no cleanup) leaves the stored plan as it was; the silent job is
    marked failed once its heartbeat is old, so the plan can be solved again."""
    import os
    import signal
    import subprocess
    import sys
    from datetime import UTC, datetime, timedelta

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        db.session.execute(db.text("PRAGMA journal_mode=WAL"))
    plan = plans.create_plan(tiny_province, "A", None)
    db.session.commit()
    plans.run_solve_job(plan.id, 10, 1, None)
    before = sorted((a.person_id, a.position_id) for a in db.session.get(Plan, plan.id).assignments)
    db.session.commit()
    # a child process runs the same job body, with a solver that reports progress and then hangs
    script = f"""
import os, time, sys
os.environ["STAFFING_INSTANCE"] = {str(tmp_path / "child")!r}
from staffing import create_app
from staffing.services import plans
url = {app.config["SQLALCHEMY_DATABASE_URI"]!r}
app = create_app({{"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x" * 40}})
def hang(plan, time_limit, workers, seed=0, progress=None):
    progress(0.4, "stage 2")
    print("solving", flush=True)
    time.sleep(600)
plans.solve_plan = hang
with app.app_context():
    plans.run_solve_job({plan.id}, 10, 1, None)
"""
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "solving"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    assert plan.job_state == JobState.RUNNING and plan.job_heartbeat_at is not None
    assert sorted((a.person_id, a.position_id) for a in plan.assignments) == before
    assert not plans.expire_stale_job(plan)  # fresh heartbeat: still presumed alive
    later = datetime.now(UTC) + plans.STALE_JOB_AFTER + timedelta(seconds=1)
    assert plans.expire_stale_job(plan, now=later)
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    assert plan.job_state == JobState.FAILED and "gián đoạn" in plan.job_message
    plans.run_solve_job(plan.id, 10, 1, None)  # solvable again
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).job_state == JobState.DONE
