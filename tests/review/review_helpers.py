"""Helpers of the review tests: find rows of the tiny province."""

from __future__ import annotations

from staffing.extensions import db
from staffing.models import Assignment, Person, Plan, Position


def person(key_suffix: int, province: str = "20") -> Person:
    p = db.session.scalar(db.select(Person).where(Person.key == f"0{province}0{key_suffix:09d}"))
    assert p is not None
    return p


def position(code: str) -> Position:
    p = db.session.scalar(db.select(Position).where(Position.code == code))
    assert p is not None
    return p


def seat_of(plan: Plan, who: Person) -> Position | None:
    db.session.expire_all()
    a = db.session.scalar(
        db.select(Assignment).where(Assignment.plan_id == plan.id, Assignment.person_id == who.id)
    )
    return a.position if a else None


def assignment(plan: Plan, who: Person) -> Assignment:
    db.session.expire_all()
    a = db.session.scalar(
        db.select(Assignment).where(Assignment.plan_id == plan.id, Assignment.person_id == who.id)
    )
    assert a is not None
    return a
