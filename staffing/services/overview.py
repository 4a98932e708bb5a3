"""Read models for the overview pages: finished data for templates, which run no queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Commune, Department, MergerLink, OldUnit, Person, Position, Province, UnitKind


@dataclass
class CommuneRow:
    commune: Commune
    old_communes: list[tuple[OldUnit, bool]]  # (unit, partial)
    agencies: list[OldUnit]
    people_by_origin: dict[str, int]  # unit code -> people
    candidates: int  # people whose unit feeds this commune
    positions: int
    seats_min: int
    seats_max: int


@dataclass
class ProvinceOverview:
    province: Province
    rows: list[CommuneRow]
    people_total: int
    people_by_kind: dict[str, int]
    districts: list[str]
    totals: dict[str, int] = field(default_factory=dict)


def people_per_unit(province: Province) -> dict[int, int]:
    return dict(
        db.session.execute(
            db.select(Person.unit_id, func.count(Person.id))
            .where(Person.province_code == province.code)
            .group_by(Person.unit_id)
        ).all()
    )


def seats_per_commune(province: Province) -> dict[int, tuple[int, int, int]]:
    rows = db.session.execute(
        db.select(
            Department.commune_id,
            func.count(Position.id),
            func.sum(Position.min_holders),
            func.sum(Position.max_holders),
        )
        .join(Position, Position.department_id == Department.id)
        .join(Commune, Commune.id == Department.commune_id)
        .where(Commune.province_code == province.code)
        .group_by(Department.commune_id)
    ).all()
    return {cid: (int(n), int(lo or 0), int(hi or 0)) for cid, n, lo, hi in rows}


def province_overview(province: Province, communes: list[Commune]) -> ProvinceOverview:
    """Every visible new commune with its merged units, people by origin, quota and seats."""
    counts = people_per_unit(province)
    seats = seats_per_commune(province)
    links = db.session.scalars(
        db.select(MergerLink)
        .join(Commune)
        .where(Commune.province_code == province.code)
        .options(selectinload(MergerLink.unit))
    ).all()
    by_commune: dict[int, list[MergerLink]] = defaultdict(list)
    for link in links:
        by_commune[link.commune_id].append(link)
    rows = []
    for commune in communes:
        own = sorted(by_commune[commune.id], key=lambda link: link.unit.code)
        old = [(link.unit, link.partial) for link in own if link.unit.kind == UnitKind.OLD_COMMUNE]
        agencies = [link.unit for link in own if link.unit.kind == UnitKind.DISTRICT_AGENCY]
        by_origin = {link.unit.code: counts.get(link.old_unit_id, 0) for link in own}
        n, lo, hi = seats.get(commune.id, (0, 0, 0))
        rows.append(CommuneRow(commune, old, agencies, by_origin, sum(by_origin.values()), n, lo, hi))
    kinds: Counter[str] = Counter()
    for unit in province.units:
        kinds[unit.kind.value] += counts.get(unit.id, 0)
    return ProvinceOverview(
        province=province,
        rows=rows,
        people_total=sum(counts.values()),
        people_by_kind=dict(kinds),
        districts=sorted({u.district for u in province.units if u.district}),
        totals={
            "quota": sum(r.commune.payroll_quota or 0 for r in rows),
            "seats_min": sum(r.seats_min for r in rows),
            "positions": sum(r.positions for r in rows),
        },
    )


@dataclass
class CommuneDetail:
    commune: Commune
    row: CommuneRow
    blocks: list[tuple[str, list[Department]]]
    candidates: list[Person]
    candidates_by_unit: dict[str, int]


BLOCK_ORDER = ["dang", "hdnd", "ubnd", "su_nghiep", "mttq", "quan_su"]


def commune_detail(province: Province, commune: Commune) -> CommuneDetail:
    """One commune: its merged units, its departments and positions, the people who can go there."""
    row = province_overview(province, [commune]).rows[0]
    departments = db.session.scalars(
        db.select(Department)
        .where(Department.commune_id == commune.id)
        .options(selectinload(Department.positions).selectinload(Position.requirements))
        .order_by(Department.id)
    ).all()
    grouped: dict[str, list[Department]] = defaultdict(list)
    for dept in departments:
        grouped[dept.block.value].append(dept)
    blocks = [(b, grouped[b]) for b in BLOCK_ORDER if b in grouped]
    unit_ids = [link.old_unit_id for link in commune.links]
    people = list(
        db.session.scalars(
            db.select(Person)
            .where(Person.unit_id.in_(unit_ids))
            .options(selectinload(Person.unit))
            .order_by(Person.unit_id, Person.name)
        )
    )
    return CommuneDetail(commune, row, blocks, people, Counter(p.unit.code for p in people))
