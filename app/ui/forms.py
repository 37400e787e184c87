"""Form dialogs: OK asks the service; a refusal is shown and the dialog stays open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (QAbstractSpinBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLineEdit, QProgressBar, QSizePolicy,
                               QVBoxLayout, QWidget)

from app.i18n import _
from app.services.errors import ClinicError

from . import msgbox


class FormDialog(QDialog):
    """Subclasses build their fields into `self.form` (or `self.body`) and implement `save`.

    `fields` maps a service field name (ValidationError.field) to the widget that holds it,
    so a refusal puts the cursor where the desk must correct it.
    """

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.fields: dict[str, QWidget] = {}
        # What `ask` hands back on OK: the id a save created or changed, else True.
        self.outcome: object = True
        outer = QVBoxLayout(self)
        self.body = QVBoxLayout()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.body.addLayout(self.form)
        outer.addLayout(self.body)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        self._tab_order_done = False

    def showEvent(self, event: QShowEvent) -> None:
        if not self._tab_order_done:
            # The buttons were made before the subclass's fields: Tab reaches them last.
            self._tab_order_done = True
            buttons_last(self, self.buttons)
        super().showEvent(event)

    @property
    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def save(self) -> None:
        """Call the service; a ClinicError it raises is the refusal shown to the desk."""
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.save()
        except ClinicError as error:
            msgbox.refusal(self, error, self.refusal_title(error))
            focus(self.widget_for(error))
            return
        super().accept()

    def refusal_title(self, error: ClinicError) -> str | None:
        """The refusal box's title; None: "Not saved"."""
        return None

    def widget_for(self, error: ClinicError) -> QWidget | None:
        return self.fields.get(getattr(error, "field", None))

    @classmethod
    def ask(cls, parent: QWidget | None, *args, **kwargs):
        """Run the dialog modally: its `outcome` when saved, None when cancelled."""
        dialog = cls(*args, parent=parent, **kwargs)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.outcome
        finally:
            dialog.deleteLater()  # else every dialog ever opened lives on as the parent's child


def focus_chain(window: QWidget) -> list[QWidget]:
    """The widgets of `window` that Tab can reach, in the order it reaches them."""
    chain, widget = [], window.nextInFocusChain()
    while widget is not window and widget is not None and len(chain) < 500:
        if (window.isAncestorOf(widget) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and widget.focusProxy() is None):
            chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def buttons_last(window: QWidget, buttons: QWidget) -> None:
    """Tab goes through the fields first, then the dialog's buttons."""
    chain = focus_chain(window)
    order = ([w for w in chain if not buttons.isAncestorOf(w)]
             + [w for w in chain if buttons.isAncestorOf(w)])
    for first, second in zip(order, order[1:]):
        QWidget.setTabOrder(first, second)


def focus(widget: QWidget | None) -> None:
    if widget is None:
        return
    widget.setFocus()
    if isinstance(widget, (QLineEdit, QAbstractSpinBox)):
        widget.selectAll()


def beside(*widgets: QWidget) -> QWidget:
    """Widgets on one form row, packed to the left."""
    holder = QWidget()
    # Fixed height: otherwise a form gives its spare space to this row and splits label and field.
    holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return holder


def hidden_progress_bar() -> QProgressBar:
    """A progress bar for a long job, hidden until the job starts; it keeps its place while
    hidden, so the dialog does not jump when the bar appears."""
    bar = QProgressBar()
    bar.setAccessibleName(_("Progress"))
    keep = bar.sizePolicy()
    keep.setRetainSizeWhenHidden(True)
    bar.setSizePolicy(keep)
    bar.hide()
    return bar
