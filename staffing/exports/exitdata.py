"""The records of a plan's exits, as the exit documents and pages read them: plain rows, no database.

Built by staffing/services/exits.py; rendered by exits_workbook.py and exit_decisions.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from policy.exits import (
    LEVEL_RANK,
    PATH_LABELS,
    PAY_PROTECTION_MONTHS,
    TERM_HISTORY,
    ExitCase,
    ExitPath,
    ExitResult,
    KeptPeriod,
    Line,
    is_lower,
    kept_period,
    months_between,
    pay_protection,
    post_allowance,
)

# Who pays (budget source) per path [K: Decree 178 Art. 16 and Decree 154: the state budget by the
# management level; provinces may top up]
SOURCES: dict[ExitPath, str] = {
    ExitPath.EARLY_RETIREMENT: "Ngân sách nhà nước (Nghị định 178/2024/NĐ-CP)",
    ExitPath.RESIGNATION: "Ngân sách nhà nước (Nghị định 178/2024/NĐ-CP)",
    ExitPath.END_PART_TIME: "Ngân sách địa phương (Nghị định 154/2025/NĐ-CP)",
}


@dataclass(frozen=True)
class ExitRow:
    """One person the plan does not appoint, with the chosen (or suggested) path and its amount."""

    assignment_id: int
    person_id: int
    key: str
    name: str
    birth_date: date
    gender: str
    category: str
    current_title: str
    unit_code: str
    unit_name: str
    unit_kind: str
    unit_district: str
    commune_code: str  # the new commune the old unit feeds (first link), "" when none
    commune_name: str
    path: ExitPath
    chosen: bool  # a reviewer picked the path; False: the suggestion
    case: ExitCase
    result: ExitResult
    old_level: str

    @property
    def path_label(self) -> str:
        return PATH_LABELS[self.path]

    @property
    def source(self) -> str:
        return SOURCES.get(self.path, "")

    @property
    def status_text(self) -> str:
        """The amount's state in Vietnamese: the reasons it is not eligible, or what it lacks."""
        r = self.result
        if not r.eligible:
            return "Không đủ điều kiện: " + " ".join(r.reasons)
        if r.missing:
            return "Chưa tính được, thiếu: " + ", ".join(r.missing) + "."
        if r.surplus_until is not None:
            return f"Dôi dư đến năm {r.surplus_until}."
        return " ".join(r.reasons)


@dataclass(frozen=True)
class EndedPost:
    """A leader whose old post ends with the old unit (miễn nhiệm / cho thôi giữ chức vụ)."""

    person_id: int
    key: str
    name: str
    birth_date: date
    gender: str
    title: str
    unit_name: str
    unit_kind: str
    unit_district: str
    level: str
    commune_code: str
    commune_name: str
    placed: bool
    new_level: str | None  # the level of the new seat; None when not placed
    new_title: str
    position_allowance: float | None  # the old position allowance coefficient
    new_allowance: float | None = None  # the coefficient of the new post (default by level); None: unplaced
    category: str = ""  # can_bo: a cadre, whose post is held for a term

    @property
    def demoted(self) -> bool:
        """Placed on a lower post: a lower level (key > head > deputy > staff) or a lower position-allowance
        coefficient than the old one."""
        if self.new_level is None:
            return False
        old = None if self.position_allowance is None else Decimal(str(self.position_allowance))
        return is_lower(self.level, self.new_level, old, self.new_coefficient)

    @property
    def lower_level(self) -> bool:
        return self.new_level is not None and LEVEL_RANK[self.new_level] < LEVEL_RANK[self.level]

    @property
    def new_coefficient(self) -> Decimal:
        if self.new_allowance is not None:
            return Decimal(str(self.new_allowance))
        return post_allowance(self.new_level or "staff")

    def kept(self, start: date, term_end: date, months: int = PAY_PROTECTION_MONTHS) -> KeptPeriod:
        """How long the old allowance is kept: to the end of the term for a term post, else 6 months."""
        return kept_period(self.title, self.category, start, term_end, months)

    def protection(self, base_salary: int, period: KeptPeriod | None = None) -> tuple[Line | None, str]:
        """The cost of keeping the old position allowance for the months kept (6 by Res. 76/2025/UBTVQH15,
        or to the end of the term), or why not: (old coefficient - new coefficient) × base salary × months."""
        if not self.demoted:
            return None, ""
        if self.position_allowance is None:
            return None, "Thiếu hệ số phụ cấp chức vụ cũ."
        old = Decimal(str(self.position_allowance))
        months = PAY_PROTECTION_MONTHS if period is None else period.months
        line = pay_protection(old, self.new_coefficient, base_salary, months)
        if line is None:
            return None, "Hệ số phụ cấp chức vụ mới không thấp hơn hệ số cũ."
        return line, ""


@dataclass(frozen=True)
class ExitData:
    plan_id: int
    plan_name: str
    status: str
    province_code: str
    province_name: str
    decision_date: date
    base_salary: int
    rows: tuple[ExitRow, ...]
    ended: tuple[EndedPost, ...]
    term_end: date = TERM_HISTORY[-1][1]  # the end of the current term (decisions.toml term_end)
    protection_months: int = PAY_PROTECTION_MONTHS  # decisions.toml pay_protection_months

    def kept(self, post: EndedPost) -> KeptPeriod:
        """The period `post`'s holder keeps the old allowance, counted from the restructuring decision."""
        return post.kept(self.decision_date, self.term_end, self.protection_months)

    def totals_by_path(self) -> dict[ExitPath, tuple[int, int]]:
        """path -> (people, total VND of the computed amounts)."""
        out: dict[ExitPath, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.rows:
            out[r.path][0] += 1
            out[r.path][1] += r.result.total or 0
        return {k: (v[0], v[1]) for k, v in out.items()}

    def budget_by_year_source(self) -> dict[tuple[int, str], int]:
        out: dict[tuple[int, str], int] = defaultdict(int)
        for r in self.rows:
            if r.result.total:
                out[r.case.leave_date.year, r.source] += r.result.total
        return dict(sorted(out.items()))

    def protections(self) -> list[tuple[EndedPost, Line | None, str]]:
        """Every demotion with the cost of its 6-month pay protection, or why it is not computed (computed
        once per ExitData: the pages keep one per plan version)."""
        memo = self.__dict__.get("_protections")
        if memo is None:
            memo = []
            for post in self.ended:
                if post.demoted:
                    line, why = post.protection(self.base_salary, self.kept(post))
                    memo.append((post, line, why))
            object.__setattr__(self, "_protections", memo)  # frozen: a memo, not a change of value
        return list(memo)

    def protection_by_commune(self) -> dict[str, tuple[str, int, int, int]]:
        """commune code -> (name, people, computed cost VND, not computed)."""
        acc: dict[str, list[Any]] = {}
        for post, line, _why in self.protections():
            c = acc.setdefault(post.commune_code, [post.commune_name, 0, 0, 0])
            c[1] += 1
            if line is None:
                c[3] += 1
            else:
                c[2] += line.amount
        return {k: (v[0], v[1], v[2], v[3]) for k, v in sorted(acc.items())}

    def by_commune(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for r in self.rows:
            c = out.setdefault(
                r.commune_code,
                {"name": r.commune_name, "people": 0, "total": 0, "uncomputed": 0, "paths": defaultdict(int)},
            )
            c["people"] += 1
            c["paths"][r.path] += 1
            if r.result.total is None:
                c["uncomputed"] += 1
            else:
                c["total"] += r.result.total
        return dict(sorted(out.items()))


def months_early(row: ExitRow) -> int | None:
    retire = row.case.retirement_date
    return months_between(row.case.leave_date, retire) if retire else None
