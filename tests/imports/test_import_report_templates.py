"""The report dict, the annotated copy, the blank templates, and the safety limits."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import openpyxl
import pytest
from import_helpers import make_xlsx
from test_import_files import csv_text
from test_import_merger_framework import framework_book, merger_rows
from test_import_roster import COMMUNES, quirky_roster

from imports.framework import read_framework
from imports.merger_map import read_merger_map
from imports.report import SUMMARY_SHEET, WARNING_FILL, annotated_copy, report_to_dict
from imports.roster import read_roster
from imports.templates import blank_framework_template, blank_merger_map_template, blank_roster_template


def test_report_dict_has_exactly_the_cli_keys() -> None:
    result = read_roster(
        quirky_roster(), "bac_xa.xlsx", unit="06619", communes=COMMUNES, as_of=date(2025, 7, 1)
    )
    report = report_to_dict(result)
    assert list(report) == [
        "file",
        "rows",
        "accepted",
        "rejected",
        "errors",
        "duplicates",
        "people",
        "layout",  # the file as read (issue 11)
        "layout_people_rows",
    ]
    assert (report["file"], report["rows"], report["accepted"], report["rejected"]) == (
        "bac_xa.xlsx",
        5,
        5,  # row 14's bad date and gender are warnings now (issue 11)
        0,
    )
    assert all(
        list(e) == ["sheet", "row", "column", "value", "severity", "message"] for e in report["errors"]
    )
    assert report["duplicates"] == [{"row": 15, "matches": [10], "by": "cccd"}]
    assert report["people"][0]["id"] == "020175001234"
    assert report["people"][0]["birth_date"] == "1976-04-12"
    json.dumps(report, ensure_ascii=False)  # JSON-ready


def test_report_of_other_readers() -> None:
    links = report_to_dict(read_merger_map(make_xlsx(merger_rows()), "m.xlsx"))
    assert "links" in links
    assert "people" not in links
    assert links["links"][0] == {
        "new_code": "06613",
        "new_name": "Xã Đình Lập",
        "new_kind": "xa",
        "old_code": "06613",
        "old_name": "Thị trấn Đình Lập",
        "old_district": "Huyện Đình Lập",
        "old_kind": "old_commune",
        "partial": False,
        "extra": False,
    }
    fw = report_to_dict(read_framework(framework_book(), "k.xlsx"))
    assert fw["positions"][0]["code"] == "DANG/BT"
    assert fw["positions"][0]["requirements"]
    json.dumps(fw, ensure_ascii=False)
    broken = report_to_dict(read_merger_map(b"\x00\x01garbage", "m.xlsx"))
    assert broken["links"] == []
    assert broken["errors"][0]["severity"] == "error"


def test_annotated_copy_of_an_xlsx_marks_each_bad_cell() -> None:
    original = quirky_roster()
    result = read_roster(original, "bac_xa.xlsx", unit="06619", communes=COMMUNES, as_of=date(2025, 7, 1))
    wb = openpyxl.load_workbook(io.BytesIO(annotated_copy(original, "bac_xa.xlsx", result)))
    ws = wb["Danh sách"]
    birth = ws["D14"]  # the invalid 31/02/1980
    assert birth.value == "31/02/1980"
    assert birth.fill.fgColor.rgb.endswith(WARNING_FILL)  # a warning since issue 11: the person is kept
    assert birth.comment is not None
    assert "Ngày không tồn tại" in birth.comment.text
    cccd = ws["B10"]  # 11 digits: a warning
    assert cccd.fill.fgColor.rgb.endswith(WARNING_FILL)
    assert "11 chữ số" in cccd.comment.text
    assert ws["C10"].comment is None  # good cells untouched
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN HUYỆN ĐÌNH LẬP"  # the input's own cells kept
    summary = wb[SUMMARY_SHEET]
    assert summary.max_row == len(result.errors) + 1


def test_annotated_copy_of_a_csv_is_a_new_xlsx() -> None:
    data = csv_text().encode("utf-16")
    result = read_roster(data, "ds.csv", unit="06613", as_of=date(2025, 7, 1))
    wb = openpyxl.load_workbook(io.BytesIO(annotated_copy(data, "ds.csv", result)))
    ws = wb["ds"]
    assert ws["C4"].value == "Hoàng Văn Long"
    assert ws["B5"].comment is not None
    assert ws["B5"].fill.fgColor.rgb.endswith(WARNING_FILL)


@pytest.mark.parametrize(
    ("template", "reader"),
    [
        (blank_roster_template, lambda b: read_roster(b, "t.xlsx", unit="X")),
        (blank_merger_map_template, lambda b: read_merger_map(b, "t.xlsx")),
        (blank_framework_template, lambda b: read_framework(b, "t.xlsx")),
    ],
)
def test_blank_templates_read_back_empty(template, reader) -> None:  # type: ignore[no-untyped-def]
    data = template()
    result = reader(data)
    assert result.errors == ()
    records = result.records
    if records and hasattr(records[0], "positions"):
        assert records[0].positions == ()
        assert records[0].quotas == ()
        assert records[0].caps == ()
    else:
        assert records == ()


def test_templates_have_dropdowns_frozen_headers_and_instructions() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(blank_roster_template()))
    assert wb.sheetnames[:2] == ["Danh sách", "Quan hệ gia đình"]
    assert "Hướng dẫn" in wb.sheetnames
    ws = wb["Danh sách"]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["STT", "Số CCCD", "Họ và tên", "Ngày sinh", "Giới tính"]
    assert ws.freeze_panes == "A2"
    validated = {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation}
    coded = [
        "Giới tính",
        "Loại cán bộ",
        "Trình độ chuyên môn",
        "Lý luận chính trị",
        "Quản lý nhà nước",
        "Đảng viên",
        "Xếp loại 2024",
        "Kỷ luật",
    ]
    for header in coded:
        col = headers.index(header) + 1
        assert f"{openpyxl.utils.get_column_letter(col)}2" in validated, header
    fw = openpyxl.load_workbook(io.BytesIO(blank_framework_template()))
    assert fw.sheetnames[:4] == ["Vị trí", "Yêu cầu", "Biên chế", "Trần chung"]
    pos = fw["Vị trí"]
    assert len(pos.data_validations.dataValidation) >= 4  # Áp dụng cho, Khối, Cấp, Nhóm công việc
    guide = fw["Hướng dẫn"]
    assert "KHUNG VỊ TRÍ" in guide["A1"].value


def test_a_filled_template_reads() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(blank_roster_template()))
    ws = wb["Danh sách"]
    headers = [c.value for c in ws[1]]
    row = {
        "STT": 1,
        "Số CCCD": "001080000001",
        "Họ và tên": "Đỗ Văn Em",
        "Ngày sinh": "02/03/1980",
        "Giới tính": "Nam",
        "Loại cán bộ": "Công chức",
        "Trình độ chuyên môn": "Thạc sĩ",
        "Lý luận chính trị": "Cao cấp",
        "Xếp loại 2024": "Hoàn thành tốt nhiệm vụ",
        "Hệ số lương": "4,98",
        "Hệ số phụ cấp chức vụ": "0,3",
        "Phụ cấp thâm niên vượt khung (%)": "5%",
        "Phụ cấp khác (đồng/tháng)": "1.200.000",
        "Số năm đóng BHXH": "28 năm 3 tháng",
        "Mức phụ cấp hằng tháng (đồng)": "",
    }
    for k, v in row.items():
        ws.cell(2, headers.index(k) + 1, v)
    out = io.BytesIO()
    wb.save(out)
    result = read_roster(out.getvalue(), "t.xlsx", unit="X", as_of=date(2025, 7, 1))
    assert [e for e in result.errors if e.row] == []  # row 0: at most the day/month-order note
    (p,) = result.records
    assert (p.education, p.political_theory, p.ratings[0].value) == ("thac_si", "cao_cap", "tot")
    # the six pay columns of the blank template (issue 14) land in the record
    assert (float(p.salary_coefficient), float(p.position_allowance), float(p.seniority_pct)) == (
        4.98,
        0.3,
        5,
    )
    assert (p.other_allowances, float(p.insurance_years), p.part_time_allowance) == (1_200_000, 28.25, None)


# ------------------------------------------------------------------ safety


def test_refuses_files_over_the_size_limit() -> None:
    result = read_roster(io.BytesIO(b"a" * 2000), "big.csv", unit="X", max_bytes=1000)
    assert result.records == ()
    assert "lớn hơn" in result.errors[0].message


def test_refuses_too_many_rows() -> None:
    rows = [["Họ và tên", "Ngày sinh", "Giới tính", "Loại cán bộ"]] + [
        [f"Người {i}", "01/01/1980", "Nam", "Công chức"] for i in range(200)
    ]
    result = read_roster(make_xlsx(rows), "many.xlsx", unit="X", max_rows=100)
    assert result.records == ()
    assert "giới hạn" in result.errors[0].message
    csv_data = "\n".join(",".join(map(str, r)) for r in rows).encode()
    result = read_roster(csv_data, "many.csv", unit="X", max_rows=100)
    assert result.records == ()
    assert "giới hạn" in result.errors[0].message


def test_refuses_a_zip_bomb_without_unpacking_it() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (50 * 1024 * 1024) + b"</a>")
    result = read_roster(out.getvalue(), "bomb.xlsx", unit="X")
    assert result.records == ()
    assert "quá lớn" in result.errors[0].message


def test_refuses_xml_entities() -> None:
    original = zipfile.ZipFile(io.BytesIO(make_xlsx([["Họ và tên"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>' + data
            zf.writestr(info, data)
    result = read_roster(out.getvalue(), "laughs.xlsx", unit="X")
    assert result.records == ()
    assert "DOCTYPE" in result.errors[0].message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "rỗng"),
        (b"<html><body><table><tr><td>x</td></tr></table></body></html>", "HTML"),
        (b"PK\x03\x04 this is not a zip", "hỏng"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600, "Không đọc được"),
    ],
)
def test_broken_files_are_one_error(data: bytes, words: str) -> None:
    for reader in (
        lambda: read_roster(data, "x.xlsx", unit="X"),
        lambda: read_merger_map(data, "x.xlsx"),
        lambda: read_framework(data, "x.xlsx"),
    ):
        result = reader()
        assert result.records == ()
        assert len(result.errors) == 1
        assert words in result.errors[0].message
        assert result.errors[0].file == "x.xlsx"


def test_path_input() -> None:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "ds.bin"
        path.write_bytes(quirky_roster())
        result = read_roster(path, "ds.bin", unit="06619", as_of=date(2025, 7, 1))
    assert len(result.records) == 5


def test_annotated_copy_of_a_large_xlsx_is_rebuilt(monkeypatch: pytest.MonkeyPatch) -> None:
    import imports.report

    monkeypatch.setattr(imports.report, "LARGE_ROWS", 2)
    original = quirky_roster()
    result = read_roster(original, "bac_xa.xlsx", unit="06619", communes=COMMUNES, as_of=date(2025, 7, 1))
    wb = openpyxl.load_workbook(io.BytesIO(annotated_copy(original, "bac_xa.xlsx", result)))
    ws = wb["Danh sách"]
    assert ws["D14"].value == "31/02/1980"
    assert ws["D14"].fill.fgColor.rgb.endswith(WARNING_FILL)
    assert "Ngày không tồn tại" in ws["D14"].comment.text
    assert ws["C10"].value == "Hoàng Văn Long"
    assert wb[SUMMARY_SHEET].max_row == len(result.errors) + 1


def _fill(template: bytes, rows: dict[str, list[list[object]]]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(template))
    for sheet, values in rows.items():
        for r, row in enumerate(values, start=2):
            for c, value in enumerate(row, start=1):
                wb[sheet].cell(r, c, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_filled_framework_and_merger_templates_read() -> None:
    fw = _fill(
        blank_framework_template(),
        {
            "Vị trí": [
                ["Xã", "UBND/KT/2", "UBND", "Phòng Kinh tế", "Phó Trưởng phòng", "Phó", "kinh_te", 0, 2]
            ],
            "Yêu cầu": [["Xã", "UBND/KT/2", "Trình độ chuyên môn", "tối thiểu", "Đại học", "Có"]],
            "Biên chế": [["06613", "Xã Đình Lập", 74, 66]],
            "Trần chung": [["Xã", "Cấp phó", "UBND/KT/2", 4]],
        },
    )
    result = read_framework(fw, "k.xlsx")
    assert result.errors == ()
    (framework,) = result.records
    (position,) = framework.positions
    assert (position.applies_to, position.level, position.max) == ("xa", "deputy", 2)
    assert position.requirements[0].to_problem_dict() == {"attr": "education", "min": "dai_hoc", "hard": True}
    assert [(q.commune_code, q.payroll_quota) for q in framework.quotas] == [("06613", 74)]
    assert [(c.name, c.position_codes, c.max) for c in framework.caps] == [("Cấp phó", ("UBND/KT/2",), 4)]

    mm = _fill(
        blank_merger_map_template(),
        {
            "Phương án": [
                [1, "06625", "Xã Kiên Mộc", "Xã", "06619", "Xã Bắc Xa", "Huyện Đình Lập", "Xã", "Một phần"],
                [2, "06637", "Xã Châu Sơn", "Xã", "06619", "Xã Bắc Xa", "Huyện Đình Lập", "Xã", "Một phần"],
            ]
        },
    )
    links = read_merger_map(mm, "m.xlsx")
    assert links.errors == ()
    assert [(r.old_code, r.new_code, r.partial) for r in links.records] == [
        ("06619", "06625", True),
        ("06619", "06637", True),
    ]


@pytest.mark.parametrize(("ref", "words"), [("XFD1048576", "dòng 1048576"), ("AAA2", "cột AAA")])
def test_refuses_a_tiny_file_naming_a_far_cell(ref: str, words: str) -> None:
    # The engine would allocate the whole rectangle up to that cell (hundreds of GB) and abort.
    original = zipfile.ZipFile(io.BytesIO(make_xlsx([["Họ và tên", "Ngày sinh"], ["A B", "01/01/1980"]])))
    out = io.BytesIO()
    row = "".join(ch for ch in ref if ch.isdigit())
    with zipfile.ZipFile(out, "w") as zf:
        for info in original.infolist():
            data = original.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                far = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
                data = data.replace(b"</sheetData>", far.encode())
            zf.writestr(info, data)
    for result in (
        read_roster(out.getvalue(), "far.xlsx", unit="X"),
        read_merger_map(out.getvalue(), "far.xlsx"),
    ):
        assert result.records == ()
        assert len(result.errors) == 1
        assert words in result.errors[0].message


@pytest.mark.parametrize("isolate", [True, False])
def test_refuses_a_shared_string_count_bomb(isolate: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # uniqueCount="4000000000" makes the engine reserve room for 4 billion strings and abort.
    import xlsxwriter

    import imports.sheets

    monkeypatch.setattr(imports.sheets, "ISOLATE_ENGINE", isolate)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    ws = book.add_worksheet()
    for c, h in enumerate(["Họ và tên", "Ngày sinh", "Giới tính", "Loại cán bộ"]):
        ws.write_string(0, c, h)
    book.close()
    original = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b'uniqueCount="4"', b'uniqueCount="4000000000"')
            zf.writestr(info.filename, data)
    result = read_roster(out.getvalue(), "sst.xlsx", unit="X")
    assert result.records == ()
    assert len(result.errors) == 1
    assert "độc hại" in result.errors[0].message or "Không đọc được" in result.errors[0].message
