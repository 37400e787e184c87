"""The recovery sheet, shown when a clinic's key is made (issue 23): a new encrypted clinic,
or a plain one about to be encrypted. The manager prints it or saves it, and says so, before
going on: a key nobody wrote down is a clinic lost with its computer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from app.i18n import _
from app.services import Clinic, clinic_key
from app.services.credentials import has_keyring

from .print_dialog import PrintDialog


class RecoverySheetDialog(QDialog):
    def __init__(self, clinic: Clinic, key: str, *, can_cancel: bool,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic, self.key = clinic, key
        self.setWindowTitle(_("Recovery sheet"))
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        intro = QLabel(_("ClinicDesk encrypts the clinic's file and its backups, so that "
                         "nobody who copies them can read the patients' records. This is the "
                         "key. This computer keeps it, but a new computer or a restored "
                         "backup needs it typed in. Print the recovery sheet or save it (to "
                         "a USB stick kept locked away, not on this computer), then keep it "
                         "safe: without it, nobody can open the clinic on another computer.")
                       if has_keyring() else
                       _("ClinicDesk encrypts the clinic's file and its backups, so that "
                         "nobody who copies them can read the patients' records. This is the "
                         "key. This computer has no credential store to keep it in, so "
                         "ClinicDesk will ask for it at every start. Print the recovery sheet "
                         "or save it (to a USB stick kept locked away, not on this computer), "
                         "then keep it safe: without it, nobody can open the clinic."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        groups = clinic_key.recovery_text(key).split("-")
        shown = QLabel("\n".join("  ".join(groups[i:i + 4]) for i in range(0, 16, 4)))
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        shown.setFont(font)
        shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setFrameShape(QLabel.Shape.Box)
        shown.setMargin(10)
        layout.addWidget(shown)
        self.print_button = QPushButton(_("&Print or Save the Recovery Sheet…"))
        self.print_button.clicked.connect(self.print_sheet)
        layout.addWidget(self.print_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.kept = QCheckBox(_("I have printed or saved the recovery sheet and put it "
                                "somewhere safe."))
        self.kept.setEnabled(False)
        self.kept.setToolTip(_("Print or save the recovery sheet first."))
        layout.addWidget(self.kept)
        buttons = QDialogButtonBox.StandardButton.Ok
        if can_cancel:
            buttons |= QDialogButtonBox.StandardButton.Cancel
        self.buttons = QDialogButtonBox(buttons)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Continue"))
        self.ok.setEnabled(False)
        self.kept.toggled.connect(self.ok.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def reject(self) -> None:
        if self.buttons.button(QDialogButtonBox.StandardButton.Cancel) is not None:
            super().reject()  # (for a new clinic there is no going back: the file is made)

    def _write(self, clinic: Clinic, path: Path, paper: str) -> Path:
        path.write_bytes(clinic.encryption.recovery_sheet(self.key, paper))
        path.chmod(0o600)  # (the key to every patient's record: its owner's eyes only)
        return path

    def print_sheet(self) -> None:
        dialog = PrintDialog(self.clinic, writer=self._write, document=_("Recovery sheet"),
                             summary=_("The clinic's recovery key, with what to do with it."),
                             papers=("letter", "a4"), parent=self)
        dialog.pdf_ready.connect(self._sheet_kept)
        dialog.printed.connect(self._sheet_kept)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def _sheet_kept(self, *_args) -> None:
        self.kept.setEnabled(True)
        self.kept.setToolTip("")

    @classmethod
    def ask(cls, parent: QWidget | None, clinic: Clinic, key: str, *,
            can_cancel: bool) -> bool:
        dialog = cls(clinic, key, can_cancel=can_cancel, parent=parent)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()
