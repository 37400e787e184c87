"""The warning when booked appointments lose their package (R28 refunds; R37 a share ended):
one sentence listing them, so the desk calls those patients about the standard price."""

from __future__ import annotations

from ..i18n import _, ngettext
from .schedule_views import AppointmentRow
from .validity import show_when


def released_warnings(released: list[AppointmentRow], locale: str) -> list[str]:
    """[] when nothing was released, else the one warning naming each appointment."""
    if not released:
        return []
    listed = "; ".join(
        _("{when} {treatment} with {practitioner}").format(
            when=show_when(a.start, locale), treatment=a.treatment_name,
            practitioner=a.staff_name)
        for a in released)
    return [ngettext(
        "{n} booked appointment lost this package and will be billed at the "
        "standard price: {appointments}.",
        "{n} booked appointments lost this package and will be billed at the "
        "standard price: {appointments}.", len(released))
        .format(n=len(released), appointments=listed)]
