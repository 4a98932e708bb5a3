"""Locks and forbidden pairs: what locking, unlocking, forbidding and lifting a forbid change in the rules
the next check and re-solve see, the forbidden rows they write and their audit entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from ...audit import record
from ...extensions import db
from ...models import Forbidden, Plan, User
from .common import Change, ChangeError, Edit, locked_text
from .local import Local

LOCK_KINDS = ("lock", "unlock", "forbid_seat", "forbid_commune", "unforbid")
FORBID_KINDS = ("forbid_seat", "forbid_commune", "unforbid")


def edit_rules(change: Change, local: Local, edit: Edit, locked: Callable[[int], bool]) -> None:
    """Fill `edit` for a lock, an unlock, a forbid (of a seat or a commune) or lifting a forbid."""
    person = change.person
    before, after = edit.before, edit.after
    seat = local.seats.get(person.id)
    if change.kind == "lock":
        if seat is None:
            edit.blocked = _("Chỉ khóa được người đã có vị trí.")
        elif person.id in local.locked:
            edit.blocked = _("Phân công này đã được khóa.")
        else:
            edit.add_lock = (local.key_of[person.id], local.code_of[seat])
    elif change.kind == "unlock":
        if person.id not in local.locked:
            edit.blocked = _("Phân công này chưa bị khóa.")
        elif seat is not None:
            edit.drop_lock = (local.key_of[person.id], local.code_of[seat])
    elif change.kind == "forbid_seat":
        if change.position is None:
            raise ChangeError(_("Chưa chọn vị trí."))
        edit.extra_forbidden.append({"person": person.key, "position": change.position.code})
        if before.get(person.id) == change.position.id:
            if locked(person.id):
                edit.blocked = locked_text(person)
            after[person.id] = None
    elif change.kind == "forbid_commune":
        if change.commune is None:
            raise ChangeError(_("Chưa chọn xã."))
        edit.extra_forbidden.append({"person": person.key, "commune": change.commune.code})
        seat = before.get(person.id)
        if seat is not None and local.commune_of.get(seat) == change.commune.id:
            if locked(person.id):
                edit.blocked = locked_text(person)
            after[person.id] = None
    elif change.kind == "unforbid":
        f = change.forbidden
        if f is None:
            raise ChangeError(_("Không tìm thấy điều kiện loại trừ."))
        edit.drop_forbidden = (
            {"person": person.key, "position": f.position.code}
            if f.position is not None
            else {"person": person.key, "commune": f.commune.code if f.commune else ""}
        )


def rules_problem(problem0: Any, edit: Edit) -> Any:
    """The problem with the edit's locks and forbidden pairs (no need to validate it all again)."""
    if not (edit.extra_forbidden or edit.drop_lock or edit.add_lock or edit.drop_forbidden):
        return problem0
    import dataclasses

    from solver.problem import Forbidden as ForbiddenPair
    from solver.problem import Lock

    locks = [lk for lk in problem0.locks if (lk.person, lk.position) != edit.drop_lock]
    if edit.add_lock:
        locks.append(Lock(edit.add_lock[0], edit.add_lock[1]))
    pairs = [
        f
        for f in problem0.forbidden
        if not edit.drop_forbidden
        or {
            k: v
            for k, v in (("person", f.person), ("position", f.position), ("commune", f.commune))
            if v is not None
        }
        != edit.drop_forbidden
    ]
    pairs += [ForbiddenPair(f["person"], f.get("position"), f.get("commune")) for f in edit.extra_forbidden]
    return dataclasses.replace(problem0, locks=tuple(locks), forbidden=tuple(pairs))


def write_rules(plan: Plan, change: Change, reason: str) -> None:
    """The forbidden rows of a forbid or an unforbid (written before the seats, so their gaps see them)."""
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


def record_rules(plan: Plan, change: Change, user: User, reason: str) -> None:
    """The audit entry of a forbid or an unforbid."""
    if change.kind not in FORBID_KINDS:
        return
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
