"""Exports of a plan: appointment decisions (.docx, ZIP with a table of contents) and workbooks (.xlsx).

Only documents are made here, from finished records; nothing in this package reads the database. The plan is
read once into those records, and scope and audit applied, by the service layer: staffing/services/exports.py
(and staffing/services/export_jobs.py, the background ZIP).

plandata  the records of a plan (plain rows) and the early-retirement policy of the unplaced
settings  decisions.toml (wording, issuers, routing, numbering) merged per province; template lookup
compose   the finished text of each decision (Jinja over the settings), per person or per department
decisions WordprocessingML written into a copy of the province's decision.docx; ZIP batches
workbooks xlsxwriter workbooks where every string is written as a string (no formula injection)

The blueprint `exports` that sends these files is staffing/downloads/routes.py, the `staffing export` commands
staffing/commands/export.py; both call staffing/services/exports.py.

Templates and how to replace them: templates/documents/README.md.
"""
