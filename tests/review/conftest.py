"""A solved draft of the tiny province, and users of every role, for the review tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from staffing.extensions import db
from staffing.models import Plan, Position, Province, Requirement, Role, User
from staffing.services import plans

PASSWORD = "secret-pass-1"  # as in the root conftest


# A cheap hash keeps the many logins of these tests fast; the login code checks any werkzeug hash.
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
ACCOUNTS = {
    "drafter": ("drafter@lang-son", Role.DRAFTER, "20"),
    "drafter2": ("drafter2@lang-son", Role.DRAFTER, "20"),
    "reviewer": ("reviewer@lang-son", Role.REVIEWER, "20"),
    "approver": ("approver@lang-son", Role.APPROVER, "20"),
    "other": ("drafter@quang-ninh", Role.DRAFTER, "22"),
}


@pytest.fixture
def users(app: Flask, tiny_province: Province) -> dict[str, User]:
    out = {}
    for key, (email, role, prov) in ACCOUNTS.items():
        user = User(
            email=email, name=email.split("@")[0], role=role, province_code=prov, password_hash=FAST_HASH
        )
        db.session.add(user)
        out[key] = user
    db.session.commit()
    return out


@pytest.fixture
def province(tiny_province: Province) -> Province:
    """The tiny province, with a soft political-theory requirement on the heads so plans have gaps."""
    for pos in db.session.scalars(db.select(Position).where(Position.code.like("066%/UBND/KT/1"))):
        pos.requirements.append(Requirement(attr="political_theory", op="min", value="cao_cap", hard=False))
    db.session.commit()
    return tiny_province


@pytest.fixture
def plan(app: Flask, province: Province, users: dict[str, User]) -> Plan:
    """A draft solved by the real solver."""
    drafter = users["drafter"]
    p = plans.create_plan(province, "Phương án thử", drafter)
    db.session.commit()
    plans.run_solve_job(p.id, 5.0, 1, drafter.id)
    db.session.expire_all()
    p = db.session.get(Plan, p.id)
    assert p is not None
    assert p.solver_status in ("OPTIMAL", "FEASIBLE")
    assert sum(a.position_id is not None for a in p.assignments) == 5  # every optimum places all five
    # Optimal plans differ in who heads commune A and who goes where in B; the tests start from one known
    # layout, as a drafter's edits would leave it (tests never depend on the solver's exact picks)
    layout = {
        0: "06613/UBND/KT/3",
        1: "06613/UBND/KT/3",
        4: "06613/UBND/KT/1",
        2: "06625/UBND/KT/1",
        3: "06625/UBND/KT/3",
    }
    gap = {"attr": "political_theory", "min": "cao_cap", "value": "trung_cap"}
    for a in p.assignments:
        i = int(a.person.key[-9:])
        a.position = db.session.scalar(db.select(Position).where(Position.code == layout[i]))
        a.gaps = [gap] if layout[i].endswith("/1") else []
    for s in list(p.shortfalls):
        db.session.delete(s)
    db.session.commit()
    return p


@pytest.fixture
def as_user(client: FlaskClient, login, users) -> Callable[[str], FlaskClient]:
    def sign_in(email: str) -> FlaskClient:
        client.post("/logout")
        login(client, email)
        return client

    return sign_in
