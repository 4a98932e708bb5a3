"""Moved to staffing/services/exports.py (one service layer); this name stays for older callers."""

from ..services.exports import *  # noqa: F403
from ..services.exports import decisions_zip, one_decision, workbook

__all__ = ["decisions_zip", "one_decision", "workbook"]
