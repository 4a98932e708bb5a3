"""What a person's page adds to the card: the record value by value with its source, other seats, papers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ..extensions import db
from ..models import Assignment, ImportBatch, Person, Plan

logger = logging.getLogger(__name__)

# The record's fields in the order a clerk reads a 2C profile.
FIELDS = (
    "key",
    "cmnd",
    "rank",
    "name",
    "birth_date",
    "gender",
    "ethnicity",
    "home_commune",
    "category",
    "block",
    "current_title",
    "job_family",
    "education",
    "field",
    "political_theory",
    "state_management",
    "party_member",
    "service_start",
    "ratings",
    "planned_for",
    "disciplined",
    "disciplined_until",
    "preferences",
    "retirement_date",
)


@dataclass
class Value:
    field: str
    value: Any
    source_file: str
    source_sheet: str
    source_row: int | None


@dataclass
class Source:
    file: str
    sheet: str
    row: int | None
    batch: ImportBatch | None


def record_values(person: Person) -> tuple[list[Value], Source]:
    """Every field of the record with the file, sheet and row it was read from."""
    batch = db.session.get(ImportBatch, person.import_batch_id) if person.import_batch_id else None
    source = Source(person.source_file, person.source_sheet, person.source_row, batch)
    # A raw record per row (issue 11) may name the column of each value: prefer it when present.
    raw = getattr(person, "raw", None)
    values = []
    for name in FIELDS:
        if not hasattr(person, name):
            continue
        value = getattr(person, name)
        cell = raw.get(name) if isinstance(raw, dict) else None
        cell = cell if isinstance(cell, dict) else {}
        values.append(
            Value(
                name,
                value,
                cell.get("file", person.source_file),
                cell.get("sheet", person.source_sheet),
                cell.get("row", person.source_row),
            )
        )
    return values, source


@dataclass
class Decision:
    assignment_id: int
    kind: str
    issuer: str


def decisions_for(plan: Plan, assignment: Assignment | None) -> list[Decision]:
    """The decisions the plan's exports will issue for this person: kind and issuing body.

    The same routing as the exports (settings.route, compose.routes_of), for this one seat only.
    """
    if assignment is None or assignment.position is None:
        return []
    pos = assignment.position
    commune = pos.department.commune
    try:
        from ..exports.settings import render_text
        from ..exports.text import commune_names, province_names
        from ..labels import label
        from ..models import UnitKind
        from . import exports

        settings = exports.document_settings(plan.province_code)
        district = assignment.person.unit.kind == UnitKind.DISTRICT_AGENCY
        kind, issuer = settings.route(pos.department.block.value, pos.level.value, district)
        ctx = {
            "commune": commune_names(commune.name, label("commune_kind", commune.kind.value)),
            "province": {**province_names(commune.province.name), **settings.province},
        }
        issuer_label = render_text(settings.issuers[issuer]["label"], ctx)
        return [Decision(assignment.id, settings.kinds[kind]["label"], issuer_label)]
    except Exception:  # a broken document setting must not hide the person's page
        logger.exception("decisions of assignment %s", assignment.id)
        return []
