"""Excel workbooks of a plan (xlsxwriter): staffing tables, appointed and unplaced people, gaps, summary."""

from __future__ import annotations

import io
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

import xlsxwriter
from xlsxwriter.workbook import Workbook

from ..labels import label, requirement_text
from .compose import DecisionDoc
from .plandata import PlanData, old_post, policy_of
from .text import short_date

A4 = 9
Cell = str | int | float | date | None


@dataclass(frozen=True)
class Column:
    """A column: Vietnamese header, width in characters, and whether it holds dates."""

    header: str
    width: float
    kind: str = "text"  # text | int | date | num


class SafeSheet:
    """A worksheet whose text is always written as text: no formula, URL or number is ever inferred."""

    def __init__(
        self,
        book: Workbook,
        name: str,
        title: str,
        subtitle: str,
        columns: Sequence[Column],
        draft_mark: str | None,
    ) -> None:
        self.book, self.ws = book, book.add_worksheet(name)
        self.columns = columns
        self.formats = _formats(book)
        self.row = 0
        ws = self.ws
        last = len(columns) - 1
        heading = f"{draft_mark} - {title}" if draft_mark else title
        ws.merge_range(0, 0, 0, last, "", self.formats["title"])
        ws.write_string(0, 0, heading, self.formats["title"])
        ws.merge_range(1, 0, 1, last, "", self.formats["subtitle"])
        ws.write_string(1, 0, subtitle, self.formats["subtitle"])
        self.header_row = 3
        for col, c in enumerate(columns):
            ws.write_string(self.header_row, col, c.header, self.formats["header"])
            ws.set_column(col, col, c.width)
        ws.set_row(self.header_row, 33)
        ws.freeze_panes(self.header_row + 1, 0)
        ws.set_landscape()
        ws.set_paper(A4)
        ws.set_margins(left=0.5, right=0.4, top=0.7, bottom=0.6)
        ws.repeat_rows(self.header_row)
        ws.fit_to_pages(1, 0)
        ws.set_header(f'&C&"Times New Roman,Bold"&14&KC00000{_escape(draft_mark)}' if draft_mark else "")
        ws.set_footer("&CTrang &P/&N")
        self.row = self.header_row + 1

    def append(self, values: Sequence[Cell], fmt: str = "cell") -> None:
        """One data row; strings go through write_string whatever they start with."""
        for col, (value, column) in enumerate(zip(values, self.columns, strict=True)):
            self.put(self.row, col, value, column.kind, fmt)
        self.row += 1

    def put(self, row: int, col: int, value: Cell, kind: str = "text", fmt: str = "cell") -> None:
        """Write one cell by its Python type, never letting xlsxwriter guess."""
        ws, f = self.ws, self.formats
        if value is None or value == "":
            ws.write_blank(row, col, None, f[fmt])
        elif isinstance(value, bool):
            ws.write_string(row, col, "Có" if value else "Không", f[fmt])
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, f["num" if fmt == "cell" else fmt + "_num"])
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, f["date" if fmt == "cell" else fmt])
        else:
            ws.write_string(row, col, str(value), f[fmt])

    def finish(self) -> None:
        """Filters over the header and data rows."""
        self.ws.autofilter(self.header_row, 0, max(self.header_row, self.row - 1), len(self.columns) - 1)


def _escape(text: str | None) -> str:
    return (text or "").replace("&", "&&")


_FORMATS: weakref.WeakKeyDictionary[Workbook, dict[str, Any]] = weakref.WeakKeyDictionary()


def _formats(book: Workbook) -> dict[str, Any]:
    if book in _FORMATS:
        return _FORMATS[book]
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top", "border": 1, "text_wrap": True}
    formats = {
        "title": book.add_format(
            {"font_name": "Times New Roman", "font_size": 14, "bold": True, "align": "center"}
        ),
        "subtitle": book.add_format(
            {"font_name": "Times New Roman", "font_size": 12, "italic": True, "align": "center"}
        ),
        "header": book.add_format(
            {**base, "bold": True, "align": "center", "valign": "vcenter", "bg_color": "#D9E1F2"}
        ),
        "cell": book.add_format(base),
        "num": book.add_format({**base, "align": "right"}),
        "date": book.add_format({**base, "num_format": "dd/mm/yyyy", "align": "center"}),
        "total": book.add_format({**base, "bold": True}),
        "total_num": book.add_format({**base, "bold": True, "align": "right"}),
    }
    _FORMATS[book] = formats
    return formats


def new_workbook(out: IO[bytes] | str) -> Workbook:
    """A workbook that never turns strings into formulas, URLs or numbers."""
    return xlsxwriter.Workbook(
        out,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": True,
        },
    )


def _subtitle(data: PlanData) -> str:
    return (
        f"Phương án: {data.name} (số {data.plan_id}) - Tỉnh {data.province_name} - "
        f"Trạng thái: {label('plan_status', data.status)} - Ngày chốt số liệu: {short_date(data.as_of)}"
    )


# ------------------------------------------------------------------ the plan workbook

SUMMARY_COLUMNS = (
    Column("Mã xã", 9),
    Column("Tên xã, phường", 28),
    Column("Loại", 9),
    Column("Biên chế được giao", 11, "int"),
    Column("Số vị trí (tối đa)", 11, "int"),
    Column("Tối thiểu", 10, "int"),
    Column("Đã bố trí", 10, "int"),
    Column("Còn trống", 10, "int"),
    Column("Thiếu so với tối thiểu", 12, "int"),
    Column("Thiếu tiêu chuẩn (người)", 12, "int"),
    Column("Vượt biên chế", 10, "int"),
)
STAFFING_COLUMNS = (
    Column("Mã xã", 9),
    Column("Tên xã, phường", 24),
    Column("Khối", 20),
    Column("Cơ quan, phòng, ban", 28),
    Column("Mã vị trí", 18),
    Column("Vị trí, chức vụ", 32),
    Column("Cấp", 11),
    Column("Tối thiểu", 9, "int"),
    Column("Định biên (tối đa)", 10, "int"),
    Column("Đã bố trí", 9, "int"),
    Column("Còn trống", 9, "int"),
    Column("Thiếu", 8, "int"),
)
APPOINTED_COLUMNS = (
    Column("STT", 6, "int"),
    Column("Mã xã", 9),
    Column("Tên xã, phường", 22),
    Column("Cơ quan, phòng, ban", 24),
    Column("Vị trí, chức vụ mới", 28),
    Column("Cấp", 10),
    Column("Họ và tên", 24),
    Column("Ngày sinh", 12, "date"),
    Column("Giới tính", 8),
    Column("Số định danh", 16),
    Column("Chức vụ, đơn vị cũ", 36),
    Column("Loại quyết định", 12),
    Column("Cơ quan quyết định", 28),
    Column("Nguồn", 10),
    Column("Khóa", 7),
)
UNPLACED_COLUMNS = (
    Column("STT", 6, "int"),
    Column("Họ và tên", 24),
    Column("Ngày sinh", 12, "date"),
    Column("Giới tính", 8),
    Column("Số định danh", 16),
    Column("Chức vụ, đơn vị cũ", 36),
    Column("Loại cán bộ", 14),
    Column("Ngày đủ tuổi nghỉ hưu", 13, "date"),
    Column("Số năm đến tuổi nghỉ hưu", 11, "num"),
    Column("Khung", 8),
    Column("Đủ điều kiện nghỉ hưu trước tuổi", 12),
    Column("Chính sách áp dụng", 60),
    Column("Nguồn số liệu", 16),
)
GAP_COLUMNS = (
    Column("STT", 6, "int"),
    Column("Mã xã", 9),
    Column("Tên xã, phường", 22),
    Column("Vị trí, chức vụ", 32),
    Column("Họ và tên", 24),
    Column("Số định danh", 16),
    Column("Tiêu chuẩn chưa đạt", 36),
    Column("Hiện có", 20),
)
SHORTFALL_COLUMNS = (
    Column("Mã xã", 9),
    Column("Tên xã, phường", 24),
    Column("Cơ quan, phòng, ban", 28),
    Column("Vị trí, chức vụ", 32),
    Column("Số người còn thiếu", 12, "int"),
)


def write_plan_workbook(
    data: PlanData,
    out: IO[bytes] | str,
    routes: dict[int, tuple[str, str]] | None = None,
    draft_mark: str = "DỰ THẢO",
) -> None:
    """The plan's workbook: summary, staffing per commune, appointed, unplaced, gaps, shortfalls."""
    book = new_workbook(out)
    mark = draft_mark if data.draft else None
    sub = _subtitle(data)
    communes = {c.code: c for c in data.communes}
    assigned = Counter(a.position.id for a in data.placed if a.position)
    gaps_by_commune = Counter(a.position.commune_code for a in data.placed if a.position and a.gaps)

    summary = SafeSheet(
        book,
        "Tổng hợp",
        f"TỔNG HỢP PHƯƠNG ÁN BỐ TRÍ CÁN BỘ, CÔNG CHỨC TỈNH {data.province_name.upper()}",
        sub,
        SUMMARY_COLUMNS,
        mark,
    )
    by_commune: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for p in data.positions:
        t = by_commune[p.commune_code]
        n = assigned[p.id]
        t[0] += p.max_holders
        t[1] += p.min_holders
        t[2] += n
        t[3] += max(0, p.max_holders - n)
        t[4] += max(0, p.min_holders - n)
    totals = [0] * 8
    for c in data.communes:
        t = by_commune[c.code]
        over = max(0, t[2] - c.payroll_quota) if c.payroll_quota is not None else 0
        values = [c.payroll_quota or 0, *t, gaps_by_commune[c.code], over]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        summary.append(
            [
                c.code,
                c.name,
                label("commune_kind", c.kind),
                c.payroll_quota,
                *t,
                gaps_by_commune[c.code],
                over,
            ]
        )
    summary.finish()
    summary.append(["", "Tổng cộng", "", *totals], fmt="total")
    r = summary.row + 1
    for caption, value in (
        ("Tổng số người trong phương án", len(data.placed) + len(data.unplaced)),
        ("Đã bố trí", len(data.placed)),
        ("Chưa bố trí", len(data.unplaced)),
        ("Đủ điều kiện nghỉ hưu trước tuổi", sum(policy_of(a, data.as_of).eligible for a in data.unplaced)),
    ):
        summary.put(r, 1, caption, fmt="total")
        summary.put(r, 3, value, fmt="total")
        r += 1

    staffing = SafeSheet(
        book, "Định biên theo xã", "BẢNG ĐỊNH BIÊN VÀ BỐ TRÍ THEO XÃ, PHƯỜNG", sub, STAFFING_COLUMNS, mark
    )
    for p in data.positions:
        n = assigned[p.id]
        staffing.append(
            [
                p.commune_code,
                communes[p.commune_code].name,
                label("block", p.block),
                p.department,
                p.code,
                p.title,
                label("level", p.level),
                p.min_holders,
                p.max_holders,
                n,
                max(0, p.max_holders - n),
                max(0, p.min_holders - n),
            ]
        )
    staffing.finish()

    appointed = SafeSheet(
        book, "Danh sách bố trí", "DANH SÁCH CÁN BỘ, CÔNG CHỨC ĐƯỢC BỐ TRÍ", sub, APPOINTED_COLUMNS, mark
    )
    for i, a in enumerate(data.placed, start=1):
        pos, person = a.seat, a.person
        kind, issuer = (routes or {}).get(a.id, ("", ""))
        appointed.append(
            [
                i,
                pos.commune_code,
                communes[pos.commune_code].name,
                pos.department,
                pos.title,
                label("level", pos.level),
                person.name,
                person.birth_date,
                label("gender", person.gender),
                person.key,
                old_post(person),
                kind,
                issuer,
                "Thủ công" if a.source == "manual" else "Đề xuất",
                a.locked,
            ]
        )
    appointed.finish()

    unplaced = SafeSheet(
        book, "Chưa bố trí", "DANH SÁCH CHƯA BỐ TRÍ VÀ CHÍNH SÁCH ĐƯỢC HƯỞNG", sub, UNPLACED_COLUMNS, mark
    )
    for i, a in enumerate(data.unplaced, start=1):
        person, policy = a.person, policy_of(a, data.as_of)
        unplaced.append(
            [
                i,
                person.name,
                person.birth_date,
                label("gender", person.gender),
                person.key,
                old_post(person),
                label("category", person.category),
                policy.retirement_date,
                policy.years_to_retirement,
                policy.band or "",
                policy.eligible,
                policy.text,
                "Tính từ ngày sinh" if policy.computed else "Theo kết quả đề xuất",
            ]
        )
    unplaced.finish()

    gaps = SafeSheet(book, "Thiếu tiêu chuẩn", "DANH SÁCH CHƯA ĐẠT TIÊU CHUẨN VỊ TRÍ", sub, GAP_COLUMNS, mark)
    n = 0
    for a in data.placed:
        pos = a.seat
        for gap in a.gaps:
            n += 1
            gaps.append(
                [
                    n,
                    pos.commune_code,
                    communes[pos.commune_code].name,
                    pos.title,
                    a.person.name,
                    a.person.key,
                    requirement_text(gap),
                    _gap_value(gap),
                ]
            )
    gaps.finish()

    short = SafeSheet(
        book, "Vị trí còn thiếu", "VỊ TRÍ CHƯA ĐỦ SỐ NGƯỜI TỐI THIỂU", sub, SHORTFALL_COLUMNS, mark
    )
    for pos, missing in data.shortfalls:
        short.append([pos.commune_code, communes[pos.commune_code].name, pos.department, pos.title, missing])
    short.finish()
    summary.ws.activate()
    book.close()


def _gap_value(gap: dict[str, Any]) -> str:
    """The person's value of a gap's attribute, as a reader says it."""
    if "value" not in gap:
        return ""
    value = gap["value"]
    from ..labels import ATTR_VOCAB

    vocab = ATTR_VOCAB.get(str(gap.get("attr", "")))
    if value is None or value == []:
        return "Chưa có"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, list):
        return ", ".join(label(vocab, v) if vocab else str(v) for v in value)
    return label(vocab, value) if vocab else str(value)


def plan_workbook_bytes(
    data: PlanData, routes: dict[int, tuple[str, str]] | None = None, draft_mark: str = "DỰ THẢO"
) -> bytes:
    """The plan workbook in memory."""
    out = io.BytesIO()
    write_plan_workbook(data, out, routes, draft_mark)
    return out.getvalue()


# ------------------------------------------------------------------ the ZIP's table of contents

INDEX_COLUMNS = (
    Column("STT", 6, "int"),
    Column("Tệp", 48),
    Column("Loại quyết định", 12),
    Column("Cơ quan ban hành", 30),
    Column("Số, ký hiệu", 18),
    Column("Mã xã", 9),
    Column("Tên xã, phường", 22),
    Column("Cơ quan, phòng, ban", 26),
    Column("Số người", 8, "int"),
    Column("Họ và tên", 36),
    Column("Vị trí, chức vụ mới", 36),
)


def index_workbook_bytes(
    data: PlanData,
    decisions: list[DecisionDoc],
    name_of: Callable[[DecisionDoc], str],
    draft_mark: str = "DỰ THẢO",
) -> bytes:
    """The table of contents of a batch: one row per decision file."""
    out = io.BytesIO()
    book = new_workbook(out)
    sheet = SafeSheet(
        book,
        "Mục lục",
        "MỤC LỤC QUYẾT ĐỊNH",
        _subtitle(data),
        INDEX_COLUMNS,
        draft_mark if data.draft else None,
    )
    for i, d in enumerate(decisions, start=1):
        people = "; ".join(p.name for p in d.people)
        posts = "; ".join(dict.fromkeys(p.post for p in d.people))
        sheet.append(
            [
                i,
                name_of(d),
                d.kind_label,
                d.issuer_label,
                d.symbol,
                d.commune_code,
                d.commune_name,
                d.department,
                len(d.people),
                people,
                posts,
            ]
        )
    sheet.finish()
    book.close()
    return out.getvalue()
