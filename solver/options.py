"""Options of a solve and the progress reports it sends."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: time limit (s, the whole run), CP-SAT workers, seed, communes to re-solve (None: all)."""

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    communes: frozenset[str] | None = None
    gap_limit: float = 0.005  # relative gap to the bound at which priority 3 stops
    explain: bool = True
    processes: int = 1  # components solved in parallel (a process pool when > 1); same plan for any value
    outside_s: float = 0.0  # part of time_limit used outside solve() (reading the problem, writing the plan)


@dataclass(frozen=True)
class Progress:
    """A progress report: stage 1..3, its name, fraction done, a message and the best plan's figures."""

    stage: int
    stage_name: str
    fraction: float
    message: str
    placed: int | None = None
    shortfall: tuple[int, int, int, int] | None = None


ProgressFn = Callable[[Progress], None]
