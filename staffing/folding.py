"""Vietnamese text folded for search: no diacritics, đ -> d, lower case, single spaces."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """'Nguyễn  Thị Hoà' -> 'nguyen thi hoa' (the same folding on both sides of every comparison)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare.lower()).strip()


def fold_default(column: str) -> Any:
    """A column default computing the folded form of another column of the same INSERT (bulk inserts too)."""

    def default(context: Any) -> str:
        return fold(context.get_current_parameters().get(column))

    return default


def within_one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by at most one inserted, deleted, replaced or transposed letter."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def near_match(name: str | None, query: str | None) -> bool:
    """Every query word starts a word of the name, in order, one of them allowed one typing slip.

    Both arguments are folded already. 'nguyen thi hao' matches 'nguyen thi hoa'; 'ng hoa' matches too.
    """
    if not name or not query:
        return False
    words = name.split(" ")
    wanted = query.split(" ")
    slips = 0
    start = 0
    for w in wanted:
        found = False
        for j in range(start, len(words)):
            if words[j].startswith(w):
                found, start = True, j + 1
                break
        if not found and slips == 0 and len(w) >= 3:
            for j in range(start, len(words)):
                if within_one_edit(words[j], w) or (
                    len(words[j]) > len(w) and within_one_edit(words[j][: len(w)], w)
                ):
                    found, start, slips = True, j + 1, 1
                    break
        if not found:
            return False
    return True


def distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbours as one (to rank a few near matches, never a table)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
