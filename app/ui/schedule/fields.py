"""Fields the booking and reschedule dialogs share: a start time on the grid's quarter hours,
and a patient found by typing."""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QDialogButtonBox, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.patients import PatientRow

from ..date_fields import DateField, qt_date_format  # noqa: F401 - qt_date_format: its old home
from ..formats import Formats
from .day_layout import FIRST_HOUR, LAST_HOUR, quarter_hours

#: Wait this long after the last key before searching, so typing "Lopez" is one query.
SEARCH_DELAY_MS = 150
SEARCH_LIMIT = 30


class TimeCombo(QComboBox):
    """Start times every 15 minutes; typing "9" jumps to 9:00."""

    def __init__(self, formats: Formats, parent: QWidget | None = None):
        super().__init__(parent)
        self._f = formats
        for start in quarter_hours(FIRST_HOUR, LAST_HOUR):
            self.addItem(formats.time(datetime.combine(date.today(), start)), start)
        self.setMaxVisibleItems(16)

    def set_time(self, value: time) -> None:
        index = self.findData(value)
        if index < 0:
            # An existing visit off the quarter hours (say 9:05) keeps its own time.
            index = next((i for i in range(self.count()) if self.itemData(i) > value),
                         self.count())
            self.insertItem(index, self._f.time(datetime.combine(date.today(), value)), value)
        self.setCurrentIndex(index)

    def value(self) -> time:
        return self.currentData()


def name_buttons(dialog, ok: str) -> None:
    """A form dialog's OK says what it does, and Cancel is in the desk's language whether or
    not Qt's own translations are installed."""
    dialog.ok_button.setText(ok)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))


def date_edit(day: date, formats: Formats) -> DateField:
    """The appointment's date with its weekday, the clinic's way ("Mon, Mar 2, 2026",
    "lun. 2 mars 2026"); a wrong date typed is refused by the dialog's OK."""
    edit = DateField(day, formats.locale, field="start", label="appointment date",
                     tell_on_leave=False)
    edit.setAccessibleName(_("Date"))
    return edit


def show_dates_like_the_clinic(edit: DateField, locale: str, *, long: bool) -> None:
    """Month and weekday names, and their order, in the clinic's locale (R4).

    long: "Monday, March 2, 2026" / "lundi 2 mars 2026"; else "Mon, Mar 2, 2026".
    """
    edit.follow_locale(locale, long=long)


class PatientPicker(QComboBox):
    """Type part of a name, a phone number or an email; matching patients drop down."""

    patient_changed = Signal(object)  # the chosen patient's id, or None

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lineEdit().setPlaceholderText(_("Type a name, phone number or email…"))
        # Wide enough for its hint whole (longer in French), and so for a long name with
        # its phone number; beside it sit the clear button and the drop-down arrow.
        hint = self.fontMetrics().horizontalAdvance(self.lineEdit().placeholderText())
        self.setMinimumWidth(hint + 5 * self.fontMetrics().averageCharWidth() + 48)
        self.setAccessibleName(_("Patient"))
        self.lineEdit().setClearButtonEnabled(True)
        completer = QCompleter(self.model(), self)
        # The service already matched; the popup lists its answer as is.
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.search)
        self.lineEdit().textEdited.connect(self._typed)
        self.currentIndexChanged.connect(self._check)
        # Enter on what was typed picks the patient when only one matches (issue 14).
        self.lineEdit().returnPressed.connect(self._pick_the_only_match)
        self._last: int | None = None
        self._fill(clinic.patients.search("", limit=SEARCH_LIMIT), "")

    @property
    def patient_id(self) -> int | None:
        index = self.currentIndex()
        if index < 0 or self.currentText() != self.itemText(index):
            return None
        return self.itemData(index)

    def choose(self, patient: PatientRow) -> None:
        if self.findData(patient.id) < 0:
            self.addItem(_label(patient), patient.id)
        self.setCurrentIndex(self.findData(patient.id))
        self._check()

    def search(self) -> None:
        typed = self.lineEdit().text()
        self._fill(self.clinic.patients.search(typed, limit=SEARCH_LIMIT), typed)
        if self.count() and self.lineEdit().hasFocus():
            self.completer().complete()

    def _fill(self, patients: list[PatientRow], typed: str) -> None:
        self.blockSignals(True)
        self.clear()
        for patient in patients:
            self.addItem(_label(patient), patient.id)
        self.setCurrentIndex(-1)
        self.setEditText(typed)
        self.blockSignals(False)

    def _pick_the_only_match(self) -> None:
        if self.timer.isActive():  # Enter came before the search: search now
            self.timer.stop()
            self.search()
        if self.patient_id is None and self.count() == 1:
            self.setCurrentIndex(0)
            self.completer().popup().hide()
            self._check()

    def _typed(self, _text: str) -> None:
        self.timer.start()
        self._check()

    def _check(self, *_args) -> None:
        if self.patient_id != self._last:
            self._last = self.patient_id
            self.patient_changed.emit(self._last)


def _label(patient: PatientRow) -> str:
    return f"{patient.full_name} · {patient.phone}" if patient.phone else patient.full_name
