"""staffing: staff the new communes from the people of the old units they were formed from."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request, session
from flask_login import current_user

from . import config as config_module
from .config import ROOT
from .extensions import babel, csrf, db, login_manager, migrate

__version__ = "0.1.0"

logger = logging.getLogger(__name__)


def select_locale() -> str:
    """Vietnamese first; English when the user picked it. Outside a request (task, command): Vietnamese."""
    if not has_request_context():
        return "vi"
    chosen = session.get("lang")
    if chosen in ("vi", "en"):
        return str(chosen)
    return "vi"


def _sqlite_write_ahead_log(engine: Any) -> None:
    """SQLite in write-ahead-log mode: readers never wait for the writer nor block its commit, which is what
    several gunicorn workers serving one committee need (the default rollback journal makes every page wait
    for each edit's commit, and each edit for every page being read). Set on every new connection of a file
    database; the mode is kept in the file, and backup/restore (the online backup API) are safe with it."""
    from sqlalchemy import event

    if engine.url.database in (None, "", ":memory:"):
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then the environment, then the test config."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("STAFFING_INSTANCE") or str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_mapping(config_module.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config_module.from_environment())
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY") and app.config.get("ENV_NAME") != "production":
        # Development only: a key per instance folder, never committed.
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    config_module.check(app.config)
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        # one writer at a time: wait for it (an import may hold the lock for seconds) instead of failing
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"timeout": 30})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        with app.app_context():
            _sqlite_write_ahead_log(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "staffing" / "migrations"))
    csrf.init_app(app)
    from . import form_messages

    form_messages.install()
    from .translations import compile_catalogs

    compile_catalogs()
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "staffing" / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"

    from . import guards, models

    guards.install()

    @login_manager.user_loader
    def load_user(user_id: str) -> models.User | None:
        return db.session.get(models.User, int(user_id))

    from .api.routes import bp as api_bp
    from .auth.routes import bp as auth_bp
    from .clerk import queue as _clerk_queue  # noqa: F401  (registers its routes on the blueprint)
    from .clerk import routes as _clerk_routes  # noqa: F401
    from .clerk.blueprint import bp as clerk_bp
    from .downloads.routes import bp as exports_bp
    from .exits.routes import bp as exits_bp
    from .main.routes import bp as main_bp
    from .plans.routes import bp as plans_bp
    from .review.routes import bp as review_bp
    from .uploads.routes import bp as uploads_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(exits_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(uploads_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(clerk_bp)

    from . import web

    web.install(app)

    from . import queue
    from .commands import COMMANDS

    for command in COMMANDS:  # also reachable as `flask --app staffing ...` and from app.test_cli_runner()
        app.cli.add_command(command)

    queue.huey.immediate = bool(app.config["HUEY_IMMEDIATE"])
    queue.use_factory(create_app)  # a task in a worker thread builds its app from the environment
    return app


def _instance_secret(instance: Path) -> str:
    import secrets

    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


__all__ = ["ROOT", "create_app", "current_user", "request"]
