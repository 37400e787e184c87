"""File › Audit Trail…: who changed what and when, and whether the record is intact (R29).

Manager only: the audit service refuses anyone else, and `ask` shows that refusal before
any window opens. "Verify chain" recomputes the hash chain on the worker thread.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QSpinBox, QSplitter, QVBoxLayout, QWidget)

from app.i18n import N_, _, ngettext
from app.services import Clinic
from app.services.audit_trail import AuditRow

from .. import msgbox, style
from ..date_fields import DateField
from ..forms import beside
from ..models.base import RowsModel
from ..tables import make_table, select_id, selected_row
from .backups import explain_failure, run_busy

#: What the desk calls each kind of record (the service's entity names).
ENTITY_NAMES = {
    "account": N_("Account"),
    "appointment": N_("Appointment"), "clinic_settings": N_("Clinic settings"),
    "clinic_file": N_("Clinic file"), "day_close": N_("Day close"),
    "invoice": N_("Invoice"),
    "no_show_fee": N_("No-show fee"), "package": N_("Package"),
    "package_template": N_("Package template"), "patient": N_("Patient"),
    "payment": N_("Payment"), "payment_refund": N_("Payment refund"),
    "staff": N_("Staff member"), "treatment_type": N_("Treatment type"),
}


def entity_name(code: str) -> str:
    return _(ENTITY_NAMES[code]) if code in ENTITY_NAMES else code
LIMIT = 500
DEFAULT_DAYS = 30


def who(r: AuditRow) -> str:
    """The actor, and the manager who approved it on the spot (issue 14, item 10)."""
    if not r.approved_by:
        return r.staff_name
    return _("{staff}, approved by {manager}").format(staff=r.staff_name,
                                                       manager=r.approved_by)


def _short(value: str, width: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[:width - 1] + "…"


def _pretty(value: str) -> str:
    if not value:
        return "—"
    try:
        return json.dumps(json.loads(value), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return value


class AuditModel(RowsModel):
    WHEN, WHO, ACTION, ENTITY, NUMBER, BEFORE, AFTER = range(7)
    COLUMNS = (N_("When"), N_("Who"), N_("Action"), N_("Record"), N_("Number"), N_("Before"),
               N_("After"))
    RIGHT = frozenset({NUMBER})

    def display(self, r: AuditRow, column: int) -> str:
        if column == self.WHEN:
            return f"{r.at:%Y-%m-%d %H:%M:%S}"
        if column == self.WHO:
            return who(r)
        if column == self.ACTION:
            return r.action
        if column == self.ENTITY:
            return entity_name(r.entity)
        if column == self.NUMBER:
            return "" if r.entity_id is None else str(r.entity_id)
        if column == self.BEFORE:
            return _short(r.before)
        return _short(r.after)

    def sort_key(self, r: AuditRow, column: int):
        if column == self.WHEN:
            return r.id  # entries are numbered in the order they happened
        if column == self.NUMBER:
            return -1 if r.entity_id is None else r.entity_id
        return super().sort_key(r, column)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.ToolTipRole and index.isValid()
                and index.column() in (self.BEFORE, self.AFTER)
                and 0 <= index.row() < len(self._rows)):
            row = self._rows[index.row()]
            return _pretty(row.before if index.column() == self.BEFORE else row.after)
        return super().data(index, role)


class AuditTrailDialog(QDialog):
    """`ask(parent, clinic)`: refused (ClinicError raised) unless a manager is signed in."""

    def __init__(self, clinic: Clinic, rows: list[AuditRow], parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("managerOnly", True)  # closed if someone else signs in at the lock
        self.clinic = clinic
        self.setWindowTitle(_("Audit Trail"))
        self.resize(1220, 660)
        today = clinic.today()

        locale = clinic.money_context()["locale"]
        self.start = self._date_edit(today - timedelta(days=DEFAULT_DAYS), locale, _("From"),
                                     "start", "start date")
        self.end = self._date_edit(today, locale, _("To"), "end", "end date")
        self.entity = QComboBox()
        self.entity.setAccessibleName(_("Record"))
        self.entity.addItem(_("Any record"), None)
        for code, label in sorted(((code, entity_name(code)) for code in ENTITY_NAMES),
                                  key=lambda item: item[1]):
            self.entity.addItem(label, code)
        self.entity_id = QSpinBox()
        self.entity_id.setAccessibleName(_("Record number"))
        self.entity_id.setRange(0, 2_000_000_000)
        self.entity_id.setSpecialValueText(_("Any"))
        self.staff = QComboBox()
        self.staff.setAccessibleName(_("Who"))
        self.staff.addItem(_("Anyone"), None)
        for member in clinic.staff.list(include_inactive=True):
            self.staff.addItem(member.name, member.id)
        self.action = QLineEdit()
        self.action.setAccessibleName(_("Action starts with"))
        self.action.setPlaceholderText(_("e.g. payment. or staff.sign_in"))
        self.action.setClearButtonEnabled(True)
        self.action.setMinimumWidth(260)
        self.search_button = QPushButton(_("&Search"))
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.refresh)
        self.action.returnPressed.connect(self.refresh)

        filters = QFormLayout()
        filters.addRow(_("&From:"), beside(self.start, QLabel(_("to")), self.end))
        filters.addRow(_("&Record:"), beside(self.entity, QLabel(_("number")), self.entity_id))
        filters.addRow(_("&Who:"), beside(self.staff))
        filters.addRow(_("&Action starts with:"), beside(self.action, self.search_button))

        self.model = AuditModel(self)
        self.table = make_table(self.model, self, stretch=AuditModel.AFTER, sortable=False)
        # Before and After can be long: a fixed share each, so both stay on screen (the full
        # text is in the tooltip and in the pane below).
        header = self.table.horizontalHeader()
        for column, width in ((AuditModel.ACTION, 190), (AuditModel.BEFORE, 230)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.table.setAccessibleName(_("Audit Trail"))
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName(_("Before and after"))
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlaceholderText(_("Choose an entry to see what it changed."))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        self.count = QLabel()
        self.count.setObjectName("note")
        self.chain = QLabel()
        self.chain.setWordWrap(True)
        self.verify_button = QPushButton(_("&Verify chain"))
        self.verify_button.setToolTip(_("Check that no entry was changed or removed since it "
                                        "was written"))
        self.verify_button.clicked.connect(self.verify)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.verify_button)
        bottom.addWidget(self.chain, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.count)
        layout.addLayout(bottom)
        self._show_rows(rows)

    @staticmethod
    def _date_edit(value: date, locale: str, name: str, field: str, label: str) -> DateField:
        # The clinic's way (R4); a wrong date typed is refused by Search.
        edit = DateField(value, locale, field=field, label=label, tell_on_leave=False)
        edit.setAccessibleName(name)
        return edit

    @classmethod
    def ask(cls, parent: QWidget | None, clinic: Clinic) -> None:
        """Open it, if the service lets this person read the trail (else ClinicError)."""
        today = clinic.today()
        rows = clinic.audit.entries(start=today - timedelta(days=DEFAULT_DAYS), end=today,
                                    limit=LIMIT)
        dialog = cls(clinic, rows, parent=parent)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def filters(self) -> dict:
        """What the desk chose, as the audit service's arguments."""
        return dict(start=self.start.value(), end=self.end.value(),
                    entity=self.entity.currentData(),
                    entity_id=self.entity_id.value() or None,
                    staff_id=self.staff.currentData(),
                    action=self.action.text().strip() or None,
                    limit=LIMIT)

    def refresh(self) -> None:
        try:
            rows = self.clinic.audit.entries(**self.filters())
        except Exception as error:  # noqa: BLE001 - a refusal is shown; a bug goes on
            if explain_failure(self, error, _("Search")):
                return
            raise
        self._show_rows(rows)

    def _show_rows(self, rows: list[AuditRow]) -> None:
        self.model.set_rows(rows)
        self.details.clear()
        if len(rows) >= LIMIT:
            self.count.setText(_("The newest {limit} matching entries are shown; narrow the "
                                 "dates or filters to see older ones.").format(limit=LIMIT))
        else:
            self.count.setText(ngettext("{n} matching entry.", "{n} matching entries.",
                                        len(rows)).format(n=len(rows)))

    def _show_selected(self) -> None:
        row = selected_row(self.table)
        if row is None:
            self.details.clear()
            return
        self.details.setPlainText(
            _("Entry {number}: {action} by {who} at {when}\n\nBefore:\n{before}\n\n"
              "After:\n{after}").format(number=row.id, action=row.action, who=who(row),
                                        when=f"{row.at:%Y-%m-%d %H:%M:%S}",
                                        before=_pretty(row.before), after=_pretty(row.after)))

    def verify(self) -> None:
        try:
            check = run_busy(self, self.clinic, _("Checking the audit trail"),
                             _("Recomputing every entry's fingerprint…"),
                             lambda clinic: clinic.audit.verify())
        except Exception as error:  # noqa: BLE001 - a refusal is shown; a bug goes on
            if explain_failure(self, error, _("Check")):
                return
            raise
        if check.ok:
            self.chain.setText(_("✔ Intact: all {n} entries match the chain.").format(
                n=check.entries))
            self.chain.setStyleSheet(f"color: {style.good_colour()};")
            msgbox.information(self, _("Audit trail intact"),
                               _("All {n} entries of the audit trail match: none was changed "
                                 "or removed since it was written.").format(n=check.entries))
            return
        self.chain.setStyleSheet(f"color: {style.bad_colour()}; font-weight: 600;")
        paragraphs = []
        if check.first_broken_id is not None:
            self.chain.setText(_("✘ Broken at entry {number}.").format(
                number=check.first_broken_id))
            shown = select_id(self.table, check.first_broken_id)
            parts = [_("Entry {number} does not match the chain: it, or an entry just before "
                       "it, was changed or removed outside ClinicDesk.").format(
                           number=check.first_broken_id)]
            if check.entries > 1:
                parts.append(ngettext("The {n} entry before it is intact.",
                                      "The {n} entries before it are intact.",
                                      check.entries - 1).format(n=check.entries - 1))
            if not shown:
                parts.append(_("Widen the filters to see that entry."))
            paragraphs.append(" ".join(parts))
            # (the chain's own sentence is the one above, said for this screen)
            paragraphs += check.sentences()[1:]
        else:
            # A whole chain, but its end cut off or rewritten, or money without its entries
            # (R29, issue 15): what the anchors and the money rows say was lost.
            self.chain.setText(_("✘ Entries missing or rewritten.") if check.lost
                               else _("✘ Money recorded without its audit entries."))
            paragraphs += check.sentences()
        msgbox.show(self, _("Audit trail altered"),
                    "\n\n".join(paragraphs) + "\n\n"
                    + _("Keep a copy of the clinic file and tell whoever supports ClinicDesk."),
                    icon=msgbox.Icon.Critical)
