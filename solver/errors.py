"""The error of a problem that cannot be read: the field (a JSON path), its value and the fault."""

from __future__ import annotations

import json
from typing import Any


class ProblemError(ValueError):
    """An invalid problem: names the offending field (a JSON path), its value and what is wrong."""

    def __init__(self, path: str, value: Any, message: str) -> None:
        self.path = path
        self.value = value
        self.message = message
        super().__init__(f"{path}: {message} (value: {_short(value)})")


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."
