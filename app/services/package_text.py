"""A package's uses in one phrase, the same on every screen (booking, Billing Info, the
patient's Packages list, the package's page): "8 of 10 left · 1 booked · expires Sep 2, 2026".
"""

from __future__ import annotations

from ..i18n import _, ngettext
from .package_rules import PackageSummary
from .validity import show_date


def uses_phrase(package: PackageSummary, locale: str) -> str:
    """Uses left, uses held by booked visits (R11) and expiry (R13) in the clinic's date
    format; a refunded, voided, expired or used-up package says so first-hand."""
    p = package
    used = ngettext("{used} of {total} use used", "{used} of {total} uses used",
                    p.uses_total).format(used=p.uses_redeemed, total=p.uses_total)
    if p.status == "refunded":
        return " · ".join((_("refunded"), used))
    if p.status == "void":
        return " · ".join((_("voided"), used))
    if p.status == "transferred":  # R38
        return " · ".join((_("transferred"), used))
    if p.status == "used up":
        return " · ".join((_("used up"), used))
    parts = [ngettext("{left} of {total} left", "{left} of {total} left",
                      p.uses_remaining).format(left=p.uses_remaining, total=p.uses_total)]
    if p.status == "expired":
        parts.append(_("expired {date}").format(date=show_date(p.expires_on, locale)))
        return " · ".join(parts)
    if p.uses_booked and p.uses_available == 0:
        parts.append(_("all uses are booked"))
    elif p.uses_booked:
        parts.append(ngettext("{n} booked", "{n} booked", p.uses_booked)
                     .format(n=p.uses_booked))
    if p.expiry_held:  # R39: set when it is unfrozen
        parts.append(_("expiry held while frozen"))
        return " · ".join(parts)
    parts.append(_("expires {date}").format(date=show_date(p.expires_on, locale))
                 if p.expires_on is not None else _("no expiry"))
    return " · ".join(parts)
