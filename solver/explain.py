"""Counterfactuals a leader asks for: who else could take this seat, the runner-up, and a matching audit."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from solver.check import relation_conflict, soft_gaps
from solver.context import commune_penalty
from solver.pairs import LEVEL_RANK, candidate_pairs, make_scope, old_level
from solver.plan import Plan
from solver.problem import LEADERSHIP, LEVELS, Person, Position, Problem


@dataclass(frozen=True)
class Delta:
    """How the plan's figures change with a move (negative shortfall = seats filled)."""

    shortfall: tuple[int, int, int, int]
    placed: int
    gaps: int
    quality: int
    swap: bool = False  # the displaced holder takes the mover's old seat

    @property
    def seats_filled(self) -> int:
        """Minimum seats filled by the move (negative when it empties some)."""
        return -sum(self.shortfall)

    def worse_for_priorities(self) -> bool:
        """Whether the move loses on priority 1 or 2."""
        return (*self.shortfall, -self.placed) > (0, 0, 0, 0, 0)


@dataclass(frozen=True)
class Candidate:
    """A person who could legally take a seat, and what the plan would see if they did."""

    person: str
    name: str
    current: str | None  # their seat in the plan, None if unplaced
    displaces: str | None  # the holder who would lose the seat (left unplaced), if the seat is full
    gaps: tuple[Mapping[str, Any], ...]
    delta: Delta
    pair_quality: int  # the quality cost of this person in this seat (lower is better)


@dataclass(frozen=True)
class Audit:
    """The plan as a matching: people placed below their old level, and blocking pairs."""

    below_level: tuple[Mapping[str, Any], ...] = ()
    blocking_pairs: tuple[Mapping[str, Any], ...] = ()
    stats: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


# ---------------------------------------------------------------- shared index


class _Index:
    """Eligible pairs and their quality costs for a problem (the solver's own pruning and costs)."""

    def __init__(self, problem: Problem) -> None:
        scope = make_scope(problem, None)
        pairs = candidate_pairs(problem, scope)
        self.cost: dict[tuple[str, str], int] = {}
        self.by_position: dict[str, list[str]] = defaultdict(list)
        self.by_person: dict[str, list[str]] = defaultdict(list)
        for i, j, c in zip(pairs.person, pairs.position, pairs.cost, strict=True):
            pid, sid = scope.people[i].id, scope.positions[j].id
            self.cost[(pid, sid)] = c
            self.by_position[sid].append(pid)
            self.by_person[pid].append(sid)


_CACHE: list[tuple[Problem, _Index]] = []


def _index(problem: Problem) -> _Index:
    for p, idx in _CACHE:
        if p is problem:
            return idx
    idx = _Index(problem)
    _CACHE.insert(0, (problem, idx))
    del _CACHE[32:]  # the app keeps the problems of many communes alive: one index each
    return idx


class _State:
    """A plan's assignment with the counts needed to evaluate moves quickly."""

    def __init__(self, problem: Problem, plan: Plan) -> None:
        self.problem = problem
        self.idx = _index(problem)
        self.assignment = dict(plan.mapping())
        self.count: Counter[str] = Counter(self.assignment.values())
        pos = problem.position_by_id
        self.commune_count: Counter[str] = Counter(pos[s].commune for s in self.assignment.values())
        self.holders: dict[str, list[str]] = defaultdict(list)
        for p, s in sorted(self.assignment.items()):
            self.holders[s].append(p)
        self.locked = {k.person for k in problem.locks}
        # leaders seated per commune, in the assignment's order (each move asks for one or two communes)
        self.leaders: dict[str, list[str]] = defaultdict(list)
        for p, s in self.assignment.items():
            if pos[s].level in LEADERSHIP:
                self.leaders[pos[s].commune].append(p)

    def _shortfall_change(self, position: Position, change: int) -> list[int]:
        out = [0, 0, 0, 0]
        before = max(0, position.min - self.count[position.id])
        after = max(0, position.min - self.count[position.id] - change)
        out[LEVELS.index(position.level)] = after - before
        return out

    def _leaders(self, commune: str, drop: set[str], add: list[str]) -> list[Person]:
        people = self.problem.person_by_id
        out = [people[p] for p in self.leaders.get(commune, []) if p not in drop]
        return out + [people[p] for p in add]

    def move(self, person_id: str, position_id: str) -> tuple[Delta, str | None] | None:
        """Delta of placing a person in a seat (displacing its weakest holder if full); None if illegal."""
        problem = self.problem
        pos = problem.position_by_id
        target = pos[position_id]
        if (person_id, position_id) not in self.idx.cost or person_id in self.locked:
            return None
        current = self.assignment.get(person_id)
        if current == position_id:
            return None
        displaced: str | None = None
        if self.count[position_id] >= target.max:
            options = [h for h in self.holders[position_id] if h not in self.locked]
            if not options:
                return None
            displaced = max(options, key=lambda h: (self.idx.cost.get((h, position_id), 0), h))
        commune = problem.commune_by_code[target.commune]
        same_commune = current is not None and pos[current].commune == target.commune
        if (
            commune.payroll_quota is not None
            and not same_commune
            and displaced is None
            and self.commune_count[target.commune] >= commune.payroll_quota
        ):
            return None
        for cap in commune.caps:
            full = sum(self.count[p] for p in cap.positions) >= cap.max
            if position_id in cap.positions and displaced is None and current not in cap.positions and full:
                return None
        for other, _kind in problem.related.get(person_id, []):
            held = self.assignment.get(other)
            if held is not None and other != displaced and relation_conflict(target, pos[held]):
                return None
        # a displaced holder takes the mover's old seat when they may (a swap), else leaves
        swap = (
            displaced is not None
            and current is not None
            and (displaced, current) in self.idx.cost
            and not any(
                relation_conflict(pos[current], pos[held])
                for other, _ in problem.related.get(displaced, [])
                if (held := self.assignment.get(other)) is not None and other != person_id
            )
        )
        short = self._shortfall_change(target, 1 if displaced is None else 0)
        if current is not None and not swap:
            short = [a + b for a, b in zip(short, self._shortfall_change(pos[current], -1), strict=True)]
        placed = (current is None) - (displaced is not None and not swap)
        gaps = len(soft_gaps(problem, person_id, position_id))
        quality = self.idx.cost[(person_id, position_id)]
        if current is not None:
            gaps -= len(soft_gaps(problem, person_id, current))
            # a seat held against a hard rule (a written override) is no eligible pair: it costs nothing here
            quality -= self.idx.cost.get((person_id, current), 0)
        if displaced is not None:
            gaps -= len(soft_gaps(problem, displaced, position_id))
            quality -= self.idx.cost.get((displaced, position_id), 0)
        if swap and displaced is not None and current is not None:
            gaps += len(soft_gaps(problem, displaced, current))
            quality += self.idx.cost[(displaced, current)]
        communes = {target.commune} | ({pos[current].commune} if current else set())
        drop = {person_id} | ({displaced} if displaced else set())
        for c in communes:
            before = commune_penalty(problem, c, self._leaders(c, set(), []))
            add = [person_id] if c == target.commune and target.level in LEADERSHIP else []
            if (
                swap
                and current is not None
                and c == pos[current].commune
                and pos[current].level in LEADERSHIP
            ):
                add = [*add, displaced]  # type: ignore[list-item]
            quality += commune_penalty(problem, c, self._leaders(c, drop, add)) - before
        return Delta((short[0], short[1], short[2], short[3]), placed, gaps, quality, swap), displaced


def _rank(c: Candidate) -> tuple[Any, ...]:
    d = c.delta
    return (*d.shortfall, -d.placed, d.quality, c.person)


def candidates(problem: Problem, plan: Plan, position_id: str, limit: int = 20) -> list[Candidate]:
    """People who could legally take the seat (hard rules hold after the move), best first."""
    state = _State(problem, plan)
    out = []
    for person_id in state.idx.by_position.get(position_id, []):
        if state.assignment.get(person_id) == position_id:
            continue
        result = state.move(person_id, position_id)
        if result is None:
            continue
        delta, displaced = result
        out.append(
            Candidate(
                person_id,
                problem.person_by_id[person_id].name,
                state.assignment.get(person_id),
                displaced,
                tuple(soft_gaps(problem, person_id, position_id)),
                delta,
                state.idx.cost[(person_id, position_id)],
            )
        )
    out.sort(key=_rank)
    return out[:limit]


def runner_up(problem: Problem, plan: Plan, position_id: str) -> Candidate | None:
    """The best other person for the seat, and what the plan would lose if they took it."""
    best = candidates(problem, plan, position_id, limit=1)
    return best[0] if best else None


def matching_audit(problem: Problem, plan: Plan, limit: int = 200) -> Audit:
    """People placed below their old level, and blocking pairs by the plan's own priorities.

    A blocking pair is a person and a seat in a commune they prefer to where they are (or any
    listed commune if unplaced), which they may legally take, where the move loses nothing on
    priorities 1-2 and the person's quality cost in the seat is lower than the holder's it displaces
    (or the seat has room).
    """
    state = _State(problem, plan)
    pos = problem.position_by_id
    below = []
    for person_id, position_id in sorted(state.assignment.items()):
        person = problem.person_by_id[person_id]
        old, new = old_level(person), pos[position_id].level
        if LEVEL_RANK[new] < LEVEL_RANK[old]:
            below.append(
                {
                    "person": person_id,
                    "name": person.name,
                    "current_title": person.current_title,
                    "old_level": old,
                    "position": position_id,
                    "level": new,
                }
            )
    blocking = []
    for person in problem.people:
        if not person.preferences:
            continue
        current = state.assignment.get(person.id)
        here = pos[current].commune if current else None
        limit_rank = person.preferences.index(here) if here in person.preferences else len(person.preferences)
        wanted = set(person.preferences[:limit_rank])
        if here is None:
            wanted = set(person.preferences)
        for position_id in state.idx.by_person.get(person.id, []):
            if pos[position_id].commune not in wanted:
                continue
            result = state.move(person.id, position_id)
            if result is None:
                continue
            delta, displaced = result
            if delta.worse_for_priorities():
                continue
            if (
                displaced is not None
                and state.idx.cost[(person.id, position_id)] >= state.idx.cost[(displaced, position_id)]
            ):
                continue
            blocking.append(
                {
                    "person": person.id,
                    "name": person.name,
                    "position": position_id,
                    "commune": pos[position_id].commune,
                    "current": current,
                    "displaces": displaced,
                    "delta": {
                        "shortfall": list(delta.shortfall),
                        "placed": delta.placed,
                        "gaps": delta.gaps,
                        "quality": delta.quality,
                        "swap": delta.swap,
                    },
                }
            )
            if len(blocking) >= limit:
                break
        if len(blocking) >= limit:
            break
    return Audit(tuple(below), tuple(blocking), {"below_level": len(below), "blocking_pairs": len(blocking)})


@dataclass(frozen=True)
class SeatOption:
    """A seat a person could legally move to, and what the plan would see if they did."""

    position: str
    displaces: str | None
    gaps: tuple[Mapping[str, Any], ...]
    delta: Delta
    pair_quality: int


def seats_for(problem: Problem, plan: Plan, person_id: str, limit: int = 10) -> list[SeatOption]:
    """The seats a person could legally take instead, ranked as `candidates` ranks people (the objective)."""
    state = _State(problem, plan)
    out: list[SeatOption] = []
    for position_id in state.idx.by_person.get(person_id, []):
        result = state.move(person_id, position_id)
        if result is None:
            continue
        delta, displaced = result
        out.append(
            SeatOption(
                position_id,
                displaced,
                tuple(soft_gaps(problem, person_id, position_id)),
                delta,
                state.idx.cost[(person_id, position_id)],
            )
        )
    out.sort(key=lambda o: (*o.delta.shortfall, -o.delta.placed, o.delta.quality, o.position))
    return out[:limit]
