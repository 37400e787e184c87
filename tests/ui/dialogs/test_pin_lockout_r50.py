"""R50 at the desk, typed as a person would: wrong PINs at the sign-in start a countdown
with the PIN field disabled; after ten the sign-in offers Unlock…, where a manager's PIN
lets the person in again; manager approval shows the manager's own lockout; Settings › Staff
lists who is locked out and unlocks the one selected."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt

from app.services import auth
from app.ui.dialogs.manager_approval import ManagerApprovalDialog
from app.ui.dialogs.sign_in import SignInDialog
from app.ui.dialogs.unlock_staff import UnlockDialog
from app.ui.settings.staff import StaffPage

from ui.helpers import click


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                        parallelism=1))


@pytest.fixture
def staffed(clinic, catalog):
    clinic.auth.set_secret(catalog["ana"], "2468")
    clinic.auth.set_secret(catalog["desk"], "1111")
    return catalog


def open_sign_in(qtbot, clinic, staff_id) -> SignInDialog:
    dialog = SignInDialog(clinic, locked=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.select(staff_id)
    return dialog


def type_wrong(qtbot, dialog, times):
    for _ in range(times):
        qtbot.keyClicks(dialog.secret, "0000")
        qtbot.keyClick(dialog.secret, Qt.Key.Key_Return)


def test_r50_the_fifth_wrong_pin_disables_the_field_and_counts_down(qtbot, clinic, staffed,
                                                                   shown, clock):
    dialog = open_sign_in(qtbot, clinic, staffed["desk"])
    assert dialog.lock_note.isHidden() and dialog.secret.isEnabled()
    type_wrong(qtbot, dialog, 5)
    assert shown.last.endswith("Chloe Desk is locked out for 30 s after 5 wrong PINs in a "
                               "row. Try again then, or ask a manager to unlock them.")
    assert not dialog.secret.isEnabled() and not dialog.ok_button.isEnabled()
    assert dialog.quit_button.isEnabled()
    assert dialog.lock_note.text.text() == ("Chloe Desk is locked out after 5 wrong PINs in a "
                                            "row. Try again in 0:30.")
    assert dialog.lock_note.timer.isActive()
    clock.advance(seconds=3)
    qtbot.waitUntil(lambda: dialog.lock_note.text.text().endswith("Try again in 0:27."),
                    timeout=3000)
    # the other person at the desk is not locked: choosing them enables the field
    dialog.select(staffed["ana"])
    assert dialog.secret.isEnabled() and dialog.lock_note.isHidden()
    dialog.select(staffed["desk"])
    assert not dialog.secret.isEnabled()
    clock.advance(seconds=27)
    qtbot.waitUntil(dialog.secret.isEnabled, timeout=3000)
    assert dialog.lock_note.isHidden() and not dialog.lock_note.timer.isActive()
    qtbot.keyClicks(dialog.secret, "1111")
    click(qtbot, dialog.ok_button)
    assert clinic.auth.current().id == staffed["desk"]


def test_r50_after_ten_the_sign_in_offers_unlock_and_a_managers_pin_ends_it(
        qtbot, clinic, staffed, shown, clock, drive):
    for _ in range(10):
        try:
            clinic.auth.sign_in(staffed["desk"], "0000")
        except Exception:
            pass
        clock.advance(minutes=9)
    dialog = open_sign_in(qtbot, clinic, staffed["desk"])
    assert not dialog.secret.isEnabled() and not dialog.lock_note.timer.isActive()
    assert "a manager must unlock them" in dialog.lock_note.text.text()
    assert dialog.lock_note.unlock_button.isVisible()

    tries = iter(["0000", "2468"])

    def unlock(d: UnlockDialog) -> None:
        assert d.manager.currentText() == "Ana Silva"  # Chloe herself is not offered
        qtbot.keyClicks(d.secret, next(tries))
        click(qtbot, d.ok_button)

    drive(UnlockDialog, unlock)
    click(qtbot, dialog.lock_note.unlock_button)  # a wrong manager's PIN: still locked
    assert shown.last == "Wrong PIN for Ana Silva: Chloe Desk is still locked out."
    assert not dialog.secret.isEnabled()
    click(qtbot, dialog.lock_note.unlock_button)
    assert dialog.secret.isEnabled() and dialog.lock_note.isHidden()
    qtbot.keyClicks(dialog.secret, "1111")
    click(qtbot, dialog.ok_button)
    assert clinic.auth.current().id == staffed["desk"]


def test_r50_manager_approval_shows_the_managers_own_lockout(qtbot, clinic, staffed, shown):
    clinic.auth.sign_in(staffed["desk"], "1111")
    dialog = ManagerApprovalDialog(clinic, "refund a package")
    qtbot.addWidget(dialog)
    dialog.show()
    type_wrong(qtbot, dialog, 5)
    assert "Ana Silva is locked out for 30 s after 5 wrong PINs" in shown.last
    assert not dialog.secret.isEnabled() and not dialog.ok_button.isEnabled()
    assert dialog.lock_note.text.text().startswith("Ana Silva is locked out after 5")
    assert dialog.lock_note.unlock_button.isHidden()  # no other manager to unlock her


def test_r50_settings_staff_lists_who_is_locked_and_unlocks_them(qtbot, clinic, staffed,
                                                                 shown, drive):
    for _ in range(5):
        try:
            clinic.auth.sign_in(staffed["desk"], "0000")
        except Exception:
            pass
    clinic.auth.sign_in(staffed["ana"], "2468")
    page = StaffPage(clinic)
    qtbot.addWidget(page)
    page.show()
    assert page.lockouts.text.text() == "Locked out: Chloe Desk: 5 wrong PINs, 30 s left."
    page.refresh(select=staffed["ana"])
    assert not page.lockouts.unlock_button.isEnabled()
    page.refresh(select=staffed["desk"])
    assert page.lockouts.unlock_button.isEnabled()

    def unlock(d: UnlockDialog) -> None:
        assert d.manager.currentText() == "Ana Silva"  # the manager signed in, chosen
        qtbot.keyClicks(d.secret, "2468")
        click(qtbot, d.ok_button)

    drive(UnlockDialog, unlock)
    click(qtbot, page.lockouts.unlock_button)
    assert shown.last == "Chloe Desk can sign in again with their PIN."
    assert page.lockouts.text.isHidden() and not page.lockouts.unlock_button.isEnabled()
    assert not clinic.auth.lockout(staffed["desk"]).locked
