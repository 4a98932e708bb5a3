"""Weights of the quality objective (priority 3); they never reorder priorities 1 and 2.

Every weight is a non-negative number of "quality points"; a plan's quality score is a cost
(lower is better) summed over its assignments and communes. Defaults and meaning:

- ``gap`` (10): per soft requirement the person does not meet in their seat (qualification gap).
- ``continuity`` (4): when the seat's job family differs from the person's (a land officer
  kept on land administration costs nothing).
- ``rating`` (2): per step the person's last rating lies below ``xuat_sac`` (no rating counts as
  ``hoan_thanh``); doubled on leadership seats (key, head, deputy).
- ``planning`` (5): a leadership seat held by someone not in the leadership plan (quy hoạch)
  for that level or a higher one.
- ``preference`` (3): per rank below the first preference of the seat's commune; a commune the
  person did not list costs ``preference_unlisted`` ranks (default 3) when they listed any.
- ``seniority`` (4): per level step a person is placed below the level they held before the merger
  (key > head > deputy > staff, read from their current title): a former commune Party Secretary
  placed as a specialist costs 3 steps; merging three communes makes some steps down unavoidable.
- ``keep`` (20): a person of ``previous_plan`` placed anywhere else than their previous seat.
- ``feeds_extra`` (8): a seat reached only through the unit's ``feeds_extra`` (across old
  district lines).
- ``balance`` (3): per commune, the spread (most minus fewest) of leadership seats held by people
  from each of the old communes it merged (district-agency staff are neutral).
- ``gender`` (2): per commune, each quarter-seat by which women fall short of 25% of the
  commune's leadership seats (Quy định 50-QĐ/TW target for women in planning).

Scaled to integers by ``SCALE`` for the solver; weights of 0 switch a term off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from solver.errors import ProblemError

SCALE = 10  # weights are multiplied by this and rounded, so one decimal place is honoured


@dataclass(frozen=True)
class Weights:
    """Quality weights with their documented defaults (see the module docstring)."""

    gap: float = 10.0
    continuity: float = 4.0
    rating: float = 2.0
    planning: float = 5.0
    preference: float = 3.0
    preference_unlisted: float = 3.0
    seniority: float = 4.0
    keep: float = 20.0
    feeds_extra: float = 8.0
    balance: float = 3.0
    gender: float = 2.0

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Weights:
        """Weights from the problem's `weights` object; unknown keys or bad values are errors."""
        known = {f.name for f in fields(cls)}
        values: dict[str, float] = {}
        for key, value in d.items():
            if key not in known:
                raise ProblemError(
                    f"weights.{key}", value, f"unknown weight (known: {', '.join(sorted(known))})"
                )
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value > 1e6:
                raise ProblemError(f"weights.{key}", value, "must be a number between 0 and 1000000")
            values[key] = float(value)
        return cls(**values)

    def scaled(self, name: str) -> int:
        """The integer weight the model uses."""
        return round(float(getattr(self, name)) * SCALE)
