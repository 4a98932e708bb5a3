"""Text normalisation shared by the readers: NFC for storing, a folded key for matching."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Excel and Word put these where a user sees a space or nothing at all.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


@functools.lru_cache(maxsize=65536)
def clean(value: str) -> str:
    """The value as it should be stored: NFC, no invisible characters, single spaces, trimmed."""
    text = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii():
            table[cp] = base
    for cp in range(0x300, 0x370):  # combining marks of decomposed (NFD) text
        table[cp] = None
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"})
    table.update(dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None))
    return table


_FOLD = _fold_table()


@functools.lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """A key for matching labels: no diacritics, lower case, punctuation and line breaks as one space."""
    return _NON_ALNUM.sub(" ", value.translate(_FOLD).lower()).strip()


def name_key(value: str) -> str:
    """A key for comparing person names: NFC, case-insensitive, single spaces (diacritics kept)."""
    return clean(value).casefold()


_KIND_PREFIXES = ("thi tran ", "dac khu ", "phuong ", "xa ", "tt ", "p ", "x ")


def strip_kind(folded: str) -> str:
    """A folded commune name without its kind ("xa chau son" -> "chau son")."""
    for prefix in _KIND_PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            return folded[len(prefix) :]
    return folded


def split_list(value: str, separators: str = ";\n") -> list[str]:
    """Split a cell holding several items; empty items are dropped."""
    parts = re.split("[" + re.escape(separators) + "]", value)
    return [p for p in (clean(p) for p in parts) if p]
