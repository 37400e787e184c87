"""File › Export Journal… (R35): the journal of a period as a Beancount file, or as the
journal-import CSV of QuickBooks Online or Xero.

From and To are the desk's date fields; Export… asks where to save, then
clinic.accounting.export_journal writes on the task runner while a bar follows the period's
days. A refusal (the dates, the file) is the service's own sentence and nothing is written;
Cancel stops a running export and its file is not kept.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from app.i18n import N_, _, ngettext
from app.services import Clinic
from app.services.errors import ClinicError

from .. import file_chooser, msgbox
from ..date_fields import DateField
from .export_base import FileExportDialog
from .manager_approval import carried

#: format -> (its name in the list, the file name's ending)
FORMATS = {"beancount": (N_("Beancount"), ".beancount"),
           "quickbooks": (N_("QuickBooks Online (CSV)"), ".csv"),
           "xero": (N_("Xero (CSV)"), ".csv")}


def choose_journal_file(parent: QWidget | None, suggested: str, kind: str) -> str | None:
    ending = FORMATS[kind][1]
    what = _("Beancount files") if kind == "beancount" else _("CSV files")
    return file_chooser.save_file(parent, _("Export Journal"), suggested,
                                  f"{what} (*{ending})")


def last_month(today: date) -> tuple[date, date]:
    """The period the books usually want: the month before this one."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


#: further Xero files named one by one; beyond, the first and the last (a year: a thousand)
NAMED_FILES = 3


def continued_in(further: tuple[Path, ...]) -> str:
    """What the message adds for the files after the first ("" when there are none)."""
    if not further:
        return ""
    if len(further) <= NAMED_FILES:
        return " " + _("Xero takes 300 lines a file: the journal continues in {files}."
                       ).format(files=", ".join(p.name for p in further))
    return " " + ngettext(
        "Xero takes 300 lines a file: the journal continues in {first} to {last}, "
        "{n} more file in all.",
        "Xero takes 300 lines a file: the journal continues in {first} to {last}, "
        "{n} more files in all.", len(further)).format(
            first=further[0].name, last=further[-1].name, n=len(further))


class JournalExportDialog(FileExportDialog):
    # Replaceable in tests: the file chooser.
    choose_file = staticmethod(choose_journal_file)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(clinic, parent, title=_("Export Journal"), export_text=_("&Save…"),
                         export_name=_("Export the journal"))
        self.setMinimumWidth(480)
        locale = clinic.money_context()["locale"]
        start, end = last_month(clinic.today())
        self.start_field = DateField(start, locale, field="start", label=_("start date"))
        self.start_field.setAccessibleName(_("From"))
        self.end_field = DateField(end, locale, field="end", label=_("end date"))
        self.end_field.setAccessibleName(_("To"))
        self.format_box = QComboBox()
        self.format_box.setAccessibleName(_("File format"))
        for kind, (label, _ending) in FORMATS.items():
            self.format_box.addItem(_(label), kind)
        form = QFormLayout()
        for text, widget in ((_("&From:"), self.start_field), (_("&To:"), self.end_field),
                             (_("F&ormat:"), self.format_box)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.format_box.currentIndexChanged.connect(self._explain)
        self._lay_out(form, self.fields())
        self._explain()

    @property
    def kind(self) -> str:
        return self.format_box.currentData()

    def fields(self) -> list[QWidget]:
        return [self.start_field, self.end_field, self.format_box]

    def _explain(self) -> None:
        self.note.setText({
            "beancount": _("A Beancount ledger: every account of the chart (Settings › "
                           "Accounts) opened on the first day, then each entry."),
            "quickbooks": _("For QuickBooks Online's Import Data › Journal Entries. The "
                            "accounts are named as in Settings › Accounts: they must be in "
                            "QuickBooks with the same names, and account numbers turned "
                            "off while importing."),
            "xero": _("For Xero's Manual Journals › Import. The accounts are given by their "
                      "codes (Settings › Accounts). Xero takes 300 lines a file: a longer "
                      "journal is saved in several files (name.csv, name-2.csv…)."),
        }[self.kind])

    def start_export(self) -> None:
        if self._task is not None:
            return
        kind = self.kind
        try:
            start, end = self.start_field.value(), self.end_field.value()
            self.clinic.accounting.iter_journal(start, end)  # the dates, before the file
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not exported"))
            return
        suggested = _("Journal {start} to {end}").format(start=start.isoformat(),
                                                          end=end.isoformat())
        chosen = self.choose_file(self, suggested + FORMATS[kind][1], kind)
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(FORMATS[kind][1])
        # the manager's approval, given before the form opened, goes to the worker with it
        self._begin(path, lambda progress, cancelled: carried(
            self.clinic, lambda clinic: clinic.accounting.export_journal(
                start, end, path, format=kind, progress=progress, cancelled=cancelled)))

    def _exported(self, result) -> None:
        text = ngettext("{n} entry written to {file}.", "{n} entries written to {file}.",
                        result.entries).format(n=result.entries, file=result.files[0])
        text += continued_in(result.files[1:])
        msgbox.information(self, _("Export Journal"), text)
