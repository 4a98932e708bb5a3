"""The task queue (huey) and how a task finds its app; the tasks themselves live beside their work.

The queue is SQLite in the instance folder by default; HUEY_URL=redis://... puts it on Redis, so workers on
several machines can share one queue. In tests HUEY_IMMEDIATE runs tasks inline.

This module imports nothing of the app: the factory registers itself here (`use_factory`), so a task running
in a worker thread builds its app without importing the factory, and no module imports in a circle.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey

from .config import ROOT

_factory: Callable[[], Flask] | None = None


def make_huey() -> Huey:
    url = os.environ.get("HUEY_URL", "")
    immediate = os.environ.get("HUEY_IMMEDIATE", "") == "1"
    if url.startswith("redis://"):
        return RedisHuey("staffing", url=url, immediate=immediate)
    instance = Path(os.environ.get("STAFFING_INSTANCE") or ROOT / "instance")
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else str(instance / "huey.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("staffing", filename=path, immediate=immediate)


huey = make_huey()


def use_factory(factory: Callable[[], Flask]) -> None:
    """Remember how to build the app from the environment (the app factory calls this)."""
    global _factory
    _factory = factory


def task_app() -> Flask:
    """The app a task runs in: the current one (immediate mode, a request), else one from the factory."""
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
    if _factory is None:
        raise RuntimeError("no app factory registered: start workers with `staffing worker`")
    return _factory()
