"""Shortcut keys as the desk reads them in tooltips (the keys themselves: app.ui.shortcuts)."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence


def key_text(key: str) -> str:
    """A shortcut as this computer writes it (Ctrl+P; ⌘P on a Mac)."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
