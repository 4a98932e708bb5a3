"""Write the demo rosters as offices keep them (.xlsx with title rows, quirks and a signature block)."""

# ruff: noqa: S311 (seeded demo data, not cryptography)
from __future__ import annotations

import logging
import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from staffing.demo_data.rosters import Person, Relation, RosterSet, Unit, build_roster_set
from staffing.demo_data.tables import (
    CATEGORY_LABELS,
    COLUMNS,
    DEFAULT_SEED,
    EDUCATION_LABELS,
    OPTIONAL,
    POLITICAL_LABELS,
    RATING_LABELS,
    RATING_SHORT,
    RATING_YEARS,
    STATE_LABELS,
)

logger = logging.getLogger(__name__)

# pay columns -> the Person attribute written there
PAY_KINDS = {
    "salary": "salary_coefficient",
    "position_allowance": "position_allowance",
    "seniority": "seniority_pct",
    "other_allowances": "other_allowances",
    "insurance": "insurance_years",
    "part_time": "part_time_allowance",
}
# --- writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileStyle:
    """How one office happens to keep its roster."""

    excel_dates: bool
    cccd_numbers: bool
    short_ratings: bool
    party_style: str  # x | dang_vien | date
    home_as_code: bool
    nfd: bool
    stray_spaces: bool
    variant_headers: bool
    optional_columns: bool


def _style(rng: random.Random) -> FileStyle:
    return FileStyle(
        excel_dates=rng.random() < 0.4,
        cccd_numbers=rng.random() < 0.1,
        short_ratings=rng.random() < 0.15,
        party_style=rng.choices(("x", "dang_vien", "date"), weights=(70, 20, 10))[0],
        home_as_code=rng.random() < 0.06,
        nfd=rng.random() < 0.04,
        stray_spaces=rng.random() < 0.15,
        variant_headers=rng.random() < 0.2,
        optional_columns=rng.random() < 0.85,
    )


def _upper(text: str) -> str:
    return text.upper()


def _title_lines(unit: Unit) -> tuple[str, str, str, str]:
    """Issuing body (two lines), title and the 'attached to' line."""
    if unit.kind == "district_agency":
        city = unit.district.startswith("Thành phố")
        place = unit.district.removeprefix("Thành phố ").removeprefix("Huyện ")
        body = f"ỦY BAN NHÂN DÂN {_upper(unit.district)}"
        upper = f"{'THÀNH ỦY' if city else 'HUYỆN ỦY'} {_upper(place)}"
        title = "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, NGƯỜI LAO ĐỘNG CÁC CƠ QUAN CẤP " + (
            "THÀNH PHỐ" if city else "HUYỆN"
        )
        sender = f"UBND {unit.district[0].lower()}{unit.district[1:]}"
        doc = "UBND-NV"
        return upper, body, title, f"(Kèm theo Công văn số {{n}}/{doc} ngày {{d}}/6/2025 của {sender})"
    body = f"ỦY BAN NHÂN DÂN {_upper(unit.name)}"
    upper = f"UBND {_upper(unit.district)}"
    title = f"DANH SÁCH CÁN BỘ, CÔNG CHỨC, NGƯỜI LAO ĐỘNG {_upper(unit.name)}"
    sender = f"UBND {unit.name[0].lower()}{unit.name[1:]}"
    return upper, body, title, f"(Kèm theo Công văn số {{n}}/UBND-VP ngày {{d}}/6/2025 của {sender})"


def _text(value: str, style: FileStyle) -> str:
    return unicodedata.normalize("NFD", value) if style.nfd else value


def write_roster(
    path: Path,
    unit: Unit,
    people: list[Person],
    relations: list[Relation],
    names: dict[str, str],
    communes: dict[str, str],
    seed: int,
) -> Path:
    """Write one unit's roster as its office would."""
    rng = random.Random(f"{seed}/file/{unit.code}")
    style = _style(rng)
    columns = [c for c in COLUMNS if style.optional_columns or c[2] not in OPTIONAL]
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties({"created": datetime(2025, 6, 20), "author": "staffing"})  # noqa: DTZ001 (stable bytes)
    try:
        f_base = {"font_name": "Times New Roman", "font_size": 11}
        bold_c = wb.add_format({**f_base, "bold": True, "align": "center"})
        ital_c = wb.add_format({**f_base, "italic": True, "align": "center"})
        head = wb.add_format(
            {**f_base, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}
        )
        cell = wb.add_format({**f_base, "border": 1})
        cell_c = wb.add_format({**f_base, "border": 1, "align": "center"})
        date_f = wb.add_format({**f_base, "border": 1, "align": "center", "num_format": "dd/mm/yyyy"})
        num_f = wb.add_format({**f_base, "border": 1, "num_format": "0"})
        coef_f = wb.add_format({**f_base, "border": 1, "num_format": "0.00"})
        money_f = wb.add_format({**f_base, "border": 1, "num_format": "#,##0"})
        plain_c = wb.add_format({**f_base, "align": "center"})

        ws = wb.add_worksheet("Danh sách")
        width = len(columns) + len(RATING_YEARS) - 1
        upper, body, title, attached = _title_lines(unit)
        left_end = 4
        ws.merge_range(0, 0, 0, left_end, upper, plain_c)
        ws.merge_range(1, 0, 1, left_end, body, bold_c)
        ws.merge_range(0, left_end + 3, 0, width - 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold_c)
        ws.merge_range(1, left_end + 3, 1, width - 1, "Độc lập - Tự do - Hạnh phúc", bold_c)
        ws.merge_range(3, 0, 3, width - 1, title, bold_c)
        ws.merge_range(
            4, 0, 4, width - 1, attached.format(n=rng.randint(40, 420), d=rng.randint(10, 25)), ital_c
        )

        top = 6
        col = 0
        positions: dict[str, int] = {}
        for canonical, variant, kind in columns:
            label = variant if style.variant_headers else canonical
            if kind == "ratings":
                ws.merge_range(top, col, top, col + len(RATING_YEARS) - 1, label, head)
                for i, year in enumerate(RATING_YEARS):
                    ws.write_string(top + 1, col + i, str(year), head)
                positions[kind] = col
                col += len(RATING_YEARS)
            else:
                ws.merge_range(top, col, top + 1, col, label, head)
                positions[kind] = col
                col += 1
        ws.set_row(top, 30)
        widths = {
            "stt": 5,
            "id": 15,
            "name": 24,
            "title": 34,
            "field": 22,
            "home": 18,
            "preferences": 24,
            "note": 24,
            "category": 14,
        }
        for kind, c in positions.items():
            ws.set_column(c, c + (len(RATING_YEARS) - 1 if kind == "ratings" else 0), widths.get(kind, 12))
        ws.freeze_panes(top + 2, 3)

        def put_date(r: int, c: int, value: date | None) -> None:
            if value is None:
                ws.write_blank(r, c, None, cell_c)
            elif style.excel_dates:
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), date_f)  # noqa: DTZ001
            else:
                ws.write_string(r, c, value.strftime("%d/%m/%Y"), cell_c)

        def commune_label(code: str) -> str:
            return code if style.home_as_code else communes.get(code, code)

        row = top + 2
        for i, p in enumerate(people, start=1):
            values: dict[str, Any] = {
                "stt": i,
                "name": _text(p.name, style),
                "gender": "Nữ" if p.gender == "F" else "Nam",
                "ethnicity": p.ethnicity,
                "home": commune_label(p.home_commune),
                "category": CATEGORY_LABELS[p.category],
                "title": _text(p.current_title, style),
                "education": EDUCATION_LABELS[p.education],
                "field": p.field_label,
                "political": POLITICAL_LABELS[p.political_theory],
                "state": STATE_LABELS[p.state_management] or ("Cán sự" if rng.random() < 0.2 else ""),
                "planned": "; ".join(p.planned_labels),
                "discipline": p.discipline,
                "preferences": "; ".join(commune_label(c) for c in p.preferences),
                "note": p.note,
            }
            if p.political_theory == "cao_cap" and rng.random() < 0.2:
                values["political"] = "Cử nhân"
            if style.stray_spaces and rng.random() < 0.15:
                values["name"] = (
                    values["name"] + " " if rng.random() < 0.5 else values["name"].replace(" ", "  ", 1)
                )
            for kind, c in positions.items():
                if kind in ("birth_date", "start", "until", "retirement"):
                    value = {
                        "birth_date": p.birth_date,
                        "start": p.service_start,
                        "until": p.disciplined_until,
                        "retirement": p.retirement_date,
                    }[kind]
                    put_date(row, c, value)
                elif kind == "id":
                    if style.cccd_numbers:
                        ws.write_number(row, c, int(p.id), num_f)
                    else:
                        ws.write_string(row, c, p.id, cell)
                elif kind == "party":
                    if not p.party_member:
                        ws.write_blank(row, c, None, cell_c)
                    elif style.party_style == "date" and p.party_since:
                        put_date(row, c, p.party_since)
                    else:
                        ws.write_string(row, c, "x" if style.party_style == "x" else "Đảng viên", cell_c)
                elif kind == "ratings":
                    for j, year in enumerate(RATING_YEARS):
                        rating = p.ratings.get(year)
                        text = (
                            (RATING_SHORT if style.short_ratings else RATING_LABELS)[rating] if rating else ""
                        )
                        ws.write_string(row, c + j, text, cell) if text else ws.write_blank(
                            row, c + j, None, cell
                        )
                elif kind in PAY_KINDS:
                    number = getattr(p, PAY_KINDS[kind])
                    if number is None or (kind != "salary" and not number and kind != "insurance"):
                        ws.write_blank(row, c, None, cell)
                    elif isinstance(number, int):
                        ws.write_number(row, c, number, money_f)
                    else:
                        ws.write_number(row, c, number, coef_f)
                elif kind == "stt":
                    ws.write_number(row, c, values["stt"], cell_c)
                else:
                    text = values[kind]
                    ws.write_string(row, c, text, cell) if text else ws.write_blank(row, c, None, cell)
            row += 1

        # the signature block, as printed at the bottom of the list; the place and date share the
        # row of "Người lập biểu", as on many printed forms
        place = unit.district.removeprefix("Thành phố ").removeprefix("Huyện ")
        row += 1
        right = max(width - 5, 6)
        ws.merge_range(row, 1, row, 3, "Người lập biểu", bold_c)
        ws.merge_range(
            row, right, row, width - 1, f"{place}, ngày {rng.randint(15, 28)} tháng 6 năm 2025", ital_c
        )
        row += 1
        ws.merge_range(row, 1, row, 3, "(Ký, ghi rõ họ tên)", ital_c)
        ws.merge_range(row, right, row, width - 1, "THỦ TRƯỞNG ĐƠN VỊ", bold_c)
        row += 1
        ws.merge_range(row, right, row, width - 1, "(Ký tên, đóng dấu)", ital_c)
        row += 4
        clerk = next(
            (p for p in people if "Văn phòng" in p.current_title or "văn thư" in p.current_title.lower()),
            people[-1],
        )
        boss = next((p for p in people if "Chủ tịch UBND" in p.current_title), people[0])
        ws.merge_range(row, 1, row, 3, clerk.name, bold_c)
        ws.merge_range(row, right, row, width - 1, boss.name, bold_c)

        if relations:
            rs = wb.add_worksheet("Quan hệ gia đình")
            headers = (
                "STT",
                "Số CCCD",
                "Họ và tên",
                "Số CCCD người thân",
                "Họ tên người thân",
                "Quan hệ",
                "Ghi chú",
            )
            rs.write_row(0, 0, headers, head)
            rs.set_column(0, 0, 5)
            rs.set_column(1, 6, 22)
            for i, rel in enumerate(relations, start=1):
                rs.write_number(i, 0, i, cell_c)
                rs.write_string(i, 1, rel.a, cell)
                rs.write_string(i, 2, names[rel.a], cell)
                rs.write_string(i, 3, rel.b, cell)
                rs.write_string(i, 4, names[rel.b], cell)
                rs.write_string(i, 5, rel.label, cell)
                rs.write_string(i, 6, "", cell)
    finally:
        wb.close()
    return path


def generate_rosters(
    merger_map_path: Path | str, out_dir: Path | str, seed: int = DEFAULT_SEED
) -> list[Path]:
    """Write one roster .xlsx per old unit of the merger map into out_dir; same seed, same files."""
    roster = build_roster_set(merger_map_path, seed)
    return write_roster_set(roster, out_dir, seed)


def write_roster_set(roster: RosterSet, out_dir: Path | str, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write every unit's roster of a generated set."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = {p.id: p.name for people in roster.people.values() for p in people}
    unit_of = {p.id: code for code, people in roster.people.items() for p in people}
    rel_by_unit: dict[str, list[Relation]] = defaultdict(list)
    for rel in roster.relations:
        rel_by_unit[unit_of[rel.a]].append(rel)
    paths = []
    for unit in roster.units:
        path = out / unit.file_name
        write_roster(
            path, unit, roster.people[unit.code], rel_by_unit.get(unit.code, []), names, roster.communes, seed
        )
        paths.append(path)
    logger.info("wrote %d rosters (%d people) to %s", len(paths), roster.total, out)
    return paths
