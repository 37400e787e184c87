"""How the booking dialog's Packages section names a membership that can cover the visit
(R43): "Membership: Monthly massage — 3 of 4 left this period"."""

from __future__ import annotations

from app.i18n import _, ngettext

from ..formats import Formats


def membership_label(membership, f: Formats) -> str:
    """The choice's text: the plan and what is left of this period's allowance."""
    if membership.uses_left is None:
        return _("Membership: {plan} \u2014 unlimited this period").format(
            plan=membership.name)
    return ngettext("Membership: {plan} \u2014 {left} of {allowed} left this period",
                    "Membership: {plan} \u2014 {left} of {allowed} left this period",
                    membership.uses_left).format(plan=membership.name,
                                                 left=membership.uses_left,
                                                 allowed=membership.allowance)


def membership_note(membership, f: Formats) -> str:
    """Its period's dates and what the patient pays at arrival."""
    return " · ".join((
        _("period {start} to {end}").format(start=f.date(membership.period_starts),
                                            end=f.date(membership.period_ends)),
        _("patient pays {amount}").format(amount=f.money(membership.patient_pays))))
