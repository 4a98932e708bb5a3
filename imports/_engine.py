"""The spreadsheet engine (calamine) turned into text sheets; also run alone in a child process.

    python -m imports._engine ROW_LIMIT COLUMN_LIMIT < workbook > sheets.json

The engine preallocates from sizes written in the file and aborts the process (it does not
raise) when that fails, so `imports.sheets` runs this module in a child process under memory
and CPU limits: a hostile or corrupt file then kills only the child. This module imports only
the standard library, `imports.text` and the engine, so that the child starts fast.
"""

from __future__ import annotations

import html
import io
import json
import math
import os
import re
import struct
import sys
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from imports.text import clean

MEMORY_LIMIT_MB = 2048
CPU_SECONDS = 90


class LoadError(Exception):
    """A file that cannot be read, with a Vietnamese message; turned into a RowError by the caller."""


def cell_text(value: Any) -> str:
    """A cell as text: numbers without ".0", dates as ISO (yyyy-mm-dd), everything NFC-cleaned."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean(value) if value else ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return clean(str(value))


def trim(rows: list[list[str]]) -> None:
    """Drop trailing blank rows and trailing blank cells."""
    while rows and not any(rows[-1]):
        rows.pop()
    for r in rows:
        while r and not r[-1]:
            r.pop()


def load(data: bytes, row_limit: int, column_limit: int) -> list[dict[str, Any]]:
    """Every worksheet as {name, rows (text), merged (r0, c0, r1, c1), hidden}."""
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    errors, hidden_columns = xlsx_error_cells(data)
    errors.update(ods_error_cells(data))
    errors.update(xls_error_cells(data))
    sheets: list[dict[str, Any]] = []
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            raw = workbook.get_sheet_by_name(meta.name)
            if raw.total_height > row_limit:
                raise LoadError(
                    f"Sheet '{meta.name}' có {raw.total_height} dòng, quá giới hạn; hãy chia nhỏ tệp."
                )
            if raw.total_width > column_limit:
                raise LoadError(f"Sheet '{meta.name}' có quá nhiều cột ({raw.total_width}); không đọc.")
            values = raw.to_python(skip_empty_area=False, nrows=row_limit + 1)
            rows = [[cell_text(v) for v in r] for r in values]
            for r, c, text in errors.get(meta.name, ()):
                # the engine reads an error cell (#REF!, #N/A) as blank: put its text back so it is named
                if 0 <= r < len(rows) and 0 <= c < column_limit:
                    if c >= len(rows[r]):
                        rows[r].extend([""] * (c + 1 - len(rows[r])))
                    rows[r][c] = text
            trim(rows)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (raw.merged_cell_ranges or [])]
            hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
            sheets.append(
                {
                    "name": meta.name,
                    "rows": rows,
                    "merged": merged,
                    "hidden": hidden,
                    "hidden_columns": hidden_columns.get(meta.name, []),
                }
            )
    finally:
        workbook.close()
    return sheets


_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>(.*?)</c>', re.S)
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"(?![^>]*\bt="(?:e|str)")[^>]*>'
    rb"((?:(?!</c>).)*?<f>([^<]*)</f>(?:(?!</c>).)*?)</c>",
    re.S,
)
_ATTR_ID = re.compile(rb'\bId="([^"]+)"')
_ATTR_TARGET = re.compile(rb'\bTarget="([^"]+)"')
_ATTR_NAME = re.compile(rb'\bname="([^"]*)"')
_ATTR_RID = re.compile(rb'\br:id="([^"]+)"')


def _xlsx_sheets(data: bytes) -> Iterator[tuple[str, bytes]]:
    """(sheet name, sheet XML) of each worksheet of an .xlsx; nothing for other files."""
    if not data.startswith(b"PK"):
        return
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names:
            return
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
        targets: dict[str, str] = {}
        for rel in re.finditer(rb"<Relationship\b[^>]*>", rels):
            rel_id, rel_target = _ATTR_ID.search(rel[0]), _ATTR_TARGET.search(rel[0])
            if rel_id and rel_target:
                targets[rel_id[1].decode()] = rel_target[1].decode()
        for m in re.finditer(rb"<sheet\b[^>]*>", book):
            name, sheet_rid = _ATTR_NAME.search(m[0]), _ATTR_RID.search(m[0])
            if not (name and sheet_rid):
                continue
            target = targets.get(sheet_rid[1].decode(), "")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            if path not in names:
                continue
            yield html.unescape(name[1].decode("utf-8")), zf.read(path)
    except (zipfile.BadZipFile, KeyError, ValueError):
        return


def xlsx_error_cells(
    data: bytes,
) -> tuple[dict[str, list[tuple[int, int, str]]], dict[str, list[int]]]:
    """The error cells (#REF!, #N/A, ...) of an .xlsx by sheet name: (0-based row, column, text);
    and the hidden columns (0-based) of each sheet that has some."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    hidden: dict[str, list[int]] = {}
    for name, xml in _xlsx_sheets(data):
        cols = [
            c
            for col in _HIDDEN_COL.finditer(xml)
            for c in range(int(col[1]) - 1, min(int(col[2]), HIDDEN_COLUMN_LIMIT))
        ]
        if cols:
            hidden[name] = cols
        if b't="e"' not in xml and b"<f>" not in xml:
            continue
        found = []
        for cell in _ERROR_CELL.finditer(xml):
            value = _VALUE.search(cell[3])
            text = value[1].decode() if value else "#ERROR"
            found.append((int(cell[2]) - 1, _column(cell[1]) - 1, text))
        for cell in _FORMULA_CELL.finditer(xml):
            # a formula never calculated (no cached value): the engine reads it blank; keep its text
            if _VALUE.search(cell[3]) is None or b"<v></v>" in cell[3] or b"<v/>" in cell[3]:
                formula = html.unescape(cell[4].decode("utf-8"))
                found.append((int(cell[2]) - 1, _column(cell[1]) - 1, "=" + formula))
        out[name] = found
    return out, hidden


HIDDEN_COLUMN_LIMIT = 1024
ERROR_TEXTS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"})
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def ods_error_cells(data: bytes) -> dict[str, list[tuple[int, int, str]]]:
    """The error cells (#REF!, #N/A, ...) of an .ods by sheet name: (0-based row, column, text).
    The engine reads them blank (their string value is empty); content.xml keeps the shown text."""
    if not data.startswith(b"PK"):
        return {}
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        if "content.xml" not in zf.namelist():
            return {}
        xml = zf.read("content.xml")
    except (zipfile.BadZipFile, KeyError, ValueError):
        return {}
    if b'value-type="error"' not in xml and b"table:formula" not in xml:
        return {}
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:  # an ODS never declares entities: do not expand any
        return {}
    import xml.etree.ElementTree as ET

    out: dict[str, list[tuple[int, int, str]]] = {}
    name, row, col = "", -1, 0
    try:
        # no DTD (checked above), expat >= 2.4 and the child's memory/CPU limits: safe to parse
        for event, el in ET.iterparse(io.BytesIO(xml), events=("start", "end")):  # noqa: S314
            tag = el.tag
            if event == "start":
                if tag == _ODS_TABLE + "table":
                    name, row = el.get(_ODS_TABLE + "name", ""), -1
                elif tag == _ODS_TABLE + "table-row":
                    row, col = row + 1, 0
                continue
            if tag == _ODS_TABLE + "table-row":
                row += int(el.get(_ODS_TABLE + "number-rows-repeated", "1")) - 1
                el.clear()
            elif tag in (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell"):
                text = "".join(el.itertext()).strip()
                error = el.get(_ODS_CALCEXT + "value-type") == "error" or (
                    el.get(_ODS_TABLE + "formula") is not None
                    and text in ERROR_TEXTS
                    and not el.get(_ODS_OFFICE + "string-value")
                )
                if error and text:
                    out.setdefault(name, []).append((row, col, text))
                col += int(el.get(_ODS_TABLE + "number-columns-repeated", "1"))
    except ET.ParseError:
        return out
    return out


_XLS_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}


def xls_error_cells(data: bytes) -> dict[str, list[tuple[int, int, str]]]:
    """The error cells of an .xls (BIFF8) by sheet name: (0-based row, column, text). The engine
    reads them blank; the Workbook stream holds them as BOOLERR records or formulas with an
    error result."""
    if not data.startswith(b"\xd0\xcf\x11\xe0"):
        return {}
    try:
        stream = _cfb_stream(data, "workbook") or _cfb_stream(data, "book")
        if not stream:
            return {}
        return _biff_errors(stream)
    except (struct.error, IndexError, ValueError):
        return {}


def _cfb_stream(data: bytes, wanted: str) -> bytes:
    """One stream of an OLE2 compound file by name (case-insensitive); b"" when absent."""
    sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_mini_fat, n_mini_fat, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)

    def sector(n: int) -> bytes:
        start = (n + 1) * sector_size
        return data[start : start + sector_size]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    nxt, seen = first_difat, 0
    while nxt < 0xFFFFFFFA and seen < n_difat:
        block = sector(nxt)
        ints = struct.unpack(f"<{sector_size // 4}I", block)
        difat.extend(ints[:-1])
        nxt, seen = ints[-1], seen + 1
    fat: list[int] = []
    for s in difat[:n_fat]:
        fat.extend(struct.unpack(f"<{sector_size // 4}I", sector(s)))

    def chain(start: int, table: list[int]) -> list[int]:
        out: list[int] = []
        n = start
        while n < 0xFFFFFFFA and n < len(table) and len(out) <= len(table):
            out.append(n)
            n = table[n]
        return out

    directory = b"".join(sector(s) for s in chain(first_dir, fat))
    entries = [directory[i : i + 128] for i in range(0, len(directory), 128)]
    root = entries[0]
    for entry in entries:
        name_len = struct.unpack_from("<H", entry, 0x40)[0]
        name = entry[: max(name_len - 2, 0)].decode("utf-16-le", "replace").lower()
        if entry[0x42] != 2 or name != wanted:
            continue
        start, size = struct.unpack_from("<II", entry, 0x74)
        if size >= cutoff:
            return b"".join(sector(s) for s in chain(start, fat))[:size]
        mini_fat: list[int] = []
        for s in chain(first_mini_fat, fat)[:n_mini_fat]:
            mini_fat.extend(struct.unpack(f"<{sector_size // 4}I", sector(s)))
        root_start, root_size = struct.unpack_from("<II", root, 0x74)
        mini_stream = b"".join(sector(s) for s in chain(root_start, fat))[:root_size]
        return b"".join(mini_stream[m * mini_size : (m + 1) * mini_size] for m in chain(start, mini_fat))[
            :size
        ]
    return b""


def _biff_errors(stream: bytes) -> dict[str, list[tuple[int, int, str]]]:
    sheets: list[tuple[int, str]] = []  # (offset of the sheet's BOF, name)
    pos = 0
    while pos + 4 <= len(stream):
        rec, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        if rec == 0x0085 and len(body) >= 8:  # BOUNDSHEET8
            offset, kind, chars, flags = struct.unpack_from("<IHBB", body, 0)
            if kind & 0xFF00 == 0:  # a worksheet
                raw = body[8:]
                name = raw[: chars * 2].decode("utf-16-le") if flags & 1 else raw[:chars].decode("latin-1")
                sheets.append((offset, name))
        elif rec == 0x000A and sheets:  # EOF of the globals
            break
        pos += 4 + size
    out: dict[str, list[tuple[int, int, str]]] = {}
    for offset, name in sheets:
        pos, found = offset, []
        while pos + 4 <= len(stream):
            rec, size = struct.unpack_from("<HH", stream, pos)
            body = stream[pos + 4 : pos + 4 + size]
            pos += 4 + size
            if rec == 0x000A:  # EOF of the sheet
                break
            if rec == 0x0205 and len(body) >= 8 and body[7] == 1:  # BOOLERR holding an error
                r, c = struct.unpack_from("<HH", body, 0)
                found.append((r, c, _XLS_ERRORS.get(body[6], "#ERROR")))
            elif rec == 0x0006 and len(body) >= 14 and body[6] == 2 and body[12:14] == b"\xff\xff":
                r, c = struct.unpack_from("<HH", body, 0)  # a formula whose result is an error
                found.append((r, c, _XLS_ERRORS.get(body[8], "#ERROR")))
        if found:
            out[name] = found
    return out


_HIDDEN_COL = re.compile(rb'<col\b(?=[^>]*\bhidden="(?:1|true)")[^>]*?\bmin="(\d+)"[^>]*?\bmax="(\d+)"')


def _column(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col


def _limit() -> None:
    try:
        import resource
    except ImportError:  # not on POSIX: no limits to set
        return
    memory = int(os.environ.get("STAFFING_IMPORT_MEMORY_MB", MEMORY_LIMIT_MB)) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    _cpu_budget()


def _cpu_budget() -> None:
    """Allow CPU_SECONDS more of CPU time from now (the worker lives through many files)."""
    try:
        import resource
    except ImportError:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime) + CPU_SECONDS
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _answer(data: bytes, row_limit: int, column_limit: int) -> bytes:
    try:
        payload: dict[str, Any] = {"sheets": load(data, row_limit, column_limit)}
    except LoadError as exc:
        payload = {"error": str(exc)}
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def _read(stream: Any, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def serve() -> None:
    """Answer requests (see imports._worker) until stdin closes; any engine error ends the process."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            head_size, data_size = struct.unpack(">II", _read(stdin, 8))
        except EOFError:
            return
        header = json.loads(_read(stdin, head_size))
        _cpu_budget()
        answer = _answer(_read(stdin, data_size), int(header["rows"]), int(header["cols"]))
        stdout.write(struct.pack(">Q", len(answer)) + answer)
        stdout.flush()


def main() -> None:
    _limit()
    if sys.argv[1:] == ["--serve"]:
        serve()
        return
    row_limit, column_limit = int(sys.argv[1]), int(sys.argv[2])
    sys.stdout.buffer.write(_answer(sys.stdin.buffer.read(), row_limit, column_limit))


if __name__ == "__main__":
    main()
