"""Rendered page fragments kept for every worker (shared_cache: Redis when configured, else the instance's
cache file), with this process's memory in front.

A key names everything its fragment depends on (plan version, a commune's edit counter, the data stamp, the
user's variant and language), so a value is never stale: a change makes a new key and old ones expire.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from . import shared_cache

LOCAL_SIZE = 256
_local: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()
key = shared_cache.key


def get_or_build(name: str, build: Callable[[], str]) -> str:
    with _lock:
        if name in _local:
            _local.move_to_end(name)
            return _local[name]
    hit = shared_cache.get(name)
    if hit is not None:
        value = hit.decode("utf-8")
    else:
        value = build()
        shared_cache.put(name, value.encode("utf-8"))
    with _lock:
        _local[name] = value
        while len(_local) > LOCAL_SIZE:
            _local.popitem(last=False)
    return value
