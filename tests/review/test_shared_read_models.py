"""Read models shared by every worker through Redis (services/shared_cache): what one worker built, another
finds; an edit makes new keys for its commune only; clearing the store makes everything built again."""

from __future__ import annotations

import os

import pytest
from review_helpers import person, seat_of

from staffing.extensions import db
from staffing.models import Commune, Plan, Province
from staffing.services import dashboard, plan_views, shared_cache

REDIS_URL = os.environ.get("TEST_SHARED_CACHE_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def redis_store(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    redis = pytest.importorskip(
        "redis", reason="the redis package is not installed (pip install -e '.[prod]')"
    )
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({type(exc).__name__})")
    monkeypatch.setenv("STAFFING_CACHE_URL", REDIS_URL)
    shared_cache.clear()
    yield
    shared_cache.clear()


def _another_worker() -> None:
    """What a second gunicorn worker has: its own empty memory (the shared store is all it can find)."""
    with plan_views._CACHE_LOCK:
        plan_views._CACHE.clear()


def test_a_read_model_built_by_one_worker_is_found_by_another(plan, as_user, redis_store, monkeypatch):
    client = as_user("drafter@lang-son")
    province = db.session.get(Province, "20")
    communes = list(db.session.scalars(db.select(Commune).where(Commune.province_code == "20")))
    read: list[set[int]] = []
    real = dashboard._read_figures

    def counting(plan_, as_of, ids):  # type: ignore[no-untyped-def]
        read.append(set(ids))
        return real(plan_, as_of, ids)

    monkeypatch.setattr(dashboard, "_read_figures", counting)
    first = dashboard.build(db.session.get(Plan, plan.id), province, communes, "x")
    assert read == [{c.id for c in communes}]
    _another_worker()
    again = dashboard.build(db.session.get(Plan, plan.id), province, communes, "x")
    assert read == [{c.id for c in communes}]  # found in Redis: nothing read again
    assert (again.filled, again.leaders, again.age_bins) == (first.filled, first.leaders, first.age_bins)

    # an edit in one commune: the other worker reads that commune again, and only it
    b = person(1)
    seat = seat_of(plan, b)
    p = db.session.get(Plan, plan.id)
    response = client.post(
        f"/plans/{plan.id}/change",
        data={"version": p.version, "kind": "unassign", "person": b.id, "reason": "thử"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    _another_worker()
    after = dashboard.build(db.session.get(Plan, plan.id), province, communes, "x")
    assert read[1:] == [{seat.department.commune_id}]
    assert after.filled == first.filled - 1

    # an emptied store (what `staffing restore` does): everything is read again
    shared_cache.clear()
    _another_worker()
    dashboard.build(db.session.get(Plan, plan.id), province, communes, "x")
    assert read[2:] == [{c.id for c in communes}]
    # pages still render with the store on
    assert client.get(f"/plans/{plan.id}/dashboard").status_code == 200
    assert client.get("/p/20").status_code == 200
