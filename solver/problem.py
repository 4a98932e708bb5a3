"""The staffing problem: typed, frozen records loaded from and dumped to the exchange format.

The work is split by job; this module keeps every public name importable from one place:

- solver/vocabulary.py  levels, kinds, scales and attribute names of the exchange format
- solver/errors.py      ProblemError, naming the JSON path of what is wrong
- solver/records.py     the frozen dataclasses (Problem, Person, Position, ...), a person's attribute values,
                        canonical JSON, dump_problem
- solver/dates.py       statutory retirement, years between dates, age
- solver/requirements.py whether a person's attribute values meet a requirement
- solver/reading.py     load_problem: reading and validating the exchange format
"""

from __future__ import annotations

from solver.dates import statutory_retirement, whole_years, years_between
from solver.errors import ProblemError
from solver.reading import load_problem
from solver.records import (
    Cap,
    Commune,
    Forbidden,
    Lock,
    Person,
    Position,
    Problem,
    Relation,
    Requirement,
    Unit,
    dump_problem,
    person_attrs,
    retirement_date,
)
from solver.requirements import requirement_holds
from solver.vocabulary import (
    ATTRS,
    BLOCKS,
    CATEGORIES,
    COMMUNE_KINDS,
    FORMAT,
    GENDERS,
    LEADERSHIP,
    LEVELS,
    LIST_ATTRS,
    NUMERIC_ATTRS,
    PERSON_KEYS,
    RATING_VALUES,
    RELATION_KINDS,
    RULES,
    SCALES,
    TOP_KEYS,
    UNIT_KINDS,
)
from solver.weights import Weights

__all__ = [
    "ATTRS",
    "BLOCKS",
    "CATEGORIES",
    "COMMUNE_KINDS",
    "FORMAT",
    "GENDERS",
    "LEADERSHIP",
    "LEVELS",
    "LIST_ATTRS",
    "NUMERIC_ATTRS",
    "PERSON_KEYS",
    "RATING_VALUES",
    "RELATION_KINDS",
    "RULES",
    "SCALES",
    "TOP_KEYS",
    "UNIT_KINDS",
    "Cap",
    "Commune",
    "Forbidden",
    "Lock",
    "Person",
    "Position",
    "Problem",
    "ProblemError",
    "Relation",
    "Requirement",
    "Unit",
    "Weights",
    "dump_problem",
    "load_problem",
    "person_attrs",
    "requirement_holds",
    "retirement_date",
    "statutory_retirement",
    "whole_years",
    "years_between",
]
