"""The attack suite: CSRF, script/SQL/formula injection through imported names, hostile uploads, cookies,
headers, open redirects."""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from flask import Flask

from staffing.extensions import db
from staffing.models import AuditEntry, ImportBatch, Person, Plan, Province, Role
from staffing.services import importing, plans

from .conftest import World, roster_csv, roster_rows, upload, xlsx_bytes

PASSWORD = "secret-pass-1"

SCRIPT_NAMES = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
SQL_NAMES = ["Robert'); DROP TABLE person;--", "' OR '1'='1", 'x" UNION SELECT password_hash FROM "user"--']
FORMULA_NAMES = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1)"]
FORMULA_PAYLOADS = [*FORMULA_NAMES, "+cmd|' /C calc'!A", "@SUM(A)", "-a+b"]


def _shown(name: str, page: str) -> bool:
    """Whether the page shows the text escaped (markupsafe's or the standard library's entities)."""
    from markupsafe import escape

    return str(escape(name)) in page or html.escape(name) in page or html.escape(name, quote=False) in page


def _signed_in(app: Flask, email: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _cccd(i: int) -> str:
    return f"0200{80 + i:02d}00{i:04d}"[:12].ljust(12, "7")


def _import_names(names: list[str]) -> dict[str, Person]:
    """Import a roster of the district agency H20 (it feeds both communes) through the real reader and loader.

    The reader refuses some of these names (a name with digits is not a name); each is then either stored
    exactly as written or reported as an error row, never silently altered. The refused ones are then written
    onto people already stored, so that what the pages and files do with them is tested too: output must be
    safe whatever the input checks let through."""
    province = db.session.get(Province, "20")
    variants = [n for n in names + DIGIT_FREE if n]
    content = roster_csv([[name, _cccd(i)] for i, name in enumerate(variants, start=1)])
    outcome = importing.import_file("roster", content, "hostile.csv", province, None, unit_code="H20")
    assert outcome.written, outcome.report["errors"][:5]
    db.session.commit()
    rejected = {e["value"] for e in outcome.report["errors"] if e["severity"] == "error"}
    stored = {p.name: p for p in db.session.scalars(db.select(Person).where(Person.province_code == "20"))}
    for name in variants:
        assert name in stored or name in rejected, f"{name!r} neither stored as written nor reported"
    assert set(DIGIT_FREE) <= set(stored), "names without digits go through the reader"
    spare = iter(
        db.session.scalars(
            db.select(Person)
            .where(Person.province_code == "20", Person.name.like("Nguyễn Văn %"))
            .order_by(Person.id)
        ).all()
    )
    for name in names:
        if name not in stored:
            person = next(spare)
            person.name = name
            stored[name] = person
    db.session.commit()
    return stored


# What the reader lets through (no digits): the same attacks, imported for real.
DIGIT_FREE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(document.cookie)>',
    "+cmd|' /C calc'!A",
    "@SUM(A)",
    "-a+b",
]


def _solved_plan() -> Plan:
    plan = plans.create_plan(db.session.get(Province, "20"), "Phương án <b>đậm</b>", None)
    db.session.commit()
    plans.run_solve_job(plan.id, 10, 1, None)
    return db.session.get(Plan, plan.id)


# ------------------------------------------------------------------ CSRF


def test_every_post_route_refuses_a_request_without_csrf_token(
    app: Flask, world: World, database_url: str, tmp_path, monkeypatch
) -> None:
    from staffing import create_app

    monkeypatch.setenv("STAFFING_INSTANCE", str(tmp_path / "strict"))
    strict = create_app(
        {
            "SECRET_KEY": "k" * 40,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "HUEY_IMMEDIATE": True,
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    assert strict.config["WTF_CSRF_ENABLED"] is not False
    try:
        client = strict.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert (
            client.post(
                "/login",
                data={"email": world.users["admin"].email, "password": PASSWORD, "csrf_token": token},
            ).status_code
            == 302
        )
        posts = [r for r in strict.url_map.iter_rules() if "POST" in (r.methods or ())]
        assert len(posts) >= 10
        args = world.own.url_args()
        before = db.session.scalar(db.select(db.func.count()).select_from(AuditEntry))
        failures = []
        for rule in posts:
            url = rule.rule
            for arg in rule.arguments:
                url = url.replace(f"<int:{arg}>", str(args[arg])).replace(f"<{arg}>", str(args[arg]))
            # a form as complete as the attacker can make it, only the token missing
            data = {
                "email": world.users["admin"].email,
                "password": PASSWORD,
                "name": "csrf",
                "version": "1",
                "kind": "lock",
                "person": str(world.own.person),
                "token": world.own.token,
                "action": "kept",
                "text": "x",
                "commune": "",
            }
            for target in (client, strict.test_client()):  # signed in, and anonymous
                response = target.post(url, data=data)
                if response.status_code != 400:
                    failures.append(f"POST {url} -> {response.status_code}")
                # a wrong token is no better than none
                response = target.post(url, data={**data, "csrf_token": "forged"})
                if response.status_code != 400:
                    failures.append(f"POST {url} (forged token) -> {response.status_code}")
        assert failures == []
        db.session.expire_all()
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == before
    finally:
        with strict.app_context():
            db.engine.dispose()


# ------------------------------------------------------------------ HTML / script injection


def _pages(plan: Plan, person: Person) -> list[str]:
    p = plan.id
    return [
        "/p/20",
        "/p/20/c/06613",
        "/p/20/c/06625",
        "/p/20/plans",
        f"/plans/{p}",
        f"/plans/{p}/c/06613",
        f"/plans/{p}/c/06625",
        f"/plans/{p}/unplaced",
        f"/plans/{p}/people/{person.id}",
        f"/plans/{p}/gaps",
        f"/plans/{p}/dashboard",
        f"/plans/{p}/audit",
        f"/p/20/people/{person.id}/history",
        f"/plans/{p}/change?kind=lock&person={person.id}",
        f"/plans/{p}/compare",
        "/p/20/imports",
    ]


def test_script_in_imported_names_is_shown_escaped(app: Flask, tiny_province, make_user) -> None:
    stored = _import_names(SCRIPT_NAMES + SQL_NAMES)
    plan = _solved_plan()
    make_user("drafter@lang-son", role=Role.DRAFTER)
    client = _signed_in(app, "drafter@lang-son")
    names = SCRIPT_NAMES + SQL_NAMES + DIGIT_FREE[:2]
    seen = dict.fromkeys(names, 0)
    for name in names:
        person = stored[name]
        for url in _pages(plan, person):
            response = client.get(url)
            assert response.status_code == 200, url
            page = response.get_data(as_text=True)
            assert (
                "<script>alert" not in page
                and "<img src=x" not in page
                and "onerror=alert" not in page.replace("&#34;&gt;&lt;img src=x onerror=alert", "")
            ), url
            assert "<b>đậm</b>" not in page, url  # the plan's name too
            if _shown(name, page):
                seen[name] += 1
    # each name is really on the pages, escaped (shown literally to the reader)
    assert all(count >= 3 for count in seen.values()), seen


def test_script_names_in_an_upload_preview_are_escaped(app: Flask, tiny_province, make_user) -> None:
    make_user("drafter@lang-son", role=Role.DRAFTER)
    client = _signed_in(app, "drafter@lang-son")
    names = SCRIPT_NAMES + DIGIT_FREE[:2] + ["Nguyễn Văn Tốt"]
    content = xlsx_bytes(roster_rows([[n, _cccd(i)] for i, n in enumerate(names, 1)]))
    response, _token = upload(
        client, "20", "roster", content, "<img src=x onerror=alert(2)>.xlsx", unit="H20"
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert _shown("<img src=x onerror=alert(2)>.xlsx", page)  # the file's own name
    # refused names in the error rows and accepted ones in the changes: all shown, all escaped
    for name in names:
        assert _shown(name, page), (name, re.findall(r'class="flash[^"]*">([^<]*)', page))


# ------------------------------------------------------------------ SQL injection


def test_sql_in_names_and_queries_is_data(app: Flask, tiny_province, make_user) -> None:
    stored = _import_names(SQL_NAMES)
    people = db.session.scalar(db.select(db.func.count()).select_from(Person))
    plan = _solved_plan()
    make_user("drafter@lang-son", role=Role.DRAFTER)
    client = _signed_in(app, "drafter@lang-son")
    p = plan.id
    for attack in [*SQL_NAMES, "1; DROP TABLE plan", "06613' --", "%' OR 1=1 --"]:
        for url, params in (
            (
                f"/plans/{p}/gaps",
                {
                    "q": attack,
                    "commune": attack,
                    "attr": attack,
                    "sort": attack,
                    "level": attack,
                    "need": attack,
                },
            ),
            (f"/plans/{p}/gaps.xlsx", {"q": attack}),
            (f"/plans/{p}/compare", {"kind": attack, "commune": attack}),
            (f"/plans/{p}/unplaced", {"q": attack}),
            (f"/plans/{p}/audit", {"page": attack}),
            (f"/plans/{p}/export/decisions.zip", {"mode": attack}),
            ("/api/v1/provinces/20/plans", {"status": attack}),
        ):
            response = client.get(url, query_string=params)
            assert response.status_code in (200, 400, 401, 404), (url, attack, response.status_code)
        assert client.get(f"/p/{attack}").status_code == 404
        assert client.get(f"/p/20/c/{attack}").status_code == 404
    # the names are stored exactly as written, the tables are all there
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Person)) == people
    assert set(SQL_NAMES) <= set(db.session.scalars(db.select(Person.name)))
    assert db.session.get(Plan, p) is not None
    page = client.get(f"/plans/{p}/people/{stored[SQL_NAMES[0]].id}").get_data(as_text=True)
    assert _shown(SQL_NAMES[0], page)


# ------------------------------------------------------------------ formula injection


def _payload_cells(blob: bytes) -> list[tuple[str, str, Any]]:
    """(sheet!cell, data_type, value) of every cell that carries one of the formula payloads."""
    wb = openpyxl.load_workbook(io.BytesIO(blob))
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and any(
                    n in value or (n.lstrip("=+-@") in value and value.startswith(("=", "+", "-", "@")))
                    for n in FORMULA_PAYLOADS
                ):
                    found.append((f"{ws.title}!{cell.coordinate}", cell.data_type, value))
    return found


def test_formula_names_never_become_formulas_in_produced_workbooks(
    app: Flask, tiny_province, make_user
) -> None:
    _import_names(FORMULA_NAMES)
    plan = _solved_plan()
    make_user("drafter@lang-son", role=Role.DRAFTER)
    client = _signed_in(app, "drafter@lang-son")
    files = {}
    for url in (f"/plans/{plan.id}/export/workbook.xlsx", f"/plans/{plan.id}/gaps.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        files[url] = response.data
    # the annotated report of an upload carrying the same names (as text cells of an .xlsx and in a .csv)
    for filename, content in (
        ("danh-sach.csv", roster_csv([[n, "12345"] for n in FORMULA_NAMES])),
        ("danh-sach.xlsx", _xlsx_with_text_cells(roster_rows([[n, "12345"] for n in FORMULA_NAMES]))),
    ):
        response, token = upload(client, "20", "roster", content, filename, unit="H20")
        assert token, filename
        report = client.get(f"/p/20/imports/report/{token}.xlsx")
        assert report.status_code == 200
        files[filename] = report.data
    bad = []
    for name, blob in files.items():
        cells = _payload_cells(blob)
        assert cells or "report" in name or name.endswith((".csv", ".xlsx")), f"no payload found in {name}"
        bad += [(name, *c) for c in cells if c[1] != "s"]
    assert bad == [], bad
    # and the names are in the plan workbook at all (the check above saw them)
    assert len(_payload_cells(files[f"/plans/{plan.id}/export/workbook.xlsx"])) >= len(FORMULA_PAYLOADS)


def _xlsx_with_text_cells(rows: list[list[Any]]) -> bytes:
    """An .xlsx whose formula-looking cells are stored as text (as a user typing '=... would get)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c, value)
            if isinstance(value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ hostile uploads


def _zip_bomb() -> bytes:
    """A valid-looking .xlsx whose worksheet inflates from ~100 kB to 100 MB."""
    good = xlsx_bytes(roster_rows([["Nguyễn Văn A", _cccd(1)]]))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open(info.filename, "w") as part:
                    part.write(
                        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>'
                    )
                    chunk = b" " * (1 << 20)
                    for _ in range(100):
                        part.write(chunk)
                    part.write(b"</sheetData></worksheet>")
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


def _xml_bomb() -> bytes:
    """Billion laughs in xl/sharedStrings.xml of an otherwise good workbook."""
    good = xlsx_bytes(roster_rows([["Nguyễn Văn A", _cccd(1)]]))
    lol = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ]
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE sst [' + "".join(lol) + "]>"
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = [i.filename for i in src.infolist()]
        for info in src.infolist():
            if info.filename == "xl/sharedStrings.xml":
                dst.writestr(info.filename, bomb)
            else:
                dst.writestr(info, src.read(info.filename))
        if "xl/sharedStrings.xml" not in names:
            dst.writestr("xl/sharedStrings.xml", bomb)
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HOSTILE = {
    "zip bomb": ("bang.xlsx", _zip_bomb),
    "xml bomb": ("bang.xlsx", _xml_bomb),
    "png named .xlsx": ("anh.xlsx", lambda: PNG),
    "html named .xls": ("trang.xls", lambda: b"<html><body><table><tr><td>x</td></tr></table></body></html>"),
    "pdf named .csv": (
        "tep.csv",
        lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + bytes(range(256)),
    ),
    "truncated zip": ("hong.xlsx", lambda: xlsx_bytes([["a"]])[:300]),
    "empty": ("rong.xlsx", lambda: b""),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_upload_gives_a_clear_error_and_changes_nothing(
    app: Flask, tiny_province, make_user, case: str
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    make_user("drafter@lang-son", role=Role.DRAFTER)
    client = _signed_in(app, "drafter@lang-son")
    counts = (
        db.session.scalar(db.select(db.func.count()).select_from(Person)),
        db.session.scalar(db.select(db.func.count()).select_from(ImportBatch)),
    )
    filename, make = HOSTILE[case]
    response, token = upload(client, "20", "roster", make(), filename, unit="H20")
    assert response.status_code == 200, response.status_code
    page = html.unescape(response.get_data(as_text=True))
    # a message that says what is wrong with the file (shown as a flash or as an error row of the preview)
    assert re.search(
        r"độc hại|DOCTYPE|hỏng|không phải bảng tính|HTML|rỗng|không đọc được|Không đọc được"
        r"|quá lớn|không hợp lệ|không nhận",
        page,
        re.IGNORECASE,
    ), page[-1500:]
    if token:  # a preview: confirming it must not write anything
        client.post("/p/20/imports/confirm", data={"token": token})
    db.session.expire_all()
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(Person)),
        db.session.scalar(db.select(db.func.count()).select_from(ImportBatch)),
    ) == counts


def test_oversized_upload_is_refused_with_413(app: Flask, tiny_province, make_user) -> None:
    make_user("drafter@lang-son", role=Role.DRAFTER)
    client = _signed_in(app, "drafter@lang-son")
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit and limit <= 50 * 1024 * 1024
    response = client.post(
        "/p/20/imports/preview",
        data={"kind": "roster", "unit": "H20", "file": (io.BytesIO(b"a" * (limit + 1)), "lon.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ImportBatch)) == 0


# ------------------------------------------------------------------ headers, cookies, redirects


def test_security_headers_on_every_page(app: Flask, world: World) -> None:
    client = _signed_in(app, world.users["drafter"].email)
    args = world.own.url_args()
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", str(args[arg])).replace(f"<{arg}>", str(args[arg]))
        for target in (client, app.test_client()):
            response = target.get(url)
            headers = response.headers
            assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), url
            assert "script-src 'self'" in headers["Content-Security-Policy"], url
            assert (
                "unsafe-inline" not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
            )
            assert headers.get("X-Frame-Options") == "DENY", url
            assert headers.get("X-Content-Type-Options") == "nosniff", url
            assert headers.get("Cache-Control") == "no-store", url  # personal data is never cached
            checked += 1
    assert client.get("/no/such/page").headers.get("X-Frame-Options") == "DENY"
    assert checked > 50


def _cookie(response, name: str = "session") -> str:
    for value in response.headers.getlist("Set-Cookie"):
        if value.startswith(name + "="):
            return value
    raise AssertionError(f"no {name} cookie set")


def test_session_cookie_is_httponly_and_samesite_lax(app: Flask, world: World) -> None:
    client = app.test_client()
    response = client.post(
        "/login", data={"email": world.users["drafter"].email, "password": PASSWORD, "remember": "y"}
    )
    cookie = _cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development over plain http on 127.0.0.1
    remember = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert all("HttpOnly" in c for c in remember)


def test_production_cookies_are_secure(
    tmp_path, monkeypatch, database_url: str, app: Flask, world: World
) -> None:
    from staffing import create_app

    monkeypatch.setenv("STAFFING_INSTANCE", str(tmp_path / "prod"))
    monkeypatch.setenv("STAFFING_ENV", "production")
    monkeypatch.setenv("STAFFING_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("DATABASE_URL", database_url)
    prod = create_app()
    try:
        assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["REMEMBER_COOKIE_SECURE"]
        assert prod.config["SECRET_KEY"] == "s" * 48
        prod.config.update(WTF_CSRF_ENABLED=False, HUEY_IMMEDIATE=True)
        client = prod.test_client()
        response = client.post(
            "/login",
            base_url="https://localhost",
            data={"email": world.users["drafter"].email, "password": PASSWORD, "remember": "y"},
        )
        assert response.status_code == 302
        cookie = _cookie(response)
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert all(
            "Secure" in c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")
        )
    finally:
        with prod.app_context():
            db.engine.dispose()


EVIL_NEXT = [
    "//evil.example",
    "//evil.example/p/20",
    "https://evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "///evil.example",
]


def test_login_next_cannot_leave_the_site(app: Flask, world: World) -> None:
    failures = []
    for target in EVIL_NEXT:
        client = app.test_client()
        response = client.post(
            "/login",
            query_string={"next": target},
            data={"email": world.users["drafter"].email, "password": PASSWORD},
        )
        assert response.status_code == 302
        location = response.headers["Location"]
        if not _stays_on_site(location):
            failures.append(f"login next={target!r} -> Location {location!r}")
        # the language switch takes a `next` too
        response = client.post("/lang/en", data={"next": target})
        if not _stays_on_site(response.headers["Location"]):
            failures.append(f"lang next={target!r} -> Location {response.headers['Location']!r}")
    assert failures == []


def _stays_on_site(location: str) -> bool:
    """Whether a browser would stay on this site: a path, not //host nor /\\host (browsers read \\ as /)."""
    from urllib.parse import urlsplit

    normalized = location.replace("\\", "/").lstrip(" \t\r\n")
    normalized = re.sub(r"[\t\r\n]", "", normalized)
    parts = urlsplit(normalized)
    if parts.scheme or parts.netloc:
        return parts.netloc in ("localhost", "") and parts.scheme in ("http", "https", "")
    return normalized.startswith("/") and not normalized.startswith("//")


def test_a_good_next_is_kept(app: Flask, world: World) -> None:
    client = app.test_client()
    response = client.post(
        "/login",
        query_string={"next": f"/plans/{world.own.plan}"},
        data={"email": world.users["drafter"].email, "password": PASSWORD},
    )
    assert response.headers["Location"].endswith(f"/plans/{world.own.plan}")
