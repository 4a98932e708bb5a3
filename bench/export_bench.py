"""Benchmark: export the decisions of an approved plan of 5,000 people (target: under 60 s).

    .venv/bin/python bench/export_bench.py [--people 5000] [--keep DIR]

Builds a synthetic province in a temporary SQLite database (communes laid out like the demo's position
template, people from old communes and district agencies), approves a plan placing everyone, then times
the per-person ZIP, the per-department ZIP and the workbook, and checks the ZIP holds one decision each.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from staffing import create_app  # noqa: E402
from staffing.extensions import db  # noqa: E402
from staffing.models import (  # noqa: E402
    Assignment,
    Block,
    Commune,
    CommuneKind,
    Department,
    Level,
    OldUnit,
    Person,
    Plan,
    PlanStatus,
    Position,
    Province,
    UnitKind,
)
from staffing.services import exports as service  # noqa: E402

SURNAMES = ["Nguyễn", "Hoàng", "Lương", "Vi", "Lý", "Nông", "Đinh", "Trần", "Lê", "Phạm"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Khánh", "Lan", "Mai", "Nam", "Oanh", "Phúc", "Sáu"]


def build(people: int, seed: int = 7) -> int:
    """A province whose communes hold `people` seats, everyone placed in an approved plan; the plan id."""
    rng = random.Random(seed)
    template = json.loads((ROOT / "staffing" / "demo_data" / "positions_template.json").read_text("utf-8"))
    province = Province(code="20", name="Lạng Sơn", as_of=date(2025, 7, 1))
    db.session.add(province)
    district = OldUnit(
        province_code="20",
        code="H01",
        name="Phòng Nội vụ",
        kind=UnitKind.DISTRICT_AGENCY,
        district="Huyện Đình Lập",
    )
    db.session.add(district)
    seats: list[Position] = []
    n = 0
    while len(seats) < people:
        n += 1
        commune = Commune(province_code="20", code=f"{6600 + n:05d}", name=f"Xã Số {n}", kind=CommuneKind.XA)
        db.session.add(commune)
        departments: dict[tuple[str, str], Department] = {}
        for item in template["positions"]:
            key = (item["block"], item["department"])
            if key not in departments:
                departments[key] = Department(
                    commune=commune, block=Block(item["block"]), name=item["department"]
                )
                db.session.add(departments[key])
            position = Position(
                department=departments[key],
                code=f"{commune.code}/{item['code']}",
                title=item["title"],
                level=Level(item["level"]),
                min_holders=item["min"],
                max_holders=item["max"],
            )
            seats += [position] * item["max"]
    units = [district] + [
        OldUnit(province_code="20", code=f"{7000 + i}", name=f"Xã Cũ {i}", kind=UnitKind.OLD_COMMUNE)
        for i in range(n * 3)
    ]
    db.session.add_all(units)
    plan = Plan(province_code="20", name="Phương án đo tốc độ", status=PlanStatus.DRAFT)
    db.session.add(plan)
    for i, seat in enumerate(seats[:people]):
        person = Person(
            province_code="20",
            key=f"020{i:09d}",
            name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            birth_date=date(1965 + rng.randrange(35), rng.randrange(1, 13), rng.randrange(1, 28)),
            gender=rng.choice("MF"),
            unit=rng.choice(units),
            category="cong_chuc",
            current_title="Chuyên viên",
            ratings=[],
            planned_for=[],
            preferences=[],
        )
        db.session.add(Assignment(plan=plan, person=person, position=seat))
    db.session.commit()
    if plan.status == PlanStatus.DRAFT:  # loaded first: the freeze guard compares with the stored status
        plan.status = PlanStatus.APPROVED
    db.session.commit()
    return plan.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="Also write the ZIPs and workbook here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "HUEY_IMMEDIATE": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.db'}",
            }
        )
        app.instance_path = tmp
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            plan_id = build(args.people)
            print(f"built {args.people} people in {time.perf_counter() - started:.1f} s")
            plan = db.session.get(Plan, plan_id)
            results = {}
            for mode in ("per_person", "per_department"):
                db.session.expire_all()
                out = io.BytesIO()
                started = time.perf_counter()
                _name, count = service.decisions_zip(plan, out, mode)
                seconds = time.perf_counter() - started
                with zipfile.ZipFile(out) as zf:
                    docs = sum(name.endswith(".docx") for name in zf.namelist())
                if docs != count:
                    raise SystemExit(f"{mode}: {docs} files for {count} decisions")
                results[mode] = seconds
                print(f"decisions {mode}: {count} files, {len(out.getvalue()) / 1e6:.1f} MB, {seconds:.1f} s")
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / f"decisions_{mode}.zip").write_bytes(out.getvalue())
            started = time.perf_counter()
            _name, blob = service.workbook(plan)
            print(f"workbook: {len(blob) / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s")
            if args.keep:
                (args.keep / "workbook.xlsx").write_bytes(blob)
            verdict = "OK" if results["per_person"] < 60 else "TOO SLOW"
            seconds = results["per_person"]
            print(f"{args.people} people, one decision each: {seconds:.1f} s (target < 60 s) {verdict}")


if __name__ == "__main__":
    main()
