"""This desk computer's own settings (QSettings), as opposed to the clinic's (in its file).

Each desk may sit somewhere different: how long before it locks itself, where its window
was and which tab it showed last. An INI file in the user's config folder; tests point
QSettings at a temporary folder (QSettings.setPath) before reading or writing it.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings


def desk_settings() -> QSettings:
    """This computer's own settings (an INI file in the user's config folder)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                     "ClinicDesk", "ClinicDesk")
