"""Reading a roster (danh sách cán bộ, công chức) of one old unit into PersonRecords."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from imports.cells import Parsed, parse_cccd, parse_date
from imports.columns import RELATIONS, ROSTER
from imports.communes import CommuneIndex
from imports.duplicates import find_duplicates
from imports.pay import read_pay
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
    Vocab,
    field_code,
    job_family,
    planned_level,
)

RELATION_SHEETS = ("quan he",)
MIN_AGE, MAX_AGE = 15, 80

logger = logging.getLogger(__name__)


def stable_id(unit: str, name: str, birth_date: date) -> str:
    """The id of a person without CCCD: the same unit, name and birth date give the same id."""
    digest = hashlib.sha256(f"{unit}|{name_key(name)}|{birth_date.isoformat()}".encode()).hexdigest()
    return f"noid-{digest[:16]}"


class _Row:
    """The cells of one data row and the problems found in them."""

    def __init__(self, table: Table, excel_row: int, cells: list[str]) -> None:
        self.table = table
        self.row = excel_row
        self.cells = cells
        self.errors: list[RowError] = []

    def text(self, key: str) -> str:
        return self.table.value(self.cells, key)

    def report(self, key: str, value: str, message: str, severity: Severity = "error") -> None:
        self.errors.append(self.table.error(self.row, key, value, message, severity))

    def take(self, key: str, parsed: Parsed[date] | Parsed[str], value: str) -> None:
        if parsed.error:
            self.report(key, value, parsed.error)
        if parsed.warning:
            self.report(key, value, parsed.warning, "warning")

    def date(self, key: str) -> date | None:
        value = self.text(key)
        parsed = parse_date(value)
        self.take(key, parsed, value)
        return parsed.value

    @property
    def failed(self) -> bool:
        return any(e.severity == "error" for e in self.errors)


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
    people: list[PersonRecord] = []
    rows = rejected = 0
    for table in tables:
        errors.extend(table.errors)
        rows += len(table.data)
        header_errors = _missing(table)
        errors.extend(header_errors)
        if header_errors:
            rejected += len(table.data)
            continue
        for excel_row, cells in table.data:
            row = _Row(table, excel_row, cells)
            person = _person(row, unit, index, reference)
            errors.extend(row.errors)
            if person is None or row.failed:
                rejected += 1
            else:
                people.append(person)
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
        },
    )


def _roster_tables(
    workbook: Workbook, filename: str, skip: list[Sheet], errors: list[RowError]
) -> list[Table]:
    """Every sheet that holds a roster table (one sheet per category is common); others are named."""
    tables: list[Table] = []
    ignored: list[Sheet] = []
    for sheet in data_sheets(workbook, errors):
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
    errors = missing_columns(table, ROSTER)
    cols = table.columns
    absent: list[tuple[str, str]] = []
    if not ({"birth_date", "birth_male", "birth_female"} & cols.keys()):
        absent.append(("Ngày sinh", "Thiếu cột bắt buộc 'Ngày sinh'."))
    if not ({"gender", "birth_male", "birth_female", "gender_male", "gender_female"} & cols.keys()):
        absent.append(("Giới tính", "Thiếu cột bắt buộc 'Giới tính' (Nam/Nữ)."))
    if "category" not in cols:
        absent.append(
            (
                "Loại cán bộ",
                "Thiếu cột bắt buộc 'Loại cán bộ' (Cán bộ / Công chức / Viên chức / Hợp đồng / …).",
            )
        )
    for header, message in absent:
        errors.append(RowError(table.file, table.sheet.name, table.header_row, header, "", message))
    return errors


def _person(row: _Row, unit: str, index: CommuneIndex, reference: date) -> PersonRecord | None:
    name = clean(f"{row.text('family_name')} {row.text('name')}")
    if not name:
        row.report("name", "", "Thiếu họ và tên.")
    elif not any(ch.isalpha() for ch in name) or re.search(r"\d", name):
        row.report("name", name, "Họ và tên không hợp lệ (có chữ số hoặc không có chữ cái).")

    raw_cccd = row.text("cccd")
    cccd = parse_cccd(raw_cccd)
    row.take("cccd", cccd, raw_cccd)

    birth_date, gender = _birth_and_gender(row)
    if birth_date is not None:
        age = (reference - birth_date).days / 365.25
        if not MIN_AGE <= age <= MAX_AGE:
            key = "birth_date" if "birth_date" in row.table.columns else _birth_key(row)
            row.report(key, row.text(key), f"Ngày sinh không hợp lý (tuổi {age:.0f}); cần kiểm tra lại.")

    category_text = row.text("category")
    category = CATEGORY.lookup(category_text) if category_text else None
    if not category_text:
        row.report(
            "category",
            "",
            "Thiếu loại cán bộ (Cán bộ / Công chức / Viên chức / Hợp đồng / Không chuyên trách).",
        )
    elif category is None:
        row.report(
            "category",
            category_text,
            "Không hiểu loại cán bộ; cần một trong: Cán bộ, Công chức, Viên chức, Hợp đồng, "
            "Không chuyên trách.",
        )

    education_text = row.text("education")
    education: str | None
    if education_text:
        education, education_rest = EDUCATION.lookup_prefix(education_text)
    else:  # blank means no training; no column means not known
        education = "none" if "education" in row.table.columns else None
        education_rest = ""
    if education is None and education_text:
        row.report(
            "education",
            education_text,
            "Không hiểu trình độ chuyên môn; cần một trong: Tiến sĩ, Thạc sĩ, Đại học, Cao "
            "đẳng, Trung cấp, Sơ cấp.",
        )

    field = _field(row, education_rest)
    political = _ordinal(
        row, "political_theory", POLITICAL_THEORY, "Cử nhân/Cao cấp, Trung cấp, Sơ cấp (hoặc để trống)"
    )
    state = _ordinal(
        row,
        "state_management",
        STATE_MANAGEMENT,
        "Chuyên viên cao cấp, Chuyên viên chính, Chuyên viên, Cán sự",
    )
    party = _party(row)
    service_start = row.date("service_start")
    if service_start is not None:
        if birth_date is not None and service_start < birth_date:
            row.report("service_start", row.text("service_start"), "Ngày bắt đầu công tác trước ngày sinh.")
        elif service_start > reference:
            row.report(
                "service_start",
                row.text("service_start"),
                "Ngày bắt đầu công tác ở sau ngày tính.",
                "warning",
            )
    ratings = _ratings(row)
    planned = _planned(row)
    disciplined_until = row.date("disciplined_until")
    disciplined = _disciplined(row, disciplined_until)
    retirement = row.date("retirement_date")
    title = clean(row.text("current_title")) or None
    family = _job_family(row, title)
    home = _commune(row, "home_commune", index)
    preferences = _preferences(row, index)
    ethnicity = clean(row.text("ethnicity")) or None

    pay = read_pay(row.text, row.report, lambda key: key in row.table.columns, category)

    if row.failed or birth_date is None or gender is None or category is None:
        return None
    if cccd.value:
        person_id, has_cccd = cccd.value, True
    else:
        person_id, has_cccd = stable_id(unit, name, birth_date), False
        if not cccd.error:
            row.report(
                "cccd",
                "",
                "Thiếu số CCCD; đã tạo mã tạm theo đơn vị, họ tên và ngày sinh. Nên bổ sung CCCD.",
                "warning",
            )
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
        has_cccd=has_cccd,
        salary_coefficient=pay.salary_coefficient,
        position_allowance=pay.position_allowance,
        seniority_pct=pay.seniority_pct,
        other_allowances=pay.other_allowances,
        insurance_years=pay.insurance_years,
        part_time_allowance=pay.part_time_allowance,
        source=Provenance(row.table.file, row.table.sheet.name, row.row),
    )


def _birth_key(row: _Row) -> str:
    return "birth_female" if row.text("birth_female") and not row.text("birth_male") else "birth_male"


def _birth_and_gender(row: _Row) -> tuple[date | None, str | None]:
    cols = row.table.columns
    gender_text = row.text("gender")
    gender = GENDER.lookup(gender_text) if gender_text else None
    if gender_text and gender is None:
        row.report("gender", gender_text, "Không hiểu giới tính; cần Nam hoặc Nữ.")
    if not gender_text and ({"gender_male", "gender_female"} & cols.keys()):
        male, female = row.text("gender_male"), row.text("gender_female")
        if male and female:
            row.report("gender_female", female, "Đánh dấu cả cột Nam và cột Nữ; chỉ đánh dấu một cột.")
        elif male or female:
            gender, gender_text = ("M" if male else "F"), (male or female)
        else:
            row.report("gender_male", "", "Thiếu giới tính: đánh dấu x vào cột Nam hoặc cột Nữ.")
            gender_text = "-"  # reported already
    if "birth_date" in cols:
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
    if gender is None and not gender_text:
        row.report("gender", "", "Thiếu giới tính (Nam/Nữ).")
    return birth, gender


def _ordinal(row: _Row, key: str, vocab_: Vocab, expected: str) -> str | None:
    text = row.text(key)
    if not text:
        return "none" if key in row.table.columns else None
    code = vocab_.lookup(text)
    if code is None:
        row.report(key, text, f"Không hiểu giá trị; cần một trong: {expected}.")
    return code


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
        code = RATING.lookup(text)
        if code is None:
            row.errors.append(
                row.table.cell_error(
                    row.row,
                    col,
                    text,
                    "Không hiểu xếp loại; cần HTXSNV, HTTNV, HTNV, KHTNV "
                    "(hoặc Hoàn thành xuất sắc/tốt/hoàn thành/không hoàn thành nhiệm vụ).",
                )
            )
            continue
        out.append(Rating(year, code))
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


def _job_family(row: _Row, title: str | None) -> str | None:
    text = clean(row.text("job_family"))
    if text:
        code = text if text in JOB_FAMILIES else job_family(text)
        if code is None and re.fullmatch(r"[a-z][a-z0-9_]*", text):
            code = text
        if code is None:
            row.report(
                "job_family", text, "Không hiểu nhóm công việc; cần một mã như dia_chinh, tu_phap, van_phong."
            )
        return code
    if not title:
        return None
    code = job_family(title)
    if code is None:
        row.report(
            "current_title",
            title,
            "Không suy ra được nhóm công việc từ chức vụ; có thể ghi mã ở cột 'Nhóm công việc'.",
            "warning",
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
        row.take(cccd_key, parsed, raw)
        if parsed.value:
            return parsed.value
        return None
    name = clean(row.text(name_key_))
    matches = by_name.get(name_key(name), []) if name else []
    if len(matches) == 1:
        return matches[0]
    if not name:
        row.report(name_key_, "", "Thiếu số CCCD và họ tên.")
    elif len(matches) > 1:
        row.report(name_key_, name, "Có nhiều người trùng tên trong danh sách; hãy ghi số CCCD.")
    elif required:
        row.report(name_key_, name, "Không tìm thấy người này trong danh sách cán bộ; hãy ghi số CCCD.")
    else:
        row.report(
            name_key_,
            name,
            "Người thân không có trong danh sách và không có số CCCD; quan hệ này không được ghi nhận.",
            "warning",
        )
    return None
