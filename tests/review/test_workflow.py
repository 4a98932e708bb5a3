"""Re-solve with locks and forbidden pairs, the workflow and its permissions, scenarios and comparison."""

from __future__ import annotations

from review_helpers import assignment, person, position, seat_of

from staffing.extensions import db
from staffing.models import AuditEntry, Plan, PlanComment, PlanStatus


def post_change(client, plan, **data):
    db.session.refresh(plan)
    data.setdefault("version", plan.version)
    return client.post(f"/plans/{plan.id}/change", data={k: str(v) for k, v in data.items()})


def step(client, plan, action, text=""):
    db.session.refresh(plan)
    return client.post(f"/plans/{plan.id}/workflow/{action}", data={"version": plan.version, "text": text})


def complete(client, plan):
    db.session.refresh(plan)
    return client.post(f"/plans/{plan.id}/complete", data={"version": plan.version})


def test_resolve_keeps_locks_and_honours_forbidden_pairs(plan, as_user):
    client = as_user("drafter@lang-son")
    e, c, d = person(4), person(2), person(3)
    # E leaves the head seat of A for the staff seat of B (worse for the plan) and is locked there
    assert (
        post_change(
            client, plan, kind="move", person=e.id, position=position("06625/UBND/KT/3").id
        ).status_code
        == 302
    )
    assert post_change(client, plan, kind="lock", person=e.id).status_code == 302
    # D may not serve in commune B any more
    assert post_change(client, plan, kind="forbid_commune", person=d.id, commune="06625").status_code == 302
    response = complete(client, plan)
    assert response.status_code == 302
    db.session.expire_all()
    plan = db.session.get(Plan, plan.id)
    assert plan.job_state.value == "done"
    assert plan.solver_status in ("OPTIMAL", "FEASIBLE")
    assert seat_of(plan, e).code == "06625/UBND/KT/3"
    assert assignment(plan, e).locked
    seat_d = seat_of(plan, d)
    assert seat_d is None or not seat_d.code.startswith("06625")
    # the solver filled the head seat E left, and the plan is still the same plan
    assert db.session.scalar(db.select(db.func.count()).select_from(Plan)) == 1
    assert any(a for a in plan.assignments if a.position and a.position.code == "06613/UBND/KT/1")
    assert db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.plan_id == plan.id, AuditEntry.action == "complete")
    )
    del c


def test_workflow_permissions_and_return_with_comment(plan, as_user):
    reviewer = as_user("reviewer@lang-son")
    assert step(reviewer, plan, "submit").status_code == 403  # only drafters submit
    drafter = as_user("drafter@lang-son")
    assert step(drafter, plan, "forward").status_code == 403  # a drafter never forwards
    assert step(drafter, plan, "submit").status_code == 302
    db.session.refresh(plan)
    assert plan.status == PlanStatus.IN_REVIEW
    assert step(drafter, plan, "submit").status_code == 409  # already in review
    # in review, the drafter can no longer edit
    assert post_change(drafter, plan, kind="unassign", person=person(0).id).status_code == 409
    assert step(drafter, plan, "approve").status_code == 403
    approver = as_user("approver@lang-son")
    assert step(approver, plan, "approve").status_code == 409  # the reviewer forwards first
    assert step(approver, plan, "return", "x").status_code == 403  # in review, the reviewer returns
    reviewer = as_user("reviewer@lang-son")
    assert step(reviewer, plan, "return").status_code == 302  # without a comment: refused with a message
    db.session.refresh(plan)
    assert plan.status == PlanStatus.IN_REVIEW
    assert step(reviewer, plan, "return", "Xã A thiếu trưởng phòng có LLCT cao cấp").status_code == 302
    db.session.refresh(plan)
    assert plan.status == PlanStatus.DRAFT
    assert plan.review_comment.startswith("Xã A")
    comment = db.session.scalar(
        db.select(PlanComment).where(PlanComment.plan_id == plan.id, PlanComment.action == "return")
    )
    assert comment is not None
    assert comment.user.email == "reviewer@lang-son"
    page = as_user("drafter@lang-son").get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Xã A thiếu trưởng phòng có LLCT cao cấp" in page


def test_approve_freezes_the_plan_and_a_new_version_is_a_child_draft(plan, as_user):
    drafter = as_user("drafter@lang-son")
    assert step(drafter, plan, "submit").status_code == 302
    reviewer = as_user("reviewer@lang-son")
    assert step(reviewer, plan, "comment", "Đã xem").status_code == 302
    assert step(reviewer, plan, "approve").status_code == 403
    assert step(reviewer, plan, "forward").status_code == 302
    approver = as_user("approver@lang-son")
    assert step(approver, plan, "approve").status_code == 302
    db.session.refresh(plan)
    assert plan.status == PlanStatus.APPROVED
    drafter = as_user("drafter@lang-son")
    a_ = person(0)
    assert drafter.get(f"/plans/{plan.id}/change?kind=unassign&person={a_.id}").status_code == 409
    assert post_change(drafter, plan, kind="unassign", person=a_.id).status_code == 409
    assert complete(drafter, plan).status_code == 409
    assert step(drafter, plan, "submit").status_code == 409
    assert seat_of(plan, a_) is not None
    actions = [
        e.action
        for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.plan_id == plan.id).order_by(AuditEntry.id)
        )
    ]
    assert actions[-4:] == ["submit", "comment", "forward", "approve"]
    # a new version
    response = drafter.post(f"/plans/{plan.id}/copy", data={"name": "Phiên bản 2"})
    assert response.status_code == 302
    child = db.session.scalar(db.select(Plan).where(Plan.parent_id == plan.id))
    assert child is not None
    assert child.status == PlanStatus.DRAFT
    assert child.name == "Phiên bản 2"
    assert len(child.assignments) == len(plan.assignments)
    assert post_change(drafter, child, kind="unassign", person=a_.id).status_code == 302
    assert seat_of(plan, a_) is not None  # the approved plan is untouched


def test_scenarios_compare_person_by_person(plan, as_user):
    drafter = as_user("drafter@lang-son")
    response = drafter.post(f"/plans/{plan.id}/copy", data={"name": "Kịch bản B"})
    assert response.status_code == 302
    child = db.session.scalar(db.select(Plan).where(Plan.parent_id == plan.id))
    assert child is not None
    e, b = person(4), person(1)
    assert (
        post_change(
            drafter, child, kind="move", person=e.id, position=position("06625/UBND/KT/3").id
        ).status_code
        == 302
    )
    assert post_change(drafter, child, kind="unassign", person=b.id).status_code == 302
    assert seat_of(plan, e).code == "06613/UBND/KT/1"  # the parent scenario is unchanged
    page = drafter.get(f"/plans/{child.id}/compare?other={plan.id}").get_data(as_text=True)
    assert "Nguyễn Văn E" in page
    assert "Nguyễn Văn B" in page
    assert "chuyển vị trí" in page
    assert "bỏ ra" in page
    assert "Nguyễn Văn A" not in page.split('id="differences"')[1].split("</table>")[0]
    from staffing.services.compare import compare

    result = compare(plan, child, list(plan_province_communes(plan)))
    assert result.kinds["moved"] == 1
    assert result.kinds["unplaced"] == 1
    assert result.right_figures.placed == result.left_figures.placed - 1
    # filters
    only = drafter.get(f"/plans/{child.id}/compare?other={plan.id}&kind=unplaced").get_data(as_text=True)
    table = only.split('id="differences"')[1].split("</table>")[0]
    assert "Nguyễn Văn B" in table
    assert "Nguyễn Văn E" not in table


def plan_province_communes(plan):
    from staffing.models import Commune

    return db.session.scalars(db.select(Commune).where(Commune.province_code == plan.province_code))


def test_other_province_plan_is_not_found(plan, as_user):
    outsider = as_user("drafter@quang-ninh")
    for url in (
        f"/plans/{plan.id}",
        f"/plans/{plan.id}/dashboard",
        f"/plans/{plan.id}/gaps",
        f"/plans/{plan.id}/gaps.xlsx",
        f"/plans/{plan.id}/audit",
        f"/plans/{plan.id}/compare",
        f"/plans/{plan.id}/seats/1",
    ):
        assert outsider.get(url).status_code == 404, url
    assert (
        outsider.post(f"/plans/{plan.id}/workflow/comment", data={"version": 1, "text": "x"}).status_code
        == 404
    )
    assert outsider.post(f"/plans/{plan.id}/copy", data={"name": "x"}).status_code == 404
