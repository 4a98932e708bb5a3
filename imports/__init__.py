"""Spreadsheet readers: files in, validated records and row-level problems out; no database.

The public API (see docs/import-formats.md), loaded on first use:

- `read_roster`, `read_merger_map`, `read_framework`: file -> `ImportResult`;
- `find_duplicates`: the same person twice, in one roster or across rosters;
- `report_to_dict`, `annotated_copy`: the report as JSON-ready dict and as an .xlsx copy;
- `blank_roster_template`, `blank_merger_map_template`, `blank_framework_template`.
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "read_roster": "imports.roster",
    "read_merger_map": "imports.merger_map",
    "read_framework": "imports.framework",
    "find_duplicates": "imports.duplicates",
    "report_to_dict": "imports.report",
    "annotated_copy": "imports.report",
    "blank_roster_template": "imports.templates",
    "blank_merger_map_template": "imports.templates",
    "blank_framework_template": "imports.templates",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    # Lazy, so that the engine's child process (python -m imports._engine) starts fast.
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'imports' has no attribute {name!r}")
