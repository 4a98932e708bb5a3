"""Every page in Vietnamese (the default) carries no English: walk every GET route with real ids and compare
each text on the page with the English catalogue; forms' validation messages and error pages too."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

from staffing.extensions import db
from staffing.models import Assignment, Person, Position

CATALOGUE = Path(__file__).resolve().parents[2] / "staffing/translations/en/LC_MESSAGES/messages.po"
# WTForms' and Werkzeug's own English, which no catalogue of ours holds
ENGLISH_LEAKS = (
    "This field is required",
    "Not a valid choice",
    "Field cannot be longer",
    "Invalid input",
    "CSRF token",
    "Not Found",
    "Forbidden",
    "Bad Request",
    "Conflict",
    "Method Not Allowed",
    "Internal Server Error",
)
SKIP_ENDPOINTS = {"static", "auth.logout"}


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label", "alt") and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _english() -> set[str]:
    out = set()
    for m in read_po(CATALOGUE.open("rb")):
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for s in strings:
            # an English text that differs from its Vietnamese source and reads as words (not "CCCD", "%")
            if s and s not in ids and re.search(r"[A-Za-z]{3}", s) and "%(" not in s and "{" not in s:
                out.add(s.strip())
    return out


def _texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def _leaks(html: str, english: set[str]) -> list[str]:
    texts = _texts(html)
    found = [t for t in texts if t in english]
    shown = " | ".join(texts).lower()
    found += [w for w in ENGLISH_LEAKS if w.lower() in shown]
    return found


def test_the_walker_sees_english():
    english = _english()
    assert _leaks("<main><p>Not found</p><input placeholder='Search'></main>", english) == [
        "Search",
        "Not Found",
    ]
    assert _leaks("<main><p>Không tìm thấy</p><script>var x='Search'</script></main>", english) == []


def test_every_page_is_vietnamese(app, plan, as_user):
    english = _english()
    assert len(english) > 400
    person = db.session.scalar(db.select(Person).where(Person.province_code == "20").order_by(Person.id))
    seat = db.session.scalar(
        db.select(Assignment).where(Assignment.plan_id == plan.id, Assignment.position_id.is_not(None))
    )
    values = {
        "plan_id": plan.id,
        "person_id": person.id,
        "position_id": db.session.scalar(db.select(Position.id).order_by(Position.id)),
        "commune_code": "06613",
        "code": "20",
        "assignment_id": seat.id,
    }
    query = {
        "clerk.search": "?q=nguyen+van",
        "review.change": f"?kind=move&person={person.id}",
        "review.check": f"?kind=move&person={person.id}",
    }
    for account in ("drafter@lang-son", "reviewer@lang-son"):
        client = as_user(account)
        walked = 0
        problems: dict[str, list[str]] = {}
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.endpoint in SKIP_ENDPOINTS:
                continue
            if rule.rule.startswith("/api/") or any(a not in values for a in rule.arguments):
                continue
            url = rule.build(values, append_unknown=False)[1] + query.get(rule.endpoint, "")
            response = client.get(url)
            if response.status_code in (302, 303) or "text/html" not in (response.content_type or ""):
                continue
            walked += 1
            leaks = _leaks(response.get_data(as_text=True), english)
            if leaks:
                problems[url] = leaks
        assert walked >= 20, walked  # every HTML page but the import preview (needs an upload token)
        assert problems == {}, problems


def test_errors_validation_and_flashes_are_vietnamese(app, plan, as_user, client):
    english = _english()
    # a validation message of a form (WTForms has no Vietnamese catalogue of its own)
    client.post("/logout")
    page = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert _leaks(page, english) == [], page
    client = as_user("drafter@lang-son")
    for url in ("/no-such-page", f"/plans/{plan.id + 99}", "/p/22"):
        response = client.get(url)
        assert response.status_code == 404
        assert _leaks(response.get_data(as_text=True), english) == []
        assert "Không tìm thấy" in response.get_data(as_text=True)
    # a flash after an action, and a plural message
    response = client.post(
        f"/plans/{plan.id}/bulk",
        data={"version": plan.version, "action": "lock_key", "communes": ["06613"]},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Đã khóa 0 phân công." in page or "Đã khóa" in page
    assert _leaks(page, english) == []
    # in English, the plural forms of the catalogue (one / many)
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("en"):
        assert ngettext("%(num)d người", "%(num)d người", 1) == "1 person"
        assert ngettext("%(num)d người", "%(num)d người", 3) == "3 people"
