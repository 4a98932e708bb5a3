"""Exit allowances: one test per formula and per exclusion, with the worked arithmetic written out.

Figures follow Decree 178/2024 as amended by Decree 67/2025 (Art. 7 early retirement; resignation),
Circular 01/2025/TT-BNV (odd months), Decree 154/2025 (part-time workers), Res. 76/2025/UBTVQH15.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from policy.exits import (
    ExitCase,
    ExitPath,
    Pay,
    base_salary_on,
    compute,
    early_retirement_band,
    is_term_post,
    kept_period,
    months_between,
    pay_protection,
    suggest,
    term_end_on,
    years_from_months,
)

DECISION = date(2025, 7, 1)  # the restructuring decision: month 1 is July 2025
BASE = 2_340_000


def _case(**kw: object) -> ExitCase:
    defaults: dict[str, object] = {
        "path": ExitPath.EARLY_RETIREMENT,
        "category": "cong_chuc",
        "retirement_date": date(2028, 9, 1),
        "leave_date": date(2025, 9, 1),
        "decision_date": DECISION,
        "base_salary": BASE,
    }
    defaults.update(kw)
    return ExitCase(**defaults)  # type: ignore[arg-type]


def test_base_salary_is_dated() -> None:
    assert base_salary_on(date(2024, 7, 1)) == 2_340_000
    assert base_salary_on(date(2025, 12, 31)) == 2_340_000
    assert base_salary_on(date(2024, 6, 30)) == 1_800_000
    with pytest.raises(ValueError, match="no base salary"):
        base_salary_on(date(2000, 1, 1))


def test_counting_months_and_odd_months() -> None:
    assert months_between(date(2025, 9, 1), date(2028, 9, 1)) == 36
    assert months_between(date(2025, 9, 15), date(2025, 10, 14)) == 0
    # Circular 01/2025: odd months up to 6 are half a year, over 6 a whole year
    assert years_from_months(90) == Decimal("7.5")  # 7 years 6 months
    assert years_from_months(91) == Decimal(8)  # 7 years 7 months
    assert years_from_months(36) == Decimal(3)


def test_bands_by_months_left() -> None:
    assert early_retirement_band(23) == "<2"
    assert early_retirement_band(24) == "2-5"
    assert early_retirement_band(60) == "2-5"
    assert early_retirement_band(61) == "5-10"
    assert early_retirement_band(120) == "5-10"
    assert early_retirement_band(121) is None
    assert early_retirement_band(0) is None


def test_early_retirement_band_2_5_worked_example() -> None:
    # A man, coefficient 4.98, position allowance 0.20, seniority over the top step 5 %.
    # Monthly salary = 2,340,000 × (4.98 + 0.20) × 1.05 = 12,121,200 × 1.05 = 12,727,260.
    # Leaves 01/09/2025 (month 3 after the decision: full rate); retires 01/09/2028: 36 months = 3 years early.
    # 1) 1.0 × 12,727,260 × 36          = 458,181,360
    # 2) 5 months × 3 years × 12,727,260 = 190,908,900
    # 3) 28 insured years: (5 + 0.5 × 8) = 9 months × 12,727,260 = 114,545,340
    # Total = 763,635,600
    pay = Pay(Decimal("4.98"), Decimal("0.20"), Decimal(5), None, Decimal(28))
    r = compute(_case(pay=pay))
    assert r.eligible and r.band == "2-5"
    assert r.monthly_salary == 12_727_260
    assert [line.amount for line in r.lines] == [458_181_360, 190_908_900, 114_545_340]
    assert r.total == 763_635_600
    assert "2.340.000 × (4,98 + 0,2) × (1 + 5%) = 12.727.260" in r.reasons[0]
    assert r.lines[0].formula == "1 × 12.727.260 × 36 tháng"


def test_early_retirement_band_5_10_worked_example() -> None:
    # A woman, coefficient 3.66, no allowances: monthly salary = 2,340,000 × 3.66 = 8,564,400.
    # Leaves 01/10/2025, retires 01/04/2033: 90 months = 7 years 6 months -> 7.5 years (Circular 01/2025).
    # 1) 0.9 × 8,564,400 × 60                 = 462,477,600
    # 2) 4 months × 7.5 years × 8,564,400      = 256,932,000
    # 3) 22 years 3 months insured -> 22.5 years: (5 + 0.5 × 2.5) = 6.25 months × 8,564,400 = 53,527,500
    # Total = 772,937,100
    pay = Pay(Decimal("3.66"), insurance_years=Decimal("22.25"))
    r = compute(_case(pay=pay, leave_date=date(2025, 10, 1), retirement_date=date(2033, 4, 1)))
    assert r.eligible and r.band == "5-10"
    assert r.monthly_salary == 8_564_400
    assert [line.amount for line in r.lines] == [462_477_600, 256_932_000, 53_527_500]
    assert r.total == 772_937_100


def test_month_13_halves_the_one_off() -> None:
    # Same woman leaving 01/07/2026, the 13th month after the 01/07/2025 decision: 0.45 instead of 0.9.
    # 0.45 × 8,564,400 × 60 = 231,238,800. Months early 01/07/2026 -> 01/04/2033 = 81 = 6 y 9 m -> 7 years:
    # 4 × 7 × 8,564,400 = 239,803,200.
    pay = Pay(Decimal("3.66"), insurance_years=Decimal("22.25"))
    r = compute(_case(pay=pay, leave_date=date(2026, 7, 1), retirement_date=date(2033, 4, 1)))
    assert r.lines[0].amount == 231_238_800
    assert r.lines[1].amount == 239_803_200
    assert any("tháng thứ 13" in reason for reason in r.reasons)
    # band 2-5 from month 13: 0.5 × salary × months; leaving 30/06/2026 is still month 12 (full rate)
    pay2 = Pay(Decimal("3.66"), insurance_years=Decimal(25))
    late = compute(_case(pay=pay2, leave_date=date(2026, 7, 1), retirement_date=date(2029, 7, 1)))
    assert late.lines[0].amount == 154_159_200  # 0.5 × 8,564,400 × 36
    early = compute(_case(pay=pay2, leave_date=date(2026, 6, 30), retirement_date=date(2029, 6, 30)))
    assert early.lines[0].amount == 308_318_400  # 1.0 × 8,564,400 × 36


def test_under_two_years_only_the_months_early() -> None:
    # 18 months left: only 1.0 × 8,564,400 × 18 = 154,159,200.
    pay = Pay(Decimal("3.66"), insurance_years=Decimal(30))
    r = compute(_case(pay=pay, leave_date=date(2025, 9, 1), retirement_date=date(2027, 3, 1)))
    assert r.band == "<2"
    assert [line.amount for line in r.lines] == [154_159_200]
    assert r.total == 154_159_200


def test_early_retirement_not_eligible() -> None:
    far = compute(_case(pay=Pay(Decimal(3)), retirement_date=date(2040, 1, 1)))
    assert not far.eligible and "trên 10 năm" in far.reasons[0]
    few = compute(_case(pay=Pay(Decimal(3), insurance_years=Decimal(12))))
    assert not few.eligible and "chưa đủ 15 năm" in few.reasons[0]
    part_time = compute(
        _case(category="khong_chuyen_trach", pay=Pay(Decimal(3), insurance_years=Decimal(20)))
    )
    assert not part_time.eligible and "154/2025" in part_time.reasons[0]


@pytest.mark.parametrize(
    ("flags", "text"),
    [
        ({"maternity": True}, "nuôi con dưới 36 tháng"),
        ({"disciplined": True}, "kỷ luật"),
        ({"under_investigation": True}, "điều tra"),
    ],
)
@pytest.mark.parametrize("path", [ExitPath.EARLY_RETIREMENT, ExitPath.RESIGNATION])
def test_exclusions(flags: dict[str, bool], text: str, path: ExitPath) -> None:
    pay = Pay(Decimal("4.98"), Decimal("0.20"), Decimal(5), None, Decimal(28))
    r = compute(_case(path=path, pay=pay, **flags))
    assert not r.eligible
    assert r.total is None
    assert any(text in reason for reason in r.reasons)


def test_maternity_volunteer_is_not_excluded() -> None:
    pay = Pay(Decimal("4.98"), Decimal("0.20"), Decimal(5), None, Decimal(28))
    r = compute(_case(pay=pay, maternity=True, volunteers=True))
    assert r.eligible and r.total == 763_635_600


def test_missing_pay_is_said_not_guessed() -> None:
    r = compute(_case(pay=Pay()))
    assert r.eligible and r.total is None
    assert "hệ số lương" in r.missing and "số năm đóng BHXH bắt buộc" in r.missing
    r2 = compute(_case(path=ExitPath.RESIGNATION, pay=Pay(Decimal(3)), retirement_date=None))
    assert r2.total is None and "ngày sinh hoặc giới tính (tuổi nghỉ hưu)" in r2.missing


def test_resignation_worked_example() -> None:
    # Coefficient 2.67: monthly salary = 2,340,000 × 2.67 = 6,247,800. Retires in 2050: months capped at 60.
    # 1) 0.8 × 6,247,800 × 60 = 299,894,400
    # 2) 1.5 months × 8 insured years × 6,247,800 = 74,973,600
    # 3) 3 months × 6,247,800 = 18,743,400 (job search)
    # Total = 393,611,400
    pay = Pay(Decimal("2.67"), insurance_years=Decimal(8))
    r = compute(_case(path=ExitPath.RESIGNATION, pay=pay, retirement_date=date(2050, 1, 1)))
    assert [line.amount for line in r.lines] == [299_894_400, 74_973_600, 18_743_400]
    assert r.total == 393_611_400
    # from month 13: 0.4 × 6,247,800 × 60 = 149,947,200
    late = compute(
        _case(
            path=ExitPath.RESIGNATION, pay=pay, retirement_date=date(2050, 1, 1), leave_date=date(2026, 8, 1)
        )
    )
    assert late.lines[0].amount == 149_947_200


def test_part_time_under_five_years() -> None:
    # Monthly allowance 2,500,000; worked 01/01/2022 -> 01/08/2025 = 43 months (under 5 years).
    # 1) 0.8 × 2,500,000 × 43 = 86,000,000
    # 2) 43 months = 3 years 7 months -> 4 years: 1.5 × 4 × 2,500,000 = 15,000,000
    # 3) 3 × 2,500,000 = 7,500,000
    # Total = 108,500,000
    case = _case(
        path=ExitPath.END_PART_TIME,
        category="khong_chuyen_trach",
        pay=Pay(part_time_allowance=2_500_000),
        service_start=date(2022, 1, 1),
        leave_date=date(2025, 8, 1),
        retirement_date=date(2045, 1, 1),
    )
    r = compute(case)
    assert [line.amount for line in r.lines] == [86_000_000, 15_000_000, 7_500_000]
    assert r.total == 108_500_000


def test_part_time_five_years_near_retirement_and_cap() -> None:
    # Worked 01/01/2010 -> 01/09/2025 = 188 months = 15 y 8 m -> 16 years; retires 01/01/2028: 28 months left.
    # 0.8 × 2,500,000 × 28 = 56,000,000; 1.5 × 16 × 2,500,000 = 60,000,000; 3 × 2,500,000 = 7,500,000
    base = {
        "path": ExitPath.END_PART_TIME,
        "category": "khong_chuyen_trach",
        "pay": Pay(part_time_allowance=2_500_000),
        "service_start": date(2010, 1, 1),
        "leave_date": date(2025, 9, 1),
    }
    near = compute(_case(**base, retirement_date=date(2028, 1, 1)))
    assert near.total == 56_000_000 + 60_000_000 + 7_500_000
    # far from retirement: capped at 60 months: 0.8 × 2,500,000 × 60 = 120,000,000
    far = compute(_case(**base, retirement_date=date(2040, 1, 1)))
    assert far.lines[0].amount == 120_000_000
    # outside the Decree 154 window (from 01/08/2025 to before 31/05/2026)
    late = compute(_case(**{**base, "leave_date": date(2026, 6, 1)}, retirement_date=date(2040, 1, 1)))
    assert not late.eligible and "31/5/2026" in late.reasons[0]
    civil = compute(_case(**{**base, "category": "cong_chuc"}, retirement_date=date(2040, 1, 1)))
    assert not civil.eligible


def test_surplus_and_transfer() -> None:
    s = compute(_case(path=ExitPath.SURPLUS, retirement_date=date(2045, 1, 1)))
    assert s.eligible and s.surplus_until == 2030 and s.total == 0
    retiring = compute(_case(path=ExitPath.SURPLUS, retirement_date=date(2027, 3, 1)))
    assert retiring.surplus_until == 2027
    t = compute(_case(path=ExitPath.TRANSFER))
    assert t.eligible and t.total == 0


def test_pay_protection() -> None:
    # Res. 76/2025: (0.30 - 0.20) × 2,340,000 × 6 = 1,404,000
    line = pay_protection(Decimal("0.30"), Decimal("0.20"), BASE)
    assert line is not None and line.amount == 1_404_000
    assert pay_protection(Decimal("0.20"), Decimal("0.30"), BASE) is None


def test_suggestion() -> None:
    pay = Pay(Decimal("4.98"), Decimal("0.20"), Decimal(5), None, Decimal(28))
    assert suggest(_case(pay=pay)) is ExitPath.EARLY_RETIREMENT
    assert suggest(_case(pay=pay, retirement_date=date(2045, 1, 1))) is ExitPath.SURPLUS
    assert suggest(_case(category="khong_chuyen_trach")) is ExitPath.END_PART_TIME


def test_lower_post_by_level_or_by_allowance_coefficient() -> None:
    from policy.exits import is_lower, post_allowance

    assert post_allowance("key") == Decimal("0.30") and post_allowance("staff") == 0
    assert is_lower("key", "head", None, post_allowance("head"))  # lower level
    # same level, lower coefficient: a district head (0.40) placed as a commune head (0.25)
    assert is_lower("head", "head", Decimal("0.40"), post_allowance("head"))
    assert not is_lower("key", "key", Decimal("0.30"), post_allowance("key"))
    assert not is_lower("deputy", "head", Decimal("0.20"), post_allowance("head"))
    # the cost of the protection of a key -> head move: (0.30 - 0.25) × 2,340,000 × 6 = 702,000
    line = pay_protection(Decimal("0.30"), post_allowance("head"), 2_340_000)
    assert line is not None and line.amount == 702_000


TERM_END = date(2026, 6, 30)  # the default end of the 2021-2026 term (to confirm per province)


def test_term_posts() -> None:
    """Term posts: any cadre (can_bo), and by title the elective key posts whatever the category."""
    assert is_term_post("Chuyên viên", "can_bo")
    for title in (
        "Bí thư Đảng ủy",
        "Phó Bí thư Thường trực Đảng ủy",
        "Chủ tịch UBND",
        "Phó Chủ tịch HĐND",
        "Phó Chủ tịch Ủy ban nhân dân",
        "Chủ tịch Ủy ban MTTQ Việt Nam",
        "Chủ tịch Hội Nông dân",
        "Bí thư Đoàn TNCS Hồ Chí Minh",
    ):
        assert is_term_post(title, "cong_chuc"), title
    for title in (
        "Phó Trưởng phòng",
        "Trưởng phòng Nội vụ",
        "Phó Chủ tịch Hội Nông dân",
        "Công chức Địa chính",
    ):
        assert not is_term_post(title, "cong_chuc"), title


def test_kept_to_the_end_of_the_term_for_an_elective_post() -> None:
    """A Phó Chủ tịch UBND moved lower on 1/7/2025 keeps the old coefficient to 30/6/2026: the months
    1/7/2025..30/6/2026 are 12; cost (0,30 - 0,25) × 2.340.000 × 12 = 0,05 × 28.080.000 = 1.404.000."""
    period = kept_period("Phó Chủ tịch UBND", "cong_chuc", DECISION, TERM_END)
    assert (period.months, period.until, period.to_term_end) == (12, TERM_END, True)
    assert (
        "chức danh bầu cử" in period.reason and "30/06/2026" in period.reason and "12 tháng" in period.reason
    )
    assert period.wording == "kể từ ngày Quyết định này có hiệu lực đến hết nhiệm kỳ (ngày 30/06/2026)"
    line = pay_protection(Decimal("0.30"), Decimal("0.25"), BASE, period.months)
    assert line is not None
    assert line.formula == "(0,3 - 0,25) × 2.340.000 × 12 tháng"
    assert line.amount == 1_404_000
    # a cadre (category can_bo) decided on 15/8/2025: 15/8/2025..14/6/2026 are 10 whole months, and the
    # started month 15/6..30/6 counts whole: 11 months; (0,20 - 0) × 2.340.000 × 11 = 5.148.000
    cadre = kept_period("Chuyên viên", "can_bo", date(2025, 8, 15), TERM_END)
    assert (cadre.months, cadre.to_term_end) == (11, True) and "cán bộ" in cadre.reason
    cadre_line = pay_protection(Decimal("0.20"), Decimal("0"), BASE, cadre.months)
    assert cadre_line is not None and cadre_line.amount == 5_148_000


def test_kept_six_months_for_others_and_as_a_floor() -> None:
    """A civil servant keeps 6 months (Res. 76/2025): 1/7/2025..31/12/2025; (0,25 - 0) × 2.340.000 × 6
    = 3.510.000. A term post decided on 1/3/2026 has 4 months to 30/6/2026, below the floor: 6 months."""
    period = kept_period("Phó Trưởng phòng", "cong_chuc", DECISION, TERM_END)
    assert (period.months, period.until, period.to_term_end) == (6, date(2025, 12, 31), False)
    assert "76/2025/UBTVQH15" in period.reason
    assert period.wording == "trong thời hạn 06 tháng kể từ ngày Quyết định này có hiệu lực"
    line = pay_protection(Decimal("0.25"), Decimal("0"), BASE, period.months)
    assert line is not None and line.amount == 3_510_000
    late = kept_period("Bí thư Đảng ủy", "can_bo", date(2026, 3, 1), TERM_END)
    assert (late.months, late.until, late.to_term_end) == (6, date(2026, 8, 31), False)
    assert "không ít hơn 6 tháng" in late.reason


def test_term_end_is_a_dated_setting() -> None:
    assert term_end_on(DECISION) == TERM_END
    history = ((date(2021, 7, 1), TERM_END), (date(2026, 7, 1), date(2031, 6, 30)))
    assert term_end_on(date(2026, 8, 1), history) == date(2031, 6, 30)
    assert term_end_on(DECISION, history) == TERM_END
