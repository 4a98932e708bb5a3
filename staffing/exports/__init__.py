"""Exports of a plan: appointment decisions (.docx, ZIP) and staffing workbooks (.xlsx)."""
