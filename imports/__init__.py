"""Spreadsheet readers: files in, validated records and row-level problems out; no database."""
