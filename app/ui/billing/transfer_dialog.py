"""Transfer…: move a package's remaining uses to another patient, with a reason (R38).

The recipient is found by typing, as at booking (PatientPicker). Before Transfer is pressed
the dialog says what will happen: the uses that move, that no money moves, and the booked
appointments that will lose the package (R28's list), so the desk can tell the patient.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.i18n import _, ngettext
from app.services import Clinic
from app.services.package_transfer import REASON_MAX, TRANSFER, TransferLink, TransferResult
from app.services.packages import PackageSummary

from .. import msgbox
from ..formats import Formats
from ..forms import FormDialog
from ..schedule.fields import PatientPicker
from .keys import buttons_in_order, tab_order

_WARNING = "color: #8a4b00;"


class TransferDialog(FormDialog):
    """`ask(parent, clinic, package)`: the TransferResult, or None when cancelled."""

    ACTION = TRANSFER

    def __init__(self, clinic: Clinic, package: PackageSummary, parent: QWidget | None = None):
        super().__init__(_("Transfer Package"), parent)
        self.clinic = clinic
        self.package = package
        formats = Formats(clinic)
        self.setMinimumWidth(520)
        expiry = (_("no expiry") if package.expires_on is None
                  else formats.date(package.expires_on))
        self.intro = QLabel(ngettext(
            "The {n} use left of \u201c{name}\u201d moves to the patient you choose, with the "
            "same expiry ({expiry}) and the same value per use. The uses already redeemed stay "
            "on this package, which ends as transferred. No money moves.",
            "The {n} uses left of \u201c{name}\u201d move to the patient you choose, with the "
            "same expiry ({expiry}) and the same value per use. The uses already redeemed stay "
            "on this package, which ends as transferred. No money moves.",
            package.uses_remaining).format(n=package.uses_remaining, name=package.name,
                                           expiry=expiry))
        self.intro.setWordWrap(True)
        self.body.insertWidget(0, self.intro)

        self.recipient = PatientPicker(clinic, self)
        self.recipient.setAccessibleName(_("Transfer to"))
        self.reason = QLineEdit()
        self.reason.setMaxLength(REASON_MAX + 1)  # one more, so the service names the limit
        self.reason.setPlaceholderText(_("Why the uses move (kept with the package)"))
        self.reason.setAccessibleName(_("Reason for the transfer"))
        recipient_label, reason_label = QLabel(_("&Transfer to:")), QLabel(_("&Reason:"))
        recipient_label.setBuddy(self.recipient)
        reason_label.setBuddy(self.reason)
        self.form.addRow(recipient_label, self.recipient)
        self.form.addRow(reason_label, self.reason)

        self.releases = clinic.packages.transfer_releases(package.id)
        self.warning = QLabel(self._releases_text(formats))
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(_WARNING)
        self.warning.setVisible(bool(self.releases))
        self.body.addWidget(self.warning)

        self.fields = {"to_patient_id": self.recipient, "reason": self.reason}
        self.ok_button.setText(_("&Transfer"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        tab_order(self.recipient, self.reason, *buttons_in_order(self.buttons))
        self.recipient.setFocus()

    def _releases_text(self, formats: Formats) -> str:
        if not self.releases:
            return ""
        listed = "\n".join(
            _("{when} {treatment} with {practitioner}").format(
                when=f"{formats.date(a.start.date())} {formats.time(a.start)}",
                treatment=a.treatment_name,
                practitioner=a.staff_name)
            for a in self.releases)
        return ngettext(
            "This booked appointment will lose the package and be billed at the standard "
            "price:\n{appointments}",
            "These {n} booked appointments will lose the package and be billed at the "
            "standard price:\n{appointments}", len(self.releases)).format(
                n=len(self.releases), appointments=listed)

    def save(self) -> None:
        recipient = self.recipient.patient_id
        if recipient is None:
            from app.services.errors import ValidationError
            raise ValidationError("to_patient_id", _(
                "Choose the patient to transfer the package to: type part of their name, "
                "phone number or email and pick them from the list."))
        self.outcome: TransferResult = self.clinic.packages.transfer_with_warnings(
            self.package.id, recipient, reason=self.reason.text())


def transfer_text(links: tuple[TransferLink, ...], formats: Formats) -> str:
    """The show page's lines: "Transferred from X on DATE (reason)", then "Transferred to
    X on DATE (reason)" when it was passed on again."""
    return "\n".join(_one_line(link, formats) for link in links)


def _one_line(link: TransferLink, formats: Formats) -> str:
    if link.direction == "to":
        return _("Transferred to {patient} on {date} ({reason})").format(
            patient=link.other_patient_name, date=formats.date(link.transferred_on),
            reason=link.reason)
    return _("Transferred from {patient} on {date} ({reason})").format(
        patient=link.other_patient_name, date=formats.date(link.transferred_on),
        reason=link.reason)


def show_transfer_done(parent: QWidget | None, result: TransferResult) -> None:
    """What was done, and R28's warning of the appointments released, once more."""
    text = ngettext("{n} use was transferred.", "{n} uses were transferred.",
                    result.uses).format(n=result.uses)
    msgbox.information(parent, _("Package transferred"), "\n\n".join((text, *result.warnings)))
