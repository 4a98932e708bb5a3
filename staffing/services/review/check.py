"""Checking a change before it is made: new and resolved hard-rule violations, and its consequences."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    Assignment,
    Commune,
    Plan,
    Position,
)
from .common import KIND_VI, KINDS, Change, ChangeError, CheckResult, Consequence, Edit, failure_text
from .local import Local, build_local
from .locks import LOCK_KINDS, edit_rules, rules_problem
from .moves import edit_seats


def _affected(plan: Plan, change: Change) -> tuple[set[int], set[int], dict[int, int | None]]:
    """Communes and people a change touches, and the seats of those people now."""
    people = {change.person.id}
    if change.other is not None:
        people.add(change.other.id)
    seats: dict[int, int | None] = {}
    communes: set[int] = set()
    for a in db.session.scalars(
        db.select(Assignment)
        .where(Assignment.plan_id == plan.id, Assignment.person_id.in_(people))
        .options(selectinload(Assignment.position).selectinload(Position.department))
    ):
        seats[a.person_id] = a.position_id
        if a.position is not None:
            communes.add(a.position.department.commune_id)
    for pid in people:
        seats.setdefault(pid, None)
    if change.position is not None:
        communes.add(change.position.department.commune_id)
    if change.commune is not None:
        communes.add(change.commune.id)
    return communes, people, seats


def check_change(plan: Plan, change: Change) -> CheckResult:
    """What the change does to the plan: new and resolved hard-rule violations, and its consequences."""
    from solver.check import check_assignments

    if change.kind not in KINDS:
        raise ChangeError(_("Loại điều chỉnh không hợp lệ."))
    communes, people, seats = _affected(plan, change)
    local = build_local(plan, communes, people)
    before: dict[int, int | None] = dict(local.seats)
    for pid in people:
        before.setdefault(pid, seats.get(pid))
    edit = Edit(before, dict(before))
    person = change.person

    def locked(pid: int) -> bool:
        return pid in local.locked and local.seats.get(pid) is not None

    if change.kind in LOCK_KINDS:
        edit_rules(change, local, edit, locked)
    else:
        edit_seats(change, edit, locked)
    after, blocked = edit.after, edit.blocked
    problem0 = local.problem
    problem1 = rules_problem(problem0, edit)

    v0 = set(check_assignments(problem0, local.mapping(before)))
    v1 = check_assignments(problem1, local.mapping(after))
    new = [v for v in v1 if v not in v0]
    resolved = [v for v in v0 if v not in set(v1)]
    if change.kind == "lock" and not blocked:
        # locking a seat that already breaks a rule makes the next re-solve infeasible
        mine = [v for v in v1 if v.person == person.key]
        new.extend(v for v in mine if v not in new)

    consequences = _consequences(local, problem1, change, before, after)
    if change.kind == "lock" and new:
        consequences.insert(
            0,
            Consequence(
                "hard",
                _("Khóa một phân công vi phạm quy định bắt buộc: lần giải lại sẽ không tìm được phương án."),
            ),
        )
    for v in resolved:
        consequences.append(Consequence("good", _("Hết vi phạm: ") + v.message_vi))
    return CheckResult(change, blocked, new, resolved, consequences, after, before, local, problem1)


def _consequences(
    local: Local, problem: Any, change: Change, before: dict[int, int | None], after: dict[int, int | None]
) -> list[Consequence]:
    from solver.check import relation_conflict, soft_gaps

    out: list[Consequence] = []
    moved = [pid for pid in after if after[pid] != before.get(pid)]
    communes_by_id = dict(
        db.session.execute(
            db.select(Commune.id, Commune.name).where(Commune.id.in_(set(local.commune_of.values())))
        ).all()
    )
    count0 = Counter(s for s in before.values() if s is not None)
    count1 = Counter(s for s in after.values() if s is not None)
    for pid in moved:
        person = local.people[pid]
        old, new = before.get(pid), after[pid]
        if new is None:
            out.append(Consequence("warn", _("{name} sẽ chưa được bố trí.").format(name=person.name)))
            continue
        pos = local.positions[new]
        where = f"{pos.title} — {pos.department.name}, {communes_by_id[pos.department.commune_id]}"
        if old is None:
            out.append(
                Consequence(
                    "good", _("{name} được bố trí vào {where}.").format(name=person.name, where=where)
                )
            )
        else:
            out.append(
                Consequence("info", _("{name} chuyển đến {where}.").format(name=person.name, where=where))
            )
        gaps = soft_gaps(problem, person.key, pos.code)
        old_gaps = (
            soft_gaps(problem, person.key, local.code_of[old])
            if old is not None and old in local.code_of
            else None
        )
        for g in gaps:
            if old_gaps is None or g not in old_gaps:
                out.append(
                    Consequence(
                        "warn",
                        _("Tạo thiếu hụt tiêu chuẩn: {name} — {gap}").format(
                            name=person.name, gap=failure_text(g)
                        ),
                    )
                )
        if old_gaps:
            for g in old_gaps:
                if g not in gaps:
                    out.append(
                        Consequence(
                            "good",
                            _("Hết thiếu hụt: {name} — {gap}").format(name=person.name, gap=failure_text(g)),
                        )
                    )
        # related people in the same department, even where the rules allow it
        for other_key, kind in problem.related.get(person.key, []):
            other_id = local.person_of_key.get(other_key)
            seat = after.get(other_id) if other_id is not None else None
            if seat is None or other_id is None or seat not in local.code_of:
                continue
            other_pos = problem.position_by_id[local.code_of[seat]]
            this_pos = problem.position_by_id[pos.code]
            if other_pos.department_key == this_pos.department_key and not relation_conflict(
                this_pos, other_pos
            ):
                out.append(
                    Consequence(
                        "warn",
                        _("Có người thân ({kind}) cùng đơn vị: {other} ({title}).").format(
                            kind=KIND_VI.get(kind, kind),
                            other=local.people[other_id].name,
                            title=other_pos.title,
                        ),
                    )
                )
    for seat in sorted(set(count0) | set(count1)):
        n0, n1 = count0.get(seat, 0), count1.get(seat, 0)
        if seat not in local.code_of or n0 == n1:
            continue  # only seats whose holder count changes can gain or lose a shortfall
        pos = local.positions[seat]
        if n1 < pos.min_holders and n1 < n0:
            out.append(
                Consequence(
                    "warn",
                    _("{title} ({dept}) sẽ thiếu {n} người so với số tối thiểu.").format(
                        title=pos.title, dept=pos.department.name, n=pos.min_holders - n1
                    ),
                )
            )
        elif n0 < pos.min_holders and n1 > n0:
            out.append(
                Consequence(
                    "good",
                    _("Bù chỗ thiếu tại {title} ({dept}).").format(title=pos.title, dept=pos.department.name),
                )
            )
    by_commune0: Counter[int] = Counter()
    by_commune1: Counter[int] = Counter()
    for s, n in count0.items():
        if s in local.commune_of:
            by_commune0[local.commune_of[s]] += n
    for s, n in count1.items():
        if s in local.commune_of:
            by_commune1[local.commune_of[s]] += n
    communes = {
        c.id: c
        for c in db.session.scalars(
            db.select(Commune).where(Commune.id.in_(set(by_commune0) | set(by_commune1)))
        )
    }
    for cid, commune in communes.items():
        n0, n1 = by_commune0[cid], by_commune1[cid]
        if n0 != n1 and commune.payroll_quota is not None:
            sev = "hard" if n1 > commune.payroll_quota else "info"
            out.append(
                Consequence(
                    sev,
                    _("{name}: {n1}/{quota} biên chế (trước: {n0}).").format(
                        name=commune.name, n1=n1, quota=commune.payroll_quota, n0=n0
                    ),
                )
            )
    if change.kind in ("forbid_seat", "forbid_commune") and after.get(change.person.id) != before.get(
        change.person.id
    ):
        out.append(
            Consequence(
                "warn",
                _("{name} đang ở vị trí bị loại trừ nên sẽ được đưa ra khỏi vị trí.").format(
                    name=change.person.name
                ),
            )
        )
    return out
