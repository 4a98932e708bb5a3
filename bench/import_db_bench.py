"""Validate and import a 10,000-row roster into the database, as `staffing import roster` does.

    .venv/bin/python bench/import_db_bench.py [--rows 10000] [--database-url URL]

Prints the seconds for read+validate+store (one transaction) on a fresh database with the demo
merger map and framework, then for re-importing the same file (every row unchanged).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_bench import make_roster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["STAFFING_INSTANCE"] = tmp
        from staffing import create_app
        from staffing.demo_data import DEMO_DIR
        from staffing.extensions import db
        from staffing.services import importing, loading

        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 8})
        with app.app_context():
            db.drop_all()
            db.create_all()
            province = loading.ensure_province("20", "Lạng Sơn")
            for kind, name in (("merger_map", "merger-map.xlsx"), ("framework", "framework.xlsx")):
                importing.import_file(kind, (DEMO_DIR / name).read_bytes(), name, province, None)
            db.session.commit()
            content = make_roster(args.rows)
            for label in ("first import", "re-import"):
                started = time.perf_counter()
                outcome = importing.import_file(
                    "roster", content, "bench.xlsx", province, None, unit_code="H189"
                )
                db.session.commit()
                elapsed = time.perf_counter() - started
                s = outcome.summary
                print(
                    f"{label:>12}: {args.rows} rows in {elapsed:.2f} s "
                    f"(new {s.created}, updated {s.updated}, unchanged {s.unchanged}, rejected {s.rejected}, "
                    f"duplicates {len(s.duplicates)})"
                )
            db.drop_all()


if __name__ == "__main__":
    main()
