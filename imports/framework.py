"""Reading a staffing framework (khung vị trí việc làm): positions, requirements, quotas, shared caps."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from imports.cells import parse_code, parse_int, parse_number
from imports.columns import CAPS, POSITIONS, QUOTAS, REQUIREMENTS, ColumnMap
from imports.communes import CommuneIndex
from imports.records import (
    CapRecord,
    Framework,
    ImportResult,
    PositionRecord,
    Provenance,
    QuotaRecord,
    RequirementRecord,
    RowError,
    Severity,
)
from imports.sheets import (
    INTERNAL_ERROR,
    MAX_BYTES,
    MAX_ROWS,
    Sheet,
    Table,
    Workbook,
    data_sheets,
    load,
    locate,
    missing_columns,
    problem,
)
from imports.text import clean, fold, split_list
from imports.vocab import (
    APPLIES_KIND,
    ATTRIBUTE,
    ATTRIBUTE_VALUES,
    ATTRIBUTES,
    BLOCK,
    JOB_FAMILIES,
    LEVEL,
    OP,
    RULES,
    SCALES,
    YES_NO,
    field_code,
    job_family,
)

SHEETS: dict[str, tuple[str, ColumnMap]] = {
    "positions": ("vi tri", POSITIONS),
    "requirements": ("yeu cau", REQUIREMENTS),
    "quotas": ("bien che", QUOTAS),
    "caps": ("tran", CAPS),
}
KINDS = ("xa", "phuong", "dac_khu", "all")

logger = logging.getLogger(__name__)


class _Row:
    def __init__(self, table: Table, row: int, cells: list[str], errors: list[RowError]) -> None:
        self.table, self.row, self.cells, self.errors = table, row, cells, errors
        self.failed = False

    def text(self, key: str) -> str:
        return self.table.value(self.cells, key)

    def report(self, key: str, value: str, message: str, severity: Severity = "error") -> None:
        self.errors.append(self.table.error(self.row, key, value, message, severity))
        if severity == "error":
            self.failed = True

    def int(self, key: str, *, required: bool, label: str) -> int | None:
        value = self.text(key)
        if not value:
            if required:
                self.report(key, "", f"Thiếu {label}.")
            return None
        parsed = parse_int(value)
        if parsed.error:
            self.report(key, value, parsed.error)
        return parsed.value

    def provenance(self) -> Provenance:
        return Provenance(self.table.file, self.table.sheet.name, self.row)


def read_framework(
    file: BinaryIO | Path | bytes,
    filename: str,
    communes: Mapping[str, str] | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> ImportResult[Framework]:
    """Read a framework workbook into one Framework; every unusable cell becomes a RowError."""
    try:
        result = _read_framework(file, filename, communes, max_bytes=max_bytes, max_rows=max_rows)
    except BaseException as exc:  # a reader never raises on content; a bug here is still reported, and logged
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
            raise
        logger.exception("internal error reading %s", filename)
        result = ImportResult(filename, (), (problem(filename, INTERNAL_ERROR),))
    return dataclasses.replace(result, extra={**result.extra, "kind": "framework"})


def _read_framework(
    file: BinaryIO | Path | bytes,
    filename: str,
    communes: Mapping[str, str] | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> ImportResult[Framework]:
    """Read a framework workbook into one Framework; every unusable cell becomes a RowError."""
    workbook, errors = load(file, filename, max_bytes=max_bytes, max_rows=max_rows)
    if workbook is None:
        return ImportResult(filename, (), tuple(errors))
    index = CommuneIndex(communes)
    tables = _tables(workbook, filename, errors)
    if "positions" not in tables:
        errors.append(
            problem(
                filename,
                "Không tìm thấy sheet 'Vị trí' (cần các cột 'Áp dụng cho', 'Mã vị trí', 'Chức danh', 'Cấp').",
            )
        )
        return ImportResult(filename, (), tuple(errors))
    rows = sum(len(t.data) for t in tables.values())
    counts = {"accepted_rows": 0, "rejected_rows": 0}

    def tally(ok: bool) -> None:
        counts["accepted_rows" if ok else "rejected_rows"] += 1

    positions = _positions(tables["positions"], index, errors, tally)
    if "requirements" in tables:
        positions = _requirements(tables["requirements"], positions, index, errors, tally)
    quotas = _quotas(tables["quotas"], index, errors, tally) if "quotas" in tables else []
    caps = _caps(tables["caps"], positions, index, errors, tally) if "caps" in tables else []
    framework = Framework(tuple(positions), tuple(quotas), tuple(caps))
    return ImportResult(
        filename,
        (framework,),
        tuple(errors),
        rows=rows,
        extra={"sheets": {k: t.sheet.name for k, t in tables.items()}, **counts},
    )


def _tables(workbook: Workbook, filename: str, errors: list[RowError]) -> dict[str, Table]:
    found: dict[str, Table] = {}
    unnamed: list[Sheet] = []
    for sheet in data_sheets(workbook, errors):
        key = fold(sheet.name)
        kind = next((k for k, (prefix, _) in SHEETS.items() if key.startswith(prefix)), None)
        if kind is None or kind in found:
            unnamed.append(sheet)
            continue
        table = locate(sheet, SHEETS[kind][1], filename)
        if table is None:
            errors.append(problem(filename, "Không tìm thấy dòng tiêu đề trong sheet.", sheet=sheet.name))
            continue
        found[kind] = table
    # Sheets with other names: recognised by their headers (a single-sheet CSV of positions, say).
    for sheet in unnamed:
        for kind, (_, cmap) in SHEETS.items():
            if kind in found:
                continue
            table = locate(sheet, cmap, filename)
            if table is not None and all(c.key in table.columns for c in cmap.required):
                found[kind] = table
                break
    result: dict[str, Table] = {}
    for kind, table in found.items():
        errors.extend(table.errors)
        missing = missing_columns(table, SHEETS[kind][1])
        errors.extend(missing)
        if not missing:
            result[kind] = table
    return result


def _applies(row: _Row, index: CommuneIndex, *, required: bool) -> str | None:
    text = row.text("applies_to")
    if not text:
        if required:
            row.report(
                "applies_to", "", "Thiếu 'Áp dụng cho': mã xã mới, hoặc Xã / Phường / Đặc khu / Tất cả."
            )
        return None
    kind = APPLIES_KIND.lookup(text)
    if kind is not None:
        return kind
    if re.fullmatch(r"'?\d{1,5}", text.strip()):
        parsed = parse_code(text)
        code, message = index.resolve(parsed.value or text)
        if message:
            row.report("applies_to", text, message)
        if parsed.warning and code:
            row.report("applies_to", text, parsed.warning, "warning")
        return code
    code, message = index.resolve(text)
    if code is None:
        row.report(
            "applies_to",
            text,
            "Không hiểu 'Áp dụng cho'; cần mã xã mới (5 chữ số) hoặc Xã / Phường / Đặc khu / Tất cả."
            + (f" {message}" if message and index.known else ""),
        )
    return code


def _positions(
    table: Table, index: CommuneIndex, errors: list[RowError], tally: Callable[[bool], None]
) -> list[PositionRecord]:
    out: list[PositionRecord] = []
    seen: dict[tuple[str, str], int] = {}
    for excel_row, cells in table.data:
        row = _Row(table, excel_row, cells, errors)
        applies = _applies(row, index, required=True)
        code = clean(row.text("code"))
        if not code:
            row.report("code", "", "Thiếu mã vị trí.")
        title = clean(row.text("title"))
        if not title:
            row.report("title", "", "Thiếu chức danh.")
        block_text = row.text("block")
        block = BLOCK.lookup(block_text) if block_text else None
        if block is None:
            row.report("block", block_text, "Cần khối: Đảng, HĐND, UBND, MTTQ, Sự nghiệp hoặc Quân sự.")
        level_text = row.text("level")
        level = LEVEL.lookup(level_text) if level_text else None
        if level is None:
            row.report("level", level_text, "Cần cấp: Chủ chốt, Trưởng, Phó hoặc Chuyên viên.")
        family = _family(row)
        low = row.int("min", required=False, label="số tối thiểu")
        high = row.int("max", required=True, label="số tối đa")
        if low is not None and high is not None and low > high:
            row.report("min", row.text("min"), f"Tối thiểu ({low}) lớn hơn Tối đa ({high}).")
        if applies and code:
            key = (applies, code)
            if key in seen:
                row.report(
                    "code", code, f"Mã vị trí '{code}' cho '{applies}' bị lặp (đã có ở dòng {seen[key]})."
                )
            else:
                seen[key] = excel_row
        tally(not row.failed)
        if row.failed or applies is None or block is None or level is None or high is None:
            continue
        out.append(
            PositionRecord(
                applies_to=applies,
                code=code,
                block=block,
                department=clean(row.text("department")),
                title=title,
                level=level,
                job_family=family,
                min=low or 0,
                max=high,
                source=row.provenance(),
            )
        )
    return out


def _family(row: _Row) -> str | None:
    text = clean(row.text("job_family"))
    if not text:
        return None
    if text in JOB_FAMILIES or re.fullmatch(r"[a-z][a-z0-9_]*", text):
        return text
    code = job_family(text)
    if code is None:
        row.report(
            "job_family", text, "Không hiểu nhóm công việc; cần một mã như dia_chinh, tu_phap, van_phong."
        )
    return code


def _requirements(
    table: Table,
    positions: list[PositionRecord],
    index: CommuneIndex,
    errors: list[RowError],
    tally: Callable[[bool], None],
) -> list[PositionRecord]:
    attached: dict[int, list[tuple[RequirementRecord, int]]] = defaultdict(list)
    for excel_row, cells in table.data:
        row = _Row(table, excel_row, cells, errors)
        applies = _applies(row, index, required=False)
        code = clean(row.text("code"))
        targets: list[int] = []
        if not code:
            row.report("code", "", "Thiếu mã vị trí.")
        elif not row.failed:
            targets = [
                i
                for i, p in enumerate(positions)
                if p.code == code and (applies is None or p.applies_to == applies)
            ]
            if not targets:
                where = f" cho '{applies}'" if applies else ""
                row.report(
                    "code",
                    code,
                    f"Mã vị trí '{code}'{where} không có trong sheet Vị trí "
                    "(yêu cầu riêng cho một xã cần dòng vị trí riêng của xã đó).",
                )
        requirement = _requirement(row)
        tally(not row.failed)
        if row.failed or requirement is None:
            continue
        for i in targets:
            for other, other_row in attached[i]:
                if _contradicts(other, requirement):
                    row.report(
                        "value",
                        row.text("value"),
                        f"Mâu thuẫn với dòng {other_row}: tối thiểu lớn hơn tối đa cho cùng thuộc tính.",
                    )
            attached[i].append((requirement, excel_row))
    return [
        dataclasses.replace(p, requirements=p.requirements + tuple(r for r, _ in attached[i]))
        if attached[i]
        else p
        for i, p in enumerate(positions)
    ]


def _contradicts(a: RequirementRecord, b: RequirementRecord) -> bool:
    if a.attr != b.attr or a.attr is None or {a.op, b.op} != {"min", "max"}:
        return False
    low, high = (a.value, b.value) if a.op == "min" else (b.value, a.value)
    scale = SCALES.get(a.attr)
    if scale is not None:
        return scale.index(low) > scale.index(high)
    return bool(low > high)


def _requirement(row: _Row) -> RequirementRecord | None:
    attr_text = row.text("attr")
    hard = _hard(row)
    rule = RULES.lookup(attr_text) if attr_text else None
    if rule is not None:
        return None if hard is None else RequirementRecord(None, "rule", rule, hard)
    attr = ATTRIBUTE.lookup(attr_text) if attr_text else None
    if attr is None:
        known = ", ".join(label for label, _ in ATTRIBUTES.values())
        row.report(
            "attr",
            attr_text,
            f"Không hiểu thuộc tính; cần một trong: {known}; hoặc 'Không phải người địa phương'.",
        )
        return None
    op_text = row.text("op")
    op = OP.lookup(op_text) if op_text else None
    if op is None:
        row.report("op", op_text, "Cần điều kiện: thuộc, tối thiểu, tối đa hoặc bằng.")
        return None
    kind = ATTRIBUTES[attr][1]
    if op in ("min", "max") and kind not in ("ordinal", "number"):
        row.report(
            "op",
            op_text,
            f"Thuộc tính '{ATTRIBUTES[attr][0]}' không có thứ bậc; chỉ dùng 'thuộc' hoặc 'bằng'.",
        )
        return None
    if op == "in" and kind in ("number", "bool"):
        row.report(
            "op", op_text, f"Thuộc tính '{ATTRIBUTES[attr][0]}' dùng 'tối thiểu', 'tối đa' hoặc 'bằng'."
        )
        return None
    value = _value(row, attr, kind, op)
    if value is None or hard is None:
        return None
    return RequirementRecord(attr, op, value, hard)


def _value(row: _Row, attr: str, kind: str, op: str) -> Any:
    text = row.text("value")
    if not text:
        row.report("value", "", "Thiếu giá trị.")
        return None
    if kind == "number":
        parsed = parse_number(text)
        if parsed.error or parsed.value is None:
            row.report("value", text, parsed.error or "Cần một số.")
            return None
        return int(parsed.value) if parsed.value.is_integer() else parsed.value
    if kind == "bool":
        code = YES_NO.lookup(text)
        if code is None:
            row.report("value", text, "Cần Có hoặc Không.")
            return None
        return code == "yes"
    items = split_list(text, ",;\n")
    values: list[str] = []
    for item in items:
        code = _item(attr, item)
        if code is None:
            row.report("value", item, f"Không hiểu giá trị '{item}' cho thuộc tính '{ATTRIBUTES[attr][0]}'.")
            return None
        values.append(code)
    if op == "in":
        return values
    if len(values) != 1:
        row.report("value", text, "Điều kiện này cần đúng một giá trị.")
        return None
    return values[0]


def _item(attr: str, item: str) -> str | None:
    vocab_ = ATTRIBUTE_VALUES.get(attr)
    if vocab_ is not None:
        code = vocab_.lookup(item)
        if attr == "planned_for" and code == "staff":
            return None
        return code
    if attr == "field":
        return field_code(item)
    if attr == "job_family":
        return item if re.fullmatch(r"[a-z][a-z0-9_]*", item) else job_family(item)
    return clean(item) or None


def _hard(row: _Row) -> bool | None:
    text = row.text("hard")
    code = YES_NO.lookup(text) if text else None
    if code is None:
        row.report("hard", text, "Cần 'Bắt buộc': Có (yêu cầu cứng) hoặc Không (yêu cầu mềm).")
        return None
    return code == "yes"


def _quotas(
    table: Table, index: CommuneIndex, errors: list[RowError], tally: Callable[[bool], None]
) -> list[QuotaRecord]:
    out: list[QuotaRecord] = []
    seen: dict[str, int] = {}
    for excel_row, cells in table.data:
        row = _Row(table, excel_row, cells, errors)
        text = row.text("commune")
        code: str | None = None
        if not text:
            row.report("commune", "", "Thiếu mã xã mới.")
        else:
            parsed = parse_code(text)
            if parsed.error or not (parsed.value or "").isdigit():
                row.report("commune", text, parsed.error or "Mã xã mới cần 5 chữ số.")
            else:
                code, message = index.resolve(parsed.value or "")
                if message:
                    row.report("commune", text, message)
                elif parsed.warning:
                    row.report("commune", text, parsed.warning, "warning")
        payroll = row.int("payroll_quota", required=False, label="biên chế")
        target = row.int("target_quota", required=False, label="định mức")
        if code and code in seen:
            row.report("commune", text, f"Xã {code} đã có biên chế ở dòng {seen[code]}.")
        elif code:
            seen[code] = excel_row
        tally(not row.failed)
        if not row.failed and code:
            out.append(QuotaRecord(code, payroll, target, row.provenance()))
    return out


def _caps(
    table: Table,
    positions: list[PositionRecord],
    index: CommuneIndex,
    errors: list[RowError],
    tally: Callable[[bool], None],
) -> list[CapRecord]:
    known = {p.code for p in positions}
    out: list[CapRecord] = []
    for excel_row, cells in table.data:
        row = _Row(table, excel_row, cells, errors)
        applies = _applies(row, index, required=True)
        name = clean(row.text("name"))
        codes = tuple(split_list(row.text("codes"), ",;\n"))
        if not codes:
            row.report("codes", "", "Thiếu danh sách mã vị trí (cách nhau bằng dấu phẩy hoặc chấm phẩy).")
        for code in codes:
            if code not in known:
                row.report("codes", code, f"Mã vị trí '{code}' không có trong sheet Vị trí.")
        high = row.int("max", required=True, label="số tối đa")
        if not name:
            name = f"tran_{excel_row}"
            row.report("name", "", f"Thiếu tên trần; đã đặt tên '{name}'.", "warning")
        tally(not row.failed)
        if not row.failed and applies and high is not None:
            out.append(CapRecord(applies, name, codes, high, row.provenance()))
    return out
