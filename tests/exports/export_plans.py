"""Plans for export tests: an approved plan is frozen, so it is built as a draft and approved last."""

from __future__ import annotations

from staffing.extensions import db
from staffing.models import Assignment, Plan, PlanStatus


def set_status(plan: Plan, status: PlanStatus) -> Plan:
    """Commit the plan as a draft, then move it to `status` (an approved plan is frozen from then on)."""
    db.session.commit()
    if status != PlanStatus.DRAFT:
        # load the committed status first: the freeze guard reads the old value from the attribute history
        assert plan.status == PlanStatus.DRAFT
        plan.status = status
        db.session.commit()
    return plan


def copy_plan(plan: Plan, status: PlanStatus) -> Plan:
    """A new plan with the same assignments, in `status`."""
    copy = Plan(province_code=plan.province_code, name=f"{plan.name} (bản sao)", status=PlanStatus.DRAFT)
    db.session.add(copy)
    for a in plan.assignments:
        db.session.add(
            Assignment(
                plan=copy,
                person_id=a.person_id,
                position_id=a.position_id,
                source=a.source,
                locked=a.locked,
                gaps=a.gaps,
                early_retirement=a.early_retirement,
            )
        )
    return set_status(copy, status)
