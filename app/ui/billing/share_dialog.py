"""The package page's Share… (R37): tick the members of the purchaser's household who may
book and redeem with the package. Unticking someone releases their booked covered visits,
with R28's warning; the uses they already redeemed stay."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from app.i18n import _
from app.services import Clinic

from .. import msgbox
from ..forms import FormDialog
from ..schedule.fields import name_buttons


def shared_with_text(clinic: Clinic, package_id: int) -> str:
    """"Leo Lopez, Sam Lopez" for the page's summary; empty when shared with nobody."""
    return ", ".join(c.patient_name for c in clinic.packages.share_choices(package_id)
                     if c.shared)


class ShareDialog(FormDialog):
    def __init__(self, clinic: Clinic, package_id: int, parent: QWidget | None = None):
        super().__init__(_("Share Package"), parent)
        self.clinic, self.package_id = clinic, package_id
        self.setMinimumWidth(440)
        detail = clinic.packages.detail(package_id)
        note = QLabel(_("Household members ticked here may book and redeem with "
                        "\u201c{name}\u201d, bought by {patient}.").format(
                            name=detail.summary.name, patient=detail.patient_name))
        note.setWordWrap(True)
        self.form.addRow(note)
        self.boxes: dict[int, QCheckBox] = {}
        for choice in clinic.packages.share_choices(package_id):
            box = QCheckBox(choice.patient_name)
            box.setChecked(choice.shared)
            self.boxes[choice.patient_id] = box
            self.form.addRow(box)
        name_buttons(self, _("&Save"))
        self.fields = {"patient_ids": next(iter(self.boxes.values()), None)}
        if self.boxes:
            next(iter(self.boxes.values())).setFocus()
        self.released = ()

    def save(self) -> None:
        ticked = [pid for pid, box in self.boxes.items() if box.isChecked()]
        released = self.clinic.packages.set_shares(self.package_id, ticked)
        for warning in released.warnings:
            msgbox.information(self, _("Booked appointments released"), warning)
        self.released = tuple(released)
