"""Latency of the global search (issue 13) on the demo province and on a national-sized database.

    .venv/bin/python bench/search_bench.py --instance /tmp/demo13 [--people 289000] [--runs 200]

--instance is a built demo (`STAFFING_INSTANCE=/tmp/demo13 staffing demo --no-serve`). Without --people
the demo itself is measured (5,341 people). With --people N the demo database is copied to
<instance>-N and synthetic people (Vietnamese names, 12-digit CCCDs, old posts) are added in bulk to
its old units until it holds N people, all in the one province: every search runs against them all,
which is harsher than a real national database (searches are per province; the largest has ~15,000).
Set DATABASE_URL to measure a PostgreSQL copy instead (built the same way, with `staffing demo`).

Each run picks a query of one kind at random and times the signed-in page /search?q=... over the test
client (query, render and all) for the drafter of the demo province. Prints p50 / p95 / max per kind, ms.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Hứa",
    "Nông",
    "Lương",
    "Hà",
    "Vi",
    "Triệu",
    "Chu",
    "Bế",
    "Lăng",
]
MIDDLE = [
    "Thị",
    "Văn",
    "Đức",
    "Minh",
    "Ngọc",
    "Thanh",
    "Hữu",
    "Quang",
    "Hồng",
    "Thu",
    "Xuân",
    "Kim",
    "Công",
    "Đình",
]
GIVEN = [
    "Hoa",
    "Hương",
    "Lan",
    "Mai",
    "Hà",
    "Hạnh",
    "Hằng",
    "Huyền",
    "Thảo",
    "Trang",
    "Linh",
    "Nga",
    "Ngân",
    "Phương",
    "Quỳnh",
    "Tâm",
    "Thủy",
    "Yến",
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hiếu",
    "Hùng",
    "Khánh",
    "Kiên",
    "Lâm",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Thành",
    "Tiến",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
]
POSTS = [
    "Chủ tịch UBND xã",
    "Phó Chủ tịch UBND xã",
    "Bí thư Đảng ủy",
    "Công chức Văn phòng - Thống kê",
    "Công chức Tài chính - Kế toán",
    "Công chức Tư pháp - Hộ tịch",
    "Chuyên viên Phòng Nội vụ",
    "Chỉ huy trưởng Quân sự",
]


def slip(text: str, rng: random.Random) -> str:
    """The folded text with one letter of a word of 3+ letters replaced, dropped or doubled."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 3]
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w))
    kind = rng.choice(("replace", "drop", "double"))
    if kind == "replace":
        w = w[:j] + rng.choice("aeiouhnt".replace(w[j], "")) + w[j + 1 :]
    elif kind == "drop":
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def grow(instance: Path, people: int) -> Path:
    """A copy of the demo database grown to `people` people (SQLite), reused when already built."""
    if os.environ.get("DATABASE_URL"):
        target = instance  # PostgreSQL: the database named by DATABASE_URL grows in place
    else:
        target = instance.parent / f"{instance.name}-{people}"
        if (target / "staffing.db").exists():
            return target
        target.mkdir(parents=True, exist_ok=True)
        for name in ("staffing.db", "secret_key"):
            if (instance / name).exists():
                shutil.copy(instance / name, target / name)
    os.environ["STAFFING_INSTANCE"] = str(target)
    from staffing import create_app
    from staffing.extensions import db
    from staffing.models import OldUnit, Person

    app = create_app()
    with app.app_context():
        have = db.session.scalar(db.select(db.func.count(Person.id))) or 0
        units = list(db.session.scalars(db.select(OldUnit.id).where(OldUnit.province_code == "20")))
        rng = random.Random(13)
        batch: list[dict[str, object]] = []
        for n in range(have, people):
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            batch.append(
                {
                    "province_code": "20",
                    "key": f"0{rng.randrange(10**10, 10**11)}",
                    "has_cccd": True,
                    "name": name,
                    "birth_date": date(
                        1965 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28)
                    ),
                    "gender": "F" if rng.random() < 0.5 else "M",
                    "unit_id": rng.choice(units),
                    "category": "cong_chuc",
                    "current_title": rng.choice(POSTS),
                    "ratings": [],
                    "planned_for": [],
                    "preferences": [],
                    "source_file": "synthetic",
                    "source_row": n,
                }
            )
            if len(batch) == 20_000:
                db.session.execute(db.insert(Person), batch)
                db.session.commit()
                batch = []
        if batch:
            db.session.execute(db.insert(Person), batch)
            db.session.commit()
        db.session.commit()
        # fresh statistics for the planner (and, on PostgreSQL, the visibility map that lets the covering
        # index answer alone, as autovacuum keeps it in production)
        command = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(db.text(command))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--people", type=int, default=0)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    instance = grow(args.instance, args.people) if args.people else args.instance
    os.environ["STAFFING_INSTANCE"] = str(instance)
    from staffing import create_app
    from staffing.extensions import db
    from staffing.folding import fold
    from staffing.models import Commune, OldUnit, Person

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    rng = random.Random(2025)
    with app.app_context():
        total = db.session.scalar(db.select(db.func.count(Person.id))) or 0
        sample = db.session.execute(
            db.select(Person.name, Person.key, Person.current_title)
            .where(Person.province_code == "20")
            .order_by(db.func.random())
            .limit(400)
        ).all()
        units = list(db.session.scalars(db.select(OldUnit.name).where(OldUnit.province_code == "20")))
        communes = list(db.session.scalars(db.select(Commune.name).where(Commune.province_code == "20")))
        backend = db.engine.url.get_backend_name()
    kinds = {
        "name, no diacritics": lambda: fold(rng.choice(sample).name),
        "name, one slip": lambda: slip(fold(rng.choice(sample).name), rng),
        "CCCD, whole": lambda: rng.choice(sample).key,
        "CCCD, last 6 digits": lambda: rng.choice(sample).key[-6:],
        "old unit": lambda: fold(rng.choice(units)),
        "old post": lambda: fold(rng.choice([s.current_title for s in sample if s.current_title])),
        "new commune": lambda: fold(rng.choice(communes)),
    }
    client = app.test_client()
    response = client.post("/login", data={"email": "soanthao@langson.demo", "password": "demo-2025"})
    if response.status_code != 302:
        raise SystemExit(f"log-in failed: {response.status_code}")
    client.get("/search?q=warm+up")
    times: dict[str, list[float]] = {k: [] for k in kinds}
    per_kind = max(1, args.runs // len(kinds))
    for kind, make in kinds.items():
        for _ in range(per_kind):
            q = make()
            t = time.perf_counter()
            response = client.get("/search?q=" + quote(q))
            times[kind].append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"search {q!r} answered {response.status_code}")
    print(f"{total:,} people ({backend}), {per_kind} searches per kind, ms:")
    print(f"{'kind':24} {'p50':>6} {'p95':>6} {'max':>6}")
    every: list[float] = []
    for kind, values in times.items():
        values.sort()
        every += values
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        print(f"{kind:24} {statistics.median(values):6.0f} {p95:6.0f} {values[-1]:6.0f}")
    every.sort()
    print(f"{'all':24} {statistics.median(every):6.0f} {every[int(0.95 * len(every))]:6.0f} {every[-1]:6.0f}")


if __name__ == "__main__":
    main()
