"""Exports of a plan: appointment decisions (.docx, ZIP with a table of contents) and workbooks (.xlsx).

plandata  the plan read once into plain rows (and the early-retirement policy of the unplaced)
settings  decisions.toml (wording, issuers, routing, numbering) merged per province; template lookup
compose   the finished text of each decision (Jinja over the settings), per person or per department
decisions WordprocessingML written into a copy of the province's decision.docx; ZIP batches
workbooks xlsxwriter workbooks where every string is written as a string (no formula injection)
service   what routes, commands and jobs call; scope and audit
routes    blueprint `exports`; cli: click group `export`; jobs: the background ZIP (huey)

Templates and how to replace them: templates/documents/README.md.
"""
