"""Store what the readers of imports/ return: merger maps, frameworks, rosters.

Each loader takes an ImportResult, writes the accepted records into the session and returns
what changed; the caller commits (one transaction per file) or rolls back (a preview).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast
from sqlalchemy.orm import defer, selectinload

from exchange.fields import PERSON_FIELDS as ALL_FIELDS
from exchange.fields import exchange_value
from imports.records import Framework, ImportResult, MergerRow, PersonRecord, PositionRecord, RelationRecord

from ..extensions import db
from ..models import (
    Block,
    Commune,
    CommuneKind,
    Department,
    ImportBatch,
    Level,
    MergerLink,
    OldUnit,
    Person,
    PersonDuplicate,
    Position,
    Province,
    Relation,
    Requirement,
    SharedCap,
    UnitKind,
    User,
)

logger = logging.getLogger(__name__)

# Kinds a framework row may apply to, most general first; a more specific row replaces a general one.
TEMPLATE_SCOPES = ("all", "xa", "phuong", "dac_khu")


class LoadError(ValueError):
    """The file cannot be stored as a whole (nothing is written)."""


@dataclass
class LoadSummary:
    """What a load changed, for the preview and the import record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # person-level diff for the preview
    duplicates: list[dict[str, Any]] = field(default_factory=list)  # people already stored under another unit

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "duplicates": len(self.duplicates),
            "warnings": self.warnings,
        }


def ensure_province(code: str, name: str) -> Province:
    province = db.session.get(Province, code)
    if province is None:
        province = Province(code=code, name=name)
        db.session.add(province)
        db.session.flush()
    elif name and province.name != name:
        province.name = name
    return province


def load_merger_map(province: Province, rows: list[MergerRow] | tuple[MergerRow, ...]) -> LoadSummary:
    """Upsert the new communes, the old units and the links between them; the file is the whole map."""
    summary = LoadSummary()
    communes = {c.code: c for c in _communes(province)}
    units = {
        u.code: u
        for u in db.session.scalars(db.select(OldUnit).where(OldUnit.province_code == province.code))
    }
    wanted: set[tuple[str, str]] = set()
    for row in rows:
        commune = communes.get(row.new_code)
        if commune is None:
            commune = Commune(
                province_code=province.code,
                code=row.new_code,
                name=row.new_name,
                kind=CommuneKind(row.new_kind),
            )
            db.session.add(commune)
            communes[row.new_code] = commune
            summary.created += 1
        elif (commune.name, commune.kind.value) != (row.new_name, row.new_kind):
            commune.name, commune.kind = row.new_name, CommuneKind(row.new_kind)
            summary.updated += 1
        unit = units.get(row.old_code)
        if unit is None:
            unit = OldUnit(
                province_code=province.code,
                code=row.old_code,
                name=row.old_name,
                kind=UnitKind(row.old_kind),
                district=row.old_district,
            )
            db.session.add(unit)
            units[row.old_code] = unit
        else:
            unit.name, unit.kind, unit.district = row.old_name, UnitKind(row.old_kind), row.old_district
        wanted.add((row.old_code, row.new_code))
    db.session.flush()
    existing = {(link.unit.code, link.commune.code): link for c in communes.values() for link in c.links}
    for row in rows:
        key = (row.old_code, row.new_code)
        link = existing.get(key)
        source = row.source
        if link is None:
            link = MergerLink(unit=units[row.old_code], commune=communes[row.new_code])
            db.session.add(link)
            existing[key] = link
        link.partial, link.extra = row.partial, row.extra
        link.source_file = source.file if source else ""
        link.source_row = source.row if source else None
    for key, link in existing.items():
        if key not in wanted:
            db.session.delete(link)
            summary.warnings.append(f"Bỏ liên kết {key[0]} → {key[1]} (không còn trong tệp).")
    db.session.flush()
    return summary


def _communes(province: Province) -> list[Commune]:
    # queried, not province.communes: the collection may predate communes added in this transaction
    return list(
        db.session.scalars(
            db.select(Commune).where(Commune.province_code == province.code).order_by(Commune.code)
        )
    )


def _template_for(commune: Commune, positions: tuple[PositionRecord, ...]) -> dict[str, PositionRecord]:
    """The framework rows that apply to this commune, the most specific winning per position code."""
    rank = {"all": 0, commune.kind.value: 1, commune.code: 2}
    chosen: dict[str, tuple[int, PositionRecord]] = {}
    for rec in positions:
        level = rank.get(rec.applies_to)
        if level is None:
            continue
        if rec.code not in chosen or chosen[rec.code][0] <= level:
            chosen[rec.code] = (level, rec)
    return {code: rec for code, (_, rec) in chosen.items()}


def load_framework(province: Province, framework: Framework) -> LoadSummary:
    """Lay out departments, positions, requirements, quotas and shared caps for every commune."""
    summary = LoadSummary()
    quotas = {q.commune_code: q for q in framework.quotas}
    positions_in_use = {
        pid
        for (pid,) in db.session.execute(
            db.text("SELECT DISTINCT position_id FROM assignment WHERE position_id IS NOT NULL")
        )
    }
    communes = list(
        db.session.scalars(
            db.select(Commune)
            .where(Commune.province_code == province.code)
            .order_by(Commune.code)
            .options(
                selectinload(Commune.departments)
                .selectinload(Department.positions)
                .selectinload(Position.requirements),
                selectinload(Commune.caps),
            )
        )
    )
    with db.session.no_autoflush:
        requirements = _lay_out(communes, framework, quotas, positions_in_use, summary)
    db.session.flush()
    # Tens of thousands of requirement rows: written with one bulk statement, not as ORM objects.
    ids = [position.id for position, _ in requirements]
    for start in range(0, len(ids), 500):
        db.session.execute(
            db.delete(Requirement).where(Requirement.position_id.in_(ids[start : start + 500]))
        )
    rows = [
        {"position_id": position.id, "attr": r.attr, "op": r.op, "value": r.value, "hard": r.hard}
        for position, recs in requirements
        for r in recs
    ]
    if rows:
        db.session.execute(db.insert(Requirement), rows)
    for position, _ in requirements:
        db.session.expire(position, ["requirements"])
    for commune in communes:
        for dept in list(commune.departments):
            if not dept.positions:
                db.session.delete(dept)
    db.session.flush()
    return summary


def _lay_out(
    communes: list[Commune],
    framework: Framework,
    quotas: dict[str, Any],
    positions_in_use: set[int],
    summary: LoadSummary,
) -> list[tuple[Position, tuple[Any, ...]]]:
    """Departments, positions and caps of each commune; returns each position's requirements to write."""
    requirements: list[tuple[Position, tuple[Any, ...]]] = []
    for commune in communes:
        if (quota := quotas.get(commune.code)) is not None:
            commune.payroll_quota, commune.target_quota = quota.payroll_quota, quota.target_quota
        template = _template_for(commune, framework.positions)
        departments = {(d.block.value, d.name): d for d in commune.departments}
        existing = {p.code: p for d in commune.departments for p in d.positions}
        for code, rec in template.items():
            dept = departments.get((rec.block, rec.department))
            if dept is None:
                dept = Department(commune=commune, block=Block(rec.block), name=rec.department)
                db.session.add(dept)
                departments[(rec.block, rec.department)] = dept
            full_code = f"{commune.code}/{code}"
            position = existing.pop(full_code, None)
            if position is None:
                position = Position(
                    code=full_code,
                    department=dept,
                    title=rec.title,
                    level=Level(rec.level),
                    job_family=rec.job_family,
                    min_holders=rec.min,
                    max_holders=rec.max,
                )
                db.session.add(position)
                summary.created += 1
            else:
                position.department, position.title, position.level = dept, rec.title, Level(rec.level)
                position.job_family, position.min_holders, position.max_holders = (
                    rec.job_family,
                    rec.min,
                    rec.max,
                )
                summary.updated += 1
            requirements.append((position, rec.requirements))
        for code, position in existing.items():
            if position.id in positions_in_use:
                summary.warnings.append(
                    f"Vị trí {code} không còn trong khung nhưng đang có người trong phương án; giữ lại."
                )
            else:
                db.session.delete(position)
        caps = [c for c in framework.caps if c.applies_to in ("all", commune.kind.value, commune.code)]
        specific = {c.name for c in caps if c.applies_to == commune.code}
        commune.caps = [
            SharedCap(
                name=c.name, max=c.max, position_codes=[f"{commune.code}/{p}" for p in c.position_codes]
            )
            for c in caps
            if c.applies_to == commune.code or c.name not in specific
        ]
    return requirements


# The stored person's values from a record: every exchange field but the id and unit (which are
# the row's key and foreign key), from the one list in exchange/fields.py, plus what the reader
# keeps beside them.
PERSON_FIELDS = (
    *(f.name for f in ALL_FIELDS if f.name not in ("id", "unit")),
    "has_cccd",
    "raw",
    "import_notes",
)


_STORED_SPECS = tuple(f for f in ALL_FIELDS if f.name not in ("id", "unit"))
_AS_IS = frozenset({"str", "code", "scale", "bool", "number", "date"})  # dates stay dates for the database


def _record_values(rec: PersonRecord) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in _STORED_SPECS:
        value = getattr(rec, spec.name)
        values[spec.name] = value if spec.kind in _AS_IS else exchange_value(spec, value)
    values["has_cccd"] = rec.has_cccd
    # JSON writes tuples as arrays: no copy of the raw record needed
    values["raw"] = rec.raw
    values["import_notes"] = rec.notes
    return values


def _json_text(value: Any) -> str:
    return json.dumps(value)


def _comparable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


class PeopleIndex:
    """The province's stored people by CCCD and by (name, birth date), loaded once per file."""

    def __init__(self, province: Province) -> None:
        # the raw records are large and only this unit's are compared (load_roster reads them apart)
        people = db.session.scalars(
            db.select(Person)
            .where(Person.province_code == province.code)
            .options(defer(Person.raw), defer(Person.import_notes))
        ).all()
        self.by_key = {p.key: p for p in people}
        self.by_name: dict[tuple[str, Any], list[Person]] = {}
        for p in people:
            self.by_name.setdefault((p.name, p.birth_date), []).append(p)

    def find(self, unit: OldUnit, rec: PersonRecord) -> tuple[Person | None, str | None]:
        """The stored person this record describes, and how: by CCCD, else by name + birth date."""
        if rec.has_cccd and (person := self.by_key.get(rec.id)) is not None:
            return person, "cccd"
        same = self.by_name.get((rec.name, rec.birth_date), [])
        if not same:
            return None, None
        return sorted(same, key=lambda p: p.unit_id != unit.id)[0], "name_birth_date"

    def add(self, person: Person) -> None:
        self.by_key[person.key] = person
        self.by_name.setdefault((person.name, person.birth_date), []).append(person)


def load_roster(province: Province, unit_code: str, result: ImportResult[PersonRecord]) -> LoadSummary:
    """Create or update the people of one unit's roster; rows the reader rejected are not in `records`."""
    unit = db.session.scalar(
        db.select(OldUnit).where(OldUnit.province_code == province.code, OldUnit.code == unit_code)
    )
    if unit is None:
        raise LoadError(
            f"Đơn vị cũ '{unit_code}' chưa có trong phương án sắp xếp của tỉnh {province.name}; "
            "hãy nhập phương án sắp xếp (merger map) trước."
        )
    summary = LoadSummary(rejected=max(0, result.rows - len(result.records)))
    index = PeopleIndex(province)
    # this unit's raw records as stored text: compared as text, not decoded (10,000 rows a file)
    stored_raw = {
        row[0]: (row[1], row[2])
        for row in db.session.execute(
            db.select(Person.id, cast(Person.raw, Text), cast(Person.import_notes, Text)).where(
                Person.unit_id == unit.id
            )
        )
    }
    new_rows: dict[str, dict[str, Any]] = {}  # written with one bulk insert at the end
    for rec in result.records:
        if rec.id in new_rows:
            # the same person twice in this file: the reader reported it; the first row stands
            summary.duplicates.append(
                {
                    "row": rec.source.row if rec.source else None,
                    "key": rec.id,
                    "name": rec.name,
                    "by": "cccd",
                    "other_unit": unit.code,
                }
            )
            continue
        values = _record_values(rec)
        person, matched_by = index.find(unit, rec)
        source = rec.source
        if person is not None and person.unit_id != unit.id:
            # Listed by two units (a transfer, a typing slip): keep both facts for a reviewer to decide.
            with db.session.no_autoflush:
                _flag_duplicate(province, person, unit, rec, matched_by or "cccd")
            summary.duplicates.append(
                {
                    "row": source.row if source else None,
                    "key": rec.id,
                    "name": rec.name,
                    "by": matched_by,
                    "other_unit": person.unit.code,
                }
            )
            continue
        if person is None:
            new_rows[rec.id] = {
                "province_code": province.code,
                "key": rec.id,
                "unit_id": unit.id,
                **values,
                "source_file": source.file if source else "",
                "source_sheet": source.sheet if source else "",
                "source_row": source.row if source else None,
            }
            summary.created += 1
            summary.changes.append(
                {
                    "row": source.row if source else None,
                    "key": rec.id,
                    "name": rec.name,
                    "change": "new",
                    "fields": [],
                }
            )
            continue
        # the raw record and notes follow the file but are not a change of the person
        raw, notes = stored_raw.get(person.id, (None, None))
        if raw != _json_text(values["raw"]):
            person.raw = values["raw"]
        if notes != _json_text(values["import_notes"]):
            person.import_notes = values["import_notes"]
        changed = [
            f
            for f, v in values.items()
            if f not in ("raw", "import_notes") and _comparable(getattr(person, f)) != _comparable(v)
        ]
        if person.key != rec.id and rec.has_cccd:
            changed.append("key")
            person.key = rec.id
        if changed:
            for f in changed:
                if f in values:
                    setattr(person, f, values[f])
            summary.updated += 1
            summary.changes.append(
                {
                    "row": source.row if source else None,
                    "key": rec.id,
                    "name": rec.name,
                    "change": "updated",
                    "fields": changed,
                }
            )
        else:
            summary.unchanged += 1
        if source is not None:
            person.source_file, person.source_sheet, person.source_row = source.file, source.sheet, source.row
    db.session.flush()
    if new_rows:
        db.session.execute(db.insert(Person), list(new_rows.values()))
    relations = result.extra.get("relations", [])
    summary.warnings.extend(load_relations(province, relations, PeopleIndex(province) if new_rows else index))
    return summary


def _flag_duplicate(province: Province, person: Person, unit: OldUnit, rec: PersonRecord, by: str) -> None:
    source = rec.source
    existing = db.session.scalar(
        db.select(PersonDuplicate).where(
            PersonDuplicate.person_id == person.id, PersonDuplicate.unit_id == unit.id
        )
    )
    if existing is None:
        existing = PersonDuplicate(province_code=province.code, person=person, unit=unit, by=by)
        db.session.add(existing)
    existing.source_file = source.file if source else ""
    existing.source_row = source.row if source else None
    existing.record = rec.to_problem_dict()


def load_relations(
    province: Province,
    relations: list[RelationRecord] | tuple[RelationRecord, ...],
    index: PeopleIndex | None = None,
) -> list[str]:
    """Link related people already stored; report the ones whose other half is not imported yet."""
    warnings: list[str] = []
    if not relations:
        return warnings
    index = index or PeopleIndex(province)
    for rel in relations:
        a, b = index.by_key.get(rel.a), index.by_key.get(rel.b)
        if a is None or b is None:
            missing = rel.a if a is None else rel.b
            warnings.append(
                f"Quan hệ gia đình với người có số định danh …{missing[-4:]} chưa ghép được "
                "(người này chưa được nhập)."
            )
            continue
        first, second = sorted((a, b), key=lambda p: p.id)
        exists = db.session.scalar(
            db.select(Relation).where(
                Relation.person_a_id == first.id, Relation.person_b_id == second.id, Relation.kind == rel.kind
            )
        )
        if exists is None:
            db.session.add(Relation(person_a=first, person_b=second, kind=rel.kind))
    db.session.flush()
    return warnings


def record_batch(
    province: Province,
    kind: str,
    filename: str,
    content: bytes,
    report: dict[str, Any],
    summary: LoadSummary,
    user: User | None,
    unit_code: str | None = None,
) -> ImportBatch:
    """Keep which file was imported, by whom, and what it changed (provenance of every stored value)."""
    batch = ImportBatch(
        province_code=province.code,
        kind=kind,
        filename=filename,
        sha256=hashlib.sha256(content).hexdigest(),
        unit_code=unit_code,
        rows=report.get("rows", 0),
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        rejected=summary.rejected,
        report={
            k: v for k, v in report.items() if k in ("errors", "duplicates", "rows", "accepted", "rejected")
        },
        user_id=user.id if user is not None else None,
    )
    db.session.add(batch)
    db.session.flush()
    return batch
