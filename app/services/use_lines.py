"""R41: what an invoice line of a redeemed use says about the package it came from:
"Massage 10-pack: use 4 of 10, 6 left, expires July 15, 2026".

Everything in the phrase is as of that use, so the line reads the same on every reprint:
- the use's number is the redemption's place among the package's uses by date (R3), so a
  later use never changes it (only a visit entered late, on an earlier day, comes first);
- "left" is what that use left: the package's uses less this use's number (a later use, or a
  refund, does not rewrite what this visit left);
- the expiry is the one in force when the use was recorded: the first expiry change made
  after it says what the expiry was before, and with none the package's expiry now is it.
  An invoice reprinted after an extension still shows the expiry the patient was told at the
  visit, as the paper already in their hands does; where the package stands today is the
  package statement's and the package page's to say.
Nothing is stored for it (no migration): the redemption, the package and the expiry changes
already hold every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy import select

from ..i18n import _, ngettext
from ..models import ClinicSettings, Package, PackageExpiryChange, Redemption


@dataclass(frozen=True)
class UseAtTheTime:
    """One redemption, with the package's values as they were when it was made."""

    package_name: str
    use_number: int | None  # None once the use was undone (the redemption voided)
    uses_total: int
    expires_on: date | None

    @property
    def left(self) -> int:
        return max(0, self.uses_total - (self.use_number or 0))


def expiry_then(current: date | None, changes, moment: datetime) -> date | None:
    """The expiry in force at `moment`: `changes` are (changed_at, id, old_expires_on) of one
    package; the first made after `moment` kept what the expiry was until then."""
    later = [c for c in changes if c[0] > moment]
    return min(later, key=lambda c: (c[0], c[1]))[2] if later else current


def phrase(use: UseAtTheTime, locale: str) -> str:
    """The use's words in the desk's language, numbers and dates in the clinic's locale."""
    if use.use_number is None:
        return _("{package}: this use was undone and given back to the package").format(
            package=use.package_name)
    number = {"use": format_decimal(use.use_number, locale=locale),
              "total": format_decimal(use.uses_total, locale=locale),
              "left": format_decimal(use.left, locale=locale), "package": use.package_name}
    if use.expires_on is None:
        return ngettext("{package}: use {use} of {total}, {left} left",
                        "{package}: use {use} of {total}, {left} left",
                        use.left).format(**number)
    return ngettext("{package}: use {use} of {total}, {left} left, expires {date}",
                    "{package}: use {use} of {total}, {left} left, expires {date}",
                    use.left).format(date=format_date(use.expires_on, "long", locale=locale),
                                     **number)


def uses_of(s, redemption_ids) -> dict[int, UseAtTheTime]:
    """Each redemption (by id) as it was when made; one query per table, not per line."""
    ids = set(redemption_ids)
    if not ids:
        return {}
    rows = s.execute(select(Redemption.id, Redemption.created_at, Redemption.use_number,
                            Redemption.voided_at, Package.id, Package.name,
                            Package.uses_total, Package.expires_on)
                     .join(Package, Package.id == Redemption.package_id)
                     .where(Redemption.id.in_(ids))).all()
    packages = {row[4] for row in rows}
    changes: dict[int, list] = {}
    for package_id, at, change_id, old in s.execute(
            select(PackageExpiryChange.package_id, PackageExpiryChange.changed_at,
                   PackageExpiryChange.id, PackageExpiryChange.old_expires_on)
            .where(PackageExpiryChange.package_id.in_(packages))):
        changes.setdefault(package_id, []).append((at, change_id, old))
    return {rid: UseAtTheTime(name, None if voided else number, total,
                              expiry_then(expires, changes.get(package_id, ()), made))
            for rid, made, number, voided, package_id, name, total, expires in rows}


def for_lines(s, lines) -> dict[int, str]:
    """The use phrase of each invoice line that billed a redeemed use (by line id)."""
    wanted = {(line.invoice_id, line.appointment_id, line.package_id): line.id
              for line in lines if line.kind == "patient_pays"
              and line.package_id is not None and line.appointment_id is not None}
    if not wanted:
        return {}
    invoices = {key[0] for key in wanted}
    found = {}
    for rid, invoice_id, appointment_id, package_id in s.execute(
            select(Redemption.id, Redemption.invoice_id, Redemption.appointment_id,
                   Redemption.package_id).where(Redemption.invoice_id.in_(invoices))):
        line_id = wanted.get((invoice_id, appointment_id, package_id))
        if line_id is not None:
            found[line_id] = rid
    locale = s.scalar(select(ClinicSettings.locale)) or "en_CA"
    uses = uses_of(s, found.values())
    return {line_id: phrase(uses[rid], locale) for line_id, rid in found.items()}
