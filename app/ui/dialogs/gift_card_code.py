"""The gift card code field of Receive Payment (R45): typed or scanned (a scanner types the
code, then Enter, which looks the card up rather than taking the payment), and what the card
holds once the code is one; shown only while "Gift card" is the method."""

from __future__ import annotations

from PySide6.QtCore import QObject, QEvent, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from app.domain.gift_card_expiry import expired
from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError

from ..formats import Formats

GIFT_CARD = "gift_card"


def expiry_words(formats: Formats, expires_on, today) -> str:
    """R45: the card's last day as the desk reads it (nothing for a card that never
    expires: the clinic's default, where a word of it would be noise on every card)."""
    if expires_on is None:
        return ""
    if expired(expires_on, today):
        return _("It expired on {date}: it can no longer pay.").format(
            date=formats.date(expires_on))
    return _("It can pay through {date}.").format(date=formats.date(expires_on))


def code_field(parent=None) -> QLineEdit:
    field = QLineEdit(parent)
    field.setPlaceholderText(_("Type or scan the card's code"))
    field.setAccessibleName(_("Gift card code"))
    field.setMaxLength(40)
    return field


class GiftCardCode(QWidget):
    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic, self._f = clinic, Formats(clinic)
        self.code = code_field(self)
        self.balance = QLabel(self)
        self.balance.setObjectName("note")
        self.balance.setWordWrap(True)
        self.balance.setAccessibleName(_("Gift card balance"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.code)
        layout.addWidget(self.balance)
        self.code.textChanged.connect(self.look_up)
        self.code.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # the scanner's Enter ends the code: it shows the balance, it does not pay
        if watched is self.code and event.type() == QEvent.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.look_up()
            return True
        return super().eventFilter(watched, event)

    def look_up(self) -> None:
        if not self.code.text().strip():
            self.balance.setText("")
            return
        try:
            held = self.clinic.gift_cards.balance(self.code.text())
        except ClinicError as error:
            self.balance.setText(str(error))
            return
        self.balance.setText(_("This card holds {balance}.").format(
            balance=self._f.money(held)))

    def text(self) -> str | None:
        return self.code.text()
