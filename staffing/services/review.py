"""Adjusting a draft plan: live hard-rule checks of one change, applying it, candidates for a seat.

A change touches at most a few communes, so checks build a solver problem of those communes only
(their positions, the people who hold them, the people who move) instead of the whole province.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import defer, selectinload

from ..audit import record
from ..extensions import db
from ..models import (
    Assignment,
    Commune,
    Department,
    Forbidden,
    MergerLink,
    OldUnit,
    Person,
    Plan,
    PlanComment,
    PlanStatus,
    Position,
    Province,
    Relation,
    Role,
    SharedCap,
    Shortfall,
    User,
    utcnow,
)

logger = logging.getLogger(__name__)

KINDS = ("move", "swap", "unassign", "lock", "unlock", "forbid_seat", "forbid_commune", "unforbid")
LEVEL_ORDER = {"key": 0, "head": 1, "deputy": 2, "staff": 3}
KIND_VI = {
    "spouse": "vợ/chồng",
    "parent": "cha/mẹ",
    "child": "con",
    "sibling": "anh chị em ruột",
    "in_law": "bên vợ/chồng",
}


class ChangeError(Exception):
    """A change that cannot be made at all (not a rule to override): bad ids, a locked seat, ..."""


class OverrideRequired(Exception):  # noqa: N818  (a request for input, not an error)
    """The change breaks a hard rule and no written override reason was given."""


@dataclass
class Change:
    """One adjustment a drafter asks for."""

    kind: str
    person: Person
    position: Position | None = None  # move target, or the seat of forbid_seat
    other: Person | None = None  # swap partner
    commune: Commune | None = None  # forbid_commune
    forbidden: Forbidden | None = None  # unforbid


@dataclass
class Consequence:
    severity: str  # hard | warn | good | info
    text: str


@dataclass
class CheckResult:
    change: Change
    blocked: str | None
    violations: list[Any]  # new hard-rule violations (solver.check.Violation)
    resolved: list[Any]
    consequences: list[Consequence]
    after: dict[int, int | None]  # person id -> position id after the change
    before: dict[int, int | None]
    local: Any = None  # the communes' problem, reused when the change is applied
    problem_after: Any = None  # the same with the change's locks and forbidden pairs

    @property
    def needs_override(self) -> bool:
        return bool(self.violations)


# ---------------------------------------------------------------- the local problem


@dataclass
class Local:
    """A solver problem of a few communes of a plan, with the id maps between rows and exchange ids."""

    plan: Plan
    problem: Any
    positions: dict[int, Position]
    people: dict[int, Person]
    holders: dict[int, Assignment]  # person id -> assignment, for people in the problem
    key_of: dict[int, str]
    code_of: dict[int, str]
    person_of_key: dict[str, int] = field(default_factory=dict)
    position_of_code: dict[str, int] = field(default_factory=dict)

    def mapping(self, seats: dict[int, int | None]) -> dict[str, str]:
        """Exchange-format person -> position for the seats inside the problem's communes."""
        return {
            self.key_of[p]: self.code_of[s] for p, s in seats.items() if s is not None and s in self.code_of
        }


def _units_and_communes(province_code: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every old unit with its feeds and every commune with its merged units and caps, read as plain rows."""
    units = db.session.execute(
        db.select(OldUnit.id, OldUnit.code, OldUnit.name, OldUnit.kind)
        .where(OldUnit.province_code == province_code)
        .order_by(OldUnit.code)
    ).all()
    communes = db.session.execute(
        db.select(Commune.id, Commune.code, Commune.name, Commune.kind, Commune.payroll_quota)
        .where(Commune.province_code == province_code)
        .order_by(Commune.code)
    ).all()
    links = db.session.execute(
        db.select(MergerLink.old_unit_id, MergerLink.commune_id, MergerLink.extra)
        .join(Commune, MergerLink.commune_id == Commune.id)
        .where(Commune.province_code == province_code)
    ).all()
    caps = db.session.execute(
        db.select(SharedCap.commune_id, SharedCap.name, SharedCap.position_codes, SharedCap.max)
        .join(Commune, SharedCap.commune_id == Commune.id)
        .where(Commune.province_code == province_code)
    ).all()
    code = {c.id: c.code for c in communes}
    unit_code = {u.id: u.code for u in units}
    unit_kind = {u.id: u.kind.value for u in units}
    feeds: dict[int, list[str]] = defaultdict(list)
    extra: dict[int, list[str]] = defaultdict(list)
    merged: dict[int, list[str]] = defaultdict(list)
    for unit_id, commune_id, is_extra in links:
        (extra if is_extra else feeds)[unit_id].append(code[commune_id])
        if not is_extra and unit_kind.get(unit_id) == "old_commune":
            merged[commune_id].append(unit_code[unit_id])
    out_units = []
    for u in units:
        item: dict[str, Any] = {
            "code": u.code,
            "name": u.name,
            "kind": u.kind.value,
            "feeds": sorted(feeds[u.id]),
        }
        if extra[u.id]:
            item["feeds_extra"] = sorted(extra[u.id])
        out_units.append(item)
    cap_by: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for commune_id, name, positions, cmax in caps:
        cap_by[commune_id].append({"name": name, "positions": list(positions), "max": cmax})
    out_communes = [
        {
            "id": c.id,
            "code": c.code,
            "name": c.name,
            "kind": c.kind.value,
            "payroll_quota": c.payroll_quota,
            "merged_from": sorted(merged[c.id]),
            "caps": cap_by[c.id],
        }
        for c in communes
    ]
    return out_units, out_communes


def build_local(plan: Plan, commune_ids: set[int], extra_people: set[int]) -> Local:
    """The problem of these communes: their positions and holders, plus the named extra people."""
    import solver

    from .plan_views import cached

    positions = {
        p.id: p
        for p in db.session.scalars(
            db.select(Position)
            .join(Department)
            .where(Department.commune_id.in_(commune_ids))
            .options(selectinload(Position.requirements), selectinload(Position.department))
            .order_by(Position.id)
        )
    }
    # reasons can be long (names of every commune in feeds): a check never reads them
    light = defer(Assignment.reasons), defer(Assignment.early_retirement)
    holders_q = (
        db.select(Assignment)
        .where(Assignment.plan_id == plan.id, Assignment.position_id.in_(positions))
        .options(*light)
    )
    holders = {a.person_id: a for a in db.session.scalars(holders_q)}
    if extra_people:
        for a in db.session.scalars(
            db.select(Assignment)
            .where(Assignment.plan_id == plan.id, Assignment.person_id.in_(extra_people))
            .options(*light)
        ):
            holders.setdefault(a.person_id, a)
    ids = set(holders) | set(extra_people)
    people = {
        p.id: p
        for p in db.session.scalars(
            db.select(Person).where(Person.id.in_(ids)).options(selectinload(Person.unit))
        )
    }
    key_of = {p.id: p.key for p in people.values()}
    code_of = {p.id: p.code for p in positions.values()}

    def make_problem() -> Any:
        return solver.load_problem(
            _document(plan, positions, people, holders, key_of, code_of, commune_ids, ids)
        )

    # the problem depends only on the plan version and the data (see plan_views.cached): build it once
    problem = cached("local", plan, (frozenset(commune_ids), frozenset(ids)), make_problem)
    local = Local(plan, problem, positions, people, holders, key_of, code_of)
    local.person_of_key = {v: k for k, v in key_of.items()}
    local.position_of_code = {v: k for k, v in code_of.items()}
    return local


def _document(
    plan: Plan,
    positions: dict[int, Position],
    people: dict[int, Person],
    holders: dict[int, Assignment],
    key_of: dict[int, str],
    code_of: dict[int, str],
    commune_ids: set[int],
    ids: set[int],
) -> dict[str, Any]:
    """The exchange-format document of a few communes of a plan."""
    units, communes = _units_and_communes(plan.province_code)
    commune_code = {c["id"]: c["code"] for c in communes}
    relations = [
        {"a": key_of[r.person_a_id], "b": key_of[r.person_b_id], "kind": r.kind}
        for r in db.session.scalars(
            db.select(Relation).where(Relation.person_a_id.in_(ids), Relation.person_b_id.in_(ids))
        )
    ]
    locks = [
        {"person": key_of[a.person_id], "position": code_of[a.position_id]}
        for a in holders.values()
        if a.locked and a.position_id in code_of
    ]
    forbidden = []
    for f in db.session.scalars(
        db.select(Forbidden).where(Forbidden.plan_id == plan.id, Forbidden.person_id.in_(ids))
    ):
        if f.position_id is not None and f.position_id in code_of:
            forbidden.append({"person": key_of[f.person_id], "position": code_of[f.position_id]})
        elif f.commune_id is not None:
            forbidden.append({"person": key_of[f.person_id], "commune": commune_code[f.commune_id]})
    province = db.session.get(Province, plan.province_code)
    if province is None:
        raise ChangeError("unknown province")
    return {
        "format": "staffing-problem/1",
        "province": {"code": province.code, "name": province.name},
        "as_of": province.as_of.isoformat(),
        "units": units,
        "communes": [
            {
                "code": c["code"],
                "name": c["name"],
                "kind": c["kind"],
                "payroll_quota": c["payroll_quota"],
                "merged_from": c["merged_from"],
                **({"caps": c["caps"]} if c["caps"] and c["id"] in commune_ids else {}),
            }
            for c in communes
        ],
        "positions": [
            {
                "id": p.code,
                "commune": commune_code[p.department.commune_id],
                "block": p.department.block.value,
                "department": p.department.name,
                "title": p.title,
                "level": p.level.value,
                "job_family": p.job_family,
                "min": p.min_holders,
                "max": p.max_holders,
                "requirements": [r.to_problem_dict() for r in p.requirements],
            }
            for p in positions.values()
        ],
        "people": [p.to_problem_dict() for p in people.values()],
        "relations": relations,
        "locks": locks,
        "forbidden": forbidden,
        "previous_plan": {},
        "weights": {},
    }


def commune_id_of(position: Position | None) -> int | None:
    return position.department.commune_id if position is not None else None


def current_seat(plan: Plan, person: Person) -> Assignment | None:
    return db.session.scalar(
        db.select(Assignment).where(Assignment.plan_id == plan.id, Assignment.person_id == person.id)
    )


# ---------------------------------------------------------------- describing rule failures


def failure_text(failure: dict[str, Any], lang: str = "vi") -> str:
    """A hard-requirement failure or gap in words, with the person's value."""
    from solver.reasons import requirement_vi, value_vi

    from ..labels import requirement_text

    rule = failure.get("rule")
    if rule == "feeds":
        return _("không thuộc diện điều động về xã này")
    if rule == "discipline":
        return _("đang trong thời hạn kỷ luật: không giữ chức vụ lãnh đạo")
    if rule == "forbidden":
        return _("đã bị loại trừ khỏi vị trí/xã này")
    text = requirement_vi(failure) if lang == "vi" else requirement_text(failure, lang)
    if "rule" not in failure and "attr" in failure:
        value = failure.get("value")
        shown = value_vi(value) if value not in (None, [], ()) else _("chưa có")
        text += " (" + _("hiện có") + ": " + (shown if lang == "vi" else str(value)) + ")"
    return text


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


# ---------------------------------------------------------------- checking a change


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
    before: dict[int, int | None] = {pid: a.position_id for pid, a in local.holders.items()}
    for pid in people:
        before.setdefault(pid, seats.get(pid))
    after = dict(before)
    person = change.person
    blocked: str | None = None
    assignment = local.holders.get(person.id)
    extra_forbidden: list[dict[str, str]] = []
    drop_lock: tuple[str, str] | None = None
    add_lock: tuple[str, str] | None = None
    drop_forbidden: dict[str, str] | None = None

    def locked(pid: int) -> bool:
        a = local.holders.get(pid)
        return bool(a is not None and a.locked and a.position_id is not None)

    if (
        change.kind in ("move", "swap", "unassign", "forbid_seat", "forbid_commune")
        and locked(person.id)
        and change.kind in ("move", "swap", "unassign")
    ):
        blocked = _("Phân công của {name} đang bị khóa: hãy mở khóa trước khi thay đổi.").format(
            name=person.name
        )
    if change.kind == "move":
        if change.position is None:
            raise ChangeError(_("Chưa chọn vị trí đến."))
        if before.get(person.id) == change.position.id:
            blocked = _("{name} đang giữ vị trí này.").format(name=person.name)
        after[person.id] = change.position.id
    elif change.kind == "swap":
        other = change.other
        if other is None or other.id == person.id:
            raise ChangeError(_("Chưa chọn người để đổi chỗ."))
        if locked(other.id):
            blocked = _("Phân công của {name} đang bị khóa: hãy mở khóa trước khi thay đổi.").format(
                name=other.name
            )
        if before.get(person.id) == before.get(other.id):
            blocked = _("Hai người đang ở cùng một vị trí: đổi chỗ không thay đổi gì.")
        after[person.id], after[other.id] = before.get(other.id), before.get(person.id)
    elif change.kind == "unassign":
        if before.get(person.id) is None:
            blocked = _("{name} hiện chưa được bố trí.").format(name=person.name)
        after[person.id] = None
    elif change.kind == "lock":
        if assignment is None or assignment.position_id is None:
            blocked = _("Chỉ khóa được người đã có vị trí.")
        elif assignment.locked:
            blocked = _("Phân công này đã được khóa.")
        else:
            add_lock = (local.key_of[person.id], local.code_of[assignment.position_id])
    elif change.kind == "unlock":
        if assignment is None or not assignment.locked:
            blocked = _("Phân công này chưa bị khóa.")
        elif assignment.position_id is not None:
            drop_lock = (local.key_of[person.id], local.code_of[assignment.position_id])
    elif change.kind == "forbid_seat":
        if change.position is None:
            raise ChangeError(_("Chưa chọn vị trí."))
        extra_forbidden.append({"person": person.key, "position": change.position.code})
        if before.get(person.id) == change.position.id:
            if locked(person.id):
                blocked = _("Phân công của {name} đang bị khóa: hãy mở khóa trước khi thay đổi.").format(
                    name=person.name
                )
            after[person.id] = None
    elif change.kind == "forbid_commune":
        if change.commune is None:
            raise ChangeError(_("Chưa chọn xã."))
        extra_forbidden.append({"person": person.key, "commune": change.commune.code})
        seat = before.get(person.id)
        if seat is not None and local.positions[seat].department.commune_id == change.commune.id:
            if locked(person.id):
                blocked = _("Phân công của {name} đang bị khóa: hãy mở khóa trước khi thay đổi.").format(
                    name=person.name
                )
            after[person.id] = None
    elif change.kind == "unforbid":
        f = change.forbidden
        if f is None:
            raise ChangeError(_("Không tìm thấy điều kiện loại trừ."))
        drop_forbidden = (
            {"person": person.key, "position": f.position.code}
            if f.position is not None
            else {"person": person.key, "commune": f.commune.code if f.commune else ""}
        )

    problem0 = local.problem
    problem1 = problem0
    if extra_forbidden or drop_lock or add_lock or drop_forbidden:
        # the same problem with other locks or forbidden pairs: no need to validate it all again
        import dataclasses

        from solver.problem import Forbidden as ForbiddenPair
        from solver.problem import Lock

        locks = [lk for lk in problem0.locks if (lk.person, lk.position) != drop_lock]
        if add_lock:
            locks.append(Lock(add_lock[0], add_lock[1]))
        pairs = [
            f
            for f in problem0.forbidden
            if not drop_forbidden
            or {
                k: v
                for k, v in (("person", f.person), ("position", f.position), ("commune", f.commune))
                if v is not None
            }
            != drop_forbidden
        ]
        pairs += [ForbiddenPair(f["person"], f.get("position"), f.get("commune")) for f in extra_forbidden]
        problem1 = dataclasses.replace(problem0, locks=tuple(locks), forbidden=tuple(pairs))

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
            db.select(Commune.id, Commune.name).where(
                Commune.id.in_({p.department.commune_id for p in local.positions.values()})
            )
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
            if seat is None or seat not in local.positions:
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
        if seat not in local.positions:
            continue
        pos = local.positions[seat]
        n0, n1 = count0.get(seat, 0), count1.get(seat, 0)
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
        if s in local.positions:
            by_commune0[local.positions[s].department.commune_id] += n
    for s, n in count1.items():
        if s in local.positions:
            by_commune1[local.positions[s].department.commune_id] += n
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


# ---------------------------------------------------------------- applying a change


def _touch(plan: Plan) -> None:
    """Bump the plan's version (optimistic locking): a concurrent stale write then fails."""
    plan.updated_at = utcnow()


def check_version(plan: Plan, version: Any) -> bool:
    """Whether the form was made from the plan as it is now."""
    try:
        return int(version) == plan.version
    except (TypeError, ValueError):
        return False


def _seat_dict(a: Assignment | None, positions: dict[int, Position]) -> dict[str, Any]:
    if a is None or a.position_id is None:
        return {"position": None, "locked": bool(a.locked) if a else False}
    pos = positions.get(a.position_id) or db.session.get(Position, a.position_id)
    if pos is None:
        raise ChangeError("unknown position")
    return {"position": pos.code, "title": pos.title, "locked": a.locked}


def apply_change(
    plan: Plan,
    change: Change,
    user: User,
    reason: str = "",
    override: bool = True,
    result: CheckResult | None = None,
) -> CheckResult:
    """Make the change on the draft, keeping the override reason, updating gaps and shortfalls, auditing it.

    A change that breaks a hard rule needs `override` and a written `reason`, else OverrideRequired.
    """
    from solver.check import hard_failures, soft_gaps

    result = result or check_change(plan, change)
    if result.blocked:
        raise ChangeError(result.blocked)
    reason = (reason or "").strip()
    if result.needs_override and not (override and reason):
        raise OverrideRequired(result)
    local = result.local
    # forbidden rows first, so the gaps below see them
    if change.kind == "forbid_seat" and change.position is not None:
        db.session.add(
            Forbidden(plan=plan, person_id=change.person.id, position_id=change.position.id, reason=reason)
        )
    elif change.kind == "forbid_commune" and change.commune is not None:
        db.session.add(
            Forbidden(plan=plan, person_id=change.person.id, commune_id=change.commune.id, reason=reason)
        )
    elif change.kind == "unforbid" and change.forbidden is not None:
        db.session.delete(change.forbidden)
    assignments = {
        a.person_id: a
        for a in db.session.scalars(
            db.select(Assignment).where(
                Assignment.plan_id == plan.id, Assignment.person_id.in_(set(result.after))
            )
        )
    }
    touched_positions: set[int] = set()
    violating = {v.person for v in result.violations if v.person}
    for pid, seat in result.after.items():
        if seat == result.before.get(pid) and change.kind not in ("lock", "unlock"):
            continue
        if pid not in {change.person.id, change.other.id if change.other else -1}:
            continue
        a = assignments.get(pid)
        if a is None:
            a = Assignment(plan=plan, person_id=pid, position_id=None, source="manual", reasons=[], gaps=[])
            db.session.add(a)
            assignments[pid] = a
        before = _seat_dict(a, local.positions)
        if change.kind == "lock":
            a.locked = True
        elif change.kind == "unlock":
            a.locked = False
        else:
            touched_positions.update(s for s in (a.position_id, seat) if s is not None)
            a.position_id = seat
            a.source = "manual"
            who = user.name or user.email
            if seat is None:
                a.reasons = [
                    {
                        "code": "text",
                        "params": {"text": _("Để ra ngoài theo điều chỉnh của {who}").format(who=who)},
                    }
                ]
                a.gaps = []
            else:
                key, code = local.key_of[pid], local.code_of[seat]
                a.reasons = [
                    {
                        "code": "text",
                        "params": {"text": _("Bố trí theo điều chỉnh của {who}").format(who=who)},
                    }
                ]
                hard = [
                    {**f, "hard": True}
                    for f in hard_failures(result.problem_after, key, code)
                    if f.get("rule") != "forbidden"
                ]
                a.gaps = hard + soft_gaps(result.problem_after, key, code)
        person_key = local.key_of.get(pid)
        if person_key in violating or (change.kind == "lock" and result.violations):
            a.override_reason = reason
            a.reasons = [
                *a.reasons,
                {"code": "text", "params": {"text": _("Vượt quy định, lý do: {r}").format(r=reason)}},
            ]
        elif change.kind not in ("lock", "unlock") and not hard_failures_for(local, pid, a.position_id):
            a.override_reason = None
        after = _seat_dict(a, local.positions)
        record(
            change.kind,
            "assignment",
            user=user,
            entity_id=a.id,
            province_code=plan.province_code,
            plan_id=plan.id,
            person_id=pid,
            before=before,
            after=after,
            reason=reason
            or (
                _("Vi phạm: ") + "; ".join(v.message_vi for v in result.violations)
                if result.violations
                else ""
            ),
        )
    if change.kind in ("forbid_seat", "forbid_commune", "unforbid"):
        target = (
            (change.position.code if change.position else None)
            or (change.commune.code if change.commune else None)
            or (
                change.forbidden.position.code
                if change.forbidden and change.forbidden.position
                else change.forbidden.commune.code
                if change.forbidden and change.forbidden.commune
                else None
            )
        )
        record(
            change.kind,
            "forbidden",
            user=user,
            province_code=plan.province_code,
            plan_id=plan.id,
            person_id=change.person.id,
            entity_id=target,
            before=None if change.kind != "unforbid" else {"target": target},
            after={"target": target} if change.kind != "unforbid" else None,
            reason=reason,
        )
    db.session.flush()
    _refresh_shortfalls(plan, touched_positions)
    _touch(plan)
    db.session.flush()
    return result


def hard_failures_for(local: Local, pid: int, seat: int | None) -> list[dict[str, Any]]:
    from solver.check import hard_failures

    if seat is None or seat not in local.code_of:
        return []
    return hard_failures(local.problem, local.key_of[pid], local.code_of[seat])


def _communes_of(result: CheckResult) -> set[int]:
    seats = {s for s in list(result.after.values()) + list(result.before.values()) if s is not None}
    if not seats:
        return set()
    return set(
        db.session.scalars(db.select(Department.commune_id).join(Position).where(Position.id.in_(seats)))
    )


def _refresh_shortfalls(plan: Plan, position_ids: set[int]) -> None:
    """Recount the shortfall of the seats a change touched."""
    if not position_ids:
        return
    counts = Counter(
        db.session.scalars(
            db.select(Assignment.position_id).where(
                Assignment.plan_id == plan.id, Assignment.position_id.in_(position_ids)
            )
        )
    )
    existing = {
        s.position_id: s
        for s in db.session.scalars(
            db.select(Shortfall).where(Shortfall.plan_id == plan.id, Shortfall.position_id.in_(position_ids))
        )
    }
    for pos in db.session.scalars(db.select(Position).where(Position.id.in_(position_ids))):
        missing = max(0, pos.min_holders - counts.get(pos.id, 0))
        row = existing.get(pos.id)
        if missing == 0 and row is not None:
            db.session.delete(row)
        elif missing and row is None:
            db.session.add(
                Shortfall(
                    plan=plan,
                    position_id=pos.id,
                    missing=missing,
                    reasons=[{"code": "text", "params": {"text": _("Để trống do điều chỉnh thủ công")}}],
                    closest=[],
                )
            )
        elif missing and row is not None:
            row.missing = missing


# ---------------------------------------------------------------- candidates for a seat


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
    holders_here = [pid for pid, a in local.holders.items() if a.position_id == position.id]
    pool = [pid for pid in pool_ids if pid not in holders_here]
    # current seats of the pool, with their holder counts (for the seat a candidate would leave)
    seat_of = {pid: a.position_id for pid, a in local.holders.items()}
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
    in_commune = sum(1 for a in local.holders.values() if a.position_id in local.positions)
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
            if oseat is not None and oseat in local.code_of:
                opos = problem.position_by_id[local.code_of[oseat]]
                if relation_conflict(here, opos):
                    hard.append(
                        _("người thân ({kind}) {name} giữ {title}").format(
                            kind=KIND_VI.get(kind, kind), name=local.people[oid].name, title=opos.title
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


# ---------------------------------------------------------------- workflow and scenarios

# action -> (statuses it starts from, roles allowed there, status it leads to)
WORKFLOW: dict[str, tuple[dict[PlanStatus, tuple[Role, ...]], PlanStatus | None]] = {
    "submit": ({PlanStatus.DRAFT: (Role.DRAFTER,)}, PlanStatus.IN_REVIEW),
    "forward": ({PlanStatus.IN_REVIEW: (Role.REVIEWER,)}, PlanStatus.PENDING_APPROVAL),
    "return": (
        {PlanStatus.IN_REVIEW: (Role.REVIEWER,), PlanStatus.PENDING_APPROVAL: (Role.APPROVER,)},
        PlanStatus.DRAFT,
    ),
    "approve": ({PlanStatus.PENDING_APPROVAL: (Role.APPROVER,)}, PlanStatus.APPROVED),
    "comment": (dict.fromkeys(PlanStatus, (Role.DRAFTER, Role.REVIEWER, Role.APPROVER)), None),
}
NEEDS_TEXT = {"return", "comment"}


class WorkflowError(Exception):
    """A workflow step this user may not take now: `code` is 403 (role) or 409 (state)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def allowed_actions(plan: Plan, user: User) -> list[str]:
    """The workflow steps this user may take on the plan as it is."""
    out = []
    for action, (starts, _to) in WORKFLOW.items():
        roles = starts.get(plan.status)
        if roles and user.has_role(*roles):
            out.append(action)
    return out


def transition(plan: Plan, action: str, user: User, text: str = "") -> PlanComment:
    """Take one workflow step, with its comment, in the audit trail."""
    if action not in WORKFLOW:
        raise WorkflowError(404, _("Thao tác không hợp lệ."))
    starts, target = WORKFLOW[action]
    if not user.has_role(*{r for rs in starts.values() for r in rs}):
        raise WorkflowError(403, _("Bạn không có quyền thực hiện thao tác này."))
    roles = starts.get(plan.status)
    if roles is None:
        raise WorkflowError(
            409, _("Không thể thực hiện thao tác này khi phương án đang ở trạng thái hiện tại.")
        )
    if not user.has_role(*roles):
        raise WorkflowError(403, _("Bạn không có quyền thực hiện thao tác này."))
    text = (text or "").strip()
    if action in NEEDS_TEXT and not text:
        raise WorkflowError(400, _("Vui lòng nhập nội dung ý kiến."))
    if action == "submit" and plan.job_state.value in ("queued", "running"):
        raise WorkflowError(409, _("Phương án đang được giải, hãy chờ hoàn thành."))
    before = plan.status.value
    comment = PlanComment(plan=plan, user_id=user.id, action=action, text=text)
    db.session.add(comment)
    if target is not None:
        plan.status = target
        if action == "return":
            plan.review_comment = text
    _touch(plan)
    record(
        action,
        "plan",
        user=user,
        entity_id=plan.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        before={"status": before},
        after={"status": plan.status.value},
        reason=text,
    )
    return comment


def copy_plan(plan: Plan, name: str, user: User) -> Plan:
    """A new draft copied from a plan (another scenario, or a new version), with its forbidden pairs."""
    from .plans import create_plan

    province = db.session.get(Province, plan.province_code)
    if province is None:
        raise ChangeError("unknown province")
    child = create_plan(province, name, user, parent=plan, scope_communes=plan.scope_communes)
    for f in plan.forbidden:
        db.session.add(
            Forbidden(
                plan=child,
                person_id=f.person_id,
                position_id=f.position_id,
                commune_id=f.commune_id,
                reason=f.reason,
            )
        )
    child.infeasible = None
    db.session.flush()
    return child
