"""Interface translations: the English catalogue is complete, and the language switch works.

msgids are the Vietnamese strings of templates/ and staffing/; English lives in
staffing/translations/en/LC_MESSAGES/messages.po (refresh it with staffing/translations/update.sh).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from flask.testing import FlaskClient

PO = Path(__file__).resolve().parents[1] / "staffing" / "translations" / "en" / "LC_MESSAGES" / "messages.po"

# %(name)s, %(n)d, %s, %5.1f … (the %% escape is not a placeholder)
PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)


def _catalog() -> Catalog:
    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        return read_po(f)


def _strings(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def placeholders(text: str) -> Counter[str]:
    """Every placeholder of a message, %-style and {}-style, with how often it occurs."""
    found: Counter[str] = Counter()
    for m in PERCENT.finditer(text):
        if m.group("type") != "%":
            found[f"%({m.group('name') or ''}){m.group('type')}"] += 1
    try:
        for _literal, field, spec, conversion in string.Formatter().parse(text):
            if field is not None:
                found[
                    "{"
                    + field
                    + (f"!{conversion}" if conversion else "")
                    + (f":{spec}" if spec else "")
                    + "}"
                ] += 1
    except ValueError:
        found["<unbalanced braces>"] += 1
    return found


def _messages() -> list[Message]:
    return [m for m in _catalog() if m.id]


def _label(m: Message) -> str:
    return _strings(m.id)[0]


def test_catalogue_has_entries() -> None:
    assert len(_messages()) > 100


def test_every_entry_is_translated_and_not_fuzzy() -> None:
    catalog = _catalog()
    untranslated = [_label(m) for m in catalog if m.id and not all(_strings(m.string or ""))]
    fuzzy = [_label(m) for m in catalog if m.id and m.fuzzy]
    obsolete_fuzzy = [_label(m) for m in catalog.obsolete.values() if m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert not obsolete_fuzzy, f"fuzzy obsolete (#~) entries: {obsolete_fuzzy}"
    assert not catalog.fuzzy, "the catalogue header is marked fuzzy"


def test_placeholders_match_their_msgid() -> None:
    wrong = []
    for m in _messages():
        ids = _strings(m.id)
        for i, translation in enumerate(_strings(m.string)):
            if placeholders(translation) != placeholders(ids[min(i, len(ids) - 1)]):
                wrong.append((ids[0], translation))
    assert not wrong, "placeholders differ:\n" + "\n".join(f"{a!r} -> {b!r}" for a, b in wrong)


def test_placeholder_parser() -> None:
    assert placeholders("Đã nhập %(file)s: %(new)d mới, 100%%") == Counter({"%(file)s": 1, "%(new)d": 1})
    assert placeholders("{name}: {n1}/{quota}") == Counter({"{name}": 1, "{n1}": 1, "{quota}": 1})
    assert placeholders("{name}") != placeholders("{nam}")


def test_catalogue_compiles() -> None:
    from io import BytesIO

    from babel.messages.mofile import read_mo, write_mo

    buf = BytesIO()
    write_mo(buf, _catalog())
    buf.seek(0)
    compiled = read_mo(buf)
    assert compiled.get("Phương án") is not None
    assert len([m for m in compiled if m.id]) == len(_messages())


def _page(client: FlaskClient, path: str) -> str:
    """GET a page as the browser would see it in a fresh request.

    The app fixture keeps one application context open for the whole test, and the test client's requests
    reuse it, so Flask-Babel's per-context cache would carry the first request's locale over to the next ones
    (in production every request has its own context). Clear that cache first.
    """
    from flask_babel import refresh

    refresh()
    return client.get(path).get_data(as_text=True)


def _english(msgid: str) -> str:
    message = _catalog().get(msgid)
    assert message is not None and message.string and message.string != msgid, msgid
    return str(message.string)


def test_login_page_is_vietnamese_by_default(client: FlaskClient) -> None:
    page = _page(client, "/login")
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page
    assert "Phần mềm hỗ trợ Ban Tổ chức" in page
    assert _english("Đăng nhập") not in page


@pytest.mark.usefixtures("tiny_province")
def test_switching_language(
    client: FlaskClient, login: Callable[..., object], make_user: Callable[..., object]
) -> None:
    make_user("drafter@lang-son")
    login(client, "drafter@lang-son")
    nav = {vi: _english(vi) for vi in ("Phương án", "Tổng quan tỉnh", "Nhập dữ liệu", "Đăng xuất")}
    assert nav["Phương án"] == "Plans"

    page = _page(client, "/p/20")
    assert '<html lang="vi">' in page
    for vi, en in nav.items():
        assert f">{vi}<" in page
        assert f">{en}<" not in page

    assert client.post("/lang/en").status_code == 302
    page = _page(client, "/p/20")
    assert '<html lang="en">' in page
    for vi, en in nav.items():
        assert f">{en}<" in page, en
        assert f">{vi}<" not in page, vi
    assert _english("Phương án nhân sự") in page
    assert "Lạng Sơn" in page  # data is never translated
    assert ">Tiếng Việt<" in page

    assert client.post("/lang/vi").status_code == 302
    page = _page(client, "/p/20")
    assert '<html lang="vi">' in page
    for vi, en in nav.items():
        assert f">{vi}<" in page
        assert f">{en}<" not in page
    assert ">English<" in page


@pytest.mark.usefixtures("tiny_province")
def test_unknown_language_keeps_the_current_one(
    client: FlaskClient, login: Callable[..., object], make_user: Callable[..., object]
) -> None:
    make_user("drafter@lang-son")
    login(client, "drafter@lang-son")
    client.post("/lang/en")
    client.post("/lang/fr")
    page = _page(client, "/p/20")
    assert ">Plans<" in page
