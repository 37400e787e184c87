"""No-show fees the desk can charge when a patient does not come (R16, R17)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.settings import NoShowFeeRow

from ..formats import Formats, percent_text, rate_from_percent, typed_money
from ..forms import FormDialog
from ..models.catalog import NoShowFeesModel
from .record_list import RecordListPage
from .rows import add_row


class NoShowFeeDialog(FormDialog):
    def __init__(self, clinic: Clinic, fee: NoShowFeeRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(_("Edit No-show Fee") if fee else _("New No-show Fee"), parent)
        self.clinic, self.fee = clinic, fee
        self.name = QLineEdit(fee.name if fee else "")
        self.name.setPlaceholderText(_("e.g. Missed appointment"))
        self.amount = QLineEdit(clinic.settings.amount_text(fee.amount) if fee else "")
        self.amount.setPlaceholderText(clinic.settings.amount_text(0))
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.tax = QLineEdit(percent_text(fee.tax_rate) if fee else "0")
        self.tax.setAlignment(Qt.AlignmentFlag.AlignRight)
        add_row(self.form, _("&Name:"), self.name)
        add_row(self.form, _("&Amount:"), self.amount, packed=True)
        add_row(self.form, _("&Tax rate:"), self.tax, QLabel("%"))
        self.fields = {"name": self.name, "amount": self.amount, "tax_rate": self.tax}

    def save(self) -> None:
        rate = rate_from_percent(self.tax.text())
        amount = typed_money(self.clinic, self.amount.text())
        settings = self.clinic.settings
        if self.fee is None:
            self.outcome = settings.add_no_show_fee(self.name.text(), amount, tax_rate=rate)
        else:
            settings.update_no_show_fee(self.fee.id, name=self.name.text(),
                                        amount=amount, tax_rate=rate)
            self.outcome = self.fee.id


def no_show_fees_page(clinic: Clinic, parent: QWidget | None = None) -> RecordListPage:
    return RecordListPage(
        NoShowFeesModel(Formats(clinic)),
        load=lambda: clinic.settings.no_show_fees(include_inactive=True),
        edit=lambda owner, row: NoShowFeeDialog.ask(owner, clinic, row),
        set_active=lambda ident, active: clinic.settings.update_no_show_fee(
            ident, active=active),
        add_text=_("&Add No-show Fee…"), name=_("No-show fees"), parent=parent)
