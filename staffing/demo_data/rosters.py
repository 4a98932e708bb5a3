"""Seeded synthetic rosters for the demo province, written as offices keep them.

One .xlsx per old unit of the merger map: every old commune (18-26 people) and every
district agency (80-110 people), in the layout of docs/import-formats.md section 1, with
the title rows, two-row header, signature block and small quirks of real files (dates as
text in some files and as Excel dates in others, CCCD as numbers that lost their leading
zero, a stray space, decomposed Unicode, header spellings). The people are invented; their
attribute distributions follow ../shared/spec/sample-problem.json.

    files.generate_rosters(merger_map_path, out_dir, seed=20250701) -> list[Path]

`build_roster_set` gives the same people without writing anything (tests, quotas).
"""

# ruff: noqa: S311 (seeded demo data, not cryptography)
from __future__ import annotations

import logging
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from openpyxl import load_workbook

from staffing.demo_data.tables import (
    AS_OF,
    BASE_RATING,
    DEFAULT_SEED,
    DISTRICT_DEPARTMENTS,
    EDUCATION_BY_PROFILE,
    ETHNICITY_BY_DISTRICT,
    ETHNICITY_DEFAULT,
    FIELD_LABELS,
    FIELDS_BY_FAMILY,
    GIVEN_F,
    GIVEN_M,
    MIDDLE_F,
    MIDDLE_M,
    MONG_GIVEN_F,
    MONG_GIVEN_M,
    PART_TIME_ALLOWANCES,
    PLANNED_LABELS,
    POLITICAL_BY_PROFILE,
    POSITION_ALLOWANCE,
    PROVINCE_CCCD,
    RATING_ORDER,
    SALARY_SCALES,
    STATE_BY_PROFILE,
    SURNAMES,
)

logger = logging.getLogger(__name__)


def ascii_name(text: str) -> str:
    """'Xã Bắc Xa' -> 'Xa Bac Xa' (file names)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9 .-]", "", text).strip()


# --- data classes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """An old unit that sends a roster."""

    code: str
    name: str
    kind: str  # old_commune | district_agency
    district: str
    district_code: str
    feeds: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return f"{self.code} - {ascii_name(self.name)}.xlsx"


@dataclass
class Person:
    """One generated person, in exchange-format codes (labels are chosen when writing)."""

    id: str
    name: str
    birth_date: date
    gender: str
    ethnicity: str
    unit: str
    home_commune: str
    category: str
    current_title: str
    job_family: str | None
    education: str
    field: str | None
    field_label: str
    political_theory: str
    state_management: str
    party_member: bool
    party_since: date | None
    service_start: date
    ratings: dict[int, str]
    planned_for: tuple[str, ...] = ()
    planned_labels: tuple[str, ...] = ()
    discipline: str = ""
    disciplined_until: date | None = None
    preferences: tuple[str, ...] = ()
    retirement_date: date | None = None
    note: str = ""
    # pay data (issue 14); None where the office left the cell blank
    salary_coefficient: float | None = None
    position_allowance: float | None = None
    seniority_pct: float | None = None
    other_allowances: int | None = None
    insurance_years: float | None = None
    part_time_allowance: int | None = None


@dataclass(frozen=True)
class Relation:
    """A family link listed on the 'Quan hệ gia đình' sheet of `a`'s roster."""

    a: str
    b: str
    label: str  # Vợ, Chồng, Anh, Chị, Em
    kind: str  # spouse | sibling


@dataclass
class RosterSet:
    """Every unit's people, the family links and the one intentional duplicate."""

    province_code: str
    units: list[Unit]
    communes: dict[str, str]  # new code -> name
    people: dict[str, list[Person]]  # unit code -> people, in roster order
    relations: list[Relation] = field(default_factory=list)
    duplicate_id: str = ""  # CCCD listed in two rosters (a transfer)
    duplicate_units: tuple[str, str] = ("", "")

    def unit_sizes(self) -> dict[str, int]:
        return {code: len(people) for code, people in self.people.items()}

    @property
    def total(self) -> int:
        return sum(len(p) for p in self.people.values())


# --- roles --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    title: str
    category: str
    family: str | None  # job family the title implies
    profile: str  # key | head | deputy | staff | mass | part | contract
    fields: str  # key of FIELDS_BY_FAMILY
    female: float = 0.4  # probability of a woman
    age: tuple[int, int] = (26, 58)
    party: float = 0.9


def _commune_roles(unit: Unit, rng: random.Random) -> list[Role]:
    """The posts of an old commune's roster (Decree 33/2023 titles)."""
    ward = unit.name.startswith(("Phường", "Thị trấn"))
    land = "Công chức Địa chính - Xây dựng - " + (
        "Đô thị và Môi trường" if ward else "Nông nghiệp và Môi trường"
    )
    roles = [
        Role("Bí thư Đảng ủy", "can_bo", "dang", "key", "dang", 0.2, (35, 58), 1.0),
        Role("Phó Bí thư Thường trực Đảng ủy", "can_bo", "dang", "key", "dang", 0.3, (33, 58), 1.0),
        Role("Chủ tịch HĐND", "can_bo", "hdnd", "key", "hdnd", 0.3, (35, 58), 1.0),
        Role("Phó Chủ tịch HĐND", "can_bo", "hdnd", "key", "hdnd", 0.4, (30, 57), 1.0),
        Role("Chủ tịch UBND", "can_bo", "chinh_quyen", "key", "chinh_quyen", 0.15, (33, 57), 1.0),
        Role("Phó Chủ tịch UBND", "can_bo", "chinh_quyen", "key", "chinh_quyen", 0.3, (30, 57), 1.0),
        Role("Chủ tịch Ủy ban MTTQ", "can_bo", "mttq", "mass", "mttq", 0.35, (35, 59), 1.0),
        Role(
            "Bí thư Đoàn TNCS Hồ Chí Minh",
            "can_bo",
            "doan_thanh_nien",
            "mass",
            "doan_thanh_nien",
            0.4,
            (24, 33),
            0.95,
        ),
        Role("Chủ tịch Hội Liên hiệp Phụ nữ", "can_bo", "phu_nu", "mass", "phu_nu", 1.0, (28, 55), 0.98),
        Role("Chủ tịch Hội Nông dân", "can_bo", "nong_dan", "mass", "nong_dan", 0.2, (32, 59), 0.98),
        Role(
            "Chủ tịch Hội Cựu chiến binh",
            "can_bo",
            "cuu_chien_binh",
            "mass",
            "cuu_chien_binh",
            0.0,
            (45, 61),
            1.0,
        ),
        Role(
            "Chỉ huy trưởng Ban Chỉ huy Quân sự",
            "cong_chuc",
            "quan_su",
            "staff",
            "quan_su",
            0.0,
            (27, 52),
            1.0,
        ),
    ]
    if rng.random() < 0.4:
        roles.insert(6, roles[5])  # a second Vice Chairman
    staff = [
        ("Công chức Văn phòng - Thống kê", "van_phong", "van_phong", 0.6, 0.4),
        (land, "dia_chinh", "dia_chinh", 0.3, 0.4),
        ("Công chức Tài chính - Kế toán", "tai_chinh", "tai_chinh", 0.7, 0.25),
        ("Công chức Tư pháp - Hộ tịch", "tu_phap", "tu_phap", 0.5, 0.25),
        ("Công chức Văn hóa - Xã hội", "van_hoa", "van_hoa", 0.5, 0.0),
        ("Công chức Văn hóa - Xã hội", "van_hoa", "xa_hoi", 0.6, 0.85),
    ]
    for title, family, fields, female, p_second in staff:
        for _ in range(1 + (rng.random() < p_second)):
            roles.append(Role(title, "cong_chuc", family, "staff", fields, female, (24, 58), 0.82))
    part = [
        ("Phó Chỉ huy trưởng Quân sự (không chuyên trách)", "quan_su", "quan_su", 0.0, (0.45, 0.25)),
        ("Phó Chủ tịch Ủy ban MTTQ (không chuyên trách)", "mttq", "mttq", 0.4, (0.35, 0.0)),
        ("Phó Chủ tịch Hội Nông dân (không chuyên trách)", "nong_dan", "nong_dan", 0.3, (0.15, 0.0)),
    ]
    for title, family, fields, female, (p1, p2) in part:
        n = (rng.random() < p1) + (rng.random() < p2)
        roles += [Role(title, "khong_chuyen_trach", family, "part", fields, female, (25, 60), 0.7)] * n
    if rng.random() < 0.35:
        roles.append(
            Role(
                "Văn thư - Thủ quỹ (hợp đồng)",
                "hop_dong",
                "van_phong",
                "contract",
                "support",
                0.8,
                (24, 50),
                0.3,
            )
        )
    if rng.random() < 0.12:
        roles.append(
            Role("Nhân viên bảo vệ (hợp đồng)", "hop_dong", None, "contract", "support", 0.0, (30, 59), 0.2)
        )
    return roles


def _district_roles(unit: Unit, rng: random.Random) -> list[Role]:
    """The posts of a district's agencies (Party bodies, People's Committee divisions, mass organisations)."""
    city = unit.district.startswith("Thành phố")
    place = unit.district.removeprefix("Thành phố ").removeprefix("Huyện ")
    h = "thành phố" if city else "huyện"
    hu = "Thành ủy" if city else "Huyện ủy"
    hd = "Thành đoàn" if city else "Huyện đoàn"
    roles = [
        Role(f"Bí thư {hu} {place}", "can_bo", "dang", "key", "dang", 0.15, (42, 58), 1.0),
        Role(f"Phó Bí thư Thường trực {hu} {place}", "can_bo", "dang", "key", "dang", 0.25, (40, 58), 1.0),
        Role(f"Chủ tịch HĐND {h} {place}", "can_bo", "hdnd", "key", "hdnd", 0.25, (40, 58), 1.0),
        Role(f"Phó Chủ tịch HĐND {h} {place}", "can_bo", "hdnd", "key", "hdnd", 0.35, (36, 57), 1.0),
        Role(
            f"Phó Bí thư {hu}, Chủ tịch UBND {h} {place}",
            "can_bo",
            "chinh_quyen",
            "key",
            "chinh_quyen",
            0.15,
            (40, 57),
            1.0,
        ),
        Role(f"Chủ tịch Ủy ban MTTQ {h} {place}", "can_bo", "mttq", "key", "mttq", 0.35, (40, 59), 1.0),
    ]
    roles += [
        Role(
            f"Phó Chủ tịch UBND {h} {place}",
            "can_bo",
            "chinh_quyen",
            "key",
            "chinh_quyen",
            0.3,
            (36, 57),
            1.0,
        )
    ] * rng.randint(2, 3)
    for dept, head, deputy, staff, family, fields, deps, staffs, category in DISTRICT_DEPARTMENTS:
        fmt = {"h": h, "hu": hu}
        del dept
        roles.append(Role(head.format(**fmt), category, family, "head", fields, 0.3, (35, 58), 1.0))
        roles += [
            Role(deputy.format(**fmt), category, family, "deputy", fields, 0.4, (32, 58), 0.97)
        ] * rng.randint(*deps)
        roles += [
            Role(staff.format(**fmt), category, family, "staff", fields, 0.5, (24, 56), 0.8)
        ] * rng.randint(*staffs)
    mass = (
        (
            f"Phó Chủ tịch Ủy ban MTTQ {h}",
            f"Chuyên viên Ủy ban MTTQ {h}",
            "mttq",
            "mttq",
            0.4,
            (1, 2),
            (1, 2),
        ),
        (f"Bí thư {hd}", f"Phó Bí thư {hd}", "doan_thanh_nien", "doan_thanh_nien", 0.4, (1, 1), (1, 1)),
        (
            f"Chủ tịch Hội Liên hiệp Phụ nữ {h}",
            f"Phó Chủ tịch Hội Liên hiệp Phụ nữ {h}",
            "phu_nu",
            "phu_nu",
            1.0,
            (1, 1),
            (1, 1),
        ),
        (
            f"Chủ tịch Hội Nông dân {h}",
            f"Phó Chủ tịch Hội Nông dân {h}",
            "nong_dan",
            "nong_dan",
            0.3,
            (1, 1),
            (0, 1),
        ),
        (
            f"Chủ tịch Hội Cựu chiến binh {h}",
            f"Phó Chủ tịch Hội Cựu chiến binh {h}",
            "cuu_chien_binh",
            "cuu_chien_binh",
            0.0,
            (1, 1),
            (0, 1),
        ),
    )
    for first, second, family, fields, female, n1, n2 in mass:
        youth = family == "doan_thanh_nien"
        vets = family == "cuu_chien_binh"
        age = (26, 35) if youth else (45, 61) if vets else (30, 58)
        cat = "can_bo" if first.startswith(("Chủ tịch", "Bí thư")) else "cong_chuc"
        roles += [Role(first, cat, family, "mass", fields, female, age, 1.0)] * rng.randint(*n1)
        roles += [Role(second, "cong_chuc", family, "deputy", fields, female, age, 0.95)] * rng.randint(*n2)
    support = (
        ("Lái xe (hợp đồng)", None, 0.0, (1, 3)),
        ("Nhân viên văn thư (hợp đồng)", "van_phong", 0.8, (0, 1)),
        ("Nhân viên phục vụ (hợp đồng)", None, 0.9, (0, 1)),
    )
    for title, support_family, female, n in support:
        roles += [
            Role(title, "hop_dong", support_family, "contract", "support", female, (24, 58), 0.2)
        ] * rng.randint(*n)
    return roles


# --- attribute draws ----------------------------------------------------------------------------


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def retirement_date(birth: date, gender: str) -> date:
    """Statutory retirement under the 2019 Labour Code roadmap (first day of the next month)."""
    for year in range(birth.year + 55, birth.year + 64):
        if gender == "M":
            months = 60 * 12 + 3 + 3 * max(0, min(year, 2028) - 2021)
        else:
            months = 55 * 12 + 4 + 4 * max(0, min(year, 2035) - 2021)
        total = birth.year * 12 + birth.month - 1 + months
        if total // 12 == year:
            y2, m2 = divmod(total + 1, 12)
            return date(y2, m2 + 1, 1)
    raise ValueError(birth)  # pragma: no cover


def _birth_date(rng: random.Random, lo: int, hi: int, gender: str) -> date:
    for _ in range(50):
        age = rng.uniform(lo, hi + 1)
        birth = AS_OF - timedelta(days=int(age * 365.25))
        if retirement_date(birth, gender) > AS_OF + timedelta(days=31):
            return birth
    return AS_OF - timedelta(days=int(lo * 365.25))


def _name(rng: random.Random, ethnicity: str, gender: str) -> str:
    surname = _pick(rng, SURNAMES[ethnicity])
    if ethnicity == "Mông":
        middle = "Thị" if gender == "F" else rng.choice(("A", "Văn", "Seo"))
        given = rng.choice(MONG_GIVEN_F if gender == "F" else MONG_GIVEN_M)
    else:
        middle = _pick(rng, MIDDLE_F if gender == "F" else MIDDLE_M)
        given = rng.choice(GIVEN_F if gender == "F" else GIVEN_M)
        if middle.endswith(given):
            middle = "Thị" if gender == "F" else "Văn"
    return f"{surname} {middle} {given}"


def _cccd(rng: random.Random, birth: date, gender: str) -> str:
    century = 0 if birth.year < 2000 else 2
    digit = century + (1 if gender == "F" else 0)
    return f"{PROVINCE_CCCD}{digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"


def _ratings(rng: random.Random, start: date, base: str) -> dict[int, str]:
    out: dict[int, str] = {}
    i = RATING_ORDER.index(base)
    for year in (2022, 2023, 2024):
        if start > date(year, 9, 30):
            continue
        step = rng.choices((-1, 0, 1), weights=(12, 76, 12))[0]
        out[year] = RATING_ORDER[max(0, min(3, i + step))]
    return out


def _make_person(
    rng: random.Random,
    role: Role,
    unit: Unit,
    district_communes: list[str],
    seat: str,
    ethnicities: Mapping[str, float],
) -> Person:
    gender = "F" if rng.random() < role.female else "M"
    ethnicity = _pick(rng, ethnicities)
    lo, hi = role.age
    if rng.random() < 0.05 and role.profile not in ("contract",):  # close to retirement
        lo, hi = (58, 61) if gender == "M" else (54, 56)
    hi = min(hi, 61 if gender == "M" else 56)
    lo = min(lo, hi)
    birth = _birth_date(rng, lo, hi, gender)
    profile = role.profile
    education = _pick(rng, EDUCATION_BY_PROFILE[profile])
    if role.family == "quan_su" and education == "none":
        education = "trung_cap"
    field_code: str | None = _pick(rng, FIELDS_BY_FAMILY[role.fields]) if education != "none" else None
    field_label = rng.choice(FIELD_LABELS[field_code]) if field_code else ""
    political = _pick(rng, POLITICAL_BY_PROFILE[profile])
    state = _pick(rng, STATE_BY_PROFILE[profile])
    first_job_age = rng.uniform(21.5, 27 if education != "none" else 24)
    start = birth + timedelta(days=int(first_job_age * 365.25))
    start = date(start.year, start.month, 1)
    if start > date(2025, 5, 1):
        start = date(2025, rng.randint(1, 5), 1)
    if profile in ("key", "head") and start > date(2019, 1, 1):
        start = date(2019 - rng.randint(0, 8), rng.randint(1, 12), 1)
    party = rng.random() < role.party
    party_since = None
    if party:
        earliest = max(start, birth + timedelta(days=int(19 * 365.25)))
        party_since = earliest + timedelta(days=rng.randint(200, 2500))
        if party_since > AS_OF - timedelta(days=60):
            party_since = AS_OF - timedelta(days=rng.randint(60, 400))
    base = _pick(rng, BASE_RATING)
    if profile in ("key", "head") and base == "khong_hoan_thanh":
        base = "hoan_thanh"
    ratings = _ratings(rng, start, base)

    discipline, until = "", None
    if rng.random() < 0.014 and profile != "contract":
        discipline = "Khiển trách" if rng.random() < 0.7 else "Cảnh cáo"
        if rng.random() < 0.6:
            until = date(2025, 7, 1) + timedelta(days=rng.randint(30, 330))
        else:
            until = date(2024, 1, 1) + timedelta(days=rng.randint(60, 500))
        until = date(until.year, until.month, 1)
        year = until.year - 1
        if year in ratings:
            ratings[year] = "khong_hoan_thanh"

    planned: tuple[str, ...] = ()
    age = (AS_OF - birth).days / 365.25
    if not discipline and age < 52:
        r = rng.random()
        if profile in ("key", "head") and r < 0.45:
            planned = ("key",)
        elif profile in ("deputy", "mass") and r < 0.4:
            planned = ("head",)
        elif profile == "staff" and r < 0.2:
            planned = ("head",) if rng.random() < 0.35 else ("deputy",)
    planned_labels = tuple(rng.choice(PLANNED_LABELS[level]) for level in planned)

    # where they live: mostly in a commune their unit feeds; district staff around the old seat
    if unit.kind == "old_commune":
        home = rng.choice(unit.feeds) if rng.random() < 0.85 else rng.choice(district_communes)
    else:
        home = seat if rng.random() < 0.4 else rng.choice(district_communes)
    preferences: tuple[str, ...] = ()
    if rng.random() < 0.5:
        pool = list(dict.fromkeys([home, *unit.feeds]))
        rng.shuffle(pool)
        if home in pool and rng.random() < 0.7:
            pool.remove(home)
            pool.insert(0, home)
        preferences = tuple(pool[: rng.choice((1, 1, 2, 2, 3))])

    person = Person(
        id=_cccd(rng, birth, gender),
        name=_name(rng, ethnicity, gender),
        birth_date=birth,
        gender=gender,
        ethnicity=ethnicity,
        unit=unit.code,
        home_commune=home,
        category=role.category,
        current_title=role.title,
        job_family=role.family,
        education=education,
        field=field_code,
        field_label=field_label,
        political_theory=political,
        state_management=state,
        party_member=party,
        party_since=party_since,
        service_start=start,
        ratings=ratings,
        planned_for=planned,
        planned_labels=planned_labels,
        discipline=discipline,
        disciplined_until=until,
        preferences=preferences,
    )
    _add_pay(person, role.profile, unit.kind == "district_agency")
    return person


def _add_pay(person: Person, profile: str, district: bool) -> None:
    """Plausible pay data from rank, years of service and post, drawn from its own seeded stream so the
    other attributes (and the plan the demo solves) do not change."""
    rng = random.Random(f"pay/{person.id}")
    years = max((AS_OF - person.service_start).days / 365.25, 0.0)
    if person.category == "khong_chuyen_trach":
        person.part_time_allowance = rng.choice(PART_TIME_ALLOWANCES)
        person.insurance_years = round(years, 2) if rng.random() < 0.7 else None
        return
    rank = (
        "A2.1"
        if person.state_management in ("chuyen_vien_chinh", "chuyen_vien_cao_cap")
        else "A1"
        if person.education in ("dai_hoc", "thac_si", "tien_si")
        else "A0"
        if person.education == "cao_dang"
        else "B"
    )
    first, step_size, steps = SALARY_SCALES[rank]
    step = min(1 + int(years // (3 if rank != "B" else 2)), steps)
    person.salary_coefficient = round(first + step_size * (step - 1), 2)
    at_top = int(years // 3) + 1 - steps
    person.seniority_pct = float(min(5 + at_top - 1, 20)) if step == steps and at_top >= 1 else 0.0
    person.position_allowance = POSITION_ALLOWANCE.get((profile, district), 0.0)
    if person.category in ("can_bo", "cong_chuc"):  # public-service allowance, 25 % (Decree 34/2012)
        monthly = (person.salary_coefficient + person.position_allowance) * 2_340_000 * 0.25
        person.other_allowances = int(round(monthly, -3))
    else:
        person.other_allowances = 0
    person.insurance_years = round(max(years - rng.choice((0, 0, 0, 0.5, 1)), 0.0), 2)
    if rng.random() < 0.02:  # an office that left the pay cells blank for someone
        person.salary_coefficient = None
        person.insurance_years = None


# --- the set ------------------------------------------------------------------------------------


def read_units(merger_map_path: Path | str) -> tuple[list[Unit], dict[str, str]]:
    """The old units and new communes of a merger map written by `imports.public_map`."""
    wb = load_workbook(merger_map_path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = [
            tuple("" if v is None else str(v).strip() for v in row) for row in ws.iter_rows(values_only=True)
        ]
    finally:
        wb.close()
    header_at = next(i for i, r in enumerate(rows) if "Mã xã mới" in r and "Mã đơn vị cũ" in r)
    col = {name: i for i, name in enumerate(rows[header_at])}
    feeds: dict[str, list[str]] = defaultdict(list)
    info: dict[str, tuple[str, str, str]] = {}
    communes: dict[str, str] = {}
    for r in rows[header_at + 1 :]:
        if not r or not r[col["Mã đơn vị cũ"]]:
            continue
        new_code, old_code = r[col["Mã xã mới"]], r[col["Mã đơn vị cũ"]]
        communes[new_code] = r[col["Tên xã mới"]]
        kind = "district_agency" if old_code.startswith("H") else "old_commune"
        info[old_code] = (r[col["Tên đơn vị cũ"]], r[col["Huyện cũ"]], kind)
        if new_code not in feeds[old_code]:
            feeds[old_code].append(new_code)
    district_codes = {name: code[1:] for code, (_, name, kind) in info.items() if kind == "district_agency"}
    units = [
        Unit(code, name, kind, district, district_codes.get(district, ""), tuple(sorted(feeds[code])))
        for code, (name, district, kind) in info.items()
    ]
    units.sort(key=lambda u: (u.district_code, u.kind == "district_agency", u.code))
    return units, dict(sorted(communes.items()))


def build_roster_set(merger_map_path: Path | str, seed: int = DEFAULT_SEED) -> RosterSet:
    """Every unit's people, drawn from a seeded generator (same seed, same people)."""
    units, communes = read_units(merger_map_path)
    by_district: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        by_district[unit.district].append(unit)
    people: dict[str, list[Person]] = {}
    for unit in units:
        rng = random.Random(f"{seed}/{unit.code}")
        siblings = by_district[unit.district]
        district_communes = sorted({c for u in siblings for c in u.feeds})
        town = next((u for u in siblings if u.name.startswith("Thị trấn")), None)
        seat = town.feeds[0] if town else district_communes[0]
        ethnicities = ETHNICITY_BY_DISTRICT.get(unit.district, ETHNICITY_DEFAULT)
        if unit.kind == "old_commune":
            roles = _commune_roles(unit, rng)
            while len(roles) > 26:
                roles.pop()
        else:
            roles = _district_roles(unit, rng)
        people[unit.code] = [
            _make_person(rng, role, unit, district_communes, seat, ethnicities) for role in roles
        ]

    roster = RosterSet(PROVINCE_CCCD[1:], units, communes, people)
    _make_unique(roster, seed)
    _add_relations(roster, seed, by_district)
    _add_duplicate(roster, seed, by_district)
    _add_retirement_overrides(roster, seed)
    return roster


def _make_unique(roster: RosterSet, seed: int) -> None:
    """Redraw any CCCD (or given name, for a name + birth date pair) that collides with an earlier one."""
    rng = random.Random(f"{seed}/unique")
    ids: set[str] = set()
    names: set[tuple[str, date]] = set()
    for unit in roster.units:
        for person in roster.people[unit.code]:
            while person.id in ids:
                person.id = _cccd(rng, person.birth_date, person.gender)
            while (person.name, person.birth_date) in names:  # another given name, same person otherwise
                given = GIVEN_F if person.gender == "F" else GIVEN_M
                person.name = person.name.rsplit(" ", 1)[0] + " " + rng.choice(given)
            ids.add(person.id)
            names.add((person.name, person.birth_date))


def _add_relations(roster: RosterSet, seed: int, by_district: dict[str, list[Unit]]) -> None:
    """A few spouse and sibling pairs per district, some across its units."""
    rng = random.Random(f"{seed}/relations")
    for district in sorted(by_district):
        pool = [p for u in by_district[district] for p in roster.people[u.code]]
        used: set[str] = set()
        wanted = max(2, len(by_district[district]) // 2)
        for _ in range(wanted * 20):
            if wanted <= 0:
                break
            a, b = rng.sample(pool, 2)
            if a.id in used or b.id in used:
                continue
            gap = abs((a.birth_date - b.birth_date).days) / 365.25
            if a.gender != b.gender and gap < 7 and rng.random() < 0.6:
                label = "Vợ" if a.gender == "M" else "Chồng"
                roster.relations.append(Relation(a.id, b.id, label, "spouse"))
            elif a.name.split()[0] == b.name.split()[0] and gap < 14:
                older = b.birth_date < a.birth_date
                label = ("Anh" if b.gender == "M" else "Chị") if older else "Em"
                roster.relations.append(Relation(a.id, b.id, label, "sibling"))
            else:
                continue
            used.update((a.id, b.id))
            wanted -= 1


def _add_duplicate(roster: RosterSet, seed: int, by_district: dict[str, list[Unit]]) -> None:
    """One civil servant transferred between two communes of a district, listed by both."""
    rng = random.Random(f"{seed}/duplicate")
    district = sorted(by_district)[len(by_district) // 2]
    communes = [u for u in by_district[district] if u.kind == "old_commune"]
    source, target = rng.sample(communes, 2)
    person = next(p for p in roster.people[source.code] if p.category == "cong_chuc" and not p.discipline)
    person.note = f"Đã điều động đến {target.name} từ 01/6/2025"
    copy = replace(person, unit=target.code, note=f"Điều động từ {source.name} từ 01/6/2025")
    roster.people[target.code].append(copy)
    roster.duplicate_id = person.id
    roster.duplicate_units = (source.code, target.code)


def _add_retirement_overrides(roster: RosterSet, seed: int) -> None:
    """A couple of people with an earlier retirement date (hard-area rules) than the statutory one."""
    rng = random.Random(f"{seed}/retirement")
    candidates = [
        p for u in roster.units for p in roster.people[u.code] if (AS_OF - p.birth_date).days > 50 * 365.25
    ]
    for person in rng.sample(candidates, min(3, len(candidates))):
        statutory = retirement_date(person.birth_date, person.gender)
        person.retirement_date = date(statutory.year - 2, statutory.month, 1)
        if person.retirement_date <= AS_OF:
            person.retirement_date = date(AS_OF.year + 1, AS_OF.month, 1)
