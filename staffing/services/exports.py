"""A plan's papers: the plan read once into the rows of staffing/exports/plandata.py, then its decisions and
workbooks rendered by staffing/exports (which never reads the database), with the province's settings,
the user's scope and the audit trail. What routes, commands and export jobs call."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from decimal import Decimal
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy.orm import selectinload

from policy.exits import POSITION_ALLOWANCE_BY_LEVEL, post_allowance

from ..audit import record
from ..exports.compose import DecisionDoc, compose, routes_of
from ..exports.decisions import Renderers, archive_name, render_all, write_zip
from ..exports.plandata import AssignmentRow, CommuneRow, PersonRow, PlanData, PositionRow
from ..exports.settings import SETTINGS_FILE, DocumentSettings, load_settings, search_dirs
from ..exports.text import ascii_slug
from ..exports.workbooks import index_workbook_bytes, plan_workbook_bytes
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
    User,
)

logger = logging.getLogger(__name__)
INDEX_NAME = "muc-luc.xlsx"
Progress = Callable[[int, int], None]
# More decisions to batch after the plan's own, numbered on from `start` (e.g. the exit decisions of
# staffing/services/exits.py; passed in by the caller so this module imports none of them)
ExtraDocs = Callable[[DocumentSettings, int], list[DecisionDoc]]


def allowance_table() -> dict[str, Decimal]:
    """Position-allowance coefficient of a new post by level: POSITION_ALLOWANCE_BY_LEVEL in the app config
    over the documented defaults of policy/exits.py."""
    configured = current_app.config.get("POSITION_ALLOWANCE_BY_LEVEL") or {}
    return {**POSITION_ALLOWANCE_BY_LEVEL, **{k: Decimal(str(v)) for k, v in configured.items()}}


_SETTINGS: dict[tuple[object, ...], DocumentSettings] = {}


def _files_stamp(province_code: str, dirs: list[Path]) -> tuple[object, ...]:
    """When the settings folders last changed: each folder's and each settings file's modification time
    (a file added, removed or edited in place changes one of them)."""
    out: list[object] = []
    for d in dirs:
        for path in (d, d / province_code, d / SETTINGS_FILE, d / province_code / SETTINGS_FILE):
            try:
                out.append(path.stat().st_mtime_ns)
            except OSError:
                out.append(None)
    return tuple(out)


def document_settings(province_code: str) -> DocumentSettings:
    """The province's settings: templates/documents, <instance>/documents, DOCUMENT_TEMPLATE_DIRS.

    Read again only when a settings folder or file changed (person pages ask for them on every view).
    """
    extra = current_app.config.get("DOCUMENT_TEMPLATE_DIRS") or []
    dirs = search_dirs(current_app.instance_path, list(extra))
    key = (province_code, tuple(dirs), _files_stamp(province_code, dirs))
    found = _SETTINGS.get(key)
    if found is None:
        found = load_settings(province_code, dirs)
        if len(_SETTINGS) > 64:
            _SETTINGS.clear()
        _SETTINGS[key] = found
    return found


def plan_data(plan: Plan, user: User | None = None) -> PlanData:
    """The plan as rows, limited to the user's communes when their scope has some."""
    return load_plan_data(plan, user.communes if user is not None and user.communes else None)


def draft_prefix(data: PlanData, settings: DocumentSettings) -> str:
    """ "DU-THAO_" before every file name of a plan not yet approved."""
    return f"{ascii_slug(str(settings.general.get('draft_mark', 'DỰ THẢO')))}_" if data.draft else ""


def workbook_name(data: PlanData, settings: DocumentSettings) -> str:
    """ASCII download name of the plan workbook."""
    return f"{draft_prefix(data, settings)}phuong-an-{data.plan_id}_{ascii_slug(data.province_name)}.xlsx"


def zip_name(data: PlanData, settings: DocumentSettings, mode: str) -> str:
    """ASCII download name of the decisions ZIP."""
    return (
        f"{draft_prefix(data, settings)}quyet-dinh_phuong-an-{data.plan_id}_"
        f"{ascii_slug(data.province_name)}_{mode.replace('_', '-')}.zip"
    )


def assignment_routes(data: PlanData, settings: DocumentSettings) -> dict[int, tuple[str, str]]:
    """Assignment id -> (kind of decision, issuing body), for the workbook."""
    return routes_of(data, settings)


def workbook(plan: Plan, user: User | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of the plan workbook."""
    data = plan_data(plan, user)
    settings = document_settings(data.province_code)
    mark = str(settings.general.get("draft_mark", "DỰ THẢO"))
    return workbook_name(data, settings), plan_workbook_bytes(data, assignment_routes(data, settings), mark)


def decisions_zip(
    plan: Plan,
    out: IO[bytes],
    mode: str = "per_person",
    user: User | None = None,
    progress: Progress | None = None,
    extra_docs: ExtraDocs | None = None,
) -> tuple[str, int]:
    """Write the ZIP of the plan's decisions to `out`; returns (download name, number of decisions)."""
    started = time.monotonic()
    data = load_plan_data(plan)  # numbered over the whole plan, then cut to the user's communes
    settings = document_settings(data.province_code)
    docs = scoped_decisions(plan, settings, mode, user, data)
    if extra_docs is not None:
        docs += extra_docs(settings, len(docs) + 1)
    index = index_workbook_bytes(data, docs, archive_name, str(settings.general.get("draft_mark", "DỰ THẢO")))
    write_zip(docs, Renderers(settings.template_for), out, index, INDEX_NAME, progress)
    logger.info("plan %s: %d decisions (%s) in %.1f s", plan.id, len(docs), mode, time.monotonic() - started)
    return zip_name(data, settings, mode), len(docs)


def decisions_to_dir(
    plan: Plan,
    out_dir: Path,
    mode: str = "per_person",
    progress: Progress | None = None,
    extra_docs: ExtraDocs | None = None,
) -> list[Path]:
    """Write every decision under `out_dir` (a folder per commune) and the table of contents."""
    data = plan_data(plan)
    settings = document_settings(data.province_code)
    docs = compose(data, settings, mode)
    if extra_docs is not None:
        docs += extra_docs(settings, len(docs) + 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    mark = str(settings.general.get("draft_mark", "DỰ THẢO"))
    index = out_dir / f"{draft_prefix(data, settings)}{INDEX_NAME}"
    index.write_bytes(index_workbook_bytes(data, docs, archive_name, mark))
    written = [index]
    for i, (name, blob) in enumerate(render_all(docs, Renderers(settings.template_for)), start=1):
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)
        written.append(path)
        if progress is not None:
            progress(i, len(docs))
    return written


def one_decision(plan: Plan, assignment_id: int, user: User | None = None) -> tuple[str, bytes] | None:
    """(file name, bytes) of one person's decision, as in the batch (same number and file name), or None."""
    settings = document_settings(plan.province_code)
    for doc in scoped_decisions(plan, settings, "per_person", user):
        if doc.people[0].assignment_id == assignment_id:
            return doc.filename, Renderers(settings.template_for).render(doc)
    return None


def scoped_decisions(
    plan: Plan, settings: DocumentSettings, mode: str, user: User | None, data: PlanData | None = None
) -> list[DecisionDoc]:
    """The plan's decisions numbered over the whole plan, then only those of the user's communes."""
    docs = compose(data or load_plan_data(plan), settings, mode)
    if user is not None and user.communes:
        visible = set(user.communes)
        docs = [d for d in docs if d.commune_code in visible]
    return docs


def audit_export(plan: Plan, what: str, after: dict[str, object], user: User | None) -> None:
    """Record who took which papers of which plan, in what state (the caller commits)."""
    record(
        "export",
        what,
        user=user,
        entity_id=plan.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        after={**after, "status": plan.status.value},
    )


# ------------------------------------------------------------ the plan read once into rows


def load_plan_data(plan: Plan, communes: Collection[str] | None = None) -> PlanData:
    """Read the plan; with `communes`, only those communes and the unplaced people of units feeding them."""
    province = db.session.get(Province, plan.province_code)
    if province is None:
        raise LookupError(f"plan {plan.id}: no province {plan.province_code}")
    scope = set(communes) if communes else None
    commune_rows = [
        CommuneRow(c.id, c.code, c.name, c.kind.value, c.payroll_quota)
        for c in db.session.scalars(
            db.select(Commune).where(Commune.province_code == plan.province_code).order_by(Commune.code)
        )
        if scope is None or c.code in scope
    ]
    commune_codes = {c.id: c.code for c in commune_rows}
    positions: dict[int, PositionRow] = {}
    allowances = allowance_table()
    query = (
        db.select(Position, Department)
        .join(Department, Position.department_id == Department.id)
        .where(Department.commune_id.in_(list(commune_codes)))
        .order_by(Department.id, Position.id)
    )
    for pos, dept in db.session.execute(query):
        positions[pos.id] = PositionRow(
            pos.id,
            pos.code,
            pos.title,
            pos.level.value,
            pos.min_holders,
            pos.max_holders,
            dept.id,
            dept.name,
            dept.block.value,
            commune_codes[dept.commune_id],
            float(post_allowance(pos.level.value, allowances)),
        )
    feeding: set[int] | None = None
    if scope is not None:
        feeding = set(
            db.session.scalars(
                db.select(MergerLink.old_unit_id)
                .join(Commune)
                .where(Commune.code.in_(scope), Commune.province_code == plan.province_code)
            )
        )
    rows = db.session.scalars(
        db.select(Assignment)
        .where(Assignment.plan_id == plan.id)
        .options(selectinload(Assignment.person).selectinload(Person.unit))
    ).all()
    placed, unplaced = [], []
    for a in rows:
        if a.position_id is not None:
            position = positions.get(a.position_id)
            if position is None:
                continue  # outside the user's communes
            placed.append(_assignment_row(a, position))
        elif feeding is None or a.person.unit_id in feeding:
            unplaced.append(_assignment_row(a, None))
    order = {p.id: i for i, p in enumerate(positions.values())}
    placed.sort(
        key=lambda r: (
            r.position.commune_code if r.position else "",
            order[r.position.id] if r.position else 0,
            r.person.name,
            r.person.key,
        )
    )
    unplaced.sort(key=lambda r: (r.person.unit_code, r.person.name, r.person.key))
    shortfalls = [
        (positions[s.position_id], s.missing)
        for s in db.session.scalars(db.select(Shortfall).where(Shortfall.plan_id == plan.id))
        if s.position_id in positions
    ]
    return PlanData(
        plan.id,
        plan.name,
        plan.status.value,
        province.code,
        province.name,
        province.as_of,
        tuple(commune_rows),
        tuple(positions.values()),
        tuple(placed),
        tuple(unplaced),
        tuple(shortfalls),
    )


def _assignment_row(a: Assignment, position: PositionRow | None) -> AssignmentRow:
    return AssignmentRow(
        a.id,
        person_row(a.person, a.person.unit),
        position,
        a.source,
        a.locked,
        tuple(a.gaps or ()),
        a.early_retirement,
    )


def person_row(p: Person, unit: OldUnit) -> PersonRow:
    """The fields of a person that documents show."""
    return PersonRow(
        p.id,
        p.key,
        p.name,
        p.birth_date,
        p.gender,
        p.category,
        p.current_title or "",
        unit.code,
        unit.name,
        unit.kind.value,
        unit.district or "",
        bool(p.disciplined),
        p.retirement_date,
        p.position_allowance,
    )
