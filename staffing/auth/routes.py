"""Log in, log out, choose the interface language."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..audit import record
from ..extensions import db
from ..models import LoginFailure, User
from .forms import LoginForm

bp = Blueprint("auth", __name__)
logger = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# Per client address, across accounts (password spraying): failed attempts allowed in a sliding window.
# Successful log-ins do not count: a whole committee may sit behind one address.
MAX_ATTEMPTS_PER_ADDRESS = 30
ATTEMPT_WINDOW_S = 300.0
# Kept in the database, not in a process: every gunicorn worker and every machine sees the same window.


def _too_many_attempts(address: str) -> bool:
    since = datetime.now(UTC) - timedelta(seconds=ATTEMPT_WINDOW_S)
    count = db.session.scalar(
        db.select(db.func.count(LoginFailure.id)).where(
            LoginFailure.address == address, LoginFailure.at >= since
        )
    )
    return (count or 0) >= MAX_ATTEMPTS_PER_ADDRESS


def _note_failure(address: str) -> None:
    """Count one failed attempt from this address (committed with the request) and forget old ones."""
    now = datetime.now(UTC)
    db.session.execute(
        db.delete(LoginFailure).where(LoginFailure.at < now - timedelta(seconds=2 * ATTEMPT_WINDOW_S))
    )
    db.session.add(LoginFailure(address=address[:64], at=now))


def _safe_next(target: str | None) -> str:
    # only same-site relative paths: no open redirect
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Sign in with e-mail and password; repeated failures lock the account for a while."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if request.method == "POST" and _too_many_attempts(request.remote_addr or "?"):
        flash(_("Quá nhiều lần đăng nhập từ địa chỉ này. Vui lòng thử lại sau ít phút."), "danger")
        return render_template("auth/login.html", form=form), 429
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user = db.session.scalar(db.select(User).where(User.email == email))
        now = datetime.now(UTC)
        locked_until = user.locked_until if user else None
        if locked_until is not None and locked_until.tzinfo is None:
            locked_until = locked_until.replace(tzinfo=UTC)
        if user is not None and locked_until is not None and locked_until > now:
            flash(_("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau 15 phút."), "danger")
            return render_template("auth/login.html", form=form), 429
        if user is None or not user.active or not user.check_password(form.password.data or ""):
            _note_failure(request.remote_addr or "?")
            if user is not None:
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.locked_until = now + LOCKOUT
                    user.failed_logins = 0
                    logger.warning("account %s locked after repeated failures", user.id)
            db.session.commit()
            flash(_("Sai thư điện tử hoặc mật khẩu."), "danger")
            return render_template("auth/login.html", form=form), 401
        user.failed_logins, user.locked_until = 0, None
        session.clear()
        session.permanent = True
        login_user(user, remember=bool(form.remember.data))
        record("login", "user", user=user, entity_id=user.id, province_code=user.province_code)
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/lang/<code>")
def set_language(code: str) -> ResponseReturnValue:
    """Switch the interface between Vietnamese and English."""
    if code in ("vi", "en"):
        session["lang"] = code
    return redirect(
        _safe_next(request.form.get("next") or (request.referrer and urlsplit(request.referrer).path))
    )
