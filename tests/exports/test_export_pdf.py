"""A decision converted to PDF by LibreOffice reads as the signed paper would."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from staffing.models import PlanStatus
from staffing.services import exports as service


def _soffice(src: Path, fmt: str, outdir: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice is not installed: apt-get install -y libreoffice-writer-nogui")
    profile = outdir / "lo-profile"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(outdir)},
    )
    out = outdir / f"{src.stem}.{fmt.split(':')[0]}"
    assert out.is_file(), f"LibreOffice wrote no {out.name}"
    return out


def _pdf_text(pdf: Path, docx: Path, outdir: Path) -> str:
    """pdftotext (poppler-utils) when installed; else LibreOffice's own text export of the same decision."""
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60
        )
        return done.stdout.decode("utf-8")
    return _soffice(docx, "txt:Text (encoded):UTF8", outdir).read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("staffed", [PlanStatus.APPROVED, PlanStatus.DRAFT], indirect=True)
def test_decision_converts_to_pdf_with_its_text(export_app: Flask, staffed, tmp_path: Path) -> None:
    plan = staffed["plan"]
    status = plan.status
    a = next(x for x in staffed["assignments"] if x.person.name == "Nguyễn Văn A")
    found = service.one_decision(plan, a.id)
    assert found is not None
    name, blob = found
    docx = tmp_path / name
    docx.write_bytes(blob)
    pdf = _soffice(docx, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(_pdf_text(pdf, docx, tmp_path).split())
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "XÃ ĐÌNH LẬP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/QĐ-UBND",
        "Đình Lập, ngày 01 tháng 7 năm 2025",
        "QUYẾT ĐỊNH",
        "Về việc bổ nhiệm Trưởng phòng Kinh tế",
        "Căn cứ Luật Tổ chức chính quyền địa phương",
        "Điều 1. Bổ nhiệm bà Nguyễn Văn A",
        "Trưởng phòng Kinh tế",
        "Nơi nhận:",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ):
        assert expected in text, expected
    if status == PlanStatus.DRAFT:
        assert name.startswith("DU-THAO_")
        if shutil.which("pdftotext"):
            assert text.startswith("DỰ THẢO")  # the header line, above everything else on the page
    else:
        assert "DỰ THẢO" not in text
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(pdf)], check=True, capture_output=True, timeout=60
        ).stdout.decode()
        assert "pts (A4)" in info
        assert "Pages:           1\n" in info
