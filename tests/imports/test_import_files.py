"""Files as different programs save them: CSV encodings, LibreOffice .xls and .xlsx."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from import_helpers import make_xlsx, soffice_convert, to_cp1258
from test_import_roster import COMMUNES, quirky_roster

from imports.framework import read_framework
from imports.merger_map import read_merger_map
from imports.roster import read_roster

HEADER = [
    "STT",
    "Số CCCD",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Loại cán bộ",
    "Trình độ LLCT",
    "Đảng viên",
    "Xếp loại 2024",
]
DATA = [
    ["1", "020175001234", "Hoàng Văn Long", "12/04/1976", "Nam", "Công chức", "Cử nhân", "x", "HTTNV"],
    [
        "2",
        "20180004321",
        "Lý Thị Mai",
        "03/02/1980",
        "Nữ",
        "Cán bộ",
        "Trung cấp",
        "",
        "Hoàn thành xuất sắc nhiệm vụ",
    ],
    ["3", "", "Nông Thị Ước", "1/1/1990", "Nữ", "Hợp đồng", "", "Không", ""],
]


def csv_text(delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["DANH SÁCH CÁN BỘ XÃ ĐÌNH LẬP"])
    writer.writerow([])
    writer.writerow(HEADER)
    writer.writerows(DATA)
    writer.writerow([])
    writer.writerow(["", "Người lập biểu", "", "", "", "Thủ trưởng đơn vị"])
    return out.getvalue()


def check(result_people: tuple, errors: tuple) -> None:
    people = {p.name: p for p in result_people}
    assert set(people) == {"Hoàng Văn Long", "Lý Thị Mai", "Nông Thị Ước"}
    assert people["Hoàng Văn Long"].political_theory == "cao_cap"
    assert people["Hoàng Văn Long"].party_member
    assert people["Lý Thị Mai"].id == "020180004321"
    assert people["Lý Thị Mai"].ratings[0].value == "xuat_sac"
    assert people["Nông Thị Ước"].category == "hop_dong"
    assert not people["Nông Thị Ước"].has_cccd
    # both warnings; row 0: the file-level note that its all-ambiguous dates were read as dd/mm
    assert {(e.row, e.column) for e in errors if e.row} == {(5, "Số CCCD"), (6, "Số CCCD")}
    assert all("ngày/tháng" in e.message for e in errors if not e.row)
    assert all(e.severity == "warning" for e in errors)


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-8", ";"), ("utf-16", "\t"), ("cp1258", ",")],
)
def test_csv_encodings(encoding: str, delimiter: str) -> None:
    text = csv_text(delimiter)
    data = to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    # a misleading name: the type comes from the content
    result = read_roster(io.BytesIO(data), "danh_sach.xlsx", unit="06613", as_of=date(2025, 7, 1))
    check(result.records, result.errors)
    assert result.rows == 3


def test_cp1258_decodes_to_nfc() -> None:
    data = to_cp1258(csv_text())
    assert "Hoàng Văn Long".encode() not in data  # really the Windows code page
    result = read_roster(data, "a.csv", unit="06613", as_of=date(2025, 7, 1))
    assert result.records[0].name == "Hoàng Văn Long"


@pytest.fixture(scope="module")
def libreoffice_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The quirky roster and a plain one, as LibreOffice saves them in .xls and .xlsx."""
    src = tmp_path_factory.mktemp("src")
    quirky = src / "quirky.xlsx"
    quirky.write_bytes(quirky_roster())
    plain = src / "plain.xlsx"
    plain.write_bytes(make_xlsx([["DANH SÁCH"], [], HEADER, *DATA]))
    profile = tmp_path_factory.mktemp("lo-profile")  # made once, then reused: the first start is the slow one
    q_xls, p_xls = soffice_convert([quirky, plain], "xls", tmp_path_factory.mktemp("xls"), profile)
    (q_xlsx,) = soffice_convert(
        [quirky], "xlsx:Calc MS Excel 2007 XML", tmp_path_factory.mktemp("xlsx"), profile
    )
    (q_ods,) = soffice_convert([quirky], "ods", tmp_path_factory.mktemp("ods"), profile)
    return {
        "quirky.xls": q_xls,
        "plain.xls": p_xls,
        "quirky.xlsx": q_xlsx,
        "quirky.ods": q_ods,
        "original": quirky,
    }


@pytest.mark.parametrize("name", ["quirky.xls", "quirky.xlsx", "quirky.ods"])
def test_libreoffice_files_read_like_the_original(libreoffice_files: dict[str, Path], name: str) -> None:
    original = read_roster(
        libreoffice_files["original"], "o.xlsx", unit="06619", communes=COMMUNES, as_of=date(2025, 7, 1)
    )
    converted = read_roster(
        libreoffice_files[name], "o.xlsx", unit="06619", communes=COMMUNES, as_of=date(2025, 7, 1)
    )
    assert converted.records == original.records
    assert converted.errors == original.errors
    assert converted.rows == original.rows == 5


def test_xls_with_text_cells(libreoffice_files: dict[str, Path]) -> None:
    path = libreoffice_files["plain.xls"]
    assert path.read_bytes()[:4] == bytes.fromhex("d0cf11e0")
    result = read_roster(path, "plain.xls", unit="06613", as_of=date(2025, 7, 1))
    check(result.records, result.errors)


def test_annotated_copy_of_an_xls(libreoffice_files: dict[str, Path]) -> None:
    import openpyxl

    from imports.report import WARNING_FILL, annotated_copy

    data = libreoffice_files["plain.xls"].read_bytes()
    result = read_roster(data, "plain.xls", unit="06613", as_of=date(2025, 7, 1))
    wb = openpyxl.load_workbook(io.BytesIO(annotated_copy(data, "plain.xls", result)))
    ws = wb[wb.sheetnames[0]]
    assert ws["C4"].value == "Hoàng Văn Long"
    assert ws["B5"].comment is not None
    assert ws["B5"].fill.fgColor.rgb.endswith(WARNING_FILL)


def test_an_xls_that_aborts_the_engine_is_one_error() -> None:
    # A LibreOffice .xls with 20 bytes changed (found by fuzzing): opening it in-process makes the
    # engine ask for 64 GB and abort the whole Python process. Read in a child, it is one error.
    path = Path(__file__).parent / "data" / "engine-abort.xls"
    for result in (
        read_roster(path, "x.xls", unit="X"),
        read_merger_map(path, "x.xls"),
        read_framework(path, "x.xls"),
    ):
        assert result.records == ()
        assert len(result.errors) == 1
        assert "Không đọc được tệp" in result.errors[0].message


def test_the_child_process_memory_limit_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFFING_IMPORT_MEMORY_MB", "12")  # too little even to start: the child dies
    path = Path(__file__).parent / "data" / "engine-abort.xls"
    result = read_roster(path.read_bytes(), "x.xls", unit="X")
    assert len(result.errors) == 1
    assert "Không đọc được tệp" in result.errors[0].message
