"""The refund policy rows of the package template dialog (R40): which policy, and for the
cancellation fee its percent and cap. The catalogue checks what they say (the limits are
its own); these only read what the desk typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from app.i18n import N_, _
from app.services import Clinic, money
from app.services.refund_policies import fee_policy, policy_of
from app.services.refund_words import POLICY_NAMES

from ..settings.rows import add_row

FEE = "pro_rata_fee"


class RefundPolicyRows:
    """Adds "Refund policy:" and "Cancellation fee:" to `form`; `fields` maps the catalogue's
    field names to the widget a refusal points at."""

    def __init__(self, clinic: Clinic, form: QFormLayout, code: str, parent: QWidget):
        self.clinic = clinic
        self.policy = QComboBox(parent)
        for kind, name in POLICY_NAMES:
            self.policy.addItem(_(name), kind)
        # Wide on purpose (as Number of uses is): the catalogue says where the limit is.
        self.percent = QSpinBox(parent)
        self.percent.setRange(0, 999)
        self.percent.setSuffix(" %")
        self.percent.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.percent.setAccessibleName(_("Cancellation fee percent"))
        self.cap = QLineEdit(parent)
        self.cap.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.cap.setMaximumWidth(120)
        self.cap.setAccessibleName(_("Cancellation fee cap"))
        add_row(form, _("&Refund policy:"), self.policy, packed=True)
        self.fee_words = QLabel(_("of the remaining value, at most"), parent)
        self.fee_label = add_row(form, _("Cancellation &fee:"), self.percent, self.fee_words,
                                 self.cap)
        self.fields = {"refund_policy": self.policy, "fee_percent": self.percent,
                       "fee_cap": self.cap}
        self.policy.currentIndexChanged.connect(self._policy_changed)
        self.show(code)

    def show(self, code: str) -> None:
        policy = policy_of(code)
        self.percent.setValue(policy.percent if policy.kind == FEE else 10)
        self.cap.setText(self.clinic.settings.amount_text(policy.cap if policy.kind == FEE
                                                          else 5000))
        self.policy.setCurrentIndex(self.policy.findData(policy.kind))
        self._policy_changed()

    def _policy_changed(self) -> None:
        fee = self.policy.currentData() == FEE
        for widget in (self.percent, self.cap, self.fee_label, self.fee_words):
            widget.setEnabled(fee)

    def code(self) -> str:
        """The policy as the catalogue takes it; a typed cap that is not an amount is refused
        here, naming the field (a negative one is the catalogue's to refuse)."""
        kind = self.policy.currentData()
        if kind != FEE:
            return kind
        cap = money.parse(self.cap.text(), field="fee_cap", allow_negative=True,
                          label=N_("cancellation fee cap"), **self.clinic.money_context())
        return fee_policy(self.percent.value(), cap)
