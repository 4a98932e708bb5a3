"""solve(): run the model and turn its solution into an explained plan."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any

import numpy as np

from solver.check import hard_failures, relation_conflict, requirement_gap, soft_gaps
from solver.engine import SOLVER_NAME, SolveResult, run
from solver.options import ProgressFn, SolveOptions
from solver.pairs import LEVEL_RANK, Pairs, old_level, planned_for, preference_rank
from solver.plan import (
    Assignment,
    Closest,
    EarlyRetirement,
    Infeasible,
    Plan,
    Reason,
    Shortfall,
    Unplaced,
)
from solver.problem import LEADERSHIP, LEVELS, Person, Position, Problem, requirement_holds


def early_retirement(problem: Problem, person: Person) -> EarlyRetirement:
    """Early-retirement band by years to retirement (Decree 178/2024 Art. 7, as amended by Decree 67/2025)."""
    years = problem.attrs[person.id]["years_to_retirement"]
    if years is None:
        return EarlyRetirement(False, None, None)
    if years <= 0 or years > 10:
        band = None
    elif years < 2:
        band = "<2"
    elif years <= 5:
        band = "2-5"
    else:
        band = "5-10"
    # under discipline, or part-time workers (Decree 154/2025 instead), are not covered
    covered = not problem.is_disciplined(person) and person.category != "khong_chuyen_trach"
    return EarlyRetirement(band is not None and covered, band, years)


def _int32(values: Any) -> Any:
    """An array('i') as a numpy view (no copy)."""
    return np.frombuffer(values, dtype=np.int32) if len(values) else np.zeros(0, dtype=np.int32)


def _csr(keys: Any, n: int) -> tuple[Any, Any]:
    """Pair indices sorted by key (stable) and the start of each key's run: the pairs of key i are
    order[start[i]:start[i + 1]]."""
    order = np.argsort(keys, kind="stable").astype(np.int32)
    start = np.zeros(n + 1, dtype=np.int64)
    if len(keys):
        np.cumsum(np.bincount(keys, minlength=n), out=start[1:])
    return order, start


def _commune_names(problem: Problem) -> dict[str, str]:
    return {c.code: c.name for c in problem.communes}


class _Explainer:
    """Builds the reasons of a plan from the model's solution."""

    def __init__(self, problem: Problem, result: SolveResult) -> None:
        self.problem = problem
        self.result = result
        self.assignment = result.assignment
        self.pos = problem.position_by_id
        self.count: Counter[str] = Counter(result.assignment.values())
        self.commune_count: Counter[str] = Counter(self.pos[p].commune for p in result.assignment.values())
        self.holders: dict[str, list[str]] = defaultdict(list)
        for person, position in sorted(result.assignment.items()):
            self.holders[position].append(person)
        pairs: Pairs = result.pairs
        scope = result.scope
        # candidate pairs by person and by position as index arrays (CSR), not Python lists per pair
        self.person_at = {p.id: i for i, p in enumerate(scope.people)}
        self.position_at = {p.id: j for j, p in enumerate(scope.positions)}
        self.by_person, self.person_start = _csr(_int32(pairs.person), len(scope.people))
        self.by_position, self.position_start = _csr(_int32(pairs.position), len(scope.positions))
        self.extra: set[tuple[str, str]] = set()
        if len(pairs.extra):
            for k in np.flatnonzero(np.frombuffer(pairs.extra, dtype=np.int8)).tolist():
                self.extra.add((scope.people[pairs.person[k]].id, scope.positions[pairs.position[k]].id))
        self.names = _commune_names(problem)
        self.locks = {(k.person, k.position) for k in problem.locks}
        self.in_scope = {p.id for p in scope.people}
        self.fed_people: dict[str, list[Person]] = defaultdict(list)
        for p in scope.people:
            for c in problem.fed_communes(p):
                self.fed_people[c].append(p)
        self.fail_cache: dict[tuple[Any, str], list[dict[str, Any]]] = {}

    def cands_of_person(self, person_id: str) -> list[tuple[int, str]]:
        """(quality cost, position id) of every candidate pair of a person."""
        i = self.person_at.get(person_id)
        if i is None:
            return []
        pairs, positions = self.result.pairs, self.result.scope.positions
        ks = self.by_person[self.person_start[i] : self.person_start[i + 1]].tolist()
        return [(pairs.cost[k], positions[pairs.position[k]].id) for k in ks]

    def cands_of_position(self, position_id: str) -> list[str]:
        """Ids of the people of every candidate pair of a position."""
        j = self.position_at.get(position_id)
        if j is None:
            return []
        pairs, people = self.result.pairs, self.result.scope.people
        ks = self.by_position[self.position_start[j] : self.position_start[j + 1]].tolist()
        return [people[pairs.person[k]].id for k in ks]

    def n_cands_of_position(self, position_id: str) -> int:
        j = self.position_at.get(position_id)
        return 0 if j is None else int(self.position_start[j + 1] - self.position_start[j])

    def _pos_params(self, position: Position) -> dict[str, Any]:
        return {
            "position": position.id,
            "title": position.title,
            "commune": position.commune,
            "commune_name": self.names[position.commune],
        }

    def assignment_reasons(self, person: Person, position: Position) -> tuple[Reason, ...]:
        """The terms that made this assignment win."""
        problem = self.problem
        commune = problem.commune_by_code[position.commune]
        out: list[Reason] = []
        if (person.id, position.id) in self.locks:
            out.append(Reason("locked"))
        if person.id in self.result.scope.kept:
            out.append(Reason("kept_outside"))
        elif problem.previous_plan.get(person.id) == position.id:
            out.append(Reason("kept"))
        if person.job_family and person.job_family == position.job_family:
            out.append(Reason("continuity", {"job_family": person.job_family}))
        if (
            position.level in LEADERSHIP
            and LEVEL_RANK[old_level(person)] <= LEVEL_RANK[position.level]
            and old_level(person) != "staff"
        ):
            out.append(Reason("level_kept", {"level": old_level(person)}))
        rating = problem.attrs[person.id]["last_rating"]
        if rating in ("tot", "xuat_sac"):
            out.append(Reason("rating", {"value": rating}))
        if position.level in LEADERSHIP and planned_for(person, position.level):
            out.append(Reason("planned", {"level": position.level}))
        rank = preference_rank(person, position.commune)
        if rank is not None:
            out.append(
                Reason("preference", {"rank": rank, "commune": commune.code, "commune_name": commune.name})
            )
        if person.unit in commune.merged_from:
            out.append(
                Reason("local", {"unit": person.unit, "unit_name": problem.unit_by_code[person.unit].name})
            )
        if self.n_cands_of_position(position.id) == 1 and position.min > 0:
            out.append(Reason("only_candidate"))
        elif position.min > 0 and self.count[position.id] <= position.min:
            out.append(Reason("fills_minimum", {"level": position.level}))
        if position.level in LEADERSHIP and person.gender == "F" and problem.weights.gender > 0:
            out.append(Reason("woman_leader"))
        if (person.id, position.id) in self.extra:
            out.append(
                Reason(
                    "feeds_extra", {"unit": person.unit, "unit_name": problem.unit_by_code[person.unit].name}
                )
            )
        for gap in soft_gaps(problem, person.id, position.id):
            out.append(Reason("gap", {"requirement": gap}))
        return tuple(out)

    def unplaced_reasons(self, person: Person) -> tuple[Reason, ...]:
        """Why a person has no seat."""
        problem, scope = self.problem, self.result.scope
        in_scope = self.in_scope
        out: list[Reason] = []
        fed = [c for c in problem.fed_communes(person) if c in scope.communes]
        if person.id not in in_scope:
            out.append(
                Reason(
                    "out_of_scope" if problem.fed_communes(person) else "no_feeds",
                    {"unit": person.unit, "unit_name": problem.unit_by_code[person.unit].name},
                )
            )
            return tuple(out)
        cands = sorted(self.cands_of_person(person.id))
        feeds_params = {"feeds": fed, "commune_names": {c: self.names[c] for c in fed}}
        if not cands:
            if not fed:
                out.append(
                    Reason(
                        "no_feeds", {"unit": person.unit, "unit_name": problem.unit_by_code[person.unit].name}
                    )
                )
                return tuple(out)
            missing: Counter[str] = Counter()
            examples: dict[str, dict[str, Any]] = {}
            disciplined = False
            for pos in scope.positions:
                if pos.commune not in fed:
                    continue
                for f in hard_failures(problem, person.id, pos.id):
                    if f.get("rule") == "discipline":
                        disciplined = True
                        continue
                    key = repr(sorted((k, str(v)) for k, v in f.items() if k != "value"))
                    missing[key] += 1
                    examples[key] = f
            if disciplined:
                out.append(Reason("disciplined"))
            if not missing and not disciplined:
                out.append(Reason("no_seat", feeds_params))  # no seat at all in the feeds
                return tuple(out)
            top = [examples[k] for k, _ in missing.most_common(2)]
            out.append(Reason("not_eligible", {**feeds_params, "requirements": top}))
            return tuple(out)
        outranked = 0
        blocked: set[str] = set()
        for _, sid in cands:
            pos = self.pos[sid]
            commune = problem.commune_by_code[pos.commune]
            if self.count[sid] >= pos.max and self.holders[sid]:
                if outranked < 2:
                    holder = problem.person_by_id[self.holders[sid][0]]
                    out.append(
                        Reason(
                            "outranked", {"person": holder.id, "name": holder.name, **self._pos_params(pos)}
                        )
                    )
                outranked += 1
                continue
            if commune.payroll_quota is not None and self.commune_count[pos.commune] >= commune.payroll_quota:
                if "quota" + pos.commune not in blocked:
                    blocked.add("quota" + pos.commune)
                    out.append(
                        Reason(
                            "payroll_full",
                            {
                                "commune": pos.commune,
                                "commune_name": commune.name,
                                "quota": commune.payroll_quota,
                            },
                        )
                    )
                continue
            cap = next(
                (
                    c
                    for c in commune.caps
                    if sid in c.positions and sum(self.count[p] for p in c.positions) >= c.max
                ),
                None,
            )
            if cap is not None:
                if "cap" + cap.name + pos.commune not in blocked:
                    blocked.add("cap" + cap.name + pos.commune)
                    out.append(
                        Reason(
                            "cap_full",
                            {
                                "cap": cap.name,
                                "max": cap.max,
                                "commune": pos.commune,
                                "commune_name": commune.name,
                            },
                        )
                    )
                continue
            for other, kind in problem.related.get(person.id, []):
                held = self.assignment.get(other)
                if (
                    held is not None
                    and relation_conflict(pos, self.pos[held])
                    and "rel" + other not in blocked
                ):
                    blocked.add("rel" + other)
                    out.append(
                        Reason(
                            "relation",
                            {"person": other, "name": problem.person_by_id[other].name, "kind": kind},
                        )
                    )
        out.insert(0, Reason("no_seat", feeds_params))
        return tuple(out)

    def shortfall(self, position: Position, missing: int) -> Shortfall:
        """Why a seat stays below its minimum, and the closest candidates."""
        problem = self.problem
        commune = problem.commune_by_code[position.commune]
        fed = self.fed_people.get(position.commune, [])
        reasons: list[Reason] = []
        cands = self.cands_of_position(position.id)
        if not fed:
            reasons.append(Reason("nobody_fed", {"commune": commune.code, "commune_name": commune.name}))
        elif not cands:
            hard = [q for q in position.requirements if q.hard]
            attrs = problem.attrs
            for q in hard:
                if not any(requirement_holds(q, attrs[p.id], commune) for p in fed):
                    d = q.to_dict()
                    d.pop("hard", None)
                    reasons.append(Reason("nobody_meets", {"requirement": d}))
            if not reasons:
                ok = [p for p in fed if all(requirement_holds(q, attrs[p.id], commune) for q in hard)]
                if ok and position.level in LEADERSHIP and all(problem.is_disciplined(p) for p in ok):
                    reasons.append(Reason("disciplined_only"))
                else:
                    reasons.append(Reason("nobody_meets_all", {"count": len(fed)}))
        else:
            placed = [c for c in cands if c in self.assignment]
            if (
                commune.payroll_quota is not None
                and self.commune_count[commune.code] >= commune.payroll_quota
            ):
                reasons.append(
                    Reason(
                        "payroll_full",
                        {
                            "commune": commune.code,
                            "commune_name": commune.name,
                            "quota": commune.payroll_quota,
                        },
                    )
                )
            for cap in commune.caps:
                if position.id in cap.positions and sum(self.count[p] for p in cap.positions) >= cap.max:
                    reasons.append(
                        Reason(
                            "cap_full",
                            {
                                "cap": cap.name,
                                "max": cap.max,
                                "commune": commune.code,
                                "commune_name": commune.name,
                            },
                        )
                    )
            unplaced = [c for c in cands if c not in self.assignment]
            for c in unplaced:
                for other, kind in problem.related.get(c, []):
                    held = self.assignment.get(other)
                    if held is not None and relation_conflict(position, self.pos[held]):
                        reasons.append(
                            Reason(
                                "relation",
                                {"person": other, "name": problem.person_by_id[other].name, "kind": kind},
                            )
                        )
            if len(placed) == len(cands):
                reasons.append(Reason("candidates_placed", {"count": len(cands)}))
        ranked = []
        # positions copied across communes share requirements: cache failures by requirement list
        signature = tuple((q.attr, q.op, q.value) for q in position.requirements if q.hard and q.op != "rule")
        lead = position.level in LEADERSHIP
        for p in fed:
            key = (signature, p.id)
            fails = self.fail_cache.get(key)
            if fails is None:
                fails = [
                    requirement_gap(q, problem.attrs[p.id])
                    for q in position.requirements
                    if q.hard and q.op != "rule" and not requirement_holds(q, problem.attrs[p.id])
                ]
                self.fail_cache[key] = fails
            extra = [{"rule": "discipline"}] if lead and problem.is_disciplined(p) else []
            ranked.append((len(fails) + len(extra), p.id in self.assignment, p.id, fails + extra))
        ranked.sort(key=lambda t: (t[0], t[1], t[2]))
        closest = tuple(
            Closest(pid, tuple(fails), self.assignment.get(pid)) for _, _, pid, fails in ranked[:3]
        )
        return Shortfall(position.id, missing, tuple(reasons), closest)


def _infeasible_plan(problem: Problem, result: SolveResult, options: SolveOptions, t0: float) -> Plan:
    conflict = result.conflict or []
    reasons: list[Reason] = []
    rules: list[str] = []
    pos = problem.position_by_id
    names = _commune_names(problem)
    for person, position in conflict:
        for f in hard_failures(problem, person, position):
            rules.append(str(f.get("rule", "requirement")))
            reasons.append(
                Reason(
                    "lock_breaks",
                    {
                        "person": person,
                        "name": problem.person_by_id[person].name,
                        "position": position,
                        "title": pos[position].title,
                        "failure": f,
                    },
                )
            )
    by_person = Counter(p for p, _ in conflict)
    for person, n in by_person.items():
        if n > 1:
            rules.append("one_position")
            reasons.append(
                Reason("lock_twice", {"person": person, "name": problem.person_by_id[person].name})
            )
    by_position = Counter(s for _, s in conflict)
    for position, n in by_position.items():
        if n > pos[position].max:
            rules.append("position_max")
            reasons.append(
                Reason(
                    "lock_capacity",
                    {
                        "position": position,
                        "title": pos[position].title,
                        "count": n,
                        "max": pos[position].max,
                    },
                )
            )
    by_commune = Counter(pos[s].commune for _, s in conflict)
    for code, n in by_commune.items():
        commune = problem.commune_by_code[code]
        if commune.payroll_quota is not None and n > commune.payroll_quota:
            rules.append("payroll_quota")
            reasons.append(
                Reason(
                    "lock_quota",
                    {
                        "commune": code,
                        "commune_name": names[code],
                        "count": n,
                        "quota": commune.payroll_quota,
                    },
                )
            )
        for cap in commune.caps:
            m = sum(by_position.get(p, 0) for p in cap.positions)
            if m > cap.max:
                rules.append("shared_cap")
                reasons.append(
                    Reason(
                        "lock_cap",
                        {
                            "cap": cap.name,
                            "max": cap.max,
                            "count": m,
                            "commune": code,
                            "commune_name": names[code],
                        },
                    )
                )
    held = dict(conflict)
    for rel in problem.relations:
        if rel.a in held and rel.b in held and relation_conflict(pos[held[rel.a]], pos[held[rel.b]]):
            rules.append("relation")
            reasons.append(
                Reason(
                    "lock_relation",
                    {
                        "person": rel.a,
                        "name": problem.person_by_id[rel.a].name,
                        "other": rel.b,
                        "other_name": problem.person_by_id[rel.b].name,
                        "kind": rel.kind,
                    },
                )
            )
    stats = _base_stats(problem, options, t0)
    stats["optimal_for"] = []
    return Plan(
        "INFEASIBLE",
        infeasible=Infeasible(
            tuple({"person": p, "position": s} for p, s in conflict),
            tuple(dict.fromkeys(rules)),
            tuple(reasons),
        ),
        stats=stats,
    )


def _base_stats(problem: Problem, options: SolveOptions, t0: float) -> dict[str, Any]:
    return {
        "wall_s": round(time.monotonic() - t0, 3),
        "solver": SOLVER_NAME,
        "seed": options.seed,
        "parameters": {
            "time_limit": options.time_limit,
            "workers": options.workers,
            "processes": options.processes,
            "gap_limit": options.gap_limit,
            "communes": sorted(options.communes) if options.communes is not None else None,
        },
        "problem_sha256": problem.sha256,
    }


def solve(problem: Problem, options: SolveOptions | None = None, progress: ProgressFn | None = None) -> Plan:
    """Propose a plan: minimise shortfall by level, then maximise placement, then quality; explain it."""
    options = options or SolveOptions()
    t0 = time.monotonic()
    result = run(problem, options, progress)
    if result.conflict is not None:
        return _infeasible_plan(problem, result, options, t0)
    t1 = time.monotonic()
    # the time limit bounds the whole run: past it, the rest of the plan is written without reasons
    # (a small reserve is kept for building and writing the plan); stats say how much was explained
    stop_at = t0 + options.time_limit * 0.99 - options.outside_s - 2e-5 * len(problem.people)
    skipped = [0]

    def explaining() -> bool:
        if not options.explain:
            return False
        if skipped[0] or time.monotonic() >= stop_at:
            skipped[0] += 1
            return False
        return True

    ex = _Explainer(problem, result)
    people = problem.person_by_id
    # the most useful explanations first, should time run out: shortfalls, unplaced, assignments
    count = Counter(result.assignment.values())
    shortfalls = []
    short_levels = [0, 0, 0, 0]
    for position in problem.positions:
        missing = position.min - count[position.id]
        if missing > 0:
            short_levels[LEVELS.index(position.level)] += missing
            if position.commune in result.scope.communes and explaining():
                shortfalls.append(ex.shortfall(position, missing))
            else:
                shortfalls.append(Shortfall(position.id, missing))
    unplaced = []
    for person in problem.people:
        if person.id in result.assignment:
            continue
        er = early_retirement(problem, person)
        reasons: tuple[Reason, ...] = ex.unplaced_reasons(person) if explaining() else ()
        if er.eligible:
            reasons = (
                *reasons,
                Reason("early_retirement", {"years": er.years_to_retirement, "band": er.band}),
            )
        unplaced.append(Unplaced(person.id, reasons, er))
    assignments = []
    gaps_total = 0
    for person_id, position_id in sorted(result.assignment.items(), key=lambda kv: (kv[1], kv[0])):
        person, position = people[person_id], problem.position_by_id[position_id]
        gaps = tuple(soft_gaps(problem, person_id, position_id))
        gaps_total += len(gaps)
        if person_id in result.scope.kept:
            reasons = (Reason("kept_outside"),)
        else:
            reasons = ex.assignment_reasons(person, position) if explaining() else ()
        assignments.append(Assignment(person_id, position_id, gaps, reasons))
    t2 = time.monotonic()
    res = result.results
    optimal_12 = all(r.optimal_12 for r in res)
    optimal_3 = optimal_12 and all(r.optimal_3 for r in res)
    quality = sum(r.quality for r in res)
    bound_q = sum(r.bound_quality for r in res)
    bound_short = [sum(r.bound_shortfall[i] for r in res) for i in range(4)]
    kept_short = [short_levels[i] - sum(r.shortfall[i] for r in res) for i in range(4)]
    stats: dict[str, Any] = {
        "placed": len(result.assignment),
        "unplaced": len(unplaced),
        "gaps": gaps_total,
        "shortfall": dict(zip(LEVELS, short_levels, strict=True)),
        "optimal_for": [1, 2, 3] if optimal_3 else [1, 2] if optimal_12 else [],
        "objective": {"shortfall": short_levels, "placed": len(result.assignment), "quality": quality},
        "bound": {
            "shortfall": [b + k for b, k in zip(bound_short, kept_short, strict=True)],
            "placed": sum(r.bound_placed for r in res) + len(result.scope.kept),
            "quality": round(bound_q, 1),
        },
        "gap_to_bound": round((quality - bound_q) / quality, 5) if quality > 0 else 0.0,
        "pairs": len(result.pairs.person),
        "components": len(result.comps),
        "methods": dict(Counter(r.method for r in res)),
        # per component (largest first): what is proven and what is not
        "component_status": [
            {
                "communes": len(c.communes),
                "first_commune": c.communes[0] if c.communes else None,
                "people": len(c.people),
                "pairs": len(c.pairs),
                "method": r.method,
                "optimal_12": r.optimal_12,
                "optimal_3": r.optimal_3,
                "gap_to_bound": round((r.quality - r.bound_quality) / r.quality, 5) if r.quality > 0 else 0.0,
            }
            for c, r in zip(result.comps, res, strict=True)
        ],
        "stage_s": {**{k: round(v, 3) for k, v in result.seconds.items()}, "explain": round(t2 - t1, 3)},
        # items (assignments, unplaced, shortfalls) left without reasons because time ran out
        "unexplained": skipped[0],
        **_base_stats(problem, options, t0),
    }
    status = "OPTIMAL" if optimal_3 else "FEASIBLE"
    return Plan(status, tuple(assignments), tuple(unplaced), tuple(shortfalls), None, stats)
