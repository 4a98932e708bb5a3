"""Reading a roster (danh sách cán bộ, công chức) of one old unit into PersonRecords."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from imports.cells import Parsed, date_order_evidence, parse_cccd, parse_date, parse_identity
from imports.columns import RELATIONS, ROSTER
from imports.communes import CommuneIndex
from imports.duplicates import find_duplicates
from imports.pay import read_pay
from imports.ranks import read_rank
from imports.records import (
    Duplicate,
    ImportResult,
    PersonRecord,
    Provenance,
    Rating,
    RelationRecord,
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
from imports.text import clean, fold, name_key, split_list
from imports.vocab import (
    CATEGORY,
    DISCIPLINE,
    EDUCATION,
    GENDER,
    JOB_FAMILIES,
    PARTY,
    POLITICAL_THEORY,
    RATING,
    RELATION,
    STATE_MANAGEMENT,
    Match,
    Vocab,
    field_code,
    job_family,
    planned_level,
)

RELATION_SHEETS = ("quan he",)
MIN_AGE, MAX_AGE = 18, 65  # outside: a warning (a typing slip in the year is the usual cause)
EXCEL_ERRORS = frozenset(
    {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"}
)
FORMULA_START = ("=", "+", "-", "@")
FORMULA_FIRST = frozenset(FORMULA_START)
# free-text columns where a leading =, +, -, @ is a formula risk (CSV injection) worth a word
TEXT_KEYS = (
    "name",
    "family_name",
    "current_title",
    "ethnicity",
    "home_commune",
    "field",
    "note",
    "preferences",
)
DATE_KEYS = (
    "birth_date",
    "birth_male",
    "birth_female",
    "service_start",
    "disciplined_until",
    "retirement_date",
)

logger = logging.getLogger(__name__)


def stable_id(unit: str, name: str, birth_date: date) -> str:
    """The id of a person without CCCD: the same unit, name and birth date give the same id."""
    digest = hashlib.sha256(f"{unit}|{name_key(name)}|{birth_date.isoformat()}".encode()).hexdigest()
    return f"noid-{digest[:16]}"


class _Row:
    """The cells of one data row and the problems found in them.

    Only a missing name or a missing identity rejects a row (severity "error"); every other
    problem is a warning and the value it concerns stays in the row's raw record.
    """

    def __init__(self, table: Table, excel_row: int, cells: list[str], order: str = "dmy") -> None:
        self.table = table
        self.row = excel_row
        self.raw_cells = cells
        self.cells = list(cells)
        self.order = order
        self.errors: list[RowError] = []
        if EXCEL_ERRORS.isdisjoint(cells):
            return
        for col, text in enumerate(self.cells):
            if text in EXCEL_ERRORS:
                self.errors.append(
                    table.cell_error(
                        excel_row,
                        col,
                        text,
                        f"Ô chứa giá trị lỗi của Excel ({text}), thường do công thức tham chiếu sai; "
                        "coi như trống, cần nhập lại giá trị.",
                        "warning",
                    )
                )
                self.cells[col] = ""

    def text(self, key: str) -> str:
        return self.table.value(self.cells, key)

    def report(self, key: str, value: str, message: str, severity: Severity = "warning") -> None:
        self.errors.append(self.table.error(self.row, key, value, message, severity))

    def take(self, key: str, parsed: Parsed[date] | Parsed[str], value: str) -> None:
        if parsed.error:
            self.report(key, value, parsed.error + " Giữ nguyên giá trị gốc, trường để trống.")
        if parsed.warning:
            self.report(key, value, parsed.warning)

    def date(self, key: str) -> date | None:
        value = self.text(key)
        parsed = parse_date(value, self.order)
        self.take(key, parsed, value)
        return parsed.value

    @property
    def failed(self) -> bool:
        return any(e.severity == "error" for e in self.errors)

    def raw(self) -> tuple[tuple[str, str], ...]:
        """Every non-blank cell as (header, text), then the sections the row sits under."""
        headers = self.table.headers
        out = [
            (headers.get(col) or f"Cột {_letters(col)}", text)
            for col, text in enumerate(self.raw_cells)
            if text
        ]
        out.extend(("Mục", heading) for heading in self.table.sections.get(self.row, ()))
        return tuple(out)

    def notes(self) -> tuple[tuple[str, str, str], ...]:
        return tuple((e.column, e.value, e.message) for e in self.errors if e.severity == "warning")


def _letters(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class _FileContext:
    """What a whole file says about its rows: the office it comes from, its date order."""

    office: str = ""  # the office name found in the sheet name, title rows or file name
    office_family: str | None = None  # the job family that office implies
    office_category: str | None = None  # công chức for a district agency
    order: str = "dmy"
    family_used: int = 0
    category_used: int = 0
    section_category_used: int = 0
    no_category: int = 0


def read_roster(
    file: BinaryIO | Path | bytes,
    filename: str,
    unit: str,
    communes: Mapping[str, str] | None = None,
    as_of: date | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> ImportResult[PersonRecord]:
    """Read an office roster; every unusable cell becomes a RowError, never an exception."""
    try:
        result = _read_roster(file, filename, unit, communes, as_of, max_bytes=max_bytes, max_rows=max_rows)
    except BaseException as exc:  # a reader never raises on content; a bug here is still reported, and logged
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
            raise
        logger.exception("internal error reading %s", filename)
        result = ImportResult(filename, (), (problem(filename, INTERNAL_ERROR),))
    return dataclasses.replace(result, extra={**result.extra, "kind": "roster"})


def _read_roster(
    file: BinaryIO | Path | bytes,
    filename: str,
    unit: str,
    communes: Mapping[str, str] | None = None,
    as_of: date | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> ImportResult[PersonRecord]:
    """Read an office roster; every unusable cell becomes a RowError, never an exception."""
    workbook, errors = load(file, filename, max_bytes=max_bytes, max_rows=max_rows)
    if workbook is None:
        return ImportResult(filename, (), tuple(errors))
    relation_sheets = [s for s in workbook.sheets if fold(s.name).startswith(RELATION_SHEETS)]
    tables = _roster_tables(workbook, filename, relation_sheets, errors)
    if not tables:
        errors.append(
            problem(
                filename,
                "Không tìm thấy bảng danh sách: cần một dòng tiêu đề có các cột "
                "'Họ và tên', 'Ngày sinh', 'Giới tính', 'Loại cán bộ'.",
                sheet=workbook.sheets[0].name if workbook.sheets else "",
            )
        )
        return ImportResult(filename, (), tuple(errors))
    reference = as_of or datetime.now(tz=UTC).date()
    index = CommuneIndex(communes)
    context = _file_context(filename, tables, errors)
    people: list[PersonRecord] = []
    rows = rejected = 0
    seen_rows: dict[tuple[str, ...], int] = {}
    for table in tables:
        errors.extend(table.errors)
        rows += len(table.data)
        header_errors = _missing(table)
        errors.extend(header_errors)
        if any(e.severity == "error" for e in header_errors):
            rejected += len(table.data)
            continue
        for excel_row, cells in table.data:
            signature = tuple(cells)
            first = seen_rows.setdefault(signature, excel_row)
            row = _Row(table, excel_row, cells, context.order)
            if first != excel_row and sum(1 for c in cells if c) >= 2:
                row.report(
                    "",
                    "",
                    f"Dòng giống hệt dòng {first}: cùng một người được ghi hai lần; chỉ lưu một lần.",
                )
            person = _person(row, unit, index, reference, context)
            errors.extend(row.errors)
            if person is None or row.failed:
                rejected += 1
                table.layout.append(
                    (
                        excel_row,
                        "rejected",
                        "",
                        "; ".join(e.message for e in row.errors if e.severity == "error"),
                    )
                )
            else:
                people.append(person)
    errors.extend(_context_warnings(filename, tables[0], context))
    duplicates = find_duplicates(people)
    errors.extend(_duplicate_warnings(duplicates, people, tables))
    relations: list[RelationRecord] = []
    for sheet in relation_sheets:
        relations.extend(_relations(sheet, filename, people, errors))
    return ImportResult(
        filename,
        tuple(people),
        tuple(errors),
        rows=rows,
        duplicates=duplicates,
        extra={
            "relations": tuple(relations),
            "sheet": tables[0].sheet.name,
            "sheets": tuple(t.sheet.name for t in tables),
            "accepted_rows": len(people),
            "rejected_rows": rejected,
            "layout": tuple(
                {"sheet": t.sheet.name, "row": r, "kind": kind, "text": text[:200], "why": why}
                for t in tables
                for r, kind, text, why in sorted(t.layout, key=lambda x: (x[0], x[1] != "data"))
            ),
            "office": context.office,
            "office_job_family": context.office_family,
            "date_order": context.order,
        },
    )


_OFFICE = re.compile(
    r"\b((?:van phong|phong|ban|trung tam|thanh tra|huyen doan|hoi|uy ban kiem tra|ubkt)\b.*)$"
)
_OFFICE_STOP = re.compile(r"\b(?:huyen|thi xa|thanh pho|tinh|nam \d{4}|tinh den|tai thoi diem)\b")


def _office_of(text: str) -> tuple[str, str | None]:
    """The office a sheet name, title or file name names ("Phòng Tài chính - Kế hoạch huyện X"),
    and the job family it implies; ("", None) for a commune's roster."""
    folded = fold(text)
    m = _OFFICE.search(folded)
    if m is None:
        return "", None
    phrase = m[1]
    # "Phòng Nội vụ huyện X": the office ends where the district begins (but keep "Huyện ủy", "Huyện đoàn")
    stop = _OFFICE_STOP.search(phrase, 4)
    if stop is not None and not phrase[stop.start() :].startswith(("huyen uy", "huyen doan")):
        phrase = phrase[: stop.start()].strip()
    family = job_family(phrase)
    return (phrase, family) if family is not None else ("", None)


def _file_context(filename: str, tables: list[Table], errors: list[RowError]) -> _FileContext:
    context = _FileContext()
    sources = (
        [t.sheet.name for t in tables] + [line for t in tables for line in t.titles] + [Path(filename).stem]
    )
    for text in sources:
        office, family = _office_of(text)
        if family is not None:
            context.office, context.office_family = office, family
            context.office_category = "cong_chuc"
            break
    context.order = _date_order(tables, filename, errors)
    return context


def _date_order(tables: list[Table], filename: str, errors: list[RowError]) -> str:
    """Day/month order of the file's typed dates, from the file's own evidence."""
    evidence: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for table in tables:
        for key in DATE_KEYS:
            col = table.columns.get(key)
            if col is None:
                continue
            for excel_row, cells in table.data:
                text = cells[col] if col < len(cells) else ""
                kind = date_order_evidence(text) if text else None
                if kind is not None:
                    evidence[kind].append((table.sheet.name, excel_row, text))
    dmy, mdy, ambiguous = evidence["dmy"], evidence["mdy"], evidence["ambiguous"]
    if mdy and not dmy:
        sheet, row, text = mdy[0]
        errors.append(
            problem(
                filename,
                f"Các ngày trong tệp ghi theo kiểu tháng/ngày/năm (ví dụ '{text}' ở dòng {row}); đã đọc mọi "
                "ngày dạng số theo kiểu đó. Nên ghi ngày/tháng/năm.",
                sheet=sheet,
                severity="warning",
            )
        )
        return "mdy"
    if mdy and dmy:
        sheet, row, text = mdy[0]
        errors.append(
            problem(
                filename,
                f"Tệp ghi ngày lẫn lộn hai kiểu (ngày/tháng như '{dmy[0][2]}' ở dòng {dmy[0][1]}, tháng/ngày "
                f"như '{text}' ở dòng {row}); đã đọc theo ngày/tháng/năm, các ngày không đọc được được giữ "
                "nguyên giá trị gốc.",
                sheet=sheet,
                severity="warning",
            )
        )
    elif ambiguous and not dmy:
        sheet, row, text = ambiguous[0]
        errors.append(
            problem(
                filename,
                "Không xác định được thứ tự ngày/tháng của tệp: mọi ngày có cả ngày và tháng ≤ 12 "
                f"(ví dụ '{text}' "
                f"ở dòng {row}). Đã đọc theo ngày/tháng/năm; cần kiểm tra {len(ambiguous)} ngày.",
                sheet=sheet,
                severity="warning",
            )
        )
    return "dmy"


def _context_warnings(filename: str, table: Table, context: _FileContext) -> list[RowError]:
    """What the file as a whole implied, said once per file rather than once per row."""
    out: list[RowError] = []
    sheet = table.sheet.name
    if context.family_used:
        out.append(
            problem(
                filename,
                f"Nhóm công việc của {context.family_used} người được suy ra từ tên cơ quan "
                f"'{context.office}': {context.office_family}.",
                sheet=sheet,
                severity="warning",
            )
        )
    if context.category_used:
        out.append(
            problem(
                filename,
                f"Không có cột 'Loại cán bộ': {context.category_used} người của cơ quan "
                f"'{context.office}' được "
                "ghi là Công chức.",
                sheet=sheet,
                severity="warning",
            )
        )
    if context.no_category:
        out.append(
            problem(
                filename,
                f"{context.no_category} người chưa có loại cán bộ (không có cột 'Loại cán bộ' "
                "hoặc ô trống, và "
                "không có dòng mục như 'I. CÁN BỘ'); cần bổ sung khi xem lại.",
                sheet=sheet,
                severity="warning",
            )
        )
    return out


def _roster_tables(
    workbook: Workbook, filename: str, skip: list[Sheet], errors: list[RowError]
) -> list[Table]:
    """Every sheet that holds a roster table (one sheet per category is common); others are named."""
    tables: list[Table] = []
    ignored: list[Sheet] = []
    for sheet in data_sheets(workbook, errors, read_hidden=True):
        if sheet in skip:
            continue
        table = locate(sheet, ROSTER, filename)
        if table is not None and "name" in table.columns:
            tables.append(table)
        elif sum(1 for r in sheet.rows if any(r)) >= 3:
            ignored.append(sheet)
    if tables:
        for sheet in ignored:
            errors.append(
                problem(
                    filename,
                    "Sheet này không có dòng tiêu đề của danh sách (cần cột 'Họ và tên'); "
                    "không đọc sheet này.",
                    sheet=sheet.name,
                    severity="warning",
                )
            )
    return tables


def _duplicate_warnings(
    duplicates: tuple[Duplicate, ...], people: list[PersonRecord], tables: list[Table]
) -> list[RowError]:
    by_sheet = {t.sheet.name: t for t in tables}
    where = {(p.id, p.source.row): p.source.sheet for p in people if p.source}
    sheet_of_row: dict[int, set[str]] = defaultdict(set)
    for p in people:
        if p.source:
            sheet_of_row[p.source.row].add(p.source.sheet)
    out: list[RowError] = []
    for dup in duplicates:
        sheet = where.get((dup.ids[0], dup.row), tables[0].sheet.name) if dup.ids else tables[0].sheet.name
        table = by_sheet[sheet]
        others = ", ".join(
            str(r) if sheet_of_row[r] == {sheet} else f"{r} ({'/'.join(sorted(sheet_of_row[r]))})"
            for r in dup.matches
        )
        out.append(
            table.error(
                dup.row,
                "cccd" if dup.by == "cccd" else "name",
                dup.ids[0] if dup.by == "cccd" and dup.ids else "",
                f"Người này trùng với dòng {others} "
                + ("(cùng số CCCD)" if dup.by == "cccd" else "(cùng họ tên và ngày sinh)")
                + "; cần xem lại và hợp nhất.",
                "warning",
            )
        )
    return out


def _missing(table: Table) -> list[RowError]:
    """Header problems: a missing name or identity column is an error, a missing gender or
    category column a warning (sections, the office or a reviewer supply them)."""
    errors = missing_columns(table, ROSTER)
    cols = table.columns
    if not ({"birth_date", "birth_male", "birth_female", "cccd"} & cols.keys()):
        errors.append(
            RowError(
                table.file,
                table.sheet.name,
                table.header_row,
                "Ngày sinh",
                "",
                "Thiếu cả cột 'Ngày sinh' và cột 'Số CCCD': không xác định được ai là ai.",
            )
        )
    if not ({"gender", "birth_male", "birth_female", "gender_male", "gender_female"} & cols.keys()):
        errors.append(
            RowError(
                table.file,
                table.sheet.name,
                table.header_row,
                "Giới tính",
                "",
                "Không có cột 'Giới tính' (Nam/Nữ); giới tính để trống, cần bổ sung khi xem lại.",
                "warning",
            )
        )
    return errors


def _person(
    row: _Row, unit: str, index: CommuneIndex, reference: date, context: _FileContext | None = None
) -> PersonRecord | None:
    context = context or _FileContext()
    name = clean(f"{row.text('family_name')} {row.text('name')}")
    if not name:
        row.report("name", "", "Thiếu họ và tên; dòng bị loại.", "error")
    elif not any(ch.isalpha() for ch in name) or re.search(r"\d", name):
        row.report(
            "name", name, "Họ và tên không hợp lệ (có chữ số hoặc không có chữ cái); dòng bị loại.", "error"
        )
    _formula_like(row)

    raw_id = row.text("cccd")
    identity = parse_identity(raw_id)

    birth_date, gender = _birth_and_gender(row)
    if birth_date is not None:
        age = (reference - birth_date).days / 365.25
        if not MIN_AGE <= age <= MAX_AGE:
            key = "birth_date" if "birth_date" in row.table.columns else _birth_key(row)
            row.report(
                key,
                row.text(key),
                f"Ngày sinh cho tuổi {age:.0f}, ngoài khoảng {MIN_AGE}–{MAX_AGE} của người đang công tác; "
                "cần kiểm tra lại năm sinh.",
            )

    if identity.cccd:
        person_id, has_cccd = identity.cccd, True
    elif identity.cmnd:
        person_id, has_cccd = f"cmnd-{identity.cmnd}", False
    elif birth_date is not None and name:
        person_id, has_cccd = stable_id(unit, name, birth_date), False
    else:
        person_id, has_cccd = "", False
    if identity.message:
        usable_otherwise = bool(person_id)
        row.report(
            "cccd",
            raw_id,
            identity.message
            + (
                " Đã nhận diện người này theo họ tên và ngày sinh."
                if not identity.usable and usable_otherwise
                else ""
            ),
            "warning" if identity.usable or usable_otherwise else "error",
        )
    elif not raw_id and person_id.startswith("noid-"):
        row.report(
            "cccd",
            "",
            "Thiếu số CCCD; đã tạo mã tạm theo đơn vị, họ tên và ngày sinh. Nên bổ sung CCCD.",
        )
    if not person_id and name and not (identity.message and not identity.usable):
        row.report(
            "cccd",
            raw_id,
            "Không có số CCCD/CMND và không có ngày sinh đọc được: không xác định được người này; "
            "dòng bị loại.",
            "error",
        )

    category = _category(row, context)
    education_text = row.text("education")
    education: str | None
    education_rest = ""
    if education_text:
        match = EDUCATION.match(education_text)
        education, education_rest = match.code, match.rest
        _said(row, "education", education_text, match)
        if education is None and match.question is None:
            row.report(
                "education",
                education_text,
                "Không hiểu trình độ chuyên môn (cần Tiến sĩ, Thạc sĩ, Đại học, Cao đẳng, Trung cấp, "
                "Sơ cấp); "
                "giữ nguyên giá trị gốc, trường để trống.",
            )
    else:  # blank means no training; no column means not known
        education = "none" if "education" in row.table.columns else None

    field = _field(row, education_rest)
    political = _ordinal(
        row, "political_theory", POLITICAL_THEORY, "Cử nhân/Cao cấp, Trung cấp, Sơ cấp (hoặc để trống)"
    )
    state = _ordinal(
        row,
        "state_management",
        STATE_MANAGEMENT,
        "Chuyên viên cao cấp, Chuyên viên chính, Chuyên viên, Cử nhân hành chính",
    )
    rank = _rank(row)
    block = _block(row)
    party = _party(row)
    service_start = row.date("service_start")
    if service_start is not None:
        if birth_date is not None and service_start < birth_date:
            row.report("service_start", row.text("service_start"), "Ngày bắt đầu công tác trước ngày sinh.")
        elif service_start > reference:
            row.report("service_start", row.text("service_start"), "Ngày bắt đầu công tác ở sau ngày tính.")
    ratings = _ratings(row)
    planned = _planned(row)
    disciplined_until = row.date("disciplined_until")
    disciplined = _disciplined(row, disciplined_until)
    retirement = row.date("retirement_date")
    title = clean(row.text("current_title")) or None
    family = _job_family(row, title, context)
    home = _commune(row, "home_commune", index)
    preferences = _preferences(row, index)
    ethnicity = clean(row.text("ethnicity")) or None

    pay = read_pay(row.text, row.report, lambda key: key in row.table.columns, category)

    if row.failed:
        return None
    return PersonRecord(
        id=person_id,
        name=name,
        birth_date=birth_date,
        gender=gender,
        unit=unit,
        category=category,
        ethnicity=ethnicity,
        home_commune=home,
        current_title=title,
        job_family=family,
        education=education,
        field=field,
        political_theory=political,
        state_management=state,
        party_member=party,
        service_start=service_start,
        ratings=ratings,
        planned_for=planned,
        disciplined=disciplined,
        disciplined_until=disciplined_until,
        preferences=preferences,
        retirement_date=retirement,
        rank=rank,
        cmnd=identity.cmnd,
        block=block,
        has_cccd=has_cccd,
        salary_coefficient=pay.salary_coefficient,
        position_allowance=pay.position_allowance,
        seniority_pct=pay.seniority_pct,
        other_allowances=pay.other_allowances,
        insurance_years=pay.insurance_years,
        part_time_allowance=pay.part_time_allowance,
        source=Provenance(row.table.file, row.table.sheet.name, row.row),
        raw=row.raw(),
        notes=row.notes(),
    )


def _said(row: _Row, key: str, text: str, match: Match) -> None:
    """The warning a near-miss or ambiguous label deserves."""
    if match.question:
        row.report(key, text, match.question + " Giữ nguyên giá trị gốc, trường để trống.")
    elif match.read_as:
        row.report(key, text, f"Đã đọc là '{match.read_as}'.")


def _formula_like(row: _Row) -> None:
    for key in TEXT_KEYS:
        col = row.table.columns.get(key)
        quick_no = col is None or col >= len(row.cells) or row.cells[col][:1] not in FORMULA_FIRST
        if quick_no and key not in row.table.more:
            continue
        text = row.text(key)
        if len(text) > 1 and text.startswith(FORMULA_START) and not re.fullmatch(r"[-+]?[\d.,\s]+", text):
            row.report(
                key,
                text,
                f"Ô bắt đầu bằng '{text[0]}' như một công thức; đã giữ nguyên dạng văn bản, cần kiểm tra.",
            )


def _category(row: _Row, context: _FileContext) -> str | None:
    text = row.text("category")
    if text:
        match = CATEGORY.match(text)
        _said(row, "category", text, match)
        if match.code is not None:
            return match.code
        if match.question is None:
            row.report(
                "category",
                text,
                "Không hiểu loại cán bộ (cần Cán bộ, Công chức, Viên chức, Hợp đồng, Không chuyên trách); "
                "giữ nguyên giá trị gốc.",
            )
    for heading in reversed(row.table.sections.get(row.row, ())):
        code = section_category(heading)
        if code is not None:
            context.section_category_used += 1
            return code
    sheet_code = section_category(row.table.sheet.name) or CATEGORY.lookup(row.table.sheet.name)
    if sheet_code is not None:  # one sheet per category ("Cán bộ", "Công chức", "KCT")
        return sheet_code
    if text:
        return None
    if context.office_category is not None:
        context.category_used += 1
        return context.office_category
    context.no_category += 1
    return None


def section_category(heading: str) -> str | None:
    """The category a section heading names ("II. CÔNG CHỨC" -> cong_chuc); None for a block or a
    mixed heading."""
    key = re.sub(r"^(?:[ivxlc]+|[a-z]|\d{1,2}) ", "", fold(heading))
    if "khong chuyen trach" in key:
        return "khong_chuyen_trach"
    found = [
        code
        for words, code in (
            ("can bo", "can_bo"),
            ("cong chuc", "cong_chuc"),
            ("vien chuc", "vien_chuc"),
            ("hop dong", "hop_dong"),
            ("lao dong", "hop_dong"),
        )
        if re.search(rf"(?:^| ){words}(?: |$)", key)
    ]
    return found[0] if len(found) == 1 else None


_BLOCK_WORDS: tuple[tuple[str, str], ...] = (
    ("dang", "dang"),
    ("dang uy", "dang"),
    ("chinh quyen", "ubnd"),
    ("ubnd", "ubnd"),
    ("uy ban", "ubnd"),
    ("uy ban nhan dan", "ubnd"),
    ("hdnd", "hdnd"),
    ("hoi dong nhan dan", "hdnd"),
    ("mttq", "mttq"),
    ("mat tran", "mttq"),
    ("doan the", "mttq"),
    ("su nghiep", "su_nghiep"),
    ("quan su", "quan_su"),
)


def block_of(text: str) -> str | None:
    """The block a heading or a "Khối" cell names ("A. Khối Đảng" -> dang, "Khối Chính quyền" ->
    ubnd, "Khối MTTQ và các đoàn thể" -> mttq); None when it names none or several. HĐND and UBND
    together ("HĐND-UBND") are the government block, ubnd."""
    key = re.sub(r"^(?:[ivxlc]+|[a-z]|\d{1,2}) ", "", fold(text))
    key = re.sub(r"^khoi ", "", key)
    found = {code for words, code in _BLOCK_WORDS if re.search(rf"(?:^| ){words}(?: |$)", key)}
    if found == {"hdnd", "ubnd"}:
        return "ubnd"
    return found.pop() if len(found) == 1 else None


def _block(row: _Row) -> str | None:
    """The block from the row's "Khối" cell, else from the nearest section heading naming one."""
    text = row.text("block")
    if text:
        code = block_of(text)
        if code is not None:
            return code
        row.report(
            "block",
            text,
            "Không hiểu khối (cần Đảng, Chính quyền/HĐND/UBND, MTTQ và đoàn thể); giữ nguyên giá trị gốc.",
        )
    for heading in reversed(row.table.sections.get(row.row, ())):
        if "khoi" in fold(heading).split() or section_category(heading) is None:
            code = block_of(heading)
            if code is not None:
                return code
    return None


def _rank(row: _Row) -> str | None:
    text = row.text("rank")
    if not text:
        return None
    read = read_rank(text)
    if read.message:
        row.report("rank", text, read.message)
    return read.rank.code if read.rank else None


def _birth_key(row: _Row) -> str:
    return "birth_female" if row.text("birth_female") and not row.text("birth_male") else "birth_male"


def _birth_and_gender(row: _Row) -> tuple[date | None, str | None]:
    cols = row.table.columns
    gender_text = row.text("gender")
    gender = GENDER.lookup(gender_text) if gender_text else None
    if gender_text and gender is None:
        row.report("gender", gender_text, "Không hiểu giới tính (cần Nam hoặc Nữ); giữ nguyên giá trị gốc.")
    if not gender_text and ({"gender_male", "gender_female"} & cols.keys()):
        male, female = row.text("gender_male"), row.text("gender_female")
        if male and female:
            row.report("gender_female", female, "Đánh dấu cả cột Nam và cột Nữ; chỉ đánh dấu một cột.")
        elif male or female:
            gender, gender_text = ("M" if male else "F"), (male or female)
        else:
            row.report("gender_male", "", "Thiếu giới tính: đánh dấu x vào cột Nam hoặc cột Nữ.")
            gender_text = "-"  # reported already
    if not ({"birth_date", "birth_male", "birth_female"} & cols.keys()):
        birth = None  # the identity is the CCCD; the header check said the column is missing
    elif "birth_date" in cols:
        birth = row.date("birth_date")
        if not row.text("birth_date"):
            row.report("birth_date", "", "Thiếu ngày sinh.")
    else:
        male, female = row.text("birth_male"), row.text("birth_female")
        if male and female:
            row.report("birth_female", female, "Ngày sinh ghi ở cả cột Nam và cột Nữ; chỉ ghi ở một cột.")
            return None, gender
        key = "birth_male" if male else "birth_female"
        if not (male or female):
            row.report("birth_male", "", "Thiếu ngày sinh (cột Nam hoặc cột Nữ).")
            return None, gender
        birth = row.date(key)
        by_column = "M" if male else "F"
        if gender is not None and gender != by_column:
            row.report("gender", gender_text, "Giới tính không khớp với cột ngày sinh (Nam/Nữ).")
        gender = gender or by_column
    has_gender_column = bool(
        {"gender", "birth_male", "birth_female", "gender_male", "gender_female"} & cols.keys()
    )
    if gender is None and not gender_text and has_gender_column:
        row.report("gender", "", "Thiếu giới tính (Nam/Nữ).")
    return birth, gender


def _ordinal(row: _Row, key: str, vocab_: Vocab, expected: str) -> str | None:
    text = row.text(key)
    if not text:
        return "none" if key in row.table.columns else None
    match = vocab_.match(text)
    _said(row, key, text, match)
    if match.code is None and match.question is None:
        row.report(
            key,
            text,
            f"Không hiểu giá trị (cần một trong: {expected}); giữ nguyên giá trị gốc, trường để trống.",
        )
    return match.code


def _field(row: _Row, education_rest: str) -> str | None:
    text = row.text("field")
    source_key = "field"
    if not text and education_rest:
        text, source_key = education_rest, "education"
    if not text:
        return None
    code = field_code(text)
    if code is None:
        row.report(
            source_key,
            row.text(source_key),
            "Không xếp được chuyên ngành vào nhóm ngành đã biết; đã ghi là 'khac' (khác).",
            "warning",
        )
        return "khac"
    return code


def _party(row: _Row) -> bool:
    text = row.text("party_member")
    if not text:
        return False
    code = PARTY.lookup(text)
    if code is not None:
        return code == "yes"
    if parse_date(text).value is not None:
        return True  # a date of admission
    row.report(
        "party_member", text, "Không hiểu giá trị Đảng viên; cần x / Có / ngày vào Đảng, hoặc để trống."
    )
    return False


def _ratings(row: _Row) -> tuple[Rating, ...]:
    out: list[Rating] = []
    for year, col in sorted(row.table.ratings.items()):
        text = row.cells[col] if col < len(row.cells) else ""
        if not text:
            continue
        match = RATING.match(text)
        message = None
        if match.question:
            message = match.question + " Giữ nguyên giá trị gốc."
        elif match.code is None:
            message = (
                "Không hiểu xếp loại (cần HTXSNV, HTTNV, HTNV, KHTNV hoặc Hoàn thành xuất sắc/tốt/"
                "hoàn thành/không hoàn thành nhiệm vụ); giữ nguyên giá trị gốc."
            )
        elif match.read_as:
            message = f"Đã đọc là '{match.read_as}'."
        if message:
            row.errors.append(row.table.cell_error(row.row, col, text, message, "warning"))
        if match.code is not None:
            out.append(Rating(year, match.code))
    return tuple(out)


def _planned(row: _Row) -> tuple[str, ...]:
    text = row.text("planned_for")
    levels: list[str] = []
    for item in split_list(text):
        if fold(item) in ("khong", "chua", ""):
            continue
        level = planned_level(item)
        if level is None:
            row.report(
                "planned_for",
                item,
                "Không xác định được cấp của chức danh quy hoạch; cần ví dụ 'Bí thư', 'Chủ tịch UBND' "
                "(chủ chốt), 'Trưởng phòng' (trưởng), 'Phó Trưởng phòng' (phó); nhiều chức danh "
                "cách nhau bằng ';'.",
            )
        elif level not in levels:
            levels.append(level)
    return tuple(levels)


def _disciplined(row: _Row, until: date | None) -> bool:
    text = row.text("disciplined")
    if not text:
        return False
    code, _ = DISCIPLINE.lookup_prefix(text)
    if code == "no":
        return False
    if code is None:
        row.report(
            "disciplined",
            text,
            "Không rõ hình thức kỷ luật (Khiển trách, Cảnh cáo, Cách chức, …); vẫn coi là đang bị kỷ luật.",
            "warning",
        )
    # With an end date the solver compares it with as_of; without one the discipline stands.
    return until is None


def _job_family(row: _Row, title: str | None, context: _FileContext) -> str | None:
    text = clean(row.text("job_family"))
    if text:
        code = text if text in JOB_FAMILIES else job_family(text)
        if code is None and re.fullmatch(r"[a-z][a-z0-9_]*", text):
            code = text
        if code is None:
            row.report(
                "job_family",
                text,
                "Không hiểu nhóm công việc (cần một mã như dia_chinh, tu_phap, van_phong); "
                "giữ nguyên giá trị gốc.",
            )
        return code
    code = job_family(title) if title else None
    if code is None and context.office_family is not None:
        context.family_used += 1  # said once for the file
        return context.office_family
    if code is None and title:
        row.report(
            "current_title",
            title,
            "Không suy ra được nhóm công việc từ chức vụ; có thể ghi mã ở cột 'Nhóm công việc'.",
        )
    return code


def _commune(row: _Row, key: str, index: CommuneIndex) -> str | None:
    text = row.text(key)
    code, message = index.resolve(text)
    if message:
        row.report(key, text, message + " Đã bỏ qua giá trị này.", "warning")
    return code


def _preferences(row: _Row, index: CommuneIndex) -> tuple[str, ...]:
    out: list[str] = []
    for item in split_list(row.text("preferences"), ";,\n"):
        code, message = index.resolve(item)
        if message:
            row.report("preferences", item, message + " Đã bỏ qua nguyện vọng này.", "warning")
        elif code and code not in out:
            out.append(code)
    return tuple(out)


def _relations(
    sheet: Sheet, filename: str, people: list[PersonRecord], errors: list[RowError]
) -> list[RelationRecord]:
    table = locate(sheet, RELATIONS, filename)
    if table is None:
        errors.append(
            problem(filename, "Không tìm thấy dòng tiêu đề của sheet quan hệ gia đình.", sheet=sheet.name)
        )
        return []
    errors.extend(table.errors)
    header_errors = missing_columns(table, RELATIONS)
    if "cccd" not in table.columns and "name" not in table.columns:
        header_errors.append(
            RowError(
                filename, sheet.name, table.header_row, "Số CCCD", "", "Thiếu cột 'Số CCCD' hoặc 'Họ và tên'."
            )
        )
    errors.extend(header_errors)
    if header_errors:
        return []
    ids = {p.id for p in people}
    by_name: dict[str, list[str]] = defaultdict(list)
    for p in people:
        by_name[name_key(p.name)].append(p.id)
    out: list[RelationRecord] = []
    for excel_row, cells in table.data:
        row = _Row(table, excel_row, cells)
        a = _relation_person(row, "cccd", "name", ids, by_name, required=True)
        b = _relation_person(row, "other_cccd", "other_name", ids, by_name, required=False)
        kind_text = row.text("kind")
        kind = RELATION.lookup(kind_text) if kind_text else None
        if kind is None:
            row.report(
                "kind",
                kind_text,
                "Không hiểu quan hệ; cần Vợ, Chồng, Cha, Mẹ, Con, Anh, Chị, Em, Bố vợ, Mẹ chồng, …",
                "error",
            )
        errors.extend(row.errors)
        if a and b and kind and not row.failed:
            if a == b:
                errors.append(
                    table.error(
                        excel_row, "other_name", row.text("other_name"), "Người thân trùng với chính cán bộ."
                    )
                )
                continue
            out.append(RelationRecord(a, b, kind, Provenance(filename, sheet.name, excel_row)))
    return out


def _relation_person(
    row: _Row, cccd_key: str, name_key_: str, ids: set[str], by_name: dict[str, list[str]], *, required: bool
) -> str | None:
    raw = row.text(cccd_key)
    if raw:
        parsed = parse_cccd(raw)
        if parsed.error:
            row.report(cccd_key, raw, parsed.error, "error")
        if parsed.warning:
            row.report(cccd_key, raw, parsed.warning)
        if parsed.value:
            return parsed.value
        return None
    name = clean(row.text(name_key_))
    matches = by_name.get(name_key(name), []) if name else []
    if len(matches) == 1:
        return matches[0]
    if not name:
        row.report(name_key_, "", "Thiếu số CCCD và họ tên.", "error")
    elif len(matches) > 1:
        row.report(name_key_, name, "Có nhiều người trùng tên trong danh sách; hãy ghi số CCCD.", "error")
    elif required:
        row.report(
            name_key_, name, "Không tìm thấy người này trong danh sách cán bộ; hãy ghi số CCCD.", "error"
        )
    else:
        row.report(
            name_key_,
            name,
            "Người thân không có trong danh sách và không có số CCCD; quan hệ này không được ghi nhận.",
            "warning",
        )
    return None
