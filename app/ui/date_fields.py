"""Every date field of the desk: the clinic's way of writing dates (R4), a calendar pop-up
whose weekdays and days can be read, and whole dates typed as the desk reads them (R30).

Qt's QDateEdit only takes what its display format spells, one section at a time: "Dec 2,
2026" typed over "Wed, Dec 2, 2026" is refused key by key, and a year typed short ends up
as the year 26. Here the field is a plain text field while the desk types; on Enter or on
leaving it, the text is read by app.services.typed_dates (ISO, the locale's formats, month
names), and what cannot be read is refused with a message naming the field.
"""

from __future__ import annotations

import re
from datetime import date

from babel import Locale, UnknownLocaleError
from PySide6.QtCore import QDate, QDateTime, QLocale, QSize, Qt, QTime, QTimer
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QApplication, QCalendarWidget, QDateEdit, QStyle, QTableView, QWidget

from app.i18n import _
from app.services.errors import ValidationError
from app.services.typed_dates import example, typed_date
from app.services.validation import EARLIEST_DATE, LATEST_DATE

from . import msgbox

#: Room around a calendar cell's text beyond the delegate's own margins (a selected day's
#: frame, the today marker), in multiples of the font's average character width.
CELL_SPARE_CHARS = 1.2


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


#: Every month with every weekday and two-digit days: the widest text a field can show.
_WIDEST_CANDIDATES = tuple(QDate(2026, month, day) for month in range(1, 13)
                           for day in range(22, 29))


class DateField(QDateEdit):
    """A date field. `field` and `label` name it in refusals ("expiry date").

    tell_on_leave: leaving the field with text that is not a date shows why at once
    (a field of a form dialog leaves that to OK, which asks `value()`).
    """

    def __init__(self, day: date, locale: str, *, field: str, label: str, long: bool = False,
                 tell_on_leave: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.field, self.label = field, label
        self._locale = locale
        self._tell_on_leave = tell_on_leave
        #: What the desk typed and the field could not read, until it is corrected.
        self.refusal: ValidationError | None = None
        self.setCalendarPopup(True)
        self.setDateRange(_qdate(EARLIEST_DATE), _qdate(LATEST_DATE))
        self.follow_locale(locale, long=long)
        self.setDate(_qdate(day))

    def follow_locale(self, locale: str, *, long: bool = False) -> None:
        """Write dates, and name months and weekdays, in `locale` (R4)."""
        self._locale = locale
        self.setLocale(QLocale(locale))
        self.setDisplayFormat(qt_date_format(locale, long=long))
        self.calendarWidget().setLocale(QLocale(locale))
        readable_calendar(self.calendarWidget())
        self.setToolTip(example_tooltip(locale))
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        # Qt sizes the field from its first and last dates only; "Thu, Dec 31, 2026" is
        # wider than either and lost its last digit in the Reports "To" field.
        hint = super().sizeHint()
        metrics = self.fontMetrics()
        room = max(metrics.horizontalAdvance(self.textFromDateTime(limit) + " ")
                   for limit in (self.minimumDateTime(), self.maximumDateTime()))
        widest = max(metrics.horizontalAdvance(self.textFromDateTime(QDateTime(day, QTime()))
                                               + " ") for day in _WIDEST_CANDIDATES)
        if widest > room:
            hint.setWidth(hint.width() + widest - room)
        return hint

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    # -- typing -------------------------------------------------------------------------
    def validate(self, text: str, pos: int):
        state = super().validate(text, pos)
        state = state[0] if isinstance(state, tuple) else state
        # Anything may be typed; it is read on Enter or on leaving the field.
        if state == QValidator.State.Invalid:
            state = QValidator.State.Intermediate
        return state

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not self.read_typed():
                msgbox.refusal(self.window(), self.refusal)
                self.setFocus()
                self.lineEdit().selectAll()
                event.accept()  # the dialog's default button must not act on a wrong date
                return
        elif event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp,
                             Qt.Key.Key_PageDown):
            self.read_typed()  # a step goes from the date typed, if it is one
        elif self._typing_key(event):
            # Typed as in any text field. Qt's own editing goes section by section: it jumps
            # on "," or " ", puts the old date back, and turns "26" into the year 0026.
            self._hold_text(True)
            QApplication.sendEvent(self.lineEdit(), event)
            return
        super().keyPressEvent(event)

    @staticmethod
    def _typing_key(event: QKeyEvent) -> bool:
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                | Qt.KeyboardModifier.AltModifier):
            return False
        return (bool(event.text()) and event.text().isprintable()) or event.key() in (
            Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Left, Qt.Key.Key_Right,
            Qt.Key.Key_Home, Qt.Key.Key_End)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        # Tab goes to the next field, as everywhere on the desk (Qt's own hops between the
        # date's sections, which a date typed whole no longer has).
        return QWidget.focusNextPrevChild(self, next)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        if self.read_typed():
            super().focusOutEvent(event)
            return
        # Keep what was typed in view (Qt would put the old date back without a word).
        text = self.lineEdit().text()
        super().focusOutEvent(event)
        self.lineEdit().setText(text)
        if self._tell_on_leave and event.reason() != Qt.FocusReason.PopupFocusReason:
            refusal = self.refusal
            QTimer.singleShot(0, lambda: self._tell(refusal))

    def _tell(self, refusal: ValidationError | None) -> None:
        if refusal is not None and refusal is self.refusal:
            msgbox.refusal(self.window(), refusal)

    def _hold_text(self, hold: bool) -> None:
        """While the desk types, Qt must not hear of the text: on any change of it or of the
        cursor (a key, a click in the middle) it would put the old date back."""
        self.lineEdit().blockSignals(hold)

    def read_typed(self) -> bool:
        """Read the typed text into the date: True, or False with `refusal` set."""
        text = self.lineEdit().text()
        if text == self.textFromDateTime(self.dateTime()):
            self.refusal = None
            self._hold_text(False)
            return True
        try:
            day = typed_date(text, field=self.field, label=self.label, locale=self._locale,
                             today=date.today())
        except ValidationError as error:
            self.refusal = error
            return False
        self.refusal = None
        self._hold_text(False)
        self.setDate(_qdate(day))
        self.lineEdit().setText(self.textFromDateTime(self.dateTime()))
        return True

    def value(self) -> date:
        """The date shown; or the refusal of what was typed instead (for a form's OK)."""
        if not self.read_typed():
            raise self.refusal
        return self.date().toPython()


def example_tooltip(locale: str) -> str:
    return _("Type a date like {example}, or pick it from the calendar (Alt+Down).").format(
        example=example(locale))


def readable_calendar(calendar: QCalendarWidget) -> None:
    """Make the calendar wide and tall enough that every weekday and day is written whole,
    at any font or scale: its cells are measured from its font and its locale's names."""
    view = calendar.findChild(QTableView, "qt_calendar_calendarview")
    metrics = (view or calendar).fontMetrics()
    locale = calendar.locale()
    texts = [locale.dayName(day, QLocale.FormatType.ShortFormat) for day in range(1, 8)]
    texts += [locale.toString(day) for day in range(10, 32)]
    widest = max(metrics.horizontalAdvance(text) for text in texts)
    style = (view or calendar).style()
    margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    cell = widest + margin + round(CELL_SPARE_CHARS * metrics.averageCharWidth())
    columns = 7 + (calendar.verticalHeaderFormat()
                   != QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
    frame = 2 * ((view.frameWidth() if view is not None else 2) + 2)
    rows = 7  # the weekday names and six weeks
    navigation = calendar.findChild(QWidget, "qt_calendar_navigationbar")
    nav_height = navigation.sizeHint().height() if navigation is not None else metrics.height()
    width = max(columns * cell + frame,
                navigation.sizeHint().width() if navigation is not None else 0)
    calendar.setMinimumSize(width, nav_height + rows * (metrics.height() + 6) + frame)


def qt_date_format(locale: str, *, long: bool) -> str:
    """A date with its weekday in the locale's order, written the way Qt reads it: Qt's
    long format, or CLDR's (Babel's) abbreviated one ("yMMMEd") translated to Qt's letters."""
    try:
        skeletons = Locale.parse(locale).datetime_skeletons
    except (UnknownLocaleError, ValueError, TypeError):
        skeletons = {}
    if long:
        pattern = QLocale(locale).dateFormat(QLocale.FormatType.LongFormat)
        if "dddd" in pattern:
            return pattern
    skeleton = skeletons.get("yMMMEd")
    cldr = skeleton.pattern if skeleton is not None else "E, MMM d, y"
    return _cldr_to_qt(cldr)


def _cldr_to_qt(pattern: str) -> str:
    out = []
    for match in re.finditer(r"('(?:[^']|'')*')|(([A-Za-z])\3*)|(.)", pattern):
        quoted, field, other = match.group(1), match.group(2), match.group(4)
        if quoted:
            out.append(quoted)
        elif other is not None:
            out.append(other)
        elif field[0] in "yu":
            out.append("yy" if len(field) == 2 else "yyyy")
        elif field[0] in "Ec":
            out.append("dddd" if len(field) == 4 else "ddd")
        elif field[0] in "ML":
            out.append(field if len(field) <= 4 else "MMM")
        elif field[0] == "d":
            out.append(field[:2])
        else:
            out.append("'" + field + "'")
    return "".join(out)
