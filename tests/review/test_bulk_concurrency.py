"""Bulk actions lock what they touch, as single edits do (issue 12), not the whole plan.

An edit of another commune never makes a bulk action stale; a bulk action on something that changed since
its page was shown is refused with who changed it and when, and nothing of it is saved.
"""

from __future__ import annotations

import html
import re

import pytest
from review_helpers import person, position, seat_of

from staffing.extensions import db
from staffing.models import Assignment, AuditEntry, CommuneStamp, Level, Plan

SEEN = re.compile(r'name="seen"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="seen"')


class Desk:
    """A client whose every request runs in its own application context (see test_concurrency.py)."""

    def __init__(self, app) -> None:
        self.app, self.client = app, app.test_client()

    def get(self, *args, **kwargs):
        with self.app.app_context():
            return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        with self.app.app_context():
            return self.client.post(*args, **kwargs)


@pytest.fixture
def desk(app, users, login):
    def open_desk(email: str) -> Desk:
        d = Desk(app)
        assert login(d, email).status_code == 302
        return d

    return open_desk


@pytest.fixture
def keyed_plan(plan: Plan) -> Plan:
    """The heads of both communes are key leaders (Bí thư, Chủ tịch...) for these tests."""
    for code in ("06613/UBND/KT/1", "06625/UBND/KT/1"):
        position(code).level = Level.KEY
    db.session.commit()
    return plan


def seen_of(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    found = SEEN.search(page.get_data(as_text=True))
    assert found, "the bulk form carries what the page showed of what it may touch"
    return html.unescape(found.group(1) or found.group(2))


def change(client, plan: Plan, **query) -> int:
    """A single edit through the change page, as the user confirms it."""
    page = client.get(f"/plans/{plan.id}/change", query_string=query)
    found = SEEN.search(page.get_data(as_text=True))
    assert found
    form = {
        **{k: str(v) for k, v in query.items()},
        "version": str(plan.version),
        "seen": found.group(1) or found.group(2),
        "override": "y",
        "reason": "điều chỉnh thử",
    }
    return client.post(f"/plans/{plan.id}/change", data=form).status_code


def _assignment(plan: Plan, index: int) -> Assignment:
    a = db.session.scalar(
        db.select(Assignment).where(Assignment.plan_id == plan.id, Assignment.person_id == person(index).id)
    )
    assert a is not None
    return a


def test_bulk_lock_of_one_commune_succeeds_after_an_edit_in_another(keyed_plan, desk):
    plan = keyed_plan
    one, two = desk("drafter@lang-son"), desk("drafter2@lang-son")
    seen = seen_of(one, f"/plans/{plan.id}/queue")
    version = db.session.get(Plan, plan.id).version
    # meanwhile drafter 2 edits commune B (06625), its key leader too
    assert change(two, plan, kind="lock", person=person(2).id) == 302
    assert change(two, plan, kind="unassign", person=person(3).id) == 302
    response = one.post(
        f"/plans/{plan.id}/bulk",
        data={"seen": seen, "action": "lock_key", "communes": ["06613"]},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Đã khóa 1 phân công" in text and "vừa thay đổi" not in text
    db.session.expire_all()
    assert _assignment(plan, 4).locked and seat_of(plan, person(4)).code == "06613/UBND/KT/1"
    # one audit entry per change, and the commune's edit counter moved (live view, cached problems)
    locks = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "lock", AuditEntry.person_id == person(4).id)
    ).all()
    assert len(locks) == 1
    commune_a = position("06613/UBND/KT/1").department.commune_id
    assert db.session.get(CommuneStamp, (plan.id, commune_a)).seq >= 1
    # the plan's version is left alone: the others' plan-wide forms do not go stale
    assert db.session.get(Plan, plan.id).version == version


def test_bulk_lock_of_a_commune_whose_key_seat_changed_is_refused_with_who_and_when(keyed_plan, desk):
    plan = keyed_plan
    one, two = desk("drafter@lang-son"), desk("drafter2@lang-son")
    seen = seen_of(one, f"/plans/{plan.id}/queue")
    # drafter 2 moves commune A's key leader out of the seat
    assert change(two, plan, kind="unassign", person=person(4).id) == 302
    response = one.post(
        f"/plans/{plan.id}/bulk",
        data={"seen": seen, "action": "lock_key", "communes": ["06613", "06625"]},
        follow_redirects=True,
    )
    text = html.unescape(response.get_data(as_text=True))
    assert "drafter2 vừa thay đổi Xã A Lạng Sơn lúc" in text
    assert "Thao tác hàng loạt chưa được thực hiện" in text
    db.session.expire_all()
    # all or nothing: commune B's key leader was not locked either
    assert not _assignment(plan, 2).locked and not _assignment(plan, 4).locked
    assert not db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "lock")).all()


def test_bulk_action_on_a_seat_changed_since_the_page_was_shown_is_refused(plan, desk):
    one, two = desk("drafter@lang-son"), desk("drafter2@lang-son")
    target = _assignment(plan, 0)  # 06613/UBND/KT/3
    other = _assignment(plan, 4)  # 06613/UBND/KT/1
    seen = seen_of(one, f"/plans/{plan.id}/queue/06613")
    assert change(two, plan, kind="unassign", person=person(0).id) == 302
    response = one.post(
        f"/plans/{plan.id}/bulk",
        data={
            "seen": seen,
            "action": "lock_seats",
            "assignments": [target.id, other.id],
            "back": f"/plans/{plan.id}/queue/06613",
        },
        follow_redirects=True,
    )
    text = html.unescape(response.get_data(as_text=True))
    assert re.search(r"drafter2 vừa thay đổi [^<]*lúc \d\d:\d\d:\d\d \d\d/\d\d/\d{4}", text), text[:3000]
    db.session.expire_all()
    assert seat_of(plan, person(0)) is None
    assert not _assignment(plan, 0).locked and not _assignment(plan, 4).locked
    # the same action on the untouched seat, from a fresh page, goes through
    seen = seen_of(one, f"/plans/{plan.id}/queue/06613")
    response = one.post(
        f"/plans/{plan.id}/bulk",
        data={"seen": seen, "action": "lock_seats", "assignments": [other.id]},
        follow_redirects=True,
    )
    assert "Đã khóa 1 phân công" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _assignment(plan, 4).locked
