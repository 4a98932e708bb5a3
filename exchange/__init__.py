"""The exchange format's one list of a person's fields (../shared/spec/problem-format.md).

Shared by the readers (imports/), the solver (solver/) and the app (staffing/), owned by none of them:
standard library only, so a reader that builds a problem item loads neither the solver nor OR-Tools.
"""
