"""The leaders' dashboard: a plan read at a glance, for the province or one commune."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _

from ..extensions import db
from ..models import (
    Assignment,
    Commune,
    Department,
    MergerLink,
    OldUnit,
    Person,
    Plan,
    Position,
    Province,
    Shortfall,
    UnitKind,
)

LEADERSHIP = ("key", "head", "deputy")
AGE_BINS = [
    (0, 30, "<30"),
    (30, 40, "30–39"),
    (40, 50, "40–49"),
    (50, 55, "50–54"),
    (55, 60, "55–59"),
    (60, 200, "60+"),
]
UNPLACED_LABELS = {
    "no_seat": "Không còn vị trí phù hợp",
    "not_eligible": "Không đủ tiêu chuẩn bắt buộc",
    "outranked": "Vị trí đã giao người phù hợp hơn",
    "payroll_full": "Xã đã đủ biên chế",
    "cap_full": "Vượt số lượng chung",
    "relation": "Quan hệ gia đình",
    "disciplined": "Đang trong thời hạn kỷ luật",
    "early_retirement": "Diện nghỉ hưu trước tuổi",
    "no_feeds": "Đơn vị không được phân bổ",
    "out_of_scope": "Ngoài phạm vi tính toán",
    "text": "Điều chỉnh thủ công",
}


@dataclass
class Dashboard:
    title: str
    communes: list[dict[str, Any]]  # plain values only: the dashboard is cached across requests
    filled: int
    quota: int
    shortfall_by_level: dict[str, int]
    unplaced: int
    unplaced_why: list[tuple[str, int]]
    gaps: int
    gaps_by_attr: list[tuple[str, int]]
    leaders: int
    women_leaders: int
    minority_leaders: int
    women_all: int
    minority_all: int
    age_bins: list[dict[str, Any]]
    balance: list[dict[str, Any]] = field(default_factory=list)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _minority(ethnicity: str | None) -> bool:
    return bool(ethnicity) and ethnicity.strip().lower() not in ("kinh", "việt", "viet")  # type: ignore[union-attr]


def build(plan: Plan, province: Province, communes: list[Commune], title: str) -> Dashboard:
    """Figures and chart data over these communes (one, or all the user sees), cached per plan version."""
    from flask_babel import get_locale

    from .plan_views import cached

    key = (tuple(sorted(c.id for c in communes)), str(get_locale() or "vi"), title)
    return cached("dashboard", plan, key, lambda: _build(plan, province, communes, title))


def _plain(c: Commune) -> SimpleNamespace:
    return SimpleNamespace(
        id=c.id, code=c.code, name=c.name, payroll_quota=c.payroll_quota, target_quota=c.target_quota
    )


def _build(plan: Plan, province: Province, orm_communes: list[Commune], title: str) -> Dashboard:
    communes = [_plain(c) for c in orm_communes]
    ids = {c.id for c in communes}
    district_label = _("Cơ quan cấp huyện")
    rows = db.session.execute(
        db.select(
            Assignment.person_id,
            Assignment.gaps,
            Position.level,
            Department.commune_id,
            Person.gender,
            Person.ethnicity,
            Person.birth_date,
            Person.unit_id,
        )
        .join(Person, Assignment.person_id == Person.id)
        .join(Position, Assignment.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .where(Assignment.plan_id == plan.id, Department.commune_id.in_(ids))
    ).all()
    filled: Counter[int] = Counter()
    gaps_by: Counter[int] = Counter()
    gaps_attr: Counter[str] = Counter()
    leaders = women = minority = women_all = minority_all = 0
    ages: dict[str, Counter[str]] = {"lead": Counter(), "staff": Counter()}
    lead_by_unit: dict[int, Counter[int]] = defaultdict(Counter)
    for _pid, gaps, level, cid, gender, eth, birth, unit_id in rows:
        filled[cid] += 1
        gaps_by[cid] += len(gaps or [])
        for g in gaps or []:
            gaps_attr[str(g.get("attr") or g.get("rule") or "")] += 1
        is_lead = level.value in LEADERSHIP
        women_all += gender == "F"
        minority_all += _minority(eth)
        if is_lead:
            leaders += 1
            women += gender == "F"
            minority += _minority(eth)
            lead_by_unit[cid][unit_id] += 1
        if birth is None:  # unreadable in the roster (issue 11): counted nowhere by age
            continue
        age = _age(birth, province.as_of)
        for lo, hi, name in AGE_BINS:
            if lo <= age < hi:
                ages["lead" if is_lead else "staff"][name] += 1
    short_rows = db.session.execute(
        db.select(Shortfall.missing, Position.level, Department.commune_id)
        .join(Position, Shortfall.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .where(Shortfall.plan_id == plan.id, Department.commune_id.in_(ids))
    ).all()
    short_level: Counter[str] = Counter()
    short_by: Counter[int] = Counter()
    for missing, level, cid in short_rows:
        short_level[level.value] += missing
        short_by[cid] += missing

    # unplaced people who could have gone to these communes, and why
    links = db.session.execute(
        db.select(MergerLink.old_unit_id, MergerLink.commune_id).where(MergerLink.commune_id.in_(ids))
    ).all()
    unit_ids = {u for u, _c in links}
    unplaced_rows = db.session.execute(
        db.select(Assignment.reasons)
        .join(Person, Assignment.person_id == Person.id)
        .where(Assignment.plan_id == plan.id, Assignment.position_id.is_(None), Person.unit_id.in_(unit_ids))
    ).all()
    why_codes: Counter[str] = Counter()
    for (reasons,) in unplaced_rows:
        codes = [r.get("code") for r in reasons or []]
        why_codes[
            str(next((c for c in codes if c not in ("early_retirement",)), codes[0] if codes else ""))
        ] += 1
    why: Counter[str] = Counter()
    for code, n in why_codes.items():
        why[_(UNPLACED_LABELS.get(code, code or "Chưa rõ"))] += n

    # balance of leadership seats across the old units merged into each commune
    units = {u.id: u for u in db.session.scalars(db.select(OldUnit).where(OldUnit.id.in_(unit_ids)))}
    by_commune_units: dict[int, list[int]] = defaultdict(list)
    for u, c in links:
        by_commune_units[c].append(u)
    balance = []
    for c in communes:
        parts = []
        district = 0
        for uid in sorted(by_commune_units.get(c.id, []), key=lambda u: units[u].name):
            n = lead_by_unit[c.id].get(uid, 0)
            if units[uid].kind == UnitKind.DISTRICT_AGENCY:
                district += n
            else:
                parts.append({"name": units[uid].name, "n": n})
        if district:
            parts.append({"name": district_label, "n": district})
        total = sum(p["n"] for p in parts)
        old = [p["n"] for p in parts if p["name"] != district_label]
        balance.append(
            {
                "commune": c,
                "parts": parts,
                "total": total,
                "spread": (max(old) - min(old)) if len(old) > 1 else 0,
            }
        )

    per_commune = [
        {
            "commune": c,
            "filled": filled[c.id],
            "quota": c.payroll_quota,
            "target": c.target_quota,
            "shortfall": short_by[c.id],
            "gaps": gaps_by[c.id],
        }
        for c in communes
    ]
    age_bins = [
        {"name": name, "lead": ages["lead"][name], "staff": ages["staff"][name]}
        for _lo, _hi, name in AGE_BINS
    ]
    return Dashboard(
        title=title,
        communes=per_commune,
        filled=sum(filled.values()),
        quota=sum(c.payroll_quota or 0 for c in communes),
        shortfall_by_level={lv: short_level.get(lv, 0) for lv in ("key", "head", "deputy", "staff")},
        unplaced=len(unplaced_rows),
        unplaced_why=why.most_common(),
        gaps=sum(gaps_by.values()),
        gaps_by_attr=gaps_attr.most_common(),
        leaders=leaders,
        women_leaders=women,
        minority_leaders=minority,
        women_all=women_all,
        minority_all=minority_all,
        age_bins=age_bins,
        balance=balance,
    )
