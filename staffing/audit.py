"""The audit trail: every change to a plan or a person, chained by hash so tampering shows."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import text

from .extensions import db
from .models import AuditEntry, User, utcnow


def _digest(entry: AuditEntry) -> str:
    payload = json.dumps(
        {
            "prev": entry.prev_hash,
            "at": entry.at.isoformat() if entry.at else None,
            "user": entry.user_id,
            "province": entry.province_code,
            "plan": entry.plan_id,
            "person": entry.person_id,
            "action": entry.action,
            "entity": entry.entity,
            "entity_id": entry.entity_id,
            "before": entry.before,
            "after": entry.after,
            "reason": entry.reason,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# Any constant: the key of the PostgreSQL advisory lock that serialises appends to the chain.
_APPEND_LOCK_KEY = 7_412_025


def _take_append_lock() -> None:
    """Hold the database's write lock until this transaction ends, so two appends never chain to one entry.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: a write statement that matches no row, which
    makes the transaction a writer (waiting for any other writer to commit) before the last hash is read.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK_KEY})
    elif dialect == "sqlite":
        db.session.execute(text("UPDATE audit_entry SET id = id WHERE 1 = 0"))


def record(
    action: str,
    entity: str,
    *,
    user: User | None,
    entity_id: Any = None,
    province_code: str | None = None,
    plan_id: int | None = None,
    person_id: int | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEntry:
    """Add one audit entry to the session (the caller's transaction commits it)."""
    _take_append_lock()
    last = db.session.scalar(db.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=utcnow().replace(microsecond=0),
        user_id=user.id if user is not None and getattr(user, "is_authenticated", False) else None,
        province_code=province_code,
        plan_id=plan_id,
        person_id=person_id,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
        reason=reason,
        prev_hash=last.hash if last is not None else "",
    )
    entry.hash = _digest(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def verify() -> list[int]:
    """Ids of entries whose hash or chain link does not match (empty when the trail is intact)."""
    bad: list[int] = []
    prev = ""
    for entry in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)):
        at = entry.at
        if at is not None and at.tzinfo is None:
            # SQLite drops the zone; entries are written in UTC.
            from datetime import UTC

            entry_at = at.replace(tzinfo=UTC)
        else:
            entry_at = at
        probe = AuditEntry(
            **{
                c: getattr(entry, c)
                for c in (
                    "user_id",
                    "province_code",
                    "plan_id",
                    "person_id",
                    "action",
                    "entity",
                    "entity_id",
                    "before",
                    "after",
                    "reason",
                    "prev_hash",
                )
            },
            at=entry_at,
        )
        if entry.prev_hash != prev or _digest(probe) != entry.hash:
            bad.append(entry.id)
        prev = entry.hash
    return bad
