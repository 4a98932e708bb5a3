"""A staffed plan in the tiny province, and an app with the exports blueprint on it."""

from __future__ import annotations

from datetime import date

import pytest
from export_plans import set_status
from flask import Flask

from staffing.extensions import db
from staffing.models import (
    Assignment,
    Block,
    Commune,
    Department,
    Level,
    OldUnit,
    Person,
    Plan,
    PlanStatus,
    Position,
    Province,
)


@pytest.fixture
def export_app(app: Flask) -> Flask:
    """The app with the exports blueprint (create_app registers it too; tests do not depend on that)."""
    from staffing.downloads.routes import bp

    if "exports" not in app.blueprints:
        app.register_blueprint(bp)
    return app


def _person(
    province: str,
    key: str,
    name: str,
    unit: OldUnit,
    *,
    gender: str = "M",
    birth: date = date(1980, 5, 5),
    title: str | None = None,
) -> Person:
    person = Person(
        province_code=province,
        key=key,
        name=name,
        birth_date=birth,
        gender=gender,
        unit=unit,
        category="cong_chuc",
        education="dai_hoc",
        political_theory="trung_cap",
        party_member=True,
        current_title=title,
        ratings=[],
        planned_for=[],
        preferences=[],
    )
    db.session.add(person)
    return person


@pytest.fixture
def staffed(request: pytest.FixtureRequest, tiny_province: Province) -> dict[str, object]:
    """Province 20 with a Party seat added, and a plan placing six people and leaving two unplaced.

    Kinds: A head (bổ nhiệm, UBND xã), B and D staff of one department (bố trí), C head, E from the district
    (điều động, Sở Nội vụ), Lan the Party Secretary (chỉ định, Tỉnh ủy); Sáu unplaced with the solver's band,
    Tám unplaced without one (computed from the birth date).
    """
    code = tiny_province.code
    communes = {
        c.code: c for c in db.session.scalars(db.select(Commune).where(Commune.province_code == code))
    }
    a, b = communes["06613"], communes["06625"]
    a.name, b.name = "Xã Đình Lập", "Xã Thái Bình"
    units = {u.code: u for u in db.session.scalars(db.select(OldUnit).where(OldUnit.province_code == code))}
    u1, district = units["06613"], units["H20"]
    u1.name = "Xã Bính Xá"
    district.name = "Phòng Tài chính - Kế hoạch"
    district.district = "Huyện Đình Lập"
    party = Department(commune=b, block=Block.DANG, name="Thường trực Đảng ủy")
    secretary = Position(
        department=party,
        code="06625/DANG/BT",
        title="Bí thư Đảng ủy",
        level=Level.KEY,
        min_holders=1,
        max_holders=1,
    )
    db.session.add_all([party, secretary])
    positions = {p.code: p for p in db.session.scalars(db.select(Position))}
    people = {p.key: p for p in db.session.scalars(db.select(Person).where(Person.province_code == code))}
    pa, pb, pc, pd, pe = (people[f"0200{i:09d}"] for i in range(5))
    pa.current_title = "Phó Chủ tịch UBND"
    pd.current_title, pd.unit = "Phó Trưởng phòng", u1  # with B: two placements in one department
    pf = _person(
        code, "020999000001", "Hoàng Thị Lan", u1, gender="F", birth=date(1976, 3, 9), title="Bí thư Đảng ủy"
    )
    pg = _person(code, "020999000002", "Lý Văn Sáu", u1, birth=date(1964, 2, 10), title="Công chức Địa chính")
    ph = _person(code, "020999000003", "Vi Văn Tám", district, birth=date(1968, 9, 1), title="Chuyên viên")
    plan = Plan(province_code=code, name="Phương án chính thức", status=PlanStatus.DRAFT)
    db.session.add(plan)
    gap = {"attr": "political_theory", "min": "cao_cap", "value": "trung_cap"}
    planned = {"attr": "planned_for", "in": ["key", "head"], "value": []}  # not in any succession plan
    rows = [
        Assignment(plan=plan, person=pa, position=positions["06613/UBND/KT/1"], gaps=[gap, planned]),
        Assignment(plan=plan, person=pb, position=positions["06613/UBND/KT/3"]),
        Assignment(plan=plan, person=pd, position=positions["06613/UBND/KT/3"], source="manual", locked=True),
        Assignment(plan=plan, person=pc, position=positions["06625/UBND/KT/1"]),
        Assignment(plan=plan, person=pe, position=positions["06625/UBND/KT/3"]),
        Assignment(plan=plan, person=pf, position=secretary),
        Assignment(
            plan=plan,
            person=pg,
            position=None,
            early_retirement={"eligible": True, "band": "<2", "years_to_retirement": 1.3},
        ),
        Assignment(plan=plan, person=ph, position=None),  # no solver data: computed from the birth date
    ]
    db.session.add_all(rows)
    set_status(plan, getattr(request, "param", PlanStatus.APPROVED))  # approved unless parametrized
    return {"plan": plan, "assignments": rows, "province": tiny_province}
