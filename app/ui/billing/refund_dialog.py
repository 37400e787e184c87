"""Refund Package…: confirm, refund into credit, then hand it back or leave it (R25-R28, R31).

Opened from the package's show page and from Patient Billing > Purchases; both use `ask`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QStackedWidget,
                               QVBoxLayout, QWidget)

from app.i18n import _, ngettext
from app.services import Clinic
from app.services.errors import ClinicError
from app.domain.states import PaymentMethod, name_for
from app.services.packages import RefundResult
from app.services.refund_words import policy_name, suggestion_words

from .. import msgbox
from ..formats import Formats, typed_money
from ..forms import beside, focus
from ..models.packages import when
from .keys import tab_order

_WARNING = "color: #9a3412; font-weight: 600;"


class RefundPackageDialog(QDialog):
    def __init__(self, clinic: Clinic, package_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Refund Package"))
        self.setMinimumWidth(520)
        self.clinic = clinic
        self.package_id = package_id
        self._f = Formats(clinic)
        self.detail = clinic.packages.detail(package_id)
        self.result_: RefundResult | None = None
        #: Refund payments made from this dialog, newest last (what Print Receipt prints).
        self.refund_ids: list[int] = []

        self.pages = QStackedWidget()
        self.pages.addWidget(self._confirm_page())
        self.pages.addWidget(self._after_page())
        self.refund_button = QPushButton(_("&Refund Package"))
        self.cancel_button = QPushButton(_("Cancel"))
        self.close_button = QPushButton(_("&Later"))
        self.close_button.hide()
        # A stray Enter in the amount must never refund: Cancel is the default.
        # (Plain buttons: a QDialogButtonBox makes its accept button the default when shown.)
        self.refund_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        self.refund_button.clicked.connect(self.refund)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.refund_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        tab_order(self.amount, self.booked, self.offers, self.to_payment_button,
                  self.handed_back, self.print_button, self.refund_button, self.cancel_button,
                  self.close_button)
        self.amount.setFocus()

    # the question
    def _confirm_page(self) -> QWidget:
        d, f = self.detail, self._f
        s = d.summary
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        question = QLabel(_("Refund \u201c{package}\u201d for {patient}?").format(
            package=s.name, patient=d.patient_name))
        question.setStyleSheet("font-size: 15px; font-weight: 600;")
        layout.addWidget(question)

        suggestion = self.clinic.packages.refund_suggestion(self.package_id)
        suggested, limit = suggestion.amount, suggestion.collected
        form = QFormLayout()
        form.addRow(_("Package:"), QLabel(_("{package}, purchased {date}").format(
            package=s.name, date=f.date(s.purchased_on))))
        form.addRow(_("Uses:"), QLabel(_("{used} of {total} used, {remaining} remaining").format(
            used=s.uses_redeemed, total=s.uses_total, remaining=s.uses_remaining)))
        form.addRow(_("Collected:"), QLabel(f.money(limit)))
        if suggestion.basis is not None:  # R40: the package's own policy, as sold
            self.policy = _wrapped(policy_name(suggestion.basis.policy, f.money))
            form.addRow(_("Refund policy:"), self.policy)
        self.suggestion = _wrapped(_suggestion_text(f, suggestion))
        form.addRow(_("Suggested refund:"), self.suggestion)
        self.amount = QLineEdit(self.clinic.settings.amount_text(suggested))
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setAccessibleName(_("Refund amount"))
        self.amount.setMaximumWidth(140)
        self.limit_note = QLabel(_("between {low} and {high}").format(low=f.money(0),
                                                                      high=f.money(limit)))
        self.limit_note.setObjectName("note")
        amount_label = QLabel(_("Refund &amount:"))
        amount_label.setBuddy(self.amount)
        form.addRow(amount_label, beside(self.amount, self.limit_note))
        layout.addLayout(form)

        self.booked = QListWidget()
        self.booked.setAccessibleName(_("Booked appointments that lose the package"))
        for a in d.booked:
            self.booked.addItem(_("{when}  {treatment} with {staff}").format(
                when=when(f, a.start), treatment=a.treatment_name, staff=a.staff_name))
        if d.booked:
            layout.addWidget(_wrapped(ngettext(
                "This booked appointment loses the package and will be billed at the "
                "standard price:",
                "These {n} booked appointments lose the package and will be billed at the "
                "standard price:", len(d.booked)).format(n=len(d.booked))))
            self.booked.setMaximumHeight(24 * min(len(d.booked), 5) + 8)
        else:
            self.booked.hide()
        # In the page even when hidden: Tab order needs it in the dialog's window.
        layout.addWidget(self.booked)
        self.warning = _wrapped(_("The package becomes invalid at once: none of its remaining "
                                  "uses can be redeemed after this. This cannot be undone."))
        self.warning.setStyleSheet(_WARNING)
        layout.addWidget(self.warning)
        layout.addWidget(_wrapped(_("The refund becomes the patient's credit; you can then "
                                    "hand it back through the original payment, or later.")))
        return page

    def refund(self) -> None:
        try:
            self.result_ = self.clinic.packages.refund(
                self.package_id, typed_money(self.clinic, self.amount.text()))
        except ClinicError as error:
            msgbox.refusal(self, error, title=_("Not refunded"))
            focus(self.amount)
            return
        self._show_after()

    # what happened, and handing the credit back (R27, R31)
    def _after_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.done_label = _wrapped("")
        self.done_label.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.warnings_label = _wrapped("")
        self.warnings_label.setStyleSheet(_WARNING)
        self.offer_label = _wrapped(_("Refund it to a payment method now, or choose Later to "
                                      "leave it as the patient's credit:"))
        self.offers = QListWidget()
        self.offers.setAccessibleName(_("Payments the refund can go back through"))
        self.offers.setMaximumHeight(90)
        self.offers.itemDoubleClicked.connect(lambda _item: self.refund_to_payment())
        self.to_payment_button = QPushButton(_("Refund to &Payment Method…"))
        self.to_payment_button.clicked.connect(self.refund_to_payment)
        self.handed_back = QListWidget()
        self.handed_back.setAccessibleName(_("Refunds handed back"))
        self.handed_back.setMaximumHeight(70)
        self.print_button = QPushButton(_("Print &Receipt…"))
        self.print_button.clicked.connect(self.print_receipt)
        for widget in (self.done_label, self.warnings_label, self.offer_label, self.offers):
            layout.addWidget(widget)
        layout.addWidget(beside(self.to_payment_button))
        layout.addWidget(self.handed_back)
        layout.addWidget(beside(self.print_button))
        layout.addStretch(1)
        return page

    def _show_after(self) -> None:
        result = self.result_
        self.warnings_label.setText("\n".join(result.warnings))
        self.warnings_label.setVisible(bool(result.warnings))
        self.refund_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.pages.setCurrentIndex(1)
        self._fill_offers()

    def _show_heading(self) -> None:
        """Where the refund is now: credit, handed back, or both (after each hand-back)."""
        r, money = self.clinic.packages.refund_receipt(self.result_.package_refund_id), \
            self._f.money
        name, patient = self.detail.summary.name, self.detail.patient_name
        if not r.amount:
            text = _("\u201c{package}\u201d is refunded; no money was moved to credit.")
        elif not r.handed_back:
            text = _("\u201c{package}\u201d is refunded. {amount} is now {patient}'s credit.")
        elif r.still_credit:
            text = _("\u201c{package}\u201d is refunded. {back} went back to {patient} "
                     "({methods}); {amount} is still their credit.")
        else:
            text = _("\u201c{package}\u201d is refunded. {back} went back to {patient} "
                     "({methods}).")
        methods = "; ".join(_("{amount} by {method}").format(
            amount=money(h.amount), method=_(name_for(PaymentMethod, h.method)))
            for h in r.handed_back)
        self.done_label.setText(text.format(
            package=name, patient=patient, amount=money(r.still_credit if r.handed_back
                                                        else r.amount),
            back=money(r.total_handed_back), methods=methods))

    def _fill_offers(self) -> None:
        self._show_heading()
        self.offers.clear()
        for payment_id, amount in self.clinic.packages.refund_offers(
                self.result_.package_refund_id):
            p = self.clinic.billing.payment(payment_id)
            item = QListWidgetItem(
                _("{amount} back to the {method} payment of {payment} received {date}").format(
                    amount=self._f.money(amount), method=_(p.method_name),
                    payment=self._f.money(p.amount), date=self._f.date(p.received_at.date())))
            item.setData(Qt.ItemDataRole.UserRole, (payment_id, amount))
            self.offers.addItem(item)
        self.offers.setCurrentRow(0)
        offered = self.offers.count() > 0
        for widget in (self.offer_label, self.offers, self.to_payment_button):
            widget.setVisible(offered)
        self.handed_back.setVisible(bool(self.refund_ids))
        self.print_button.setVisible(bool(self.refund_ids))
        self.close_button.setText(_("&Later") if offered else _("&Close"))

    def refund_to_payment(self) -> None:
        item = self.offers.currentItem()
        if item is None:
            return
        payment_id, amount = item.data(Qt.ItemDataRole.UserRole)
        # The refund payment dialog belongs to Patient Billing; it words and checks the refund.
        from ..dialogs.refund_payment_dialog import RefundPaymentDialog
        refund_id = RefundPaymentDialog.ask(self.clinic, payment_id, amount=amount,
                                            package_refund_id=self.result_.package_refund_id,
                                            parent=self)
        if refund_id:
            refund = self.clinic.billing.payment_refund(refund_id)
            self.refund_ids.append(refund_id)
            self.handed_back.addItem(_("{amount} refunded by {method}").format(
                amount=self._f.money(refund.amount), method=_(refund.method_name)))
            self.handed_back.setCurrentRow(self.handed_back.count() - 1)
        self._fill_offers()

    def print_receipt(self) -> None:
        """One receipt for the package refund, listing every method the money went back by."""
        if not self.refund_ids:
            return
        from ..dialogs.print_dialog import PrintDialog  # Patient Billing's, loaded when used
        PrintDialog.ask(self.clinic, package_refund_id=self.result_.package_refund_id,
                        parent=self)

    @classmethod
    def ask(cls, clinic: Clinic, package_id: int, parent: QWidget | None = None) -> bool:
        """True if the package was refunded (whatever became of the credit afterwards)."""
        dialog = cls(clinic, package_id, parent=parent)
        try:
            dialog.exec()
            return dialog.result_ is not None
        finally:
            dialog.deleteLater()


def _suggestion_text(f: Formats, s) -> str:
    """The suggestion in words by the package's refund policy (R26, R28a, R40), worded as
    the refund receipt words it."""
    return suggestion_words(s, f.money)


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label
