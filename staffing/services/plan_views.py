"""Read models for plan pages: assignments, unplaced people and shortfalls, grouped for reading."""

from __future__ import annotations

import logging
import pickle
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Assignment,
    AuditEntry,
    Commune,
    Department,
    MergerLink,
    OldUnit,
    Person,
    Plan,
    Position,
    Shortfall,
)
from . import shared_cache

T = TypeVar("T")
logger = logging.getLogger(__name__)
_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 1024  # a local problem and a few figures per commune of a province, plus province-wide models


# audit actions that change no data a page shows: they do not make a cached read model stale
NOT_DATA = ("login", "export")


def data_stamp() -> int:
    """The newest audit entry: every change to a plan or a person writes one, so it dates the data."""
    return (
        db.session.scalar(
            db.select(AuditEntry.id)
            .where(AuditEntry.action.not_in(NOT_DATA))
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
        or 0
    )


def data_stamp_outside_plans() -> int:
    """The newest audit entry that is not an edit of a plan: imports and changes of people and structure."""
    return (
        db.session.scalar(
            db.select(AuditEntry.id)
            .where(AuditEntry.plan_id.is_(None), AuditEntry.action.not_in(NOT_DATA))
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
        or 0
    )


def cached(name: str, plan: Plan, key: tuple[Any, ...], build: Callable[[], T], stamp: Any = None) -> T:
    """A read model of a plan kept per plan version and data stamp (values hold no ORM rows).

    Heavy province-wide pages (dashboard, gaps) are read far more often than a plan changes; any change
    bumps the plan version or writes an audit entry, so a stale value is never served. A caller whose value
    depends on less than the whole plan passes its own `stamp` (e.g. the edit counters of its communes).
    """
    full = (
        name,
        str(db.engine.url),
        plan.id,
        plan.version,
        data_stamp() if stamp is None else stamp,
        *key,
    )
    with _CACHE_LOCK:
        if full in _CACHE:
            _CACHE.move_to_end(full)
            return _CACHE[full]  # type: ignore[no-any-return]
    value = _shared(full, build)
    with _CACHE_LOCK:
        _CACHE[full] = value
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def _shared(full: tuple[Any, ...], build: Callable[[], T]) -> T:
    """The value from the store every worker shares (shared_cache), else built and put there (pickled: values
    are plain data; one that does not pickle stays in this process only)."""
    if not shared_cache.enabled():
        return build()
    name = shared_cache.key("read-model", *full)
    hit = shared_cache.get(name)
    if hit is not None:
        try:
            return pickle.loads(hit)  # type: ignore[no-any-return]  # noqa: S301 (written by this app only)
        except Exception:  # a value of an older release, say: build it again
            logger.info("shared read model unreadable; rebuilt", exc_info=True)
    value = build()
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        logger.debug("read model %s does not pickle; kept in this process only", full[0])
        return value
    shared_cache.put(name, data)
    return value


def cached_each(
    name: str, plan: Plan, commune_ids: set[int], build: Callable[[set[int]], dict[int, T]]
) -> dict[int, T]:
    """A value per commune kept per plan version, the commune's edit counter and the data outside plans, the
    missing ones built in one call: an edit re-reads its own commune only, not the province (values hold no
    ORM rows)."""
    from ..models import CommuneStamp

    seqs = dict(
        db.session.execute(
            db.select(CommuneStamp.commune_id, CommuneStamp.seq).where(
                CommuneStamp.plan_id == plan.id, CommuneStamp.commune_id.in_(commune_ids)
            )
        ).all()
    )
    base = (name, str(db.engine.url), plan.id, plan.version, data_stamp_outside_plans())
    out: dict[int, T] = {}
    missing: set[int] = set()
    with _CACHE_LOCK:
        for cid in commune_ids:
            full = (*base, cid, seqs.get(cid, 0))
            if full in _CACHE:
                _CACHE.move_to_end(full)
                out[cid] = _CACHE[full]
            else:
                missing.add(cid)
    shared = shared_cache.enabled()
    names = {cid: shared_cache.key("read-model", *base, cid, seqs.get(cid, 0)) for cid in missing if shared}
    for cid in list(missing if shared else ()):
        hit = shared_cache.get(names[cid])
        if hit is not None:
            try:
                out[cid] = pickle.loads(hit)  # noqa: S301 (written by this app only)
                missing.discard(cid)
            except Exception:
                logger.info("shared read model unreadable; rebuilt", exc_info=True)
    if missing:
        built = build(missing)
        for cid in missing:
            out[cid] = built[cid]
            if shared:
                shared_cache.put(names[cid], pickle.dumps(built[cid], protocol=pickle.HIGHEST_PROTOCOL))
    with _CACHE_LOCK:
        for cid in commune_ids:
            _CACHE[(*base, cid, seqs.get(cid, 0))] = out[cid]
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out


@dataclass
class PlanSummary:
    plan: Plan
    placed: int
    unplaced: int
    locked: int
    manual: int
    gaps: int
    shortfall_by_level: dict[str, int]
    per_commune: list[dict[str, Any]]


def gaps_count(column: Any = Assignment.gaps) -> Any:
    """How many gaps an assignment has, counted by the database (no JSON decoding in Python)."""
    return db.func.coalesce(db.func.json_array_length(column), 0)


def plan_summary(plan: Plan, communes: list[Commune]) -> PlanSummary:
    """Counts per plan and per commune: seats filled against quota, shortfalls, gaps (aggregated in SQL)."""
    rows = db.session.execute(
        db.select(
            Department.commune_id,
            db.func.count(Assignment.id),
            db.func.sum(gaps_count()),
            db.func.sum(db.case((Assignment.locked.is_(True), 1), else_=0)),
            db.func.sum(db.case((Assignment.source == "manual", 1), else_=0)),
        )
        .join(Position, Assignment.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .where(Assignment.plan_id == plan.id)
        .group_by(Department.commune_id)
    ).all()
    filled: Counter[int] = Counter()
    gaps_by: Counter[int] = Counter()
    placed = locked = manual = gaps = 0
    for commune_id, n, g, lk, mn in rows:
        filled[commune_id] = n
        gaps_by[commune_id] = int(g or 0)
        placed += n
        gaps += int(g or 0)
        locked += int(lk or 0)
        manual += int(mn or 0)
    unplaced = (
        db.session.scalar(
            db.select(db.func.count(Assignment.id)).where(
                Assignment.plan_id == plan.id, Assignment.position_id.is_(None)
            )
        )
        or 0
    )
    short_rows = db.session.execute(
        db.select(Shortfall.missing, Position.level, Department.commune_id)
        .join(Position, Shortfall.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .where(Shortfall.plan_id == plan.id)
    ).all()
    by_level: Counter[str] = Counter()
    short_by: Counter[int] = Counter()
    for missing, level, commune_id in short_rows:
        by_level[level.value] += missing
        short_by[commune_id] += missing
    per_commune = [
        {
            "commune": c,
            "filled": filled[c.id],
            "quota": c.payroll_quota,
            "shortfall": short_by[c.id],
            "gaps": gaps_by[c.id],
        }
        for c in communes
    ]
    return PlanSummary(
        plan,
        placed,
        unplaced,
        locked,
        manual,
        gaps,
        {lvl: by_level.get(lvl, 0) for lvl in ("key", "head", "deputy", "staff")},
        per_commune,
    )


@dataclass
class Seat:
    position: Position
    holders: list[Assignment]
    missing: int
    shortfall: Shortfall | None


def commune_chart(plan: Plan, commune: Commune) -> list[tuple[str, list[tuple[Department, list[Seat]]]]]:
    """Blocks -> departments -> positions -> the people the plan puts there."""
    from .overview import BLOCK_ORDER

    departments = db.session.scalars(
        db.select(Department)
        .where(Department.commune_id == commune.id)
        .options(selectinload(Department.positions).selectinload(Position.requirements))
        .order_by(Department.id)
    ).all()
    position_ids = [p.id for d in departments for p in d.positions]
    holders: dict[int, list[Assignment]] = defaultdict(list)
    for a in db.session.scalars(
        db.select(Assignment)
        .where(Assignment.plan_id == plan.id, Assignment.position_id.in_(position_ids))
        .options(selectinload(Assignment.person).selectinload(Person.unit))
    ):
        holders[a.position_id].append(a)  # type: ignore[index]
    shortfalls = {
        s.position_id: s
        for s in db.session.scalars(
            db.select(Shortfall).where(Shortfall.plan_id == plan.id, Shortfall.position_id.in_(position_ids))
        )
    }
    grouped: dict[str, list[tuple[Department, list[Seat]]]] = defaultdict(list)
    for d in departments:
        seats = []
        for p in d.positions:
            hs = sorted(holders[p.id], key=lambda a: a.person.name)
            seats.append(Seat(p, hs, max(0, p.min_holders - len(hs)), shortfalls.get(p.id)))
        grouped[d.block.value].append((d, seats))
    return [(b, grouped[b]) for b in BLOCK_ORDER if b in grouped]


def commune_filled(plan: Plan, commune: Commune) -> int:
    """How many people the plan puts in the commune's seats."""
    return (
        db.session.scalar(
            db.select(db.func.count(Assignment.id))
            .join(Position, Assignment.position_id == Position.id)
            .join(Department, Position.department_id == Department.id)
            .where(Assignment.plan_id == plan.id, Department.commune_id == commune.id)
        )
        or 0
    )


def unplaced_people(
    plan: Plan, commune_codes: set[str] | None = None, limit: int | None = None, offset: int = 0
) -> list[Assignment]:
    """People the plan leaves without a seat, with why; or only those who could go to these communes."""
    query = (
        db.select(Assignment)
        .join(Person, Assignment.person_id == Person.id)
        .join(OldUnit, Person.unit_id == OldUnit.id)
        .where(Assignment.plan_id == plan.id, Assignment.position_id.is_(None))
        .options(selectinload(Assignment.person).selectinload(Person.unit))
    )
    if commune_codes is not None:
        units = (
            db.select(MergerLink.old_unit_id)
            .join(Commune, MergerLink.commune_id == Commune.id)
            .where(Commune.province_code == plan.province_code, Commune.code.in_(commune_codes))
        )
        query = query.where(Person.unit_id.in_(units))
    query = query.order_by(OldUnit.code, Person.name).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def unplaced_count(plan: Plan, commune_codes: set[str] | None = None) -> int:
    query = (
        db.select(db.func.count(Assignment.id))
        .join(Person, Assignment.person_id == Person.id)
        .where(Assignment.plan_id == plan.id, Assignment.position_id.is_(None))
    )
    if commune_codes is not None:
        units = (
            db.select(MergerLink.old_unit_id)
            .join(Commune, MergerLink.commune_id == Commune.id)
            .where(Commune.province_code == plan.province_code, Commune.code.in_(commune_codes))
        )
        query = query.where(Person.unit_id.in_(units))
    return db.session.scalar(query) or 0


def shortfalls(plan: Plan, commune: Commune | None = None) -> list[Shortfall]:
    query = (
        db.select(Shortfall)
        .join(Position)
        .join(Department)
        .where(Shortfall.plan_id == plan.id)
        .options(
            selectinload(Shortfall.position)
            .selectinload(Position.department)
            .selectinload(Department.commune)
        )
    )
    if commune is not None:
        query = query.where(Department.commune_id == commune.id)
    return list(db.session.scalars(query.order_by(Position.id)))
