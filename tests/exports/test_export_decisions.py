"""Decisions read back with python-docx and checked person by person against the plan."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from export_plans import copy_plan
from export_readback import annex_rows, docx_text, header_text, sheet_rows, zip_members
from flask import Flask

from staffing.exports.decisions import make_base_template
from staffing.exports.settings import SettingsError, load_settings, search_dirs
from staffing.exports.text import ascii_slug, join_post, long_date
from staffing.extensions import db
from staffing.models import Assignment, PlanStatus
from staffing.services import exports as service


def _export(plan, mode: str = "per_person") -> tuple[str, dict[str, bytes]]:
    out = io.BytesIO()
    name, _count = service.decisions_zip(plan, out, mode)
    return name, zip_members(out.getvalue())


def _placed(staffed) -> list[Assignment]:
    return [a for a in staffed["assignments"] if a.position_id is not None]


def _by_person(members: dict[str, bytes]) -> dict[str, str]:
    """Person name -> text of their decision, through the table of contents."""
    index = next(blob for name, blob in members.items() if name.endswith("muc-luc.xlsx"))
    return {row["Họ và tên"]: docx_text(members[row["Tệp"]]) for row in sheet_rows(index, "Mục lục")}


def test_one_decision_per_placed_person_says_who_goes_where(export_app: Flask, staffed) -> None:
    plan = staffed["plan"]
    name, members = _export(plan)
    docs = [n for n in members if n.endswith(".docx")]
    assert len(docs) == len(_placed(staffed)) == 6
    assert name == "quyet-dinh_phuong-an-1_Lang-Son_per-person.zip"
    assert all(n.isascii() and "DU-THAO" not in n for n in members)
    texts = _by_person(members)
    assert set(texts) == {a.person.name for a in _placed(staffed)}
    for a in _placed(staffed):
        text = texts[a.person.name]
        commune = a.position.department.commune.name  # "Xã Đình Lập"
        assert a.person.name in text
        assert a.position.title in text
        assert "xã " + commune.split(" ", 1)[1] in text
        assert "ngày 01 tháng 7 năm 2025" in text
        assert "QUYẾT ĐỊNH" in text
        assert "QUYẾT ĐỊNH:" in text
        assert "Điều 1." in text
        assert "Điều 2." in text
        assert "Điều 3." in text
        assert "Nơi nhận:" in text
        assert "DỰ THẢO" not in text
        if a.person.current_title:
            assert f"{a.person.current_title}, " in text  # [chức vụ cũ], [đơn vị cũ]
    a_text = texts["Nguyễn Văn A"]  # head of a commune division: bổ nhiệm by the commune chairman
    assert "ỦY BAN NHÂN DÂN\nXÃ ĐÌNH LẬP" in a_text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc" in a_text
    assert "/QĐ-UBND" in a_text
    assert "Đình Lập, ngày 01 tháng 7 năm 2025" in a_text
    assert "Về việc bổ nhiệm Trưởng phòng Kinh tế" in a_text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ ĐÌNH LẬP" in a_text
    assert "Căn cứ Nghị quyết số 1672/NQ-UBTVQH15" in a_text  # the province's merger resolution
    assert (
        "Bổ nhiệm bà Nguyễn Văn A, Phó Chủ tịch UBND, xã Bính Xá, giữ chức vụ Trưởng phòng Kinh tế thuộc "
        "Ủy ban nhân dân xã Đình Lập, kể từ ngày 01 tháng 7 năm 2025; thời hạn giữ chức vụ là 05 năm."
    ) in a_text
    assert "trong thời hạn 06 tháng" in a_text
    assert "76/2025/UBTVQH15" in a_text
    assert "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" in a_text
    assert "Bố trí ông Nguyễn Văn B" in texts["Nguyễn Văn B"]  # staff from an old commune
    e_text = texts["Nguyễn Văn E"]  # staff from a district agency: điều động by the province
    assert "SỞ NỘI VỤ" in e_text
    assert "/QĐ-SNV" in e_text
    assert "KT. GIÁM ĐỐC" in e_text
    assert "Điều động bà Nguyễn Văn E" in e_text
    assert "Lạng Sơn, ngày 01 tháng 7 năm 2025" in e_text
    lan = texts["Hoàng Thị Lan"]  # Party Secretary: chỉ định by the provincial Standing Committee
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in lan
    assert "TỈNH ỦY LẠNG SƠN" in lan
    assert "-QĐ/TU" in lan
    assert "Chỉ định đồng chí Hoàng Thị Lan" in lan
    assert "Bí thư Đảng ủy xã Thái Bình" in lan
    assert "T/M BAN THƯỜNG VỤ\nBÍ THƯ" in lan
    assert "CỘNG HÒA" not in lan


def test_page_fonts_and_sizes_follow_decree_30(export_app: Flask, staffed) -> None:
    _name, members = _export(staffed["plan"])
    blob = next(b for n, b in members.items() if n.endswith(".docx"))
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:  # a sound package: every member's CRC checks out
        assert zf.testzip() is None
        assert zf.namelist()[0] == "[Content_Types].xml"
    doc = Document(io.BytesIO(blob))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert Mm(20) <= section.top_margin <= Mm(25)
    assert Mm(20) <= section.bottom_margin <= Mm(25)
    assert Mm(30) <= section.left_margin <= Mm(35)
    assert Mm(15) <= section.right_margin <= Mm(20)
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    runs += [
        r
        for t in doc.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
        if r.text.strip()
    ]
    assert runs
    assert {r.font.name for r in runs} == {"Times New Roman"}
    assert {r.font.size.pt for r in runs} <= {11, 12, 12.5, 13, 13.5, 14}
    body = [r for p in doc.paragraphs for r in p.runs if r.text.startswith("Căn cứ")]
    assert body
    assert all(r.italic and r.font.size.pt == 14 for r in body)
    assert len(doc.tables[0].columns) == 2  # issuing body | national title, borderless
    # pages are numbered from the second one, centred at the top
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_per_department_decisions_annex_the_people(export_app: Flask, staffed) -> None:
    _name, members = _export(staffed["plan"], "per_department")
    docs = {n: b for n, b in members.items() if n.endswith(".docx")}
    listed = {}
    for blob in docs.values():
        rows = annex_rows(blob)
        assert rows[0] == [
            "STT",
            "Họ và tên",
            "Ngày sinh",
            "Chức vụ, đơn vị cũ",
            "Chức vụ, vị trí việc làm mới",
            "Ghi chú",
        ]
        text = docx_text(blob)
        assert "(có danh sách kèm theo)" in text or "danh sách kèm theo" in text
        for n, row in enumerate(rows[1:], start=1):
            assert row[0] == str(n)
            listed[row[1]] = row
    placed = _placed(staffed)
    assert set(listed) == {a.person.name for a in placed}
    for a in placed:
        row = listed[a.person.name]
        assert row[2] == a.person.birth_date.strftime("%d/%m/%Y")
        assert a.position.title in row[4]
    # B and D hold the same kind of seat in one department: one decision, two annexed people
    both = [b for b in docs.values() if {"Nguyễn Văn B", "Nguyễn Văn D"} <= {r[1] for r in annex_rows(b)}]
    assert len(both) == 1
    assert "Bố trí 2 người có tên trong danh sách kèm theo" in docx_text(both[0])
    assert len(docs) == 5


@pytest.mark.parametrize("staffed", [PlanStatus.DRAFT, PlanStatus.IN_REVIEW], indirect=True)
def test_unapproved_plans_export_marked_du_thao(export_app: Flask, staffed) -> None:
    plan = staffed["plan"]
    assert plan.status != PlanStatus.APPROVED
    for mode in ("per_person", "per_department"):
        name, members = _export(plan, mode)
        assert name.startswith("DU-THAO_")
        docs = {n: b for n, b in members.items() if n.endswith(".docx")}
        assert docs
        assert all(n.rsplit("/", 1)[-1].startswith("DU-THAO_") for n in docs)
        for blob in docs.values():
            # on every page: the headers of the first page and of the others
            assert header_text(blob) == header_text(blob, first_page=True) == "DỰ THẢO"
            section = Document(io.BytesIO(blob)).sections[0]
            for header in (section.header, section.first_page_header):  # and a watermark across each page
                assert 'string="DỰ THẢO"' in header._element.xml
                assert "PowerPlusWaterMarkObject" in header._element.xml
            assert re.search(r"Số:? \u00a0+[/-]QĐ", docx_text(blob))  # a draft has no number yet
        index = next(b for n, b in members.items() if n.endswith("muc-luc.xlsx"))
        assert {r["Số, ký hiệu"] for r in sheet_rows(index, "Mục lục")} >= {"…/QĐ-UBND", "…-QĐ/TU"}
        assert sheet_rows(index, "Mục lục", header_row=1)[0]["DỰ THẢO - MỤC LỤC QUYẾT ĐỊNH"] is not None


def test_one_decision_download_matches_the_batch(export_app: Flask, staffed) -> None:
    plan, a = staffed["plan"], _placed(staffed)[0]
    found = service.one_decision(plan, a.id)
    assert found is not None
    name, blob = found
    assert name.endswith(f"_{ascii_slug(a.person.name)}.docx")
    assert a.person.name in docx_text(blob)
    unplaced = next(x for x in staffed["assignments"] if x.position_id is None)
    assert service.one_decision(plan, unplaced.id) is None


def test_province_settings_number_sign_and_replace_bases(export_app: Flask, staffed) -> None:
    folder = Path(export_app.instance_path) / "documents"
    folder.mkdir(parents=True)
    (folder / "decisions.toml").write_text(
        "[general]\nnumber_start = 21\ndecision_date = 2025-06-30\n\n"
        '[provinces.20.issuers.ubnd_xa]\nsigner = "Lương Văn Ký"\n'
        'legal_bases = ["Căn cứ Quyết định số 99/QĐ-UBND của tỉnh;"]\n',
        encoding="utf-8",
    )
    texts = _by_person(_export(staffed["plan"])[1])
    numbers = sorted(
        t.split("Số: ", 1)[1].split("/", 1)[0]
        for n, t in texts.items()
        if "/QĐ-UBND" in t and "XÃ ĐÌNH LẬP" in t
    )
    assert numbers == ["21", "22", "23"]  # A, B, D: numbered per commune for the commune chairman
    assert "Lương Văn Ký" in texts["Nguyễn Văn A"]
    assert "Đình Lập, ngày 30 tháng 6 năm 2025" in texts["Nguyễn Văn A"]
    assert "Căn cứ Quyết định số 99/QĐ-UBND của tỉnh;" in texts["Nguyễn Văn A"]
    assert "Căn cứ Luật Cán bộ" not in texts["Nguyễn Văn A"]
    assert "Số 21-QĐ/TU" in texts["Hoàng Thị Lan"]  # Party numbering: 21-QĐ/TU
    index = next(b for n, b in _export(staffed["plan"])[1].items() if n.endswith(".xlsx"))
    symbols = {r["Họ và tên"]: r["Số, ký hiệu"] for r in sheet_rows(index, "Mục lục")}
    assert symbols["Hoàng Thị Lan"] == "21-QĐ/TU"
    assert symbols["Nguyễn Văn E"] == "21/QĐ-SNV"
    draft = copy_plan(staffed["plan"], PlanStatus.DRAFT)
    assert "Số: 21/" not in "".join(_by_person(_export(draft)[1]).values())  # drafts are never numbered


def test_a_province_routes_district_staff_through_the_provincial_chairman(export_app: Flask, staffed) -> None:
    folder = Path(export_app.instance_path) / "documents"
    folder.mkdir(parents=True)
    (folder / "decisions.toml").write_text(
        '[provinces.20.routing]\n"*.*" = { kind = "bo_tri", issuer = "ubnd_xa", district_kind = "dieu_dong",'
        ' district_issuer = "ubnd_tinh" }\n',
        encoding="utf-8",
    )
    e_text = _by_person(_export(staffed["plan"])[1])["Nguyễn Văn E"]
    assert "ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN" in e_text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" in e_text
    assert "Điều động bà Nguyễn Văn E" in e_text


def test_an_administrator_replaces_the_template(export_app: Flask, staffed) -> None:
    folder = Path(export_app.instance_path) / "documents" / "20"
    make_base_template(folder / "decision.docx", left_mm=35, top_mm=25)
    letterhead = Document(str(folder / "decision.docx"))
    letterhead.sections[0].header.paragraphs[0].text = "Mẫu của tỉnh Lạng Sơn"
    letterhead.save(str(folder / "decision.docx"))
    plan = staffed["plan"]
    blob = next(b for n, b in _export(plan)[1].items() if n.endswith(".docx"))
    section = Document(io.BytesIO(blob)).sections[0]
    assert round(section.left_margin.mm) == 35
    assert round(section.top_margin.mm) == 25
    assert header_text(blob) == "Mẫu của tỉnh Lạng Sơn"
    blob = next(b for n, b in _export(copy_plan(plan, PlanStatus.DRAFT))[1].items() if n.endswith(".docx"))
    assert header_text(blob) == "DỰ THẢO\nMẫu của tỉnh Lạng Sơn"  # the mark goes into the province's header


def test_an_issuer_has_its_own_template(export_app: Flask, staffed) -> None:
    make_base_template(Path(export_app.instance_path) / "documents" / "decision_tinh_uy.docx", left_mm=33)
    members = _export(staffed["plan"])[1]
    margins = {
        row["Họ và tên"]: round(Document(io.BytesIO(members[row["Tệp"]])).sections[0].left_margin.mm)
        for row in sheet_rows(next(b for n, b in members.items() if n.endswith(".xlsx")), "Mục lục")
    }
    assert margins.pop("Hoàng Thị Lan") == 33  # the provincial Party Committee's decision
    assert set(margins.values()) == {30}


def test_control_characters_from_rosters_do_not_break_the_file(export_app: Flask, staffed) -> None:
    a = _placed(staffed)[0]
    a.person.name = "Nguyễn\x0bVăn\x01 A"
    a.person.current_title = "Phó\x0c Chủ tịch"
    db.session.commit()
    found = service.one_decision(staffed["plan"], a.id)
    assert found is not None
    text = docx_text(found[1])  # python-docx parses it: the XML is well-formed
    assert "NguyễnVăn A" in text
    assert "Phó Chủ tịch" in text


def test_broken_settings_name_what_is_wrong(tmp_path: Path) -> None:
    (tmp_path / "decisions.toml").write_text(
        '[routing]\n"*.*" = { kind = "sa_thai", issuer = "ubnd_xa" }\n', encoding="utf-8"
    )
    with pytest.raises(SettingsError, match="unknown kind 'sa_thai'"):
        load_settings("20", [*search_dirs(None), tmp_path])


def test_dates_and_post_names() -> None:
    assert long_date(date(2025, 7, 1)) == "ngày 01 tháng 7 năm 2025"
    assert long_date(date(2025, 2, 5)) == "ngày 05 tháng 02 năm 2025"
    assert long_date(date(2025, 12, 25)) == "ngày 25 tháng 12 năm 2025"
    assert join_post("Trưởng phòng", "Phòng Kinh tế") == "Trưởng phòng Kinh tế"
    assert join_post("Giám đốc Trung tâm", "Trung tâm Phục vụ hành chính công") == (
        "Giám đốc Trung tâm Phục vụ hành chính công"
    )
    assert join_post("Chánh Văn phòng Đảng ủy", "Văn phòng Đảng ủy") == "Chánh Văn phòng Đảng ủy"
    assert join_post("Kiểm tra viên", "Ủy ban Kiểm tra Đảng ủy") == "Kiểm tra viên Ủy ban Kiểm tra Đảng ủy"
    assert ascii_slug('Đỗ Thị Ánh =HYPERLINK("x")') == "Do-Thi-Anh-HYPERLINK-x"


def test_the_records_spell_the_model_values() -> None:
    """plandata compares with the models' values without importing the models (rendering reads no database)."""
    from staffing.exports import plandata
    from staffing.models import UnitKind

    assert PlanStatus.APPROVED.value == plandata.APPROVED
    assert UnitKind.DISTRICT_AGENCY.value == plandata.DISTRICT_AGENCY
