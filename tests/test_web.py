"""Login, pages, roles and scope, CSRF: the foundation as a user meets it."""

from __future__ import annotations

import re

from flask import Flask

from staffing.extensions import db
from staffing.models import AuditEntry, Role, User


def test_pages_need_login(client, tiny_province):
    response = client.get("/p/20")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_and_province_overview(client, login, make_user, tiny_province):
    make_user("drafter@lang-son")
    response = login(client, "drafter@lang-son")
    assert response.status_code == 302
    page = client.get("/p/20").get_data(as_text=True)
    assert "Lạng Sơn" in page
    assert "Xã A Lạng Sơn" in page and "Xã B Lạng Sơn" in page
    assert "Xã Cũ Hai (một phần)" in page  # a split old commune is marked
    assert "Quảng Ninh" not in page


def test_commune_page_lists_units_positions_and_people(client, login, make_user, tiny_province):
    make_user("reviewer@lang-son", role=Role.REVIEWER)
    login(client, "reviewer@lang-son")
    page = client.get("/p/20/c/06613").get_data(as_text=True)
    assert "Xã Cũ Một" in page and "Cơ quan cấp huyện X" in page
    assert "Trưởng phòng" in page and "Trình độ chuyên môn ≥ Đại học" in page
    # people of units feeding the commune: u1 (2), u2 (1), district agency (2)
    assert page.count("Nguyễn Văn") == 5


def test_wrong_password_is_refused_and_account_locks(client, login, make_user, tiny_province):
    make_user("drafter@lang-son")
    for _ in range(5):
        assert login(client, "drafter@lang-son", "wrong-password").status_code == 401
    # locked now, even with the right password
    assert login(client, "drafter@lang-son").status_code == 429


def test_other_province_is_invisible(client, login, make_user, tiny_province):
    make_user("drafter@lang-son")
    login(client, "drafter@lang-son")
    assert client.get("/p/22").status_code == 404
    assert client.get("/p/22/c/07113").status_code == 404
    assert client.get("/p/22/plans").status_code == 404


def test_commune_scope_limits_what_a_user_sees(client, login, make_user, tiny_province):
    make_user("commune@lang-son", communes=["06613"])
    login(client, "commune@lang-son")
    assert client.get("/p/20/c/06613").status_code == 200
    assert client.get("/p/20/c/06625").status_code == 404
    page = client.get("/p/20").get_data(as_text=True)
    assert "Xã A Lạng Sơn" in page and "Xã B Lạng Sơn" not in page


def test_reviewer_cannot_propose(client, login, make_user, tiny_province):
    make_user("reviewer@lang-son", role=Role.REVIEWER)
    login(client, "reviewer@lang-son")
    assert client.post("/p/20/plans", data={"name": "x", "commune": ""}).status_code == 403


def test_csrf_is_enforced_on_forms(tmp_path, database_url, monkeypatch, tiny_province, make_user):
    from staffing import create_app

    make_user("drafter@lang-son")
    monkeypatch.setenv("STAFFING_INSTANCE", str(tmp_path / "instance2"))
    strict = create_app({"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": database_url})
    client = strict.test_client()
    assert (
        client.post("/login", data={"email": "drafter@lang-son", "password": "secret-pass-1"}).status_code
        == 400
    )
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = client.post(
        "/login", data={"email": "drafter@lang-son", "password": "secret-pass-1", "csrf_token": token}
    )
    assert ok.status_code == 302
    with strict.app_context():
        db.engine.dispose()


def test_security_headers(client, tiny_province):
    response = client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_login_is_audited(client, login, make_user, tiny_province, app: Flask):
    user = make_user("drafter@lang-son")
    login(client, "drafter@lang-son")
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.user_id == user.id)).all()
    assert [e.action for e in entries] == ["login"]


def test_production_refuses_to_start_without_secret(monkeypatch, tmp_path):
    import pytest

    from staffing import create_app
    from staffing.config import ConfigError

    monkeypatch.setenv("STAFFING_INSTANCE", str(tmp_path))
    monkeypatch.setenv("STAFFING_ENV", "production")
    monkeypatch.delenv("STAFFING_SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="STAFFING_SECRET_KEY"):
        create_app()


def test_passwords_are_hashed(app, make_user, tiny_province):
    user = make_user("x@lang-son")
    stored = db.session.get(User, user.id)
    assert stored.password_hash != "secret-pass-1" and stored.check_password("secret-pass-1")


def test_successful_logins_do_not_count_against_the_address(
    client, login, make_user, tiny_province, monkeypatch
):
    from staffing.auth import routes

    make_user("drafter@lang-son")
    for _ in range(routes.MAX_ATTEMPTS_PER_ADDRESS + 2):
        assert login(client, "drafter@lang-son").status_code == 302
        client.post("/logout")


def test_login_attempts_are_rate_limited_per_address(client, tiny_province, monkeypatch):
    from staffing.auth import routes

    statuses = [
        client.post("/login", data={"email": f"u{i}@x", "password": "wrong-pass-1"}).status_code
        for i in range(routes.MAX_ATTEMPTS_PER_ADDRESS + 1)
    ]
    assert statuses[0] == 401 and statuses[-2] == 401 and statuses[-1] == 429


def test_activity_log_has_ids_not_names(client, login, make_user, tiny_province, caplog):
    import json as _json
    import logging as _logging

    caplog.set_level(_logging.INFO, logger="staffing.activity")
    make_user("drafter@lang-son")
    login(client, "drafter@lang-son")
    client.get("/p/20/c/06613")
    lines = [_json.loads(r.getMessage()) for r in caplog.records if r.name == "staffing.activity"]
    assert {"endpoint": "main.commune", "status": 200}.items() <= lines[-1].items()
    assert lines[-1]["args"] == {"code": "20", "commune_code": "06613"} and lines[-1]["user"]
    assert "Nguyễn" not in caplog.text


def test_two_users_signed_in_at_once_each_see_their_own_identity(app, login, make_user, tiny_province):
    """Two browsers at once: each test client has its own app context and session, so its own login."""
    make_user("lan@lang-son", role=Role.DRAFTER, province="20")
    make_user("minh@quang-ninh", role=Role.REVIEWER, province="22")
    lan, minh, nobody = app.test_client(), app.test_client(), app.test_client()
    assert login(lan, "lan@lang-son").status_code == 302
    assert login(minh, "minh@quang-ninh").status_code == 302
    for _ in range(2):  # interleaved requests, each in its own context
        lan_page = lan.get("/p/20")
        minh_page = minh.get("/p/22")
        assert lan_page.status_code == 200 and minh_page.status_code == 200
        assert "lan ·" in lan_page.get_data(as_text=True) and "minh" not in lan_page.get_data(as_text=True)
        assert "minh ·" in minh_page.get_data(as_text=True) and "lan ·" not in minh_page.get_data(
            as_text=True
        )
        assert lan.get("/p/22").status_code == 404
        assert minh.get("/p/20").status_code == 404
        assert nobody.get("/p/20").status_code == 302  # never signed in: sent to the login page
    assert lan.post("/logout").status_code == 302
    assert lan.get("/p/20").status_code == 302
    assert minh.get("/p/22").status_code == 200  # one user signing out leaves the other signed in
