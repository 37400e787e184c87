"""The sale screen (R5-R8): find a package by typing, choose who is compensated, sell.

Opened from Patient Billing > Purchases > New Purchase, Patient Billing > Packages > New
Package and Schedule > appointment > Add Items; all three sell through the same service call.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout,
                               QGroupBox, QLabel, QSizePolicy, QWidget)

from app.i18n import N_, _
from app.services import Clinic
from app.services.billing_views import SaleResult
from app.services.errors import ClinicError
from app.services.sale_payment import PendingSale

from .. import msgbox
from ..formats import Formats
from ..forms import FormDialog, beside
from ..whole_list import WholeList
from ..billing.keys import buttons_in_order, tab_order
from .payment_dialog import ReceivePaymentDialog

NO_STAFF = N_("No Staff Member")


class SaleDialog(FormDialog):
    def __init__(self, clinic: Clinic, patient_id: int, *, appointment_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(_("Add Items") if appointment_id else _("New Purchase"), parent)
        self.clinic, self.patient_id, self.appointment_id = clinic, patient_id, appointment_id
        self._f = Formats(clinic)
        self.setMinimumWidth(540)
        self.ok_button.setText(_("&Sell"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.pay_button = self.buttons.addButton(_("&Receive Payment…"),
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.pay_button.setToolTip(_("Take the payment first: the sale and the payment are "
                                     "saved together, or neither is"))
        self.pay_button.clicked.connect(self.sell_and_pay)

        patient = clinic.patients.get(patient_id)
        self.body.insertWidget(0, QLabel(_("Invoice to {patient}").format(
            patient=f"<b>{_escape(patient.full_name)}</b>")))
        self.package = self._package_box()
        self.staff = self._staff_box()
        self.staff_note = QLabel()
        self.staff_note.setObjectName("note")
        self.form.addRow(_("&Package:"), self.package)
        self.form.addRow(_("S&taff member:"), beside(self.staff))
        self.form.addRow("", self.staff_note)
        self.body.addWidget(self._summary_box())
        if self.package.count() == 0:
            self.body.addWidget(_note(_("There are no packages for sale yet: create one in "
                                        "the Packages tab.")))
        # What became of a payment the desk cancelled: nothing was sold (said, not guessed).
        self.payment_note = _note("")
        self.payment_note.setAccessibleName(_("Payment"))
        self.payment_note.hide()
        self.body.addWidget(self.payment_note)

        self.package.currentTextChanged.connect(self._package_changed)
        self.staff.currentIndexChanged.connect(self._staff_changed)
        self.fields = {"package_template": self.package, "package_template_id": self.package,
                       "staff": self.staff, "staff_id": self.staff}
        self._package_changed()
        self._staff_changed()
        tab_order(self.package, self.staff, *buttons_in_order(self.buttons))
        self.package.setFocus()

    @classmethod
    def ask(cls, clinic: Clinic, patient_id: int, *, appointment_id: int | None = None,
            parent: QWidget | None = None) -> SaleResult | None:
        """What was sold, or None if the desk cancelled."""
        return super().ask(parent, clinic, patient_id, appointment_id=appointment_id)

    # building
    def _package_box(self) -> QComboBox:
        box = QComboBox()
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.setAccessibleName(_("Package"))
        box.setMinimumWidth(340)
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        box.lineEdit().setPlaceholderText(_("Type part of a package's name…"))
        self._names: list[str] = []
        for template in self.clinic.catalog.package_templates():
            box.addItem(_("{package} — {price}").format(package=template.name,
                                                        price=self._f.money(template.price)),
                        template.id)
            self._names.append(template.name)
        # Any part of the name finds it: "mass" finds "10 Massages".
        completer = QCompleter(box.model(), box)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        box.setCompleter(completer)
        box.setCurrentIndex(-1)
        # Enter on what was typed picks the package when only one matches (issue 14), and
        # never reaches the dialog's default button: selling takes the Sell button.
        # (From the suggestions pop-up, Qt hands Enter to the line edit as returnPressed.)
        box.lineEdit().returnPressed.connect(self._pick_the_only_match)
        box.lineEdit().installEventFilter(self)
        return box

    def eventFilter(self, watched, event) -> bool:
        if (watched is self.package.lineEdit() and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._pick_the_only_match()
            return True
        return super().eventFilter(watched, event)

    def _staff_box(self) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(_("Staff member"))
        box.addItem(_(NO_STAFF), None)
        staff = self.clinic.staff.list()
        practitioners = [s for s in staff if s.practitioner]
        others = [s for s in staff if not s.practitioner]
        for member in practitioners:
            box.addItem(member.name, member.id)
        if practitioners and others:
            box.insertSeparator(box.count())
        for member in others:
            box.addItem(member.name, member.id)
        return box

    def _summary_box(self) -> QGroupBox:
        group = QGroupBox(_("To be invoiced"))
        form = QFormLayout(group)
        # Amounts in a column beside their labels, not flung to the far edge.
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        self.summary: dict[str, QLabel] = {}
        for key, label in (("price", _("Price:")), ("tax", _("Tax:")), ("total", _("Total:")),
                           ("uses", _("Uses:")), ("expires", _("Expires:"))):
            value = QLabel()
            value.setAccessibleName(label.rstrip(" :\u00a0"))
            value.setAlignment(right)
            value.setMinimumWidth(160)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key == "total":
                value.setStyleSheet("font-weight: 600;")
            form.addRow(label, value)
            self.summary[key] = value
        self.summary_note = QLabel()
        self.summary_note.setObjectName("note")
        self.summary_note.setWordWrap(True)
        form.addRow(self.summary_note)
        return group

    # reacting
    def template_id(self) -> int | None:
        """The package picked from the list, or typed out in full; None if neither."""
        typed = self.package.currentText().strip().casefold()
        for index, name in enumerate(self._names):
            if typed and typed in (self.package.itemText(index).casefold(), name.casefold()):
                return self.package.itemData(index)
        return None

    def _pick_the_only_match(self) -> None:
        typed = self.package.currentText().strip().casefold()
        if not typed or self.template_id() is not None:
            return
        matches = [index for index in range(self.package.count())
                   if typed in self.package.itemText(index).casefold()]
        if len(matches) == 1:
            self.package.completer().popup().hide()
            self.package.setCurrentIndex(matches[0])
            self.package.setEditText(self.package.itemText(matches[0]))

    def _package_changed(self) -> None:
        template_id = self.template_id()
        self.ok_button.setEnabled(template_id is not None)
        self.pay_button.setEnabled(template_id is not None)
        if template_id is None:
            for value in self.summary.values():
                value.setText("—")
            self._note(_("Type part of a package's name and pick it from the list."))
            return
        try:
            sale = self.clinic.billing.sale_preview(template_id)
        except ClinicError as error:
            self._note(str(error))
            return
        self.summary["price"].setText(self._f.money(sale.price))
        self.summary["tax"].setText(_("{tax} ({rate})").format(
            tax=self._f.money(sale.tax), rate=self._f.percent(sale.tax_rate)))
        self.summary["total"].setText(self._f.money(sale.total))
        self.summary["uses"].setText(str(sale.uses))
        self.summary["expires"].setText(self._f.date(sale.expires_on) if sale.expires_on
                                        else _("No expiry"))
        self._note("")

    def _note(self, text: str) -> None:
        self.summary_note.setText(text)
        self.summary_note.setVisible(bool(text))

    def _staff_changed(self) -> None:
        name = self.staff.currentText()
        if self.staff.currentData() is None:
            self.staff_note.setText(_("Practitioners are compensated as each use is redeemed "
                                      "(usual)."))
        else:
            self.staff_note.setText(_("{staff} is compensated for the whole sale now.").format(
                staff=name))

    # selling
    def _pending(self) -> PendingSale:
        template_id = self.template_id()
        if template_id is None:  # Enter typed before a package was picked
            raise ClinicError(_("Choose a package: type part of its name and pick it from "
                                "the list."))
        return PendingSale(template_id, self.staff.currentData(), self.appointment_id)

    def sell_and_pay(self) -> None:
        """R8: the payment is asked first; the sale and the payment are then saved as one
        transaction, so Cancel on the payment sells nothing."""
        try:
            pending = self._pending()
        except ClinicError as error:
            msgbox.refusal(self, error)
            return
        self.payment_note.hide()
        paid = ReceivePaymentDialog.ask(self.clinic, self.patient_id, sale=pending,
                                        parent=self)
        if paid is None:
            self.payment_note.setText(_("Payment cancelled: nothing was sold. Sell without a "
                                        "payment, receive the payment again, or Cancel."))
            self.payment_note.show()
            return
        self.outcome = paid.sale
        QDialog.accept(self)  # sold and paid already: nothing left for save()
        self._after_sale()

    def save(self) -> None:
        pending = self._pending()
        self.outcome = self.clinic.billing.sell_package(
            self.patient_id, pending.package_template_id, staff_id=pending.staff_id,
            appointment_id=pending.appointment_id)

    def accept(self) -> None:
        super().accept()  # sells; or shows the refusal and stays open
        if self.result() == QDialog.DialogCode.Accepted:
            self._after_sale()

    def _after_sale(self) -> None:
        # Sold: from here on nothing may reopen this screen, or the desk could sell twice.
        result: SaleResult = self.outcome
        parent = self.parentWidget()
        if result.double_compensation:
            CompensationDialog.ask(self.clinic, result, parent=parent)
        elif result.warnings:
            msgbox.show(parent, _("Package sold"), "\n\n".join(result.warnings),
                        icon=msgbox.Icon.Warning)


class CompensationDialog(FormDialog):
    """R7: the sale's staff member is paid up front, and these upcoming appointments would
    pay their practitioner again. OK unassigns their compensation; Cancel keeps it."""

    def __init__(self, clinic: Clinic, result: SaleResult, parent: QWidget | None = None):
        super().__init__(_("Double Compensation"), parent)
        self.clinic, self.sale = clinic, result
        self.setMinimumWidth(520)
        f = Formats(clinic)
        self.ok_button.setText(_("&Unassign Compensation"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("&Keep as Is"))
        warning = QLabel("\n\n".join(result.warnings))
        warning.setWordWrap(True)
        self.appointments = WholeList()
        self.appointments.setAccessibleName(_("Appointments that would compensate again"))
        for appointment_id in result.double_compensation:
            a = clinic.schedule.appointment(appointment_id)
            self.appointments.addItem(_("{date}, {time} — {treatment} with {staff}").format(
                date=f.date(a.start), time=f.time(a.start), treatment=a.treatment_name,
                staff=a.staff_name))
        self.body.addWidget(warning)
        self.body.addWidget(self.appointments)
        tab_order(self.appointments, *buttons_in_order(self.buttons))
        self.appointments.setFocus()

    @classmethod
    def ask(cls, clinic: Clinic, result: SaleResult, parent: QWidget | None = None) -> bool:
        """True if the desk unassigned the compensation."""
        return super().ask(parent, clinic, result) is not None

    def save(self) -> None:
        self.clinic.billing.unassign_compensation(list(self.sale.double_compensation))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("note")
    label.setWordWrap(True)
    return label
