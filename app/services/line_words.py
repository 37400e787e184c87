"""What an invoice line says, in the desk's language when it is shown or printed (R4, R31).

A line's description is stored as written at sale ("Package: 10 Massages", "Massage (Mar 2,
2026, 10:00 a.m.), covered by 10 Massages (use 1 of 10)"), in the language the desk spoke
then. It is read back here against the message it was made from (in English or in French),
and written again in today's language: the names as they were sold, the visit's time in the
clinic's locale from the appointment, and the use's number as it is now (uses are numbered
by date, so a visit entered late renumbers the later ones). A line that matches none of its
kind's messages (an item typed by hand, a kind added later) is shown as stored.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from .. import i18n
from ..i18n import N_, _
from .membership_words import LINE_MESSAGES as MEMBERSHIP_LINES

#: The messages each kind of line is written with, the most particular first.
MESSAGES = {
    "package": (N_("{name}: {uses} uses transferred from {patient}"),  # R38
                N_("Package: {name}")),
    "imported_package": (N_("Package sold before ClinicDesk: {name}"),),  # R42
    "opening_balance": (N_("Balance owing before ClinicDesk"),),
    "package_refund": (N_("Unused uses cancelled: {name}"), N_("Refund of package: {name}")),
    "patient_pays": (
        *MEMBERSHIP_LINES,  # R43: covered by a membership
        N_("No show: {treatment} ({when}), covered by {package} (use {use} of {total})"),
        N_("{treatment} ({when}), covered by {package} (use {use} of {total})")),
    "treatment": (N_("No show: {treatment} ({when})"), N_("{treatment} ({when})")),
    "no_show_fee": (N_("{fee} ({when})"),),
}
#: A package use's line as shown above its R41 use line ("10 Massages: use 1 of 10, 9 left,
#: …"), which says the number already: the stored words less their "(use n of N)".
BESIDE_USE = {
    N_("No show: {treatment} ({when}), covered by {package} (use {use} of {total})"):
        N_("No show: {treatment} ({when}), covered by {package}"),
    N_("{treatment} ({when}), covered by {package} (use {use} of {total})"):
        N_("{treatment} ({when}), covered by {package}"),
}
#: A time holds a digit and no parenthesis: "Massage (60 min) (Mar 2, …)" ends at its last.
_PARTS = {"when": r"[^()]*?\d[^()]*?", "use": r"\d+", "total": r"\d+"}


@lru_cache(maxsize=64)
def _pattern(template: str) -> re.Pattern:
    out, at = [], 0
    for match in re.finditer(r"\{(\w+)\}", template):
        out.append(re.escape(template[at:match.start()]))
        name = match.group(1)
        out.append(f"(?P<{name}>{_PARTS.get(name, '.+?')})")
        at = match.end()
    out.append(re.escape(template[at:]))
    return re.compile("".join(out), re.DOTALL)


def _read(kind: str, stored: str) -> tuple[str, dict[str, str]] | None:
    """(message, its values) the stored description was written from, if any."""
    french = i18n.catalogue(i18n.FRENCH)
    for message in MESSAGES.get(kind, ()):
        for written in dict.fromkeys((message, french.get(message) or message)):
            match = _pattern(written).fullmatch(stored)
            if match:
                return message, match.groupdict()
    return None


def describe(kind: str, stored: str, *, start: datetime | None = None,
             locale: str | None = None, use: int | None = None,
             beside_use: bool = False) -> str:
    """The line's description in the desk's language. `start` (the visit's) and `locale`
    write its time again; `use` is the redemption's number now. `beside_use`: its use line
    is shown with it, so the number is said there and not twice."""
    read = _read(kind, stored or "")
    if read is None:
        return stored
    message, values = read
    if start is not None and locale and "when" in values:
        from .validity import show_when

        values["when"] = show_when(start, locale)
    if use is not None and "use" in values:
        values["use"] = str(use)
    if beside_use and message in BESIDE_USE:
        message = BESIDE_USE[message]
    return _(message).format(**values)


def for_lines(s, lines, beside_use=frozenset()) -> dict[int, str]:
    """Each invoice line's description (by line id), as `describe` writes it; `beside_use`:
    the ids of the lines shown with their R41 use line."""
    from sqlalchemy import select

    from ..models import Appointment, ClinicSettings, Redemption

    locale = s.scalar(select(ClinicSettings.locale)) or "en_CA"
    visits = {line.appointment_id for line in lines if line.appointment_id is not None}
    starts, uses = {}, {}
    if visits:
        starts = dict(s.execute(select(Appointment.id, Appointment.start)
                                .where(Appointment.id.in_(visits))).all())
        uses = {(a, p): n for a, p, n in s.execute(
            select(Redemption.appointment_id, Redemption.package_id, Redemption.use_number)
            .where(Redemption.appointment_id.in_(visits)))}
    return {line.id: describe(line.kind, line.description, locale=locale,
                              start=starts.get(line.appointment_id),
                              use=uses.get((line.appointment_id, line.package_id)),
                              beside_use=line.id in beside_use)
            for line in lines}
