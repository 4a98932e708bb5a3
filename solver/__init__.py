"""Staffing solver: exchange format, CP-SAT/flow model, explanations. Stdlib, ortools and numpy only."""

from solver.options import Progress, SolveOptions
from solver.plan import Plan, plan_from_dict, plan_to_dict
from solver.problem import Problem, ProblemError, dump_problem, load_problem
from solver.solve import solve

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
