"""One section of a report on screen: its rows (sortable), how many, the totals per group
with the grand total, and a chart beside them when the report has one."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QBoxLayout, QHeaderView, QLabel,
                               QSizePolicy, QTableView, QVBoxLayout, QWidget)

from app.i18n import _, ngettext
from app.services.reports import Section

from ..formats import Formats
from ..models.reports import SectionModel, SectionProxy, TotalsModel, count_text
from ..tables import make_table
from .chart import Bar, BarChart
from .kinds import Words

MEASURED_ROWS = 200
CELL_PADDING = 20  # the stylesheet's 6 px a side, the grid, a little air
#: Rows a section keeps on screen however many sections share the window.
MIN_VISIBLE_ROWS = 4
#: The column that takes the spare width: a name, so the figures stay by their headings.
STRETCH_KEYS = ("package_name", "staff_name", "patient_name")
#: A heading's padding (the stylesheet's), and its sort arrow.
HEADING_PADDING = 20
SORT_ARROW_ROOM = 8


def _height(table: QTableView, rows: int) -> int:
    """Height of the headings and `rows` rows, with the sideways scroll bar if it shows."""
    bar = table.horizontalScrollBar()
    sideways = bar.sizeHint().height() if bar.maximum() > 0 else 0
    return (table.horizontalHeader().sizeHint().height()
            + rows * table.verticalHeader().defaultSectionSize()
            + sideways + 2 * table.frameWidth() + 2)


class _ColumnFit(QObject):
    """Columns as wide as their cells and headings; the spare width goes to one column (a
    name), again whenever the table is resized. Qt's own fit reserves a square as tall as
    the two-line headings for the sort arrow, which pushed Compensation's last columns off
    the screen."""

    def __init__(self, table: QTableView, arrow: int,
                 widest: Callable[[int], list[str]] | None = None):
        super().__init__(table)
        self.table, self.arrow, self.widest = table, arrow, widest
        self.widths: list[int] = []
        self.spare = 0
        table.viewport().installEventFilter(self)

    def fit(self, spare: int) -> None:
        header, model = self.table.horizontalHeader(), self.table.model()
        header.setStretchLastSection(False)
        font = QFont(header.font())
        font.setBold(True)  # as the stylesheet shows headings
        metrics = QFontMetrics(font)
        cell_metrics = self.table.fontMetrics()
        least = header.minimumSectionSize()
        self.widths = []
        for column in range(model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            heading = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            needed = max(metrics.horizontalAdvance(line) for line in heading.split("\n"))
            cells = self.table.sizeHintForColumn(column)
            if self.widest is not None:
                cells = max([cells] + [cell_metrics.horizontalAdvance(text) + CELL_PADDING
                                       for text in self.widest(column)])
            self.widths.append(max(cells, needed + HEADING_PADDING + self.arrow, least))
        self.spare = spare
        self.spread()

    def spread(self) -> None:
        header = self.table.horizontalHeader()
        free = max(self.table.viewport().width() - sum(self.widths), 0)
        for column, width in enumerate(self.widths):
            header.resizeSection(column, width + (free if column == self.spare else 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.widths:
            self.spread()
        return False


class SectionView(QWidget):
    def __init__(self, formats: Formats, parent: QWidget | None = None):
        super().__init__(parent)
        self._f = formats
        self.section: Section | None = None
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.title.setStyleSheet("font-size: 14px; font-weight: 600;")
        self.model = SectionModel(formats, self)
        self.proxy = SectionProxy(self.model, self)
        self.table = make_table(self.proxy, self)
        self.table.setTabKeyNavigation(False)  # arrows move in the table; Tab leaves it
        # Columns are measured once per report (_ColumnFit), on a sample of rows and the
        # figures' extremes; Qt's fit-to-contents measured a thousand rows at every layout.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setResizeContentsPrecision(MEASURED_ROWS)
        self.table.setAccessibleName(_("Report rows"))
        self.table.horizontalScrollBar().rangeChanged.connect(lambda *_: self._fit())
        self.empty = QLabel()
        self.empty.setObjectName("emptyNote")
        self.empty.setWordWrap(True)
        self.count = QLabel()
        self.count.setObjectName("note")
        self.count.setAccessibleName(_("Row count"))

        self.totals_model = TotalsModel(formats, self)
        self.totals = make_table(self.totals_model, self, sortable=False)
        self.totals.setAccessibleName(_("Totals"))
        self.totals.horizontalHeader().setStretchLastSection(False)
        self.totals.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.totals.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.totals.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.totals.horizontalScrollBar().rangeChanged.connect(lambda *_: self._fit())
        self._table_columns = _ColumnFit(self.table, SORT_ARROW_ROOM, self.model.widest)
        self._totals_columns = _ColumnFit(self.totals, 0)
        self.chart = BarChart(self)
        self.chart.hide()

        self._below = below = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        below.addWidget(self.totals, 3)
        below.addWidget(self.chart, 2, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.count)
        layout.addLayout(below)
        # Spare height goes to the rows, never between the lines of an empty section.
        for widget in (self.title, self.empty, self.count):
            widget.setSizePolicy(widget.sizePolicy().horizontalPolicy(),
                                 QSizePolicy.Policy.Fixed)

    def show_section(self, section: Section | None, *, title: str = "", empty: str = "",
                     words: Words | None = None, grand_label: str = "",
                     chart: tuple[str, list[Bar]] | None = None) -> None:
        """`title`, `empty`: the section's name and what it says with no rows, in the desk's
        language (else the service's words); `words`: what one row is ("{n} sale")."""
        self.section = section
        # The service's order (by date, or "No Staff Member" first) until a heading is
        # clicked; sorting then goes by the raw values (cents, dates).
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.set_section(section)
        if section is None:
            self.totals_model.set_section(None)
            self.title.clear()
            self.count.clear()
            self.empty.clear()
            self.chart.hide()
            return
        title = title or _(section.title)
        self.title.setText(title)
        self.table.setAccessibleName(title)
        self.totals.setAccessibleName(_("{section}: totals").format(section=title))
        self.empty.setText(empty or _(section.empty_text))
        has_rows = bool(section.rows)
        # an empty section is its title and one sentence, no taller; rows take the room
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred
                           if has_rows else QSizePolicy.Policy.Maximum)
        self.table.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        self.totals.setVisible(has_rows)
        keys = [c.key for c in section.columns]
        self._table_columns.fit(next((keys.index(k) for k in STRETCH_KEYS if k in keys), 0))
        self.count.setText(self._count_text(section, words))
        self.totals_model.set_section(section, count_heading=_(words.heading) if words else "",
                                      grand_label=grand_label)
        self._totals_columns.fit(0)
        self._fit()
        if chart is not None and has_rows:
            self.chart.set_bars(*chart)
            self.chart.show()
        else:
            self.chart.hide()
        self._arrange()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """The chart beside the totals, or under them when the totals need more than their
        share of the width: the books' roll-forward has eight figures, and its closing one
        hid behind a sideways scroll bar."""
        needed = sum(self._totals_columns.widths) + 2 * self.totals.frameWidth()
        under = self.chart.isVisibleTo(self) and needed > self.width() * 3 // 5
        self._below.setDirection(QBoxLayout.Direction.TopToBottom if under
                                 else QBoxLayout.Direction.LeftToRight)

    def _count_text(self, section: Section, words: Words | None) -> str:
        listed = len(section.rows)
        rows = (words.text(listed, self._f) if words is not None else
                ngettext("{n} row", "{n} rows", listed).format(n=count_text(listed, self._f)))
        if section.count == listed:
            return rows
        return _("{rows} listed, {counted} counted in the totals").format(
            rows=rows, counted=count_text(section.count, self._f))

    def _fit(self) -> None:
        """A few rows stay in sight however little room there is; the totals show every
        group and the grand total (a clinic offers tens of packages, not hundreds: the
        report scrolls rather than hide its grand total), the chart's bars beside them."""
        rows = self.model.rowCount()
        self.table.setMinimumHeight(_height(self.table, min(max(rows, 1), MIN_VISIBLE_ROWS)))
        height = _height(self.totals, self.totals_model.rowCount())
        self.totals.setFixedHeight(height)
        self.chart.align(self.totals.frameWidth() + self.totals.horizontalHeader().sizeHint()
                         .height(), self.totals.verticalHeader().defaultSectionSize())
        # Bars per package row (Package Liability, Sales Tax) outnumber the totals' one grand
        # total: the chart then takes the height its bars need.
        self.chart.setFixedHeight(max(height, self.chart.sizeHint().height()))
