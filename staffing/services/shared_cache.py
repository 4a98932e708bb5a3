"""Values kept for every worker process in Redis when one is configured (STAFFING_CACHE_URL, or the task
queue's HUEY_URL when it is redis://); without Redis nothing is shared and each process keeps its own.

gunicorn runs several worker processes, on one machine or many; a read model or a page fragment built by one
is then found by the others instead of being built again in each. Keys name everything their value depends
on (see plan_views.cached and page_cache), so a value is never stale: a change makes new keys and old ones
expire. Only the app writes here, as it writes its task queue (the same trust: Redis on loopback or a private
network). A store that is down costs speed, never a page: every failure reads as a miss. `clear()` empties
it; `staffing restore` calls it, since a restored database may reuse ids and counters with other data.

(A SQLite file in the instance folder was tried as the store without Redis: with two workers it halved the
throughput of the load test, as writers of large values queue on its lock. bench/load_test.py measures it.)
"""

from __future__ import annotations

import hashlib
import logging
import os
from typing import Any

logger = logging.getLogger(__name__)

TTL_S = 600  # a value is dropped ten minutes after it was made (edits make new keys all day)
PREFIX = "staffing:v1:"
_clients: dict[str, Any] = {}


def key(*parts: Any) -> str:
    """A short key from the parts (the database URL among them, so instances sharing a store never mix)."""
    return PREFIX + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def _redis() -> Any:
    url = os.environ.get("STAFFING_CACHE_URL") or os.environ.get("HUEY_URL") or ""
    if not url.startswith("redis://"):
        return None
    if url not in _clients:
        try:
            import redis

            _clients[url] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        except ImportError:
            _clients[url] = None
    return _clients[url]


def enabled() -> bool:
    return _redis() is not None


def get(name: str) -> bytes | None:
    client = _redis()
    if client is None:
        return None
    try:
        hit = client.get(name)
    except Exception:  # any failure of the store is a miss
        logger.warning("shared cache unreachable; building without it", exc_info=True)
        return None
    return None if hit is None else bytes(hit)


def put(name: str, value: bytes) -> None:
    client = _redis()
    if client is None:
        return
    try:
        client.set(name, value, ex=TTL_S)
    except Exception:
        logger.warning("shared cache unreachable; value not kept", exc_info=True)


def clear() -> None:
    """Drop this app's values from Redis (nothing to do without it: process memory ends with the process)."""
    client = _redis()
    if client is None:
        return
    for name in client.scan_iter(match=PREFIX + "*", count=500):
        client.delete(name)
