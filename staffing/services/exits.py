"""Exits of a plan: every person not appointed, the path a reviewer picked (or the suggested one), the
allowance computed by policy/exits.py, and the old leadership posts that end (miễn nhiệm).

Rows in, plain dataclasses out: the exports (annex workbook, decisions) and the pages only read these.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app

from policy.exits import (
    BASE_SALARY_HISTORY,
    ExitCase,
    ExitPath,
    Pay,
    base_salary_on,
    compute,
    post_allowance,
    suggest,
    term_end_on,
)
from solver.pairs import title_level
from solver.problem import statutory_retirement

from ..audit import record
from ..exports.compose import DecisionDoc
from ..exports.decisions import Renderers, render_all
from ..exports.exit_decisions import compose_exits
from ..exports.exitdata import EndedPost, ExitData, ExitRow
from ..exports.exits_workbook import ANNEX_NAME, exits_workbook_bytes
from ..exports.settings import DocumentSettings
from ..exports.text import ascii_slug
from ..extensions import db
from ..models import (
    Assignment,
    Commune,
    ExitChoice,
    MergerLink,
    OldUnit,
    Person,
    Plan,
    Position,
    Province,
    User,
)
from .exports import allowance_table, document_settings
from .plan_views import cached


def old_level(title: str | None) -> str:
    """The level of an old post from its title, as the solver reads it: key, head, deputy or staff."""
    return title_level(title)


def pay_of(p: Person) -> Pay:
    def dec(v: float | None) -> Decimal | None:
        return None if v is None else Decimal(str(v))

    return Pay(
        salary_coefficient=dec(p.salary_coefficient),
        position_allowance=dec(p.position_allowance),
        seniority_pct=dec(p.seniority_pct),
        other_allowances=p.other_allowances,
        insurance_years=dec(p.insurance_years),
        part_time_allowance=p.part_time_allowance,
    )


def retirement_of(p: Person) -> date | None:
    if p.retirement_date is not None:
        return p.retirement_date
    if p.birth_date is None or p.gender not in ("M", "F"):
        return None
    return statutory_retirement(p.birth_date, p.gender)


def default_leave_date(decided: date) -> date:
    """The first day of the month after the restructuring decision."""
    return date(decided.year + (decided.month == 12), decided.month % 12 + 1, 1)


def decision_date(plan: Plan) -> date:
    """The restructuring decision: the documents' decision date when set, else the province's as-of date."""
    settings = document_settings(plan.province_code)  # the same date the decisions carry
    value = settings.general.get("decision_date")
    if isinstance(value, date):
        return value
    if value:
        return date.fromisoformat(str(value))
    province = db.session.get(Province, plan.province_code)
    return province.as_of if province is not None else date(2025, 7, 1)


def term_end(plan: Plan) -> date:
    """The end of the current term: term_end in the documents' [general] settings when set, else the
    default of policy.exits.TERM_HISTORY (30/6/2026, to confirm) for the restructuring decision's date."""
    value = document_settings(plan.province_code).general.get("term_end")
    if isinstance(value, date):
        return value
    if value:
        return date.fromisoformat(str(value))
    return term_end_on(decision_date(plan))


def base_salary_history() -> tuple[tuple[date, int], ...]:
    """The dated base salary: BASE_SALARY_HISTORY in the app config, else the statutory table."""
    configured = current_app.config.get("BASE_SALARY_HISTORY")
    if not configured:
        return BASE_SALARY_HISTORY
    return tuple((d if isinstance(d, date) else date.fromisoformat(str(d)), int(v)) for d, v in configured)


def _feeds(province_code: str) -> dict[int, tuple[str, str]]:
    """old unit id -> (code, name) of the first new commune it feeds."""
    out: dict[int, tuple[str, str]] = {}
    query = (
        db.select(MergerLink.old_unit_id, Commune.code, Commune.name)
        .join(Commune, MergerLink.commune_id == Commune.id)
        .where(Commune.province_code == province_code)
        .order_by(MergerLink.extra, MergerLink.partial, Commune.code)
    )
    for unit_id, code, name in db.session.execute(query):
        out.setdefault(unit_id, (code, name))
    return out


def make_case(
    p: Person, path: ExitPath | None, choice: ExitChoice | None, decided: date, history: Any
) -> ExitCase:
    leave = (choice.leave_date if choice and choice.leave_date else None) or default_leave_date(decided)
    case = ExitCase(
        path=path or ExitPath.SURPLUS,
        category=p.category or "",  # unknown (issue 11): not a part-time worker
        retirement_date=retirement_of(p),
        leave_date=leave,
        decision_date=decided,
        pay=pay_of(p),
        service_start=p.service_start,
        base_salary=base_salary_on(leave, history),
        disciplined=bool(p.disciplined) and (p.disciplined_until is None or p.disciplined_until >= leave),
        under_investigation=bool(choice and choice.under_investigation),
        maternity=bool(choice and choice.maternity),
        volunteers=bool(choice and choice.volunteers),
    )
    if path is None:
        case = dataclasses.replace(case, path=suggest(case))
    return case


def load_exit_data(plan: Plan, communes: set[str] | None = None) -> ExitData:
    """Every person the plan leaves unplaced, with a path and its amount; and every old post that ends."""
    province = db.session.get(Province, plan.province_code)
    decided = decision_date(plan)
    history = base_salary_history()
    feeds = _feeds(plan.province_code)
    choices = {
        c.person_id: c for c in db.session.scalars(db.select(ExitChoice).where(ExitChoice.plan_id == plan.id))
    }
    query = (
        db.select(Assignment, Person, OldUnit, Position)
        .join(Person, Assignment.person_id == Person.id)
        .join(OldUnit, Person.unit_id == OldUnit.id)
        .outerjoin(Position, Assignment.position_id == Position.id)
        .where(Assignment.plan_id == plan.id)
        .order_by(OldUnit.code, Person.name, Person.id)
    )
    rows: list[ExitRow] = []
    ended: list[EndedPost] = []
    allowances = allowance_table()
    for a, p, unit, seat in db.session.execute(query):
        commune_code, commune_name = feeds.get(unit.id, ("", ""))
        if communes is not None and commune_code not in communes:
            continue
        level = old_level(p.current_title)
        if level != "staff":
            ended.append(
                EndedPost(
                    p.id,
                    p.key,
                    p.name,
                    p.birth_date,
                    p.gender,
                    p.current_title or "",
                    unit.name,
                    unit.kind.value,
                    unit.district,
                    level,
                    commune_code,
                    commune_name,
                    seat is not None,
                    seat.level.value if seat is not None else None,
                    seat.title if seat is not None else "",
                    p.position_allowance,
                    float(post_allowance(seat.level.value, allowances)) if seat is not None else None,
                    p.category or "",
                )
            )
        if a.position_id is not None:
            continue
        choice = choices.get(p.id)
        path = ExitPath(choice.path) if choice else None
        case = make_case(p, path, choice, decided, history)
        rows.append(
            ExitRow(
                assignment_id=a.id,
                person_id=p.id,
                key=p.key,
                name=p.name,
                birth_date=p.birth_date,
                gender=p.gender,
                category=p.category or "",  # unknown (issue 11): not a part-time worker
                current_title=p.current_title or "",
                unit_code=unit.code,
                unit_name=unit.name,
                unit_kind=unit.kind.value,
                unit_district=unit.district,
                commune_code=commune_code,
                commune_name=commune_name,
                path=case.path,
                chosen=choice is not None,
                case=case,
                result=compute(case),
                old_level=level,
            )
        )
    return ExitData(
        plan_id=plan.id,
        plan_name=plan.name,
        status=plan.status.value,
        province_code=plan.province_code,
        province_name=province.name if province else plan.province_code,
        decision_date=decided,
        base_salary=base_salary_on(decided, history),
        rows=tuple(rows),
        ended=tuple(ended),
        term_end=term_end(plan),
        protection_months=int(
            document_settings(plan.province_code).general.get("pay_protection_months") or 6
        ),
    )


def exit_data(plan: Plan, communes: set[str] | None = None) -> ExitData:
    """load_exit_data kept per plan version and data stamp (a reviewer's pick, an import, any edit writes an
    audit entry and so builds it again): the exits, roadmap and demotions pages read it, never rebuild it."""
    scope = tuple(sorted(communes)) if communes else None
    settings_key = (
        decision_date(plan),
        term_end(plan),
        base_salary_history(),
        tuple(sorted(allowance_table().items())),
    )
    return cached("exit_data", plan, (scope, settings_key), lambda: load_exit_data(plan, communes))


def choose_exit(
    plan: Plan,
    person: Person,
    path: ExitPath,
    user: User | None,
    *,
    leave_date: date | None = None,
    maternity: bool = False,
    volunteers: bool = False,
    under_investigation: bool = False,
    note: str = "",
) -> ExitChoice:
    """Record a reviewer's pick of the exit path (audited); the caller commits."""
    choice: ExitChoice | None = db.session.scalar(
        db.select(ExitChoice).where(ExitChoice.plan_id == plan.id, ExitChoice.person_id == person.id)
    )
    before = None
    if choice is None:
        choice = ExitChoice(plan_id=plan.id, person_id=person.id)
        db.session.add(choice)
    else:
        before = {"path": choice.path, "leave_date": str(choice.leave_date or "")}
    choice.path = path.value
    choice.leave_date = leave_date
    choice.maternity = maternity
    choice.volunteers = volunteers
    choice.under_investigation = under_investigation
    choice.note = note
    choice.user_id = user.id if user is not None else None
    db.session.flush()
    record(
        "update",
        "exit_choice",
        user=user,
        entity_id=choice.id,
        person_id=person.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        before=before,
        after={
            "person": person.key,
            "path": path.value,
            "leave_date": str(leave_date or ""),
            "maternity": maternity,
            "volunteers": volunteers,
            "under_investigation": under_investigation,
        },
    )
    return choice


def exit_files(data: ExitData, settings: DocumentSettings) -> list[tuple[str, bytes]]:
    """(path inside the output folder, bytes): the annex workbook, then each decision under its commune."""
    mark = str(settings.general.get("draft_mark", "DỰ THẢO"))
    prefix = f"{ascii_slug(mark)}_" if data.status != "approved" else ""
    out = [(f"{prefix}{ANNEX_NAME}", exits_workbook_bytes(data, mark))]
    out += list(render_all(compose_exits(data, settings), Renderers(settings.template_for)))
    return out


def exit_docs_for(
    plan: Plan, user: User | None = None
) -> Callable[[DocumentSettings, int], list[DecisionDoc]]:
    """The exit and miễn nhiệm decisions of a plan, to batch after its appointments (numbered from `start`),
    limited to the user's communes when their scope has some."""
    scope = set(user.communes) if user is not None and user.communes else None

    def make(settings: DocumentSettings, start: int) -> list[DecisionDoc]:
        return compose_exits(load_exit_data(plan, scope), settings, start)

    return make
