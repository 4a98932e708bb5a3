"""Downloads of a plan (blueprint `exports`): its workbook, its decisions as a ZIP or one by one, and the
background ZIP jobs.

A thin adapter: it checks access, asks staffing/services/exports.py (and export_jobs.py) for the finished
file and sends it; the documents themselves are rendered in staffing/exports/.
"""
