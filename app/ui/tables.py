"""Table views set up the same way everywhere: whole rows, sortable, read-only."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from .models.base import SORT_ROLE, RowsModel


def make_proxy(model: RowsModel, parent=None) -> QSortFilterProxyModel:
    """Sorting by the model's raw values (cents, dates), filtering on every column's text."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return proxy


RESIZE_ROWS = 60


def make_table(model, parent: QWidget | None = None, *, stretch: int | None = None,
               sortable: bool = True) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(sortable)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(28)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Widths from the first rows (and those on screen), not from up to 1,000 rows at every
    # layout: a busy day's list cost ~25,000 data() calls, a tenth of start-up (issue 6).
    header.setResizeContentsPrecision(RESIZE_ROWS)
    header.setMinimumSectionSize(70)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    if sortable:
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    return view


def wrap_long_text(view: QTableView) -> None:
    """The stretching column (a description, a refund's story) wraps onto a second line
    instead of ending in "…" when the window is narrower than its text; the other columns
    keep their one line, sized to their contents. For short lists: each row's height is
    measured."""
    view.setWordWrap(True)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    rows = view.verticalHeader()
    rows.setResizeContentsPrecision(RESIZE_ROWS)
    rows.setMinimumSectionSize(rows.defaultSectionSize())
    rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


def selected_row(view: QTableView):
    """The row object under the current selection, through any proxy; None if nothing."""
    indexes = view.selectionModel().selectedRows() if view.selectionModel() else []
    if not indexes:
        return None
    index = indexes[0]
    model = view.model()
    while isinstance(model, QSortFilterProxyModel):
        index = model.mapToSource(index)
        model = model.sourceModel()
    return model.row_at(index.row())


def select_id(view: QTableView, ident: int | None) -> bool:
    """Select the row whose `.id` is `ident`, so the desk sees what it just saved."""
    if ident is None:
        return False
    model = view.model()
    source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else model
    for row in range(source.rowCount()):
        if source.row_at(row).id == ident:
            index = source.index(row, 0)
            if isinstance(model, QSortFilterProxyModel):
                index = model.mapFromSource(index)
                if not index.isValid():
                    return False
            view.selectRow(index.row())
            view.scrollTo(index)
            return True
    return False


def reload(view: QTableView, model: RowsModel, rows, select: int | None = None) -> None:
    """New rows, keeping the desk's selection (or moving it to `select`, just saved)."""
    current = selected_row(view)
    model.set_rows(rows)
    select_id(view, select if select is not None else
              current.id if current is not None else None)
