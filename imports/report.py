"""The report of one import: as a JSON-ready dict, and as an annotated .xlsx copy of the input."""

from __future__ import annotations

import dataclasses
import io
import logging
import warnings
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from imports.records import (
    Framework,
    ImportResult,
    MergerRow,
    PersonRecord,
    PositionRecord,
    RowError,
)
from imports.sheets import load, sniff_kind

logger = logging.getLogger(__name__)

ERROR_FILL = "FFC7CE"  # Excel's own "bad" red
WARNING_FILL = "FFEB9C"  # Excel's own "neutral" yellow
SUMMARY_SHEET = "Kết quả kiểm tra"


def error_dict(error: RowError) -> dict[str, Any]:
    return {
        "sheet": error.sheet,
        "row": error.row,
        "column": error.column,
        "value": error.value,
        "severity": error.severity,
        "message": error.message,
    }


def position_dict(position: PositionRecord) -> dict[str, Any]:
    """A framework position in the exchange format's names; `applies_to`/`code` instead of `commune`/`id`."""
    return {
        "applies_to": position.applies_to,
        "code": position.code,
        "block": position.block,
        "department": position.department,
        "title": position.title,
        "level": position.level,
        "job_family": position.job_family,
        "min": position.min,
        "max": position.max,
        "requirements": [r.to_problem_dict() for r in position.requirements],
    }


def _without_source(record: Any) -> dict[str, Any]:
    out = dataclasses.asdict(record)
    out.pop("source", None)
    return out


def report_to_dict(result: ImportResult[Any]) -> dict[str, Any]:
    """The report as the CLI prints it with --json (keys as in issue 4)."""
    accepted = result.extra.get("accepted_rows", len(result.records))
    rejected = result.extra.get("rejected_rows", max(result.rows - accepted, 0))
    out: dict[str, Any] = {
        "file": result.file,
        "rows": result.rows,
        "accepted": accepted,
        "rejected": rejected,
        "errors": [error_dict(e) for e in result.errors],
        "duplicates": [{"row": d.row, "matches": list(d.matches), "by": d.by} for d in result.duplicates],
    }
    kind = result.extra.get("kind") or _kind(result.records)
    if kind == "merger_map":
        out["links"] = [_without_source(r) for r in result.records if isinstance(r, MergerRow)]
    elif kind == "framework":
        frameworks = [r for r in result.records if isinstance(r, Framework)]
        fw = frameworks[0] if frameworks else Framework()
        out["positions"] = [position_dict(p) for p in fw.positions]
        out["quotas"] = [_without_source(q) for q in fw.quotas]
        out["caps"] = [
            {"applies_to": c.applies_to, "name": c.name, "positions": list(c.position_codes), "max": c.max}
            for c in fw.caps
        ]
    else:
        out["people"] = [r.to_problem_dict() for r in result.records if isinstance(r, PersonRecord)]
    return out


def _kind(records: Sequence[Any]) -> str:
    if records and isinstance(records[0], MergerRow):
        return "merger_map"
    if records and isinstance(records[0], Framework):
        return "framework"
    return "roster"


def annotated_copy(original_bytes: bytes, filename: str, result: ImportResult[Any]) -> bytes:
    """An .xlsx copy of the input with bad cells filled (red: error, yellow: warning) and commented.

    An .xlsx input keeps its formatting; a .csv or .xls input is rewritten as a new .xlsx
    with its data in the same rows and columns. A sheet "Kết quả kiểm tra" lists every problem.
    """
    from openpyxl import Workbook, load_workbook

    workbook: Any = None
    rename: dict[str, str] = {}
    if sniff_kind(original_bytes) == "xlsx":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                workbook = load_workbook(io.BytesIO(original_bytes))
        except Exception as exc:  # a copy must still be produced for a file openpyxl cannot open
            logger.info("annotated copy: openpyxl cannot open %s: %r", filename, exc)
            workbook = None
    if workbook is None:
        workbook = Workbook()
        workbook.remove(workbook.active)
        loaded, _ = load(original_bytes, filename)
        for sheet in loaded.sheets if loaded else []:
            ws = workbook.create_sheet(_safe_title(sheet.name, workbook.sheetnames))
            for r, cells in enumerate(sheet.rows, start=1):
                for c, value in enumerate(cells, start=1):
                    if value:
                        ws.cell(r, c, value)
            rename[sheet.name] = ws.title
    _annotate(workbook, result.errors, rename)
    _summary(workbook, result.errors)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _safe_title(name: str, taken: list[str]) -> str:
    title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, n = title, 1
    while title in taken:
        n += 1
        title = f"{base[:28]}_{n}"
    return title


def _annotate(workbook: Any, errors: Sequence[RowError], rename: dict[str, str]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    red = PatternFill("solid", fgColor=ERROR_FILL)
    yellow = PatternFill("solid", fgColor=WARNING_FILL)
    by_cell: dict[tuple[str, int, int], list[RowError]] = defaultdict(list)
    for e in errors:
        sheet = rename.get(e.sheet, e.sheet)
        if sheet in workbook.sheetnames and e.row > 0:
            by_cell[(sheet, e.row, max(e.col, 1))].append(e)
    for (sheet, row, col), items in by_cell.items():
        ws = workbook[sheet]
        cell = ws.cell(row, col)
        if type(cell).__name__ == "MergedCell":
            for rng in ws.merged_cells.ranges:
                if cell.coordinate in rng:
                    cell = ws.cell(rng.min_row, rng.min_col)
                    break
        is_error = any(e.severity == "error" for e in items)
        cell.fill = red if is_error else yellow
        text = "\n".join(f"{'Lỗi' if e.severity == 'error' else 'Cảnh báo'}: {e.message}" for e in items)
        comment = Comment(text[:30000], "staffing")
        comment.width, comment.height = 320, min(60 + 40 * len(items), 400)
        cell.comment = comment


def _summary(workbook: Any, errors: Sequence[RowError]) -> None:
    from openpyxl.styles import Font

    ws = workbook.create_sheet(_safe_title(SUMMARY_SHEET, workbook.sheetnames))
    ws.append(["Sheet", "Dòng", "Cột", "Giá trị", "Mức độ", "Nội dung"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for e in errors:
        ws.append(
            [
                e.sheet,
                e.row or None,
                e.column,
                e.value,
                "Lỗi" if e.severity == "error" else "Cảnh báo",
                e.message,
            ]
        )
    for letter, width in zip("ABCDEF", (18, 8, 24, 24, 10, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    if not errors:
        ws.append(["", None, "", "", "", "Không có lỗi."])
