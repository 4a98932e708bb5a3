"""Every route, as every role, with the other province's ids: no IDOR, no 500, login always asked."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask
from werkzeug.routing import Rule

from staffing.models import Role

from .conftest import ROLES, World

PASSWORD = "secret-pass-1"
# Routes anyone may reach without signing in.
PUBLIC = {"auth.login", "auth.set_language", "api.openapi", "static"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _rules(app: Flask) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    assert len(rules) >= 40  # the sweep really sees the whole app
    return sorted(rules, key=lambda r: r.rule)


def _url(rule: Rule, values: dict) -> str:
    path = rule.rule
    for arg in rule.arguments:
        path = path.replace(f"<int:{arg}>", str(values[arg])).replace(f"<{arg}>", str(values[arg]))
    assert "<" not in path, path
    return path


def _methods(rule: Rule) -> list[str]:
    return [m for m in METHODS if m in (rule.methods or set())]


def _signed_in(app: Flask, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, email
    # really this user (the header names who is signed in)
    assert f"{email.split('@')[0]} ·" in client.get("/p/20").get_data(as_text=True), email
    return client


def _call(client, method: str, url: str):
    return client.open(url, method=method, data={} if method != "GET" else None)


def _probes(rule: Rule, world: World) -> list[str]:
    """URLs naming the other province's objects: all of them, then the own plan with each foreign id."""
    args = set(rule.arguments)
    foreign = world.other.url_args()
    own = world.own.url_args()
    urls = [_url(rule, foreign)]
    # mixed: the own plan (or province) with one foreign object in it, e.g. /plans/<own>/people/<theirs>
    for arg in args - {"plan_id", "code", "kind", "action"}:
        if "plan_id" in args or "code" in args:
            urls.append(_url(rule, {**own, arg: foreign[arg]}))
    return urls


# Query strings that name foreign objects through a page of the own plan.
def _query_probes(world: World) -> list[str]:
    o, x = world.own, world.other
    return [
        f"/plans/{o.plan}/change?" + urlencode({"kind": "lock", "person": x.person}),
        f"/plans/{o.plan}/check?" + urlencode({"kind": "move", "person": o.person, "position": x.position}),
        f"/plans/{o.plan}/change?" + urlencode({"kind": "swap", "person": o.person, "other": x.person}),
        f"/plans/{o.plan}/check?"
        + urlencode({"kind": "forbid_commune", "person": o.person, "commune": x.commune}),
        f"/plans/{o.plan}/compare?" + urlencode({"other": x.plan}),
    ]


def test_anonymous_is_sent_to_login_everywhere(app: Flask, world: World) -> None:
    client = app.test_client()
    checked = 0
    for rule in _rules(app):
        if rule.endpoint in PUBLIC:
            continue
        for url in (_url(rule, world.own.url_args()), _url(rule, world.other.url_args())):
            for method in _methods(rule):
                response = _call(client, method, url)
                checked += 1
                where = f"{method} {url} -> {response.status_code}"
                if rule.rule.startswith("/api/"):
                    assert response.status_code == 401, where
                else:
                    assert response.status_code == 302, where
                    assert response.headers["Location"].split("?")[0].endswith("/login"), where
    assert checked > 80


def test_public_routes_do_not_fail_for_anonymous(app: Flask, world: World) -> None:
    client = app.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.post("/lang/en").status_code == 302
    assert client.post("/lang/%3Cscript%3E").status_code == 302


def test_no_route_reaches_another_province(app: Flask, world: World) -> None:
    """Drafter, reviewer, approver and admin of province 20 against every route naming an object of 22."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a server error is a 500 answer here, listed with the others
    failures = []
    for role in [r.value for r in ROLES]:
        failures += _foreign_sweep(app, world, role)
    assert failures == []


def _foreign_sweep(app: Flask, world: World, role: str) -> list[str]:
    email = world.users[role].email
    client = _signed_in(app, email)
    seen, failures = [], []
    for rule in _rules(app):
        if not (
            set(rule.arguments)
            & {
                "code",
                "plan_id",
                "person_id",
                "position_id",
                "assignment_id",
                "duplicate_id",
                "token",
                "job_id",
                "commune_code",
            }
        ):
            continue  # names no object of a province (index, login, templates, API lists): swept below
        if rule.endpoint == "auth.set_language":
            continue
        for url in _probes(rule, world):
            for method in _methods(rule):
                response = _call(client, method, url)
                seen.append((method, url, response.status_code))
                if response.status_code not in (403, 404, 405):
                    failures.append(f"{role}: {method} {url} -> {response.status_code}")
    for url in _query_probes(world):
        response = client.get(url)
        if response.status_code not in (403, 404):
            failures.append(f"{role}: GET {url} -> {response.status_code}")
    assert len(seen) > 40
    # still signed in as themselves
    assert client.get("/p/20").status_code == 200
    return failures


def test_own_province_routes_never_fail(app: Flask, world: World) -> None:
    """Every route and method, own ids, no form data, every role: a refusal or a page, never a 500."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    failures = []
    for role in [r.value for r in ROLES]:
        failures += _own_sweep(app, world, role)
    assert failures == []


def _own_sweep(app: Flask, world: World, role: str) -> list[str]:
    failures = []
    user = world.users[role]
    client = _signed_in(app, user.email)
    own = world.own.url_args()
    rules = _rules(app)
    # log out last: it ends the session the other requests need
    rules.sort(key=lambda r: r.endpoint == "auth.logout")
    for rule in rules:
        url = _url(rule, own)
        for method in _methods(rule):
            response = _call(client, method, url)
            if response.status_code >= 500:
                failures.append(f"{role}: {method} {url} -> {response.status_code}")
    return failures


ODD_QUERIES = (
    "/api/v1/provinces",
    "/api/v1/provinces/20/plans",
    "/plans/{p}/seats/{s}?limit=abc",
    "/plans/{p}/seats/{s}?limit=-5",
    "/plans/{p}/gaps?page=abc&q=%27%20OR%201%3D1--",
    "/plans/{p}/audit?page=-1",
    "/plans/{p}/unplaced?page=x",
    "/plans/{p}/compare?other=abc",
    "/plans/{p}/export/decisions.zip?mode=evil",
    "/plans/{p}/change?kind=lock&person=abc",
    "/plans/{p}/check?kind=move&person={person}&position=999999999",
    "/plans/{p}/change?kind=unforbid&person={person}&forbidden=-1",
)


def test_odd_query_strings_never_fail(app: Flask, world: World) -> None:
    """Malformed numbers and unknown values in the query string: 4xx or a page, never a server error."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = _signed_in(app, world.users["drafter"].email)
    failures = []
    for url in ODD_QUERIES:
        url = url.format(p=world.own.plan, s=world.own.position, person=world.own.person)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url} -> {response.status_code}")
    assert failures == []


def test_commune_scoped_user_cannot_see_the_other_commune(app: Flask, world: World, make_user) -> None:
    from staffing.extensions import db
    from staffing.models import Department, Position

    make_user("xa@lang-son", role=Role.DRAFTER, province="20", communes=["06613"])
    client = _signed_in(app, "xa@lang-son")
    p = world.own.plan
    pos_b = db.session.scalar(
        db.select(Position.id)
        .join(Department)
        .join(Department.commune)
        .where(Department.commune.has(code="06625"))
    )
    for url in (
        "/p/20/c/06625",
        f"/plans/{p}/c/06625",
        f"/plans/{p}/dashboard/c/06625",
        f"/plans/{p}/seats/{pos_b}",
        f"/plans/{p}/check?kind=forbid_commune&person={world.own.person}&commune=06625",
    ):
        response = client.get(url)
        assert response.status_code == 404, f"GET {url} -> {response.status_code}"
    # and its own commune is there
    assert client.get("/p/20/c/06613").status_code == 200
    assert client.get(f"/plans/{p}/c/06613").status_code == 200
