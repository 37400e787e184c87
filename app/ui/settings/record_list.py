"""A list the clinic maintains (treatment types, staff, no-show fees): add, edit, deactivate.

Nothing is deleted: a record in use by past invoices is deactivated, and can come back.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from app.services.errors import ClinicError

from .. import msgbox
from ..models.base import RowsModel
from ..tables import make_table, reload, selected_row


class RecordListPage(QWidget):
    def __init__(self, model: RowsModel, *, load: Callable[[], list],
                 edit: Callable[[QWidget, object | None], int | None],
                 set_active: Callable[[int, bool], None], add_text: str, name: str,
                 parent: QWidget | None = None):
        """`add_text`: the Add button ("&Add Staff Member…"); `name`: what the list is
        called, for a screen reader ("Staff"). Both already in the desk's language."""
        super().__init__(parent)
        self.model = model
        self._load, self._edit, self._set_active = load, edit, set_active
        self.table = make_table(model, self, stretch=0, sortable=False)
        self.table.setAccessibleName(name)
        self.table.setTabKeyNavigation(False)  # arrows move in the table; Tab leaves it
        self.table.doubleClicked.connect(self.edit_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(add_text)
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.active_button = QPushButton(_("&Deactivate"))
        self.active_button.clicked.connect(self.toggle_active)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.add_button, self.edit_button, self.active_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        reload(self.table, self.model, self._load(), select)
        self._update_buttons()

    def selected(self):
        return selected_row(self.table)

    def add(self) -> None:
        saved = self._edit(self, None)
        if saved is not None:
            self.refresh(select=saved)

    def edit_selected(self) -> None:
        record = self.selected()
        if record is not None and self._edit(self, record) is not None:
            self.refresh()

    def toggle_active(self) -> None:
        record = self.selected()
        if record is None:
            return
        try:
            self._set_active(record.id, not record.active)
        except ClinicError as error:
            msgbox.refusal(self, error)
        self.refresh()

    def _update_buttons(self) -> None:
        record = self.selected()
        self.edit_button.setEnabled(record is not None)
        self.active_button.setEnabled(record is not None)
        self.active_button.setText(_("&Reactivate") if record is not None and not record.active
                                   else _("&Deactivate"))
