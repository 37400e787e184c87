"""The look: Fusion everywhere (the same on every desk) plus the clinic's stylesheet."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    sheet = RESOURCES / "style.qss"
    if sheet.exists():
        app.setStyleSheet(sheet.read_text(encoding="utf-8"))
    icon = RESOURCES / "icons" / "clinicdesk.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
