"""Spreadsheet readers: files in, validated records and row-level problems out; no database.

The public API (see docs/import-formats.md):

- `read_roster`, `read_merger_map`, `read_framework`: file -> `ImportResult`;
- `find_duplicates`: the same person twice, in one roster or across rosters;
- `report_to_dict`, `annotated_copy`: the report as JSON-ready dict and as an .xlsx copy;
- `blank_roster_template`, `blank_merger_map_template`, `blank_framework_template`.
"""

from imports.duplicates import find_duplicates
from imports.framework import read_framework
from imports.merger_map import read_merger_map
from imports.report import annotated_copy, report_to_dict
from imports.roster import read_roster
from imports.templates import blank_framework_template, blank_merger_map_template, blank_roster_template

__all__ = [
    "annotated_copy",
    "blank_framework_template",
    "blank_merger_map_template",
    "blank_roster_template",
    "find_duplicates",
    "read_framework",
    "read_merger_map",
    "read_roster",
    "report_to_dict",
]
