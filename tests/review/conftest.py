"""A solved draft of the tiny province, and users of every role, for the review tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from staffing.extensions import db
from staffing.models import Assignment, Person, Plan, Position, Province, Requirement, Role, User
from staffing.services import plans


@pytest.fixture
def users(make_user) -> dict[str, User]:
    return {
        "drafter": make_user("drafter@lang-son", role=Role.DRAFTER),
        "drafter2": make_user("drafter2@lang-son", role=Role.DRAFTER),
        "reviewer": make_user("reviewer@lang-son", role=Role.REVIEWER),
        "approver": make_user("approver@lang-son", role=Role.APPROVER),
        "other": make_user("drafter@quang-ninh", role=Role.DRAFTER, province="22"),
    }


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
    assert p is not None and p.solver_status in ("OPTIMAL", "FEASIBLE")
    return p


@pytest.fixture
def as_user(client: FlaskClient, login) -> Callable[[str], FlaskClient]:
    def sign_in(email: str) -> FlaskClient:
        client.post("/logout")
        login(client, email)
        return client

    return sign_in
