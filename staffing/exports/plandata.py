"""A plan as plain rows (records) that documents and workbooks are made from, and what follows from them.

The rows are read from the database by staffing/services/exports.py (`load_plan_data`); nothing here reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from solver.problem import statutory_retirement, years_between

from .text import in_sentence

# The values of models.PlanStatus.APPROVED and models.UnitKind.DISTRICT_AGENCY, spelled out so that rendering
# needs nothing of the database (tests/exports/test_export_decisions.py pins them to the model).
APPROVED = "approved"
DISTRICT_AGENCY = "district_agency"


@dataclass(frozen=True)
class CommuneRow:
    id: int
    code: str
    name: str
    kind: str
    payroll_quota: int | None


@dataclass(frozen=True)
class PositionRow:
    id: int
    code: str
    title: str
    level: str
    min_holders: int
    max_holders: int
    department_id: int
    department: str
    block: str
    commune_code: str
    allowance: float = 0.0  # position-allowance coefficient of the post (default by level, policy/exits.py)


@dataclass(frozen=True)
class PersonRow:
    id: int
    key: str
    name: str
    birth_date: date | None
    gender: str | None  # None: not readable in the roster (issue 11)
    category: str | None
    current_title: str
    unit_code: str
    unit_name: str
    unit_kind: str
    unit_district: str
    disciplined: bool
    retirement_date: date | None
    position_allowance: float | None = None  # the coefficient of the old post, from the roster


@dataclass(frozen=True)
class AssignmentRow:
    id: int
    person: PersonRow
    position: PositionRow | None
    source: str
    locked: bool
    gaps: tuple[dict[str, Any], ...]
    early_retirement: dict[str, Any] | None

    @property
    def seat(self) -> PositionRow:
        """The position of a placed person (PlanData.placed always has one)."""
        if self.position is None:
            raise ValueError(f"assignment {self.id} has no position")
        return self.position


@dataclass(frozen=True)
class PlanData:
    """A plan and what it refers to, in the order a reader expects (commune, department, seat, name)."""

    plan_id: int
    name: str
    status: str
    province_code: str
    province_name: str
    as_of: date
    communes: tuple[CommuneRow, ...]
    positions: tuple[PositionRow, ...]
    placed: tuple[AssignmentRow, ...]
    unplaced: tuple[AssignmentRow, ...]
    shortfalls: tuple[tuple[PositionRow, int], ...]

    @property
    def draft(self) -> bool:
        """Anything not approved is a draft (dự thảo)."""
        return self.status != APPROVED


def from_district(person: PersonRow) -> bool:
    """Whether the person comes from an agency of an abolished district."""
    return person.unit_kind == DISTRICT_AGENCY


def old_post(person: PersonRow) -> str:
    """ "[chức vụ cũ], [đơn vị cũ]": "Phó Trưởng phòng Nội vụ, Cơ quan cấp huyện Đình Lập"."""
    unit = in_sentence(person.unit_name)
    if person.unit_district and from_district(person) and person.unit_district.lower() not in unit.lower():
        unit = f"{unit} {in_sentence(person.unit_district)}"
    return f"{person.current_title}, {unit}" if person.current_title else unit


# ------------------------------------------------------------ early retirement (Decree 178/2024, 67/2025)

POLICIES = {
    "<2": "Nghỉ hưu trước tuổi (Nghị định 178/2024/NĐ-CP, sửa đổi bởi Nghị định 67/2025/NĐ-CP): còn dưới"
    " 2 năm đến tuổi nghỉ hưu, trợ cấp một lần cho số tháng nghỉ sớm",
    "2-5": "Nghỉ hưu trước tuổi (Nghị định 178/2024/NĐ-CP, sửa đổi bởi Nghị định 67/2025/NĐ-CP): còn từ 2 đến"
    " 5 năm, trợ cấp 1,0 × tiền lương × số tháng nghỉ sớm và 5 tháng lương cho mỗi năm nghỉ sớm",
    "5-10": "Nghỉ hưu trước tuổi (Nghị định 178/2024/NĐ-CP, sửa đổi bởi Nghị định 67/2025/NĐ-CP): còn trên 5"
    " đến 10 năm, trợ cấp 0,9 × tiền lương × 60 tháng và 4 tháng lương cho mỗi năm nghỉ sớm",
}
RESIGNATION = (
    "Thôi việc (Nghị định 178/2024/NĐ-CP, sửa đổi bởi Nghị định 67/2025/NĐ-CP): 0,8 × tiền lương"
    " × số tháng hưởng, 1,5 tháng lương cho mỗi năm đóng BHXH và 3 tháng tìm việc"
)
PART_TIME = "Người hoạt động không chuyên trách: chế độ theo Nghị định 154/2025/NĐ-CP"
NOT_COVERED = "Không thuộc đối tượng (đang bị kỷ luật hoặc xem xét kỷ luật)"


@dataclass(frozen=True)
class Policy:
    """What an unplaced person may take, and whether it came from the solver or was computed here."""

    eligible: bool
    band: str | None
    years_to_retirement: float | None
    retirement_date: date | None
    text: str
    computed: bool


def policy_of(row: AssignmentRow, as_of: date) -> Policy:
    """The exit policy of an unplaced person: the solver's band when stored, else from the birth date."""
    person = row.person
    retire = person.retirement_date
    if retire is None and person.birth_date is not None and person.gender in ("M", "F"):
        retire = statutory_retirement(person.birth_date, person.gender)
    er = row.early_retirement
    computed = er is None
    if er is None:
        years = years_between(as_of, retire) if retire else None
        band = _band(years)
        covered = not person.disciplined and person.category != "khong_chuyen_trach"
        er = {"eligible": band is not None and covered, "band": band, "years_to_retirement": years}
    band, years, eligible = er.get("band"), er.get("years_to_retirement"), bool(er.get("eligible"))
    if person.category == "khong_chuyen_trach":
        text = PART_TIME
    elif person.disciplined:
        text = NOT_COVERED
    elif eligible and band in POLICIES:
        text = POLICIES[band]
    else:
        text = RESIGNATION
    return Policy(eligible, band, years, retire, text, computed)


def _band(years: float | None) -> str | None:
    """The solver's bands: (0, 2), [2, 5], (5, 10]."""
    if years is None or years <= 0 or years > 10:
        return None
    if years < 2:
        return "<2"
    return "2-5" if years <= 5 else "5-10"
