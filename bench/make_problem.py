"""Generate realistic province-sized staffing problems from the structure of the sample problem.

x1 is a Lạng Sơn-sized province: 11 old districts, 65 new communes formed from ~200 old communes
(about one in ten split between two new communes) plus 11 district agencies, ~5,300 people. The
positions of each new commune copy one of the sample's communes (51 seats: Party, HĐND, UBND and its
divisions, the service centre, MTTQ and mass organisations, military command); people are cloned
from the sample's people of the same origin (old commune or district agency), so attribute
distributions and their correlations are the sample's. x3 and x10 are three and ten such provinces
side by side. Seeded: the same arguments give the same problem.

    python bench/make_problem.py --scale 1 --seed 0 --out bench/out/x1.json
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "spec" / "sample-problem.json"

DISTRICT_COMMUNES = [7, 6, 6, 6, 6, 6, 6, 6, 6, 5, 5]  # Lạng Sơn: 65 new communes in 11 old districts


def _shift_date(value: str | None, days: int) -> str | None:
    if value is None:
        return None
    return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()


def make_problem(
    scale: int = 1,
    seed: int = 0,
    sample_path: Path = SAMPLE,
    districts: list[int] | None = None,
    extra_links: int = 2,
    relations_rate: float = 0.006,
    locks: int = 6,
    forbidden: int = 6,
) -> dict[str, Any]:
    """A seeded problem with `scale` copies of a Lạng Sơn-sized province."""
    rng = random.Random(seed)
    sample = json.loads(sample_path.read_text(encoding="utf-8"))
    kinds = {u["code"]: u["kind"] for u in sample["units"]}
    commune_people = [p for p in sample["people"] if kinds[p["unit"]] == "old_commune"]
    district_people = [p for p in sample["people"] if kinds[p["unit"]] == "district_agency"]
    templates = []
    for c in sample["communes"]:
        templates.append((c, [p for p in sample["positions"] if p["commune"] == c["code"]]))
    surnames = sorted({p["name"].split()[0] for p in sample["people"]})
    middles = sorted({p["name"].split()[1] for p in sample["people"] if len(p["name"].split()) > 2})
    given = sorted({p["name"].split()[-1] for p in sample["people"]})

    units: list[dict[str, Any]] = []
    communes: list[dict[str, Any]] = []
    positions: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    used_ids: set[str] = set()
    next_code = [10000]

    def code() -> str:
        next_code[0] += 3
        return f"{next_code[0]:05d}"

    def person_id() -> str:
        while True:
            pid = "020" + f"{rng.randrange(10**9):09d}"
            if pid not in used_ids:
                used_ids.add(pid)
                return pid

    def clone(src: dict[str, Any], unit: str, home: str, feeds: list[str]) -> dict[str, Any]:
        p = copy.deepcopy(src)
        shift = rng.randint(-700, 700)
        p["id"] = person_id()
        p["name"] = f"{rng.choice(surnames)} {rng.choice(middles)} {rng.choice(given)}"
        p["birth_date"] = _shift_date(p.get("birth_date"), shift)
        p["service_start"] = _shift_date(p.get("service_start"), shift)
        if p.get("retirement_date"):
            p["retirement_date"] = _shift_date(p["retirement_date"], shift)
        p["unit"] = unit
        p["home_commune"] = home
        n = len(src.get("preferences") or [])
        p["preferences"] = rng.sample(feeds, min(n, len(feeds)))
        return p

    district_no = 0
    province_districts = districts or DISTRICT_COMMUNES
    agencies_by_district: list[tuple[dict[str, Any], list[str]]] = []
    for _copy in range(scale):
        for n_new in province_districts:
            district_no += 1
            district = f"Huyện {district_no}"
            new_codes = [code() for _ in range(n_new)]
            merged: dict[str, list[str]] = {c: [] for c in new_codes}
            olds: list[tuple[str, list[str]]] = []
            for c in new_codes:
                for _ in range(rng.choice([2, 3, 3, 3, 4, 4])):
                    oc = code()
                    olds.append((oc, [c]))
                    merged[c].append(oc)
            # about one old commune in ten is split between two new communes
            for oc, feeds in olds:
                if len(new_codes) > 1 and rng.random() < 0.1:
                    other = rng.choice([c for c in new_codes if c != feeds[0]])
                    feeds.append(other)
                    merged[other].append(oc)
            for oc, feeds in olds:
                units.append(
                    {
                        "code": oc,
                        "name": f"Xã cũ {oc}",
                        "kind": "old_commune",
                        "district": district,
                        "feeds": feeds,
                    }
                )
                for _ in range(rng.randint(20, 25)):
                    people.append(clone(rng.choice(commune_people), oc, feeds[0], feeds))
            agency = {
                "code": f"H{district_no:03d}",
                "name": f"Cơ quan cấp huyện {district}",
                "kind": "district_agency",
                "district": district,
                "feeds": list(new_codes),
            }
            units.append(agency)
            agencies_by_district.append((agency, new_codes))
            for _ in range(n_new * rng.randint(12, 16)):
                people.append(
                    clone(rng.choice(district_people), agency["code"], rng.choice(new_codes), list(new_codes))
                )
            for c in new_codes:
                tmpl_commune, tmpl_positions = templates[rng.randrange(len(templates))]
                n_fed = sum(1 for u in units if c in u["feeds"])
                expected = 22.5 * (n_fed - 1) + 14
                sum_min = sum(tp["min"] for tp in tmpl_positions)
                quota = max(round(sum_min * rng.uniform(1.05, 1.2)), round(expected * rng.uniform(0.7, 0.95)))
                kind = "phuong" if rng.random() < 0.07 else "xa"
                caps = copy.deepcopy(tmpl_commune.get("caps") or [])
                for cap in caps:
                    cap["positions"] = [p.replace(tmpl_commune["code"], c, 1) for p in cap["positions"]]
                communes.append(
                    {
                        "code": c,
                        "name": f"{'Phường' if kind == 'phuong' else 'Xã'} {c}",
                        "kind": kind,
                        "payroll_quota": quota,
                        "target_quota": round(quota * 0.85),
                        "merged_from": merged[c],
                        "caps": caps,
                    }
                )
                for tp in tmpl_positions:
                    p = copy.deepcopy(tp)
                    p["id"] = tp["id"].replace(tmpl_commune["code"], c, 1)
                    p["commune"] = c
                    positions.append(p)
    # a few district agencies also send staff across old district lines
    for _ in range(extra_links * scale):
        a = rng.randrange(len(agencies_by_district))
        b = (a + 1) % len(agencies_by_district)
        agency, _codes = agencies_by_district[a]
        agency.setdefault("feeds_extra", []).append(rng.choice(agencies_by_district[b][1]))
    by_district: dict[str, list[dict[str, Any]]] = {}
    district_of = {u["code"]: u["district"] for u in units}
    for p in people:
        by_district.setdefault(district_of[p["unit"]], []).append(p)
    relations = []
    for group in by_district.values():
        for _ in range(round(len(group) * relations_rate)):
            a, b = rng.sample(group, 2)
            relations.append(
                {"a": a["id"], "b": b["id"], "kind": rng.choice(["spouse", "sibling", "in_law"])}
            )
    problem = {
        "format": "staffing-problem/1",
        "province": {"code": "20", "name": f"Lạng Sơn x{scale} (generated, seed {seed})"},
        "as_of": sample["as_of"],
        "units": units,
        "communes": communes,
        "positions": positions,
        "people": people,
        "relations": relations,
        "locks": [],
        "forbidden": [],
        "previous_plan": {},
        "weights": {},
    }
    _add_locks_and_forbidden(problem, rng, locks * scale, forbidden * scale)
    return problem


def _sample_parts(
    sample_path: Path,
) -> tuple[dict[str, Any], list[Any], list[Any], list[Any], list[list[str]]]:
    sample = json.loads(sample_path.read_text(encoding="utf-8"))
    kinds = {u["code"]: u["kind"] for u in sample["units"]}
    commune_people = [p for p in sample["people"] if kinds[p["unit"]] == "old_commune"]
    district_people = [p for p in sample["people"] if kinds[p["unit"]] == "district_agency"]
    templates = [
        (c, [p for p in sample["positions"] if p["commune"] == c["code"]]) for c in sample["communes"]
    ]
    names = [
        sorted({p["name"].split()[0] for p in sample["people"]}),
        sorted({p["name"].split()[1] for p in sample["people"] if len(p["name"].split()) > 2}),
        sorted({p["name"].split()[-1] for p in sample["people"]}),
    ]
    return sample, commune_people, district_people, templates, names


def make_nation(
    seed: int = 0,
    provinces: list[str] | None = None,
    sample_path: Path = SAMPLE,
    relations_rate: float = 0.006,
    locks: int = 6,
    forbidden: int = 6,
) -> dict[str, Any]:
    """The 34 new provinces (or `provinces`) with the real 2025 merger structure, synthetic people.

    Units, new communes and their feeds come from the public merger data (imports/public_map.py:
    every old commune feeds the new communes it went into, every old district agency the new communes
    its district's communes went into); people, positions, quotas and caps are generated as in
    `make_problem` (20-25 people per old commune, 12-16 per new commune in each district agency).
    """
    sys.path.insert(0, str(ROOT))
    import sqlite3

    from imports.public_map import build_merger_map, vietnamadminunits_data_dir

    if provinces is None:
        con = sqlite3.connect(f"file:{vietnamadminunits_data_dir() / 'dataset.db'}?mode=ro", uri=True)
        try:
            provinces = [
                c for (c,) in con.execute("SELECT DISTINCT provinceCode FROM admin_units ORDER BY 1")
            ]
        finally:
            con.close()
    rng = random.Random(seed)
    sample, commune_people, district_people, templates, (surnames, middles, given) = _sample_parts(
        sample_path
    )
    units: list[dict[str, Any]] = []
    communes: list[dict[str, Any]] = []
    positions: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    used_ids: set[str] = set()

    def clone(src: dict[str, Any], unit: str, home: str, feeds: list[str]) -> dict[str, Any]:
        p = copy.deepcopy(src)
        shift = rng.randint(-700, 700)
        while True:
            pid = "0" + f"{rng.randrange(10**11):011d}"
            if pid not in used_ids:
                used_ids.add(pid)
                break
        p["id"] = pid
        p["name"] = f"{rng.choice(surnames)} {rng.choice(middles)} {rng.choice(given)}"
        p["birth_date"] = _shift_date(p.get("birth_date"), shift)
        p["service_start"] = _shift_date(p.get("service_start"), shift)
        if p.get("retirement_date"):
            p["retirement_date"] = _shift_date(p["retirement_date"], shift)
        p["unit"] = unit
        p["home_commune"] = home
        n = len(src.get("preferences") or [])
        p["preferences"] = rng.sample(feeds, min(n, len(feeds)))
        return p

    for code in provinces:
        result = build_merger_map(code)
        feeds: dict[str, list[str]] = {}
        kind_of: dict[str, str] = {}
        district_of: dict[str, str] = {}
        new_kind: dict[str, str] = {}
        new_name: dict[str, str] = {}
        for r in result.rows:
            feeds.setdefault(r.old_code, [])
            if r.new_code not in feeds[r.old_code]:
                feeds[r.old_code].append(r.new_code)
            kind_of[r.old_code] = r.old_kind
            district_of[r.old_code] = r.old_district
            new_kind[r.new_code] = r.new_kind
            new_name[r.new_code] = r.new_name
        merged: dict[str, list[str]] = {c: [] for c in new_kind}
        fed_count: dict[str, int] = dict.fromkeys(new_kind, 0)
        for old, fs in feeds.items():
            for c in fs:
                fed_count[c] += 1
                if kind_of[old] == "old_commune":
                    merged[c].append(old)
        for old in sorted(feeds):
            fs = feeds[old]
            units.append(
                {
                    "code": old,
                    "name": f"Đơn vị cũ {old}",
                    "kind": kind_of[old],
                    "district": f"{result.province_code} {district_of[old]}",
                    "feeds": fs,
                }
            )
            if kind_of[old] == "old_commune":
                for _ in range(rng.randint(20, 25)):
                    people.append(clone(rng.choice(commune_people), old, fs[0], fs))
            else:
                for _ in range(len(fs) * rng.randint(12, 16)):
                    people.append(clone(rng.choice(district_people), old, rng.choice(fs), fs))
        for c in sorted(new_kind):
            tmpl_commune, tmpl_positions = templates[rng.randrange(len(templates))]
            expected = 22.5 * (fed_count[c] - 1) + 14
            sum_min = sum(tp["min"] for tp in tmpl_positions)
            quota = max(round(sum_min * rng.uniform(1.05, 1.2)), round(expected * rng.uniform(0.7, 0.95)))
            caps = copy.deepcopy(tmpl_commune.get("caps") or [])
            for cap in caps:
                cap["positions"] = [p.replace(tmpl_commune["code"], c, 1) for p in cap["positions"]]
            communes.append(
                {
                    "code": c,
                    "name": new_name[c],
                    "kind": new_kind[c] if new_kind[c] in ("xa", "phuong", "dac_khu") else "xa",
                    "payroll_quota": quota,
                    "target_quota": round(quota * 0.85),
                    "merged_from": merged[c],
                    "caps": caps,
                }
            )
            for tp in tmpl_positions:
                p = copy.deepcopy(tp)
                p["id"] = tp["id"].replace(tmpl_commune["code"], c, 1)
                p["commune"] = c
                positions.append(p)
    district_of_unit = {u["code"]: u["district"] for u in units}
    by_district: dict[str, list[dict[str, Any]]] = {}
    for p in people:
        by_district.setdefault(district_of_unit[p["unit"]], []).append(p)
    relations = []
    for _district, group in sorted(by_district.items()):
        for _ in range(round(len(group) * relations_rate)):
            a, b = rng.sample(group, 2)
            relations.append(
                {"a": a["id"], "b": b["id"], "kind": rng.choice(["spouse", "sibling", "in_law"])}
            )
    problem = {
        "format": "staffing-problem/1",
        "province": {"code": "00", "name": f"Toàn quốc: {len(provinces)} tỉnh (generated, seed {seed})"},
        "as_of": sample["as_of"],
        "units": units,
        "communes": communes,
        "positions": positions,
        "people": people,
        "relations": relations,
        "locks": [],
        "forbidden": [],
        "previous_plan": {},
        "weights": {},
    }
    _add_locks_and_forbidden(problem, rng, locks * len(provinces), forbidden * len(provinces))
    return problem


def _add_locks_and_forbidden(
    problem: dict[str, Any], rng: random.Random, n_locks: int, n_forbidden: int
) -> None:
    """Locks on staff seats that some eligible person can hold (so the problem stays feasible)."""
    sys.path.insert(0, str(ROOT))
    from solver.check import hard_failures
    from solver.problem import load_problem

    loaded = load_problem(problem)
    staff = [p for p in loaded.positions if p.level == "staff" and p.max >= 2]
    used_people: set[str] = set()
    used_positions: set[str] = set()
    by_commune: dict[str, list[str]] = {}
    for person in loaded.people:
        for c in loaded.fed_communes(person):
            by_commune.setdefault(c, []).append(person.id)
    related = {r.a for r in loaded.relations} | {r.b for r in loaded.relations}
    tries = 0
    while len(problem["locks"]) < n_locks and tries < 50 * n_locks:
        tries += 1
        pos = rng.choice(staff)
        if pos.id in used_positions:
            continue
        pid = rng.choice(by_commune[pos.commune])
        if pid in used_people or pid in related or hard_failures(loaded, pid, pos.id):
            continue
        problem["locks"].append({"person": pid, "position": pos.id})
        used_people.add(pid)
        used_positions.add(pos.id)
    for _ in range(n_forbidden):
        person = rng.choice(loaded.people)
        if person.id in used_people:
            continue
        problem["forbidden"].append({"person": person.id, "commune": rng.choice(loaded.fed_communes(person))})


def main(argv: list[str] | None = None) -> int:
    """Write a generated problem."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--nation", action="store_true", help="the 34 provinces from the public merger data")
    ap.add_argument("--provinces", nargs="+", help="with --nation: these new province codes only")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    problem = make_nation(args.seed, args.provinces) if args.nation else make_problem(args.scale, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(problem, ensure_ascii=False), encoding="utf-8")
    print(
        f"{args.out}: {len(problem['communes'])} communes, {len(problem['units'])} units, "
        f"{len(problem['positions'])} positions, {len(problem['people'])} people"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
