"""The vocabulary of adjusting a draft plan: a change, its check result and errors, words for failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from ...extensions import db
from ...models import (
    Assignment,
    Commune,
    Forbidden,
    Person,
    Plan,
    Position,
)

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

    from ...labels import requirement_text

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


@dataclass
class Edit:
    """What a change does before the rules are checked: the seats after it, the locks and forbidden pairs
    it adds or drops, or why it cannot be made (`blocked`)."""

    before: dict[int, int | None]
    after: dict[int, int | None]
    blocked: str | None = None
    extra_forbidden: list[dict[str, str]] = field(default_factory=list)
    add_lock: tuple[str, str] | None = None
    drop_lock: tuple[str, str] | None = None
    drop_forbidden: dict[str, str] | None = None


def locked_text(person: Person) -> str:
    return _("Phân công của {name} đang bị khóa: hãy mở khóa trước khi thay đổi.").format(name=person.name)
