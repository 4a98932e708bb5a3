"""Reviewing a plan: adjust a draft with live rule checks, candidates, re-solve, workflow, gaps, dashboard."""
