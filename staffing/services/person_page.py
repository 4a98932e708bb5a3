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
    "name",
    "birth_date",
    "gender",
    "ethnicity",
    "home_commune",
    "category",
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
    """The decisions the plan's exports will issue for this person (kind and issuing body)."""
    if assignment is None or assignment.position is None:
        return []
    commune = assignment.position.department.commune.code
    try:
        from . import exports

        settings = exports.document_settings(plan.province_code)
        routes = exports.assignment_routes(exports.load_plan_data(plan, communes=[commune]), settings)
    except Exception:  # a broken document setting must not hide the person's page
        logger.exception("decisions of assignment %s", assignment.id)
        return []
    found = routes.get(assignment.id)
    return [Decision(assignment.id, found[0], found[1])] if found else []
