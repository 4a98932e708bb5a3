"""Resolving what a user wrote for a new commune ("Xã Châu Sơn", "chau son", "6637") to its code."""

from __future__ import annotations

from collections.abc import Mapping

from imports.text import clean, fold, strip_kind

_AMBIGUOUS = "\x00ambiguous"


class CommuneIndex:
    """Name or code -> new commune code, built from the `communes` mapping a caller gives."""

    def __init__(self, communes: Mapping[str, str] | None) -> None:
        self.known = communes is not None
        self.codes: set[str] = set()
        self._names: dict[str, str] = {}
        for key, code in (communes or {}).items():
            self.codes.add(str(code))
            self._add(fold(str(key)), str(code))
            self._add(fold(str(code)), str(code))
        for key, code in list((communes or {}).items()):
            short = strip_kind(fold(str(key)))
            if short != fold(str(key)):
                self._add(short, str(code))

    def _add(self, key: str, code: str) -> None:
        if not key:
            return
        old = self._names.get(key)
        if old is None:
            self._names[key] = code
        elif old != code:
            self._names[key] = _AMBIGUOUS

    def resolve(self, text: str) -> tuple[str | None, str | None]:
        """(code, None) when resolved, else (None, a Vietnamese message saying why not)."""
        value = clean(text).lstrip("'")
        if not value:
            return None, None
        if value.isdigit() and len(value) <= 5:
            code = value.zfill(5)
            if not self.known or code in self.codes:
                return code, None
            return None, f"Mã xã '{code}' không có trong danh sách xã mới."
        if not self.known:
            return None, "Chưa có danh sách xã mới để đối chiếu tên xã; hãy ghi mã xã mới (5 chữ số)."
        key = fold(value)
        found = self._names.get(key)
        if found is None:
            found = self._names.get(strip_kind(key))
        if found == _AMBIGUOUS:
            return None, "Tên xã trùng với nhiều xã mới; hãy ghi rõ Xã/Phường hoặc ghi mã xã."
        if found is None:
            return None, "Không tìm thấy xã mới có tên này; hãy ghi đúng tên hoặc mã xã mới."
        return found, None
