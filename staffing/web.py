"""What every response gets: security headers, error pages, template helpers."""

from __future__ import annotations

import io
import json
import logging
import time
from typing import Any

from flask import Flask, Response, g, render_template, request, send_file
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from . import labels
from .extensions import db, login_manager

logger = logging.getLogger(__name__)
# Who did what: one JSON line per request with ids only (no names, no CCCD, no query strings).
activity = logging.getLogger("staffing.activity")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

ERROR_TEXT = {
    400: ("Yêu cầu không hợp lệ", "Bad request"),
    403: ("Bạn không có quyền thực hiện thao tác này", "Forbidden"),
    404: ("Không tìm thấy trang hoặc dữ liệu", "Not found"),
    409: (
        "Phương án đã được gửi thẩm định hoặc phê duyệt nên không sửa được; hãy tạo phiên bản mới.",
        "Conflict",
    ),
    413: ("Tệp quá lớn", "File too large"),
    429: ("Quá nhiều yêu cầu", "Too many requests"),
    500: ("Lỗi hệ thống", "Server error"),
    503: (
        "Cơ sở dữ liệu tạm thời không truy cập được; vui lòng thử lại sau ít phút.",
        "Database unavailable",
    ),
}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(data: bytes, name: str, mimetype: str) -> Response:
    """A file the browser saves as `name` (an attachment), from bytes built in memory."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


def xlsx_download(data: bytes, name: str) -> Response:
    """An Excel workbook the browser saves as `name`."""
    return download(data, name, XLSX)


def reason_text(reason: dict[str, Any]) -> str:
    """A solver reason in the user's language."""
    if reason.get("code") == "text":
        return str(reason.get("params", {}).get("text", ""))
    try:
        from solver.reasons import render

        return render(reason, lang=str(get_locale() or "vi"))
    except Exception:  # an unknown code must not break a page
        logger.warning("unrenderable reason code %s", reason.get("code"))
        return str(reason.get("code"))


# What a page's script asks on its own every few seconds (live view, progress bars): never the user's doing
BACKGROUND_POLLS = frozenset({"plans.commune_live", "plans.progress", "uploads.preview_status"})


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, except that a background poll never sends the cookie back.

    Otherwise a page left open would keep its session alive for ever (every poll renews the 8-hour
    lifetime), and a poll answered just after the user signed out would sign them in again (its response
    carries the session as it was when the poll left the browser)."""

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if request.endpoint in BACKGROUND_POLLS:
            return False
        return super().should_set_cookie(app, session)


def install(app: Flask) -> None:
    app.session_interface = SessionInterface()

    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_activity(response):  # type: ignore[no-untyped-def]
        if request.endpoint != "static":
            # only a user the request already loaded: no database query here (the database may be down)
            loaded = g.get("_login_user")
            user = loaded.get_id() if loaded is not None and loaded.is_authenticated else None
            activity.info(
                json.dumps(
                    {
                        "user": user,
                        "method": request.method,
                        "endpoint": request.endpoint,
                        "args": {
                            k: v for k, v in (request.view_args or {}).items() if k.endswith(("id", "code"))
                        },
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
                    }
                )
            )
        return response

    @app.after_request
    def security_headers(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static":
            # personal data, downloads included: never kept in a browser or proxy cache
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        code = exc.code or 500
        vi, en = ERROR_TEXT.get(code, (exc.name, exc.name))
        if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
            return {"error": en, "message": vi}, code
        # the page speaks the user's language only (English is shown in English mode)
        message = vi if str(get_locale() or "vi") == "vi" else en
        return render_template("error.html", code=code, message=message, detail=en), code

    @app.errorhandler(StaleDataError)
    def stale(exc: StaleDataError) -> ResponseReturnValue:
        db.session.rollback()
        return render_template(
            "error.html",
            code=409,
            message=_("Phương án vừa được người khác thay đổi. Hãy tải lại trang và thực hiện lại."),
            detail="Conflict",
        ), 409

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_down(exc: DBAPIError) -> ResponseReturnValue:
        try:
            db.session.rollback()
        except DBAPIError:  # the connection is gone: nothing to roll back
            db.session.close()
        # the page must not look the user up in the database that just failed
        g._login_user = login_manager.anonymous_user()
        logger.error("database error: %s", type(exc.orig).__name__ if exc.orig else "unknown")
        vi, en = ERROR_TEXT[503]
        return render_template("error.html", code=503, message=vi, detail=en), 503

    @app.context_processor
    def helpers() -> dict[str, Any]:
        lang = str(get_locale() or "vi")
        return {
            "label": lambda kind, code: labels.label(kind, code, lang),
            "requirement_text": lambda req: labels.requirement_text(req, lang),
            "reason_text": reason_text,
            "lang": lang,
        }
