"""Optimistic locking per seat and person, not per plan: two drafters editing different communes of one plan
both save; two drafters filling one seat or moving one person: the first saves, the second gets a message
naming who changed it and when, and the page shows the current state.

Each drafter has their own test client (own cookie jar and session); both load their forms before either
saves, as two people at two desks do.
"""

from __future__ import annotations

import re

import pytest
from review_helpers import person, position, seat_of

from staffing.extensions import db
from staffing.models import AuditEntry, CommuneStamp, User

SEEN = re.compile(r'name="seen"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="seen"')


class Desk:
    """A test client whose every request runs in its own application context, as in a real server (the
    app fixture keeps one context for the whole test, which would share one signed-in user between
    clients)."""

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
    """A fresh client signed in as this user: its own cookies, its own session."""

    def open_desk(email: str) -> Desk:
        d = Desk(app)
        assert login(d, email).status_code == 302
        return d

    return open_desk


def load_form(client, plan, **query) -> dict[str, str]:
    """GET the change page as the browser does and keep what its confirm form would post back."""
    page = client.get(f"/plans/{plan.id}/change", query_string=query)
    assert page.status_code == 200
    found = SEEN.search(page.get_data(as_text=True))
    assert found, "the confirm form carries what the change touches as the user saw it"
    return {
        **{k: str(v) for k, v in query.items()},
        "version": str(plan.version),
        "seen": found.group(1) or found.group(2),
        "override": "y",
        "reason": "điều chỉnh thử",
    }


def save(client, plan, form):
    return client.post(f"/plans/{plan.id}/change", data=form)


def test_two_drafters_on_two_communes_of_one_plan_both_save(plan, desk):
    one, two = desk("drafter@lang-son"), desk("drafter2@lang-son")
    a_, d = person(0), person(3)  # a_ works in commune A (06613), d in commune B (06625)
    form_one = load_form(one, plan, kind="unassign", person=a_.id)
    form_two = load_form(two, plan, kind="lock", person=d.id)
    assert save(one, plan, form_one).status_code == 302
    # the plan changed meanwhile, but not what drafter 2 touches: no conflict
    assert save(two, plan, form_two).status_code == 302
    db.session.expire_all()
    assert seat_of(plan, a_) is None
    entries = db.session.execute(
        db.select(AuditEntry.action, User.email)
        .join(User, AuditEntry.user_id == User.id)
        .where(AuditEntry.plan_id == plan.id, AuditEntry.action.in_(("unassign", "lock")))
    ).all()
    assert sorted(entries) == [("lock", "drafter2@lang-son"), ("unassign", "drafter@lang-son")]
    # each commune's edit counter moved, by its own drafter
    stamps = db.session.scalars(db.select(CommuneStamp).where(CommuneStamp.plan_id == plan.id)).all()
    assert len(stamps) == 2 and all(s.seq > 0 for s in stamps)
    assert {s.changed_by_id for s in stamps} == {
        db.session.scalar(db.select(User.id).where(User.email == e))
        for e in ("drafter@lang-son", "drafter2@lang-son")
    }


def test_two_drafters_filling_one_seat_the_second_gets_a_message(plan, desk):
    one, two = desk("drafter@lang-son"), desk("drafter2@lang-son")
    seat = position("06625/UBND/KT/3")
    a_, b = person(4), person(0)
    form_one = load_form(one, plan, kind="move", person=a_.id, position=seat.id)
    form_two = load_form(two, plan, kind="move", person=b.id, position=seat.id)
    assert save(one, plan, form_one).status_code == 302
    refused = save(two, plan, form_two)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    # who and when, in Vietnamese
    assert "drafter vừa thay đổi" in page
    assert re.search(r"lúc \d\d:\d\d:\d\d \d\d/\d\d/\d{4}", page)
    assert "Thay đổi của bạn chưa được lưu" in page
    # the page shows the seat as it is now: a_ holds it, b is still where they were
    assert a_.name in page
    assert seat_of(plan, a_).code == "06625/UBND/KT/3"
    assert seat_of(plan, b).code == "06613/UBND/KT/3"
    # the refused page carries a fresh form: confirming again, knowingly, saves
    fresh = SEEN.search(page)
    assert fresh
    form_two["seen"] = fresh.group(1) or fresh.group(2)
    assert save(two, plan, form_two).status_code == 302
    assert seat_of(plan, b).code == "06625/UBND/KT/3"


def test_two_drafters_moving_one_person_the_second_is_refused(plan, desk):
    one, two = desk("drafter@lang-son"), desk("drafter2@lang-son")
    d = person(3)
    form_one = load_form(one, plan, kind="lock", person=d.id)
    form_two = load_form(two, plan, kind="unassign", person=d.id)
    assert save(one, plan, form_one).status_code == 302
    refused = save(two, plan, form_two)
    assert refused.status_code == 409
    assert "drafter vừa thay đổi" in refused.get_data(as_text=True)
    assert seat_of(plan, d).code == "06625/UBND/KT/3"  # nothing overwritten


def test_plan_wide_actions_still_take_the_whole_plan(plan, desk):
    one = desk("drafter@lang-son")
    stale = plan.version
    form = load_form(one, plan, kind="lock", person=person(3).id)
    assert save(one, plan, form).status_code == 302
    # an edit leaves the plan's version alone; a workflow step bumps it, so a form from before it is refused
    db.session.expire_all()
    assert plan.version == stale
    assert one.post(
        f"/plans/{plan.id}/workflow/comment", data={"version": stale, "text": "ý kiến"}
    ).status_code in (
        302,
        303,
    )
    refused = one.post(f"/plans/{plan.id}/workflow/submit", data={"version": stale, "text": ""})
    assert refused.status_code == 409


def test_live_view_shows_other_users_changes_and_who_is_looking(plan, desk):
    one, two = desk("drafter@lang-son"), desk("drafter2@lang-son")
    page = one.get(f"/plans/{plan.id}/c/06625").get_data(as_text=True)
    stamp = re.search(r'data-stamp="([^"]+)"', page).group(1)
    assert 'src="/static/live.js"' in page and "<script>" not in page  # CSP: no inline script
    live = f"/plans/{plan.id}/c/06625/live"
    first = one.get(live).get_json()
    assert first["stamp"] == stamp and first["viewers"] == []
    # drafter 2 opens the same commune: each sees the other (presence is in the database)
    assert two.get(live).get_json()["viewers"] == ["drafter"]
    assert one.get(live).get_json()["viewers"] == ["drafter2"]
    # drafter 2 locks someone there: drafter 1's next poll sees a new stamp, who and when
    assert save(two, plan, load_form(two, plan, kind="lock", person=person(3).id)).status_code == 302
    after = one.get(live).get_json()
    assert after["stamp"] != stamp and after["changed_by"] == "drafter2" and after["changed_at"]
    # and the page it then fetches shows the change and carries the new stamp
    fresh = one.get(f"/plans/{plan.id}/c/06625").get_data(as_text=True)
    assert f'data-stamp="{after["stamp"]}"' in fresh and "đã khóa" in fresh
    # an edit in another commune does not move this commune's stamp
    assert save(two, plan, load_form(two, plan, kind="lock", person=person(0).id)).status_code == 302
    assert one.get(live).get_json()["stamp"] == after["stamp"]


def test_a_service_edit_moves_the_commune_counter_too(plan, users):
    """Bulk actions and scripts call the review service directly: the live view and cached problems see them."""
    from staffing.models import Commune
    from staffing.services import live, review

    commune = db.session.scalar(db.select(Commune).where(Commune.code == "06625"))
    before = live.stamp(plan, commune)
    review.apply_change(plan, review.Change("lock", person(3)), users["drafter"], "khóa theo lô")
    db.session.commit()
    assert live.stamp(plan, commune) != before


def test_a_poll_never_renews_nor_revives_the_session(plan, desk):
    """The live view's poll is the page's doing, not the user's: it sends no session cookie back. A page left
    open does not keep its session alive, and a poll answered after signing out does not sign in again."""
    one = desk("drafter@lang-son")
    assert "session=" in one.get(f"/plans/{plan.id}/c/06625").headers.get("Set-Cookie", "")
    poll = one.get(f"/plans/{plan.id}/c/06625/live")
    assert poll.status_code == 200 and poll.headers.get("Set-Cookie") is None
    assert one.get(f"/plans/{plan.id}/progress").headers.get("Set-Cookie") is None
    # sign out; the poll that was in flight (same cookie as before) answers, and still sets nothing
    before = one.client.get_cookie("session").value
    assert one.post("/logout").status_code == 302
    one.client.set_cookie("session", before)
    assert one.get(f"/plans/{plan.id}/c/06625/live").headers.get("Set-Cookie") is None
    one.client.delete_cookie("session")
    assert one.get(f"/plans/{plan.id}/c/06625").status_code == 302  # to the sign-in page
