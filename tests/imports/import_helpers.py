"""Builders for the spreadsheets the import tests feed to the readers (not a conftest.py)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

Rows = Sequence[Sequence[Any]]


def make_xlsx(
    sheets: dict[str, Rows] | Rows,
    merges: dict[str, Iterable[str]] | None = None,
) -> bytes:
    """An .xlsx written by openpyxl; `sheets` maps a sheet name to its rows (row 1 first)."""
    if not isinstance(sheets, dict):
        sheets = {"Danh sách": sheets}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    ws.cell(r, c, value)
        for rng in (merges or {}).get(name, ()):
            ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Text as Windows saves it in code page 1258: base letters precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


def soffice_convert(paths: Sequence[Path], fmt: str, outdir: Path, profile: Path | None = None) -> list[Path]:
    """Convert files with LibreOffice (headless); a private profile so parallel runs do not collide."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc-nogui")
    profile = profile or outdir / "lo-profile"
    cmd = [
        exe,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        *map(str, paths),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(outdir)})
    ext = fmt.split(":")[0]
    return [outdir / (p.stem + "." + ext) for p in paths]


def title_rows(title: str = "DANH SÁCH CÁN BỘ, CÔNG CHỨC XÃ BẮC XA") -> list[list[Any]]:
    return [
        ["ỦY BAN NHÂN DÂN HUYỆN ĐÌNH LẬP", None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        [],
        [None, None, title],
        [None, None, "(Kèm theo Công văn số 125/UBND-NV ngày 10/6/2025)"],
        [],
    ]
