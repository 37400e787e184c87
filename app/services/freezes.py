"""Freezing a package (R39): from a date, to a date or until unfrozen, with a reason.

While frozen it covers nothing: booking skips it (or refuses it when chosen), arriving or
covering a no-show on a frozen day is refused. Its expiry moves on by the frozen days
through the same record as Change Expiry (PackageExpiryChange, R23), so the audit trail and
the books (R33-R35) see the new expiry as they see any other:

- a freeze with an end date moves the expiry when it is made: nothing has to happen on the
  day it ends (no program runs then at a desk that may be closed), and the expiry it shows is
  already the one it will have;
- a freeze until unfrozen cannot know its days yet, so its expiry is held (cleared) while it
  lasts and given back, moved on by the frozen days, when it is unfrozen. Cleared, the books
  never count a frozen package's uses as expired (breakage) while it is frozen.

Manager-only, like Change Expiry: each moves the expiry date. Booked covered appointments on
the frozen days refuse the freeze, listed, as R24 refuses an expiry before them: the patient
is away, so those visits are to be cancelled or moved, not quietly billed at the standard
price.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..domain import freezes as rule
from ..domain.packages import package_status
from ..domain.states import PackageStatus, name_of
from ..i18n import N_, _, ngettext
from ..models import Package, PackageExpiryChange, PackageFreeze, Redemption
from . import locks
from . import validation as v
from .errors import NotAllowed, ValidationError
from .validity import show_date, show_when

#: The manager-only action (app.services.auth.MANAGER_ACTIONS).
FREEZE = "freeze or unfreeze a package"


@dataclass(frozen=True)
class FreezeRow:
    id: int
    starts_on: date
    ends_on: date | None  # the first day it can be used again; None: until unfrozen
    reason: str
    days: int | None  # frozen days, when it has ended or has an end
    expires_before: date | None  # the expiry when frozen (an open freeze moves it on)
    frozen_at: datetime
    unfrozen_at: datetime | None


def freezes_of(s: Session, package_id: int) -> list[PackageFreeze]:
    return list(s.scalars(select(PackageFreeze).where(PackageFreeze.package_id == package_id)
                          .order_by(PackageFreeze.starts_on, PackageFreeze.id)))


def _span(freeze: PackageFreeze) -> rule.Span:
    return rule.Span(freeze.starts_on, freeze.ends_on)


def freeze_on(s: Session, package_id: int, day: date) -> PackageFreeze | None:
    """The package's freeze that `day` is a frozen day of, if any."""
    return next((f for f in freezes_of(s, package_id) if _span(f).holds(day)), None)


def standing(s: Session, package_id: int, today: date) -> tuple[bool, bool]:
    """(frozen today, expiry held by an open freeze): what a package's summary says."""
    rows = freezes_of(s, package_id)
    return (any(_span(f).holds(today) for f in rows), any(f.ends_on is None for f in rows))


def open_freeze(s: Session, package_id: int) -> PackageFreeze | None:
    """A freeze until unfrozen: the expiry is held until then."""
    return s.scalar(select(PackageFreeze).where(PackageFreeze.package_id == package_id,
                                                PackageFreeze.ends_on.is_(None)))


def span_words(freeze: PackageFreeze, locale: str) -> str:
    if freeze.ends_on is None:
        return _("from {start} until it is unfrozen").format(
            start=show_date(freeze.starts_on, locale))
    return _("from {start} until {end} (it can be used again that day)").format(
        start=show_date(freeze.starts_on, locale), end=show_date(freeze.ends_on, locale))


_F = PackageFreeze.__table__.c
_EVER_FROZEN = select(_F.id).where(_F.package_id == bindparam("package_id")).limit(1)


def frozen_refusal(s: Session, package: Package, day: date, locale: str) -> str | None:
    """Why `package` cannot cover a visit on `day`: that day is frozen; None if it is not.
    Asked at every arrival, and almost no package was ever frozen: one column first (issue
    22), the freezes as objects (and the rule, app.domain.freezes) only when there are any."""
    if s.connection().execute(_EVER_FROZEN, {"package_id": package.id}).first() is None:
        return None
    freeze = freeze_on(s, package.id, day)
    if freeze is None:
        return None
    return _("The package \u201c{name}\u201d is frozen {span}, so it cannot cover this "
             "appointment on {date}.").format(name=package.name,
                                              span=span_words(freeze, locale),
                                              date=show_date(day, locale))


def expiry_refusal(s: Session, package: Package) -> str | None:
    """Change Expiry waits for an open freeze to end: unfreezing sets the expiry then."""
    freeze = open_freeze(s, package.id)
    if freeze is None:
        return None
    return _("The package \u201c{name}\u201d is frozen until it is unfrozen; its expiry is "
             "set when it is unfrozen. Unfreeze it first.").format(name=package.name)


def move_expiry(service, s: Session, package: Package, expires_on: date | None) -> None:
    """The expiry change as Change Expiry records it (R23, R33 reads it)."""
    if expires_on != package.expires_on:
        s.add(PackageExpiryChange(package_id=package.id, changed_on=service._today(),
                                  changed_at=service._now(), old_expires_on=package.expires_on,
                                  new_expires_on=expires_on, changed_by=service._actor))
        package.expires_on = expires_on


class FreezeActions:
    """PackageService's freeze and unfreeze (R39)."""

    def freezes(self, package_id: int) -> list[FreezeRow]:
        with self._db.read() as s:
            v.get(s, Package, package_id, "package")
            return [FreezeRow(f.id, f.starts_on, f.ends_on, f.reason,
                              None if f.ends_on is None
                              else rule.days_frozen(f.starts_on, f.ends_on),
                              f.expires_before, f.frozen_at, f.unfrozen_at)
                    for f in freezes_of(s, package_id)]

    def freeze_refusal(self, package_id: int) -> str | None:
        """Why Freeze… is not offered now, or None."""
        with self._db.read() as s:
            package = v.get(s, Package, package_id, "package")
            if open_freeze(s, package.id) is not None:  # any new one would overlap it
                return _("The package \u201c{name}\u201d is frozen until it is unfrozen."
                         ).format(name=package.name)
            return self._not_freezable(s, package)

    def unfreeze_refusal(self, package_id: int) -> str | None:
        """Why Unfreeze is not offered now: no freeze is in force or to come."""
        with self._db.read() as s:
            package = v.get(s, Package, package_id, "package")
            if self._unended(s, package, self._today()) is None:
                return _("The package \u201c{name}\u201d is not frozen.").format(
                    name=package.name)
            return None

    def freeze(self, package_id: int, start: date, end: date | None = None, *,
               reason: str) -> int:
        """Freeze from `start` to `end` (the day it can be used again) or, with no end,
        until unfrozen. Returns the freeze's id."""
        self._clinic.auth.require_manager(FREEZE)
        reason = v.text(reason, "reason", label=N_("reason for the freeze"), max_len=500)
        with self._db.write() as s:
            locks.package(s, package_id)
            package = v.get(s, Package, package_id, "package")
            if refusal := self._not_freezable(s, package):
                raise NotAllowed(refusal)
            locale = self._locale
            start = v.a_date(start, "start", label=N_("freeze's first day"),
                             earliest=package.purchased_on,
                             latest=package.expires_on or v.LATEST_DATE)
            if end is not None:
                end = v.a_date(end, "end", label=N_("freeze's end"),
                               earliest=start + timedelta(days=1))
            span = rule.Span(start, end)
            for other in freezes_of(s, package.id):
                if _span(other).overlaps(span):
                    raise ValidationError("start", _(
                        "The package \u201c{name}\u201d is already frozen {span}; a freeze "
                        "cannot overlap another.").format(name=package.name,
                                                          span=span_words(other, locale)))
            self._refuse_visits_inside(s, package, span)
            before = package.expires_on
            freeze = PackageFreeze(package_id=package.id, starts_on=start, ends_on=end,
                                   reason=reason, expires_before=before,
                                   frozen_at=self._now(), frozen_by=self._actor)
            s.add(freeze)
            move_expiry(self, s, package, None if end is None else
                        rule.moved_expiry(before, rule.days_frozen(start, end)))
            s.flush()
            self._audit(s, "package.freeze", "package", package.id, {"expires_on": before},
                        {"freeze_id": freeze.id, "starts_on": start, "ends_on": end,
                         "reason": reason, "expires_on": package.expires_on})
            return freeze.id

    def unfreeze(self, package_id: int, on: date) -> int:
        """End the freeze on `on`, the first day it can be used again; the expiry moves on
        by the days from the freeze's first day to `on`. Returns the freeze's id."""
        self._clinic.auth.require_manager(FREEZE)
        with self._db.write() as s:
            locks.package(s, package_id)
            package = v.get(s, Package, package_id, "package")
            on = v.a_date(on, "on", label=N_("day it is unfrozen"))
            freeze = self._unended(s, package, on)
            if freeze is None:
                raise NotAllowed(_("The package \u201c{name}\u201d is not frozen on {date}.")
                                 .format(name=package.name, date=show_date(on, self._locale)))
            if on < freeze.starts_on:
                raise ValidationError("on", _(
                    "The freeze of \u201c{name}\u201d starts on {start}: it can be unfrozen "
                    "on that day or later.").format(
                        name=package.name, start=show_date(freeze.starts_on, self._locale)))
            before = {"ends_on": freeze.ends_on, "expires_on": package.expires_on}
            if package.status == PackageStatus.ACTIVE:  # refunded or void: nothing to move
                if freeze.ends_on is None:  # held while it lasted: given back, moved on
                    expires_on = rule.moved_expiry(freeze.expires_before,
                                                   rule.days_frozen(freeze.starts_on, on))
                else:  # moved when frozen: back by the days no longer frozen
                    expires_on = rule.moved_expiry(package.expires_on,
                                                   -rule.days_frozen(on, freeze.ends_on))
                self._refuse_visits_after(package, s, expires_on)
                move_expiry(self, s, package, expires_on)
            freeze.ends_on = on
            freeze.unfrozen_at, freeze.unfrozen_by = self._now(), self._actor
            self._audit(s, "package.unfreeze", "package", package.id, before,
                        {"freeze_id": freeze.id, "ends_on": on,
                         "expires_on": package.expires_on})
            return freeze.id

    # helpers
    def _unended(self, s: Session, package: Package, on: date) -> PackageFreeze | None:
        """The freeze still to end on `on`: in force then or still to come."""
        for freeze in freezes_of(s, package.id):
            if freeze.ends_on == freeze.starts_on:
                continue  # withdrawn on its first day: it froze nothing
            if freeze.ends_on is None or freeze.ends_on > on:
                return freeze
        return None

    def _not_freezable(self, s: Session, package: Package) -> str | None:
        """R39: only a package that can still be used can be frozen."""
        from .package_rules import redeemed_count
        status = package_status(package.status, package.uses_total,
                                redeemed_count(s, package.id), package.expires_on,
                                self._today())
        if status != PackageStatus.ACTIVE:
            return _("The package \u201c{name}\u201d is {status}; only a package that can "
                     "still be used can be frozen.").format(
                         name=package.name, status=_(name_of(status, lower=True)))
        return None

    def _refuse_visits_inside(self, s: Session, package: Package, span: rule.Span) -> None:
        locale = self._locale
        booked = [a for a in self._booked(s, package) if span.holds(a.start.date())]
        if booked:
            raise NotAllowed(ngettext(
                "{n} booked appointment covered by this package falls on the frozen days "
                "({when}). Cancel or move it, or remove the package from it, first.",
                "{n} booked appointments covered by this package fall on the frozen days "
                "({when}). Cancel or move them, or remove the package from them, first.",
                len(booked)).format(n=len(booked), when="; ".join(
                    show_when(a.start, locale) for a in booked[:5])))
        used = s.scalars(select(Redemption.redeemed_on).where(
            Redemption.package_id == package.id, Redemption.voided_at.is_(None),
            Redemption.redeemed_on >= span.starts_on).order_by(Redemption.redeemed_on)).all()
        used = [day for day in used if span.holds(day)]
        if used:
            raise ValidationError("start", _(
                "A use of this package was redeemed on {date}, which the freeze would "
                "cover; the freeze can start on {earliest} at the earliest.").format(
                    date=show_date(used[-1], locale),
                    earliest=show_date(used[-1] + timedelta(days=1), locale)))

    def _refuse_visits_after(self, package: Package, s: Session,
                             expires_on: date | None) -> None:
        """R24: cutting a freeze short moves the expiry back; never before a booked visit."""
        if expires_on is None:
            return
        late = [a for a in self._booked(s, package) if a.start.date() > expires_on]
        if late:
            raise NotAllowed(ngettext(
                "Unfrozen then, the package would expire on {date}, before {n} booked "
                "appointment it covers ({when}). Remove the package from it or move it "
                "first.",
                "Unfrozen then, the package would expire on {date}, before {n} booked "
                "appointments it covers ({when}). Remove the package from them or move "
                "them first.", len(late)).format(
                    n=len(late), date=show_date(expires_on, self._locale),
                    when="; ".join(show_when(a.start, self._locale) for a in late[:5])))
