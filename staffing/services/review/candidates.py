"""Candidates for a seat: who could take it, best first, with what the plan gains or loses."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    Assignment,
    MergerLink,
    Person,
    Plan,
    Position,
)
from .common import KIND_VI, failure_text
from .local import build_local

LEVEL_RANK = {"staff": 0, "deputy": 1, "head": 2, "key": 3}
RATING_DEFICIT = {"xuat_sac": 0, "tot": 1, "hoan_thanh": 2, "khong_hoan_thanh": 3}


def seat_cost(problem: Any, person_key: str, position_code: str, n_gaps: int | None = None) -> float:
    """The quality cost the solver's objective gives this pair (solver/weights.py); lower is better.

    Mirrors the documented terms of the weights (gap, rating, continuity, planning, preference, feeds_extra);
    `keep` is left out: a candidate is by definition a change.
    """
    from solver.check import soft_gaps

    w = problem.weights
    person = problem.person_by_id[person_key]
    pos = problem.position_by_id[position_code]
    lead = pos.level in ("key", "head", "deputy")
    if n_gaps is None:
        n_gaps = len(soft_gaps(problem, person_key, position_code))
    cost = w.gap * n_gaps
    last = problem.attrs[person_key].get("last_rating") or "hoan_thanh"
    cost += RATING_DEFICIT.get(last, 2) * w.rating * (2 if lead else 1)
    if person.job_family != pos.job_family:
        cost += w.continuity
    if lead and not any(LEVEL_RANK.get(lv, -1) >= LEVEL_RANK[pos.level] for lv in person.planned_for):
        cost += w.planning
    if person.preferences:
        prefs = list(person.preferences)
        rank = prefs.index(pos.commune) + 1 if pos.commune in prefs else None
        cost += w.preference * ((rank - 1) if rank is not None else w.preference_unlisted)
    unit = problem.unit_by_code[person.unit]
    if pos.commune not in unit.feeds and pos.commune in unit.feeds_extra:
        cost += w.feeds_extra
    return float(cost)


@dataclass
class Candidate:
    person: Person
    assignment: Assignment | None
    current: Position | None
    hard: list[str]
    gaps: list[dict[str, Any]]
    d_shortfall: dict[str, int]  # level -> change in empty required seats (negative is better)
    d_placed: int
    d_gaps: int
    d_quality: float
    notes: list[str]

    @property
    def eligible(self) -> bool:
        return not self.hard

    @property
    def shortfall_delta(self) -> int:
        return sum(self.d_shortfall.values())


def candidates(plan: Plan, position: Position, limit: int = 40) -> list[Candidate]:
    """People who could take this seat, best first, with what the plan gains or loses if they do."""
    from solver.check import hard_failures, relation_conflict, soft_gaps

    commune = position.department.commune
    unit_ids = set(
        db.session.scalars(db.select(MergerLink.old_unit_id).where(MergerLink.commune_id == commune.id))
    )
    pool_ids = set(
        db.session.scalars(
            db.select(Person.id).where(
                Person.province_code == plan.province_code, Person.unit_id.in_(unit_ids)
            )
        )
    )
    local = build_local(plan, {commune.id}, pool_ids)
    problem = local.problem
    holders_here = [pid for pid, seat in local.seats.items() if seat == position.id]
    pool = [pid for pid in pool_ids if pid not in holders_here]
    # current seats of the pool, with their holder counts (for the seat a candidate would leave)
    seat_of = dict(local.seats)
    origin_ids = {s for pid in pool if (s := seat_of.get(pid)) is not None}
    origin = {
        p.id: p
        for p in db.session.scalars(
            db.select(Position).where(Position.id.in_(origin_ids)).options(selectinload(Position.department))
        )
    }
    origin_count = Counter(
        db.session.scalars(
            db.select(Assignment.position_id).where(
                Assignment.plan_id == plan.id, Assignment.position_id.in_(origin_ids)
            )
        )
    )
    in_commune = sum(1 for seat in local.seats.values() if seat in local.code_of)
    here = problem.position_by_id[position.code]
    full = len(holders_here) >= position.max_holders
    # words are made once here, and failures put in words only for the candidates shown
    t_full = _("vị trí đã đủ người: phải chuyển một người đang giữ")
    t_leave = _("để trống {title} ({dept})")
    out: list[Candidate] = []
    for pid in pool:
        person = local.people[pid]
        key = person.key
        a = local.holders.get(pid)
        cur = origin.get(seat_of.get(pid)) if seat_of.get(pid) is not None else None  # type: ignore[arg-type]
        hard: list[Any] = list(hard_failures(problem, key, position.code))
        notes: list[str] = []
        for other_key, kind in problem.related.get(key, []):
            oid = local.person_of_key.get(other_key)
            oseat = seat_of.get(oid) if oid is not None else None
            if oid is not None and oseat is not None and oseat in local.code_of:
                opos = problem.position_by_id[local.code_of[oseat]]
                if relation_conflict(here, opos):
                    hard.append(
                        _("người thân ({kind}) {name} giữ {title}").format(
                            kind=KIND_VI.get(kind, kind),
                            name=local.people[oid].name,
                            title=opos.title,
                        )
                    )
        if a is not None and a.locked:
            hard.append(_("đang bị khóa ở vị trí hiện tại"))
        moving_in = cur is None or cur.department.commune_id != commune.id
        if (
            moving_in
            and commune.payroll_quota is not None
            and in_commune >= commune.payroll_quota
            and not full
        ):
            hard.append(_("{name} đã đủ biên chế ({q})").format(name=commune.name, q=commune.payroll_quota))
        if full:
            notes.append(t_full)
        gaps = soft_gaps(problem, key, position.code)
        d_short: dict[str, int] = defaultdict(int)
        if len(holders_here) < position.min_holders:
            d_short[position.level.value] -= 1
        if cur is not None and origin_count.get(cur.id, 0) <= cur.min_holders:
            d_short[cur.level.value] += 1
            notes.append(t_leave.format(title=cur.title, dept=cur.department.name))
        old_gaps = len(a.gaps or []) if a is not None and a.position_id is not None else 0
        new_cost = seat_cost(problem, key, position.code, len(gaps))
        old_cost = (
            seat_cost(problem, key, local.code_of[cur.id])
            if cur is not None and cur.id in local.code_of
            else None
        )
        if old_cost is None and cur is not None:
            # the old seat is in another commune: its cost needs that commune's problem; gaps stand in for it
            old_cost = problem.weights.gap * old_gaps
        out.append(
            Candidate(
                person,
                a,
                cur,
                hard,
                gaps,
                dict(d_short),
                1 if cur is None else 0,
                len(gaps) - old_gaps,
                new_cost - (old_cost or 0.0),
                notes,
            )
        )

    def rank(c: Candidate) -> tuple[Any, ...]:
        short = tuple(c.d_shortfall.get(lv, 0) for lv in ("key", "head", "deputy", "staff"))
        return (bool(c.hard), short, -c.d_placed, c.d_gaps, c.d_quality, c.person.name)

    out.sort(key=rank)
    shown = out[:limit]
    for c in shown:
        c.hard = [h if isinstance(h, str) else failure_text(h) for h in c.hard]
    return shown
