"""Adjusting a draft plan, one module per action of the user.

- `common`: the change, its check result and errors, words for rule failures;
- `local`: the solver problem of the few communes a change touches;
- `moves`: moves, swaps, leaving a seat empty; `locks`: locks and forbidden pairs;
- `check`: the live check of any change; `apply`: making it (audited);
- `concurrency`: optimistic locking of an edit per seat, person and commune;
- `candidates`: who could take a seat; `resolve`: re-solving the draft;
- `workflow`: submit, forward, return, approve, comment, and copies of a plan.
"""

from .apply import _refresh_shortfalls, _touch, apply_change, check_version
from .candidates import LEVEL_RANK, RATING_DEFICIT, Candidate, candidates, seat_cost
from .check import _affected, _consequences, check_change
from .common import (
    KIND_VI,
    KINDS,
    LEVEL_ORDER,
    Change,
    ChangeError,
    CheckResult,
    Consequence,
    Edit,
    OverrideRequired,
    commune_id_of,
    current_seat,
    failure_text,
)
from .concurrency import ConflictError, Look, claim, look, take, touched_communes, touched_state
from .local import Local, build_local, hard_failures_for
from .locks import LOCK_KINDS, edit_rules
from .moves import MOVE_KINDS, edit_seats
from .resolve import is_solving, queue_resolve, remember_job
from .workflow import NEEDS_TEXT, WORKFLOW, WorkflowError, allowed_actions, copy_plan, transition

__all__ = [
    "KINDS",
    "KIND_VI",
    "LEVEL_ORDER",
    "LEVEL_RANK",
    "LOCK_KINDS",
    "MOVE_KINDS",
    "NEEDS_TEXT",
    "RATING_DEFICIT",
    "WORKFLOW",
    "Candidate",
    "Change",
    "ChangeError",
    "CheckResult",
    "ConflictError",
    "Consequence",
    "Edit",
    "Local",
    "Look",
    "OverrideRequired",
    "WorkflowError",
    "_affected",
    "_consequences",
    "_refresh_shortfalls",
    "_touch",
    "allowed_actions",
    "apply_change",
    "build_local",
    "candidates",
    "check_change",
    "check_version",
    "claim",
    "commune_id_of",
    "copy_plan",
    "current_seat",
    "edit_rules",
    "edit_seats",
    "failure_text",
    "hard_failures_for",
    "is_solving",
    "look",
    "queue_resolve",
    "remember_job",
    "seat_cost",
    "take",
    "touched_communes",
    "touched_state",
    "transition",
]
