"""Pay cells of a roster: read when present, a warning (never a rejection) when odd or missing."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from imports.pay import parse_decimal, parse_money, read_pay
from imports.roster import read_roster


def test_parsing_numbers_the_way_offices_write_them() -> None:
    assert parse_decimal("4,98") == 4.98
    assert parse_decimal("4.98") == 4.98
    assert parse_decimal("5%") == 5
    assert parse_decimal("28 năm 3 tháng") == 28.25
    assert parse_decimal("abc") is None
    assert parse_money("1.200.000") == 1_200_000
    assert parse_money("1,200,000 đ") == 1_200_000
    assert parse_money("2340000.0") == 2_340_000
    assert parse_money("nhiều") is None


def test_odd_cells_are_warnings() -> None:
    cells = {"salary_coefficient": "42", "insurance_years": "x", "other_allowances": "1.000.000"}
    seen: list[tuple[str, str]] = []
    pay = read_pay(
        lambda k: cells.get(k, ""), lambda k, v, m, s: seen.append((k, s)), lambda k: True, "cong_chuc"
    )
    assert (
        pay.salary_coefficient is None and pay.insurance_years is None and pay.other_allowances == 1_000_000
    )
    assert ("salary_coefficient", "warning") in seen and ("insurance_years", "warning") in seen
    assert all(s == "warning" for _, s in seen)


def _roster(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "STT",
            "Số CCCD",
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Loại cán bộ",
            "Chức vụ, chức danh",
            "Hệ số lương",
            "Hệ số phụ cấp chức vụ",
            "TNVK",
            "Phụ cấp khác",
            "Số năm đóng BHXH",
            "Mức phụ cấp hằng tháng",
        ]
    )
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_roster_reads_pay_and_only_warns_when_missing() -> None:
    data = _roster(
        [
            [
                1,
                "020080000001",
                "Nông Văn An",
                "05/05/1970",
                "Nam",
                "Công chức",
                "Chuyên viên",
                4.98,
                0.2,
                "5%",
                "1.000.000",
                "28 năm 3 tháng",
                None,
            ],
            [
                2,
                "020080000002",
                "Hoàng Thị Bích",
                "06/06/1980",
                "Nữ",
                "Công chức",
                "Chuyên viên",
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            [
                3,
                "020080000003",
                "Lý Văn Cường",
                "07/07/1975",
                "Nam",
                "Không chuyên trách",
                "Phó Trưởng Công an",
                None,
                None,
                None,
                None,
                None,
                "2.340.000",
            ],
        ]
    )
    result = read_roster(io.BytesIO(data), "pay.xlsx", unit="06613", as_of=date(2025, 7, 1))
    assert len(result.records) == 3
    an, bich, cuong = result.records
    assert (an.salary_coefficient, an.position_allowance, an.seniority_pct) == (4.98, 0.2, 5.0)
    assert (an.other_allowances, an.insurance_years) == (1_000_000, 28.25)
    assert bich.salary_coefficient is None
    assert cuong.part_time_allowance == 2_340_000
    pay_errors = [e for e in result.errors if "lương" in e.message or "phụ cấp" in e.message]
    assert pay_errors and all(e.severity == "warning" for e in pay_errors)
    assert any(e.row == 3 and "Thiếu hệ số lương" in e.message for e in pay_errors)
