"""R45 Settings › Gift cards: never (the default) or "expire after N months", saved with OK;
a card sold then shows its last day in Gift Card Balance, and an expired one says so."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from app.ui.dialogs.gift_card_dialogs import GiftCardBalanceDialog
from app.ui.settings import SettingsDialog

from ui.helpers import click, retype


def open_gift_cards(qtbot, clinic):
    dialog = SettingsDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.gift_cards)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Gift cards"
    return dialog


def test_r45_cards_never_expire_until_the_manager_sets_months(qtbot, clinic, shown):
    dialog = open_gift_cards(qtbot, clinic)
    page = dialog.gift_cards
    assert page.never.isChecked() and not page.months.isEnabled()
    qtbot.keyClick(page.never, Qt.Key.Key_Space)  # untick: the months can be typed
    assert page.months.isEnabled()
    retype(qtbot, page.months.lineEdit(), "18")
    click(qtbot, dialog.ok_button)
    assert shown.boxes == [] and not dialog.isVisible()
    assert clinic.settings.get().gift_card_expiry_months == 18

    again = open_gift_cards(qtbot, clinic)
    assert not again.gift_cards.never.isChecked()
    assert again.gift_cards.months.value() == 18
    qtbot.keyClick(again.gift_cards.never, Qt.Key.Key_Space)
    click(qtbot, again.ok_button)
    assert clinic.settings.get().gift_card_expiry_months is None


def test_r45_the_note_warns_that_some_places_forbid_expiry(qtbot, clinic):
    dialog = open_gift_cards(qtbot, clinic)
    from PySide6.QtWidgets import QLabel
    notes = [label.text() for label in dialog.gift_cards.findChildren(QLabel)]
    assert any("Some provinces and states forbid gift cards to expire" in t for t in notes)


def test_r45_balance_shows_the_last_day_and_an_expired_card(qtbot, clinic, catalog, clock):
    clinic.settings.update(gift_card_expiry_months=12)
    sale = clinic.gift_cards.sell(2500)
    dialog = GiftCardBalanceDialog(clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.code, sale.code)
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert "It can pay through Mar 2, 2027." in dialog.balance.text()
    clock.set(datetime(2027, 3, 3, 9))
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert "It expired on Mar 2, 2027: it can no longer pay." in dialog.balance.text()
