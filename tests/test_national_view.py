"""The national view: a national admin sees every province's plans, counted and sortable; nobody else does."""

from __future__ import annotations

import re

from staffing.extensions import db
from staffing.models import Plan, PlanStatus, Province, Role
from staffing.services import plans


def _rows(page: str) -> list[str]:
    """The plan names of the table's rows, in order."""
    return re.findall(r'<a href="/plans/\d+">([^<]+)</a>', page)


def _cells(page: str, name: str) -> list[str]:
    row = next(r for r in page.split("<tr>") if f">{name}</a>" in r)
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_national_admin_sees_every_province_sorted_and_filtered(client, login, make_user, tiny_province):
    quang_ninh = db.session.get(Province, "22")
    solved = plans.create_plan(tiny_province, "LS giải xong", None)
    plans.create_plan(quang_ninh, "QN chưa giải", None)
    approved = plans.create_plan(quang_ninh, "QN đã duyệt", None)
    db.session.commit()
    plans.run_solve_job(solved.id, 10, 1, None)
    approved = db.session.get(Plan, approved.id)
    approved.status = PlanStatus.APPROVED
    db.session.commit()

    make_user("national@bnv", role=Role.ADMIN, province=None)
    login(client, "national@bnv")
    home = client.get("/p/20").get_data(as_text=True)
    assert 'href="/national"' in home  # the top bar links it for a national admin

    page = client.get("/national").get_data(as_text=True)
    assert "Phương án các tỉnh" in page and "Lạng Sơn" in page and "Quảng Ninh" in page
    assert _rows(page) == ["LS giải xong", "QN chưa giải", "QN đã duyệt"]  # by province, then plan
    # people, placed, unplaced, shortfall key/head/deputy/staff, fill: 5 people, all placed, quota 6
    assert _cells(page, "LS giải xong") == ["5", "5", "0", "0", "0", "0", "0", "83.3%"]
    assert _cells(page, "QN chưa giải") == ["5", "0", "0", "0", "0", "0", "0", "0.0%"]
    assert f'href="/plans/{solved.id}"' in page and ("OPTIMAL" in page or "FEASIBLE" in page)

    by_placed = client.get("/national?sort=-placed").get_data(as_text=True)
    assert _rows(by_placed)[0] == "LS giải xong"
    assert 'href="/national?sort=placed"' in by_placed  # clicking again turns the order round
    by_plan_desc = client.get("/national?sort=-plan").get_data(as_text=True)
    assert _rows(by_plan_desc) == ["QN đã duyệt", "QN chưa giải", "LS giải xong"]
    assert _rows(client.get("/national?sort=bogus").get_data(as_text=True))[0] == "LS giải xong"

    only_approved = client.get("/national?status=approved").get_data(as_text=True)
    assert _rows(only_approved) == ["QN đã duyệt"]
    assert _rows(client.get("/national?status=draft&sort=-province").get_data(as_text=True)) == [
        "QN chưa giải",
        "LS giải xong",
    ]


def test_counts_follow_a_new_plan_version(app, client, login, make_user, tiny_province):
    plan = plans.create_plan(tiny_province, "LS", None)
    db.session.commit()
    make_user("national@bnv", role=Role.ADMIN, province=None)
    login(client, "national@bnv")
    assert _cells(client.get("/national").get_data(as_text=True), "LS")[1] == "0"
    plans.run_solve_job(plan.id, 10, 1, None)  # a new version: the cached counts are not served
    assert _cells(client.get("/national").get_data(as_text=True), "LS")[1] == "5"


def test_province_users_do_not_find_the_national_view(client, login, make_user, tiny_province):
    plans.create_plan(tiny_province, "LS", None)
    db.session.commit()
    make_user("admin@lang-son", role=Role.ADMIN, province="20")
    make_user("drafter@lang-son", role=Role.DRAFTER, province="20")
    for email in ("admin@lang-son", "drafter@lang-son"):
        login(client, email)
        assert client.get("/national").status_code == 404
        assert 'href="/national"' not in client.get("/p/20").get_data(as_text=True)
        client.post("/logout")
    assert client.get("/national").status_code in (302, 401)  # signed out: to the login page


def test_create_user_without_province_makes_a_national_admin(app, runner, tiny_province):
    from staffing.models import User

    result = runner.invoke(
        args=["create-user", "quoc-gia@bnv.gov.vn", "--role", "admin", "--password", "mat-khau-rat-dai-1"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "quoc-gia@bnv.gov.vn"))
    assert user.role == Role.ADMIN and user.province_code is None
    refused = runner.invoke(
        args=["create-user", "x@bnv.gov.vn", "--role", "drafter", "--password", "mat-khau-rat-dai-1"]
    )
    assert refused.exit_code != 0
