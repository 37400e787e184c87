"""clinic.csv: the facade the screens call to import and export CSV files (issue 8).

Import is two steps, so the desk sees everything before anything is written:

    preview = clinic.csv.preview_import("patients", path)   # reads and checks; writes nothing
    result = clinic.csv.import_rows(preview)                # the OK rows, in one transaction

reading.py reads the file, importing.py checks and writes its rows through the patients' and
the catalogue's own public rules, exporting.py writes a table.
"""

from __future__ import annotations

import os

from ...i18n import _
from ..base import Service
from ..csv_checks import known_table, source_path
from ..errors import ValidationError
from . import exporting, importing, reading
from . import switching_in as switching
from .exporting import OPEN_TABLES, TABLE_LABELS, ExportResult
from .importing import ImportPreview, ImportResult
from .reading import TREATMENT_TYPES
from .steps import Cancelled, Progress


class CsvService(Service):
    """clinic.csv: preview_import / import_rows / tables / export_table."""

    # -- who may ---------------------------------------------------------------------------
    def check_can_import(self, kind: str) -> None:
        """Refuse before the desk chooses a file: unknown kind, or treatment types (which only
        a manager may change) for front-desk staff."""
        reading.check_kind(kind)
        if kind == TREATMENT_TYPES:
            self._clinic.auth.require_manager(_("change treatment types"))
        if kind in (switching.PACKAGES, switching.BALANCES):  # money brought in (R42)
            self._clinic.auth.require_manager(_("bring in money from before ClinicDesk"))

    def check_can_export(self, table: str) -> None:
        known_table(table)
        if table not in OPEN_TABLES:
            self._clinic.auth.require_manager(
                _("export the table \u201c{what}\u201d, which holds private details").format(
                    what=_(TABLE_LABELS.get(table, table))))

    # -- import ----------------------------------------------------------------------------
    def preview_import(self, kind: str, path: str | os.PathLike, *,
                       progress: Progress | None = None,
                       cancelled: Cancelled | None = None) -> ImportPreview | None:
        """Read and check every row of the file; write nothing. None if `cancelled()`."""
        self.check_can_import(kind)
        reader = reading.open_file(source_path(path))
        reader.headers = reading.headers(reader)
        columns, unknown = reading.map_headers(kind, reader.headers)
        reading.require_columns(kind, {name for name, _header in columns})
        raw_rows = reading.read_rows(reader, columns, cancelled)
        if raw_rows is None:
            return None
        checked = importing.check_rows(self._clinic, kind, raw_rows, progress, cancelled)
        if checked is None:
            return None
        return ImportPreview(kind=kind, path=os.fspath(path), rows=tuple(checked),
                             columns=tuple((name, header) for name, header in columns),
                             unknown_columns=tuple(unknown), encoding=reader.encoding,
                             delimiter=reader.delimiter)

    def import_rows(self, preview: ImportPreview, *, progress: Progress | None = None,
                    cancelled: Cancelled | None = None) -> ImportResult:
        """Write the preview's OK rows in one transaction: all of them, or none (see
        importing.import_rows)."""
        if not isinstance(preview, ImportPreview):
            raise ValidationError("preview", _("Preview the file before importing it."))
        self.check_can_import(preview.kind)
        return importing.import_rows(self._clinic, preview, self._audit, progress, cancelled)

    # -- export ----------------------------------------------------------------------------
    def tables(self) -> list[tuple[str, str]]:
        """Every table the desk can export: (name, label), by label."""
        return exporting.tables()

    def export_columns(self, table: str) -> list[str]:
        """The header row an export of `table` writes."""
        return [header for header, _column in exporting.export_columns(table)]

    def export_table(self, table: str, path: str | os.PathLike, *,
                     progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> ExportResult:
        """Write `table` to `path` as CSV; nothing at `path` unless the whole table made it."""
        self.check_can_export(table)
        return exporting.export_table(self._clinic, table, path, progress=progress,
                                      cancelled=cancelled)
