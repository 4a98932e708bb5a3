"""The validated records the readers return: plain frozen dataclasses, no database.

Field names follow the exchange format of ../shared/spec/problem-format.md so that
`staffing/` can turn a record into a problem item, and `--json` can print it, without
renaming anything.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, Literal, TypeVar

from exchange.fields import person_dict

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class RowError:
    """One problem in one cell (or row) of an input file, as a user can act on it."""

    file: str
    sheet: str
    row: int  # the row number as Excel shows it (1-based, title rows counted)
    column: str  # the header as written in the file ("" for a whole-row problem)
    value: str  # the offending value as text ("" when missing)
    message: str  # Vietnamese, says what was expected
    severity: Severity = "error"
    col: int = 0  # 1-based column index of the cell in the sheet, 0 when unknown or a whole row

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Provenance:
    """Where a record came from, kept with every stored value."""

    file: str
    sheet: str
    row: int


@dataclass(frozen=True)
class Rating:
    year: int
    value: str  # khong_hoan_thanh | hoan_thanh | tot | xuat_sac


@dataclass(frozen=True)
class PersonRecord:
    """One person of a roster, in the exchange format's field names."""

    id: str  # CCCD (12 digits) where known, else a stable id made by the reader
    name: str  # NFC, single spaces
    birth_date: date | None  # None: not given or not readable (the raw text is in `raw`, with a warning)
    gender: str | None  # M | F
    unit: str  # old unit code
    category: str | None  # can_bo | cong_chuc | vien_chuc | hop_dong | khong_chuyen_trach
    ethnicity: str | None = None
    home_commune: str | None = None  # NEW commune code
    current_title: str | None = None
    job_family: str | None = None
    education: str | None = None  # none | trung_cap | cao_dang | dai_hoc | thac_si | tien_si
    field: str | None = None  # field of study code, e.g. quan_ly_dat_dai
    political_theory: str | None = None  # none | so_cap | trung_cap | cao_cap
    state_management: str | None = None  # none | chuyen_vien | chuyen_vien_chinh | chuyen_vien_cao_cap
    party_member: bool = False
    service_start: date | None = None
    ratings: tuple[Rating, ...] = ()
    planned_for: tuple[str, ...] = ()  # key | head | deputy
    disciplined: bool = False
    disciplined_until: date | None = None
    preferences: tuple[str, ...] = ()  # NEW commune codes, most wanted first
    retirement_date: date | None = None
    rank: str | None = None  # civil-service rank code (mã ngạch), e.g. 01.003; see imports/data/ranks.csv
    cmnd: str | None = None  # legacy 9-digit identity card number (never mixed with the CCCD)
    block: str | None = None  # block of the old office: dang | hdnd | ubnd | mttq | su_nghiep | quan_su
    has_cccd: bool = True  # False when `id` was made by the reader
    # pay data (issue 14): not part of the solver's exchange format; read by imports/pay.py
    salary_coefficient: float | None = None
    position_allowance: float | None = None
    seniority_pct: float | None = None
    other_allowances: int | None = None  # VND a month
    insurance_years: float | None = None
    part_time_allowance: int | None = None  # VND a month, part-time workers
    source: Provenance | None = None
    # every non-empty cell of the row as written: (header, text); what a field could not hold stays here
    raw: tuple[tuple[str, str], ...] = ()
    # the warnings of this row: (header, value, message), shown beside the person in review screens
    notes: tuple[tuple[str, str, str], ...] = ()

    def to_problem_dict(self) -> dict[str, Any]:
        """The person as an item of the problem's `people` array (fields: exchange.fields)."""
        return person_dict(lambda name: getattr(self, name))


@dataclass(frozen=True)
class RelationRecord:
    """Two people related by family (for the conflict-of-interest rule)."""

    a: str
    b: str
    kind: str  # spouse | parent | child | sibling | in_law
    source: Provenance | None = None


@dataclass(frozen=True)
class MergerRow:
    """One link of the merger map: an old unit feeds a new commune."""

    new_code: str
    new_name: str
    new_kind: str  # xa | phuong | dac_khu
    old_code: str
    old_name: str
    old_district: str
    old_kind: str  # old_commune | district_agency
    partial: bool = False  # the old commune was split ("một phần")
    extra: bool = False  # feeds_extra: allowed across old district lines at a quality cost
    source: Provenance | None = None


@dataclass(frozen=True)
class RequirementRecord:
    """One predicate of the spec's requirement language."""

    attr: str | None  # None when `rule` is set
    op: str  # in | min | max | eq | rule
    value: Any  # list for `in`; str/float/bool otherwise; rule name for `rule`
    hard: bool

    def to_problem_dict(self) -> dict[str, Any]:
        if self.op == "rule":
            return {"rule": self.value, "hard": self.hard}
        return {"attr": self.attr, self.op: self.value, "hard": self.hard}


@dataclass(frozen=True)
class PositionRecord:
    """A seat kind of a framework; `applies_to` is a commune code or a kind (xa, phuong, dac_khu, all)."""

    applies_to: str
    code: str  # within the commune, e.g. "UBND/KT/1"; the position id is "<commune>/<code>"
    block: str  # dang | hdnd | ubnd | mttq | su_nghiep | quan_su
    department: str
    title: str
    level: str  # key | head | deputy | staff
    job_family: str | None
    min: int
    max: int
    requirements: tuple[RequirementRecord, ...] = ()
    source: Provenance | None = None


@dataclass(frozen=True)
class QuotaRecord:
    commune_code: str
    payroll_quota: int | None
    target_quota: int | None = None
    source: Provenance | None = None


@dataclass(frozen=True)
class CapRecord:
    """A shared ceiling over several positions of a commune (e.g. pooled deputies)."""

    applies_to: str
    name: str
    position_codes: tuple[str, ...]
    max: int
    source: Provenance | None = None


@dataclass(frozen=True)
class Framework:
    positions: tuple[PositionRecord, ...] = ()
    quotas: tuple[QuotaRecord, ...] = ()
    caps: tuple[CapRecord, ...] = ()


@dataclass(frozen=True)
class Duplicate:
    """A person who appears twice (same CCCD, or same name and birth date)."""

    row: int
    matches: tuple[int, ...]  # the rows of the earlier occurrences
    by: str  # cccd | name_birth_date
    file: str = ""  # the file of `row`
    match_files: tuple[str, ...] = ()  # the file of each of `matches` (same order)
    ids: tuple[str, ...] = ()  # the person id at `row`, then the ids at `matches`


R = TypeVar("R")


@dataclass(frozen=True)
class ImportResult(Generic[R]):
    """What a reader returns: the records it could read and every problem it saw."""

    file: str
    records: tuple[R, ...]
    errors: tuple[RowError, ...] = ()
    rows: int = 0  # data rows seen
    duplicates: tuple[Duplicate, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. relations read beside a roster

    @property
    def ok(self) -> bool:
        return not any(e.severity == "error" for e in self.errors)
