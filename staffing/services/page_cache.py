"""Rendered page fragments kept for every worker: in Redis when one is configured (STAFFING_CACHE_URL, or the
task queue's HUEY_URL when it is redis://), else in this process's memory.

A key names everything its fragment depends on (plan version, a commune's edit counter, the data stamp, the
user's variant and language), so a value is never stale: a change makes a new key and old ones expire.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

TTL_S = 3600
LOCAL_SIZE = 256
_local: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()
_clients: dict[str, Any] = {}


def _url() -> str:
    url = os.environ.get("STAFFING_CACHE_URL") or os.environ.get("HUEY_URL") or ""
    return url if url.startswith("redis://") else ""


def _client() -> Any:
    url = _url()
    if not url:
        return None
    if url not in _clients:
        try:
            import redis

            _clients[url] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        except ImportError:
            _clients[url] = None
    return _clients[url]


def key(*parts: Any) -> str:
    """A short key from the parts (the database URL among them, so instances sharing a Redis never mix)."""
    return "staffing:frag:" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def get_or_build(name: str, build: Callable[[], str]) -> str:
    client = _client()
    if client is not None:
        try:
            hit = client.get(name)
            if hit is not None:
                return bytes(hit).decode("utf-8")
        except Exception:  # a cache that is down costs speed, never a page
            logger.warning("page cache unreachable; building without it", exc_info=True)
            client = None
    else:
        with _lock:
            if name in _local:
                _local.move_to_end(name)
                return _local[name]
    value = build()
    if client is not None:
        try:
            client.set(name, value.encode("utf-8"), ex=TTL_S)
        except Exception:
            logger.warning("page cache unreachable; value not kept", exc_info=True)
    else:
        with _lock:
            _local[name] = value
            while len(_local) > LOCAL_SIZE:
                _local.popitem(last=False)
    return value
