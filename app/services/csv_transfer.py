"""Importing patients and treatment types from CSV, exporting any table to CSV (issue 8)."""

from __future__ import annotations

from .base import Service


class CsvService(Service):
    """clinic.csv: preview_import / import_rows / tables / export_table."""
