"""Book an appointment: who, with whom, what, when; and, when one of the patient's packages
can cover it, which package (R10, R11). It starts from the practitioner's usual treatment and
first free time, as the service answers them, and warns of double compensation (R7a)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QPlainTextEdit, QWidget

from app.i18n import _
from app.services import Clinic
from app.services.errors import ClinicError

from ..formats import Formats
from ..forms import FormDialog, beside
from ..schedule.fields import PatientPicker, TimeCombo, date_edit, name_buttons
from ..schedule.compensation_dialog import UnassignCompensationDialog
from ..schedule.package_choices import PackageChoices

DEFAULT_START = time(9)


class BookingDialog(FormDialog):
    def __init__(self, clinic: Clinic, *, staff_id: int | None = None,
                 start: datetime | None = None, patient_id: int | None = None,
                 day: date | None = None, parent: QWidget | None = None):
        super().__init__(_("Book Appointment"), parent)
        self.clinic = clinic
        self._f = f = Formats(clinic)
        self.setMinimumWidth(560)

        self.patient = PatientPicker(clinic)
        if patient_id is not None:
            self.patient.choose(clinic.patients.get(patient_id))
        self.practitioner = QComboBox()
        for staff in clinic.staff.list(practitioners_only=True):
            self.practitioner.addItem(staff.name, staff.id)
        if staff_id is not None and self.practitioner.findData(staff_id) < 0:
            # A column for someone no longer seeing patients: the service says so on Book.
            self.practitioner.addItem(clinic.staff.get(staff_id).name, staff_id)
        if staff_id is not None:
            self.practitioner.setCurrentIndex(self.practitioner.findData(staff_id))
        self.treatments = {t.id: t for t in clinic.catalog.treatment_types()}
        self.treatment = QComboBox()
        for t in self.treatments.values():
            self.treatment.addItem(_("{treatment} — {price}").format(
                treatment=t.name, price=f.money(t.price)), t.id)
        self.date = date_edit(start.date() if start else day or clinic.today(), f)
        self.time = TimeCombo(f)
        self.time.set_time(start.time() if start else DEFAULT_START)
        # Until the desk picks them, the treatment follows the practitioner's usual one and
        # the time the first free one (a start given, as by a clicked slot, is kept).
        self._treatment_picked = False
        self._time_picked = start is not None
        self.ends = QLabel()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)
        self.packages = PackageChoices(f)
        self.packages.hide()
        self.price = QLabel()
        self.price.setObjectName("note")

        self.form.addRow(_("&Patient:"), self.patient)
        self.form.addRow(_("P&ractitioner:"), self.practitioner)
        self.form.addRow(_("&Treatment:"), self.treatment)
        self.form.addRow(_("&Date:"), self.date)
        self.form.addRow(_("Start ti&me:"), beside(self.time, self.ends))
        self.form.addRow(_("N&otes:"), self.notes)
        self.time.setAccessibleName(_("Start time"))
        self.body.addWidget(self.packages)
        self.body.addWidget(self.price)
        if not self.treatments or not self.practitioner.count():
            self.body.addWidget(QLabel(_("Add practitioners and treatment types in "
                                         "File › Settings before booking.")))
        name_buttons(self, _("&Book"))
        self.fields = {"start": self.time, "notes": self.notes, "staff_id": self.practitioner,
                       "treatment_type_id": self.treatment, "patient_id": self.patient}

        self.treatment.activated.connect(self._treatment_chosen)
        self.time.activated.connect(self._time_chosen)
        self.practitioner.currentIndexChanged.connect(self._practitioner_changed)
        self.treatment.currentIndexChanged.connect(self._suggest_time)
        self.date.dateChanged.connect(self._suggest_time)
        self.patient.patient_changed.connect(self._offer_packages)
        self.treatment.currentIndexChanged.connect(self._offer_packages)
        self.date.dateChanged.connect(self._offer_packages)
        self.time.currentIndexChanged.connect(self._show_end)
        self.treatment.currentIndexChanged.connect(self._show_end)
        self.packages.changed.connect(self._show_price)
        self._practitioner_changed()
        self._offer_packages()
        self._show_end()
        (self.patient if patient_id is None else self.treatment).setFocus()

    @classmethod
    def ask(cls, clinic: Clinic, *, staff_id: int | None = None, start: datetime | None = None,
            patient_id: int | None = None, day: date | None = None,
            parent: QWidget | None = None) -> int | None:
        """The new appointment's id, or None when the desk cancelled."""
        return super().ask(parent, clinic, staff_id=staff_id, start=start,
                           patient_id=patient_id, day=day)

    def start(self) -> datetime:
        return datetime.combine(self.date.value(), self.time.value())

    def save(self) -> None:
        self.outcome = self.clinic.schedule.book(
            self.patient.patient_id, self.practitioner.currentData(),
            self.treatment.currentData(), self.start(), package=self.packages.chosen_id(),
            notes=self.notes.toPlainText(),
            membership=self.packages.chosen_membership_id())  # R43

    def accept(self) -> None:
        super().accept()  # books; or shows the refusal and stays open
        if self.result() == QDialog.DialogCode.Accepted:
            # Booked: the desk can unassign its compensation there and then (R7a).
            UnassignCompensationDialog.offer(self.clinic, self.outcome,
                                             parent=self.parentWidget())

    def _treatment_chosen(self, *_args) -> None:
        self._treatment_picked = True

    def _time_chosen(self, *_args) -> None:
        self._time_picked = True

    def _practitioner_changed(self, *_args) -> None:
        staff_id = self.practitioner.currentData()
        if staff_id is not None and not self._treatment_picked:
            usual = self.clinic.schedule.usual_treatment(staff_id)
            if usual is not None and self.treatment.findData(usual) >= 0:
                self.treatment.setCurrentIndex(self.treatment.findData(usual))
        self._suggest_time()

    def _suggest_time(self, *_args) -> None:
        staff_id = self.practitioner.currentData()
        treatment = self.treatments.get(self.treatment.currentData())
        if self._time_picked or staff_id is None or treatment is None:
            return
        try:
            free = self.clinic.schedule.first_free_slot(
                staff_id, self.date.date().toPython(), treatment.duration_min)
        except ClinicError:
            free = None  # Book will show the service's reason
        self.time.set_time(free.time() if free else DEFAULT_START)

    def _offer_packages(self, *_args) -> None:
        patient, treatment = self.patient.patient_id, self.treatment.currentData()
        packages, held, memberships = [], [], []
        if patient is not None and treatment is not None:
            on = self.date.date().toPython()
            try:
                packages = self.clinic.schedule.eligible_packages(patient, treatment, on)
                held = self.clinic.schedule.held_in_full(patient, treatment, on)
                memberships = self.clinic.schedule.eligible_memberships(patient, treatment, on)
            except ClinicError:
                packages = held = memberships = []  # Book will show the service's reason
        pays = {p.id: self.clinic.schedule.patient_pays(p.id, treatment) for p in packages}
        shared_by = {p.id: self.clinic.patients.get(p.patient_id).full_name
                     for p in packages if p.patient_id != patient}  # R37
        self.packages.set_packages(packages, pays, held, shared_by=shared_by,
                                   memberships=memberships)
        self.ok_button.setEnabled(patient is not None and treatment is not None
                                  and self.practitioner.count() > 0)
        self.ok_button.setToolTip("" if patient is not None else _("Choose a patient first."))
        self._show_price()

    def _show_price(self) -> None:
        treatment = self.treatments.get(self.treatment.currentData())
        package = self.packages.chosen()
        membership = self.packages.chosen_membership()
        if treatment is None:
            self.price.setText("")
        elif membership is not None:  # R43
            self.price.setText(_("Covered by Membership: “{plan}”: the patient pays "
                                 "{amount} at arrival.").format(
                plan=membership.name, amount=self._f.money(membership.patient_pays)))
        elif package is not None:
            pays = self.clinic.schedule.patient_pays(package.id, treatment.id)
            self.price.setText(_("Covered by \u201c{package}\u201d: the patient pays {amount} "
                                 "at arrival.").format(package=package.name,
                                                       amount=self._f.money(pays)))
        else:
            self.price.setText(_("Standard price: {amount} at arrival.").format(
                amount=self._f.money(treatment.price)))

    def _show_end(self, *_args) -> None:
        treatment = self.treatments.get(self.treatment.currentData())
        if treatment is None:
            self.ends.setText("")
            return
        end = self.start() + timedelta(minutes=treatment.duration_min)
        self.ends.setText(_("until {time}").format(time=self._f.time(end)))
