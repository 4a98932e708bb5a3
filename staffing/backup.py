"""Backups: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def _libpq_url(url: str) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} không có trên máy này (apt-get install postgresql-client).")
    return path


def backup(database_url: str, out: Path) -> Path:
    """Write a consistent copy of the database to `out`, even while the app is running."""
    url = make_url(database_url)
    out.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database or "")
        target = sqlite3.connect(out)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return out
    if url.get_backend_name() == "postgresql":
        pg_dump = _tool("pg_dump")
        done = subprocess.run(  # noqa: S603  (our own arguments; the URL is the app's configuration)
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                f"--file={out}",
                _libpq_url(database_url),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump thất bại: {done.stderr.strip()[:500]}")
        return out
    raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu loại {url.get_backend_name()}.")


def restore(database_url: str, source_file: Path) -> None:
    """Replace the database's content with a backup made by `backup`."""
    url = make_url(database_url)
    if not source_file.exists():
        raise BackupError(f"Không tìm thấy tệp sao lưu {source_file}.")
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(source_file)
        target = sqlite3.connect(url.database or "")
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    if url.get_backend_name() == "postgresql":
        done = subprocess.run(  # noqa: S603  (our own arguments; the URL is the app's configuration)
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_libpq_url(database_url)}",
                str(source_file),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore thất bại: {done.stderr.strip()[:500]}")
        return
    raise BackupError(f"Không hỗ trợ phục hồi cơ sở dữ liệu loại {url.get_backend_name()}.")
