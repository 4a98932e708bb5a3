"""Run a reader of imports/ on a file and store its records: one file, one transaction."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Literal

from ..extensions import db
from ..models import Commune, Province, User
from . import loading

Kind = Literal["roster", "merger_map", "framework"]


@dataclass
class ImportOutcome:
    kind: Kind
    filename: str
    report: dict[str, Any]  # the reader's report (imports.report.report_to_dict)
    summary: loading.LoadSummary
    written: bool


def name_key(text: str) -> str:
    """A commune name folded for lookup: NFC, lower case, single spaces."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def commune_lookup(province: Province) -> dict[str, str]:
    """Names and codes of the province's new communes -> code, for reading home communes and preferences."""
    lookup: dict[str, str] = {}
    for c in db.session.scalars(db.select(Commune).where(Commune.province_code == province.code)):
        lookup[c.code] = c.code
        lookup[name_key(c.name)] = c.code
    return lookup


def read_file(
    kind: Kind, content: bytes, filename: str, province: Province | None, unit_code: str | None = None
) -> Any:
    """The reader's ImportResult for this file (no database access beyond the commune lookup)."""
    from imports.framework import read_framework
    from imports.merger_map import read_merger_map
    from imports.roster import read_roster

    stream = io.BytesIO(content)
    if kind == "roster":
        if province is None or not unit_code:
            raise ValueError("a roster is read for a province and an old unit")
        return read_roster(stream, filename, unit=unit_code, communes=commune_lookup(province))
    if kind == "merger_map":
        return read_merger_map(stream, filename)
    lookup = commune_lookup(province) if province is not None else None
    return read_framework(stream, filename, communes=lookup)


def import_file(
    kind: Kind,
    content: bytes,
    filename: str,
    province: Province,
    user: User | None,
    unit_code: str | None = None,
    dry_run: bool = False,
) -> ImportOutcome:
    """Read, validate and (unless dry_run or the file is unusable) store one file atomically.

    The caller commits; on dry_run, or when the loader fails, everything is rolled back.
    """
    from imports.report import report_to_dict

    result = read_file(kind, content, filename, province, unit_code)
    report = report_to_dict(result)
    fatal = any(e.severity == "error" and e.row == 0 for e in result.errors) or (
        result.rows and not result.records
    )
    savepoint = db.session.begin_nested()
    try:
        if kind == "merger_map":
            summary = loading.load_merger_map(province, list(result.records))
        elif kind == "framework":
            framework = result.records[0] if result.records else None
            summary = loading.load_framework(province, framework) if framework else loading.LoadSummary()
        else:
            summary = loading.load_roster(province, unit_code or "", result)
        summary.rejected = report.get("rejected", summary.rejected)
        if dry_run or fatal:
            savepoint.rollback()
            return ImportOutcome(kind, filename, report, summary, written=False)
        loading.record_batch(province, kind, filename, content, report, summary, user, unit_code)
        from ..audit import record

        record(
            "import",
            kind,
            user=user,
            entity_id=filename,
            province_code=province.code,
            after={"file": filename, "unit": unit_code, **summary.as_dict()},
        )
        savepoint.commit()
        return ImportOutcome(kind, filename, report, summary, written=True)
    except Exception:
        savepoint.rollback()
        raise
