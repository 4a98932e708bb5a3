"""Data safety and access from other systems: frozen approved plans, tamper-evident audit, backups, API."""

from __future__ import annotations

import hashlib
import logging

import pytest
from sqlalchemy import text

from staffing.audit import record, verify
from staffing.extensions import db
from staffing.guards import FrozenError
from staffing.models import ApiToken, Assignment, AuditEntry, Person, Plan, PlanStatus, Role
from staffing.services import plans


@pytest.fixture
def solved_plan(app, tiny_province) -> Plan:
    plan = plans.create_plan(tiny_province, "Phương án A", None)
    db.session.commit()
    plans.run_solve_job(plan.id, 10, 1, None)
    return db.session.get(Plan, plan.id)


def _approve(plan: Plan) -> Plan:
    plan.status = PlanStatus.APPROVED
    db.session.commit()
    return plan


def test_approved_plan_cannot_be_changed_or_deleted(solved_plan):
    plan = _approve(solved_plan)
    assignment = plan.assignments[0]
    assignment.locked = True
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    plan = db.session.get(Plan, plan.id)
    plan.name = "đổi tên"
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(Plan, plan.id))
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    # a new version is a new draft: that is allowed
    from staffing.models import Province

    child = plans.create_plan(
        db.session.get(Province, "20"), "Phiên bản 2", None, parent=db.session.get(Plan, plan.id)
    )
    db.session.commit()
    assert child.status == PlanStatus.DRAFT and len(child.assignments) == len(plan.assignments)


def test_audit_trail_is_append_only_and_tamper_evident(app, solved_plan, runner):
    assert verify() == []
    entry = db.session.scalar(db.select(AuditEntry).order_by(AuditEntry.id))
    entry.reason = "sửa lén"
    with pytest.raises(FrozenError):
        db.session.flush()
    db.session.rollback()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "toàn vẹn" in ok.output
    # someone edits the table behind the app's back: the chain shows it
    db.session.execute(text("UPDATE audit_entry SET reason = 'sửa lén' WHERE id = :id"), {"id": entry.id})
    db.session.commit()
    assert verify() == [entry.id]
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1 and "KHÔNG toàn vẹn" in bad.output


def test_backup_and_restore_round_trip(app, solved_plan, runner, tmp_path):
    people = db.session.scalar(db.select(db.func.count()).select_from(Person))
    out = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and out.stat().st_size > 0
    db.session.execute(text("DELETE FROM assignment"))
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Assignment)) == 0
    refused = runner.invoke(args=["restore", str(out)])
    assert refused.exit_code != 0
    restored = runner.invoke(args=["restore", str(out), "--yes"])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    assert db.session.scalar(db.select(db.func.count()).select_from(Assignment)) == 5
    assert db.session.scalar(db.select(db.func.count()).select_from(Person)) == people
    assert verify() == []


def _token(user, name="HR"):
    raw = "stf_test_" + name
    db.session.add(ApiToken(user=user, name=name, token_hash=hashlib.sha256(raw.encode()).hexdigest()))
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_api_reads_approved_plans_with_a_token(client, make_user, solved_plan):
    user = make_user("hr@lang-son", role=Role.REVIEWER)
    headers = _token(user)
    assert client.get("/api/v1/provinces").status_code == 401
    assert client.get("/api/v1/provinces", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/v1/provinces", headers=headers).get_json() == [
        {"code": "20", "name": "Lạng Sơn", "as_of": "2025-07-01"}
    ]
    # a draft is invisible to a token
    assert client.get("/api/v1/provinces/20/plans", headers=headers).get_json() == []
    assert client.get(f"/api/v1/plans/{solved_plan.id}", headers=headers).status_code == 404
    _approve(solved_plan)
    body = client.get(f"/api/v1/plans/{solved_plan.id}", headers=headers).get_json()
    assert body["status"] == "approved" and len(body["assignments"]) + len(body["unplaced"]) == 5
    first = body["assignments"][0]
    assert set(first) >= {"person", "position", "title", "commune", "level"}
    assert len(first["person"]["id"]) >= 12
    communes = client.get("/api/v1/provinces/20/communes", headers=headers).get_json()
    assert {c["code"] for c in communes} == {"06613", "06625"}


def test_api_respects_province_and_commune_scope(client, make_user, tiny_province):
    other = plans.create_plan(db.session.get(type(tiny_province), "22"), "QN", None)
    db.session.commit()
    user = make_user("commune@lang-son", role=Role.DRAFTER, communes=["06613"])
    headers = _token(user)
    assert client.get("/api/v1/provinces/22/communes", headers=headers).status_code == 404
    assert client.get(f"/api/v1/plans/{other.id}", headers=headers).status_code == 404
    communes = client.get("/api/v1/provinces/20/communes", headers=headers).get_json()
    assert [c["code"] for c in communes] == ["06613"]


def test_openapi_description(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/plans/{plan_id}" in spec["paths"]


def test_database_outage_gives_a_clear_page(tmp_path, monkeypatch):
    from staffing import create_app

    monkeypatch.setenv("STAFFING_INSTANCE", str(tmp_path / "inst"))
    broken = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 40,
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite'}",
        }
    )
    client = broken.test_client()
    response = client.post("/login", data={"email": "a@b", "password": "whatever-123"})
    assert response.status_code == 503
    assert "Cơ sở dữ liệu tạm thời không truy cập được" in response.get_data(as_text=True)


def test_logs_carry_no_personal_data(app, tiny_province, caplog):
    caplog.set_level(logging.DEBUG)
    plan = plans.create_plan(tiny_province, "A", None)
    db.session.commit()
    plans.run_solve_job(plan.id, 10, 1, None)
    people = db.session.scalars(db.select(Person)).all()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for person in people:
        assert person.name not in logged and person.key not in logged


def test_audit_records_who_and_what(app, solved_plan, make_user):
    user = make_user("drafter@lang-son")
    record(
        "lock",
        "assignment",
        user=user,
        entity_id=1,
        plan_id=solved_plan.id,
        before={"locked": False},
        after={"locked": True},
        reason="đã thống nhất",
    )
    db.session.commit()
    last = db.session.scalar(db.select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert (last.user_id, last.action, last.before, last.after) == (
        user.id,
        "lock",
        {"locked": False},
        {"locked": True},
    )
    assert verify() == []


def test_backup_file_is_the_engines_own_format(app, solved_plan, tmp_path):
    from staffing.backup import backup

    out = backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "backup.bin")
    magic = b"PGDMP" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else b"SQLite format 3"
    assert out.read_bytes()[: len(magic)] == magic


def test_approving_a_plan_whose_status_was_not_loaded(solved_plan):
    plan_id = solved_plan.id
    db.session.commit()  # expires every attribute, status included
    plan = db.session.get(Plan, plan_id)
    plan.status = PlanStatus.APPROVED  # set without reading first
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Plan, plan_id).status == PlanStatus.APPROVED
