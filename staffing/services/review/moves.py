"""Moves, swaps and leaving a seat empty: the seats such a change leads to, or why it cannot be made."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from .common import Change, ChangeError, Edit, locked_text

MOVE_KINDS = ("move", "swap", "unassign")


def edit_seats(change: Change, edit: Edit, locked: Callable[[int], bool]) -> None:
    """Fill `edit` for a move, a swap or an unassign (`locked(person id)`: the person's seat is locked)."""
    person = change.person
    before, after = edit.before, edit.after
    if locked(person.id):
        edit.blocked = locked_text(person)
    if change.kind == "move":
        if change.position is None:
            raise ChangeError(_("Chưa chọn vị trí đến."))
        if before.get(person.id) == change.position.id:
            edit.blocked = _("{name} đang giữ vị trí này.").format(name=person.name)
        after[person.id] = change.position.id
    elif change.kind == "swap":
        other = change.other
        if other is None or other.id == person.id:
            raise ChangeError(_("Chưa chọn người để đổi chỗ."))
        if locked(other.id):
            edit.blocked = locked_text(other)
        if before.get(person.id) == before.get(other.id):
            edit.blocked = _("Hai người đang ở cùng một vị trí: đổi chỗ không thay đổi gì.")
        after[person.id], after[other.id] = before.get(other.id), before.get(person.id)
    elif change.kind == "unassign":
        if before.get(person.id) is None:
            edit.blocked = _("{name} hiện chưa được bố trí.").format(name=person.name)
        after[person.id] = None
