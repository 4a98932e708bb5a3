"""Typed conversion of one text cell; each parser says what is wrong instead of guessing.

A parser returns a `Parsed`: the value (None when there is none), and at most one error
or warning message in Vietnamese that says what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from imports.text import fold

T = TypeVar("T")

EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class Parsed(Generic[T]):
    value: T | None = None
    error: str | None = None
    warning: str | None = None


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_MY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_WORDS = re.compile(r"^ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})$")

DATE_HINT = "cần ngày dạng dd/mm/yyyy (ví dụ 12/04/1976)"


def _make(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def date_order_evidence(text: str) -> str | None:
    """What a text date says about day/month order: "dmy" (first part > 12), "mdy" (second > 12),
    "ambiguous" (both parts 12 or less and different), or None (no such date)."""
    m = _DMY.match(text.strip())
    if not m:
        return None
    a, b = int(m[1]), int(m[2])
    if a > 12 >= b:
        return "dmy"
    if b > 12 >= a:
        return "mdy"
    if a <= 12 and b <= 12 and a != b:
        return "ambiguous"
    return None


def parse_date(text: str, order: str = "dmy") -> Parsed[date]:
    """A date written as dd/mm/yyyy, d-m-yyyy, yyyy-mm-dd, an Excel serial, mm/yyyy or yyyy alone.

    `order` "mdy" reads a slashed date as month/day/year (a file whose own dates show that order)."""
    t = text.strip()
    if not t:
        return Parsed()
    if m := _ISO.match(t):
        value = _make(int(m[1]), int(m[2]), int(m[3]))
        return Parsed(value) if value else Parsed(error=f"Ngày không tồn tại; {DATE_HINT}.")
    if m := _DMY.match(t):
        day, month, year = int(m[1]), int(m[2]), m[3]
        if order == "mdy":
            day, month = month, day
        if len(year) != 4:
            return Parsed(error=f"Năm phải đủ 4 chữ số; {DATE_HINT}.")
        value = _make(int(year), month, day)
        if value is None:
            return Parsed(error=f"Ngày không tồn tại (ngày/tháng sai); {DATE_HINT}.")
        return Parsed(value)
    if m := _WORDS.match(fold(t)):
        value = _make(int(m[3]), int(m[2]), int(m[1]))
        return Parsed(value) if value else Parsed(error=f"Ngày không tồn tại; {DATE_HINT}.")
    if m := _MY.match(t):
        value = _make(int(m[2]), int(m[1]), 1)
        if value is None:
            return Parsed(error=f"Tháng không hợp lệ; {DATE_HINT}.")
        return Parsed(value, warning="Chỉ có tháng và năm; đã lấy ngày 01 của tháng.")
    if m := _YEAR.match(t):
        year = int(m[1])
        if 1900 <= year <= 2100:
            return Parsed(date(year, 1, 1), warning="Chỉ có năm; đã lấy ngày 01/01 của năm đó.")
    if _SERIAL.match(t):
        serial = float(t)
        if 1 <= serial < 2958466:
            return Parsed(EXCEL_EPOCH + timedelta(days=int(serial)))
    return Parsed(error=f"Không hiểu giá trị ngày; {DATE_HINT}.")


def parse_int(text: str, *, minimum: int = 0, maximum: int = 100_000) -> Parsed[int]:
    """A whole number within bounds ("3", "3.0", "1.200" with a thousands dot is refused)."""
    t = text.strip()
    if not t:
        return Parsed()
    try:
        number = float(t.replace(",", "."))
    except ValueError:
        return Parsed(error="Cần một số nguyên.")
    if not number.is_integer():
        return Parsed(error="Cần một số nguyên (không có phần thập phân).")
    value = int(number)
    if value < minimum or value > maximum:
        return Parsed(error=f"Số phải trong khoảng {minimum} đến {maximum}.")
    return Parsed(value)


def parse_number(text: str) -> Parsed[float]:
    """A number; a decimal comma is accepted ("2,5" -> 2.5)."""
    t = text.strip()
    if not t:
        return Parsed()
    try:
        return Parsed(float(t.replace(",", ".")))
    except ValueError:
        return Parsed(error="Cần một số (ví dụ 5 hoặc 2,5).")


_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


def parse_cccd(text: str) -> Parsed[str]:
    """A 12-digit citizen identity number; 11 digits get their lost leading zero back (warning)."""
    t = text.strip().lstrip("'").strip()
    if not t:
        return Parsed()
    if _SCIENTIFIC.match(t):
        return Parsed(
            error="Số CCCD bị Excel đổi sang dạng số mũ và đã mất chữ số; "
            "hãy định dạng cột là Văn bản (Text) rồi nhập lại đủ 12 số."
        )
    digits = re.sub(r"[\s.\-]", "", t)
    if digits.endswith(".0"):
        digits = digits[:-2]
    if not digits.isdigit():
        return Parsed(error="Số CCCD chỉ gồm chữ số; cần đúng 12 chữ số.")
    if len(digits) == 12:
        return Parsed(digits)
    if len(digits) == 11:
        return Parsed(
            "0" + digits,
            warning="Số CCCD có 11 chữ số (Excel đã bỏ số 0 ở đầu); đã thêm lại số 0. "
            "Nên định dạng cột là Văn bản.",
        )
    if len(digits) == 9:
        return Parsed(error="Đây là số CMND 9 chữ số; cần số CCCD 12 chữ số (hoặc để trống).")
    return Parsed(error=f"Số CCCD có {len(digits)} chữ số; cần đúng 12 chữ số.")


@dataclass(frozen=True)
class Identity:
    """An identity number as read: a 12-digit CCCD, or a legacy 9-digit CMND, never both."""

    cccd: str | None = None
    cmnd: str | None = None
    message: str | None = None  # what is wrong or was changed
    usable: bool = True  # False: the text cannot serve as an identity (the message says why)


def parse_identity(text: str) -> Identity:
    """A CCCD (12 digits; 11 get their lost leading zero back), or a 9-digit CMND (with a warning)."""
    t = text.strip().lstrip("'").strip()
    if not t:
        return Identity()
    digits = re.sub(r"[\s.\-]", "", t)
    if digits.endswith(".0"):
        digits = digits[:-2]
    if digits.isdigit() and len(digits) == 9:
        return Identity(
            cmnd=digits,
            message="Số CMND cũ 9 chữ số: đã dùng làm mã định danh (khác với số CCCD 12 chữ số); "
            "nên bổ sung số CCCD.",
        )
    if digits.isdigit() and len(digits) == 10:
        return Identity(
            message="Số có 10 chữ số không phải số CCCD (12 chữ số) cũng không phải CMND (9 chữ số); "
            "có thể thiếu hai chữ số hoặc là số điện thoại. Cần kiểm tra lại.",
            usable=False,
        )
    parsed = parse_cccd(t)
    if parsed.value:
        return Identity(cccd=parsed.value, message=parsed.warning)
    return Identity(message=parsed.error, usable=False)


def parse_code(text: str, width: int = 5) -> Parsed[str]:
    """An administrative unit code: `width` digits (a lost leading zero is restored), or letters+digits."""
    t = text.strip().lstrip("'").strip()
    if not t:
        return Parsed()
    if t.isdigit():
        if len(t) == width:
            return Parsed(t)
        if len(t) < width:
            return Parsed(
                t.zfill(width),
                warning=f"Mã có {len(t)} chữ số; đã thêm số 0 ở đầu cho đủ {width} chữ số.",
            )
        return Parsed(error=f"Mã đơn vị cần {width} chữ số.")
    if re.fullmatch(r"[A-Za-z0-9_./\-]{1,20}", t):
        return Parsed(t)
    return Parsed(error=f"Mã đơn vị không hợp lệ; cần {width} chữ số (hoặc mã cơ quan như H189).")
