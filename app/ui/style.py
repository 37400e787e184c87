"""The look: Fusion everywhere (the same on every desk) plus the clinic's stylesheet.

Light or dark follows the desk's system (Qt 6's colour scheme); CLINICDESK_THEME=dark or
=light forces one (for screenshots, or a desk whose system says nothing). resources/style.qss
is written for a light window; under a dark palette the few colours it fixes (table header,
alternate rows, notes, status bar) are given dark counterparts here, and colours set in code
(good/bad words) come from `good_colour()` / `bad_colour()`.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
THEME_ENV = "CLINICDESK_THEME"  # i18n: not shown

#: Over style.qss when the palette is dark: the same calm look, inverted.
DARK_SHEET = """
QTableView {
    gridline-color: #3a4049;
    selection-background-color: #2f6db5;
    selection-color: white;
    alternate-background-color: #2a2f36;
}
QHeaderView::section {
    background: #2f353d;
    color: #e5e7eb;
    border-bottom: 1px solid #4b525c;
    border-right: 1px solid #3a4049;
}
QLabel#note { color: #aeb6c1; }
QLabel#emptyNote { color: #9ca3af; }
QStatusBar QLabel { color: #d1d5db; }
"""


def dark_palette() -> QPalette:
    """Fusion's palette in dark colours (for a system that cannot switch Qt to dark)."""
    window, base, text = QColor("#25292e"), QColor("#1d2025"), QColor("#e5e7eb")
    button, disabled, link = QColor("#30353c"), QColor("#7b828c"), QColor("#6aa6f0")
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, window), (roles.WindowText, text),
                         (roles.Base, base), (roles.AlternateBase, QColor("#2a2f36")),
                         (roles.ToolTipBase, QColor("#30353c")), (roles.ToolTipText, text),
                         (roles.PlaceholderText, QColor("#8a919b")), (roles.Text, text),
                         (roles.Button, button), (roles.ButtonText, text),
                         (roles.BrightText, QColor("#ff6b6b")), (roles.Link, link),
                         (roles.Highlight, QColor("#2f6db5")),
                         (roles.HighlightedText, QColor("#ffffff")),
                         (roles.Light, QColor("#3d434b")), (roles.Midlight, QColor("#353a41")),
                         (roles.Mid, QColor("#2a2e34")), (roles.Dark, QColor("#17191d")),
                         (roles.Shadow, QColor("#000000"))):
        palette.setColor(role, colour)
    group = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(group, role, disabled)
    return palette


def is_dark(palette: QPalette | None = None) -> bool:
    """True when windows are drawn dark (light text on a dark window)."""
    if palette is None:
        palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def good_colour() -> str:
    """Text that says "all is well" (an intact audit trail), readable on this palette."""
    return "#4ade80" if is_dark() else "#166534"


def bad_colour() -> str:
    """Text that says "something is wrong", readable on this palette."""
    return "#f87171" if is_dark() else "#b91c1c"


def forced_theme() -> str:
    """"dark", "light" or "" (follow the system), from CLINICDESK_THEME."""
    theme = os.environ.get(THEME_ENV, "").strip().lower()
    return theme if theme in ("dark", "light") else ""


def apply(app: QApplication, theme: str | None = None) -> None:
    """Fusion, light or dark (`theme`, else CLINICDESK_THEME, else the system's), and the
    clinic's stylesheet to match."""
    theme = forced_theme() if theme is None else theme
    app.setStyle("Fusion")
    hints = app.styleHints()
    if theme and hasattr(hints, "setColorScheme"):  # Qt 6.8+
        hints.setColorScheme(Qt.ColorScheme.Dark if theme == "dark" else Qt.ColorScheme.Light)
    palette = app.palette()
    if theme == "dark" and not is_dark(palette):
        palette = dark_palette()  # the platform ignored the request (offscreen, old desktops)
        app.setPalette(palette)
    elif theme == "light" and is_dark(palette):
        palette = app.style().standardPalette()
        if is_dark(palette):
            palette = QPalette(QColor("#efefef"))
        app.setPalette(palette)
    sheet = RESOURCES / "style.qss"
    text = sheet.read_text(encoding="utf-8") if sheet.exists() else ""
    if is_dark(palette):
        text += DARK_SHEET
    app.setStyleSheet(text)
    icon = RESOURCES / "icons" / "clinicdesk.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    if not theme and hasattr(hints, "colorSchemeChanged") and not app.property("followsScheme"):
        # The desk switched its system to dark (or back) while ClinicDesk was open.
        app.setProperty("followsScheme", True)  # i18n: not shown
        hints.colorSchemeChanged.connect(lambda _scheme: apply(app, ""))
