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
        # the file as read: every row that is not a person (title, header, section, total,
        # signature, rejected), with why; data rows only counted
        layout = result.extra.get("layout", ())
        out["layout"] = [dict(entry) for entry in layout if entry["kind"] != "data"]
        out["layout_people_rows"] = sum(1 for entry in layout if entry["kind"] == "data")
    return out


def _kind(records: Sequence[Any]) -> str:
    if records and isinstance(records[0], MergerRow):
        return "merger_map"
    if records and isinstance(records[0], Framework):
        return "framework"
    return "roster"


LARGE_ROWS = 5_000  # above this, an .xlsx copy is rebuilt (fast) rather than edited (keeps formatting)


def annotated_copy(original_bytes: bytes, filename: str, result: ImportResult[Any]) -> bytes:
    """An .xlsx copy of the input with bad cells filled (red: error, yellow: warning) and commented.

    An .xlsx input of up to LARGE_ROWS rows keeps its formatting; a larger one, or a .csv or
    .xls input, is rewritten as a new .xlsx with its data in the same rows and columns.
    A sheet "Kết quả kiểm tra" lists every problem.
    """
    from openpyxl import load_workbook

    if sniff_kind(original_bytes) == "xlsx" and result.rows <= LARGE_ROWS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                workbook = load_workbook(io.BytesIO(original_bytes))
        except Exception as exc:  # a copy must still be produced for a file openpyxl cannot open
            logger.info("annotated copy: openpyxl cannot open %s: %r", filename, exc)
        else:
            _annotate(workbook, result.errors)
            _summary(workbook, result.errors)
            out = io.BytesIO()
            workbook.save(out)
            return out.getvalue()
    return _rebuilt_copy(original_bytes, filename, result.errors)


def _rebuilt_copy(original_bytes: bytes, filename: str, errors: Sequence[RowError]) -> bytes:
    """A new workbook (xlsxwriter) holding the input's cells where they were, annotated."""
    import xlsxwriter

    loaded, _ = load(original_bytes, filename)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    formats = {
        "error": book.add_format({"bg_color": "#" + ERROR_FILL}),
        "warning": book.add_format({"bg_color": "#" + WARNING_FILL}),
    }
    taken: list[str] = []
    for sheet in loaded.sheets if loaded else []:
        title = _safe_title(sheet.name, taken)
        taken.append(title)
        ws = book.add_worksheet(title)
        ws.set_column(0, max((len(r) for r in sheet.rows), default=1), 16)
        marked = _by_cell([e for e in errors if e.sheet == sheet.name and e.row > 0])
        for r, cells in enumerate(sheet.rows):
            for c, value in enumerate(cells):
                if value and (r + 1, c + 1) not in marked:
                    ws.write_string(r, c, value)
        for (row, col), items in marked.items():
            severity = "error" if any(e.severity == "error" for e in items) else "warning"
            ws.write_string(row - 1, col - 1, sheet.cell(row - 1, col - 1), formats[severity])
            ws.write_comment(row - 1, col - 1, _comment_text(items)[:30000], {"x_scale": 2.5, "y_scale": 2})
    summary = book.add_worksheet(_safe_title(SUMMARY_SHEET, taken))
    bold = book.add_format({"bold": True})
    for c, (heading, width) in enumerate(zip(SUMMARY_HEADER, (18, 8, 24, 24, 10, 90), strict=True)):
        summary.write_string(0, c, heading, bold)
        summary.set_column(c, c, width)
    for r, e in enumerate(errors, start=1):
        for c, item in enumerate(_summary_row(e)):
            if isinstance(item, int):
                summary.write_number(r, c, item)
            elif item:
                summary.write_string(r, c, item)
    if not errors:
        summary.write_string(1, 5, "Không có lỗi.")
    summary.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def _by_cell(errors: Sequence[RowError]) -> dict[tuple[int, int], list[RowError]]:
    out: dict[tuple[int, int], list[RowError]] = defaultdict(list)
    for e in errors:
        out[(e.row, max(e.col, 1))].append(e)
    return out


def _comment_text(items: Sequence[RowError]) -> str:
    return "\n".join(f"{'Lỗi' if e.severity == 'error' else 'Cảnh báo'}: {e.message}" for e in items)


SUMMARY_HEADER = ("Sheet", "Dòng", "Cột", "Giá trị", "Mức độ", "Nội dung")


def _summary_row(e: RowError) -> tuple[str, int | None, str, str, str, str]:
    return (
        e.sheet,
        e.row or None,
        e.column,
        e.value,
        "Lỗi" if e.severity == "error" else "Cảnh báo",
        e.message,
    )


def _safe_title(name: str, taken: list[str]) -> str:
    title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, n = title, 1
    while title in taken:
        n += 1
        title = f"{base[:28]}_{n}"
    return title


def _annotate(workbook: Any, errors: Sequence[RowError]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    red = PatternFill("solid", fgColor=ERROR_FILL)
    yellow = PatternFill("solid", fgColor=WARNING_FILL)
    by_cell: dict[tuple[str, int, int], list[RowError]] = defaultdict(list)
    for e in errors:
        if e.sheet in workbook.sheetnames and e.row > 0:
            by_cell[(e.sheet, e.row, max(e.col, 1))].append(e)
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
        comment = Comment(_comment_text(items)[:30000], "staffing")
        comment.width, comment.height = 320, min(60 + 40 * len(items), 400)
        cell.comment = comment


def _summary(workbook: Any, errors: Sequence[RowError]) -> None:
    from openpyxl.styles import Font

    ws = workbook.create_sheet(_safe_title(SUMMARY_SHEET, workbook.sheetnames))
    ws.append(list(SUMMARY_HEADER))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for e in errors:
        ws.append(list(_summary_row(e)))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # a value like "=HYPERLINK(...)" is quoted text, never a formula
    for letter, width in zip("ABCDEF", (18, 8, 24, 24, 10, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    if not errors:
        ws.append(["", None, "", "", "", "Không có lỗi."])
