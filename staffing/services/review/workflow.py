"""The plan's workflow (submit, forward, return, approve, comment) and copies of a plan as scenarios."""

from __future__ import annotations

from flask_babel import gettext as _

from ...audit import record
from ...extensions import db
from ...models import (
    Forbidden,
    Plan,
    PlanComment,
    PlanStatus,
    Province,
    Role,
    User,
)
from .apply import _touch
from .common import ChangeError

# action -> (statuses it starts from, roles allowed there, status it leads to)
WORKFLOW: dict[str, tuple[dict[PlanStatus, tuple[Role, ...]], PlanStatus | None]] = {
    "submit": ({PlanStatus.DRAFT: (Role.DRAFTER,)}, PlanStatus.IN_REVIEW),
    "forward": ({PlanStatus.IN_REVIEW: (Role.REVIEWER,)}, PlanStatus.PENDING_APPROVAL),
    "return": (
        {PlanStatus.IN_REVIEW: (Role.REVIEWER,), PlanStatus.PENDING_APPROVAL: (Role.APPROVER,)},
        PlanStatus.DRAFT,
    ),
    "approve": ({PlanStatus.PENDING_APPROVAL: (Role.APPROVER,)}, PlanStatus.APPROVED),
    "comment": (dict.fromkeys(PlanStatus, (Role.DRAFTER, Role.REVIEWER, Role.APPROVER)), None),
}
NEEDS_TEXT = {"return", "comment"}


class WorkflowError(Exception):
    """A workflow step this user may not take now: `code` is 403 (role) or 409 (state)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def allowed_actions(plan: Plan, user: User) -> list[str]:
    """The workflow steps this user may take on the plan as it is."""
    out = []
    for action, (starts, _to) in WORKFLOW.items():
        roles = starts.get(plan.status)
        if roles and user.has_role(*roles):
            out.append(action)
    return out


def transition(plan: Plan, action: str, user: User, text: str = "") -> PlanComment:
    """Take one workflow step, with its comment, in the audit trail."""
    if action not in WORKFLOW:
        raise WorkflowError(404, _("Thao tác không hợp lệ."))
    starts, target = WORKFLOW[action]
    if not user.has_role(*{r for rs in starts.values() for r in rs}):
        raise WorkflowError(403, _("Bạn không có quyền thực hiện thao tác này."))
    roles = starts.get(plan.status)
    if roles is None:
        raise WorkflowError(
            409, _("Không thể thực hiện thao tác này khi phương án đang ở trạng thái hiện tại.")
        )
    if not user.has_role(*roles):
        raise WorkflowError(403, _("Bạn không có quyền thực hiện thao tác này."))
    text = (text or "").strip()
    if action in NEEDS_TEXT and not text:
        raise WorkflowError(400, _("Vui lòng nhập nội dung ý kiến."))
    if action == "submit" and plan.job_state.value in ("queued", "running"):
        raise WorkflowError(409, _("Phương án đang được giải, hãy chờ hoàn thành."))
    before = plan.status.value
    comment = PlanComment(plan=plan, user_id=user.id, action=action, text=text)
    db.session.add(comment)
    if target is not None:
        plan.status = target
        if action == "return":
            plan.review_comment = text
    _touch(plan)
    record(
        action,
        "plan",
        user=user,
        entity_id=plan.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        before={"status": before},
        after={"status": plan.status.value},
        reason=text,
    )
    return comment


def copy_plan(plan: Plan, name: str, user: User) -> Plan:
    """A new draft copied from a plan (another scenario, or a new version), with its forbidden pairs."""
    from ..plans import create_plan

    province = db.session.get(Province, plan.province_code)
    if province is None:
        raise ChangeError("unknown province")
    child = create_plan(province, name, user, parent=plan, scope_communes=plan.scope_communes)
    for f in plan.forbidden:
        db.session.add(
            Forbidden(
                plan=child,
                person_id=f.person_id,
                position_id=f.position_id,
                commune_id=f.commune_id,
                reason=f.reason,
            )
        )
    child.infeasible = None
    db.session.flush()
    return child
