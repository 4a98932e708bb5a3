"""Reading exports back the way a clerk's software does: python-docx for .docx, openpyxl for .xlsx."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document
from openpyxl import load_workbook


def docx_text(blob: bytes) -> str:
    """Every paragraph of the body, its tables (in order) and its headers, one per line."""
    doc = Document(io.BytesIO(blob))
    lines: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for tc in child.iter():
                if tc.tag.endswith("}p"):
                    lines.append("".join(t.text or "" for t in tc.iter() if t.tag.endswith("}t")))
    return "\n".join(lines)


def header_text(blob: bytes, first_page: bool = False) -> str:
    """The non-empty lines of the section's header (of every page but the first, or of the first)."""
    section = Document(io.BytesIO(blob)).sections[0]
    header = section.first_page_header if first_page else section.header
    return "\n".join(p.text for p in header.paragraphs if p.text)


def annex_rows(blob: bytes) -> list[list[str]]:
    """The rows of the annexed list (the table after the signature), header row first."""
    doc = Document(io.BytesIO(blob))
    if len(doc.tables) < 3:
        return []
    return [[c.text for c in row.cells] for row in doc.tables[2].rows]


def zip_members(blob: bytes) -> dict[str, bytes]:
    """Name -> bytes of every file of a ZIP."""
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def sheet_rows(blob: bytes, sheet: str, header_row: int = 4) -> list[dict[str, Any]]:
    """The data rows of a sheet as dicts keyed by the Vietnamese headers."""
    wb = load_workbook(io.BytesIO(blob))
    ws = wb[sheet]
    headers = [c.value for c in ws[header_row]]
    out = []
    for row in ws.iter_rows(min_row=header_row + 1):
        values = [c.value for c in row]
        if all(v is None for v in values):
            continue
        out.append(dict(zip(headers, values, strict=False)))
    return out
