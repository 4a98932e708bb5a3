"""Moved to staffing/services/export_jobs.py (one service layer); this name stays for older callers."""

from ..services.export_jobs import *  # noqa: F403
from ..services.export_jobs import file_path, read_state, start

__all__ = ["file_path", "read_state", "start"]
