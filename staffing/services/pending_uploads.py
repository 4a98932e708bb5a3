"""Uploaded files waiting for confirmation: kept under random names, checked in the background.

A file is stored as <token>.bin with <token>.json (who, which province, what kind); the background check
writes <token>.status.json with its progress and, when done, the report and the changes it would make.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any, cast

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class UnknownUploadError(LookupError):
    """No such pending upload for this user and province."""


def stash(directory: Path, content: bytes, meta: dict[str, Any]) -> str:
    """Keep an uploaded file under a random name (the user's filename is never used as a path)."""
    directory.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    (directory / f"{token}.bin").write_bytes(content)
    (directory / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    write_status(directory, token, {"state": "queued", "progress": 0.0, "message": "Đang chờ kiểm tra…"})
    return token


def load(
    directory: Path, token: str, province_code: str | None = None, user_id: int | None = None
) -> tuple[bytes, dict[str, Any]]:
    """The file and its metadata; UnknownUploadError when missing or someone else's."""
    if not TOKEN.match(token):
        raise UnknownUploadError(token)
    try:
        meta = json.loads((directory / f"{token}.json").read_text(encoding="utf-8"))
        content = (directory / f"{token}.bin").read_bytes()
    except FileNotFoundError as exc:
        raise UnknownUploadError(token) from exc
    if (province_code is not None and meta.get("province") != province_code) or (
        user_id is not None and meta.get("user") != user_id
    ):
        raise UnknownUploadError(token)
    return content, meta


def write_status(directory: Path, token: str, status: dict[str, Any]) -> None:
    path = directory / f"{token}.status.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(status, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(path)


def read_status(directory: Path, token: str) -> dict[str, Any]:
    if not TOKEN.match(token):
        raise UnknownUploadError(token)
    try:
        return dict(json.loads((directory / f"{token}.status.json").read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise UnknownUploadError(token) from exc


def drop(directory: Path, token: str) -> None:
    if TOKEN.match(token):
        for suffix in (".bin", ".json", ".status.json"):
            (directory / f"{token}{suffix}").unlink(missing_ok=True)


def run_preview(directory: Path, token: str) -> None:
    """Read, validate and compare the file with the database without writing; record progress and result."""
    from ..extensions import db
    from ..models import Province, User
    from . import importing, loading

    content, meta = load(directory, token)
    write_status(
        directory, token, {"state": "running", "progress": 0.1, "message": "Đang đọc và kiểm tra từng dòng…"}
    )
    province = db.session.get(Province, meta["province"])
    user = db.session.get(User, meta["user"])
    try:
        outcome = importing.import_file(
            meta["kind"],
            content,
            meta["filename"],
            cast("Province", province),
            user,
            unit_code=meta.get("unit"),
            dry_run=True,
        )
    except loading.LoadError as exc:
        db.session.rollback()
        write_status(directory, token, {"state": "failed", "progress": 1.0, "message": str(exc)})
        return
    except Exception as exc:
        db.session.rollback()
        write_status(
            directory,
            token,
            {"state": "failed", "progress": 1.0, "message": f"Lỗi khi kiểm tra tệp ({type(exc).__name__})."},
        )
        raise
    db.session.rollback()
    summary = outcome.summary
    write_status(
        directory,
        token,
        {
            "state": "done",
            "progress": 1.0,
            "message": "Đã kiểm tra xong.",
            "filename": outcome.filename,
            "report": outcome.report,
            "summary": {
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "rejected": summary.rejected,
                "warnings": summary.warnings,
                "changes": summary.changes,
                "duplicates": summary.duplicates,
            },
        },
    )
