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


@dataclass
class _CommuneFigures:
    """What one commune adds to a dashboard, kept per its edit counter: an edit re-reads one commune."""

    filled: int = 0
    gaps: int = 0
    gaps_attr: Counter[str] = field(default_factory=Counter)
    leaders: int = 0
    women_leaders: int = 0
    minority_leaders: int = 0
    women_all: int = 0
    minority_all: int = 0
    ages: dict[str, Counter[str]] = field(default_factory=lambda: {"lead": Counter(), "staff": Counter()})
    lead_by_unit: Counter[int] = field(default_factory=Counter)
    shortfall: int = 0
    shortfall_by_level: Counter[str] = field(default_factory=Counter)


def _read_figures(plan: Plan, as_of: date, ids: set[int]) -> dict[int, _CommuneFigures]:
    """The figures of these communes, read in two queries."""
    out = {cid: _CommuneFigures() for cid in ids}
    rows = db.session.execute(
        db.select(
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
    for gaps, level, cid, gender, eth, birth, unit_id in rows:
        f = out[cid]
        f.filled += 1
        f.gaps += len(gaps or [])
        for g in gaps or []:
            f.gaps_attr[str(g.get("attr") or g.get("rule") or "")] += 1
        is_lead = level.value in LEADERSHIP
        minority = _minority(eth)
        f.women_all += gender == "F"
        f.minority_all += minority
        if is_lead:
            f.leaders += 1
            f.women_leaders += gender == "F"
            f.minority_leaders += minority
            f.lead_by_unit[unit_id] += 1
        if birth is None:  # unreadable in the roster (issue 11): counted nowhere by age
            continue
        age = _age(birth, as_of)
        for lo, hi, name in AGE_BINS:
            if lo <= age < hi:
                f.ages["lead" if is_lead else "staff"][name] += 1
    for missing, level, cid in db.session.execute(
        db.select(Shortfall.missing, Position.level, Department.commune_id)
        .join(Position, Shortfall.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .where(Shortfall.plan_id == plan.id, Department.commune_id.in_(ids))
    ):
        out[cid].shortfall_by_level[level.value] += missing
        out[cid].shortfall += missing
    return out


def _build(plan: Plan, province: Province, orm_communes: list[Commune], title: str) -> Dashboard:
    from .plan_views import cached_each

    communes = [_plain(c) for c in orm_communes]
    ids = {c.id for c in communes}
    district_label = _("Cơ quan cấp huyện")
    figures = cached_each(
        "dashboard-commune", plan, ids, lambda missing: _read_figures(plan, province.as_of, missing)
    )
    gaps_attr: Counter[str] = Counter()
    short_level: Counter[str] = Counter()
    ages: dict[str, Counter[str]] = {"lead": Counter(), "staff": Counter()}
    for f in figures.values():
        gaps_attr.update(f.gaps_attr)
        short_level.update(f.shortfall_by_level)
        ages["lead"].update(f.ages["lead"])
        ages["staff"].update(f.ages["staff"])
    filled = {cid: f.filled for cid, f in figures.items()}
    gaps_by = {cid: f.gaps for cid, f in figures.items()}
    short_by = {cid: f.shortfall for cid, f in figures.items()}
    lead_by_unit = {cid: f.lead_by_unit for cid, f in figures.items()}
    leaders = sum(f.leaders for f in figures.values())
    women = sum(f.women_leaders for f in figures.values())
    minority = sum(f.minority_leaders for f in figures.values())
    women_all = sum(f.women_all for f in figures.values())
    minority_all = sum(f.minority_all for f in figures.values())

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
