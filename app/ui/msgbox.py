"""The one place message boxes are built (after qutebrowser's misc/msgbox.py).

Everything goes through `show`, so a test replaces that one function and no modal box
ever blocks a test run.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.i18n import _
from app.services.errors import ClinicError

Button = QMessageBox.StandardButton
Icon = QMessageBox.Icon


def show(parent: QWidget | None, title: str, text: str, *, icon: Icon = Icon.Information,
         buttons: Button = Button.Ok, default: Button | None = None,
         details: str = "") -> Button:
    box = QMessageBox(icon, title, text, buttons, parent)
    # Messages can quote what the desk typed; never let that be read as HTML.
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default is not None:
        box.setDefaultButton(default)
    if details:
        box.setDetailedText(details)
    return Button(box.exec())


def refusal(parent: QWidget | None, error: ClinicError, title: str | None = None) -> None:
    """A service said no: show its sentence as is; nothing was changed."""
    show(parent, _("Not saved") if title is None else title, str(error), icon=Icon.Warning)


def information(parent: QWidget | None, title: str, text: str) -> None:
    show(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes/No with No as the default, so a stray Enter never does the irreversible thing."""
    answer = show(parent, title, text, icon=Icon.Question,
                  buttons=Button.Yes | Button.No, default=Button.No)
    return answer == Button.Yes
