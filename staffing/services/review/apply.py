"""Making a checked change on the draft: seats, override reasons, gaps, shortfalls, the audit trail."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import gettext as _

from ...audit import record
from ...extensions import db
from ...models import (
    Assignment,
    Department,
    Plan,
    Position,
    Shortfall,
    User,
    utcnow,
)
from .check import check_change
from .common import Change, ChangeError, CheckResult, OverrideRequired
from .concurrency import claim, touched_communes
from .local import hard_failures_for
from .locks import record_rules, write_rules


def _touch(plan: Plan) -> None:
    """Bump the plan's version (optimistic locking): a concurrent stale write then fails."""
    plan.updated_at = utcnow()


def check_version(plan: Plan, version: Any) -> bool:
    """Whether the form was made from the plan as it is now."""
    try:
        return int(version) == plan.version
    except (TypeError, ValueError):
        return False


def _seat_dict(a: Assignment | None) -> dict[str, Any]:
    if a is None or a.position_id is None:
        return {"position": None, "locked": bool(a.locked) if a else False}
    pos = db.session.get(Position, a.position_id)  # from the session's identity map when loaded
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
    # every edit moves the edit counters of its communes, whoever calls (the page claims them earlier, under
    # its own check; bulk actions and scripts claim here): the live view and the cached problems see it
    claim(plan, touched_communes(plan, change), user)
    write_rules(plan, change, reason)  # forbidden rows first, so the gaps below see them
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
        before = _seat_dict(a)
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
        after = _seat_dict(a)
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
    record_rules(plan, change, user, reason)
    db.session.flush()
    _refresh_shortfalls(plan, touched_positions)
    # the plan's version is left alone: an edit locks what it touches (concurrency.py), not the whole plan
    db.session.flush()
    return result


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
