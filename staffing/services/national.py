"""The national view: every province's plans in one table, counted in SQL, cached per plan version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from ..extensions import db
from ..models import Assignment, AuditEntry, Commune, Person, Plan, PlanStatus, Position, Province, Shortfall
from .plan_views import cached

LEVELS = ("key", "head", "deputy", "staff")


@dataclass(frozen=True)
class PlanCounts:
    placed: int
    unplaced: int
    shortfall: dict[str, int]


@dataclass
class NationalRow:
    plan_id: int
    province_code: str
    province_name: str
    plan_name: str
    version: int
    status: str
    job_state: str
    solver_status: str | None
    solved_at: datetime | None
    people: int
    placed: int
    unplaced: int
    shortfall: dict[str, int]
    quota: int
    fill: float | None  # placed / payroll quota of the plan's communes, in %

    def sort_value(self, column: str) -> Any:
        if column.startswith("short_"):
            return self.shortfall.get(column[6:], 0)
        return {
            "province": self.province_name,
            "plan": self.plan_name.lower(),
            "status": self.status,
            "solve": self.job_state,
            "solved_at": self.solved_at.isoformat() if self.solved_at else "",
            "people": self.people,
            "placed": self.placed,
            "unplaced": self.unplaced,
            "fill": -1.0 if self.fill is None else self.fill,
        }[column]


SORTS = (
    "province",
    "plan",
    "status",
    "solve",
    "solved_at",
    "people",
    "placed",
    "unplaced",
    *(f"short_{lvl}" for lvl in LEVELS),
    "fill",
)


def plan_counts(plan_id: int) -> PlanCounts:
    """Placed, unplaced and shortfall by level of one plan: two aggregate queries, no rows loaded."""
    placed, unplaced = db.session.execute(
        db.select(
            db.func.count(Assignment.position_id),
            db.func.sum(db.case((Assignment.position_id.is_(None), 1), else_=0)),
        ).where(Assignment.plan_id == plan_id)
    ).one()
    short = dict(
        db.session.execute(
            db.select(Position.level, db.func.sum(Shortfall.missing))
            .join(Position, Shortfall.position_id == Position.id)
            .where(Shortfall.plan_id == plan_id)
            .group_by(Position.level)
        ).all()
    )
    by_level = {getattr(level, "value", level): int(n or 0) for level, n in short.items()}
    return PlanCounts(int(placed or 0), int(unplaced or 0), {lvl: by_level.get(lvl, 0) for lvl in LEVELS})


def national_rows(sort: str = "province", status: str | None = None) -> tuple[list[NationalRow], str]:
    """Every plan of every province with its counts; `sort` is a column of SORTS, '-' in front for descending.

    Counts are cached per plan version and the plan's newest audit entry; the workflow and job state are
    read fresh (a solve's progress does not bump the version).
    """
    descending = sort.startswith("-")
    column = sort.lstrip("-")
    if column not in SORTS:
        column, descending = "province", False
    query = db.select(Plan).order_by(Plan.province_code, Plan.id)
    if status in {s.value for s in PlanStatus}:
        query = query.where(Plan.status == PlanStatus(status))
    plans = list(db.session.scalars(query))
    names = dict(db.session.execute(db.select(Province.code, Province.name)).all())
    people = dict(
        db.session.execute(
            db.select(Person.province_code, db.func.count(Person.id)).group_by(Person.province_code)
        ).all()
    )
    quotas: dict[str, dict[str, int]] = {}
    for province_code, code, quota in db.session.execute(
        db.select(Commune.province_code, Commune.code, Commune.payroll_quota)
    ):
        quotas.setdefault(province_code, {})[code] = int(quota or 0)
    stamps = dict(
        db.session.execute(
            db.select(AuditEntry.plan_id, db.func.max(AuditEntry.id))
            .where(AuditEntry.plan_id.is_not(None))
            .group_by(AuditEntry.plan_id)
        ).all()
    )
    rows = []
    for plan in plans:
        pid = plan.id
        counts = cached("national_counts", plan, (), partial(plan_counts, pid), stamp=stamps.get(pid, 0))
        communes = quotas.get(plan.province_code, {})
        scope = plan.scope_communes or list(communes)
        quota = sum(communes.get(c, 0) for c in scope)
        rows.append(
            NationalRow(
                plan_id=pid,
                province_code=plan.province_code,
                province_name=names.get(plan.province_code, plan.province_code),
                plan_name=plan.name,
                version=plan.version,
                status=plan.status.value,
                job_state=plan.job_state.value,
                solver_status=plan.solver_status,
                solved_at=plan.job_heartbeat_at,
                people=int(people.get(plan.province_code, 0)),
                placed=counts.placed,
                unplaced=counts.unplaced,
                shortfall=counts.shortfall,
                quota=quota,
                fill=round(100.0 * counts.placed / quota, 1) if quota else None,
            )
        )
    rows.sort(key=lambda r: (r.sort_value(column), r.province_code, r.plan_id), reverse=descending)
    return rows, ("-" if descending else "") + column
