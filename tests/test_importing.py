"""Files through the real readers into the database: merger map, framework, rosters; previews and failures."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from staffing.extensions import db
from staffing.models import (
    AuditEntry,
    Commune,
    ImportBatch,
    MergerLink,
    OldUnit,
    Person,
    PersonDuplicate,
    Position,
    Province,
    Relation,
    Role,
)
from staffing.services import importing, loading


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    from staffing.demo_data import demo_files as make

    return make(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def lang_son(app, demo_files) -> Province:
    """Lạng Sơn with its real merger map and the demo framework imported (no people yet)."""
    province = loading.ensure_province("20", "Lạng Sơn")
    for kind, path in (("merger_map", demo_files.merger_map), ("framework", demo_files.framework)):
        outcome = importing.import_file(kind, path.read_bytes(), path.name, province, None)
        assert outcome.written, outcome.report["errors"][:3]
    db.session.commit()
    return province


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_real_merger_map_of_lang_son(lang_son):
    communes = {c.code: c for c in db.session.scalars(db.select(Commune))}
    assert len(communes) == 65
    assert sum(c.kind.value == "phuong" for c in communes.values()) == 4
    old_communes = db.session.scalars(db.select(OldUnit).where(OldUnit.kind == "old_commune")).all()
    assert len({u.district for u in old_communes}) == 11
    # Bính Xá was split between Đình Lập and Kiên Mộc (Resolution 1672/NQ-UBTVQH15)
    binh_xa = db.session.scalar(db.select(OldUnit).where(OldUnit.code == "06622"))
    assert sorted((link.commune.code, link.partial) for link in binh_xa.links) == [
        ("06613", True),
        ("06625", True),
    ]


def test_framework_lays_out_every_commune(lang_son):
    assert _count(Position) == 65 * 51
    dinh_lap = db.session.scalar(db.select(Commune).where(Commune.code == "06613"))
    assert (
        dinh_lap.payroll_quota and dinh_lap.target_quota and dinh_lap.target_quota <= dinh_lap.payroll_quota
    )
    secretary = db.session.scalar(db.select(Position).where(Position.code == "06613/DANG/BT"))
    assert secretary is not None and secretary.level.value == "key"
    hard = {(r.attr, r.op) for r in secretary.requirements if r.hard}
    assert ("political_theory", "min") in hard and ("party_member", "eq") in hard
    assert dinh_lap.caps and all(code.startswith("06613/") for code in dinh_lap.caps[0].position_codes)


def test_roster_import_is_idempotent_and_keeps_provenance(lang_son, demo_files):
    path = demo_files.rosters["06619"]
    first = importing.import_file("roster", path.read_bytes(), path.name, lang_son, None, unit_code="06619")
    db.session.commit()
    assert first.written and first.summary.created > 15
    people = db.session.scalars(db.select(Person)).all()
    assert len(people) == first.summary.created
    assert all(p.source_file == path.name and p.source_row and p.source_row > 3 for p in people)
    again = importing.import_file("roster", path.read_bytes(), path.name, lang_son, None, unit_code="06619")
    db.session.commit()
    assert (again.summary.created, again.summary.updated) == (0, 0)
    assert again.summary.unchanged == first.summary.created
    assert _count(Person) == first.summary.created
    assert db.session.scalar(db.select(db.func.count()).where(ImportBatch.kind == "roster")) == 2


def test_corrected_roster_updates_the_same_person(lang_son, demo_files, tmp_path):
    path = demo_files.rosters["06619"]
    importing.import_file("roster", path.read_bytes(), path.name, lang_son, None, unit_code="06619")
    db.session.commit()
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header_row, name_col, title_col = _find_header(sheet)
    target_row = header_row + 3
    name = sheet.cell(target_row, name_col).value
    sheet.cell(target_row, title_col).value = "Công chức Tư pháp - Hộ tịch (đã điều chỉnh)"
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = importing.import_file(
        "roster", buffer.getvalue(), "sua.xlsx", lang_son, None, unit_code="06619"
    )
    db.session.commit()
    assert outcome.summary.updated == 1 and outcome.summary.created == 0
    person = db.session.scalar(db.select(Person).where(Person.name == " ".join(str(name).split())))
    assert person.current_title == "Công chức Tư pháp - Hộ tịch (đã điều chỉnh)"
    assert person.source_file == "sua.xlsx"


def _find_header(sheet):
    for row in sheet.iter_rows(min_row=1, max_row=15):
        values = [str(c.value or "").strip().lower() for c in row]
        if "họ và tên" in values:
            title = next(i for i, v in enumerate(values) if v.startswith("chức vụ"))
            return row[0].row, values.index("họ và tên") + 1, title + 1
    raise AssertionError("no header")


def test_preview_writes_nothing(lang_son, demo_files):
    path = demo_files.rosters["06619"]
    before = _count(Person), _count(AuditEntry), _count(ImportBatch)
    outcome = importing.import_file(
        "roster", path.read_bytes(), path.name, lang_son, None, unit_code="06619", dry_run=True
    )
    db.session.commit()
    assert not outcome.written and outcome.summary.created > 15
    assert (_count(Person), _count(AuditEntry), _count(ImportBatch)) == before


def test_unusable_file_changes_nothing(lang_son):
    before = _count(Person), _count(MergerLink), _count(Position)
    outcome = importing.import_file(
        "roster", b"\x00\x01not a spreadsheet at all", "hong.xlsx", lang_son, None, unit_code="06619"
    )
    db.session.commit()
    assert not outcome.written
    assert outcome.report["errors"] and outcome.report["errors"][0]["severity"] == "error"
    with pytest.raises(loading.LoadError, match="Đơn vị cũ 'XXXXX'"):
        importing.import_file("roster", b"a,b\n", "x.csv", lang_son, None, unit_code="XXXXX")
    db.session.rollback()
    assert (_count(Person), _count(MergerLink), _count(Position)) == before


def test_person_listed_by_two_units_is_flagged_not_moved(lang_son, demo_files):
    from staffing.demo_data.rosters import build_roster_set

    roster = build_roster_set(demo_files.merger_map)
    first_unit, second_unit = roster.duplicate_units
    for unit in (first_unit, second_unit):
        path = demo_files.rosters[unit]
        importing.import_file("roster", path.read_bytes(), path.name, lang_son, None, unit_code=unit)
        db.session.commit()
    person = db.session.scalar(db.select(Person).where(Person.key == roster.duplicate_id))
    assert person.unit.code == first_unit
    duplicate = db.session.scalar(db.select(PersonDuplicate))
    assert duplicate.person_id == person.id and duplicate.unit.code == second_unit and duplicate.by == "cccd"
    assert duplicate.status == "open" and duplicate.source_row


def test_relations_across_rosters_link_after_both_are_imported(lang_son, demo_files):
    for unit, path in sorted(demo_files.rosters.items())[:40]:
        importing.import_file("roster", path.read_bytes(), path.name, lang_son, None, unit_code=unit)
        db.session.commit()
    assert _count(Relation) > 0
    for rel in db.session.scalars(db.select(Relation)):
        assert rel.person_a_id != rel.person_b_id


def test_upload_preview_then_confirm(client, login, make_user, lang_son, demo_files):
    make_user("drafter@lang-son", role=Role.DRAFTER)
    login(client, "drafter@lang-son")
    path = demo_files.rosters["06619"]
    response = client.post(
        "/p/20/imports/preview",
        data={"kind": "roster", "unit": "06619", "file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data",
    )
    # the check runs as a background job (inline in tests) and the browser is sent to its page
    assert response.status_code == 302
    token = response.headers["Location"].rsplit("/", 1)[-1]
    status = client.get(f"/p/20/imports/{token}/status").get_json()
    assert status["state"] == "done" and status["progress"] == 1.0
    page = client.get(f"/p/20/imports/{token}").get_data(as_text=True)
    assert "Xác nhận nhập" in page
    assert _count(Person) == 0
    assert page.split('name="token" type="hidden" value="')[1].split('"')[0] == token
    done = client.post("/p/20/imports/confirm", data={"token": token})
    assert done.status_code == 302
    assert _count(Person) > 15
    batch = db.session.scalar(db.select(ImportBatch).where(ImportBatch.kind == "roster"))
    assert batch.filename == path.name and batch.unit_code == "06619"
    # the token is single-use, and nobody else's
    assert client.post("/p/20/imports/confirm", data={"token": token}).status_code == 404
    assert client.get(f"/p/20/imports/{token}").status_code == 404


def test_reviewer_cannot_upload(client, login, make_user, lang_son):
    make_user("reviewer@lang-son", role=Role.REVIEWER)
    login(client, "reviewer@lang-son")
    response = client.post(
        "/p/20/imports/preview",
        data={"kind": "merger_map", "file": (io.BytesIO(b"x"), "a.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert client.get("/imports/templates/roster.xlsx").status_code == 200


def test_cli_import_json_report(runner, lang_son, demo_files):
    path = demo_files.rosters["06622"]
    result = runner.invoke(args=["import", "roster", str(path), "--unit", "06622", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) >= {"file", "rows", "accepted", "rejected", "errors", "duplicates", "people"}
    assert report["accepted"] == len(report["people"]) > 15
    assert {"id", "name", "birth_date", "unit", "category"} <= set(report["people"][0])
    assert report["people"][0]["unit"] == "06622"
    assert _count(Person) == 0  # dry run


def test_cli_import_reports_bad_rows_with_position(runner, lang_son, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Loại cán bộ\nNguyễn Văn A,31/02/1980,Nam,,Công chức\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", "roster", str(bad), "--unit", "06622", "--json"])
    report = json.loads(result.output)
    assert result.exit_code == 1
    # the impossible date is a warning naming its cell; with no CCCD either, nothing identifies
    # the person, and that rejects the row (issue 11)
    warning = next(e for e in report["errors"] if e["value"] == "31/02/1980")
    assert warning["row"] == 2 and "Ngày sinh" in warning["column"] and warning["severity"] == "warning"
    error = next(e for e in report["errors"] if e["severity"] == "error")
    assert error["row"] == 2 and "không xác định được người này" in error["message"]


def test_a_running_check_shows_progress_and_another_user_cannot_see_it(
    client, login, make_user, lang_son, demo_files, app
):
    from pathlib import Path

    from staffing.services import pending_uploads

    user = make_user("drafter@lang-son", role=Role.DRAFTER)
    make_user("other@lang-son", role=Role.DRAFTER)
    path = demo_files.rosters["06619"]
    token = pending_uploads.stash(
        Path(app.config["UPLOAD_DIR"]),
        path.read_bytes(),
        {"province": "20", "user": user.id, "kind": "roster", "unit": "06619", "filename": path.name},
    )
    login(client, "drafter@lang-son")
    page = client.get(f"/p/20/imports/{token}").get_data(as_text=True)
    assert "Đang kiểm tra tệp" in page and f"/p/20/imports/{token}/status" in page
    assert client.get(f"/p/20/imports/{token}/status").get_json()["state"] == "queued"
    client.post("/logout")
    login(client, "other@lang-son")
    assert client.get(f"/p/20/imports/{token}").status_code == 404
    assert client.get(f"/p/20/imports/{token}/status").status_code == 404


def test_messy_roster_preview_shows_the_file_as_read_and_keeps_raw_values(client, login, make_user, lang_son):
    """Issue 11: sections, totals and the signature block are shown as read, not counted as people;
    every person keeps the row as written and its warnings."""
    make_user("drafter2@lang-son", role=Role.DRAFTER)
    login(client, "drafter2@lang-son")
    path = Path(__file__).parent / "data" / "rosters-real-world" / "33_messy_commune_roster.xlsx"
    response = client.post(
        "/p/20/imports/preview",
        data={"kind": "roster", "unit": "06619", "file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data",
    )
    token = response.headers["Location"].rsplit("/", 1)[-1]
    page = client.get(f"/p/20/imports/{token}").get_data(as_text=True)
    assert "Tệp như đã đọc" in page
    for shown in (
        "I. CÁN BỘ",
        "III. NGƯỜI HOẠT ĐỘNG KHÔNG CHUYÊN TRÁCH",
        "Tổng số: 6 người",
        "Người lập biểu",
    ):
        assert shown in page
    assert "CMND" in page and "Đã đọc là" in page  # the warnings, named by row
    assert client.post("/p/20/imports/confirm", data={"token": token}).status_code == 302
    people = {p.name: p for p in db.session.scalars(db.select(Person))}
    assert len(people) == 6
    mai = people["Lý Thị Mai"]
    assert (mai.key, mai.cmnd, mai.has_cccd) == ("cmnd-123456780", "123456780", False)
    assert mai.category == "can_bo"  # from the section row "I. CÁN BỘ"
    assert mai.rank == "01.002"
    assert ["Mục", "I. CÁN BỘ"] in mai.raw
    assert any("CMND" in note[2] for note in mai.import_notes)
    ba = people["Nông Văn Ba"]
    assert ba.education == "dai_hoc" and ["Trình độ chuyên môn", "Dai hoc"] in ba.raw
    assert ba.to_problem_dict()["rank"] == "06.031"  # carried in the exchange document


def test_block_sections_set_the_stored_block(client, login, make_user, lang_son):
    """Issue 11: "A. KHỐI ĐẢNG" / "B. Khối Chính quyền" / "C. Khối MTTQ..." set person.block."""
    make_user("drafter2@lang-son", role=Role.DRAFTER)
    login(client, "drafter2@lang-son")
    path = Path(__file__).parent / "data" / "rosters-real-world" / "35_block_sections.xlsx"
    response = client.post(
        "/p/20/imports/preview",
        data={"kind": "roster", "unit": "06619", "file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data",
    )
    token = response.headers["Location"].rsplit("/", 1)[-1]
    assert client.post("/p/20/imports/confirm", data={"token": token}).status_code == 302
    blocks = {p.name: p.block for p in db.session.scalars(db.select(Person))}
    assert blocks == {
        "Đinh Công Tráng": "dang",
        "Hoàng Văn Long": "dang",
        "Lý Thị Mai": "ubnd",
        "Nông Văn Ba": "ubnd",
        "Hà Thị Thu": "ubnd",
        "Vi Thị Hồng": "mttq",
    }
    assert "block" not in next(iter(db.session.scalars(db.select(Person)))).to_problem_dict()
