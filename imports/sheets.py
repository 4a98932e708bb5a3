"""Loading workbooks safely and finding the table in a sheet as offices lay it out.

Every cell is turned into text first (the PUDL habit of `dtype=str`): numbers without a
spurious ".0", dates and datetimes as ISO text. Readers then convert each cell with the
parsers of `imports.cells`, so that every odd value can be reported with its position.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from imports._engine import LoadError, cell_text, trim
from imports._engine import load as engine_load
from imports._worker import read_in_child
from imports.columns import NON_DATA_SHEETS, SIGNATURE_MARKERS, ColumnMap, is_rating_group, rating_year
from imports.records import RowError, Severity
from imports.text import fold

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 500
# A real workbook's XML is at most some tens of times its zipped size; a bomb is not.
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200
MAX_ZIP_ENTRIES = 5_000
HEADER_SEARCH_ROWS = 40
# Run the engine in a child process (about 0.2 s a file). Off only for tests that feed many
# well-formed files; hostile .xls/.ods/.xlsb files always go to the child.
ISOLATE_ENGINE = os.environ.get("STAFFING_IMPORT_ISOLATE", "1") != "0"
INTERNAL_ERROR = "Lỗi nội bộ khi đọc tệp; hãy gửi tệp này cho quản trị hệ thống."

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Sheet:
    """One sheet as text: `rows[i]` is Excel row i + 1, `rows[i][j]` is column j + 1."""

    name: str
    rows: list[list[str]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r0, c0, r1, c1
    hidden: bool = False
    hidden_columns: list[int] = field(default_factory=list)  # 0-based, .xlsx only; read like the others

    def cell(self, row: int, col: int) -> str:
        """The text of a cell by 0-based indexes ("" outside the sheet)."""
        if 0 <= row < len(self.rows):
            cells = self.rows[row]
            if 0 <= col < len(cells):
                return cells[col]
        return ""


@dataclass
class Workbook:
    file: str
    kind: str  # xlsx | xls | ods | csv
    sheets: list[Sheet]


def problem(
    file: str,
    message: str,
    *,
    sheet: str = "",
    row: int = 0,
    column: str = "",
    value: str = "",
    severity: Severity = "error",
    col: int = 0,
) -> RowError:
    return RowError(file, sheet, row, column, value, message, severity, col)


# ---------------------------------------------------------------- loading


def read_bytes(file: BinaryIO | Path | bytes, max_bytes: int) -> bytes:
    """The file's bytes, refusing (LoadError) anything above max_bytes without reading it all."""
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif isinstance(file, Path | str):
        path = Path(file)
        if path.stat().st_size > max_bytes:
            raise LoadError(_too_big(max_bytes))
        data = path.read_bytes()
    else:
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise LoadError(_too_big(max_bytes))
    return data


def _too_big(max_bytes: int) -> str:
    return f"Tệp lớn hơn {max_bytes // (1024 * 1024)} MB; hãy chia nhỏ tệp (mỗi đơn vị một tệp)."


def sniff_kind(data: bytes) -> str:
    """The file type by its first bytes, never by its name: xlsx, ods, xls, html or csv."""
    if data.startswith(ZIP_MAGIC):
        return "ods" if b"mimetypeapplication/vnd.oasis.opendocument" in data[:200] else "xlsx"
    if data.startswith(OLE_MAGIC):
        return "xls"
    head = data[:2048].lstrip(b"\xef\xbb\xbf\r\n\t ").lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")) or b"<html" in head[:512]:
        return "html"
    return "csv"


def load(
    file: BinaryIO | Path | bytes,
    filename: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> tuple[Workbook | None, list[RowError]]:
    """Load a workbook as text sheets; a file that cannot be read gives None and one RowError."""
    try:
        data = read_bytes(file, max_bytes)
        if not data.strip():
            raise LoadError("Tệp rỗng.")
        kind = sniff_kind(data)
        if kind == "html":
            raise LoadError(
                "Tệp là trang HTML (hoặc XML) mang đuôi bảng tính; hãy mở bằng Excel và lưu lại dạng .xlsx."
            )
        if kind == "xls" and "EncryptedPackage".encode("utf-16-le") in data:
            raise LoadError("Tệp được đặt mật khẩu; hãy bỏ mật khẩu rồi tải lên lại.")
        if kind == "csv":
            sheets = [_load_csv(data, filename, max_rows)]
        else:
            scanned = _check_zip(data, max_rows) if kind in ("xlsx", "ods") else False
            # The engine preallocates from counts written in the file (a sheet's rectangle, the
            # shared strings) and aborts the whole process when that fails, so it runs in a
            # memory-limited child; in-process reading (ISOLATE_ENGINE off) is kept for .xlsx
            # whose cell references and string counts were checked above.
            if scanned and not ISOLATE_ENGINE:
                sheets = _sheets(engine_load(data, max_rows + HEADER_SEARCH_ROWS, MAX_COLUMNS))
            else:
                sheets = load_isolated(data, max_rows)
        return Workbook(filename, kind, sheets), []
    except LoadError as exc:
        return None, [problem(filename, str(exc))]
    except BaseException as exc:  # a broken file must be reported, never crash the caller
        # (the Rust engine's panics derive from BaseException)
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
            raise
        logger.info("cannot read %s: %r", filename, exc)
        return None, [
            problem(
                filename,
                "Không đọc được tệp: tệp hỏng hoặc không phải bảng tính Excel (.xlsx, .xls) hay .csv "
                f"({type(exc).__name__}).",
            )
        ]


_CELL_COL = re.compile(rb'\br="([A-Z]{2,3})\d+"')
_CHUNK = 1 << 20


def _check_zip(data: bytes, max_rows: int) -> bool:
    """Refuse zip and XML bombs; True when every worksheet is XML whose cells lie within the limits."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise LoadError("Tệp .xlsx bị hỏng (không mở được dạng nén zip).") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise LoadError("Tệp chứa quá nhiều thành phần; có thể là tệp độc hại, không đọc.")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNZIPPED_BYTES or total > MAX_RATIO * max(len(data), 1) + 10_000_000:
            raise LoadError("Tệp giải nén ra quá lớn (nghi là tệp nén độc hại); không đọc.")
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and info.file_size:
                with zf.open(info) as part:
                    head = part.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise LoadError("Tệp chứa khai báo XML không được phép (DOCTYPE/ENTITY); không đọc.")
        for info in infos:
            if info.filename == "xl/sharedStrings.xml":
                with zf.open(info) as part:
                    head = part.read(4096)
                # the engine reserves room for uniqueCount strings; each takes 16 bytes at least
                declared = [int(n) for n in re.findall(rb'uniqueCount="(\d+)"', head)]
                if any(n > max(1000, info.file_size // 8) for n in declared):
                    raise LoadError(
                        "Tệp khai báo số chuỗi không khớp với nội dung (nghi tệp độc hại); không đọc."
                    )
        sheets = [i for i in infos if i.filename.startswith("xl/worksheets/") and "/_rels/" not in i.filename]
        if not sheets or any(not i.filename.endswith(".xml") for i in sheets):
            return False
        for info in sheets:
            _check_cell_references(zf, info, max_rows)
    return True


def _check_cell_references(zf: zipfile.ZipFile, info: zipfile.ZipInfo, max_rows: int) -> None:
    """Refuse a worksheet with a cell beyond the row or column limit (a tiny file can name XFD1048576)."""
    row_limit = max_rows + HEADER_SEARCH_ROWS
    # only references with as many digits as the limit can pass it: few matches to look at
    cell_row = re.compile(rb'\br="[A-Z]{1,3}(\d{%d,})"' % len(str(row_limit)))
    tail = b""
    with zf.open(info) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            for m in cell_row.finditer(window):
                if int(m[1]) > row_limit:
                    raise LoadError(
                        f"Sheet có ô ở dòng {int(m[1])}, quá giới hạn {max_rows} dòng; hãy chia nhỏ tệp."
                    )
            for m in _CELL_COL.finditer(window):
                col = 0
                for ch in m[1]:
                    col = col * 26 + ch - 64
                if col > MAX_COLUMNS:
                    raise LoadError(f"Sheet có ô ở cột {m[1].decode()}, quá nhiều cột; không đọc.")
            tail = window[-64:]


def load_isolated(data: bytes, max_rows: int) -> list[Sheet]:
    """Read a workbook with the engine in a child process under memory and CPU limits."""
    return _sheets(read_in_child(data, max_rows + HEADER_SEARCH_ROWS, MAX_COLUMNS))


def _sheets(raw: list[dict[str, Any]]) -> list[Sheet]:
    return [
        Sheet(
            s["name"],
            s["rows"],
            [(m[0], m[1], m[2], m[3]) for m in s["merged"]],
            bool(s["hidden"]),
            [int(c) for c in s.get("hidden_columns", [])],
        )
        for s in raw
    ]


def decode_text(data: bytes) -> str:
    """Text as Excel saves it: UTF-8 (with or without BOM), UTF-16 ("Unicode text"), or Windows-1258."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    sample = data[:4000]
    if sample.count(b"\x00") > len(sample) // 4:  # UTF-16 without a BOM
        even_zero = sample[1::2].count(b"\x00") >= sample[0::2].count(b"\x00")
        return data.decode("utf-16-le" if even_zero else "utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")


def _delimiter(sample: str) -> str:
    """The separator that splits the sample's rows into the most columns (a header is the widest row)."""
    lines = sample.splitlines()[:60]
    best, width = ",", 1
    for candidate in (",", ";", "\t", "|"):
        try:
            widest = max((len(r) for r in csv.reader(lines, delimiter=candidate)), default=1)
        except csv.Error:
            continue
        if widest > width:
            best, width = candidate, widest
    return best


def _load_csv(data: bytes, filename: str, max_rows: int) -> Sheet:
    text = decode_text(data)
    if "\x00" in text:
        raise LoadError("Tệp không phải văn bản .csv cũng không phải bảng tính Excel.")
    delimiter = _delimiter(text[:50000])
    rows: list[list[str]] = []
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if len(rows) > max_rows + HEADER_SEARCH_ROWS:
            raise LoadError(f"Tệp có hơn {max_rows} dòng, quá giới hạn; hãy chia nhỏ tệp.")
        if len(record) > MAX_COLUMNS:
            record = record[:MAX_COLUMNS]
        rows.append([cell_text(v) for v in record])
    trim(rows)
    name = Path(filename).stem or "csv"
    return Sheet(name[:31], rows)


# ---------------------------------------------------------------- locating the table


@dataclass
class Table:
    """The data of one sheet under its header, with Excel row numbers and the column of every key."""

    file: str
    sheet: Sheet
    header_row: int  # Excel row number of the last header row
    columns: dict[str, int]  # key -> 0-based column index
    headers: dict[int, str]  # column index -> header as written (group + sub-header for two-row headers)
    ratings: dict[int, int]  # year -> column index
    data: list[tuple[int, list[str]]]  # (Excel row number, cells)
    errors: list[RowError] = field(default_factory=list)
    # a field headed twice: the later columns, read when the first one is blank (never dropped)
    more: dict[str, list[int]] = field(default_factory=dict)
    # how every non-blank row of the sheet was read: (Excel row, what, text, why)
    layout: list[tuple[int, str, str, str]] = field(default_factory=list)
    # the section heading each data row sits under ("I. CÁN BỘ", "A. Khối Đảng"), by Excel row
    sections: dict[int, tuple[str, ...]] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)  # the title rows above the header

    def value(self, cells: list[str], key: str) -> str:
        col = self.columns.get(key)
        if col is None:
            return ""
        text = cells[col] if col < len(cells) else ""
        if not text and key in self.more:
            for other in self.more[key]:
                if other < len(cells) and cells[other]:
                    return cells[other]
        return text

    def header(self, key: str) -> str:
        col = self.columns.get(key)
        return self.headers.get(col, key) if col is not None else key

    def error(self, row: int, key: str, value: str, message: str, severity: Severity = "error") -> RowError:
        """A RowError on one cell of this table, by the key of its column ("" for the whole row)."""
        col = self.columns.get(key)
        return RowError(
            self.file,
            self.sheet.name,
            row,
            self.headers.get(col, "") if col is not None else "",
            value,
            message,
            severity,
            col + 1 if col is not None else 0,
        )

    def cell_error(
        self, row: int, col: int, value: str, message: str, severity: Severity = "error"
    ) -> RowError:
        return RowError(
            self.file, self.sheet.name, row, self.headers.get(col, ""), value, message, severity, col + 1
        )


SIGNATURE_MAX_CELLS = 6
_SIGNATURE = re.compile("(?:^| )(?:" + "|".join(map(re.escape, SIGNATURE_MARKERS)) + ")(?: |$)")
_SECTION_WORDS = re.compile(
    r"^(?:khoi|can bo|cong chuc|vien chuc|nguoi|don vi|phong|ban|cac|danh sach|co quan|hop dong|lanh dao|"
    r"chuyen trach|khong chuyen trach|nhom|to|bo phan|xa|phuong|thi tran|huyen|uy ban|dang uy|hdnd|"
    r"ubnd|mttq)\b"
)
_NUMBERING = re.compile(r"^\(?\d{1,3}\)?$")
_ROMAN_OR_LETTER = re.compile(r"^([IVXLC]+|[A-Za-z])[.)]?$")


_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]|\*+")


def _match(
    text: str, index: dict[str, str], with_ratings: bool, notes: list[str] | None = None
) -> str | None:
    key = fold(text)
    if not key:
        return None
    hit = index.get(key)
    if hit is None and ("(" in text or "[" in text or "*" in text):
        # "Số CCCD (12 số)", "Ngày sinh (dd/mm/yyyy)", "Họ và tên*": the note is not the name
        hit = index.get(fold(_PARENTHESES.sub(" ", text)))
        if hit is not None and notes is not None:
            for inner in re.findall(r"\(([^)]*)\)|\[([^\]]*)\]", text):
                other = index.get(fold(inner[0] or inner[1]))
                if other is not None and other != hit:
                    notes.append(f"Tiêu đề '{text}' khớp với hai trường ({hit}, {other}); đã đọc là {hit}.")
    if hit is not None:
        return hit
    if with_ratings:
        year = rating_year(key)
        if year is not None:
            return f"rating:{year}"
    return None


def _one_row(
    sheet: Sheet, r: int, index: dict[str, str], with_ratings: bool
) -> tuple[list[str], list[str | None], dict[int, str]]:
    """Header texts and keys of row r read alone, and a note per header that matched two fields."""
    top = list(sheet.rows[r])
    keys: list[str | None] = []
    notes: dict[int, str] = {}
    for c, t in enumerate(top):
        found: list[str] = []
        keys.append(_match(t, index, with_ratings, found))
        if found:
            notes[c] = found[0]
    return top, keys, notes


def _two_row(
    sheet: Sheet, r: int, index: dict[str, str], with_ratings: bool
) -> tuple[list[str], list[str | None], dict[int, str]]:
    top = list(sheet.rows[r])
    sub = list(sheet.rows[r + 1]) if r + 1 < len(sheet.rows) else []
    width = max(len(top), len(sub))
    top += [""] * (width - len(top))
    sub += [""] * (width - len(sub))
    group = list(top)
    # Merged group cells: the text sits in the first cell of the range.
    for r0, c0, r1, c1 in sheet.merged:
        if r0 == r and r1 >= r and c1 > c0 and c0 < width:
            for c in range(c0 + 1, min(c1 + 1, width)):
                if not group[c]:
                    group[c] = top[c0]
    # Without merge information (CSV): a group label spreads right over blank top cells
    # as long as each column below has a sub-header.
    for c in range(1, width):
        if not group[c] and sub[c] and group[c - 1] and sub[c - 1]:
            group[c] = group[c - 1]
    texts: list[str] = []
    keys: list[str | None] = []
    notes: dict[int, str] = {}
    for c in range(width):
        g, s = group[c], sub[c]
        found: list[str] = []
        if not s:
            texts.append(g)
            keys.append(_match(g, index, with_ratings, found))
        elif not g:
            texts.append(s)
            keys.append(_match(s, index, with_ratings, found))
        else:
            combined = f"{g} {s}"
            ck = _match(combined, index, with_ratings)
            gk = _match(g, index, with_ratings)
            sk = _match(s, index, with_ratings, found)
            group_of_years = is_rating_group(fold(g)) and with_ratings
            if ck is not None:
                texts.append(combined)
                keys.append(ck)
            elif sk is not None and (gk is None or group_of_years):
                texts.append(s)
                keys.append(sk)
            elif sk is not None and gk is not None:
                # "Trình độ" over "Lý luận chính trị": the sub-header is the more specific, and is said
                texts.append(combined)
                keys.append(sk)
                if gk != sk:
                    found.append(
                        f"Tiêu đề '{g}' / '{s}' khớp với hai trường ({gk}, {sk}); "
                        f"đã đọc theo dòng dưới là {sk}."
                    )
            elif gk is not None and not group_of_years:
                texts.append(g)
                keys.append(gk)
            else:
                texts.append(combined)
                keys.append(None)
        if found:
            notes[c] = found[0]
    return texts, keys, notes


def _score(keys: list[str | None]) -> int:
    return len({k for k in keys if k is not None})


_PLACE_DATE = re.compile(r"(?:^| )ngay\b[ .\d]*\bthang\b[ .\d]*\bnam\b(?: |$)")


def is_signature(cells: list[str]) -> bool:
    """Whether a row opens the signature block under a table ("Người lập biểu", "Thủ trưởng đơn vị",
    "Lạng Sơn, ngày 10 tháng 7 năm 2025")."""
    filled = [text for text in cells if text]
    # a signature row holds a few titles and names, never a record's many cells
    if len(filled) > SIGNATURE_MAX_CELLS:
        return False
    return any(_SIGNATURE.search(fold(text)) for text in filled) or (
        len(filled) <= 2 and any(_PLACE_DATE.search(fold(text)) for text in filled)
    )


def is_total(cells: list[str]) -> bool:
    """Whether a row is a total ("Tổng cộng: 25 người") rather than a record."""
    first = []
    for t in cells:
        if t:
            first.append(fold(t))
            if len(first) == 3:
                break
    # "Cộng", "Cộng: 5", "Cộng khối Đảng" — but never "Công chức" (folded "cong chuc")
    return any(k.startswith(("tong cong", "tong so")) or _SUBTOTAL.fullmatch(k) is not None for k in first)


_SUBTOTAL = re.compile(r"cong(?: (?:\d.*|so .*|toan bo.*|chung.*|nguoi.*|khoi .*|muc .*|[ivxlc]+|[a-z]))?")


def locate(sheet: Sheet, cmap: ColumnMap, file: str, *, warn_unknown: bool = True) -> Table | None:
    """Find the header row of a sheet (under title rows, maybe two rows high) and the data under it.

    Every non-blank row is accounted for in `Table.layout`: title, header, numbering, section,
    total, signature, or data. A header that matches two fields, and a field headed twice,
    are reported; no known column is dropped (a second column of a field fills in where the
    first is blank, and every cell stays in the row's raw record).
    """
    index = cmap.index()
    # score, row, height, texts, keys, notes
    best: tuple[int, int, int, list[str], list[str | None], dict[int, str]] | None = None
    for r in range(min(len(sheet.rows), HEADER_SEARCH_ROWS)):
        if not any(sheet.rows[r]):
            continue
        texts, keys, notes = _one_row(sheet, r, index, cmap.ratings)
        score = _score(keys)
        if score < 2:
            continue
        cand = (score, r, 1, texts, keys, notes)
        if r + 1 < len(sheet.rows) and not _looks_like_data(sheet.rows[r + 1]):
            texts2, keys2, notes2 = _two_row(sheet, r, index, cmap.ratings)
            if _score(keys2) > score:
                cand = (_score(keys2), r, 2, texts2, keys2, notes2)
        if best is None or cand[0] > best[0]:
            best = cand
    if best is None:
        return None
    _, r, height, texts, keys, notes = best
    columns: dict[str, int] = {}
    more: dict[str, list[int]] = {}
    headers: dict[int, str] = {}
    ratings: dict[int, int] = {}
    errors: list[RowError] = []
    layout: list[tuple[int, str, str, str]] = []
    titles: list[str] = []
    for i in range(r):
        line = " ".join(t for t in sheet.rows[i] if t)
        if line:
            titles.append(line)
            layout.append((i + 1, "title", line, ""))
    for i in range(r, r + height):
        layout.append((i + 1, "header", " | ".join(t for t in sheet.rows[i] if t), ""))
    header_row = r + height  # Excel number of the last header row
    for c, (text, key) in enumerate(zip(texts, keys, strict=True)):
        if not text:
            continue
        headers[c] = text
        if c in notes:
            errors.append(RowError(file, sheet.name, header_row, text, "", notes[c], "warning", c + 1))
        if key is None:
            if warn_unknown:
                message = (
                    "Cột xếp loại không ghi năm; hãy ghi tiêu đề dạng 'Xếp loại 2024'. "
                    "Giá trị được giữ trong bản ghi gốc của từng người."
                    if cmap.ratings and is_rating_group(fold(text))
                    else "Cột không có trong mẫu; giá trị được giữ trong bản ghi gốc của từng người."
                )
                errors.append(RowError(file, sheet.name, header_row, text, "", message, "warning", c + 1))
            continue
        if key.startswith("rating:"):
            year = int(key.split(":")[1])
            if year in ratings:
                errors.append(
                    RowError(
                        file,
                        sheet.name,
                        header_row,
                        text,
                        "",
                        f"Cột xếp loại năm {year} bị lặp; đọc cột đầu tiên, giá trị cột này được giữ "
                        "trong bản ghi gốc.",
                        "warning",
                        c + 1,
                    )
                )
            else:
                ratings[year] = c
            continue
        if key in columns:
            more.setdefault(key, []).append(c)
            errors.append(
                RowError(
                    file,
                    sheet.name,
                    header_row,
                    text,
                    "",
                    f"Cột này cùng là trường '{key}' với cột '{headers.get(columns[key], '')}': đọc cột "
                    "đầu, dùng cột này khi cột đầu trống; mọi giá trị vẫn giữ trong bản ghi gốc.",
                    "warning",
                    c + 1,
                )
            )
            continue
        columns[key] = c
    start = r + height
    _fill_merged_down(sheet, start)
    data: list[tuple[int, list[str]]] = []
    sections: dict[int, tuple[str, ...]] = {}
    current: list[str] = []
    after_signature = False
    required = {x.key for x in cmap.required}
    for i in range(start, len(sheet.rows)):
        cells = sheet.rows[i]
        if not any(cells):
            continue
        line = " | ".join(t for t in cells if t)
        if i == start and _is_numbering(cells):
            layout.append((i + 1, "numbering", line, "dòng đánh số cột"))
            continue
        if after_signature:
            if sum(1 for t in cells if t) >= 3 and any(
                cells[c] for k, c in columns.items() if c < len(cells) and k in required
            ):
                errors.append(
                    RowError(
                        file,
                        sheet.name,
                        i + 1,
                        "",
                        "",
                        "Dòng nằm sau phần chữ ký nên không được đọc; hãy chuyển lên trên phần chữ ký.",
                        "warning",
                    )
                )
                layout.append((i + 1, "ignored", line, "sau phần chữ ký"))
            else:
                layout.append((i + 1, "signature", line, "phần chữ ký"))
            continue
        if is_signature(cells):
            after_signature = True
            layout.append((i + 1, "signature", line, "phần chữ ký"))
            continue
        if is_total(cells):
            layout.append((i + 1, "total", line, "dòng cộng / tổng cộng"))
            continue
        if _is_section(cells, columns):
            heading = " ".join(t for t in cells if t)
            level = _section_level(heading)
            current = [h for h in current if _section_level(h) < level] + [heading]
            layout.append((i + 1, "section", heading, "dòng mục"))
            continue
        if _is_numbering(cells) and not any(
            cells[c] for c in columns.values() if c < len(cells) and c != columns.get("stt")
        ):
            layout.append((i + 1, "numbering", line, "dòng đánh số cột"))
            continue
        data.append((i + 1, cells))
        layout.append((i + 1, "data", line, ""))
        if current:
            sections[i + 1] = tuple(current)
    return Table(
        file, sheet, header_row, columns, headers, ratings, data, errors, more, layout, sections, titles
    )


_ROMAN = re.compile(r"^([IVXLC]+)[.)]?\s")
_LETTER = re.compile(r"^([A-Za-zĐđ])[.)]\s")
_ARABIC = re.compile(r"^(\d{1,2})[.)]\s")


def _section_level(heading: str) -> int:
    """How deep a section heading sits: I. (1) over A. (2) over 1. (3); unnumbered headings at 2."""
    if _ROMAN.match(heading):
        return 1
    if _LETTER.match(heading):
        return 2
    if _ARABIC.match(heading):
        return 3
    return 2


_DATA_LIKE = re.compile(r"^\d{9,}$|^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}$")


def _looks_like_data(cells: list[str]) -> bool:
    """Whether a row holds values (an id number, a date) rather than sub-headers."""
    return any(_DATA_LIKE.match(t) for t in cells if t)


def _fill_merged_down(sheet: Sheet, start: int) -> None:
    """A cell merged down over several data rows ("Công chức" once for a group) holds for each row."""
    for r0, c0, r1, _ in sheet.merged:
        if r0 < start or r1 <= r0 or r0 >= len(sheet.rows):
            continue
        value = sheet.cell(r0, c0)
        if not value:
            continue
        for r in range(r0 + 1, min(r1 + 1, len(sheet.rows))):
            cells = sheet.rows[r]
            if len(cells) <= c0:
                cells.extend([""] * (c0 + 1 - len(cells)))
            if not cells[c0]:
                cells[c0] = value


def _is_numbering(cells: list[str]) -> bool:
    first = next((t for t in cells if t), "")
    if not _NUMBERING.match(first):
        return False
    nums = [t for t in cells if t]
    if len(nums) < 3 or not all(_NUMBERING.match(t) for t in nums):
        return False
    values = [int(t.strip("()")) for t in nums]
    return values == sorted(values) and len(set(values)) == len(values)


_SECTION_PREFIX = re.compile(r"^(?:[IVXLC]+|[A-Za-zĐđ]|\d{1,2})[.)]\s+\S")


def _is_section(cells: list[str], columns: dict[str, int]) -> bool:
    """A heading row inside the table ("I. CÁN BỘ", "A | Khối Đảng", "III. NGƯỜI HOẠT ĐỘNG ...")."""
    if len(cells) - cells.count("") > 2:  # a record, the common case: said fast
        return False
    filled = [(c, t) for c, t in enumerate(cells) if t]
    mapped = {c: k for k, c in columns.items()}
    if len(filled) == 1:
        c, t = filled[0]
        if re.fullmatch(r"[\d.,]+", t):
            return False
        in_heading_column = c == 0 or mapped.get(c) in (None, "stt")
        if in_heading_column and c != columns.get("name"):
            return True
        # alone in the name column: a heading only when it reads like one
        folded = fold(t)
        return bool(_SECTION_PREFIX.match(t)) or (t.isupper() and bool(_SECTION_WORDS.match(folded)))
    if len(filled) == 2:
        (c, t), (c2, t2) = filled
        return (
            bool(_ROMAN_OR_LETTER.match(t))
            and c == columns.get("stt", -1)
            and mapped.get(c2) in (None, "name")
            and bool(_SECTION_WORDS.match(fold(t2)))
        )
    return False


def missing_columns(table: Table, cmap: ColumnMap) -> list[RowError]:
    """One error per required column the header lacks."""
    return [
        RowError(
            table.file,
            table.sheet.name,
            table.header_row,
            col.header,
            "",
            f"Thiếu cột bắt buộc '{col.header}'.",
            "error",
        )
        for col in cmap.required
        if col.key not in table.columns
    ]


def _letters(col: int) -> str:
    """The column letters of a 0-based column (0 -> A, 26 -> AA)."""
    out = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def data_sheets(workbook: Workbook, errors: list[RowError], *, read_hidden: bool = False) -> Iterator[Sheet]:
    """The sheets that may hold data: not instructions or lists. A hidden sheet is read like a
    visible one when `read_hidden` (rosters: nothing is lost), named once per file; otherwise it
    is skipped, with a warning when it has content, since the user does not see what it holds.
    Hidden columns are read like the others, and said once per file."""
    shown = [
        f"'{sheet.name}': "
        + ", ".join(_letters(c) for c in sheet.hidden_columns[:12])
        + ("…" if len(sheet.hidden_columns) > 12 else "")
        for sheet in workbook.sheets
        if sheet.hidden_columns
        and (read_hidden or not sheet.hidden)
        and not fold(sheet.name).startswith(NON_DATA_SHEETS)
    ]
    if shown:
        errors.append(
            problem(
                workbook.file,
                "Tệp có cột bị ẩn ("
                + "; ".join(shown)
                + "): các cột này vẫn được đọc như cột hiện, hãy bỏ ẩn để kiểm tra giá trị.",
                severity="warning",
            )
        )
    hidden_read = [
        sheet.name
        for sheet in workbook.sheets
        if read_hidden
        and sheet.hidden
        and not fold(sheet.name).startswith(NON_DATA_SHEETS)
        and any(any(r) for r in sheet.rows)
    ]
    if hidden_read:
        errors.append(
            problem(
                workbook.file,
                "Tệp có sheet bị ẩn ("
                + ", ".join(f"'{n}'" for n in hidden_read)
                + "): đã đọc như sheet hiện; hãy bỏ ẩn để kiểm tra, hoặc xóa sheet nếu là bản cũ.",
                severity="warning",
            )
        )
    for sheet in workbook.sheets:
        if fold(sheet.name).startswith(NON_DATA_SHEETS):
            continue
        if sheet.hidden and not read_hidden:
            if sum(1 for r in sheet.rows if any(r)) >= 2:
                errors.append(
                    problem(
                        workbook.file,
                        "Sheet đang bị ẩn nên không được đọc; nếu sheet có dữ liệu cần nhập, hãy bỏ ẩn.",
                        sheet=sheet.name,
                        severity="warning",
                    )
                )
            continue
        yield sheet
