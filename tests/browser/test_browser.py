"""Headless Chromium (Debian's) drives the real app: log in, open the province and a commune."""

from __future__ import annotations

from pathlib import Path

from staffing.models import Role

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_drafter_logs_in_and_browses_a_commune(live_server, page, make_user):
    make_user("drafter@lang-son", role=Role.DRAFTER)
    page.goto(f"{live_server}/")
    assert "/login" in page.url
    page.fill("input[name=email]", "drafter@lang-son")
    page.fill("input[name=password]", "secret-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/p/20")
    assert page.locator("h1").inner_text() == "Tỉnh Lạng Sơn"
    page.click("text=Xã A Lạng Sơn")
    page.wait_for_url(f"{live_server}/p/20/c/06613")
    assert page.locator("h1").inner_text() == "Xã A Lạng Sơn"
    assert page.locator("text=Xã Cũ Hai").first.is_visible()
    # the people filter works in the browser
    page.fill("input.filter", "Nguyễn Văn A")
    visible = page.locator("#candidates tbody tr:visible")
    assert visible.count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "commune.png"), full_page=True)


def test_other_province_is_not_found_in_the_browser(live_server, page, make_user):
    make_user("drafter@lang-son", role=Role.DRAFTER)
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "drafter@lang-son")
    page.fill("input[name=password]", "secret-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/p/20")
    response = page.goto(f"{live_server}/p/22")
    assert response is not None and response.status == 404
