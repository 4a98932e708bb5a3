"""Random problems for the solver tests, and an independent scorer of plans."""

from __future__ import annotations

import importlib.util
import random
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO.parent / "shared" / "spec" / "sample-problem.json"
LEVELS = ("key", "head", "deputy", "staff")
EDU = ("trung_cap", "cao_dang", "dai_hoc", "thac_si")


def load_make_problem() -> Any:
    """bench/make_problem.py as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_problem", REPO / "bench" / "make_problem.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_problem(
    seed: int,
    people: int = 6,
    positions: int = 4,
    communes: int = 2,
    relations: int = 0,
    caps: bool = False,
    overlapping_caps: bool = False,
    quota: bool = True,
    levels: tuple[str, ...] = LEVELS,
    soft: bool = True,
    max_holders: int = 2,
) -> dict[str, Any]:
    """A small random problem that exercises every rule of the spec."""
    rng = random.Random(seed)
    codes = [f"C{i}" for i in range(communes)]
    units = [
        {
            "code": f"U{i}",
            "name": f"Unit {i}",
            "kind": "old_commune",
            "district": "D",
            "feeds": [codes[i % communes]] + ([codes[(i + 1) % communes]] if rng.random() < 0.3 else []),
        }
        for i in range(communes + 1)
    ]
    units.append(
        {"code": "H1", "name": "District", "kind": "district_agency", "district": "D", "feeds": codes}
    )
    comm = []
    for i, c in enumerate(codes):
        merged = [u["code"] for u in units if u["kind"] == "old_commune" and c in u["feeds"]]
        comm.append(
            {
                "code": c,
                "name": f"Xã {c}",
                "kind": "xa",
                "payroll_quota": rng.randint(1, 3) if quota else None,
                "merged_from": merged,
            }
        )
        _ = i
    pos = []
    for j in range(positions):
        c = codes[j % communes]
        level = rng.choice(levels)
        reqs: list[dict[str, Any]] = [{"attr": "education", "min": rng.choice(EDU[:3]), "hard": True}]
        if soft:
            reqs.append({"attr": "field", "in": [rng.choice(["luat", "kinh_te"])], "hard": False})
            if rng.random() < 0.3:
                reqs.append({"rule": "non_local", "hard": False})
        hi = rng.randint(1, max_holders)
        pos.append(
            {
                "id": f"{c}/P{j}",
                "commune": c,
                "block": "ubnd",
                "department": f"D{j % 2}",
                "title": f"Seat {j}",
                "level": level,
                "job_family": rng.choice(["a", "b"]),
                "min": rng.randint(0, hi),
                "max": hi,
                "requirements": reqs,
            }
        )
    if caps:
        for c in comm:
            own = [p["id"] for p in pos if p["commune"] == c["code"]]
            if len(own) >= 2:
                c["caps"] = [{"name": "pool", "positions": own[:2], "max": 1}]
            if overlapping_caps and len(own) >= 3:
                # a second cap sharing a seat with the first: not a flow any more (CP-SAT path)
                c["caps"].append({"name": "pool2", "positions": own[1:3], "max": 1})
    ppl = []
    for i in range(people):
        unit = rng.choice(units)
        ppl.append(
            {
                "id": f"P{i}",
                "name": f"Người {i}",
                "birth_date": f"{rng.randint(1966, 1998)}-0{rng.randint(1, 9)}-15",
                "gender": rng.choice("MF"),
                "unit": unit["code"],
                "home_commune": rng.choice(codes),
                "category": "cong_chuc",
                "job_family": rng.choice(["a", "b", "c"]),
                "education": rng.choice(EDU),
                "field": rng.choice(["luat", "kinh_te", "khac"]),
                "party_member": True,
                "ratings": [{"year": 2024, "value": rng.choice(["hoan_thanh", "tot", "xuat_sac"])}],
                "planned_for": rng.choice([[], ["head"], ["key"]]),
                "disciplined": rng.random() < 0.1,
                "preferences": rng.sample(codes, rng.randint(0, len(codes))),
            }
        )
    rels = []
    for _ in range(relations):
        a, b = rng.sample(range(people), 2)
        rels.append({"a": f"P{a}", "b": f"P{b}", "kind": "spouse"})
    return {
        "format": "staffing-problem/1",
        "province": {"code": "T", "name": "Test"},
        "as_of": "2025-07-01",
        "units": units,
        "communes": comm,
        "positions": pos,
        "people": ppl,
        "relations": rels,
        "locks": [],
        "forbidden": [],
        "previous_plan": {},
        "weights": {},
    }


def score(problem: Any, assignment: dict[str, str]) -> tuple[tuple[int, ...], int, int]:
    """(shortfall by level, placed, quality) of an assignment, computed from the weights' documentation."""
    from solver.check import soft_gaps

    w = problem.weights
    count = Counter(assignment.values())
    short = [0, 0, 0, 0]
    for p in problem.positions:
        short[LEVELS.index(p.level)] += max(0, p.min - count[p.id])
    rank = {"key": 3, "head": 2, "deputy": 1, "staff": 0}
    deficit = {"xuat_sac": 0, "tot": 1, "hoan_thanh": 2, "khong_hoan_thanh": 3}
    quality = 0.0
    lead_by_commune: dict[str, list[Any]] = {}
    for pid, sid in assignment.items():
        person, pos = problem.person_by_id[pid], problem.position_by_id[sid]
        lead = pos.level != "staff"
        q = w.gap * len(soft_gaps(problem, pid, sid))
        q += w.continuity * (person.job_family != pos.job_family)
        q += w.rating * deficit[problem.attrs[pid]["last_rating"] or "hoan_thanh"] * (2 if lead else 1)
        if lead and not any(rank[lv] >= rank[pos.level] for lv in person.planned_for):
            q += w.planning
        if person.preferences:
            r = person.preferences.index(pos.commune) + 1 if pos.commune in person.preferences else None
            q += w.preference * ((r - 1) if r else w.preference_unlisted)
        if pid in problem.previous_plan and problem.previous_plan[pid] != sid:
            q += w.keep
        unit = problem.unit_by_code[person.unit]
        if pos.commune not in unit.feeds:
            q += w.feeds_extra
        quality += q
        if lead:
            lead_by_commune.setdefault(pos.commune, []).append(person)
    for code, people in lead_by_commune.items():
        merged = problem.commune_by_code[code].merged_from
        if len(merged) > 1:
            counts = [sum(1 for p in people if p.unit == u) for u in merged]
            quality += w.balance * (max(counts) - min(counts))
        quality += w.gender * max(0, len(people) - 4 * sum(1 for p in people if p.gender == "F"))
    return tuple(short), len(assignment), round(quality * 10)
