"""Exit allowances for people the reorganisation does not appoint: pure functions, no Flask, no database.

Sources (texts as summarised in ../shared/DOMAIN.md §2 and §5):
- Decree 178/2024/NĐ-CP as amended by Decree 67/2025/NĐ-CP, Art. 7 (early retirement) and the
  resignation (thôi việc) article; Circular 01/2025/TT-BNV for the calculation details
  (monthly salary, rounding of odd months).
- Decree 154/2025/NĐ-CP for the commune part-time workers (người hoạt động không chuyên trách).
- Res. 76/2025/UBTVQH15: salary and position allowance kept for 6 months after a move to a lower post.

Every amount is computed in exact decimals and rounded to whole đồng once per line; the total is the
sum of the rounded lines, so a reader can add the annex up by hand. Each line carries its formula
written with the actual numbers.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# The statutory base salary (mức lương cơ sở) by the date it took effect, newest last.
BASE_SALARY_HISTORY: tuple[tuple[date, int], ...] = (
    (date(2019, 7, 1), 1_490_000),  # Decree 38/2019
    (date(2023, 7, 1), 1_800_000),  # Decree 24/2023
    (date(2024, 7, 1), 2_340_000),  # Decree 73/2024
)

# Minimum compulsory social-insurance years for a pension
# (Law on Social Insurance 2024 Art. 64, from 1/7/2025).
MIN_PENSION_YEARS = Decimal(15)
TRANSITION_YEARS = 5  # reach the staffing norm within five years of the restructuring decision
PAY_PROTECTION_MONTHS = 6  # Res. 76/2025/UBTVQH15
# The end of the current term (nhiệm kỳ 2021-2026 of the People's Councils and of the Party committees) as
# a dated setting: (term start, term end), newest last. 30/6/2026 is a DEFAULT TO CONFIRM by the province
# (the 2026-2031 People's Councils are elected in 2026; the Party term ends at each level's congress);
# override with term_end in the [general] table of decisions.toml.
TERM_HISTORY: tuple[tuple[date, date], ...] = ((date(2021, 7, 1), date(2026, 6, 30)),)

# The levels of a post, highest first (key = chủ chốt, head = cấp trưởng, deputy = cấp phó).
LEVEL_RANK: dict[str, int] = {"key": 3, "head": 2, "deputy": 1, "staff": 0}
# DEFAULT position-allowance coefficient (hệ số phụ cấp chức vụ lãnh đạo) of a post of the NEW commune by
# its level, used when the position itself carries none. The values are those of the old commune level
# (Decision 128-QĐ/TW and Decree 204/2004/NĐ-CP as applied to communes; the demo's pay tables,
# staffing/demo_data/tables.py POSITION_ALLOWANCE, use the same numbers): chủ chốt 0,30, cấp trưởng 0,25,
# cấp phó 0,20, no allowance for staff. TO CONFIRM by the province's Department of Home Affairs: the new
# communes' allowance table had not been issued when this was written; override per province with
# POSITION_ALLOWANCE_BY_LEVEL in the app config.
POSITION_ALLOWANCE_BY_LEVEL: dict[str, Decimal] = {
    "key": Decimal("0.30"),
    "head": Decimal("0.25"),
    "deputy": Decimal("0.20"),
    "staff": Decimal("0"),
}
# Decree 154/2025: part-time workers who stop from 1/8/2025 to before 31/5/2026.
PART_TIME_FROM = date(2025, 8, 1)
PART_TIME_BEFORE = date(2026, 5, 31)


class ExitPath(enum.StrEnum):
    EARLY_RETIREMENT = "early_retirement"
    RESIGNATION = "resignation"
    TRANSFER = "transfer"
    END_PART_TIME = "end_part_time"
    SURPLUS = "surplus"


PATH_LABELS: dict[ExitPath, str] = {
    ExitPath.EARLY_RETIREMENT: "Nghỉ hưu trước tuổi",
    ExitPath.RESIGNATION: "Thôi việc",
    ExitPath.TRANSFER: "Chuyển công tác ra ngoài hệ thống cấp xã",
    ExitPath.END_PART_TIME: "Chấm dứt hoạt động không chuyên trách",
    ExitPath.SURPLUS: "Dôi dư trong thời gian chuyển tiếp",
}

# Paths under Decree 178 (and their exclusions).
DECREE_178_PATHS = frozenset({ExitPath.EARLY_RETIREMENT, ExitPath.RESIGNATION})
PART_TIME = "khong_chuyen_trach"


def base_salary_on(day: date, history: Sequence[tuple[date, int]] = BASE_SALARY_HISTORY) -> int:
    """The base salary in force on `day` (the latest entry that took effect on or before it)."""
    amount = None
    for since, value in sorted(history):
        if since <= day:
            amount = value
    if amount is None:
        raise ValueError(f"no base salary in force on {day.isoformat()}")
    return amount


@dataclass(frozen=True)
class Pay:
    """A person's pay data; None where the roster did not say."""

    salary_coefficient: Decimal | None = None  # hệ số lương (ngạch, bậc)
    position_allowance: Decimal | None = None  # hệ số phụ cấp chức vụ lãnh đạo
    seniority_pct: Decimal | None = None  # % phụ cấp thâm niên vượt khung
    other_allowances: int | None = None  # other monthly allowances, VND
    insurance_years: Decimal | None = None  # years of compulsory social insurance
    part_time_allowance: int | None = None  # monthly allowance of a part-time worker, VND


@dataclass(frozen=True)
class ExitCase:
    """Everything the computation needs about one person and the path a reviewer picked."""

    path: ExitPath
    category: str  # can_bo | cong_chuc | vien_chuc | hop_dong | khong_chuyen_trach
    retirement_date: date | None  # statutory (Labour Code 2019 roadmap) or the person's own
    leave_date: date  # the day the person stops working
    decision_date: date  # the restructuring decision (month 1 of the 12 months at the full rate)
    pay: Pay = field(default_factory=Pay)
    service_start: date | None = None
    base_salary: int = 2_340_000
    disciplined: bool = False
    under_investigation: bool = False
    maternity: bool = False  # pregnant, on maternity leave, or raising a child under 36 months
    volunteers: bool = False  # the person asks to leave despite `maternity`


@dataclass(frozen=True)
class Line:
    """One allowance: what it is, the formula with the numbers, the amount in VND."""

    label: str
    formula: str
    amount: int


@dataclass(frozen=True)
class ExitResult:
    path: ExitPath
    eligible: bool
    reasons: tuple[str, ...] = ()  # Vietnamese: why not eligible, or notes on the computation
    missing: tuple[str, ...] = ()  # Vietnamese names of the inputs the amount needs but lacks
    lines: tuple[Line, ...] = ()
    band: str | None = None  # early retirement: <2 | 2-5 | 5-10
    monthly_salary: int | None = None  # the monthly amount the lines multiply
    surplus_until: int | None = None  # the last year of the transition for a surplus person

    @property
    def total(self) -> int | None:
        """The sum of the lines, or None when it cannot be computed (ineligible or data missing)."""
        if not self.eligible or self.missing:
            return None
        return sum(line.amount for line in self.lines)


# ---------------------------------------------------------------- arithmetic helpers


def vnd(value: Decimal) -> int:
    """Round to whole đồng, half up."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fmt_vnd(amount: int | Decimal) -> str:
    """12727260 -> '12.727.260' (Vietnamese thousands separator)."""
    return f"{vnd(Decimal(amount)):,}".replace(",", ".")


def fmt_num(value: Decimal | int) -> str:
    """4.98 -> '4,98'; 36 -> '36' (Vietnamese decimal comma, no trailing zeros)."""
    d = Decimal(value).normalize()
    text = f"{d:f}"
    return text.replace(".", ",")


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 when end is not after start)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def years_from_months(months: int) -> Decimal:
    """Circular 01/2025: odd months up to 6 count as half a year, over 6 as a whole year."""
    whole, rest = divmod(months, 12)
    if rest == 0:
        return Decimal(whole)
    return Decimal(whole) + (Decimal("0.5") if rest <= 6 else Decimal(1))


def round_years(years: Decimal) -> Decimal:
    """Insured years given with a fraction, rounded like odd months (≤ 6 months = 0.5, more = 1)."""
    months = vnd(years * 12)
    return years_from_months(months)


def monthly_salary(pay: Pay, base_salary: int) -> tuple[Decimal | None, str, tuple[str, ...]]:
    """Current monthly salary (tiền lương hiện hưởng): base × (coefficient + position allowance) ×
    (1 + seniority %) + other allowances. The seniority allowance over the top step is a percentage of
    the top-step coefficient plus the position allowance (Circular 04/2005/TT-BNV).
    Returns the amount, its formula, and the missing inputs."""
    if pay.salary_coefficient is None:
        return None, "", ("hệ số lương",)
    pos = pay.position_allowance or Decimal(0)
    sen = pay.seniority_pct or Decimal(0)
    other = pay.other_allowances or 0
    amount = Decimal(base_salary) * (pay.salary_coefficient + pos) * (1 + sen / 100) + other
    formula = f"{fmt_vnd(base_salary)} × ({fmt_num(pay.salary_coefficient)} + {fmt_num(pos)})"
    if sen:
        formula += f" × (1 + {fmt_num(sen)}%)"
    if other:
        formula += f" + {fmt_vnd(other)}"
    return amount, formula + f" = {fmt_vnd(amount)}", ()


def from_month_13(case: ExitCase) -> bool:
    """Whether the person leaves from the 13th month after the restructuring decision (half rate)."""
    return months_between(case.decision_date, case.leave_date) >= 12


# ---------------------------------------------------------------- eligibility


def exclusions(case: ExitCase) -> tuple[str, ...]:
    """Decree 178 exclusions, in Vietnamese; empty when none applies."""
    out: list[str] = []
    if case.maternity and not case.volunteers:
        out.append(
            "Đang mang thai, nghỉ thai sản hoặc nuôi con dưới 36 tháng tuổi (chỉ áp dụng khi tự nguyện)."
        )
    if case.disciplined:
        out.append("Đang trong thời gian bị xem xét kỷ luật hoặc thi hành kỷ luật.")
    if case.under_investigation:
        out.append("Đang bị điều tra, truy tố, xét xử.")
    return tuple(out)


def early_retirement_band(months_to_retirement: int) -> str | None:
    """Art. 7: '2-5' for 24 to 60 months left, '5-10' for over 60 up to 120, '<2' under 24; None otherwise."""
    if months_to_retirement <= 0 or months_to_retirement > 120:
        return None
    if months_to_retirement < 24:
        return "<2"
    return "2-5" if months_to_retirement <= 60 else "5-10"


# ---------------------------------------------------------------- the paths


def compute(case: ExitCase) -> ExitResult:
    """The allowance of one person on the path the reviewer picked, with its eligibility."""
    if case.path in DECREE_178_PATHS:
        if case.category == PART_TIME:
            return ExitResult(
                case.path,
                False,
                (
                    "Người hoạt động không chuyên trách hưởng chế độ theo Nghị định 154/2025, không theo "
                    "Nghị định 178/2024.",
                ),
            )
        excluded = exclusions(case)
        if excluded:
            return ExitResult(case.path, False, excluded)
        if case.path is ExitPath.EARLY_RETIREMENT:
            return early_retirement(case)
        return resignation(case)
    if case.path is ExitPath.END_PART_TIME:
        return end_part_time(case)
    if case.path is ExitPath.TRANSFER:
        return ExitResult(
            case.path,
            True,
            ("Chuyển công tác: không hưởng trợ cấp một lần; hồ sơ và BHXH chuyển theo người.",),
        )
    return surplus(case)


def early_retirement(case: ExitCase) -> ExitResult:
    """Decree 178 Art. 7 as amended by Decree 67/2025.

    - 2 to 5 years left: 1.0 × monthly salary × months early (0.5 × from month 13 after the decision),
      plus 5 months' salary per year early;
    - over 5 to 10 years left: 0.9 × monthly salary × 60 (0.45 × from month 13), plus 4 months per year
      early;
    - both: 5 months' salary for the first 20 insured years, plus 0.5 month per insured year after 20;
    - under 2 years left: only the one-off for the months early (1.0, or 0.5 from month 13).
    The pension is not reduced for retiring early.
    """
    path = ExitPath.EARLY_RETIREMENT
    if case.retirement_date is None:
        return ExitResult(path, False, missing=("ngày sinh hoặc giới tính (tuổi nghỉ hưu)",))
    months = months_between(case.leave_date, case.retirement_date)
    band = early_retirement_band(months)
    if band is None:
        why = (
            "Đã đến tuổi nghỉ hưu; nghỉ hưu theo chế độ."
            if months <= 0
            else f"Còn {months} tháng đến tuổi nghỉ hưu (trên 10 năm): không thuộc diện nghỉ hưu trước tuổi."
        )
        return ExitResult(path, False, (why,))
    insured = case.pay.insurance_years
    if insured is not None and insured < MIN_PENSION_YEARS:
        return ExitResult(
            path,
            False,
            (
                f"Mới có {fmt_num(insured)} năm đóng BHXH bắt buộc, chưa đủ {fmt_num(MIN_PENSION_YEARS)} năm "
                "để hưởng lương hưu.",
            ),
            band=band,
        )
    salary, salary_formula, missing = monthly_salary(case.pay, case.base_salary)
    if insured is None and band != "<2":
        missing = (*missing, "số năm đóng BHXH bắt buộc")
    if salary is None or missing or (insured is None and band != "<2"):
        return ExitResult(path, True, missing=missing, band=band)
    late = from_month_13(case)
    lines: list[Line] = []
    s = fmt_vnd(salary)
    if band in ("<2", "2-5"):
        rate = Decimal("0.5") if late else Decimal("1.0")
        lines.append(
            Line(
                "Trợ cấp cho số tháng nghỉ sớm",
                f"{fmt_num(rate)} × {s} × {months} tháng",
                vnd(rate * salary * months),
            )
        )
    else:
        rate = Decimal("0.45") if late else Decimal("0.9")
        lines.append(
            Line(
                "Trợ cấp một lần (60 tháng)",
                f"{fmt_num(rate)} × {s} × 60 tháng",
                vnd(rate * salary * 60),
            )
        )
    if band != "<2" and insured is not None:
        years = years_from_months(months)
        per_year = Decimal(5) if band == "2-5" else Decimal(4)
        lines.append(
            Line(
                "Trợ cấp cho số năm nghỉ sớm",
                f"{fmt_num(per_year)} tháng × {fmt_num(years)} năm × {s}",
                vnd(per_year * years * salary),
            )
        )
        lines.append(insurance_line(round_years(insured), salary))
    reasons = [f"Tiền lương tháng: {salary_formula}."]
    if late:
        reasons.append("Nghỉ từ tháng thứ 13 kể từ quyết định sắp xếp: hưởng mức giảm một nửa.")
    return ExitResult(path, True, tuple(reasons), (), tuple(lines), band, vnd(salary))


def insurance_line(years: Decimal, salary: Decimal) -> Line:
    """5 months' salary for the first 20 insured years, plus 0.5 month for each year after the 20th."""
    extra = max(years - 20, Decimal(0))
    months = Decimal(5) + Decimal("0.5") * extra
    return Line(
        "Trợ cấp theo thời gian đóng BHXH",
        f"(5 + 0,5 × {fmt_num(extra)}) tháng × {fmt_vnd(salary)} ({fmt_num(years)} năm đóng BHXH)",
        vnd(months * salary),
    )


RESIGNATION_MAX_MONTHS = 60


def resignation(case: ExitCase) -> ExitResult:
    """Decree 178 (thôi việc): 0.8 × monthly salary × months to retirement, at most 60 (0.4 × from month
    13 after the decision), plus 1.5 months' salary per insured year, plus 3 months' salary to look for
    work; social insurance is kept or paid out once."""
    path = ExitPath.RESIGNATION
    salary, salary_formula, missing = monthly_salary(case.pay, case.base_salary)
    if case.pay.insurance_years is None:
        missing = (*missing, "số năm đóng BHXH bắt buộc")
    if case.retirement_date is None:
        missing = (*missing, "ngày sinh hoặc giới tính (tuổi nghỉ hưu)")
    if case.retirement_date is not None and case.retirement_date <= case.leave_date:
        return ExitResult(path, False, ("Đã đến tuổi nghỉ hưu; nghỉ hưu theo chế độ.",))
    retire, insured = case.retirement_date, case.pay.insurance_years
    if salary is None or missing or retire is None or insured is None:
        return ExitResult(path, True, missing=missing)
    months = min(months_between(case.leave_date, retire), RESIGNATION_MAX_MONTHS)
    late = from_month_13(case)
    rate = Decimal("0.4") if late else Decimal("0.8")
    years = round_years(insured)
    s = fmt_vnd(salary)
    lines = (
        Line("Trợ cấp thôi việc", f"{fmt_num(rate)} × {s} × {months} tháng", vnd(rate * salary * months)),
        Line(
            "Trợ cấp theo thời gian đóng BHXH",
            f"1,5 tháng × {fmt_num(years)} năm × {s}",
            vnd(Decimal("1.5") * years * salary),
        ),
        Line("Trợ cấp tìm việc làm", f"3 tháng × {s}", vnd(3 * salary)),
    )
    reasons = [f"Tiền lương tháng: {salary_formula}."]
    if late:
        reasons.append("Nghỉ từ tháng thứ 13 kể từ quyết định sắp xếp: hưởng mức giảm một nửa.")
    return ExitResult(path, True, tuple(reasons), (), lines, None, vnd(salary))


def end_part_time(case: ExitCase) -> ExitResult:
    """Decree 154/2025, for part-time workers who stop from 1/8/2025 to before 31/5/2026:
    - under 5 years of work: 0.8 × monthly allowance × months worked;
    - 5 years or more, and within 5 years of retirement: 0.8 × allowance × months to retirement;
    - 5 years or more, further from retirement: 0.8 × allowance × 60 (the cap);
    plus, in every case, 1.5 months' allowance per year of work and 3 months' allowance.
    """
    path = ExitPath.END_PART_TIME
    if case.category != PART_TIME:
        return ExitResult(path, False, ("Chỉ áp dụng cho người hoạt động không chuyên trách cấp xã.",))
    if not PART_TIME_FROM <= case.leave_date < PART_TIME_BEFORE:
        return ExitResult(
            path,
            False,
            ("Nghị định 154/2025 chỉ áp dụng cho người nghỉ từ ngày 01/8/2025 đến trước ngày 31/5/2026.",),
        )
    missing: tuple[str, ...] = ()
    if case.pay.part_time_allowance is None:
        missing += ("mức phụ cấp hằng tháng",)
    if case.service_start is None:
        missing += ("ngày bắt đầu công tác",)
    if case.retirement_date is None:
        missing += ("ngày sinh hoặc giới tính (tuổi nghỉ hưu)",)
    monthly, start, retire = case.pay.part_time_allowance, case.service_start, case.retirement_date
    if missing or monthly is None or start is None or retire is None:
        return ExitResult(path, True, missing=missing)
    allowance = Decimal(monthly)
    a = fmt_vnd(allowance)
    worked = months_between(start, case.leave_date)
    to_retirement = months_between(case.leave_date, retire)
    if worked < 60:
        months, why = worked, f"{worked} tháng công tác (dưới 5 năm)"
    elif to_retirement <= 60:
        months, why = to_retirement, f"{to_retirement} tháng còn lại đến tuổi nghỉ hưu"
    else:
        months, why = 60, "tối đa 60 tháng"
    years = years_from_months(worked)
    lines = (
        Line(
            f"Trợ cấp theo số tháng ({why})",
            f"0,8 × {a} × {months} tháng",
            vnd(Decimal("0.8") * allowance * months),
        ),
        Line(
            "Trợ cấp theo số năm công tác",
            f"1,5 tháng × {fmt_num(years)} năm × {a}",
            vnd(Decimal("1.5") * years * allowance),
        ),
        Line("Trợ cấp tìm việc làm", f"3 tháng × {a}", vnd(3 * allowance)),
    )
    return ExitResult(path, True, (), (), lines, None, vnd(allowance))


def surplus(case: ExitCase) -> ExitResult:
    """Kept as surplus within the five-year transition: paid as now, no one-off allowance; the post must
    be found (or the person leave) by the end of the transition."""
    until = case.decision_date.year + TRANSITION_YEARS
    reasons = [f"Dôi dư, tiếp tục hưởng lương đến khi sắp xếp xong, chậm nhất năm {until}."]
    if case.retirement_date is not None and case.retirement_date.year <= until:
        reasons.append(f"Nghỉ hưu theo chế độ tháng {case.retirement_date:%m/%Y}.")
        until = min(until, case.retirement_date.year)
    return ExitResult(ExitPath.SURPLUS, True, tuple(reasons), surplus_until=until)


def pay_protection(
    old_position_allowance: Decimal,
    new_position_allowance: Decimal,
    base_salary: int,
    months: int = PAY_PROTECTION_MONTHS,
) -> Line | None:
    """Res. 76/2025/UBTVQH15: a person moved to a post with a lower position allowance keeps the old one
    for 6 months (a term post to the end of the term, see kept_period); the cost is the difference × base
    salary × the months kept. None when nothing is lost."""
    diff = old_position_allowance - new_position_allowance
    if diff <= 0:
        return None
    return Line(
        f"Bảo lưu phụ cấp chức vụ {months} tháng",
        f"({fmt_num(old_position_allowance)} - {fmt_num(new_position_allowance)}) × "
        f"{fmt_vnd(base_salary)} × {months} tháng",
        vnd(diff * base_salary * months),
    )


def term_end_on(day: date, history: Sequence[tuple[date, date]] = TERM_HISTORY) -> date:
    """The end of the term in force on `day` (the latest term that started on or before it)."""
    end = history[0][1]
    for start, until in history:
        if start <= day:
            end = until
    return end


# Elective posts (chức danh bầu cử): the Party secretaries and their deputies (including the Youth Union's
# secretary), the chairs and deputy chairs of the People's Council and Committee, the chair of the Fatherland
# Front and the chairs of the mass organisations (Hội Nông dân, Hội Liên hiệp Phụ nữ, Hội Cựu chiến binh ...).
CADRE = "can_bo"


def is_term_post(title: str, category: str) -> bool:
    """Whether the old post is held for a term: a cadre (category can_bo) or an elective key post."""
    if category == CADRE:
        return True
    t = " ".join(title.lower().split())
    if "bí thư" in t:
        return True
    if t.startswith("phó chủ tịch"):
        return "hđnd" in t or "ubnd" in t or "hội đồng nhân dân" in t or "ủy ban nhân dân" in t
    return t.startswith("chủ tịch")


@dataclass(frozen=True)
class KeptPeriod:
    """How long a person moved to a lower post keeps the old position allowance, and why (Vietnamese)."""

    months: int
    start: date
    until: date  # the last day kept
    to_term_end: bool
    reason: str

    @property
    def wording(self) -> str:
        """The period as a decision states it."""
        if self.to_term_end:
            return (
                "kể từ ngày Quyết định này có hiệu lực đến hết nhiệm kỳ "
                f"(ngày {self.until.day:02d}/{self.until.month:02d}/{self.until.year})"
            )
        return f"trong thời hạn {self.months:02d} tháng kể từ ngày Quyết định này có hiệu lực"


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(day.day, last))


def kept_period(
    title: str, category: str, start: date, term_end: date, months: int = PAY_PROTECTION_MONTHS
) -> KeptPeriod:
    """The period the old position allowance is kept after a move to a lower post, from `start` (the
    restructuring decision): to the end of the term for a term post (cadre or elective key post), counted in
    months with a started month as a whole one, and never less than the 6 months of Res. 76/2025/UBTVQH15
    that every other person gets [K: the DOMAIN rule "until the end of the term"; the started month and the
    6-month floor are this project's reading, to confirm]."""
    general = add_months(start, months) - timedelta(days=1)
    if not is_term_post(title, category):
        reason = f"Giữ phụ cấp chức vụ cũ {months} tháng theo Nghị quyết 76/2025/UBTVQH15."
        return KeptPeriod(months, start, general, False, reason)
    after = term_end + timedelta(days=1)
    whole = months_between(start, after)
    term_months = whole + (1 if add_months(start, whole) < after else 0)  # a started month counts whole
    who = "cán bộ" if category == CADRE else "chức danh bầu cử"
    if term_months <= months:
        reason = (
            f"Chức vụ cũ là {who}, giữ đến hết nhiệm kỳ ({term_end.day:02d}/{term_end.month:02d}/"
            f"{term_end.year}) nhưng không ít hơn {months} tháng theo Nghị quyết 76/2025/UBTVQH15."
        )
        return KeptPeriod(months, start, general, False, reason)
    reason = (
        f"Chức vụ cũ là {who} theo nhiệm kỳ: giữ phụ cấp chức vụ cũ đến hết nhiệm kỳ "
        f"({term_end.day:02d}/{term_end.month:02d}/{term_end.year}), {term_months} tháng."
    )
    return KeptPeriod(term_months, start, term_end, True, reason)


def post_allowance(level: str, table: dict[str, Decimal] | None = None) -> Decimal:
    """The default position-allowance coefficient of a new post of this level (0 for staff)."""
    return (table or POSITION_ALLOWANCE_BY_LEVEL).get(level, Decimal(0))


def is_lower(old_level: str, new_level: str, old_allowance: Decimal | None, new_allowance: Decimal) -> bool:
    """A move to a lower post: a lower level (key > head > deputy > staff), or a lower position-allowance
    coefficient than the one the person has now (e.g. a district head at 0,40 placed as a commune head at
    0,25)."""
    if LEVEL_RANK.get(new_level, 0) < LEVEL_RANK.get(old_level, 0):
        return True
    return old_allowance is not None and new_allowance < old_allowance


def suggest(case: ExitCase) -> ExitPath:
    """The path to propose before a reviewer picks: part-time workers end their work; others retire
    early when eligible, else stay as surplus within the transition."""
    if case.category == PART_TIME:
        return ExitPath.END_PART_TIME
    trial = compute(dataclasses.replace(case, path=ExitPath.EARLY_RETIREMENT))
    return ExitPath.EARLY_RETIREMENT if trial.eligible else ExitPath.SURPLUS
