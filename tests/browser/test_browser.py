"""Headless Chromium (Debian's) drives the real app: log in, open the province and a commune."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from staffing.models import Role

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def live_server(app, tiny_province) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


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
