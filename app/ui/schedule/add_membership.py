"""Billing Info's Add Membership… (R43): a booked visit nothing covers yet, and a patient
with a membership. Shown from clinic.schedule.membership_offer's answer: enabled when a
membership can cover the visit, else disabled with the service's reason as its tooltip.
One membership that can: it is applied; several: the desk picks one from a menu."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QPushButton

from app.i18n import _
from app.services.errors import ClinicError

from .. import msgbox

def add_membership_button(panel) -> QPushButton:
    button = QPushButton(_("Add Membe&rship…"))
    button.usual_tip = _("Cover this appointment with one of the patient's memberships")
    button.setToolTip(button.usual_tip)
    button.setVisible(False)
    button.clicked.connect(lambda: add_membership(panel, button))
    return button


def show_offer(button: QPushButton, clinic, appointment_id: int | None,
               billable: bool) -> None:
    offer = clinic.schedule.membership_offer(appointment_id) \
        if appointment_id is not None and billable else None
    button.setVisible(offer is not None)
    if offer is None:
        return
    button.setEnabled(offer.refusal is None)
    button.setToolTip(offer.refusal or button.usual_tip)


def add_membership(panel, button: QPushButton) -> None:
    a, clinic = panel.appointment, panel.clinic
    offer = clinic.schedule.membership_offer(a.id)
    if offer is None or not offer.choices:
        show_offer(button, clinic, a.id, True)
        return
    chosen = offer.choices[0].id
    if len(offer.choices) > 1:
        menu = QMenu(button)
        for choice in offer.choices:
            menu.addAction(choice_words(panel, choice)).setData(choice.id)
        picked = menu.exec(button.mapToGlobal(button.rect().bottomLeft()))
        if picked is None:
            return
        chosen = picked.data()
    try:
        clinic.schedule.apply_membership(a.id, chosen)
    except ClinicError as error:
        msgbox.refusal(panel, error, _("No membership added"))
        return
    panel.changed.emit(a.id)


def choice_words(panel, choice) -> str:
    money = panel._f.money
    if choice.uses_left is None:
        return _("{plan} · patient pays {amount}").format(plan=choice.name,
                                                          amount=money(choice.patient_pays))
    return _("{plan} · {left} left this period · patient pays {amount}").format(
        plan=choice.name, left=choice.uses_left, amount=money(choice.patient_pays))

