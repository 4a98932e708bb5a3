"""A solver-agnostic checker of the spec's seven hard rules, and per-pair rule checks for live edits."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from solver.problem import (
    LEADERSHIP,
    Commune,
    Person,
    Position,
    Problem,
    Requirement,
    requirement_holds,
)
from solver.records import _cached_attrs

RULE_CODES = (
    "unknown",  # an id that is not in the problem
    "one_position",  # rule 1
    "position_max",  # rule 2
    "payroll_quota",  # rule 3
    "shared_cap",  # rule 3
    "feeds",  # rule 4
    "requirement",  # rule 5
    "discipline",  # rule 5
    "relation",  # rule 6
    "lock",  # rule 7
    "forbidden",  # rule 7
)


@dataclass(frozen=True)
class Violation:
    """One broken hard rule, with a Vietnamese message for the review screen."""

    rule: str
    message_vi: str
    person: str | None = None
    position: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


def requirement_gap(req: Requirement, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The exchange-format record of an unmet requirement: the requirement plus the person's value."""
    d = req.to_dict()
    d.pop("hard", None)
    if req.op != "rule":
        value = attrs.get(req.attr or "")
        d["value"] = list(value) if isinstance(value, tuple) else value
    return {k: v for k, v in d.items() if k in ("attr", "rule", "in", "min", "max", "eq", "value")}


def hard_failures(problem: Problem, person_id: str, position_id: str) -> list[dict[str, Any]]:
    """The hard requirements, feeds, discipline and forbidden rules one (person, position) pair breaks."""
    person = problem.person_by_id[person_id]
    position = problem.position_by_id[position_id]
    commune = problem.commune_by_code[position.commune]
    attrs = problem.attrs[person_id]
    out: list[dict[str, Any]] = []
    if position.commune not in problem.fed_communes(person):
        out.append(
            {
                "rule": "feeds",
                "commune": position.commune,
                "unit": person.unit,
                "feeds": list(problem.fed_communes(person)),
            }
        )
    for req in position.requirements:
        if req.hard and not requirement_holds(req, attrs, commune):
            out.append(requirement_gap(req, attrs))
    if position.level in LEADERSHIP and problem.is_disciplined(person):
        until = person.disciplined_until
        out.append({"rule": "discipline", "until": until.isoformat() if until else None})
    fb = problem.forbidden_pairs
    if (person_id, position_id) in fb or (person_id, "commune:" + position.commune) in fb:
        out.append({"rule": "forbidden"})
    return out


def soft_gaps(problem: Problem, person_id: str, position_id: str) -> list[dict[str, Any]]:
    """The soft requirements of the position the person does not meet (qualification gaps)."""
    position = problem.position_by_id[position_id]
    commune = problem.commune_by_code[position.commune]
    person = problem.person_by_id[person_id]
    return [dict(g) for g in _soft_gaps(person, position, commune, problem.as_of)]


@lru_cache(maxsize=200_000)
def _soft_gaps(
    person: Person, position: Position, commune: Commune, as_of: dt.date
) -> tuple[dict[str, Any], ...]:
    # by value: a re-solve reloads the problem, and most assignments have not changed
    attrs = _cached_attrs(person, as_of)
    return tuple(
        requirement_gap(req, attrs)
        for req in position.requirements
        if not req.hard and not requirement_holds(req, attrs, commune)
    )


def relation_conflict(a: Position, b: Position) -> bool:
    """Whether two related people may not hold these two seats together (spec rule 6)."""
    if a.commune != b.commune:
        return False
    if a.level == "key" and b.level == "key":
        return True
    return a.department_key == b.department_key and (
        a.level in ("head", "deputy") or b.level in ("head", "deputy")
    )


def _describe(failure: Mapping[str, Any]) -> str:
    if "rule" in failure:
        return {
            "feeds": "không thuộc diện điều động về xã này",
            "discipline": "đang trong thời hạn kỷ luật",
            "forbidden": "đã bị loại trừ khỏi vị trí/xã này",
            "non_local": "yêu cầu không phải người địa phương",
        }.get(str(failure["rule"]), str(failure["rule"]))
    from solver.reasons import requirement_vi

    return requirement_vi(failure)


def check_assignments(
    problem: Problem, assignments: Mapping[str, str] | Iterable[tuple[str, str]]
) -> list[Violation]:
    """Every hard-rule violation of a set of (person -> position) assignments."""
    pairs = list(assignments.items()) if isinstance(assignments, Mapping) else list(assignments)
    out: list[Violation] = []
    valid: list[tuple[str, Position]] = []
    for person_id, position_id in pairs:
        if person_id not in problem.person_by_id or position_id not in problem.position_by_id:
            out.append(
                Violation(
                    "unknown",
                    f"Mã không có trong bài toán: {person_id} → {position_id}",
                    person_id,
                    position_id,
                )
            )
        else:
            valid.append((person_id, problem.position_by_id[position_id]))
    # rule 1
    for person_id, n in Counter(p for p, _ in valid).items():
        if n > 1:
            name = problem.person_by_id[person_id].name
            out.append(
                Violation(
                    "one_position",
                    f"{name} giữ {n} vị trí (chỉ được giữ một).",
                    person_id,
                    None,
                    {"count": n},
                )
            )
    # rule 2
    by_position = Counter(pos.id for _, pos in valid)
    for position_id, n in by_position.items():
        pos = problem.position_by_id[position_id]
        if n > pos.max:
            out.append(
                Violation(
                    "position_max",
                    f"{pos.title} ({pos.commune}) có {n} người, tối đa {pos.max}.",
                    None,
                    position_id,
                    {"count": n, "max": pos.max},
                )
            )
    # rule 3
    by_commune = Counter(pos.commune for _, pos in valid)
    for commune in problem.communes:
        n = by_commune.get(commune.code, 0)
        if commune.payroll_quota is not None and n > commune.payroll_quota:
            out.append(
                Violation(
                    "payroll_quota",
                    f"{commune.name} bố trí {n} người, vượt biên chế {commune.payroll_quota}.",
                    None,
                    None,
                    {"commune": commune.code, "count": n, "quota": commune.payroll_quota},
                )
            )
        for cap in commune.caps:
            m = sum(by_position.get(p, 0) for p in cap.positions)
            if m > cap.max:
                out.append(
                    Violation(
                        "shared_cap",
                        f"{commune.name}: nhóm «{cap.name}» có {m} người, tối đa {cap.max}.",
                        None,
                        None,
                        {"commune": commune.code, "cap": cap.name, "count": m, "max": cap.max},
                    )
                )
    # rules 4, 5, 7 (forbidden)
    for person_id, pos in valid:
        name = problem.person_by_id[person_id].name
        for f in hard_failures(problem, person_id, pos.id):
            rule = f.get("rule")
            code = rule if rule in ("feeds", "discipline", "forbidden") else "requirement"
            out.append(Violation(str(code), f"{name} — {pos.title}: {_describe(f)}.", person_id, pos.id, f))
    # rule 6
    where = defaultdict(list)
    for person_id, pos in valid:
        where[person_id].append(pos)
    for rel in problem.relations:
        for pa in where.get(rel.a, ()):
            for pb in where.get(rel.b, ()):
                if relation_conflict(pa, pb):
                    na, nb = problem.person_by_id[rel.a].name, problem.person_by_id[rel.b].name
                    out.append(
                        Violation(
                            "relation",
                            f"{na} và {nb} có quan hệ gia đình, không được cùng giữ "
                            f"{pa.title} và {pb.title} tại {pa.commune}.",
                            rel.a,
                            pa.id,
                            {"other": rel.b, "other_position": pb.id, "kind": rel.kind},
                        )
                    )
    # rule 7 (locks)
    held = {(p, pos.id) for p, pos in valid}
    for lock in problem.locks:
        if (lock.person, lock.position) not in held:
            name = problem.person_by_id[lock.person].name
            title = problem.position_by_id[lock.position].title
            out.append(
                Violation(
                    "lock", f"Phân công đã khóa không được giữ: {name} — {title}.", lock.person, lock.position
                )
            )
    return out
