"""The work queue, bulk actions and undo, as each role, with scope."""

from __future__ import annotations

from review_helpers import person, position, seat_of
from werkzeug.security import generate_password_hash

from staffing.extensions import db
from staffing.models import Assignment, AuditEntry, CommuneComment, Plan, Role, User
from staffing.services import worklist

# as in tests/review/conftest.py (not imported: another folder's conftest may shadow it)
FAST_HASH = generate_password_hash("secret-pass-1", method="pbkdf2:sha256:1000")


def _assignment(plan: Plan, person_index: int) -> Assignment:
    who = person(person_index)
    a = db.session.scalar(
        db.select(Assignment).where(Assignment.plan_id == plan.id, Assignment.person_id == who.id)
    )
    assert a is not None
    return a


def test_commune_status_flows_drafting_ready_accepted_with_comments(plan, as_user):
    client = as_user("drafter@lang-son")
    url = f"/plans/{plan.id}/queue/06613"
    assert "Chưa bắt đầu" in client.get(url).get_data(as_text=True)
    assert client.post(url + "/status", data={"status": "drafting", "text": ""}).status_code == 302
    assert client.post(url + "/status", data={"status": "ready", "text": "Xong phần UBND"}).status_code == 302
    # a drafter may not accept
    assert client.post(url + "/status", data={"status": "accepted"}).status_code == 403
    client = as_user("reviewer@lang-son")
    # returning needs a comment
    client.post(url + "/status", data={"status": "returned", "text": ""})
    assert worklist.status_of(plan, position("06613/UBND/KT/1").department.commune) == "ready"
    client.post(url + "/status", data={"status": "returned", "text": "Xem lại trưởng phòng"})
    client = as_user("drafter@lang-son")
    client.post(url + "/status", data={"status": "ready", "text": "Đã sửa"})
    client = as_user("reviewer@lang-son")
    client.post(url + "/status", data={"status": "accepted", "text": "Đồng ý"})
    commune = position("06613/UBND/KT/1").department.commune
    assert worklist.status_of(plan, commune) == "accepted"
    texts = [c.text for c in db.session.scalars(db.select(CommuneComment).order_by(CommuneComment.id))]
    assert texts == ["", "Xong phần UBND", "Xem lại trưởng phòng", "Đã sửa", "Đồng ý"]
    audit = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "commune_status").order_by(AuditEntry.id)
    ).all()
    assert [e.after["status"] for e in audit] == ["drafting", "ready", "returned", "ready", "accepted"]
    # the comments are visible in the review: the commune's org chart and the province view
    chart = client.get(f"/plans/{plan.id}/c/06613").get_data(as_text=True)
    assert "Đồng ý" in chart and "Đã chấp thuận" in chart
    queue = client.get(f"/plans/{plan.id}/queue?status=accepted").get_data(as_text=True)
    assert "Xã A Lạng Sơn" in queue and "Xã B Lạng Sơn" not in queue
    rows = worklist.rows(plan, [commune])
    assert rows[0].filled == 3 and rows[0].status == "accepted"


def test_bulk_lock_key_leaders_and_seats_then_resolve_keeps_them(plan, as_user):
    from staffing.models import Level

    # make the heads "key leaders" for this test
    for code in ("06613/UBND/KT/1", "06625/UBND/KT/1"):
        position(code).level = Level.KEY
    db.session.commit()
    client = as_user("drafter@lang-son")
    response = client.post(
        f"/plans/{plan.id}/bulk",
        data={"version": plan.version, "action": "lock_key", "communes": ["06613", "06625"]},
    )
    assert response.status_code == 303
    db.session.expire_all()
    locked = {
        a.person.key for a in db.session.scalars(db.select(Assignment).where(Assignment.locked.is_(True)))
    }
    assert locked == {person(4).key, person(2).key}
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "lock")).all()
    assert len(entries) == 2  # one entry per change
    # lock one chosen seat
    a = _assignment(plan, 0)
    plan = db.session.get(Plan, plan.id)
    client.post(
        f"/plans/{plan.id}/bulk",
        data={"version": plan.version, "action": "lock_seats", "assignments": [a.id]},
    )
    db.session.expire_all()
    assert _assignment(plan, 0).locked
    # re-solve: the locked seats stay
    plan = db.session.get(Plan, plan.id)
    client.post(f"/plans/{plan.id}/complete", data={"version": plan.version})
    db.session.expire_all()
    assert seat_of(plan, person(4)).code == "06613/UBND/KT/1"
    assert seat_of(plan, person(2)).code == "06625/UBND/KT/1"
    assert seat_of(plan, person(0)).code == "06613/UBND/KT/3"
    assert _assignment(plan, 4).locked and _assignment(plan, 2).locked


def test_undo_restores_own_change_only(plan, as_user):
    client = as_user("drafter@lang-son")
    d = person(3)  # in 06625/UBND/KT/3
    client.post(
        f"/plans/{plan.id}/change",
        data={
            "version": plan.version,
            "kind": "move",
            "person": d.id,
            "position": position("06613/UBND/KT/3").id,
            "override": "y",
            "reason": "thử",
        },
    )
    db.session.expire_all()
    assert seat_of(plan, d).code == "06613/UBND/KT/3"
    # another drafter cannot undo it (nothing of theirs to undo)
    other = as_user("drafter2@lang-son")
    assert "Không còn thay đổi nào" in other.get(f"/plans/{plan.id}/undo").get_data(as_text=True)
    other.post(f"/plans/{plan.id}/undo", data={})
    db.session.expire_all()
    assert seat_of(plan, d).code == "06613/UBND/KT/3"
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "move"))
    assert other.post(f"/plans/{plan.id}/undo", data={"entry": entry.id}).status_code == 403
    client = as_user("drafter@lang-son")
    assert client.post(f"/plans/{plan.id}/undo", data={}).status_code == 303
    db.session.expire_all()
    assert seat_of(plan, d).code == "06625/UBND/KT/3"
    undo_entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "undo")).all()
    assert len(undo_entries) == 1 and undo_entries[0].after["undoes"] == entry.id
    # already undone: nothing left
    assert "Không còn thay đổi nào" in client.get(f"/plans/{plan.id}/undo").get_data(as_text=True)


def test_scoped_drafter_cannot_reach_outside_through_bulk_or_undo(plan, as_user, users):
    scoped = User(
        email="xa-a@lang-son",
        name="xa-a",
        role=Role.DRAFTER,
        province_code="20",
        communes=["06613"],
        password_hash=FAST_HASH,
    )
    db.session.add(scoped)
    db.session.commit()
    client = as_user("xa-a@lang-son")
    d = person(3)  # district official seated in 06625
    a_d = _assignment(plan, 3)
    assert client.get(f"/plans/{plan.id}/queue/06625").status_code == 404
    assert "Xã B" not in client.get(f"/plans/{plan.id}/queue").get_data(as_text=True)
    r = client.post(
        f"/plans/{plan.id}/bulk", data={"version": plan.version, "action": "lock_key", "communes": ["06625"]}
    )
    assert r.status_code == 404
    r = client.post(
        f"/plans/{plan.id}/bulk",
        data={"version": plan.version, "action": "lock_seats", "assignments": [a_d.id]},
    )
    assert r.status_code == 404
    r = client.post(
        f"/plans/{plan.id}/bulk",
        data={
            "version": plan.version,
            "action": "move",
            "people": [d.id],
            f"to-{d.id}": position("06613/UBND/KT/3").id,
            "reason": "x",
        },
    )
    assert r.status_code == 404
    db.session.expire_all()
    assert seat_of(plan, d).code == "06625/UBND/KT/3" and not _assignment(plan, 3).locked
    # the full drafter moves them; the scoped drafter cannot undo (not theirs, and out of scope)
    full = as_user("drafter@lang-son")
    plan = db.session.get(Plan, plan.id)
    full.post(
        f"/plans/{plan.id}/change",
        data={"version": plan.version, "kind": "lock", "person": d.id, "override": "y", "reason": "r"},
    )
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "lock"))
    client = as_user("xa-a@lang-son")
    assert client.post(f"/plans/{plan.id}/undo", data={"entry": entry.id}).status_code == 404
    db.session.expire_all()
    assert _assignment(plan, 3).locked
