"""Whether a person, by their attribute values (Problem.attrs), meets one requirement of a position."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from solver.records import Commune, Requirement
from solver.vocabulary import SCALES


def requirement_holds(req: Requirement, attrs: Mapping[str, Any], commune: Commune | None = None) -> bool:
    """Whether a person (by attribute values) meets one requirement; a missing value never does."""
    if req.op == "rule":
        if commune is None:
            return True
        return attrs["unit"] not in commune.merged_from and attrs["home_commune"] != commune.code
    value = attrs.get(req.attr or "")
    if value is None:
        return False
    if req.op == "in":
        if isinstance(value, tuple):
            return any(v in req.value for v in value)
        return bool(value in req.value)
    if req.op == "eq":
        if isinstance(value, tuple):
            return req.value in value
        return (bool(value == req.value) and type(value) is type(req.value)) or _num_eq(value, req.value)
    scale = SCALES.get(req.attr or "")
    a: Any
    b: Any
    if scale is not None:
        if value not in scale:
            return False
        a, b = scale.index(value), scale.index(req.value)
    else:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        a, b = value, req.value
    return bool(a >= b) if req.op == "min" else bool(a <= b)


def _num_eq(a: Any, b: Any) -> bool:
    return (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )
