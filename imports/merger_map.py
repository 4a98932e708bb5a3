"""Reading a merger map (phương án sắp xếp): one row per link old unit -> new commune."""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from pathlib import Path
from typing import BinaryIO

from imports.cells import parse_code
from imports.columns import MERGER_MAP
from imports.records import ImportResult, MergerRow, Provenance, RowError
from imports.sheets import (
    INTERNAL_ERROR,
    MAX_BYTES,
    MAX_ROWS,
    Table,
    data_sheets,
    load,
    locate,
    missing_columns,
    problem,
)
from imports.text import clean, fold
from imports.vocab import NEW_KIND, OLD_KIND, PARTIAL, YES_NO, Vocab

_NEW_PREFIX = {"xa": "xa", "phuong": "phuong", "dac khu": "dac_khu"}
_OLD_PREFIX = ("xa", "phuong", "thi tran")

logger = logging.getLogger(__name__)


def read_merger_map(
    file: BinaryIO | Path | bytes,
    filename: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> ImportResult[MergerRow]:
    """Read a merger map; every unusable cell becomes a RowError, never an exception."""
    try:
        result = _read_merger_map(file, filename, max_bytes=max_bytes, max_rows=max_rows)
    except BaseException as exc:  # a reader never raises on content; a bug here is still reported, and logged
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
            raise
        logger.exception("internal error reading %s", filename)
        result = ImportResult(filename, (), (problem(filename, INTERNAL_ERROR),))
    return dataclasses.replace(result, extra={**result.extra, "kind": "merger_map"})


def _read_merger_map(
    file: BinaryIO | Path | bytes,
    filename: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> ImportResult[MergerRow]:
    """Read a merger map; every unusable cell becomes a RowError, never an exception."""
    workbook, errors = load(file, filename, max_bytes=max_bytes, max_rows=max_rows)
    if workbook is None:
        return ImportResult(filename, (), tuple(errors))
    table: Table | None = None
    for sheet in data_sheets(workbook, errors):
        table = locate(sheet, MERGER_MAP, filename)
        if table is not None and {"new_code", "old_code"} & table.columns.keys():
            break
        table = None
    if table is None:
        errors.append(
            problem(
                filename,
                "Không tìm thấy bảng phương án sắp xếp: cần dòng tiêu đề có các cột "
                "'Mã xã mới', 'Tên xã mới', 'Mã đơn vị cũ', 'Tên đơn vị cũ'.",
            )
        )
        return ImportResult(filename, (), tuple(errors))
    errors.extend(table.errors)
    header_errors = missing_columns(table, MERGER_MAP)
    errors.extend(header_errors)
    if header_errors:
        return ImportResult(filename, (), tuple(errors), rows=len(table.data))
    links: list[MergerRow] = []
    rejected = 0
    for excel_row, cells in table.data:
        row_errors: list[RowError] = []
        link = _link(table, excel_row, cells, row_errors)
        errors.extend(row_errors)
        if link is None or any(e.severity == "error" for e in row_errors):
            rejected += 1
        else:
            links.append(link)
    errors.extend(_consistency(table, links))
    return ImportResult(
        filename,
        tuple(links),
        tuple(errors),
        rows=len(table.data),
        extra={"sheet": table.sheet.name, "accepted_rows": len(links), "rejected_rows": rejected},
    )


def _link(table: Table, row: int, cells: list[str], errors: list[RowError]) -> MergerRow | None:
    def text(key: str) -> str:
        return table.value(cells, key)

    def report(key: str, value: str, message: str, warning: bool = False) -> None:
        errors.append(table.error(row, key, value, message, "warning" if warning else "error"))

    codes: dict[str, str] = {}
    for key, label in (("new_code", "mã xã mới"), ("old_code", "mã đơn vị cũ")):
        value = text(key)
        parsed = parse_code(value)
        if not value:
            report(key, "", f"Thiếu {label}.")
        if parsed.error:
            report(key, value, parsed.error)
        if parsed.warning:
            report(key, value, parsed.warning, warning=True)
        codes[key] = parsed.value or ""
    if codes["new_code"] and not codes["new_code"].isdigit():
        report("new_code", text("new_code"), "Mã xã mới cần đúng 5 chữ số.")

    new_name = clean(text("new_name"))
    old_name = clean(text("old_name"))
    if not new_name:
        report("new_name", "", "Thiếu tên xã mới.")
    if not old_name:
        report("old_name", "", "Thiếu tên đơn vị cũ.")

    new_kind_text = text("new_kind")
    new_kind = NEW_KIND.lookup(new_kind_text) if new_kind_text else _kind_from_name(new_name)
    if new_kind is None:
        report(
            "new_kind" if new_kind_text else "new_name",
            new_kind_text or new_name,
            "Không xác định được loại xã mới; cần Xã, Phường hoặc Đặc khu (hoặc tên bắt đầu "
            "bằng Xã/Phường/Đặc khu).",
        )

    old_kind_text = text("old_kind")
    if old_kind_text:
        old_kind = OLD_KIND.lookup(old_kind_text)
    elif fold(old_name).startswith(tuple(p + " " for p in _OLD_PREFIX)):
        old_kind = "old_commune"
    elif codes["old_code"] and not codes["old_code"].isdigit():
        old_kind = "district_agency"
    else:
        old_kind = None
    if old_kind is None:
        report(
            "old_kind" if old_kind_text else "old_name",
            old_kind_text or old_name,
            "Không xác định được loại đơn vị cũ; cần Xã, Phường, Thị trấn hoặc Cơ quan cấp huyện.",
        )

    partial = _flag(
        table, row, cells, "partial", PARTIAL, errors, "Một phần / x, hoặc để trống nếu nhập toàn bộ"
    )
    extra = _flag(table, row, cells, "extra", YES_NO, errors, "x / Có, hoặc để trống")
    if any(e.severity == "error" for e in errors) or new_kind is None or old_kind is None:
        return None
    return MergerRow(
        new_code=codes["new_code"],
        new_name=new_name,
        new_kind=new_kind,
        old_code=codes["old_code"],
        old_name=old_name,
        old_district=clean(text("old_district")),
        old_kind=old_kind,
        partial=partial,
        extra=extra,
        source=Provenance(table.file, table.sheet.name, row),
    )


def _kind_from_name(name: str) -> str | None:
    key = fold(name)
    for prefix, kind in _NEW_PREFIX.items():
        if key.startswith(prefix + " "):
            return kind
    return None


def _flag(
    table: Table, row: int, cells: list[str], key: str, vocab_: Vocab, errors: list[RowError], expected: str
) -> bool:
    value = table.value(cells, key)
    if not value:
        return False
    code = vocab_.lookup(value)
    if code is None:
        errors.append(table.error(row, key, value, f"Không hiểu giá trị; cần {expected}."))
        return False
    return code == "yes"


def _consistency(table: Table, links: list[MergerRow]) -> list[RowError]:
    """Warnings a reviewer should see: names that disagree, splits not marked, repeated links."""
    out: list[RowError] = []
    new_names: dict[str, MergerRow] = {}
    old_names: dict[str, MergerRow] = {}
    pairs: dict[tuple[str, str], MergerRow] = {}
    feeds: dict[str, list[MergerRow]] = defaultdict(list)
    for link in links:
        row = link.source.row if link.source else 0
        first = new_names.setdefault(link.new_code, link)
        if fold(first.new_name) != fold(link.new_name):
            out.append(
                table.error(
                    row,
                    "new_name",
                    link.new_name,
                    f"Mã xã mới {link.new_code} đã có tên khác ở dòng {_row(first)} ('{first.new_name}').",
                    "warning",
                )
            )
        first_old = old_names.setdefault(link.old_code, link)
        if fold(first_old.old_name) != fold(link.old_name):
            out.append(
                table.error(
                    row,
                    "old_name",
                    link.old_name,
                    f"Mã đơn vị cũ {link.old_code} đã có tên khác ở dòng {_row(first_old)} "
                    f"('{first_old.old_name}').",
                    "warning",
                )
            )
        pair = (link.old_code, link.new_code)
        if pair in pairs:
            out.append(
                table.error(
                    row,
                    "old_code",
                    link.old_code,
                    f"Liên kết {link.old_code} → {link.new_code} bị lặp (đã có ở dòng {_row(pairs[pair])}).",
                    "warning",
                )
            )
        else:
            pairs[pair] = link
            feeds[link.old_code].append(link)
    for old_code, rows in feeds.items():
        if rows[0].old_kind != "old_commune":
            continue
        if len(rows) > 1:
            others = ", ".join(r.new_code for r in rows)
            for link in rows:
                if not link.partial:
                    out.append(
                        table.error(
                            _row(link),
                            "partial",
                            "",
                            f"Đơn vị cũ {old_code} được chia cho nhiều xã mới ({others}) "
                            "nhưng dòng này không ghi 'Một phần'.",
                            "warning",
                        )
                    )
        elif rows[0].partial:
            out.append(
                table.error(
                    _row(rows[0]),
                    "partial",
                    "",
                    f"Đơn vị cũ {old_code} ghi 'Một phần' nhưng chỉ nhập vào một xã mới; "
                    "thiếu dòng cho phần còn lại?",
                    "warning",
                )
            )
    return out


def _row(link: MergerRow) -> int:
    return link.source.row if link.source else 0
