"""What the desk sees instead of the program vanishing when ClinicDesk itself has a bug."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from app.i18n import _


class BugReportDialog(QDialog):
    CONTINUE, QUIT = 1, 2

    def __init__(self, details: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("ClinicDesk ran into a problem"))
        self.resize(640, 420)
        intro = QLabel(_("Something went wrong inside ClinicDesk. What you were doing just "
                         "now may not have been saved; everything saved before it is safe."
                         "\n\nPlease copy the details below and send them to whoever "
                         "supports ClinicDesk for you."))
        intro.setWordWrap(True)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setAccessibleName(_("Details"))
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox()
        copy = QPushButton(_("Copy details"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        keep = buttons.addButton(_("Keep working"), QDialogButtonBox.ButtonRole.AcceptRole)
        keep.clicked.connect(lambda: self.done(self.CONTINUE))
        leave = buttons.addButton(_("Quit ClinicDesk"), QDialogButtonBox.ButtonRole.RejectRole)
        leave.clicked.connect(lambda: self.done(self.QUIT))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, details: str) -> bool:
        """True to keep working, False to quit."""
        return cls(details, parent).exec() != cls.QUIT
