"""The work queue of a plan: where each commune stands, what is left there, and the comments on it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from ..audit import record
from ..extensions import db
from ..models import (
    Assignment,
    Commune,
    CommuneComment,
    CommuneStatus,
    Department,
    Level,
    MergerLink,
    Person,
    Plan,
    Position,
    Role,
    Shortfall,
    User,
    utcnow,
)
from . import plan_views

STATUSES = ("not_started", "drafting", "ready", "returned", "accepted")
STATUS_LABELS = {
    "not_started": _l("Chưa bắt đầu"),
    "drafting": _l("Đang soạn"),
    "ready": _l("Sẵn sàng thẩm định"),
    "returned": _l("Trả lại kèm ý kiến"),
    "accepted": _l("Đã chấp thuận"),
}
# status -> (roles that may set it, statuses it may follow)
MOVES: dict[str, tuple[tuple[Role, ...], tuple[str, ...]]] = {
    "drafting": ((Role.DRAFTER,), ("not_started", "returned", "ready", "drafting")),
    "ready": ((Role.DRAFTER,), ("not_started", "drafting", "returned")),
    "returned": ((Role.REVIEWER, Role.APPROVER), ("ready", "accepted")),
    "accepted": ((Role.REVIEWER, Role.APPROVER), ("ready",)),
}
LEADERSHIP = (Level.KEY, Level.HEAD, Level.DEPUTY)


class QueueError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Row:
    commune: Commune
    status: str
    seats: int  # seats to fill (sum of minimums)
    filled: int
    quota: int | None
    open_leadership: int
    shortfall: int
    unplaced: int
    overrides: int
    gaps: int
    comments: int
    last_comment: CommuneComment | None = None
    updated_by: str = ""

    @property
    def fill(self) -> float:
        return self.filled / self.seats if self.seats else 1.0

    @property
    def warnings(self) -> int:
        return self.overrides + self.open_leadership


@dataclass
class State:
    commune: Commune
    status: str
    comments: list[CommuneComment] = field(default_factory=list)


def status_of(plan: Plan, commune: Commune) -> str:
    row = db.session.scalar(
        db.select(CommuneStatus).where(
            CommuneStatus.plan_id == plan.id, CommuneStatus.commune_id == commune.id
        )
    )
    return row.status if row is not None else "not_started"


def state(plan: Plan, commune: Commune) -> State:
    comments = list(
        db.session.scalars(
            db.select(CommuneComment)
            .where(CommuneComment.plan_id == plan.id, CommuneComment.commune_id == commune.id)
            .order_by(CommuneComment.id)
        )
    )
    return State(commune, status_of(plan, commune), comments)


def allowed(plan: Plan, commune: Commune, user: User) -> list[str]:
    """The statuses this user may set now (none once the plan has left the draft stage)."""
    if not plan.editable:
        return []
    current = status_of(plan, commune)
    return [s for s, (roles, after) in MOVES.items() if user.has_role(*roles) and current in after]


def set_status(plan: Plan, commune: Commune, status: str, user: User, text: str = "") -> CommuneComment:
    """Move a commune to a status with an optional comment (required to return); audited."""
    text = (text or "").strip()
    if status not in MOVES:
        raise QueueError(400, str(_l("Trạng thái không hợp lệ.")))
    if not plan.editable:
        raise QueueError(409, str(_l("Phương án không còn ở bước dự thảo.")))
    roles, after = MOVES[status]
    if not user.has_role(*roles):
        raise QueueError(403, str(_l("Bạn không có quyền đặt trạng thái này.")))
    row = db.session.scalar(
        db.select(CommuneStatus).where(
            CommuneStatus.plan_id == plan.id, CommuneStatus.commune_id == commune.id
        )
    )
    before = row.status if row is not None else "not_started"
    if before not in after:
        raise QueueError(
            400,
            str(
                _l(
                    "Không thể chuyển từ «%(a)s» sang «%(b)s».",
                    a=STATUS_LABELS[before],
                    b=STATUS_LABELS[status],
                )
            ),
        )
    if status == "returned" and not text:
        raise QueueError(400, str(_l("Cần ghi ý kiến khi trả lại.")))
    if row is None:
        row = CommuneStatus(plan_id=plan.id, commune_id=commune.id)
        db.session.add(row)
    row.status, row.updated_by_id, row.updated_at = status, user.id, utcnow()
    comment = CommuneComment(
        plan_id=plan.id, commune_id=commune.id, user_id=user.id, status=status, text=text
    )
    db.session.add(comment)
    record(
        "commune_status",
        "commune",
        user=user,
        entity_id=commune.code,
        province_code=plan.province_code,
        plan_id=plan.id,
        before={"status": before},
        after={"status": status},
        reason=text,
    )
    db.session.flush()
    return comment


def comment(plan: Plan, commune: Commune, user: User, text: str) -> CommuneComment:
    """A comment on a commune without a change of status; audited."""
    text = (text or "").strip()
    if not text:
        raise QueueError(400, str(_l("Vui lòng nhập ý kiến.")))
    item = CommuneComment(plan_id=plan.id, commune_id=commune.id, user_id=user.id, status=None, text=text)
    db.session.add(item)
    record(
        "commune_comment",
        "commune",
        user=user,
        entity_id=commune.code,
        province_code=plan.province_code,
        plan_id=plan.id,
        after={"text": text},
    )
    db.session.flush()
    return item


def _per_commune(query: Select[Any]) -> Counter[int]:
    """A count or sum per commune id, from a query of (commune id, aggregate) grouped by commune."""
    return Counter(dict(db.session.execute(query).all()))


def rows(plan: Plan, communes: list[Commune]) -> list[Row]:
    """One line per commune: status, fill, open leadership seats, unplaced people, warnings (SQL counts)."""
    ids = [c.id for c in communes]
    summary = plan_views.plan_summary(plan, communes)
    per = {d["commune"].id: d for d in summary.per_commune}
    seats = _per_commune(
        db.select(Department.commune_id, db.func.sum(Position.min_holders))
        .join(Position, Position.department_id == Department.id)
        .where(Department.commune_id.in_(ids))
        .group_by(Department.commune_id)
    )
    leadership = _per_commune(
        db.select(Department.commune_id, db.func.sum(Shortfall.missing))
        .join(Position, Shortfall.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .where(Shortfall.plan_id == plan.id, Position.level.in_(LEADERSHIP))
        .group_by(Department.commune_id)
    )
    overrides = _per_commune(
        db.select(Department.commune_id, db.func.count(Assignment.id))
        .join(Position, Assignment.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .where(Assignment.plan_id == plan.id, Assignment.override_reason.is_not(None))
        .group_by(Department.commune_id)
    )
    unplaced = _per_commune(
        db.select(MergerLink.commune_id, db.func.count(Assignment.id))
        .join(Person, Person.unit_id == MergerLink.old_unit_id)
        .join(Assignment, Assignment.person_id == Person.id)
        .where(Assignment.plan_id == plan.id, Assignment.position_id.is_(None))
        .group_by(MergerLink.commune_id)
    )
    statuses = {
        s.commune_id: s
        for s in db.session.scalars(db.select(CommuneStatus).where(CommuneStatus.plan_id == plan.id))
    }
    counts = _per_commune(
        db.select(CommuneComment.commune_id, db.func.count(CommuneComment.id))
        .where(CommuneComment.plan_id == plan.id)
        .group_by(CommuneComment.commune_id)
    )
    last_ids = [
        i
        for i in db.session.scalars(
            db.select(db.func.max(CommuneComment.id))
            .where(CommuneComment.plan_id == plan.id)
            .group_by(CommuneComment.commune_id)
        )
        if i is not None
    ]
    last = {
        c.commune_id: c
        for c in db.session.scalars(db.select(CommuneComment).where(CommuneComment.id.in_(last_ids)))
    }
    out = []
    for c in communes:
        st = statuses.get(c.id)
        out.append(
            Row(
                commune=c,
                status=st.status if st is not None else "not_started",
                seats=int(seats[c.id] or 0),
                filled=int(per[c.id]["filled"]),
                quota=c.payroll_quota,
                open_leadership=int(leadership[c.id] or 0),
                shortfall=int(per[c.id]["shortfall"]),
                unplaced=int(unplaced[c.id] or 0),
                overrides=int(overrides[c.id] or 0),
                gaps=int(per[c.id]["gaps"]),
                comments=int(counts[c.id] or 0),
                last_comment=last.get(c.id),
            )
        )
    return out


SORTS: dict[str, Any] = {
    "name": lambda r: r.commune.name,
    "status": lambda r: (STATUSES.index(r.status), r.commune.name),
    "fill": lambda r: (r.fill, r.commune.name),
    "leadership": lambda r: (-r.open_leadership, r.commune.name),
    "unplaced": lambda r: (-r.unplaced, r.commune.name),
    "warnings": lambda r: (-r.warnings, r.commune.name),
}


def filter_rows(items: list[Row], status: str = "", sort: str = "name", open_only: bool = False) -> list[Row]:
    shown = [r for r in items if (not status or r.status == status) and (not open_only or r.open_leadership)]
    return sorted(shown, key=SORTS.get(sort, SORTS["name"]))
