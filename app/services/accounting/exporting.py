"""`clinic.accounting.export`: the journal of a period to a file (R35).

The checks come first, before anything is written (R30): the format, the period (the
journal's own checks), the file (file_targets.safe_target: not the clinic's files, a folder
that exists and may be written). Then the journal is streamed, an entry at a time, into
`files.atomic_write`: a failure or a cancel leaves the file that was there, or none, never
half a journal. Xero takes 300 lines a file: its journal goes to "name.csv", "name-2.csv"...
and a failure removes the parts already written, so none of them is left alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, TextIO

from ...i18n import _
from ..errors import Conflict, ValidationError
from ..file_targets import safe_target
from ..files import atomic_write, sync_folder
from ..money import precision
from ..csv.steps import Cancelled, Stop
from .writers import XERO_MAX_LINES, XeroWriter, write_beancount, write_quickbooks
from .writers.common import UnknownAccount

FORMATS = ("beancount", "quickbooks", "xero")
#: lines a Xero file may hold (a name of its own here, so a test can make it small)
XERO_LINES = XERO_MAX_LINES
#: (done, total) in days of the period, as the journal reaches them
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JournalExport:
    entries: int
    files: tuple[Path, ...]
    cancelled: bool = False  # the desk stopped it: nothing was kept


def part_path(target: Path, number: int) -> Path:
    """The `number`th file of a journal split for Xero: journal.csv, journal-2.csv, ..."""
    if number == 1:
        return target
    return target.with_name(f"{target.stem}-{number}{target.suffix}")


def _format(value) -> str:
    text = value.strip().casefold() if isinstance(value, str) else ""
    if text not in FORMATS:
        raise ValidationError("format", _("\u201c{value}\u201d is not a journal format; choose "
                                          "Beancount, QuickBooks or Xero.").format(value=value))
    return text


class _Days:
    """The entries, passing on how far into the period they have come."""

    def __init__(self, entries, start: date, end: date, progress: Progress | None,
                 cancelled: Cancelled | None):
        self._entries, self._start, self._progress = entries, start, progress
        self._cancelled = cancelled
        self._total = (end - start).days + 1

    def __iter__(self):
        progress, reached = self._progress, -1
        if progress:
            progress(0, self._total)
        for entry in self._entries:
            if self._cancelled and self._cancelled():
                raise Stop  # unwinds atomic_write: its temporary file goes
            day = (entry.on - self._start).days
            if progress and day > reached:
                reached = day
                progress(day, self._total)
            yield entry
        if self._cancelled and self._cancelled():  # after the last entry, or when none
            raise Stop
        if progress:
            progress(self._total, self._total)


def _open(path: Path) -> TextIO:
    return open(path, "w", encoding="utf-8", newline="")


#: The manager-only action (app.services.auth.MANAGER_ACTIONS), in its English words.
EXPORT_JOURNAL = "export the clinic's journal"


class ExportMixin:
    """Mixed into AccountingService: uses its `_period`, `iter_journal` and `accounts`."""

    def export(self, start, end, path, *, format: str, progress: Progress | None = None
               ) -> int:
        """Write the journal of start..end to `path`; return how many entries it holds."""
        return self.export_journal(start, end, path, format=format, progress=progress).entries

    def export_journal(self, start, end, path, *, format: str,
                       progress: Progress | None = None,
                       cancelled: Cancelled | None = None) -> JournalExport:
        """`export`, saying also which files were written (several for a long Xero journal);
        `cancelled()` true stops it with nothing kept. A manager's (or the system's: the
        command line), as the journal names patients beside every amount."""
        self._clinic.auth.require_manager(EXPORT_JOURNAL)
        kind = _format(format)
        start, end = self._period(start, end)
        target = safe_target(self._clinic, path, what=_("the journal"))
        accounts = self.accounts()
        entries = _Days(self.iter_journal(start, end), start, end, progress, cancelled)
        try:
            return self._write(kind, entries, accounts, target, start, end)
        except Stop:
            return JournalExport(0, (), cancelled=True)
        except UnknownAccount:  # (nothing was kept: the writes unwound)
            raise Conflict(_("The chart of accounts was changed at another desk during the "
                             "export; nothing was saved. Export again.")) from None

    def _write(self, kind, entries, accounts, target: Path, start: date, end: date
               ) -> JournalExport:
        money = self._clinic.money_context()
        digits = precision(money["currency"])
        title = self._clinic.settings.get().name  # (read before the journal's transaction)
        if kind == "xero":
            return self._xero(entries, accounts, target, digits)
        count = 0

        def write(temporary: Path) -> None:
            nonlocal count
            with _open(temporary) as handle:
                if kind == "beancount":
                    count = write_beancount(entries, accounts, handle, start=start, end=end,
                                            currency=money["currency"], digits=digits,
                                            title=title)
                else:
                    count = write_quickbooks(entries, accounts, handle, digits=digits)

        atomic_write(target, write)
        return JournalExport(count, (target,))

    def _xero(self, entries, accounts, target: Path, digits: int) -> JournalExport:
        writer = XeroWriter(accounts, digits=digits, max_lines=XERO_LINES)
        source = iter(entries)
        written: list[Path] = []
        more = True

        def write(temporary: Path) -> None:
            nonlocal more
            with _open(temporary) as handle:
                more = writer.write_file(source, handle)
                handle.flush()
                os.fsync(handle.fileno())  # on disk before it takes its name

        try:
            while more:
                place = part_path(target, len(written) + 1)
                if written:  # each part is checked as the first was
                    place = safe_target(self._clinic, os.fspath(place), what=_("the journal"))
                # A year is a thousand parts or more: each synced as it is written, the
                # folder (the renames) once at the end, not once a part.
                atomic_write(place, write, durable=False)
                written.append(place)
            sync_folder(target.parent)
        except BaseException:
            for place in written:
                place.unlink(missing_ok=True)
            raise
        return JournalExport(writer.written, tuple(written))
