"""The appointment panel beside the grid: who, when, what state; what the desk can do next;
and Billing Info: the package that covers it, the invoice once billed, Add Items, and its
compensation: unassigned, or a double compensation to unassign (R7a)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QFormLayout, QFrame, QGridLayout, QGroupBox, QLabel, QMenu,
                               QPushButton, QSizePolicy, QStackedLayout, QToolButton,
                               QVBoxLayout, QWidget)

from app.domain.states import AppointmentStatus
from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError
from app.services.package_text import uses_phrase
from app.services.schedule import AppointmentDetail

from .. import msgbox
from ..dialogs.no_show_dialog import NoShowDialog
from ..dialogs.reschedule_dialog import RescheduleDialog
from ..formats import Formats
from ..models.appointments import status_name
from ..models.billing import STATUS_NAMES as INVOICE_STATUS_NAMES
from ..shortcuts import ARRIVE
from .add_membership import add_membership_button, show_offer
from .add_package_dialog import AddPackageDialog
from .compensation_dialog import UnassignCompensationDialog
from .painting import LOOKS


class AppointmentPanel(QFrame):
    changed = Signal(int)  # this appointment changed: redraw the day
    moved = Signal(int, object)  # appointment id, its new start (maybe on another day)

    def __init__(self, clinic: Clinic, parent: QWidget | None = None):
        super().__init__(parent)
        self.clinic = clinic
        self._f = Formats(clinic)
        self.appointment: AppointmentDetail | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(300)
        self.setAccessibleName(_("Appointment"))

        self.hint = QLabel(_("Click an appointment to see it here.\n\nDouble-click an empty "
                             "time to book one."))
        self.hint.setObjectName("emptyNote")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.title = QLabel()
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() + 3)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setAccessibleName(_("Status"))
        self.status.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.when, self.practitioner, self.treatment, self.notes = (QLabel() for _ in range(4))
        for label in (self.when, self.treatment, self.notes):
            label.setWordWrap(True)
        facts = QFormLayout()
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        facts.addRow(_("Status:"), self.status)
        facts.addRow(_("When:"), self.when)
        facts.addRow(_("Practitioner:"), self.practitioner)
        facts.addRow(_("Treatment:"), self.treatment)
        facts.addRow(_("Notes:"), self.notes)
        self._notes_row = facts

        self.arrive_button = _button(
            _("&Arrive"), _("Arrive the patient and bill the visit ({key})").format(
                key=key_text(ARRIVE)), self.arrive)
        self.no_show_button = _button(_("N&o Show…"), _("The patient did not come: cover it "
                                                        "with their package, or charge a "
                                                        "no-show fee"), self.no_show)
        self.reschedule_button = _button(_("Re&schedule…"), _("Move it to another day, time "
                                                              "or practitioner (or drag it "
                                                              "on the grid)"), self.reschedule)
        self.cancel_button = _button(_("&Cancel Appointment"), _("Cancel it; it stays on "
                                                                 "record and frees any package "
                                                                 "use it held"), self.cancel)
        self.undo_arrival_button = _button(_("&Undo Arrival"), _("Back to booked: its invoice "
                                                                 "is voided and any package "
                                                                 "use given back"),
                                           self.undo_arrival)
        self.undo_no_show_button = _button(_("&Undo No Show"), _("Back to booked, exactly as "
                                                                 "before the no-show"),
                                           self.undo_no_show)
        actions = QGridLayout()
        actions.addWidget(self.arrive_button, 0, 0)
        actions.addWidget(self.no_show_button, 0, 1)
        actions.addWidget(self.reschedule_button, 1, 0)
        actions.addWidget(self.cancel_button, 1, 1)
        actions.addWidget(self.undo_arrival_button, 2, 0, 1, 2)
        actions.addWidget(self.undo_no_show_button, 3, 0, 1, 2)

        self.billing = self._billing_box()

        details = QWidget()
        column = QVBoxLayout(details)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.title)
        column.addLayout(facts)
        column.addLayout(actions)
        column.addWidget(self.billing)
        column.addStretch(1)
        self.details = details
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.hint)
        self.stack.addWidget(details)
        self._arrive_shortcut = QShortcut(QKeySequence(ARRIVE), self)
        self._arrive_shortcut.activated.connect(self.arrive_selected)
        self.show_appointment(None)

    def _billing_box(self) -> QGroupBox:
        box = QGroupBox(_("Billing Info"))
        self.package = QLabel()
        self.package.setWordWrap(True)
        self.package.setAccessibleName(_("Package"))
        self.invoice = QLabel()
        self.invoice.setWordWrap(True)
        self.invoice.setAccessibleName(_("Invoice"))
        self.compensation = QLabel()
        self.compensation.setWordWrap(True)
        self.compensation.setAccessibleName(_("Compensation"))
        self.unassign_button = _button(_("Unassi&gn Compensation…"),
                                       _("Do not compensate this visit's practitioner: the "
                                         "package's sale already did"), self.unassign)
        self.add_package_button = _button(_("Add Pac&kage…"), _("Cover this appointment with "
                                                                "one of the patient's "
                                                                "packages"), self.add_package)
        self.remove_package_button = _button(_("Re&move Package"), _("Bill the standard price "
                                                                     "instead (only until the "
                                                                     "appointment is "
                                                                     "arrived)"),
                                             self.remove_package)
        self._remove_package_tip = self.remove_package_button.toolTip()
        self.payment_button = _button(_("Recei&ve Payment…"), _("Take payment for this "
                                                                 "invoice"),
                                      self.receive_payment)
        self.add_items = QToolButton()
        self.add_items.setText(_("Add &Items"))
        self.add_items.setToolTip(_("Sell something to this patient from the appointment"))
        self.add_items.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_items.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self.add_items)
        self.sell_package_action = menu.addAction(_("Sell a &Package…"), self.sell_package)
        self.add_items.setMenu(menu)
        layout = QGridLayout(box)
        layout.addWidget(self.package, 0, 0, 1, 2)
        layout.addWidget(self.add_package_button, 1, 0)
        self.add_membership_button = add_membership_button(self)  # R43
        layout.addWidget(self.add_membership_button, 1, 1)
        layout.addWidget(self.remove_package_button, 1, 0)
        layout.addWidget(self.invoice, 2, 0, 1, 2)
        layout.addWidget(self.payment_button, 3, 0)
        layout.addWidget(self.compensation, 4, 0, 1, 2)
        layout.addWidget(self.unassign_button, 5, 0)
        layout.addWidget(self.add_items, 6, 0)
        return box

    # what it shows
    def show_appointment(self, appointment_id: int | None) -> None:
        try:
            a = (self.clinic.schedule.appointment(appointment_id)
                 if appointment_id is not None else None)
        except ClinicError:
            a = None
        self.appointment = a
        if a is None:
            self.stack.setCurrentWidget(self.hint)
            return
        f = self._f
        self.title.setText(a.patient_name)
        look = LOOKS[a.status]
        self.status.setText(f"{look.mark}{status_name(a.status)}")
        self.status.setStyleSheet(f"QLabel {{ background: {look.fill}; color: {look.text}; "
                                  f"border: 1px solid {look.edge}; border-radius: 3px; "
                                  f"padding: 1px 6px; font-weight: 600; }}")
        self.when.setText(_("{date}, {start} – {end}").format(
            date=f.date(a.start.date()), start=f.time(a.start), end=f.time(a.end)))
        self.practitioner.setText(a.staff_name)
        self.treatment.setText(a.treatment_name)
        self.notes.setText(a.notes)
        self._notes_row.setRowVisible(self.notes, bool(a.notes))
        self.arrive_button.setVisible(a.can_arrive)
        self.no_show_button.setVisible(a.can_mark_no_show)
        self.reschedule_button.setVisible(a.can_reschedule)
        self.cancel_button.setVisible(a.can_cancel)
        self.undo_arrival_button.setVisible(a.status == AppointmentStatus.ARRIVED)
        self.undo_no_show_button.setVisible(a.status == AppointmentStatus.NO_SHOW)
        self._offer_undo(a)
        self._show_billing(a)
        self.stack.setCurrentWidget(self.details)

    def _offer_undo(self, a: AppointmentDetail) -> None:
        """Undo is offered only when the schedule says it can be done; else its reason shows
        as the tooltip (a refunded package's use is final, R28b)."""
        for button, state, can in (
                (self.undo_arrival_button, AppointmentStatus.ARRIVED, a.can_undo_arrival),
                (self.undo_no_show_button, AppointmentStatus.NO_SHOW, a.can_undo_no_show)):
            if not hasattr(button, "usual_tip"):
                button.usual_tip = button.toolTip()
            refused = a.status == state and not can  # shown, but its use is final (R28b)
            button.setEnabled(not refused)
            button.setToolTip(a.undo_refusal if refused else button.usual_tip)

    def _show_billing(self, a: AppointmentDetail) -> None:
        f = self._f
        billable = a.is_billable
        membership = self.clinic.schedule.covered_by(a.id)  # R43: what covers the visit
        if a.status == AppointmentStatus.CANCELLED:
            # A cancelled visit holds no use, whatever package it had (R11).
            self.package.setText(_("Cancelled: nothing to bill."))
        elif membership is not None:
            self.package.setText(membership)
        elif a.package_id is not None:
            p = self.clinic.packages.summary(a.package_id)
            pays = self.clinic.schedule.patient_pays(a.package_id, a.treatment_type_id)
            lines = [_("Package: \u201c{package}\u201d").format(package=p.name),
                     uses_phrase(p, f.locale)]
            if pays is not None:
                lines.append(_("Patient pays {amount}").format(amount=f.money(pays)))
            self.package.setText("\n".join(lines))
        elif a.status == AppointmentStatus.NO_SHOW:
            self.package.setText(_("No package used."))
        else:
            price = self.clinic.catalog.treatment_type(a.treatment_type_id).price
            self.package.setText(_("Standard price: {amount}").format(amount=f.money(price)))
        covered = a.package_id is not None or membership is not None
        self.add_package_button.setVisible(billable and not covered)
        self.remove_package_button.setVisible(billable and covered)
        show_offer(self.add_membership_button, self.clinic, a.id, billable and not covered)
        self.remove_package_button.setText(_("Re&move Membership") if membership is not None
                                           else _("Re&move Package"))
        if covered:  # after arrival: shown, disabled, saying why (R12)
            refusal = (a.remove_package_refusal if a.package_id is not None
                       else self.clinic.schedule.remove_membership_refusal(a.id))
            self.remove_package_button.setEnabled(refusal is None)
            self.remove_package_button.setToolTip(refusal or self._remove_package_tip)
        owing = False
        if a.invoice_id is not None:
            invoice = self.clinic.billing.invoice(a.invoice_id)
            owing = invoice.balance > 0 and invoice.voided_at is None
            state = (_("Balance {amount}").format(amount=f.money(invoice.balance)) if owing
                     else _(INVOICE_STATUS_NAMES.get(invoice.status,
                                                     invoice.status.capitalize())))
            self.invoice.setText(_("Invoice #{number}: {total} · {state}").format(
                number=invoice.number, total=f.money(invoice.total), state=state))
        else:
            self.invoice.setText(_("Not billed yet: arrival bills it.")
                                 if a.status == AppointmentStatus.BOOKED else _("No invoice."))
        self.payment_button.setVisible(owing)
        self._show_compensation(a)

    def _show_compensation(self, a: AppointmentDetail) -> None:
        warnings = self.clinic.schedule.warnings(a.id)
        if warnings:
            self.compensation.setText("\n\n".join(warnings))
        elif not a.compensate_staff:
            self.compensation.setText(_("Compensation unassigned: {staff} is not compensated "
                                        "for this visit.").format(staff=a.staff_name))
        self.compensation.setVisible(bool(warnings) or not a.compensate_staff)
        self.unassign_button.setVisible(bool(warnings))

    # what the desk does
    def arrive(self) -> None:
        a = self.appointment
        try:
            invoice_id = self.clinic.schedule.arrive(a.id)
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not arrived"))
            return
        self.changed.emit(a.id)
        # R14/R15: a visit fully covered (Patient Pays 0) is paid; anything owed is collected.
        if self.clinic.billing.invoice(invoice_id).balance > 0:
            self._take_payment(a.patient_id, invoice_id)

    def no_show(self) -> None:
        if NoShowDialog.ask(self.clinic, self.appointment.id, parent=self):
            self.changed.emit(self.appointment.id)

    def undo_no_show(self) -> None:
        self._undo(_("Undo No Show"), _("Put this appointment back to booked? Its no-show "
                                        "invoice is voided (anything paid on it becomes the "
                                        "patient's credit) and its package, if it had one, "
                                        "is applied again."),
                   self.clinic.schedule.undo_no_show)

    def undo_arrival(self) -> None:
        self._undo(_("Undo Arrival"), _("Put this appointment back to booked? Its invoice is "
                                        "voided (anything paid on it becomes the patient's "
                                        "credit) and any package use is given back."),
                   self.clinic.schedule.undo_arrival)

    def _undo(self, title: str, question: str, undo) -> None:
        a = self.appointment
        if not msgbox.confirm(self, title, question):
            return
        try:
            warnings = undo(a.id)
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not undone"))
            return
        self.changed.emit(a.id)
        if warnings:
            msgbox.show(self, title, "\n\n".join(warnings), icon=msgbox.Icon.Warning)

    def reschedule(self) -> None:
        start = RescheduleDialog.ask(self.clinic, self.appointment.id, parent=self)
        if start is not None:
            self.moved.emit(self.appointment.id, start)

    def cancel(self) -> None:
        a = self.appointment
        question = _("Cancel {patient}'s {treatment} at {time} on {date}? It stays on record "
                     "as cancelled.").format(patient=a.patient_name, treatment=a.treatment_name,
                                             time=self._f.time(a.start),
                                             date=self._f.date(a.start.date()))
        if not msgbox.confirm(self, _("Cancel Appointment"), question):
            return
        try:
            self.clinic.schedule.cancel(a.id)
        except ClinicError as error:
            msgbox.refusal(self, error, _("Not cancelled"))
            return
        self.changed.emit(a.id)

    def add_package(self) -> None:
        a = self.appointment
        try:
            packages = self.clinic.schedule.eligible_packages(
                a.patient_id, a.treatment_type_id, a.start.date(), excluding=a.id)
        except ClinicError as error:
            msgbox.refusal(self, error, _("No package added"))
            return
        if not packages:
            msgbox.information(self, _("Add Package"), _(
                "{patient} has no package with a use left that covers {treatment} on {date}. "
                "Sell one with Add Items › Sell a Package.").format(
                    patient=a.patient_name, treatment=a.treatment_name,
                    date=self._f.date(a.start.date())))
            return
        if AddPackageDialog.ask(self.clinic, a, packages, parent=self) is not None:
            self.changed.emit(a.id)

    def unassign(self) -> None:
        a = self.appointment
        if UnassignCompensationDialog.offer(self.clinic, a.id, parent=self):
            self.changed.emit(a.id)

    def remove_package(self) -> None:
        try:
            if self.appointment.package_id is None:  # a membership covers it (R43)
                self.clinic.schedule.remove_membership(self.appointment.id)
            else:
                self.clinic.schedule.remove_package(self.appointment.id)
        except ClinicError as error:
            msgbox.refusal(self, error, _("Package not removed"))
            return
        self.changed.emit(self.appointment.id)

    def receive_payment(self) -> None:
        a = self.appointment
        self._take_payment(a.patient_id, a.invoice_id)

    def sell_package(self) -> None:
        from ..dialogs.sale_dialog import SaleDialog  # the Patient Billing tab's sale (R5 #3)
        a = self.appointment
        if SaleDialog.ask(self.clinic, a.patient_id, appointment_id=a.id,
                          parent=self) is not None:
            self.changed.emit(a.id)

    def _take_payment(self, patient_id: int, invoice_id: int) -> None:
        from ..dialogs.payment_dialog import ReceivePaymentDialog  # Patient Billing's own
        if ReceivePaymentDialog.ask(self.clinic, patient_id, invoice_id=invoice_id,
                                    parent=self) is not None:
            self.changed.emit(self.appointment.id)

    def arrive_selected(self) -> None:
        """Arrive the appointment shown, as its Arrive button does; nothing when none is shown
        or it is not booked (Ctrl+R, and the main window's menu)."""
        if self.appointment is not None and self.appointment.can_arrive:
            self.arrive()


def key_text(key: str) -> str:
    """A shortcut as this platform writes it ("Ctrl+R"; "⌘R" on a Mac)."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def _button(text: str, tip: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button
