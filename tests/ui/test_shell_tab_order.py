"""Tab goes through the shell's dialogs in the order a person reads them (issue 8): the
fields top to bottom, then the buttons; and the fields have names a screen reader says."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from app.ui.dialogs.backups import BackupsDialog
from app.ui.dialogs.first_manager import FirstManagerDialog
from app.ui.dialogs.first_run import FirstRunDialog
from app.ui.dialogs.sign_in import SignInDialog
from app.ui.forms import focus_chain


def on_screen(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def reached(dialog) -> list:
    """What Tab reaches, in order, of what is shown and can be used."""
    return [w for w in focus_chain(dialog) if w.isVisible() and w.isEnabled()]


def index_of(chain: list, widget) -> int:
    """Where `widget` (or the editor inside it) comes in the chain."""
    for position, candidate in enumerate(chain):
        if candidate is widget or widget.isAncestorOf(candidate):
            return position
    raise AssertionError(f"{widget!r} is not reached by Tab")


def assert_in_order(chain: list, *widgets) -> None:
    """Tab goes round: from the first widget named, the others come in the order named."""
    start = index_of(chain, widgets[0])
    chain = chain[start:] + chain[:start]
    positions = [index_of(chain, w) for w in widgets]
    assert positions == sorted(positions), positions


def test_sign_in_name_pin_then_buttons(qtbot, clinic, catalog):
    clinic.auth.set_secret(catalog["desk"], "1111")
    dialog = on_screen(qtbot, SignInDialog(clinic))
    chain = reached(dialog)
    assert_in_order(chain, dialog.staff, dialog.secret, dialog.ok_button, dialog.quit_button)
    assert dialog.staff.accessibleName() and dialog.secret.accessibleName()


def test_first_manager_fields_top_to_bottom_then_buttons(qtbot, clinic):
    dialog = on_screen(qtbot, FirstManagerDialog(clinic))
    chain = reached(dialog)
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert_in_order(chain, dialog.name, dialog.secret, dialog.confirmation, dialog.practitioner,
                    dialog.ok_button)
    assert_in_order(chain, dialog.name, dialog.practitioner, cancel)
    assert all(field.accessibleName() for field in (dialog.name, dialog.secret,
                                                    dialog.confirmation))


def test_first_run_fields_then_start(qtbot, tmp_path, clock):
    from app.services import Clinic
    with Clinic.open(tmp_path / "new.db", clock=clock) as fresh:
        dialog = on_screen(qtbot, FirstRunDialog(fresh))
        fields = dialog.details.fields
        chain = reached(dialog)
        assert_in_order(chain, fields["name"], fields["address"], fields["currency"],
                        fields["locale"], fields["language"], dialog.ok_button)
        dialog.close()


def test_backups_list_then_restore_choose_close(qtbot, clinic):
    clinic.backup.create(reason="manual")
    dialog = on_screen(qtbot, BackupsDialog(clinic))
    chain = reached(dialog)
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close)
    assert_in_order(chain, dialog.table, dialog.restore_button, dialog.choose_button, close)
    assert dialog.table.accessibleName() == "Backups"
