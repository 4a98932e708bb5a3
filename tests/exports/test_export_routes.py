"""Download routes (scope: 404 outside the user's province) and the `export` commands."""

from __future__ import annotations

import zipfile
from pathlib import Path

from export_readback import docx_text, sheet_rows, zip_members
from flask import Flask

from staffing.commands.export import export
from staffing.extensions import db
from staffing.models import AuditEntry, Role


def _urls(plan_id: int, assignment_id: int) -> list[str]:
    return [
        f"/plans/{plan_id}/export/workbook.xlsx",
        f"/plans/{plan_id}/export/decisions.zip",
        f"/plans/{plan_id}/export/decisions.zip?mode=per_department",
        f"/plans/{plan_id}/export/decision/{assignment_id}.docx",
    ]


def test_downloads_for_the_plans_province(export_app: Flask, staffed, make_user, login) -> None:
    plan, a = staffed["plan"], staffed["assignments"][0]
    client = export_app.test_client()
    make_user("reviewer@lang-son", role=Role.REVIEWER, province="20")
    login(client, "reviewer@lang-son")
    for url in _urls(plan.id, a.id):
        response = client.get(url)
        assert response.status_code == 200, url
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment; filename=")
        assert disposition.isascii()
        if url.endswith(".xlsx"):
            assert {r["Họ và tên"] for r in sheet_rows(response.data, "Danh sách bố trí")} >= {a.person.name}
        elif ".zip" in url:
            members = zip_members(response.data)
            assert "muc-luc.xlsx" in members
            assert sum(n.endswith(".docx") for n in members) >= 5
        else:
            assert a.person.name in docx_text(response.data)
    exports = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert [(e.entity, e.plan_id, e.after["status"]) for e in exports] == [
        ("workbook", plan.id, "approved"),
        ("decisions", plan.id, "approved"),
        ("decisions", plan.id, "approved"),
        ("decision", plan.id, "approved"),
    ]
    # batched by default: 6 appointments, Tám's exit decision and the miễn nhiệm of 3 old leaders
    assert exports[1].after["count"] == 6 + 1 + 3
    only = zip_members(client.get(f"/plans/{plan.id}/export/decisions.zip?exits=0").data)
    assert sum(n.endswith(".docx") for n in only) == 6
    assert not any("mien-nhiem" in n for n in only)
    assert exports[0].user_id is not None
    assert client.get(f"/plans/{plan.id}/export/decisions.zip?mode=bogus").status_code == 400
    unplaced = staffed["assignments"][-1]
    assert client.get(f"/plans/{plan.id}/export/decision/{unplaced.id}.docx").status_code == 404
    assert client.get(f"/plans/{plan.id + 99}/export/workbook.xlsx").status_code == 404


def test_other_provinces_get_404(export_app: Flask, staffed, make_user, login) -> None:
    plan, a = staffed["plan"], staffed["assignments"][0]
    client = export_app.test_client()
    make_user("drafter@quang-ninh", role=Role.DRAFTER, province="22")
    login(client, "drafter@quang-ninh")
    for url in _urls(plan.id, a.id):
        assert client.get(url).status_code == 404, url


def test_signed_out_users_are_sent_to_log_in(export_app: Flask, staffed) -> None:
    response = export_app.test_client().get(f"/plans/{staffed['plan'].id}/export/workbook.xlsx")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_commune_scoped_user_exports_only_their_commune(
    export_app: Flask, staffed, make_user, login
) -> None:
    plan = staffed["plan"]
    client = export_app.test_client()
    make_user("xa@dinh-lap", role=Role.DRAFTER, province="20", communes=["06613"])
    login(client, "xa@dinh-lap")
    book = client.get(f"/plans/{plan.id}/export/workbook.xlsx").data
    assert {r["Mã xã"] for r in sheet_rows(book, "Danh sách bố trí")} == {"06613"}
    members = zip_members(client.get(f"/plans/{plan.id}/export/decisions.zip").data)
    assert {n.split("/")[0] for n in members if n.endswith(".docx")} == {"06613_Xa-Dinh-Lap"}
    other = next(a for a in staffed["assignments"] if a.person.name == "Hoàng Thị Lan")
    assert client.get(f"/plans/{plan.id}/export/decision/{other.id}.docx").status_code == 404


def test_cli_writes_decisions_and_workbook(export_app: Flask, staffed, tmp_path: Path) -> None:
    runner = export_app.test_cli_runner()
    plan = staffed["plan"]
    result = runner.invoke(export, ["decisions", "--plan", str(plan.id), "--out", str(tmp_path / "qd")])
    assert result.exit_code == 0, result.output
    docs = sorted((tmp_path / "qd").rglob("*.docx"))
    assert len(docs) == 6 + 1 + 3  # the appointments, then Tám's exit and 3 miễn nhiệm, by default
    assert sum("mien-nhiem" in p.name for p in docs) == 3
    toc = sheet_rows((tmp_path / "qd" / "muc-luc.xlsx").read_bytes(), "Mục lục")
    assert sorted(r["Tệp"] for r in toc) == sorted(str(p.relative_to(tmp_path / "qd")) for p in docs)
    result = runner.invoke(
        export, ["decisions", "--plan", str(plan.id), "--out", str(tmp_path / "only"), "--no-exits"]
    )
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "only").rglob("*.docx"))) == 6
    result = runner.invoke(
        export,
        ["decisions", "--plan", str(plan.id), "--out", str(tmp_path / "qd.zip"), "--mode", "per_department"],
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "qd.zip") as zf:
        assert sum(n.endswith(".docx") for n in zf.namelist()) == 5 + 1 + 3
    result = runner.invoke(export, ["workbook", "--plan", str(plan.id), "--out", str(tmp_path / "pa.xlsx")])
    assert result.exit_code == 0, result.output
    assert len(sheet_rows((tmp_path / "pa.xlsx").read_bytes(), "Danh sách bố trí")) == 6
    result = runner.invoke(export, ["workbook", "--plan", "999", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0
    assert "999" in result.output


def test_a_background_job_builds_the_zip_and_reports_progress(
    export_app: Flask, staffed, make_user, login
) -> None:
    plan = staffed["plan"]
    client = export_app.test_client()
    make_user("approver@lang-son", role=Role.APPROVER, province="20")
    login(client, "approver@lang-son")
    started = client.post(f"/plans/{plan.id}/export/jobs?mode=per_department")
    assert started.status_code == 202
    job = started.get_json()
    assert job["mode"] == "per_department" and job["exits"] is True
    status = client.get(job["status_url"]).get_json()  # HUEY_IMMEDIATE: done by now
    assert status["state"] == "done"
    assert status["progress"] == 1.0
    assert status["count"] == 5 + 1 + 3  # 5 department decisions, Tám's exit, 3 miễn nhiệm
    assert status["filename"].endswith("_per-department.zip")
    members = zip_members(client.get(status["file_url"]).data)
    assert sum(n.endswith(".docx") for n in members) == 5 + 1 + 3
    assert sum("mien-nhiem" in n for n in members) == 3
    toc = sheet_rows(members["muc-luc.xlsx"], "Mục lục")
    assert {r["Tệp"] for r in toc} == {n for n in members if n.endswith(".docx")}
    without = client.post(f"/plans/{plan.id}/export/jobs?mode=per_department&exits=0").get_json()
    assert without["exits"] is False
    assert client.get(without["status_url"]).get_json()["count"] == 5
    assert client.post(f"/plans/{plan.id}/export/jobs?mode=nope").status_code == 400
    # somebody else, even of the same province, does not see the job
    other = export_app.test_client()
    make_user("drafter@lang-son", role=Role.DRAFTER, province="20")
    login(other, "drafter@lang-son")
    assert other.get(job["status_url"]).status_code == 404
    assert other.get(f"/exports/jobs/{job['id']}/file").status_code == 404
    assert other.get("/exports/jobs/..%2Fsecret_key").status_code == 404
