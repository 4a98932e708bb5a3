"""Issue 11 in the browser: a messy roster's preview shows the file as read, and the person page
shows the warnings and the row as written."""

from __future__ import annotations

from pathlib import Path

from staffing.extensions import db
from staffing.models import Person, Plan, Role

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MESSY = Path(__file__).resolve().parents[1] / "data" / "rosters-real-world" / "33_messy_commune_roster.xlsx"


def test_messy_roster_preview_and_person_page(live_server, page, make_user):
    make_user("drafter@lang-son", role=Role.DRAFTER)
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "drafter@lang-son")
    page.fill("input[name=password]", "secret-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/p/20")
    page.goto(f"{live_server}/p/20/imports")
    page.select_option("select[name=kind]", "roster")
    page.select_option("select[name=unit]", "06613")
    page.set_input_files("input[name=file]", str(MESSY))
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#layout")
    layout = page.locator("#layout").inner_text()
    assert "I. CÁN BỘ" in layout and "Tổng số: 6 người" in layout and "Người lập biểu" in layout
    assert "CMND" in page.locator("#errors").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "roster-preview.png"), full_page=True)
    page.click("text=Xác nhận nhập")
    page.wait_for_url(f"{live_server}/p/20/imports")

    mai = db.session.scalar(db.select(Person).where(Person.name == "Lý Thị Mai"))
    plan = Plan(province_code="20", name="Phương án thử")
    db.session.add(plan)
    db.session.commit()
    page.goto(f"{live_server}/plans/{plan.id}/people/{mai.id}")
    notes = page.locator("#import-notes").inner_text()
    assert "CMND" in notes
    page.click("#raw-record summary")
    raw = page.locator("#raw-record").inner_text()
    assert "I. CÁN BỘ" in raw and "123456780" in raw
    assert "Chuyên viên chính (01.002, A2.1)" in page.locator(".person-card").inner_text()
    page.screenshot(path=str(ARTIFACTS / "person-import-notes.png"), full_page=True)
