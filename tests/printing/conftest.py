"""The print tests (R48) print for real, through a private CUPS (tests/helpers/cups.py)."""

from tests.helpers.cups import cups  # noqa: F401 - the session's private CUPS


import pytest


@pytest.fixture(autouse=True)
def desk_settings_of_the_test(tmp_path):
    """This desk's printers (QSettings) in the test's own folder, never the real desk's."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "desk-settings"))
    yield
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "desk-settings-after"))
