"""The upgrade path: a province office's database, filled at the released schema (the initial migration,
67d806e8cd85), migrates through every later migration to the head with its rows intact, and the app reads it.

The rows are written with plain SQL in the columns of the initial migration, as the released version
stored them; nothing of today's models is used until the schema is at the head. Runs on SQLite, and in
the suite's PostgreSQL pass (TEST_DATABASE_URL) on a fresh database of its own (the `database_url`
fixture of tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, bindparam, inspect, select, text

from staffing import audit, create_app
from staffing.config import ROOT
from staffing.extensions import db
from staffing.folding import fold
from staffing.models import AuditEntry, JobState, Level, Person, Plan, PlanStatus, UnitKind

MIGRATIONS = str(ROOT / "staffing" / "migrations")
RELEASED = "67d806e8cd85"  # the initial schema: the one the released version created
# what the later migrations add, each empty after the upgrade
NEW_TABLES = (
    "exit_choice",
    "demotion_review",
    "commune_stamp",
    "presence",
    "login_failure",
    "commune_status",
    "commune_comment",
)
# the person columns the later migrations add, none filled for people imported before them
NEW_PERSON_COLUMNS = (
    "salary_coefficient",
    "position_allowance",
    "seniority_pct",
    "other_allowances",
    "insurance_years",
    "part_time_allowance",
    "rank",
    "cmnd",
    "raw",
    "import_notes",
    "block",
)
SOLVED_AT = datetime(2025, 7, 20, 8, 30, tzinfo=UTC)
AUDIT = {
    "id": 1,
    "at": SOLVED_AT,
    "user_id": 1,
    "province_code": "20",
    "plan_id": 1,
    "person_id": 1,
    "action": "lock",
    "entity": "assignment",
    "entity_id": "1",
    "before": {"locked": False},
    "after": {"locked": True},
    "reason": "Giữ nguyên trưởng phòng",
    "prev_hash": "",
}
# the released version's rows but the audit entry: table -> rows, parents first
ROWS: dict[str, list[dict[str, Any]]] = {
    "province": [{"code": "20", "name": "Lạng Sơn", "as_of": date(2025, 7, 1)}],
    "user": [
        {
            "id": 1,
            "email": "bientap@langson.gov.vn",
            "name": "Nguyễn Thị Biên",
            "password_hash": "pbkdf2:sha256:1000$salt$0123456789abcdef",
            "role": "drafter",
            "province_code": "20",
            "communes": ["06613"],
            "active": True,
            "failed_logins": 0,
            "locked_until": None,
        }
    ],
    "old_unit": [
        {
            "id": 1,
            "province_code": "20",
            "code": "06601",
            "name": "Xã Hoàng Đồng",
            "kind": "old_commune",
            "district": "Thành phố Lạng Sơn",
        },
        {
            "id": 2,
            "province_code": "20",
            "code": "H178",
            "name": "Phòng Nội vụ huyện Cao Lộc",
            "kind": "district_agency",
            "district": "Huyện Cao Lộc",
        },
    ],
    "commune": [
        {
            "id": 1,
            "province_code": "20",
            "code": "06613",
            "name": "Xã Hoàng Văn Thụ",
            "kind": "xa",
            "payroll_quota": 40,
            "target_quota": 32,
        }
    ],
    "merger_link": [
        {
            "id": 1,
            "old_unit_id": 1,
            "commune_id": 1,
            "partial": False,
            "extra": False,
            "source_file": "sap-nhap.xlsx",
            "source_row": 3,
        },
        {
            "id": 2,
            "old_unit_id": 2,
            "commune_id": 1,
            "partial": True,
            "extra": True,
            "source_file": "sap-nhap.xlsx",
            "source_row": 9,
        },
    ],
    "department": [{"id": 1, "commune_id": 1, "block": "ubnd", "name": "Phòng Kinh tế"}],
    "position": [
        {
            "id": 1,
            "department_id": 1,
            "code": "06613/UBND/KT/1",
            "title": "Trưởng phòng Kinh tế",
            "level": "head",
            "job_family": "kinh_te",
            "min_holders": 1,
            "max_holders": 1,
        },
        {
            "id": 2,
            "department_id": 1,
            "code": "06613/UBND/KT/3",
            "title": "Công chức Tài chính - Kế toán",
            "level": "staff",
            "job_family": "tai_chinh",
            "min_holders": 2,
            "max_holders": 3,
        },
    ],
    "requirement": [
        {
            "id": 1,
            "position_id": 1,
            "attr": "political_theory",
            "op": "min",
            "value": "trung_cap",
            "hard": False,
        }
    ],
    "import_batch": [
        {
            "id": 1,
            "province_code": "20",
            "kind": "roster",
            "filename": "ds-hoang-dong.xlsx",
            "sha256": "5" * 64,
            "unit_code": "06601",
            "rows": 2,
            "created": 2,
            "updated": 0,
            "unchanged": 0,
            "rejected": 0,
            "report": {"rejected": [], "warnings": ["Dòng 7: thiếu ngày vào Đảng"]},
            "user_id": 1,
            "at": datetime(2025, 7, 2, 9, 0, tzinfo=UTC),
        }
    ],
    "person": [
        {
            "id": 1,
            "province_code": "20",
            "key": "020075001234",
            "has_cccd": True,
            "name": "Nguyễn Văn An",
            "birth_date": date(1975, 3, 14),
            "gender": "M",
            "ethnicity": "Tày",
            "unit_id": 1,
            "home_commune": "06601",
            "category": "cong_chuc",
            "current_title": "Phó Chủ tịch UBND",
            "job_family": "kinh_te",
            "education": "dai_hoc",
            "field": "kinh_te",
            "political_theory": "cao_cap",
            "state_management": "chuyen_vien_chinh",
            "party_member": True,
            "service_start": date(1998, 9, 1),
            "ratings": [{"year": 2024, "value": "xuat_sac"}],
            "planned_for": ["06613/UBND/KT/1"],
            "disciplined": False,
            "disciplined_until": None,
            "preferences": ["06613"],
            "retirement_date": date(2037, 4, 1),
            "source_file": "ds-hoang-dong.xlsx",
            "source_sheet": "Danh sách",
            "source_row": 5,
            "import_batch_id": 1,
        },
        {
            "id": 2,
            "province_code": "20",
            "key": "020186005678",
            "has_cccd": True,
            "name": "Hoàng Thị Lan",
            "birth_date": date(1986, 11, 2),
            "gender": "F",
            "ethnicity": "Nùng",
            "unit_id": 1,
            "home_commune": None,
            "category": "cong_chuc",
            "current_title": "Công chức Tài chính - Kế toán",
            "job_family": "tai_chinh",
            "education": "dai_hoc",
            "field": "ke_toan",
            "political_theory": "trung_cap",
            "state_management": None,
            "party_member": True,
            "service_start": date(2010, 3, 15),
            "ratings": [{"year": 2024, "value": "tot"}],
            "planned_for": [],
            "disciplined": False,
            "disciplined_until": None,
            "preferences": [],
            "retirement_date": None,
            "source_file": "ds-hoang-dong.xlsx",
            "source_sheet": "Danh sách",
            "source_row": 6,
            "import_batch_id": 1,
        },
        {
            "id": 3,
            "province_code": "20",
            "key": "H178-0007",  # no CCCD in the roster: a key of its own
            "has_cccd": False,
            "name": "Lý Văn Sáu",
            "birth_date": date(1964, 2, 10),
            "gender": "M",
            "ethnicity": None,
            "unit_id": 2,
            "home_commune": None,
            "category": "vien_chuc",
            "current_title": "Phó Trưởng phòng Nội vụ",
            "job_family": None,
            "education": "trung_cap",
            "field": None,
            "political_theory": None,
            "state_management": None,
            "party_member": False,
            "service_start": None,
            "ratings": [],
            "planned_for": [],
            "disciplined": True,
            "disciplined_until": date(2025, 12, 31),
            "preferences": [],
            "retirement_date": date(2025, 6, 1),
            "source_file": "ds-cao-loc.xlsx",
            "source_sheet": "Sheet1",
            "source_row": None,
            "import_batch_id": None,
        },
    ],
    "relation": [{"id": 1, "person_a_id": 1, "person_b_id": 2, "kind": "in_law"}],
    "plan": [
        {
            "id": 1,
            "province_code": "20",
            "name": "Phương án 1",
            "status": "draft",
            "parent_id": None,
            "created_by_id": 1,
            "created_at": datetime(2025, 7, 20, 8, 0, tzinfo=UTC),
            "updated_at": SOLVED_AT,
            "version": 3,
            "solver_status": "OPTIMAL",
            "solver_stats": {"seed": 1, "wall_s": 1.5, "solver": "ortools 9.10"},
            "problem_sha256": "ab" * 32,
            "infeasible": None,
            "scope_communes": ["06613"],
            "job_state": "done",
            "job_progress": 1.0,
            "job_message": "Đã xong",
            "job_id": "b1f3c0de",
            "job_heartbeat_at": SOLVED_AT,
            "review_comment": "",
        }
    ],
    "plan_comment": [
        {"id": 1, "plan_id": 1, "user_id": 1, "at": SOLVED_AT, "action": "comment", "text": "Xem lại KT"}
    ],
    "assignment": [
        {
            "id": 1,
            "plan_id": 1,
            "person_id": 1,
            "position_id": 1,
            "source": "solver",
            "locked": True,
            "reasons": [{"code": "same_field", "weight": 3}],
            "gaps": [],
            "early_retirement": None,
            "override_reason": None,
        },
        {
            "id": 2,
            "plan_id": 1,
            "person_id": 2,
            "position_id": 2,
            "source": "manual",
            "locked": False,
            "reasons": [],
            "gaps": [{"attr": "political_theory", "min": "cao_cap", "value": "trung_cap"}],
            "early_retirement": None,
            "override_reason": "Đã trao đổi với Sở Nội vụ",
        },
        {
            "id": 3,
            "plan_id": 1,
            "person_id": 3,
            "position_id": None,  # not placed
            "source": "solver",
            "locked": False,
            "reasons": [],
            "gaps": [],
            "early_retirement": {"eligible": True, "months_early": 0},
            "override_reason": None,
        },
    ],
    "shortfall": [
        {
            "id": 1,
            "plan_id": 1,
            "position_id": 2,
            "missing": 1,
            "reasons": [{"code": "no_candidate"}],
            "closest": [{"person": "020186005678", "missing": ["education"]}],
        }
    ],
}


@pytest.fixture
def old_app(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app on an empty database (no create_all: the migrations build the schema)."""
    monkeypatch.setenv("STAFFING_INSTANCE", str(tmp_path / "instance"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "HUEY_IMMEDIATE": True,
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _insert(table: Table, row: dict[str, Any]) -> None:
    """One row in plain SQL, each value bound by its column's type in the database (JSON, dates, times)."""
    names = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join(f":{c}" for c in row)
    statement = text(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})')  # noqa: S608  (our own names)
    db.session.execute(statement.bindparams(*(bindparam(c, type_=table.c[c].type) for c in row)), row)


def _fill(rows: dict[str, list[dict[str, Any]]]) -> None:
    """Write the rows into the tables as the database has them now."""
    meta = MetaData()
    for name, items in rows.items():
        table = Table(name, meta, autoload_with=db.engine)
        for row in items:
            _insert(table, row)
        if db.engine.dialect.name == "postgresql" and "id" in table.c:
            # rows written with their ids leave the id sequence behind: move it past them
            db.session.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                {"table": f'"{name}"', "last": max(r["id"] for r in items)},
            )
    db.session.commit()


def _released_rows() -> dict[str, list[dict[str, Any]]]:
    """ROWS and the audit entry, with its hash as the released version chained it."""
    entry = {**AUDIT, "hash": audit._digest(AuditEntry(**AUDIT))}
    return {**ROWS, "audit_entry": [entry]}


def _stored(tables: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Every row of these tables as the database returns it (reflected types), in primary-key order."""
    meta = MetaData()
    out = {}
    with db.engine.connect() as conn:
        for name in tables:
            table = Table(name, meta, autoload_with=conn)
            order = list(table.primary_key.columns)
            out[name] = [dict(r._mapping) for r in conn.execute(select(table).order_by(*order))]
    return out


def _utc(value: Any) -> Any:
    """A time as UTC without its zone (SQLite drops the zone on the way in); anything else as it is."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_a_populated_database_at_the_released_schema_upgrades_to_the_head(old_app: Flask) -> None:
    upgrade(directory=MIGRATIONS, revision=RELEASED)
    assert _revision() == RELEASED
    written = _released_rows()
    _fill(written)
    before = _stored(list(written))
    for table, rows in written.items():  # what the released schema holds is what was written
        assert [{c: _utc(v) for c, v in r.items()} for r in before[table]] == [
            {c: _utc(v) for c, v in r.items()} for r in rows
        ], table

    upgrade(directory=MIGRATIONS)

    config = current_app.extensions["migrate"].migrate.get_config(MIGRATIONS)
    assert _revision() == ScriptDirectory.from_config(config).get_current_head()
    after = _stored(list(written))
    for table, rows in before.items():  # every row still there, every old column with its value
        assert [{c: r[c] for c in rows[0]} for r in after[table]] == rows, table
    for person in after["person"]:  # new columns: empty, and the search columns folded from the old ones
        assert {c: person[c] for c in NEW_PERSON_COLUMNS} == dict.fromkeys(NEW_PERSON_COLUMNS)
        assert person["name_norm"] == fold(person["name"])
        assert person["title_norm"] == fold(person["current_title"])
    tables = set(inspect(db.engine).get_table_names())
    assert set(NEW_TABLES) <= tables
    assert all(rows == [] for rows in _stored(list(NEW_TABLES)).values())
    with db.engine.connect() as conn:  # the upgraded schema is the models' schema
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []

    # the app reads the migrated people and plan through its models
    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    assert [(p.name, p.birth_date, p.unit.kind) for p in people] == [
        ("Nguyễn Văn An", date(1975, 3, 14), UnitKind.OLD_COMMUNE),
        ("Hoàng Thị Lan", date(1986, 11, 2), UnitKind.OLD_COMMUNE),
        ("Lý Văn Sáu", date(1964, 2, 10), UnitKind.DISTRICT_AGENCY),
    ]
    assert people[0].ratings == [{"year": 2024, "value": "xuat_sac"}] and people[0].raw is None
    plan = db.session.get(Plan, 1)
    assert plan is not None
    assert (plan.status, plan.job_state, plan.version) == (PlanStatus.DRAFT, JobState.DONE, 3)
    seats = {
        a.person.name: (a.position.title, a.position.level) if a.position else None for a in plan.assignments
    }
    assert seats == {
        "Nguyễn Văn An": ("Trưởng phòng Kinh tế", Level.HEAD),
        "Hoàng Thị Lan": ("Công chức Tài chính - Kế toán", Level.STAFF),
        "Lý Văn Sáu": None,
    }
    assert [s.missing for s in plan.shortfalls] == [1]
    # the audit trail is intact, and the next entry chains to the migrated one
    assert audit.verify() == []
    audit.record("comment", "plan", user=None, province_code="20", plan_id=plan.id, after={"text": "ok"})
    db.session.commit()
    assert audit.verify() == []
