"""CSV files in and out of the clinic: reading.py (the file), importing.py (preview, check
again, write), exporting.py (a table), service.py (`clinic.csv`, the facade)."""

from .exporting import TABLE_LABELS, ExportResult
from .importing import DUPLICATE, ERROR, OK, ImportPreview, ImportResult, PreviewRow
from .reading import FIELD_LABELS, KINDS, MAX_ROWS, PATIENTS, TREATMENT_TYPES
from .service import CsvService

__all__ = ["CsvService", "ImportPreview", "ImportResult", "ExportResult", "PreviewRow",
           "FIELD_LABELS", "TABLE_LABELS", "OK", "ERROR", "DUPLICATE", "MAX_ROWS", "KINDS",
           "PATIENTS", "TREATMENT_TYPES"]
