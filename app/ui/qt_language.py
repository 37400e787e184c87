"""Qt's own words (OK, Cancel, Yes, No, the date picker's...) in the desk's language.

Our messages come from app/locale (app.i18n); the words Qt writes itself on standard
buttons and dialogs come from Qt's own catalogue, qtbase_<lang>.qm, shipped with PySide6.
One translator on the application, installed for French and removed for English.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app import i18n

_translator: QTranslator | None = None


def apply_qt_language(code: str) -> bool:
    """Install Qt's catalogue for `code` (removing any other); True if Qt now speaks it."""
    global _translator
    app = QCoreApplication.instance()
    if app is None:
        return False
    if _translator is not None:
        app.removeTranslator(_translator)
        _translator = None
    if code == i18n.ENGLISH:
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(code), "qtbase", "_", folder):
        return False
    app.installTranslator(translator)
    _translator = translator
    return True


def apply_language(code: str) -> None:
    """The whole desk in `code`: our messages and Qt's."""
    i18n.set_language(code)
    apply_qt_language(code)
