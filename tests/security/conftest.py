"""The security suite's world: both provinces with a solved plan, users of every role, the ids of each."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from staffing.extensions import db
from staffing.models import (
    Assignment,
    Commune,
    Department,
    OldUnit,
    Person,
    PersonDuplicate,
    Plan,
    Position,
    Province,
    Role,
    User,
)
from staffing.services import plans

ROLES = (Role.DRAFTER, Role.REVIEWER, Role.APPROVER, Role.ADMIN)


@dataclass
class Ids:
    """Every kind of object a URL can name, for one province."""

    province: str
    commune: str
    plan: int
    person: int
    position: int
    assignment: int
    duplicate: int
    token: str = ""
    job: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def url_args(self) -> dict[str, Any]:
        return {
            "code": self.province,
            "commune_code": self.commune,
            "plan_id": self.plan,
            "person_id": self.person,
            "position_id": self.position,
            "assignment_id": self.assignment,
            "duplicate_id": self.duplicate,
            "token": self.token,
            "job_id": self.job,
            # arguments that name no object of a province
            "kind": "roster",
            "action": "submit",
        }


def _ids(code: str, plan: Plan) -> Ids:
    commune = db.session.scalar(
        db.select(Commune).where(Commune.province_code == code).order_by(Commune.code)
    )
    person = db.session.scalar(db.select(Person).where(Person.province_code == code).order_by(Person.id))
    position = db.session.scalar(
        db.select(Position).join(Department).where(Department.commune_id == commune.id).order_by(Position.id)
    )
    assignment = db.session.scalar(
        db.select(Assignment)
        .where(Assignment.plan_id == plan.id, Assignment.position_id.is_not(None))
        .order_by(Assignment.id)
    )
    unit = db.session.scalar(
        db.select(OldUnit).where(OldUnit.province_code == code).order_by(OldUnit.id.desc())
    )
    dup = PersonDuplicate(
        province_code=code, person_id=person.id, unit_id=unit.id, by="cccd", source_file="x.xlsx"
    )
    db.session.add(dup)
    db.session.commit()
    return Ids(
        province=code,
        commune=commune.code,
        plan=plan.id,
        person=person.id,
        position=position.id,
        assignment=assignment.id,
        duplicate=dup.id,
    )


@dataclass
class World:
    own: Ids
    other: Ids
    users: dict[str, User]
    other_user: User


@pytest.fixture
def world(app: Flask, tiny_province: Province, make_user) -> World:
    """Provinces 20 and 22, each with a solved draft plan; users of 20 for every role; an upload and an
    export job that belong to a user of 22."""
    from staffing.services import export_jobs as jobs

    solved = {}
    for code in ("20", "22"):
        plan = plans.create_plan(db.session.get(Province, code), f"Phương án {code}", None)
        db.session.commit()
        plans.run_solve_job(plan.id, 10, 1, None)
        solved[code] = db.session.get(Plan, plan.id)
    users = {role.value: make_user(f"{role.value}@lang-son", role=role, province="20") for role in ROLES}
    other_user = make_user("drafter@quang-ninh", role=Role.DRAFTER, province="22")
    own, other = _ids("20", solved["20"]), _ids("22", solved["22"])
    for ids, user in ((own, users["drafter"]), (other, other_user)):
        client = app.test_client()
        assert (
            client.post("/login", data={"email": user.email, "password": "secret-pass-1"}).status_code == 302
        )
        _response, ids.token = upload(
            client,
            ids.province,
            "roster",
            roster_csv([["Nguyễn Văn Z", "015080001234"]]),
            "r.csv",
            unit=f"H{ids.province}",
        )
        assert ids.token
        ids.job = jobs.start(db.session.get(Plan, ids.plan), "per_person", user)["id"]
    return World(own=own, other=other, users=users, other_user=other_user)


def xlsx_bytes(rows: list[list[Any]], sheet: str = "Danh sách") -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TOKEN_IN_URL = re.compile(r"/imports/([A-Za-z0-9_-]{20,64})(?:$|[/?])")
TOKEN_IN_PAGE = re.compile(
    r'name="token"[^>]*value="([A-Za-z0-9_-]{20,64})"|value="([A-Za-z0-9_-]{20,64})"[^>]*name="token"'
)


def upload(client, code: str, kind: str, content: bytes, filename: str, unit: str | None = None):
    """Upload a file for preview as a signed-in drafter; (final response, pending-upload token or None).

    Works whether the app shows the preview at once or after a background check (follows redirects)."""
    response = client.post(
        f"/p/{code}/imports/preview",
        data={"kind": kind, "unit": unit or "", "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    token = None
    for item in [*(r.request.path for r in response.history), response.request.path]:
        if m := TOKEN_IN_URL.search(item):
            token = m.group(1)
    if token is None and (m := TOKEN_IN_PAGE.search(response.get_data(as_text=True))):
        token = m.group(1) or m.group(2)
    return response, token


ROSTER_HEADER = [
    "STT",
    "Số CCCD",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Loại cán bộ",
    "Trình độ chuyên môn",
    "Lý luận chính trị",
    "Đảng viên",
    "Xếp loại 2024",
    "Quy hoạch",
    "Nơi ở hiện nay",
]


def roster_rows(people: list[list[str]]) -> list[list[Any]]:
    """Roster rows for (name, CCCD) pairs, every other column valid."""
    rows: list[list[Any]] = [ROSTER_HEADER]
    for i, (name, cccd) in enumerate(people, start=1):
        rows.append(
            [
                i,
                cccd,
                name,
                f"12/04/19{70 + i:02d}",
                "Nam",
                "Công chức",
                "Đại học",
                "Trung cấp",
                "x",
                "Hoàn thành tốt nhiệm vụ",
                "",
                "",
            ]
        )
    return rows


def roster_csv(people: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows(roster_rows(people))
    return out.getvalue().encode("utf-8-sig")
