"""Packages › Reports: choose a report, its period and filters, Run; read, sort, export.

A report over a year can take a while, so it runs on the worker (app.ui.tasks) with a
busy bar; Cancel forgets the result and gives the desk its controls back at once. Exports
write on the worker too. Every figure shown is the report's own (R21): this view formats,
it never adds up.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from app.i18n import N_, _, ngettext
from app.services import Clinic
from app.services.errors import ClinicError
from app.services.reports import Report, export as report_export

from .. import file_chooser, preload
from ..formats import Formats
from ..forms import focus
from ..models.reports import count_text
from ..tasks import Running, explain_failure, tasks_for
from .controls import ReportControls
from .kinds import BY_CODE
from .section import SectionView

#: kind -> (what the chooser says, file filter, report_export's writer); English, N_()
EXPORTS = {
    "csv": (N_("Export to CSV"), N_("CSV files"), "*.csv", "to_csv"),
    "xlsx": (N_("Export to Excel"), N_("Excel workbooks"), "*.xlsx", "to_xlsx"),
    "pdf": (N_("Print to PDF"), N_("PDF files"), "*.pdf", "to_pdf"),
}


PLACEHOLDER = N_("Choose a report, its dates and filters, then press Run.")


def choose_file(parent: QWidget, suggested: str, kind: str) -> str | None:
    title, files, pattern, _write = EXPORTS[kind]
    return file_chooser.save_file(parent, _(title), suggested, f"{_(files)} ({pattern})")


class ReportsView(QWidget):
    #: A report arrived and is shown (the Report).
    report_shown = Signal(object)
    #: Running was refused or failed (the message); what was shown stays.
    run_failed = Signal(str)
    #: An export was written (its path) / was refused or failed (the message).
    exported = Signal(str)
    export_failed = Signal(str)

    # Replaceable in tests: the file chooser, (parent, suggested name, "csv"|"xlsx"|"pdf").
    choose_file = staticmethod(choose_file)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self._f = Formats(clinic)
        self.report: Report | None = None
        self._run: Running | None = None
        self._export: Running | None = None
        self.controls = ReportControls(clinic, self)
        self.controls.run_button.clicked.connect(self.run)
        self.controls.cancel_button.clicked.connect(self.cancel)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancel,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._build_results()
        self._build_exports()

        layout = QVBoxLayout(self)
        layout.addWidget(self.controls)
        layout.addWidget(self.heading)
        layout.addWidget(self.notes)
        layout.addWidget(self.flag)
        layout.addWidget(self.placeholder, 1)
        layout.addWidget(self.results, 1)
        layout.addLayout(self._export_bar)
        self._show(None)

    # building -----------------------------------------------------------------------------

    def _build_results(self) -> None:
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.heading.setAccessibleName(_("Report title"))
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = QLabel()
        self.notes.setObjectName("note")
        self.notes.setWordWrap(True)
        self.flag = QLabel()  # R7: double compensation, impossible to miss
        self.flag.setWordWrap(True)
        self.flag.setAccessibleName(_("Double compensation warning"))
        self.flag.setStyleSheet("background: #fde2e1; color: #991b1b; font-weight: 600;"
                                " padding: 6px 10px; border-radius: 4px;")
        self.flag.hide()
        self.placeholder = QLabel(_(PLACEHOLDER))
        self.placeholder.setObjectName("emptyNote")
        self.sections = [SectionView(self._f, self), SectionView(self._f, self)]
        self.sections_box = QWidget()
        self._sections_layout = QVBoxLayout(self.sections_box)
        self._sections_layout.setContentsMargins(0, 0, 0, 0)
        for view in self.sections:
            self._sections_layout.addWidget(view)
        self._sections_layout.addStretch(0)  # takes the room only when no section has rows
        # A small screen scrolls the report rather than growing the window past it.
        self.results = QScrollArea()
        self.results.setWidget(self.sections_box)
        self.results.setWidgetResizable(True)
        self.results.setFrameShape(QFrame.Shape.NoFrame)
        # Tab goes from Run to the report's tables (the area scrolls to the one reached).
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.viewport().setAutoFillBackground(False)
        self.sections_box.setAutoFillBackground(False)

    def _build_exports(self) -> None:
        self.csv_button = QPushButton(_("Export &CSV…"))
        self.xlsx_button = QPushButton(_("Export E&xcel…"))
        self.pdf_button = QPushButton(_("Pr&int to PDF…"))
        self.pdf_button.setToolTip(_("A PDF to print; at most {rows} rows").format(
            rows=count_text(report_export.PDF_MAX_ROWS, self._f)))
        self.print_button = QPushButton(_("Print Repor&t…"))  # R48: on this desk's printer
        self.print_button.clicked.connect(self.print_report)
        self.status = QLabel()
        self.status.setObjectName("note")
        self.status.setAccessibleName(_("Report status"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._export_bar = QHBoxLayout()
        self._export_bar.addWidget(self.status, 1)
        for kind, button in (("csv", self.csv_button), ("xlsx", self.xlsx_button),
                             ("pdf", self.pdf_button)):
            button.clicked.connect(lambda _checked=False, kind=kind: self.export(kind))
            self._export_bar.addWidget(button)
        self._export_bar.addWidget(self.print_button)

    def refresh(self) -> None:
        self.controls.refresh()

    # running ------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._run is not None

    def run(self) -> None:
        if self.running:
            return
        try:
            kind, args = self.controls.current_kind(), self.controls.parameters()
        except ClinicError as error:  # a date typed that is not one
            self._refused(error)
            return
        self._run = tasks_for(self.clinic).run(
            lambda clinic: getattr(clinic.reports, kind.code)(**args),
            self._arrived, self._refused)
        self._set_running(True)
        running = _("Running {report}…").format(report=_(kind.label))
        self.status.setText(running)
        self.placeholder.setText(running)

    def cancel(self) -> None:
        """Forget the running report; what was shown before stays."""
        if self._run is None:
            return
        self._run.cancel()
        self._run = None
        self._set_running(False)
        self.status.setText(_("Cancelled: that report's result will not be shown."))

    def _arrived(self, report: Report) -> None:
        self._run = None
        self._set_running(False)
        self.status.setText(_("Generated {date} at {time}").format(
            date=self._f.date(report.generated_at.date()), time=self._f.time(report.generated_at)))
        self._show(report)
        self.report_shown.emit(report)

    def _refused(self, error: BaseException) -> None:
        self._run = None
        self._set_running(False)
        self.status.setText(_("Not run."))
        explain_failure(self, error, _("Report not run"))
        if isinstance(error, ClinicError):
            focus(self.controls.field(getattr(error, "field", None)))
        self.run_failed.emit(str(error))

    def _set_running(self, running: bool) -> None:
        if not running:
            self.placeholder.setText(_(PLACEHOLDER))
        self.controls.set_running(running)
        self._update_exports()

    # showing ------------------------------------------------------------------------------

    def _show(self, report: Report | None) -> None:
        self.report = report
        self.placeholder.setVisible(report is None)
        self.results.setVisible(report is not None)
        self.heading.setVisible(report is not None)
        self.notes.setVisible(report is not None and bool(report.notes))
        self._update_exports()
        if report is None:
            self.flag.hide()
            for view in self.sections:
                view.show_section(None)
            return
        kind = BY_CODE[report.kind]
        self.heading.setText(self._heading(report))
        self.notes.setText(" ".join(kind.notes(report, self._f)))
        for index, view in enumerate(self.sections):
            section = report.sections[index] if index < len(report.sections) else None
            view.setVisible(section is not None)
            if section is None:
                view.show_section(None)
                continue
            chart = kind.chart(report, self._f) if kind.chart and index == 0 else None
            view.show_section(section, title=kind.section_title(index),
                              empty=kind.empty_text(index), words=kind.words_for(index),
                              grand_label=kind.grand_for(index), chart=chart)
            # An empty section is only its title and one sentence: the rows get the room.
            self._sections_layout.setStretch(index, (3 if index == 0 else 2)
                                             if section.rows else 0)
        self._show_flag(report)

    def _heading(self, report: Report) -> str:
        p = report.parameters
        if "on" in p:
            when = _("on {date}").format(date=self._f.date(p["on"]))
        else:
            when = _("{start} – {end}").format(start=self._f.date(p["start"]),
                                                end=self._f.date(p["end"]))
        parts = [_(BY_CODE[report.kind].title), when]
        if p.get("template_id") is not None:
            parts.append(self.controls.name_of(self.controls.template, p["template_id"]))
        if p.get("staff_id") is not None:
            parts.append(self.controls.name_of(self.controls.staff, p["staff_id"]))
        return " · ".join(parts)

    @staticmethod
    def _file_name(report: Report) -> str:
        """What an export is called at first: the report and its dates, written so that
        files sort by date ("Package Usage 2026-03-01 to 2026-03-31")."""
        p = report.parameters
        if "on" in p:
            when = _("On {date}").format(date=p["on"].isoformat())
        else:
            when = _("{start} to {end}").format(start=p["start"].isoformat(),
                                                 end=p["end"].isoformat())
        return f"{_(BY_CODE[report.kind].title)} {when}"

    def _show_flag(self, report: Report) -> None:
        if report.kind != "compensation" or len(report.sections) < 2:
            self.flag.hide()
            return
        doubles = report.sections[1]
        if not doubles.count:
            self.flag.hide()
            return
        self.flag.setText("⚠ " + ngettext(
            "{n} use compensated twice, worth {value}: the practitioner was also assigned "
            "the package's sale. It is marked in red below.",
            "{n} uses compensated twice, worth {value}: the practitioner was also assigned "
            "the package's sale. They are marked in red below.", doubles.count).format(
                n=count_text(doubles.count, self._f),
                value=self._f.money(doubles.totals.get("per_use_value", 0))))
        self.flag.show()

    # exporting ----------------------------------------------------------------------------

    def export(self, kind: str) -> None:
        report = self.report
        if report is None or self._export is not None:
            return
        title, _files, _pattern, writer = EXPORTS[kind]
        write = getattr(report_export, writer)
        suggested = f"{self._file_name(report)}.{kind}".replace("/", "-")
        chosen = self.choose_file(self, suggested, kind)
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(f".{kind}")
        preload.document_libraries()  # here, not on the worker (app/ui/preload.py)
        self._export = tasks_for(self.clinic).run(
            lambda clinic: write(report, path, clinic=clinic), self._exported,
            lambda error: self._export_refused(error, _(title)))
        self._update_exports()
        self.status.setText(_("Writing {file}…").format(file=path.name))

    def print_report(self) -> None:
        """The report's PDF (landscape Letter) in the print dialog: Print, Preview… (R48)."""
        report = self.report
        if report is None:
            return
        from ..dialogs.print_dialog import PrintDialog  # loaded when used

        PrintDialog.ask(self.clinic, writer=lambda clinic, path, _paper: report_export.to_pdf(
            report, path, clinic=clinic), document=self._file_name(report).replace("/", "-"),
            summary=html.escape(self._heading(report)), papers=("letter",), parent=self)

    def _exported(self, path: Path) -> None:
        self._export = None
        self._update_exports()
        self.status.setText(_("Saved: {path}").format(path=path))
        self.exported.emit(str(path))

    def _export_refused(self, error: BaseException, title: str) -> None:
        self._export = None
        self._update_exports()
        self.status.setText(_("Nothing was written."))
        explain_failure(self, error, _("{what} not done").format(what=title))
        self.export_failed.emit(str(error))

    def _update_exports(self) -> None:
        ready = self.report is not None and self._export is None and self._run is None
        for button in (self.csv_button, self.xlsx_button, self.pdf_button, self.print_button):
            button.setEnabled(ready)
        # a year to Excel takes a few seconds: the bar moves for exports too
        self.controls.busy.setVisible(self._run is not None or self._export is not None)
