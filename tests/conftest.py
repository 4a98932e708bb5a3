"""Fixtures: an app on a fresh database (SQLite by default, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import contextvars
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from werkzeug.test import TestResponse

from staffing import create_app
from staffing.extensions import db
from staffing.models import (
    Block,
    Commune,
    CommuneKind,
    Department,
    Level,
    MergerLink,
    OldUnit,
    Person,
    Position,
    Province,
    Requirement,
    Role,
    UnitKind,
    User,
)

PASSWORD = "secret-pass-1"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _database_url(tmp_path: Path) -> Iterator[str]:
    """A private database per test: a SQLite file, or a fresh PostgreSQL schema-less database."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class OwnContextClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as in production.

    The `app` fixture keeps one app context open for the test's own queries; a request that found it would
    reuse it, and with it `flask.g` (where Flask-Login caches the signed-in user) and the database session,
    so two clients would share a login. Each request runs instead in an empty context (as a fresh server
    thread does) and pushes its own app context, `g` and session. What the test has set up is committed
    first, and what the request changed is seen by the test afterwards."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        outer = has_app_context()
        if outer:
            db.session.commit()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            if outer:
                db.session.expire_all()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    yield from _database_url(tmp_path)


@pytest.fixture
def app(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("STAFFING_INSTANCE", str(tmp_path / "instance"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "HUEY_IMMEDIATE": True,
            "WTF_CSRF_ENABLED": False,
            "SOLVER_TIME_LIMIT": 20.0,
        }
    )
    app.test_client_class = OwnContextClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    def make(
        email: str, role: Role = Role.DRAFTER, province: str | None = "20", communes: list[str] | None = None
    ) -> User:
        user = User(
            email=email, name=email.split("@")[0], role=role, province_code=province, communes=communes
        )
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return make


def _login(client: FlaskClient, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def login() -> Callable[..., object]:
    """Sign a test client in (CSRF is off in the test config; test_web checks it separately)."""
    return _login


@pytest.fixture
def tiny_province(app: Flask) -> Province:
    """Two provinces, each with two new communes, three old units and a few people and positions."""
    for code, name, prefix in (("20", "Lạng Sơn", "066"), ("22", "Quảng Ninh", "071")):
        province = Province(code=code, name=name)
        db.session.add(province)
        a = Commune(
            province_code=code, code=f"{prefix}13", name=f"Xã A {name}", kind=CommuneKind.XA, payroll_quota=3
        )
        b = Commune(
            province_code=code, code=f"{prefix}25", name=f"Xã B {name}", kind=CommuneKind.XA, payroll_quota=3
        )
        u1 = OldUnit(
            province_code=code,
            code=f"{prefix}13",
            name="Xã Cũ Một",
            kind=UnitKind.OLD_COMMUNE,
            district="Huyện X",
        )
        u2 = OldUnit(
            province_code=code,
            code=f"{prefix}22",
            name="Xã Cũ Hai",
            kind=UnitKind.OLD_COMMUNE,
            district="Huyện X",
        )
        h = OldUnit(
            province_code=code,
            code=f"H{code}",
            name="Cơ quan cấp huyện X",
            kind=UnitKind.DISTRICT_AGENCY,
            district="Huyện X",
        )
        db.session.add_all(
            [
                MergerLink(unit=u1, commune=a),
                MergerLink(unit=u2, commune=a, partial=True),
                MergerLink(unit=u2, commune=b, partial=True),
                MergerLink(unit=h, commune=a),
                MergerLink(unit=h, commune=b),
            ]
        )
        for commune in (a, b):
            dept = Department(commune=commune, block=Block.UBND, name="Phòng Kinh tế")
            head = Position(
                department=dept,
                code=f"{commune.code}/UBND/KT/1",
                title="Trưởng phòng",
                level=Level.HEAD,
                job_family="kinh_te",
                min_holders=1,
                max_holders=1,
            )
            head.requirements = [Requirement(attr="education", op="min", value="dai_hoc", hard=True)]
            staff = Position(
                department=dept,
                code=f"{commune.code}/UBND/KT/3",
                title="Công chức Tài chính - Kế toán",
                level=Level.STAFF,
                job_family="tai_chinh",
                min_holders=1,
                max_holders=2,
            )
            db.session.add_all([dept, head, staff])
        for i, (unit, edu) in enumerate(
            [(u1, "dai_hoc"), (u1, "trung_cap"), (u2, "dai_hoc"), (h, "thac_si"), (h, "dai_hoc")]
        ):
            db.session.add(
                Person(
                    province_code=code,
                    key=f"0{code}0{i:09d}",
                    name=f"Nguyễn Văn {chr(65 + i)}",
                    birth_date=date(1980 + i, 1, 1),
                    gender="M" if i % 2 else "F",
                    unit=unit,
                    category="cong_chuc",
                    education=edu,
                    field="kinh_te",
                    political_theory="trung_cap",
                    party_member=True,
                    ratings=[{"year": 2024, "value": "tot"}],
                    planned_for=[],
                    preferences=[],
                )
            )
    db.session.commit()
    return db.session.get(Province, "20")
