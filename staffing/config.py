"""Configuration: defaults here, then the instance folder's config.py, then the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the checkout: templates/, instance/


class ConfigError(RuntimeError):
    """The app cannot start with this configuration."""


def defaults(instance_path: str) -> dict[str, Any]:
    """Settings that hold unless the instance config or the environment says otherwise."""
    instance = Path(instance_path)
    return {
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'staffing.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "HUEY_URL": f"sqlite:///{instance / 'huey.db'}",
        "HUEY_IMMEDIATE": False,
        "UPLOAD_DIR": str(instance / "uploads"),
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ["vi", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "SOLVER_TIME_LIMIT": 60.0,
        "SOLVER_WORKERS": 2,
        "PLAN_AS_OF": "2025-07-01",
        "ENV_NAME": "development",
    }


def from_environment() -> dict[str, Any]:
    """Settings taken from the environment: secrets and servers never live in the repo."""
    env: dict[str, Any] = {}
    if url := os.environ.get("DATABASE_URL"):
        # psycopg 3 is the driver; accept the bare scheme people paste from their host.
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        env["SQLALCHEMY_DATABASE_URI"] = url
    if key := os.environ.get("STAFFING_SECRET_KEY") or os.environ.get("SECRET_KEY"):
        env["SECRET_KEY"] = key
    if huey := os.environ.get("HUEY_URL"):
        env["HUEY_URL"] = huey
    if name := os.environ.get("STAFFING_ENV"):
        env["ENV_NAME"] = name
    return env


def check(config: dict[str, Any]) -> None:
    """Refuse to start a production app without a real secret key."""
    if config.get("ENV_NAME") == "production":
        key = config.get("SECRET_KEY")
        if not key or key == "dev" or len(str(key)) < 32:
            raise ConfigError(
                "STAFFING_SECRET_KEY must be set to a random string of at least 32 characters "
                "in production (for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        if not config.get("SESSION_COOKIE_SECURE"):
            config["SESSION_COOKIE_SECURE"] = True
            config["REMEMBER_COOKIE_SECURE"] = True
