"""Small text rules of official documents: dates, place names, post names, ASCII file names."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

KIND_PREFIXES = ("đặc khu", "phường", "xã", "thị trấn")
PROVINCE_PREFIXES = ("thành phố", "tỉnh")


def long_date(d: date) -> str:
    """ "ngày 01 tháng 7 năm 2025": day below 10 and months 1-2 get a leading zero (Decree 30/2020)."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def short_date(d: date | None) -> str:
    """dd/mm/yyyy for tables."""
    return d.strftime("%d/%m/%Y") if d else ""


def split_prefix(name: str, prefixes: tuple[str, ...]) -> tuple[str, str]:
    """("xã", "Đình Lập") from "Xã Đình Lập"; ("", name) when no known prefix."""
    clean = " ".join(name.split())
    lowered = clean.lower()
    for prefix in prefixes:
        if lowered.startswith(prefix + " "):
            return prefix, clean[len(prefix) + 1 :]
    return "", clean


def commune_names(name: str, kind_label: str) -> dict[str, str]:
    """A commune as written in a sentence ("xã Đình Lập"), in a heading ("XÃ ĐÌNH LẬP") and as a place."""
    prefix, bare = split_prefix(name, KIND_PREFIXES)
    prefix = prefix or kind_label.lower()
    in_text = f"{prefix} {bare}"
    return {"name": in_text, "upper": in_text.upper(), "place": bare, "bare": bare}


def province_names(name: str) -> dict[str, str]:
    """A province as written in a sentence ("tỉnh Lạng Sơn"), a heading and a place."""
    prefix, bare = split_prefix(name, PROVINCE_PREFIXES)
    prefix = prefix or "tỉnh"
    full = f"{prefix} {bare}"
    return {"name": bare, "name_full": full, "upper": full.upper(), "upper_bare": bare.upper(), "place": bare}


def in_sentence(name: str) -> str:
    """An administrative unit's kind in lower case inside a sentence: "Xã Bính Xá" -> "xã Bính Xá"."""
    prefix, bare = split_prefix(name, (*KIND_PREFIXES, "huyện", "thị xã", "quận", "thành phố"))
    return f"{prefix} {bare}" if prefix else " ".join(name.split())


def join_post(title: str, department: str) -> str:
    """A title joined with its department: "Trưởng phòng" + "Phòng Kinh tế" -> "Trưởng phòng Kinh tế"."""
    title, department = " ".join(title.split()), " ".join(department.split())
    if not department or department.lower() in title.lower():
        return title
    t_words, d_words = title.split(), department.split()
    for k in range(min(len(t_words), len(d_words)), 0, -1):
        if [w.lower() for w in t_words[-k:]] == [w.lower() for w in d_words[:k]]:
            return " ".join(t_words + d_words[k:])
    return f"{title} {department}"


def capitalize_first(text: str) -> str:
    """First letter upper, the rest untouched ("ông" -> "Ông")."""
    return text[:1].upper() + text[1:]


_NON_FILE = re.compile(r"[^A-Za-z0-9]+")


def ascii_slug(text: str, limit: int = 60) -> str:
    """An ASCII file-name part: "Nguyễn Văn Ánh" -> "Nguyen-Van-Anh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_FILE.sub("-", text).strip("-")[:limit].strip("-") or "x"
