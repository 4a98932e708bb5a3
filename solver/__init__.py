"""Staffing solver: exchange format, CP-SAT/flow model, explanations. Standard library and ortools only.

The public names load lazily, so that `solver.fields` (the one list of a person's fields,
which imports/ reads too) can be imported without loading OR-Tools.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from solver.options import Progress, SolveOptions
    from solver.plan import Plan, plan_from_dict, plan_to_dict
    from solver.problem import Problem, ProblemError, dump_problem, load_problem
    from solver.solve import solve

_WHERE = {
    "Progress": "solver.options",
    "SolveOptions": "solver.options",
    "Plan": "solver.plan",
    "plan_from_dict": "solver.plan",
    "plan_to_dict": "solver.plan",
    "Problem": "solver.problem",
    "ProblemError": "solver.problem",
    "dump_problem": "solver.problem",
    "load_problem": "solver.problem",
    "solve": "solver.solve",
}

__all__ = [
    "Plan",
    "Problem",
    "ProblemError",
    "Progress",
    "SolveOptions",
    "dump_problem",
    "load_problem",
    "plan_from_dict",
    "plan_to_dict",
    "solve",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'solver' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
