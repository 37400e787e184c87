"""Every file chooser of the program (save a PDF, export a report or CSV, import, back up,
restore) starts where this desk last saved or opened a file, else in the user's Documents.

The last folder is the desk's own (desk_settings): each reception computer has its folders.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from .desk_settings import desk_settings

_LAST_FOLDER = "files/last_folder"


def documents_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def start_folder() -> str:
    """The folder a chooser opens in: the last one used on this desk, if it still exists."""
    last = desk_settings().value(_LAST_FOLDER, "", str)
    if last and Path(last).is_dir():
        return last
    return documents_folder()


def remember(path: str) -> None:
    settings = desk_settings()
    settings.setValue(_LAST_FOLDER, str(Path(path).parent))
    settings.sync()


def save_file(parent: QWidget | None, title: str, suggested: str, filters: str) -> str | None:
    """Where to save `suggested` (a file name); None when the desk cancels."""
    path, _filter = QFileDialog.getSaveFileName(parent, title,
                                                str(Path(start_folder()) / suggested), filters)
    if not path:
        return None
    remember(path)
    return path


def open_file(parent: QWidget | None, title: str, filters: str) -> str | None:
    """Which file to read; None when the desk cancels."""
    path, _filter = QFileDialog.getOpenFileName(parent, title, start_folder(), filters)
    if not path:
        return None
    remember(path)
    return path
