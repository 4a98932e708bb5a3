"""Pay cells of a roster row: salary coefficient, allowances, insurance years, part-time allowance.

Missing or unreadable pay data is a warning, never a rejection: the exit computation says what it lacks.
Kept apart from roster.py so the pay columns are one small table plus one call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from imports.records import Severity

# (key, lowest, highest, what the cell holds) for the numeric pay cells.
COEFFICIENTS: tuple[tuple[str, float, float, str], ...] = (
    ("salary_coefficient", 1.0, 10.0, "hệ số lương (vd. 4,98)"),
    ("position_allowance", 0.0, 2.0, "hệ số phụ cấp chức vụ (vd. 0,2)"),
    ("seniority_pct", 0.0, 50.0, "% phụ cấp thâm niên vượt khung (vd. 5%)"),
    ("insurance_years", 0.0, 50.0, "số năm đóng BHXH bắt buộc (vd. 28 hoặc 28 năm 3 tháng)"),
)
MONEY: tuple[tuple[str, str], ...] = (
    ("other_allowances", "phụ cấp khác hằng tháng, đồng (vd. 1.200.000)"),
    ("part_time_allowance", "mức phụ cấp hằng tháng của người không chuyên trách, đồng (vd. 2.500.000)"),
)
PAY_KEYS = tuple(k for k, *_ in COEFFICIENTS) + tuple(k for k, _ in MONEY)

_YEARS_MONTHS = re.compile(r"^(\d+)\s*(?:năm|nam|n)\s*(?:(\d+)\s*(?:tháng|thang|t))?$", re.IGNORECASE)


@dataclass(frozen=True)
class PayValues:
    salary_coefficient: float | None = None
    position_allowance: float | None = None
    seniority_pct: float | None = None
    other_allowances: int | None = None
    insurance_years: float | None = None
    part_time_allowance: int | None = None


def parse_decimal(text: str) -> float | None:
    """'4,98' / '4.98' / '5%' / '28 năm 3 tháng' -> a number; None when unreadable."""
    t = text.strip().rstrip("%").strip()
    if not t:
        return None
    m = _YEARS_MONTHS.match(t)
    if m:
        return int(m.group(1)) + int(m.group(2) or 0) / 12
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return None


def parse_money(text: str) -> int | None:
    """'1.200.000' / '1,200,000' / '1200000' / '1.200.000 đ' -> 1200000; None when unreadable."""
    t = re.sub(r"\s*(đồng|đ|vnd|VNĐ|VND)\s*$", "", text.strip(), flags=re.IGNORECASE)
    if re.fullmatch(r"\d+[.,]\d{1,2}", t):  # a number cell read back as text ("2340000.0"): a decimal
        return round(float(t.replace(",", ".")))
    digits = t.replace(".", "").replace(",", "").replace(" ", "")
    if not digits.isdigit():
        # a float cell read back as text ("1200000.0")
        try:
            value = float(t)
        except ValueError:
            return None
        return round(value) if value >= 0 else None
    return int(digits)


def read_pay(
    text: Callable[[str], str],
    report: Callable[[str, str, str, Severity], None],
    has_column: Callable[[str], bool],
    category: str | None,
) -> PayValues:
    """The pay cells of one row; every odd value is reported as a warning and left empty."""
    values: dict[str, float | int | None] = {}
    for key, low, high, what in COEFFICIENTS:
        raw = text(key)
        if not raw.strip():
            values[key] = None
            continue
        number = parse_decimal(raw)
        if number is None or not low <= number <= high:
            report(key, raw, f"Không đọc được {what}; bỏ trống giá trị này.", "warning")
            values[key] = None
        else:
            values[key] = number
    for key, what in MONEY:
        raw = text(key)
        money = parse_money(raw) if raw.strip() else None
        if raw.strip() and money is None:
            report(key, raw, f"Không đọc được {what}; bỏ trống giá trị này.", "warning")
        values[key] = money
    if category == "khong_chuyen_trach":
        if has_column("part_time_allowance") and values["part_time_allowance"] is None:
            report(
                "part_time_allowance",
                "",
                "Thiếu mức phụ cấp hằng tháng: chưa tính được trợ cấp theo Nghị định 154/2025.",
                "warning",
            )
    elif has_column("salary_coefficient") and values["salary_coefficient"] is None:
        report(
            "salary_coefficient",
            "",
            "Thiếu hệ số lương: chưa tính được trợ cấp theo Nghị định 178/2024.",
            "warning",
        )
    other, part_time = values["other_allowances"], values["part_time_allowance"]
    return PayValues(
        salary_coefficient=values["salary_coefficient"],
        position_allowance=values["position_allowance"],
        seniority_pct=values["seniority_pct"],
        insurance_years=values["insurance_years"],
        other_allowances=int(other) if other is not None else None,
        part_time_allowance=int(part_time) if part_time is not None else None,
    )
