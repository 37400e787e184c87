"""A report section as tables: its rows, and its per-group and grand totals (R21).

The columns come from the section itself (`Column.kind` says how to show and sort each), so
one model serves every report. Figures are the service's: nothing is added up here.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from babel.numbers import format_decimal
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from app.i18n import N_, _
from app.domain.states import PackageStatus
from app.services.reports import NO_STAFF, Column, DoubleCompensationRow, Group, Section

from ..formats import Formats
from .base import _DIMMED, _LEFT, _RIGHT, SORT_ROLE, Index, RowsModel
from .packages import status_name

NO_EXPIRY = N_("No expiry")
#: "No expiry" sorts after every date.
_NEVER = "9999-12-31"

FLAG_BACKGROUND = QColor("#fde2e1")
FLAG_TEXT = QColor("#991b1b")
FLAG_TIP = N_("Compensated twice: this staff member was assigned the package's sale and "
              "the appointment still compensates them for the use.")

#: The headings the report service gives its columns and groups, in English: the view
#: shows each through _() (so it follows the desk's language however the service words it).
HEADINGS = (
    N_("Date"), N_("Invoice"), N_("Patient"), N_("Package"), N_("Staff"), N_("Price"),
    N_("Tax"), N_("Collected"), N_("Refunded"), N_("Status"), N_("Treatment"),
    N_("Practitioner"), N_("Use"), N_("Per-use value"), N_("Patient Pays"),
    N_("Uses remaining"), N_("Purchased"), N_("Expires"), N_("Uses"), N_("Used"),
    N_("Remaining"), N_("Unredeemed value"), N_("Staff member"), N_("Packages sold"),
    N_("Sales value"), N_("Uses performed"), N_("Uses value"), N_("Compensated uses"),
    N_("Compensated value"), N_("Double-compensated uses"), N_("Double-compensated value"),
    N_("Flag"), N_("Sold on"),
)
#: Names in the rows that are the service's words, not the clinic's data.
NO_STAFF_NAME = N_("No Staff Member")
DOUBLE_FLAG = N_("Double compensation")
_PEOPLE = ("staff_name", "practitioner_name")


def heading(text: str) -> str:
    """A column or group heading in the desk's language."""
    return _(text) if text else text


def group_label(label: str) -> str:
    """A group's label: a package or staff member's name, or the service's "No Staff Member"."""
    return _(NO_STAFF_NAME) if label == NO_STAFF else label

_Display = Qt.ItemDataRole.DisplayRole
_Align = Qt.ItemDataRole.TextAlignmentRole
_Fore = Qt.ItemDataRole.ForegroundRole
_Back = Qt.ItemDataRole.BackgroundRole
_Tip = Qt.ItemDataRole.ToolTipRole
_Font = Qt.ItemDataRole.FontRole
_Icon = Qt.ItemDataRole.DecorationRole


def double_compensated(row) -> bool:
    """R7: a staff member's line with double-compensated uses, or one such use."""
    return isinstance(row, DoubleCompensationRow) or getattr(row, "double_uses", 0) > 0


def _is_right(column: Column) -> bool:
    return column.kind in ("money", "int")


class SectionModel(RowsModel):
    """The rows of one section, a column per `Column`; sorts money by cents, dates by date."""

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats
        self.section: Section | None = None
        self._columns: tuple[Column, ...] = ()
        self._shows: list[Callable[[Any], str]] = []
        self._keys: list[Callable[[Any], Any]] = []

    def set_section(self, section: Section | None) -> None:
        self.beginResetModel()
        self.section = section
        self._columns = section.columns if section is not None else ()
        self.COLUMNS = tuple(heading(c.heading) for c in self._columns)
        self.RIGHT = frozenset(i for i, c in enumerate(self._columns) if _is_right(c))
        self._shows = [self._shower(c) for c in self._columns]
        self._keys = [self._sorter(c) for c in self._columns]
        self._rows = list(section.rows) if section is not None else []
        self.endResetModel()

    def column_of(self, key: str) -> int | None:
        return next((i for i, c in enumerate(self._columns) if c.key == key), None)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Rows by the column's raw value (cents, dates), or as the service ordered them for
        column -1. Stable, like the proxy's own sort, so ties keep the report's order."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        held = [self._rows[index.row()] for index in before]
        if 0 <= column < len(self._columns):
            self._rows.sort(key=self._keys[column],
                            reverse=order == Qt.SortOrder.DescendingOrder)
        elif self.section is not None:
            self._rows = list(self.section.rows)
        if before:  # the selection follows its rows
            at = {id(row): i for i, row in enumerate(self._rows)}
            self.changePersistentIndexList(
                before, [self.index(at[id(row)], index.column())
                         for row, index in zip(held, before)])
        self.layoutChanged.emit()

    def widest(self, column: int) -> list[str]:
        """Texts as wide as the column's widest cell, however many rows there are (Qt
        measures only a sample): a figure's smallest and largest values; for a date, the
        28th of every month of its last year ("Sep 28, 2026" is wider than "May 1, 2026")."""
        kind, key = self._columns[column].kind, self._columns[column].key
        if not self._rows or kind not in ("money", "int", "date"):
            return []
        if kind == "date":
            years = [d.year for row in (self._rows[0], self._rows[-1])
                     if (d := getattr(row, key)) is not None] or [2000]
            return [self._f.date(date(max(years), month, 28)) for month in range(1, 13)] + (
                [_(NO_EXPIRY)] if key == "expires_on" else [])
        sort_key = self._keys[column]
        return [self._shows[column](min(self._rows, key=sort_key)),
                self._shows[column](max(self._rows, key=sort_key))]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _Display):
        value = super().headerData(section, orientation, role)
        return wrapped(value) if role == _Display and isinstance(value, str) else value

    # how each kind of column is shown and sorted
    def _shower(self, column: Column) -> Callable[[Any], str]:
        key, f = column.key, self._f
        if column.kind == "money":
            return lambda row: f.money(getattr(row, key))
        if column.kind == "date":
            empty = _(NO_EXPIRY) if key == "expires_on" else ""
            return lambda row: empty if (d := getattr(row, key)) is None else f.date(d)
        if key == "status":
            return lambda row: status_name(row.status)
        if key == "use":
            words = _("{used} of {total}")
            return lambda row: words.format(used=row.use_number, total=row.uses_total)
        if key == "flag":
            flag = _(DOUBLE_FLAG)
            return lambda row: flag if getattr(row, "double_uses", 0) else ""
        if key in _PEOPLE:
            return lambda row: group_label(v) if (v := getattr(row, key)) is not None else ""
        return lambda row: "" if (v := getattr(row, key)) is None else str(v)

    def _sorter(self, column: Column) -> Callable[[Any], Any]:
        key = column.key
        if column.kind in ("money", "int"):
            return lambda row: getattr(row, key)
        if column.kind == "date":
            return lambda row: _NEVER if (d := getattr(row, key)) is None else d.isoformat()
        if key == "use":  # "3 of 10": by the use's number, not its text
            return lambda row: row.use_number
        show = self._shower(column)
        return lambda row: show(row).casefold()

    def display(self, row, column: int) -> str:
        return self._shows[column](row)

    def sort_key(self, row, column: int):
        return self._keys[column](row)

    def dimmed(self, row) -> bool:
        return getattr(row, "status", None) == PackageStatus.VOID  # listed, not in the totals

    def data(self, index: Index, role: int = _Display):
        # Sorting a year's usage asks this tens of thousands of times: the common roles first.
        if not index.isValid():
            return None
        r, column = index.row(), index.column()
        if not 0 <= r < len(self._rows) or not 0 <= column < len(self._columns):
            return None
        row = self._rows[r]
        if role == SORT_ROLE:
            return self._keys[column](row)
        if role == _Display:
            return self._shows[column](row)
        if role == _Align:
            return _RIGHT if column in self.RIGHT else _LEFT
        if double_compensated(row):
            if role == _Back:
                return FLAG_BACKGROUND
            if role == _Fore:
                return FLAG_TEXT
            if role == _Tip:
                return _(FLAG_TIP)
            if role == _Font and self._columns[column].key == "flag":
                return _bold()
            if role == _Icon and column == 0:  # in sight even when Flag is scrolled away
                return _warning_icon()
            return None
        if role == _Fore and self.dimmed(row):
            return _DIMMED
        if role == _Tip and self.dimmed(row):
            return _("Void sale: listed, but not counted in the totals.")
        return None


class SectionProxy(QSortFilterProxyModel):
    """Hands sorting to the SectionModel. The proxy's own sort asks the model for a key
    twice per comparison: 1.6 million Python calls, five seconds with the GUI frozen, for a
    year's usage (50,000 rows); the model sorts the same keys in Python in a few hundredths.
    Filtering stays the proxy's."""

    def __init__(self, model: SectionModel, parent=None):
        super().__init__(parent)
        self.setSourceModel(model)
        self.setSortRole(SORT_ROLE)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)


class TotalsModel(RowsModel):
    """One line per group (package, staff member), then the grand total in bold: the label,
    how many rows, and each totalled column of the section."""

    def __init__(self, formats: Formats, parent=None):
        super().__init__(parent)
        self._f = formats
        self._columns: tuple[Column, ...] = ()
        self._grand: Group | None = None

    def set_section(self, section: Section | None, *, count_heading: str = "",
                    grand_label: str = "") -> None:
        self.beginResetModel()
        if section is None:
            self._columns, self._rows, self._grand = (), [], None
            self.COLUMNS, self.RIGHT = (), frozenset()
        else:
            self._columns = tuple(c for c in section.columns if c.total)
            self._grand = Group(None, grand_label or _("Total"), section.count, section.totals)
            self._rows = [*section.groups, self._grand]
            self.COLUMNS = (heading(section.group_heading or ""), count_heading or _("Rows"),
                            *(heading(c.heading) for c in self._columns))
            self.RIGHT = frozenset(range(1, len(self.COLUMNS)))
        self.endResetModel()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _Display):
        value = super().headerData(section, orientation, role)
        return wrapped(value) if role == _Display and isinstance(value, str) else value

    def is_grand_total(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row] is self._grand

    def display(self, group: Group, column: int) -> str:
        if column == 0:
            return group.label if group is self._grand else group_label(group.label)
        if column == 1:
            return count_text(group.count, self._f)
        c = self._columns[column - 2]
        value = group.totals.get(c.key, 0)
        return self._f.money(value) if c.kind == "money" else count_text(value, self._f)

    def sort_key(self, group: Group, column: int):
        if column == 0:
            return group.label.casefold()
        if column == 1:
            return group.count
        return group.totals.get(self._columns[column - 2].key, 0)

    def data(self, index: Index, role: int = _Display):
        if (role == _Font and index.isValid() and self.is_grand_total(index.row())
                and 0 <= index.column() < len(self.COLUMNS)):
            return _bold()
        return super().data(index, role)



def wrapped(heading: str, width: int = 10) -> str:
    """A long heading on two lines ("Double-compensated\\nvalue"), so nine figures fit across
    the desk's screen without scrolling sideways."""
    if len(heading) <= width or " " not in heading:
        return heading
    middle = len(heading) / 2
    at = min((i for i, ch in enumerate(heading) if ch == " "), key=lambda i: abs(i - middle))
    return f"{heading[:at]}\n{heading[at + 1:]}"


def count_text(value: int, formats: Formats) -> str:
    """A count of rows or uses with the locale's grouping (12,345 or 12 345)."""
    return format_decimal(value, locale=formats.locale)


def _warning_icon() -> QIcon | None:
    style = QApplication.style()  # None without a QApplication (a model on its own)
    return style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning) if style else None


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


__all__ = ["SectionModel", "SectionProxy", "TotalsModel", "count_text", "double_compensated"]
