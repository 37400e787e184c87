"""Mark a no-show. With a package applied, cover it with the package (billed like an
arrival, R16 option 1) or don't use the package and charge a no-show fee or none (R16
option 2); without one, just the fee or none (R17)."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout, QWidget

from app.i18n import _
from app.services import Clinic

from ..formats import Formats
from ..forms import FormDialog
from ..schedule.fields import name_buttons

NO_FEE = 0  # ids of real fees start at 1; -1 is Qt's "nothing checked"


class NoShowDialog(FormDialog):
    def __init__(self, clinic: Clinic, appointment_id: int, parent: QWidget | None = None):
        super().__init__(_("No Show"), parent)
        self.clinic = clinic
        self.appointment = a = clinic.schedule.appointment(appointment_id)
        f = Formats(clinic)
        self.setMinimumWidth(460)
        intro = QLabel(_("{patient} did not come to {treatment} with {practitioner} at "
                         "{time} on {date}.").format(
            patient=a.patient_name, treatment=a.treatment_name, practitioner=a.staff_name,
            time=f.time(a.start), date=f.date(a.start.date())))
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)

        self.cover: QRadioButton | None = None
        self.release: QRadioButton | None = None
        self.fees = QButtonGroup(self)
        fee_box = QVBoxLayout()
        for fee in clinic.settings.no_show_fees():
            button = QRadioButton(_("{fee}: {amount}").format(fee=fee.name,
                                                                amount=f.money(fee.amount)))
            self.fees.addButton(button, fee.id)
            fee_box.addWidget(button)
        no_fee = QRadioButton(_("No &fee"))
        self.fees.addButton(no_fee, NO_FEE)
        fee_box.addWidget(no_fee)
        # Nothing is pre-chosen: which fee, if any, is the desk's decision, made on purpose.
        self.fees.idToggled.connect(self._allow_ok)

        membership = clinic.schedule.covered_by(a.id) if a.package_id is None else None
        if membership is not None:  # R43 with R16: a membership covers it as a package does
            self._offer_membership(membership, fee_box)
        elif a.package_id is not None:
            pays = clinic.schedule.patient_pays(a.package_id, a.treatment_type_id)
            if pays is not None:
                cover = _("&Cover with the package \u201c{package}\u201d (patient pays "
                          "{amount})").format(package=a.package_name, amount=f.money(pays))
            else:
                cover = _("&Cover with the package \u201c{package}\u201d").format(
                    package=a.package_name)
            self.cover = QRadioButton(cover)
            self.cover.setToolTip(_("Uses one of the package's uses, exactly as if the "
                                    "patient had arrived."))
            self.release = QRadioButton(_("&Don't use the package; charge instead:"))
            self.release.setToolTip(_("The package keeps its use; the fee below is invoiced."))
            choice = QButtonGroup(self)
            choice.addButton(self.cover)
            choice.addButton(self.release)
            self.cover.setChecked(True)
            self.body.addWidget(self.cover)
            self.body.addWidget(self.release)
            fee_box.setContentsMargins(24, 0, 0, 0)
            self.release.toggled.connect(self._fees_enabled)
            self.release.toggled.connect(self._allow_ok)
            self._fees_enabled(False)
        else:
            self.body.addWidget(QLabel(_("Charge a no-show fee?")))
        self.body.addLayout(fee_box)
        # Tab goes down the dialog as it reads: the package choice, then the fees.
        order = [button for button in (self.cover, self.release) if button is not None]
        order += self.fees.buttons()
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)
        name_buttons(self, _("&Mark No Show"))
        self._allow_ok()

    def _offer_membership(self, covered_by: str, fee_box) -> None:
        self.cover = QRadioButton(_("&Cover with the membership ({covered_by})").format(
            covered_by=covered_by))
        self.cover.setToolTip(_("Uses one of this period's uses, exactly as if the patient "
                                "had arrived."))
        self.release = QRadioButton(_("&Don't use the membership; charge instead:"))
        choice = QButtonGroup(self)
        choice.addButton(self.cover)
        choice.addButton(self.release)
        self.cover.setChecked(True)
        self.body.addWidget(self.cover)
        self.body.addWidget(self.release)
        fee_box.setContentsMargins(24, 0, 0, 0)
        self.release.toggled.connect(self._fees_enabled)
        self.release.toggled.connect(self._allow_ok)
        self._fees_enabled(False)

    @classmethod
    def ask(cls, clinic: Clinic, appointment_id: int, parent: QWidget | None = None) -> bool:
        """True once the appointment is marked as a no-show; False when the desk cancelled."""
        return super().ask(parent, clinic, appointment_id) is not None

    def use_package(self) -> bool:
        return self.cover is not None and self.cover.isChecked()

    def fee_id(self) -> int | None:
        if self.use_package():
            return None
        chosen = self.fees.checkedId()
        return None if chosen == NO_FEE else chosen

    def save(self) -> None:
        self.invoice_id = self.clinic.schedule.no_show(
            self.appointment.id, use_package=self.use_package(), fee_id=self.fee_id())

    def _allow_ok(self, *_args) -> None:
        chosen = self.use_package() or self.fees.checkedId() != -1
        self.ok_button.setEnabled(chosen)
        self.ok_button.setToolTip("" if chosen else _("Choose a no-show fee, or No fee."))

    def _fees_enabled(self, on: bool) -> None:
        for button in self.fees.buttons():
            button.setEnabled(on)
