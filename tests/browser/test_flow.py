"""The whole review flow in headless Chromium, as the three users walk it.

A drafter proposes, moves and locks, re-solves; a reviewer returns it with a comment; the drafter fixes it;
an approver approves; the approved plan refuses edits.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from staffing.extensions import db
from staffing.models import Assignment, Person, Plan, PlanStatus, Position, Role, User

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "flow"
PASSWORD = "secret-pass-1"


@pytest.fixture
def flow_users(app, tiny_province) -> None:
    """The three users of the flow (a cheap hash: the browser logs in many times)."""
    app.config["SOLVER_TIME_LIMIT"] = 10.0
    fast = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    for email, role in (
        ("drafter@lang-son", Role.DRAFTER),
        ("reviewer@lang-son", Role.REVIEWER),
        ("approver@lang-son", Role.APPROVER),
    ):
        db.session.add(
            User(
                email=email,
                name=email.split("@")[0].capitalize(),
                role=role,
                province_code="20",
                password_hash=fast,
            )
        )
    db.session.commit()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()  # another user at the same browser
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/p/20")


def choose(page, commune: str, title: str) -> None:
    """Pick a seat in the target list by commune and title (the page checks the choice at once)."""
    value = page.locator(f"#target optgroup[label='{commune}'] option", has_text=title).first.get_attribute(
        "value"
    )
    page.select_option("#target", value=value)


def mover(plan_id: int) -> tuple[Person, str, str]:
    """One of C, D, E with room for them in the staff seat of the other commune: (person, from, to)."""
    db.session.expire_all()
    rows = db.session.execute(
        db.select(Assignment, Position.code).join(Position).where(Assignment.plan_id == plan_id)
    ).all()
    per_commune = {"06613": 0, "06625": 0}
    staff = {"06613": 0, "06625": 0}
    for _a, code in rows:
        per_commune[code[:5]] += 1
        staff[code[:5]] += code.endswith("/3")
    for a, code in rows:
        here = code[:5]
        there = "06625" if here == "06613" else "06613"
        if a.person.name[-1] in "CDE" and per_commune[there] < 3 and staff[there] < 2:
            return a.person, here, there
    raise AssertionError(rows)


def seat(plan_id: int, name: str) -> str | None:
    db.session.expire_all()
    # read whole: a result left half-read would keep this connection on its snapshot
    for a in db.session.scalars(db.select(Assignment).where(Assignment.plan_id == plan_id)).all():
        if a.person.name == name:
            return a.position.code if a.position else None
    raise AssertionError(name)


def test_drafter_reviewer_approver_walk_the_whole_flow(flow_users, live_server, page):
    base = live_server
    # --- the drafter proposes a plan (solved in the background; inline in tests)
    sign_in(page, base, "drafter@lang-son")
    page.goto(f"{base}/p/20/plans")
    page.fill("input[name=name]", "Phương án tháng 7")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r".*/plans/\d+$"))
    plan_id = int(page.url.rsplit("/", 1)[1])
    page.wait_for_selector("text=người được bố trí")
    assert "Dự thảo" in page.locator("p.muted .status").first.inner_text()
    shot(page, "1-plan")

    # --- moves one of C, D, E (district agency: may serve in both communes) to the staff seat of the other
    # commune, where there is room; the solver's choice decides who and where, the flow is the same
    who, here, there = mover(plan_id)
    names = {"06613": "Xã A Lạng Sơn", "06625": "Xã B Lạng Sơn"}
    page.click(f"text={names[here]}")
    page.wait_for_selector(f"h1:has-text('{names[here]}')")
    shot(page, "2-org-chart")
    page.locator(f"#p{who.id} a.act-move").click()
    page.wait_for_selector("h1:has-text('Chuyển vị trí')")
    choose(page, names[there], "Công chức Tài chính - Kế toán")
    page.wait_for_selector("#check-panel >> text=Không vi phạm quy định bắt buộc nào")
    assert page.locator("#check-panel li", has_text="chuyển đến Công chức Tài chính").count() == 1
    shot(page, "3-move-check")
    page.click("#confirm-change")
    page.wait_for_selector("text=Đã lưu điều chỉnh")
    assert seat(plan_id, who.name) == f"{there}/UBND/KT/3"

    # --- a move that breaks a hard rule shows it, and cannot be saved without a written reason
    page.goto(f"{base}/plans/{plan_id}/c/06613")
    page.locator("#p2 a.act-move").click()  # B: trung_cap
    choose(page, "Xã A Lạng Sơn", "Trưởng phòng")
    page.wait_for_selector("#check-panel >> text=Vi phạm quy định bắt buộc")
    shot(page, "4-move-violation")
    page.goto(f"{base}/plans/{plan_id}/c/{there}")

    # --- locks the moved person where they now are
    page.locator(f"#p{who.id} a.act-lock").click()
    page.wait_for_selector("h1:has-text('Khóa phân công')")
    page.click("#confirm-change")
    page.wait_for_selector("text=Đã lưu điều chỉnh")
    page.wait_for_load_state()  # the flash is at the top: the chart below may not be parsed yet
    assert page.locator(f"#p{who.id} .chip.lock").count() == 1

    # --- re-solves the same plan: the lock holds
    page.goto(f"{base}/plans/{plan_id}")
    page.click("#complete-form button")
    page.wait_for_selector("text=Đang hoàn thiện phương án")
    page.wait_for_selector("text=người được bố trí")
    assert seat(plan_id, who.name) == f"{there}/UBND/KT/3"
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Plan)) == 1
    shot(page, "5-resolved")

    # --- submits it for review
    page.click("#workflow-form button[data-action=submit]")
    page.wait_for_selector("text=Đã gửi thẩm định")

    # --- the reviewer returns it with a comment
    sign_in(page, base, "reviewer@lang-son")
    page.goto(f"{base}/plans/{plan_id}")
    assert page.locator("#complete-form").count() == 0
    page.fill(
        "#workflow-form textarea[name=text]", "Ông Nguyễn Văn B chưa có bằng đại học, đề nghị chưa bố trí."
    )
    page.click("#workflow-form button[data-action=return]")
    page.wait_for_selector("text=Đã trả lại phương án để chỉnh sửa")
    shot(page, "6-returned")

    # --- the drafter reads the comment and fixes the plan
    sign_in(page, base, "drafter@lang-son")
    page.goto(f"{base}/plans/{plan_id}")
    page.wait_for_selector("text=Ông Nguyễn Văn B chưa có bằng đại học")
    page.goto(f"{base}/plans/{plan_id}/c/06613")
    page.locator("#p2 a:has-text('để trống')").click()
    page.wait_for_selector("h1:has-text('Để trống vị trí')")
    page.fill("#check-panel textarea[name=reason]", "Theo ý kiến thẩm định")
    page.click("#confirm-change")
    page.wait_for_selector("text=Đã lưu điều chỉnh")
    assert seat(plan_id, "Nguyễn Văn B") is None
    page.goto(f"{base}/plans/{plan_id}")
    page.click("#workflow-form button[data-action=submit]")
    page.wait_for_selector("text=Đã gửi thẩm định")

    # --- the reviewer forwards it, the approver approves it
    sign_in(page, base, "reviewer@lang-son")
    page.goto(f"{base}/plans/{plan_id}")
    page.click("#workflow-form button[data-action=forward]")
    page.wait_for_selector("text=Đã trình phê duyệt")
    sign_in(page, base, "approver@lang-son")
    page.goto(f"{base}/plans/{plan_id}/dashboard")
    page.wait_for_selector("text=Bố trí so với biên chế")
    shot(page, "7-dashboard")
    page.goto(f"{base}/plans/{plan_id}")
    page.click("#workflow-form button[data-action=approve]")
    page.wait_for_selector("text=Đã phê duyệt phương án")
    db.session.expire_all()
    assert db.session.get(Plan, plan_id).status == PlanStatus.APPROVED
    shot(page, "8-approved")

    # --- the approved plan refuses edits, even to the drafter
    sign_in(page, base, "drafter@lang-son")
    page.goto(f"{base}/plans/{plan_id}")
    assert page.locator("#complete-form").count() == 0
    page.goto(f"{base}/plans/{plan_id}/c/06613")
    assert page.locator("a.act-move").count() == 0
    response = page.goto(f"{base}/plans/{plan_id}/change?kind=unassign&person=1")
    assert response is not None
    assert response.status == 409
    assert "tạo phiên bản mới" in page.content()
    # a new version is a child draft
    page.goto(f"{base}/plans/{plan_id}")
    page.click("#copy-form button")
    page.wait_for_selector("text=Đã tạo phương án mới")
    assert "Dự thảo" in page.locator("p.muted .status").first.inner_text()
    page.goto(f"{base}/plans/{plan_id}/audit")
    shot(page, "9-audit")
    assert page.locator("#audit tbody tr").count() >= 8
