"""The live view of a plan's commune: its edit stamp, the last change, and who else is looking at it.

The page polls it every few seconds (static/live.js). Presence is a row per plan, commune and user written by
that poll, so every worker process and machine sees the same viewers.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from ..extensions import db
from ..models import Commune, CommuneStamp, Plan, Presence, User, utcnow

# a viewer whose page has not polled for this long has gone
PRESENT_FOR = timedelta(seconds=20)
# a poll writes the viewer's row again only when it is older than this
REFRESH = timedelta(seconds=8)


def note_presence(plan: Plan, commune: Commune, user: User) -> None:
    """Mark this user as looking at the commune now (the caller commits)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    now = utcnow()
    seen_at = db.session.scalar(
        db.select(Presence.seen_at).where(
            Presence.plan_id == plan.id, Presence.commune_id == commune.id, Presence.user_id == user.id
        )
    )
    if seen_at is not None and (seen_at if seen_at.tzinfo else seen_at.replace(tzinfo=UTC)) > now - REFRESH:
        return  # seen a moment ago: no write (polls come every few seconds)
    stmt = insert(Presence).values(plan_id=plan.id, commune_id=commune.id, user_id=user.id, seen_at=now)
    db.session.execute(
        stmt.on_conflict_do_update(index_elements=["plan_id", "commune_id", "user_id"], set_={"seen_at": now})
    )


def stamp(plan: Plan, commune: Commune) -> str:
    """Changes when anything shown on the commune's page changes: an edit there, or a plan-wide step."""
    seq = db.session.scalar(
        db.select(CommuneStamp.seq).where(
            CommuneStamp.plan_id == plan.id, CommuneStamp.commune_id == commune.id
        )
    )
    return f"{plan.version}.{seq or 0}"


def commune_state(plan: Plan, commune: Commune, user: User) -> dict[str, Any]:
    """What the poll returns: the stamp, the last change (who, when), the other viewers."""
    row = db.session.execute(
        db.select(CommuneStamp.changed_at, User.name, User.email)
        .outerjoin(User, CommuneStamp.changed_by_id == User.id)
        .where(CommuneStamp.plan_id == plan.id, CommuneStamp.commune_id == commune.id)
    ).first()
    since = utcnow() - PRESENT_FOR
    viewers = db.session.execute(
        db.select(User.name, User.email)
        .join(Presence, Presence.user_id == User.id)
        .where(
            Presence.plan_id == plan.id,
            Presence.commune_id == commune.id,
            Presence.user_id != user.id,
            Presence.seen_at >= since,
        )
        .order_by(User.name)
    ).all()
    return {
        "stamp": stamp(plan, commune),
        "changed_at": row.changed_at.isoformat() if row is not None and row.changed_at else None,
        "changed_by": (row.name or row.email) if row is not None and (row.name or row.email) else None,
        "viewers": [name or email for name, email in viewers],
    }
