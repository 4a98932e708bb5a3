"""Read one workbook with the spreadsheet engine in a child process, under memory and CPU limits.

    python -m imports._engine MAX_ROWS < workbook > sheets.json

A corrupt or hostile .xls/.ods can make the engine allocate its whole sheet rectangle at once
and abort; here that kills only this process and the parent reports the file as unreadable.
"""

from __future__ import annotations

import json
import os
import sys

MEMORY_LIMIT = int(os.environ.get("STAFFING_IMPORT_MEMORY_MB", "2048")) * 1024 * 1024
CPU_SECONDS = 90


def _limit() -> None:
    try:
        import resource
    except ImportError:  # not on POSIX: no limits to set
        return
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def main() -> None:
    _limit()
    from imports.sheets import LoadError, _load_calamine

    max_rows = int(sys.argv[1])
    data = sys.stdin.buffer.read()
    try:
        sheets = _load_calamine(data, max_rows)
        payload: dict[str, object] = {
            "sheets": [
                {"name": s.name, "rows": s.rows, "merged": s.merged, "hidden": s.hidden} for s in sheets
            ]
        }
    except LoadError as exc:
        payload = {"error": str(exc)}
    sys.stdout.buffer.write(json.dumps(payload, ensure_ascii=False).encode("utf-8"))


if __name__ == "__main__":
    main()
