"""Scope of a solve, candidate (person, position) pairs pruned by every hard rule, and components."""

from __future__ import annotations

import logging
import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solver.problem import LEADERSHIP, Commune, Person, Position, Problem, requirement_holds

logger = logging.getLogger(__name__)


LEVEL_RANK = {"key": 3, "head": 2, "deputy": 1, "staff": 0}

_KEY_TITLE = re.compile(
    r"^(Bí thư (Đảng ủy|Huyện ủy)|Phó Bí thư|Chủ tịch (UBND|HĐND)|Phó Chủ tịch (UBND|HĐND))"
)
_HEAD_TITLE = re.compile(r"^(Trưởng|Chánh|Giám đốc|Chủ nhiệm|Chỉ huy trưởng|Chủ tịch|Bí thư)")


def old_level(person: Person) -> str:
    """The person's level before the merger: `level` in the record if given, else from the title."""
    given = person.extra.get("level")
    if given in LEVEL_RANK:
        return str(given)
    return title_level(person.current_title)


def title_level(title: str | None) -> str:
    """The level an old title implies: key, head, deputy or staff."""
    title = title or ""
    if _KEY_TITLE.match(title):
        return "key"
    if title.startswith("Phó"):
        return "deputy"
    if _HEAD_TITLE.match(title):
        return "head"
    return "staff"


@dataclass
class Scope:
    """Who and what a solve may touch; everything else keeps its previous seat."""

    communes: frozenset[str]
    people: list[Person]
    positions: list[Position]
    kept: dict[str, str]  # out-of-scope person -> position kept (previous plan or lock outside scope)
    locks: dict[str, str]  # in-scope person -> locked position


def make_scope(problem: Problem, communes: frozenset[str] | None) -> Scope:
    """People and positions a solve (of all or some communes) may change."""
    if communes is None:
        return Scope(
            frozenset(problem.commune_by_code),
            list(problem.people),
            list(problem.positions),
            {},
            {k.person: k.position for k in problem.locks},
        )
    pos = problem.position_by_id
    kept: dict[str, str] = {}
    for person_id, position_id in problem.previous_plan.items():
        if pos[position_id].commune not in communes:
            kept[person_id] = position_id
    locks: dict[str, str] = {}
    for lock in problem.locks:
        if pos[lock.position].commune in communes:
            locks[lock.person] = lock.position
            kept.pop(lock.person, None)
        elif lock.person not in locks:
            kept[lock.person] = lock.position
    people = [
        p
        for p in problem.people
        if p.id not in kept and (p.id in locks or any(c in communes for c in problem.fed_communes(p)))
    ]
    positions = [p for p in problem.positions if p.commune in communes]
    return Scope(communes, people, positions, kept, locks)


@dataclass
class Pairs:
    """Candidate (person, position) pairs that pass feeds, hard requirements, discipline and forbidden."""

    # compact arrays: a province times ten has millions of pairs
    person: array[int] = field(default_factory=lambda: array("i"))  # index into scope.people
    position: array[int] = field(default_factory=lambda: array("i"))  # index into scope.positions
    cost: array[int] = field(default_factory=lambda: array("i"))  # quality cost (scaled integer weights)
    gaps: array[int] = field(default_factory=lambda: array("h"))  # number of soft gaps
    extra: array[int] = field(default_factory=lambda: array("b"))  # 1 if reached through feeds_extra


def _mask(people: Sequence[Person], pred: Callable[[int], bool]) -> int:
    bits = "".join("1" if pred(i) else "0" for i in range(len(people)))
    return int(bits[::-1], 2) if bits else 0


def _bits(mask: int) -> list[int]:
    s = bin(mask)[:1:-1]
    out = []
    i = s.find("1")
    while i >= 0:
        out.append(i)
        i = s.find("1", i + 1)
    return out


def planned_for(person: Person, level: str) -> bool:
    """In the leadership plan for this level or a higher one."""
    rank = LEVEL_RANK[level]
    return any(LEVEL_RANK[lv] >= rank for lv in person.planned_for)


def rating_deficit(problem: Problem, person: Person) -> int:
    """Steps below xuat_sac of the last rating (none counts as hoan_thanh)."""
    last = problem.attrs[person.id]["last_rating"] or "hoan_thanh"
    return {"xuat_sac": 0, "tot": 1, "hoan_thanh": 2, "khong_hoan_thanh": 3}[last]


def preference_rank(person: Person, commune: str) -> int | None:
    """1-based rank of a commune in the person's preferences, None if not listed."""
    try:
        return person.preferences.index(commune) + 1
    except ValueError:
        return None


def feed_groups(problem: Problem, scope: Scope) -> list[tuple[list[int], list[int]]]:
    """(people, positions) of each group of communes linked by shared feeds, as scope indices."""
    parent: dict[str, str] = {c: c for c in scope.communes}

    def find(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for unit in problem.units:
        fed = sorted(c for c in (*unit.feeds, *unit.feeds_extra) if c in parent)
        for c in fed[1:]:
            a, b = find(fed[0]), find(c)
            if a != b:
                parent[max(a, b)] = min(a, b)
    people: dict[str, list[int]] = defaultdict(list)
    positions: dict[str, list[int]] = defaultdict(list)
    for j, pos in enumerate(scope.positions):
        positions[find(pos.commune)].append(j)
    for i, person in enumerate(scope.people):
        fed = [c for c in problem.fed_communes(person) if c in parent]
        lock = scope.locks.get(person.id)
        if lock is not None and not fed:
            fed = [problem.position_by_id[lock].commune]
        if fed:
            people[find(fed[0])].append(i)
    return [(people[root], positions[root]) for root in sorted(positions)]


def candidate_pairs(problem: Problem, scope: Scope) -> Pairs:
    """Prune to the pairs that can ever be used, with their quality costs (group by group)."""
    out = Pairs()
    for people_idx, position_idx in feed_groups(problem, scope):
        _group_pairs(problem, scope, people_idx, position_idx, out)
    return out


def _group_pairs(problem: Problem, scope: Scope, gp: list[int], gj: list[int], out: Pairs) -> None:
    """Candidate pairs of one feed group; bitmasks over the group's people keep the sets small."""
    people = [scope.people[g] for g in gp]
    positions = [scope.positions[g] for g in gj]
    attrs = [problem.attrs[p.id] for p in people]
    all_mask = (1 << len(people)) - 1
    unit_mask: dict[str, int] = defaultdict(int)
    for i, p in enumerate(people):
        unit_mask[p.unit] |= 1 << i
    direct: dict[str, int] = defaultdict(int)
    extra: dict[str, int] = defaultdict(int)
    for code, m in unit_mask.items():
        unit = problem.unit_by_code[code]
        for c in unit.feeds:
            direct[c] |= m
        for c in unit.feeds_extra:
            extra[c] |= m
    home: dict[str, int] = defaultdict(int)
    for i, p in enumerate(people):
        if p.home_commune:
            home[p.home_commune] |= 1 << i
    disciplined = _mask(people, lambda i: problem.is_disciplined(people[i]))
    req_cache: dict[Any, int] = {}
    local_cache: dict[str, int] = {}

    def local_mask(c: Commune) -> int:
        if c.code not in local_cache:
            m = home[c.code]
            for u in c.merged_from:
                m |= unit_mask.get(u, 0)
            local_cache[c.code] = m
        return local_cache[c.code]

    forbidden_pos: dict[str, int] = defaultdict(int)
    forbidden_com: dict[str, int] = defaultdict(int)
    index = {p.id: i for i, p in enumerate(people)}
    for f in problem.forbidden:
        if f.person in index:
            if f.position is not None:
                forbidden_pos[f.position] |= 1 << index[f.person]
            if f.commune is not None:
                forbidden_com[f.commune] |= 1 << index[f.person]

    w = problem.weights
    w_gap, w_cont, w_rating = w.scaled("gap"), w.scaled("continuity"), w.scaled("rating")
    w_plan, w_pref, w_keep = w.scaled("planning"), w.scaled("preference"), w.scaled("keep")
    w_extra, w_senior = w.scaled("feeds_extra"), w.scaled("seniority")
    unlisted = round(w.preference_unlisted)
    # per-person parts of the cost that do not depend on the seat's commune
    base_staff = [rating_deficit(problem, p) * w_rating for p in people]
    plan_rank = [max((LEVEL_RANK[lv] for lv in p.planned_for), default=-1) for p in people]
    family = [p.job_family for p in people]
    prev = [problem.previous_plan.get(p.id) for p in people]
    was = [LEVEL_RANK[old_level(p)] for p in people]
    pref_cost: dict[str, Any] = {}
    n_people = len(people)

    def prefs_of(code: str) -> Any:
        if code not in pref_cost:
            d = np.zeros(n_people, dtype=np.int64)
            for i in _bits(direct[code] | extra[code]):
                prefs = people[i].preferences
                if prefs:
                    rank = preference_rank(people[i], code)
                    d[i] = w_pref * ((rank - 1) if rank is not None else unlisted)
            pref_cost[code] = d
        return pref_cost[code]

    # the per-person parts as numpy arrays: the cost of a position's pairs is computed at once
    base_staff_a = np.array(base_staff, dtype=np.int64)
    base_lead_a = 2 * base_staff_a
    plan_rank_a = np.array(plan_rank, dtype=np.int64)
    was_a = np.array(was, dtype=np.int64)
    family_code: dict[Any, int] = {}
    family_a = np.array([family_code.setdefault(f, len(family_code)) for f in family], dtype=np.int64)
    prev_code: dict[str, int] = {}
    prev_a = np.array(
        [-1 if v is None else prev_code.setdefault(v, len(prev_code)) for v in prev], dtype=np.int64
    )
    gp_a = np.array(gp, dtype=np.int32)
    gap_arrays: dict[tuple[Any, ...], Any] = {}

    by_value: dict[str, dict[Any, int]] = {}

    def req_mask(req: Any) -> int:
        key = (req.attr, req.op, req.value)
        if key not in req_cache:
            # evaluate once per distinct value of the attribute, not once per person
            if req.attr not in by_value:
                groups: dict[Any, list[int]] = defaultdict(list)
                for i, a in enumerate(attrs):
                    groups[a.get(req.attr)].append(i)
                by_value[req.attr] = {v: sum(1 << i for i in idx) for v, idx in groups.items()}
            m = 0
            for v, vm in by_value[req.attr].items():
                if requirement_holds(req, {req.attr: v}):
                    m |= vm
            req_cache[key] = m
        return req_cache[key]

    for j, pos in enumerate(positions):
        commune = problem.commune_by_code[pos.commune]
        m = (direct[pos.commune] | extra[pos.commune]) & ~forbidden_pos[pos.id] & ~forbidden_com[pos.commune]
        soft: list[Any] = []
        non_local_soft = False
        for req in pos.requirements:
            if req.op == "rule":
                if req.hard:
                    m &= all_mask & ~local_mask(commune)
                else:
                    non_local_soft = True
            elif req.hard:
                m &= req_mask(req)
            else:
                soft.append(req)
        lead = pos.level in LEADERSHIP
        if lead:
            m &= ~disciplined
        if not m:
            continue
        idx = _bit_array(m)
        # soft gaps depend on the requirement list only: positions copied across communes share them
        signature = tuple((r.attr, r.op, r.value) for r in soft)
        counts = gap_arrays.get(signature)
        if counts is None:
            counts = np.zeros(n_people, dtype=np.int64)
            for r in soft:
                miss = _bit_array(all_mask & ~req_mask(r))
                counts[miss] += 1
            gap_arrays[signature] = counts
        g = counts[idx]
        if non_local_soft:
            local = _bit_array(m & local_mask(commune))
            g = g + np.isin(idx, local)
        via_extra = m & extra[pos.commune] & ~direct[pos.commune]
        is_extra = np.isin(idx, _bit_array(via_extra)) if via_extra else np.zeros(len(idx), dtype=bool)
        need = LEVEL_RANK[pos.level]
        cost = w_gap * g + (base_lead_a if lead else base_staff_a)[idx] + prefs_of(pos.commune)[idx]
        cost += w_cont * (family_a[idx] != family_code.get(pos.job_family, -1))
        if lead:
            cost += w_plan * (plan_rank_a[idx] < need)
        cost += w_senior * np.maximum(was_a[idx] - need, 0)
        prev_idx = prev_a[idx]
        cost += w_keep * ((prev_idx >= 0) & (prev_idx != prev_code.get(pos.id, -2)))
        cost += w_extra * is_extra
        out.cost.frombytes(cost.astype(np.int32).tobytes())
        out.gaps.frombytes(g.astype(np.int16).tobytes())
        out.extra.frombytes(is_extra.astype(np.int8).tobytes())
        out.person.frombytes(gp_a[idx].tobytes())
        out.position.frombytes(np.full(len(idx), gj[j], dtype=np.int32).tobytes())


def _bit_array(mask: int) -> Any:
    """Indices of the set bits of a (Python int) mask, as a numpy array."""
    if not mask:
        return np.zeros(0, dtype=np.int64)
    raw = np.frombuffer(mask.to_bytes((mask.bit_length() + 7) // 8, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little"))


@dataclass
class Component:
    """Communes linked by shared feeds, with their people, positions and pairs."""

    communes: list[str]
    people: list[int]
    positions: list[int]
    pairs: array[int]  # pair indices, compact: a national instance has tens of millions


def components(problem: Problem, scope: Scope, pairs: Pairs) -> list[Component]:
    """Split the scope into independent components (communes linked by people who may serve in both)."""
    parent: dict[str, str] = {c: c for c in scope.communes}

    def find(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    # distinct (person, commune) of the pairs, vectorised: a national instance has tens of millions
    codes = sorted(scope.communes)
    code_index = {c: t for t, c in enumerate(codes)}
    commune_of = np.array([code_index[p.commune] for p in scope.positions], dtype=np.int64)
    person_arr = np.frombuffer(pairs.person, dtype=np.int32) if len(pairs.person) else np.zeros(0, np.int32)
    position_arr = (
        np.frombuffer(pairs.position, dtype=np.int32) if len(pairs.position) else np.zeros(0, np.int32)
    )
    pair_commune = commune_of[position_arr] if len(position_arr) else np.zeros(0, np.int64)
    key = np.unique(person_arr.astype(np.int64) * len(codes) + pair_commune)
    person_communes: dict[int, set[str]] = defaultdict(set)
    for v in key.tolist():
        person_communes[v // len(codes)].add(codes[v % len(codes)])
    for cs in person_communes.values():
        if len(cs) > 1:
            first, *rest = sorted(cs)
            for c in rest:
                a, b = find(first), find(c)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, Component] = {}
    for c in codes:
        root = find(c)
        groups.setdefault(root, Component([], [], [], array("i"))).communes.append(c)
    for j, pos in enumerate(scope.positions):
        groups[find(pos.commune)].positions.append(j)
    for i, cs in sorted(person_communes.items()):
        groups[find(min(cs))].people.append(i)
    roots = sorted(groups)
    root_index = {r: t for t, r in enumerate(roots)}
    comp_of_commune = np.array([root_index[find(c)] for c in codes], dtype=np.int64)
    if len(pair_commune):
        pair_comp = comp_of_commune[pair_commune]
        order = np.argsort(pair_comp, kind="stable").astype(np.int32)
        bounds = np.searchsorted(pair_comp[order], np.arange(len(roots) + 1))
        for t, r in enumerate(roots):
            groups[r].pairs = array("i", order[bounds[t] : bounds[t + 1]].tobytes())
    return [g for g in groups.values() if g.positions]
