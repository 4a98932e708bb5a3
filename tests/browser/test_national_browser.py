"""Headless Chromium: a national admin opens the national view from the top bar and sorts it."""

from __future__ import annotations

from pathlib import Path

from staffing.extensions import db
from staffing.models import Province, Role
from staffing.services import plans

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_national_admin_sorts_the_national_view(live_server, page, make_user, tiny_province):
    solved = plans.create_plan(tiny_province, "Lạng Sơn – đề xuất 1", None)
    plans.create_plan(db.session.get(Province, "22"), "Quảng Ninh – dự thảo", None)
    db.session.commit()
    plans.run_solve_job(solved.id, 10, 1, None)
    make_user("national@bnv", role=Role.ADMIN, province=None)
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "national@bnv")
    page.fill("input[name=password]", "secret-pass-1")
    page.click("button[type=submit]")
    page.click("header.topbar >> text=Toàn quốc")
    page.wait_for_url(f"{live_server}/national")
    names = page.locator("table.grid tbody tr td:nth-child(2) a")
    assert names.all_inner_texts() == ["Lạng Sơn – đề xuất 1", "Quảng Ninh – dự thảo"]
    page.click("table.grid thead >> text=Đã bố trí")  # ascending: the unsolved plan first
    page.wait_for_url(f"{live_server}/national?sort=placed")
    assert names.all_inner_texts()[0] == "Quảng Ninh – dự thảo"
    page.click("table.grid thead >> text=Đã bố trí")  # again: descending
    page.wait_for_url(f"{live_server}/national?sort=-placed")
    assert names.all_inner_texts()[0] == "Lạng Sơn – đề xuất 1"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "national.png"), full_page=True)
    names.first.click()
    page.wait_for_url(f"{live_server}/plans/{solved.id}")
