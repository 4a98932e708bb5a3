"""The clerk's day in headless Chromium (issue 13): search from the top bar, bulk-lock key leaders of three
communes then re-solve, undo a move, a commune's status from drafting to accepted with a comment; and a
commune-scoped drafter who cannot reach a person seated elsewhere."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from staffing.extensions import db
from staffing.models import (
    Assignment,
    Block,
    Commune,
    CommuneKind,
    Department,
    Level,
    MergerLink,
    OldUnit,
    Person,
    Plan,
    Position,
    Requirement,
    Role,
    UnitKind,
    User,
)
from staffing.services import plans, worklist

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "clerk"
PASSWORD = "secret-pass-1"
CCCD = "020190000777"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def clerk_plan(app, tiny_province) -> int:
    """Three communes, each with a key leader seat; a solved draft; a drafter, a reviewer, a scoped drafter."""
    app.config["SOLVER_TIME_LIMIT"] = 10.0
    fast = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    for email, role, communes in (
        ("drafter@lang-son", Role.DRAFTER, None),
        ("reviewer@lang-son", Role.REVIEWER, None),
        ("xa-a@lang-son", Role.DRAFTER, ["06613"]),
    ):
        db.session.add(
            User(
                email=email,
                name=email.split("@")[0].capitalize(),
                role=role,
                province_code="20",
                communes=communes,
                password_hash=fast,
            )
        )
    # the heads of A and B become key leaders; a third commune C with its own key seat and people
    for code in ("06613/UBND/KT/1", "06625/UBND/KT/1"):
        db.session.scalar(db.select(Position).where(Position.code == code)).level = Level.KEY
    c = Commune(province_code="20", code="06637", name="Xã C Lạng Sơn", kind=CommuneKind.XA, payroll_quota=3)
    unit = OldUnit(
        province_code="20", code="06637", name="Xã Cũ Ba", kind=UnitKind.OLD_COMMUNE, district="Huyện X"
    )
    db.session.add_all([c, unit, MergerLink(unit=unit, commune=c)])
    dept = Department(commune=c, block=Block.UBND, name="Ủy ban nhân dân")
    key = Position(
        department=dept,
        code="06637/UBND/CT/1",
        title="Chủ tịch UBND",
        level=Level.KEY,
        min_holders=1,
        max_holders=1,
    )
    key.requirements = [Requirement(attr="education", op="min", value="dai_hoc", hard=True)]
    staff = Position(
        department=dept, code="06637/UBND/VP/3", title="Công chức Văn phòng", level=Level.STAFF, max_holders=2
    )
    db.session.add_all([dept, key, staff])
    for i, name in enumerate(("Trần Thị Hoà", "Lê Văn Sơn")):
        db.session.add(
            Person(
                province_code="20",
                key=CCCD if i == 0 else "020190000888",
                name=name,
                birth_date=date(1979 + i, 5, 1),
                gender="F" if i == 0 else "M",
                unit=unit,
                category="cong_chuc",
                current_title="Chủ tịch UBND xã" if i == 0 else "Văn phòng - Thống kê",
                education="dai_hoc",
                field="kinh_te",
                political_theory="trung_cap",
                party_member=True,
                ratings=[{"year": 2024, "value": "tot"}],
                planned_for=["key"] if i == 0 else [],
                preferences=[],
            )
        )
    db.session.commit()
    drafter = db.session.scalar(db.select(User).where(User.email == "drafter@lang-son"))
    plan = plans.create_plan(tiny_province, "Phương án thử", drafter)
    db.session.commit()
    plans.run_solve_job(plan.id, 10.0, 1, drafter.id)
    return plan.id


def sign_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/p/20")


def seat(plan_id: int, person_id: int) -> tuple[str | None, bool]:
    db.session.expire_all()
    a = db.session.scalar(
        db.select(Assignment).where(Assignment.plan_id == plan_id, Assignment.person_id == person_id)
    )
    return (a.position.code if a.position else None), a.locked


def test_search_from_the_top_bar_reaches_the_person(clerk_plan, live_server, page):
    base = live_server
    hoa = db.session.scalar(db.select(Person).where(Person.key == CCCD))
    for email in ("drafter@lang-son", "reviewer@lang-son"):
        sign_in(page, base, email)
        page.goto(f"{base}/plans/{clerk_plan}")
        page.keyboard.press("/")  # focuses the search box of the top bar
        page.keyboard.type("tran thi hoa")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/search\?.*"))
        shot(page, f"search-name-{email.split('@')[0]}")
        page.locator("#results-people a.person-link", has_text="Trần Thị Hoà").click()
        page.wait_for_selector("h1:has-text('Trần Thị Hoà')")
        assert page.url.endswith(f"/plans/{clerk_plan}/people/{hoa.id}")
        # by the last digits of the CCCD
        page.fill("#global-search", CCCD[-5:])
        page.press("#global-search", "Enter")
        page.locator("#results-people a.person-link", has_text="Trần Thị Hoà").click()
        page.wait_for_selector("h1:has-text('Trần Thị Hoà')")
        page.wait_for_load_state()  # the heading comes first: the rest of the card may not be parsed yet
        assert page.locator("#record").count() == 1 and page.locator("#decisions").count() == 1
    shot(page, "person-page")


def test_bulk_lock_three_communes_key_leaders_then_resolve_keeps_them(clerk_plan, live_server, page):
    base = live_server
    sign_in(page, base, "drafter@lang-son")
    page.goto(f"{base}/plans/{clerk_plan}/queue")
    for code in ("06613", "06625", "06637"):
        page.check(f"#queue input[name=communes][value='{code}']")
    shot(page, "queue-selected")
    page.click("button[name=action][value=lock_key]")
    page.wait_for_selector("text=Đã khóa 3 phân công")
    db.session.expire_all()
    keys = db.session.scalars(
        db.select(Assignment)
        .join(Position)
        .where(Assignment.plan_id == clerk_plan, Position.level == Level.KEY)
    ).all()
    before = {a.person_id: a.position.code for a in keys}
    assert len(before) == 3 and all(a.locked for a in keys)
    page.goto(f"{base}/plans/{clerk_plan}")
    page.click("#complete-form button")
    page.wait_for_selector("text=Đang hoàn thiện phương án")
    page.wait_for_selector("text=người được bố trí")
    for pid, code in before.items():
        assert seat(clerk_plan, pid) == (code, True)


def test_undo_restores_the_previous_seat(clerk_plan, live_server, page):
    base = live_server
    son = db.session.scalar(db.select(Person).where(Person.key == "020190000888"))
    start, _locked = seat(clerk_plan, son.id)
    target = "06637/UBND/VP/3" if start != "06637/UBND/VP/3" else None
    sign_in(page, base, "drafter@lang-son")
    kind = "move" if target else "unassign"
    url = f"{base}/plans/{clerk_plan}/change?kind={kind}&person={son.id}"
    if target:
        url += f"&position={db.session.scalar(db.select(Position.id).where(Position.code == target))}"
    page.goto(url)
    page.fill("#check-panel textarea[name=reason]", "thử")
    if page.locator("#check-panel input[name=override]").count():
        page.check("#check-panel input[name=override]")
    page.click("#confirm-change")
    page.wait_for_selector("text=Đã lưu điều chỉnh")
    assert seat(clerk_plan, son.id)[0] == target
    page.goto(f"{base}/plans/{clerk_plan}/undo")
    shot(page, "undo")
    page.click("#undo-last")
    page.wait_for_selector("text=Đã hoàn tác thay đổi của Lê Văn Sơn")
    assert seat(clerk_plan, son.id)[0] == start


def test_commune_status_drafting_ready_accepted_with_a_comment(clerk_plan, live_server, page):
    base = live_server
    sign_in(page, base, "drafter@lang-son")
    page.goto(f"{base}/plans/{clerk_plan}/queue/06637")
    page.click("#commune-comments button[name=status][value=drafting]")
    page.wait_for_selector("#commune-status:has-text('Đang soạn')")
    page.fill("#commune-comments textarea[name=text]", "Đã rà soát xong Ủy ban")
    page.click("#commune-comments button[name=status][value=ready]")
    page.wait_for_selector("#commune-status:has-text('Sẵn sàng thẩm định')")
    sign_in(page, base, "reviewer@lang-son")
    page.goto(f"{base}/plans/{clerk_plan}/queue?status=ready")
    assert page.locator("#queue tbody tr").count() == 1
    page.click("#queue a:has-text('Xã C Lạng Sơn')")
    page.wait_for_selector("text=Đã rà soát xong Ủy ban")
    page.fill("#commune-comments textarea[name=text]", "Đồng ý phương án của xã")
    page.click("#commune-comments button[name=status][value=accepted]")
    page.wait_for_selector("#commune-status:has-text('Đã chấp thuận')")
    shot(page, "commune-accepted")
    page.goto(f"{base}/plans/{clerk_plan}/c/06637")
    assert "Đồng ý phương án của xã" in page.locator("#queue-state").inner_text()
    c = db.session.scalar(db.select(Commune).where(Commune.code == "06637"))
    assert worklist.status_of(db.session.get(Plan, clerk_plan), c) == "accepted"


def test_scoped_drafter_sees_no_one_seated_outside(clerk_plan, live_server, page):
    base = live_server
    hoa = db.session.scalar(db.select(Person).where(Person.key == CCCD))
    sign_in(page, base, "xa-a@lang-son")
    page.goto(f"{base}/plans/{clerk_plan}")
    page.keyboard.press("/")
    page.keyboard.type(CCCD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#no-results")
    response = page.goto(f"{base}/plans/{clerk_plan}/people/{hoa.id}")
    assert response is not None and response.status == 404
    response = page.goto(f"{base}/api/v1/search?q={CCCD}")
    assert response is not None and response.json()["people"] == []
