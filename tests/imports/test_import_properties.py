"""Property tests: malformed rows and files never make a reader raise, and every bad row is named."""

from __future__ import annotations

import csv
import io
import string
from datetime import date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import make_xlsx
from test_import_merger_framework import MAP_HEADER, framework_book
from test_import_roster import quirky_roster

from imports.framework import read_framework
from imports.merger_map import read_merger_map
from imports.records import ImportResult
from imports.roster import read_roster
from imports.sheets import INTERNAL_ERROR

ROSTER_HEADER = [
    "STT",
    "Số CCCD",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Loại cán bộ",
    "Trình độ chuyên môn",
    "Lý luận chính trị",
    "Đảng viên",
    "Xếp loại 2024",
    "Quy hoạch",
    "Nơi ở hiện nay",
]

# No control characters: Excel cannot hold them (openpyxl refuses them too).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85"),
    max_size=20,
)
GOOD = st.sampled_from(
    [
        "Nam",
        "Nữ",
        "Công chức",
        "Cán bộ",
        "Cử nhân",
        "Đại học",
        "x",
        "HTTNV",
        "12/04/1976",
        "020175001234",
        "20175001234",
        "Trưởng phòng",
        "Xã Châu Sơn",
        "06637",
        "Nguyễn Văn A",
    ]
)
CELL = st.one_of(
    st.none(),
    GOOD,
    TEXT,
    st.integers(min_value=-(10**13), max_value=10**13),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
)
ROW = st.lists(CELL, min_size=0, max_size=len(ROSTER_HEADER) + 2)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def accounted(
    result: ImportResult[Any], rows: list[list[Any]], first_row: int, sheet: str | None = None
) -> None:
    """Every row with content is either a record or has an error on its own row number."""
    assert all(e.message != INTERNAL_ERROR for e in result.errors)
    accepted = {r.source.row for r in result.records if getattr(r, "source", None)}
    rejected = {e.row for e in result.errors if e.severity == "error" and (sheet is None or e.sheet == sheet)}
    for i, row in enumerate(rows):
        cells = [_text(v) for v in row]
        filled = [c for c, v in enumerate(cells) if v]
        if not filled or (filled == [0]):  # blank, or a section heading in the STT column
            continue
        excel_row = first_row + i
        assert excel_row in accepted or excel_row in rejected or _skipped(cells), (
            excel_row,
            row,
            result.errors,
        )


def _skipped(cells: list[str]) -> bool:
    # rows the readers skip on purpose: totals and a signature block (then everything after it)
    from imports.sheets import is_signature, is_total

    return is_total(cells) or is_signature(cells)


def _xlsx_cell(v: Any) -> Any:
    if isinstance(v, str) and v.startswith("="):
        return "'" + v  # not a formula
    return v


@SETTINGS
@given(st.lists(ROW, max_size=12))
def test_roster_xlsx_rows(rows: list[list[Any]]) -> None:
    sheet = [["DANH SÁCH"], ROSTER_HEADER, *[[_xlsx_cell(v) for v in r] for r in rows]]
    result = read_roster(
        make_xlsx(sheet), "p.xlsx", unit="X", communes={"Xã Châu Sơn": "06637"}, as_of=date(2025, 7, 1)
    )
    if any(is_sig for is_sig in (_skipped([_text(v) for v in r]) for r in rows)):
        return
    accounted(result, rows, first_row=3)
    for e in result.errors:
        assert e.file == "p.xlsx"
        assert e.sheet == "Danh sách"
        assert e.row >= 2 or (e.row == 0 and e.severity == "warning")  # 0: a file-level note
        if e.col:
            assert e.column == ROSTER_HEADER[e.col - 1] or e.row == 2


@SETTINGS
@given(st.lists(ROW, max_size=15), st.sampled_from(["utf-8-sig", "utf-16", "cp1258", "utf-8"]))
def test_roster_csv_rows(rows: list[list[Any]], encoding: str) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_HEADER)
    for r in rows:
        writer.writerow(["" if v is None else v for v in r])
    data = out.getvalue().encode(encoding, errors="replace")
    result = read_roster(data, "p.csv", unit="X", as_of=date(2025, 7, 1))
    assert all(e.message != INTERNAL_ERROR for e in result.errors)
    if encoding in ("utf-8-sig", "utf-16") and not any(_skipped([_text(v) for v in r]) for r in rows):
        # csv quoting can merge lines only when a cell holds a newline; the generated text has none
        assert len(result.records) + result.extra.get("rejected_rows", 0) == result.rows


@SETTINGS
@given(st.lists(st.lists(CELL, max_size=len(MAP_HEADER) + 1), max_size=12))
def test_merger_map_rows(rows: list[list[Any]]) -> None:
    sheet = [MAP_HEADER, *[[_xlsx_cell(v) for v in r] for r in rows]]
    result = read_merger_map(make_xlsx(sheet), "m.xlsx")
    if any(_skipped([_text(v) for v in r]) for r in rows):
        return
    accounted(result, rows, first_row=2)


@SETTINGS
@given(st.lists(st.lists(CELL, max_size=10), max_size=8), st.lists(st.lists(CELL, max_size=7), max_size=8))
def test_framework_rows(positions: list[list[Any]], requirements: list[list[Any]]) -> None:
    book = make_xlsx(
        {
            "Vị trí": [
                [
                    "Áp dụng cho",
                    "Mã vị trí",
                    "Khối",
                    "Phòng ban",
                    "Chức danh",
                    "Cấp",
                    "Nhóm công việc",
                    "Tối thiểu",
                    "Tối đa",
                ],
                *[[_xlsx_cell(v) for v in r] for r in positions],
            ],
            "Yêu cầu": [
                ["Áp dụng cho", "Mã vị trí", "Thuộc tính", "Điều kiện", "Giá trị", "Bắt buộc"],
                *[[_xlsx_cell(v) for v in r] for r in requirements],
            ],
        }
    )
    result = read_framework(book, "k.xlsx")
    assert all(e.message != INTERNAL_ERROR for e in result.errors)
    (fw,) = result.records
    if any(_skipped([_text(v) for v in r]) for r in positions):
        return
    accepted = {p.source.row for p in fw.positions if p.source}
    rejected = {e.row for e in result.errors if e.severity == "error" and e.sheet == "Vị trí"}
    for i, row in enumerate(positions):
        cells = [_text(v) for v in row]
        filled = [c for c, v in enumerate(cells) if v]
        if filled and filled != [0]:
            assert i + 2 in accepted | rejected


def _mutations(data: bytes) -> st.SearchStrategy[bytes]:
    @st.composite
    def mutate(draw: st.DrawFn) -> bytes:
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            pos = draw(st.integers(0, len(out) - 1))
            out[pos] = draw(st.integers(0, 255))
        if draw(st.booleans()):
            out = out[: draw(st.integers(0, len(out)))]
        return bytes(out)

    return mutate()


ROSTER_BYTES = quirky_roster()
FRAMEWORK_BYTES = framework_book()


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=3000),
        _mutations(ROSTER_BYTES),
        _mutations(FRAMEWORK_BYTES),
        st.text(alphabet=string.printable + "ăâđêôơưĂÂĐÊÔƠƯạảấ", max_size=500).map(str.encode),
    )
)
def test_garbage_files_never_raise(data: bytes) -> None:
    for result in (
        read_roster(data, "g.xlsx", unit="X"),
        read_merger_map(data, "g.xlsx"),
        read_framework(data, "g.xlsx"),
    ):
        assert isinstance(result, ImportResult)
        assert all(e.message != INTERNAL_ERROR for e in result.errors), result.errors
        assert all(e.file == "g.xlsx" for e in result.errors)
        assert result.records == () or result.errors or result.rows >= 0


def test_datetime_cells_with_times() -> None:
    rows = [ROSTER_HEADER, [1, None, "A B", datetime(1980, 1, 2, 13, 30), "Nam", "Công chức"]]  # noqa: DTZ001 (Excel has no time zones)
    result = read_roster(make_xlsx(rows), "t.xlsx", unit="X", as_of=date(2025, 7, 1))
    assert result.records[0].birth_date == date(1980, 1, 2)


def _no_marks(text: str) -> str:
    import unicodedata

    out = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return out.replace("đ", "d").replace("Đ", "D")


HEADER_VARIANT = st.sampled_from(["as is", "no marks", "upper", "lower", "nfd", "line break", "spaces"])


def _variant(text: str, how: str) -> str:
    import unicodedata

    return {
        "as is": text,
        "no marks": _no_marks(text),
        "upper": text.upper(),
        "lower": text.lower(),
        "nfd": unicodedata.normalize("NFD", text),
        "line break": text.replace(" ", "\n", 1),
        "spaces": "  " + text.replace(" ", "   ") + " ",
    }[how]


@settings(max_examples=60, deadline=None)
@given(st.data(), st.integers(min_value=0, max_value=6))
def test_any_spelling_of_the_headers_is_found(data: st.DataObject, titles: int) -> None:
    from imports.columns import ROSTER

    wanted = {
        "cccd": "020175001234",
        "name": "Hoàng Văn Long",
        "birth_date": "12/04/1976",
        "gender": "Nam",
        "category": "Công chức",
        "education": "Đại học",
        "political_theory": "Cử nhân",
        "state_management": "Chuyên viên",
        "party_member": "x",
        "field": "Luật",
    }
    header = []
    for key in wanted:
        col = ROSTER.by_key(key)
        spelling = data.draw(st.sampled_from((col.header, *col.aliases)), label=key)
        header.append(_variant(spelling, data.draw(HEADER_VARIANT, label=f"{key} variant")))
    rows = [[f"TIÊU ĐỀ {i}"] for i in range(titles)] + [header, list(wanted.values())]
    result = read_roster(make_xlsx(rows), "h.xlsx", unit="X", as_of=date(2025, 7, 1))
    # a file-level note (row 0) may say that the single date 12/04/1976 leaves day/month undecided
    assert [e for e in result.errors if e.row] == [], [(e.column, e.message) for e in result.errors]
    (p,) = result.records
    assert (p.id, p.name, p.birth_date, p.gender, p.category) == (
        "020175001234",
        "Hoàng Văn Long",
        date(1976, 4, 12),
        "M",
        "cong_chuc",
    )
    assert (p.education, p.political_theory, p.state_management, p.party_member, p.field) == (
        "dai_hoc",
        "cao_cap",
        "chuyen_vien",
        True,
        "luat",
    )


def test_no_spelling_means_two_things() -> None:
    from imports import columns, vocab
    from imports.text import fold

    for cmap in (
        columns.ROSTER,
        columns.RELATIONS,
        columns.MERGER_MAP,
        columns.POSITIONS,
        columns.REQUIREMENTS,
        columns.QUOTAS,
        columns.CAPS,
    ):
        seen: dict[str, str] = {}
        for col in cmap.columns:
            for spelling in (col.header, *col.aliases):
                assert seen.setdefault(fold(spelling), col.key) == col.key, (cmap.name, spelling)
    for v in (
        vocab.GENDER,
        vocab.CATEGORY,
        vocab.EDUCATION,
        vocab.POLITICAL_THEORY,
        vocab.STATE_MANAGEMENT,
        vocab.RATING,
        vocab.YES_NO,
        vocab.PARTY,
        vocab.RELATION,
        vocab.DISCIPLINE,
        vocab.NEW_KIND,
        vocab.OLD_KIND,
        vocab.PARTIAL,
        vocab.BLOCK,
        vocab.LEVEL,
        vocab.APPLIES_KIND,
        vocab.OP,
        vocab.ATTRIBUTE,
        vocab.RULES,
    ):
        labels: dict[str, str] = {}
        for label, code in v.entries:
            assert labels.setdefault(fold(label) or label, code) == code, (v.name, label)
