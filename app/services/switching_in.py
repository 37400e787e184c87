"""Switching in (R42): packages sold before the clinic used ClinicDesk, brought in as real
packages (redeemable, refundable, in the reports), marked "imported", never today's money.

What an imported package is made of, and why:
- Its sale invoice, issued and dated on the purchase day, with one line of kind
  "imported_package" for the price the patient was charged (taxes included: the old system
  already charged them, so no sales tax is owed again; its tax rate is 0). The journal posts
  that line to Opening Balances, not to Deferred Revenue (R35): the liability is R33's
  opening, entered through the walk (app/domain/liability.PackageLife.imported).
- What was collected, as one payment "Collected before ClinicDesk" applied to that invoice,
  dated the purchase day: a refund un-applies it into credit as any package refund does
  (R26's bound is what was collected), and the books post it to Opening Balances, never to
  a till's clearing account. Nothing is stamped today, so today's Day Close (R32) has none
  of it (the package row itself is left out of the Day Close's sales by `imported_on`).
- Collected less than the price: the rest stays owed on that invoice, as any unpaid sale
  is: the patient's balance shows it and Receive Payment takes it (R28a still caps it at
  the value of the uses given if the package is refunded).
- The uses already had, as `uses_before`: counted before its first redemption here, so the
  next visit is use uses_before + 1 and R3's values go on from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ..domain.states import PaymentMethod
from ..i18n import _
from ..models import (EligibleItem, Package, PackageCoverage, PackageTemplate, Patient,
                      Payment, TreatmentType)
from . import ledger, locks
from . import validation as v
from .audit import snapshot
from .day_times import midnight
from .errors import ValidationError
from .money import format_money, tax_on
from .validity import show_date

IMPORTED_LINE = "imported_package"
MOST_CENTS = 100_000_000  # a million dollars: beyond any package a clinic sells


@dataclass(frozen=True)
class ImportTerms:
    """An imported package's terms, checked (check_terms)."""
    template_id: int | None
    name: str
    price: int  # what the patient was charged in all, taxes included
    uses: int
    uses_used: int
    collected: int
    purchased_on: date
    expires_on: date | None
    covers: tuple[tuple[int, int], ...]  # (treatment type id, Patient Pays)


def _amount(value, field: str, label: str, maximum: int = MOST_CENTS) -> int:
    return v.whole_number(value, field, label=label, minimum=-MOST_CENTS, maximum=maximum)


def check_terms(s, today: date, locale: str, *, uses_used, collected, purchased_on,
                expires_on, template_id=None, name=None, price=None, uses=None,
                covers=None) -> ImportTerms:
    """R42's terms, or a ValidationError naming the field and its limit (R30). The uses
    and the money are checked against the package's own terms, so the sentence says both."""
    money = lambda cents: format_money(cents, locale=locale)  # noqa: E731
    template = None
    if template_id is not None:
        template = v.get(s, PackageTemplate, template_id, "package template")
    elif name in (None, "") or price is None or uses is None:
        raise ValidationError("template_id", _(
            "Choose the package template, or enter the package\u2019s name, price and number "
            "of uses."))
    name = v.name(template.name if name in (None, "") else name, "name",
                  label=_("package name"))
    if price is None:
        price = template.price + tax_on(template.price, template.tax_rate)
    price = _amount(price, "price", _("price"))
    if price < 0:
        raise ValidationError("price", _("The price cannot be negative."))
    uses = v.whole_number(template.uses if uses is None else uses, "uses",
                          label=_("number of uses"), minimum=1, maximum=10_000)
    uses_used = v.whole_number(uses_used, "uses_used", label=_("uses already used"),
                               minimum=-10_000, maximum=10_000)
    if uses_used < 0:
        raise ValidationError("uses_used", _("The uses already used cannot be fewer than 0."))
    if uses_used > uses:
        raise ValidationError("uses_used", _(
            "The uses already used ({used}) cannot be more than the package\u2019s {uses} "
            "uses.").format(used=uses_used, uses=uses))
    collected = _amount(collected, "collected", _("amount already collected"))
    if collected < 0:
        raise ValidationError("collected", _(
            "The amount already collected cannot be less than {zero}.").format(zero=money(0)))
    if collected > price:
        raise ValidationError("collected", _(
            "The amount already collected ({collected}) cannot be more than the package\u2019s "
            "price ({price}).").format(collected=money(collected), price=money(price)))
    purchased_on = v.a_date(purchased_on, "purchased_on", label=_("purchase date"))
    if purchased_on > today:
        raise ValidationError("purchased_on", _(
            "The purchase date ({date}) cannot be after today ({today}): only packages "
            "already sold are brought in.").format(date=show_date(purchased_on, locale),
                                                   today=show_date(today, locale)))
    if expires_on is not None:
        expires_on = v.a_date(expires_on, "expires_on", label=_("expiry date"))
        if expires_on < purchased_on:
            raise ValidationError("expires_on", _(
                "The expiry date ({expiry}) cannot be before the purchase date ({date}).")
                .format(expiry=show_date(expires_on, locale),
                        date=show_date(purchased_on, locale)))
    return ImportTerms(template.id if template else None, name, price, uses, uses_used,
                       collected, purchased_on, expires_on, _covers(s, template, covers))


def _covers(s, template, covers) -> tuple[tuple[int, int], ...]:
    """What it covers: the template's treatments; else those given; else (a package whose
    terms the old system did not say) every active treatment, nothing more to pay."""
    if covers is None and template is not None:
        return tuple((i.treatment_type_id, i.patient_pays) for i in template.eligible)
    if covers is None:
        return tuple((t, 0) for t in s.scalars(select(TreatmentType.id)
                                               .where(TreatmentType.active)
                                               .order_by(TreatmentType.id)))
    out = []
    for treatment_type_id, pays in dict(covers).items():
        v.get(s, TreatmentType, treatment_type_id, "treatment type")
        out.append((treatment_type_id, v.whole_number(pays, "covers", label=_("Patient Pays"),
                                                      maximum=MOST_CENTS)))
    return tuple(out)


def _template_for(s, terms: ImportTerms, now: datetime) -> int:
    """The package's template: the one named, else an archived one of its own terms (never
    for sale), so R33 groups it by name as the desk does."""
    if terms.template_id is not None:
        return terms.template_id
    template = PackageTemplate(name=terms.name, price=terms.price, uses=terms.uses,
                               archived=True, created_at=now)
    template.eligible = [EligibleItem(treatment_type_id=t, patient_pays=pays)
                         for t, pays in terms.covers]
    s.add(template)
    s.flush()
    return template.id


def bring_in(s, patient_id: int, terms: ImportTerms, *, today: date, now: datetime,
             actor: int | None, audit) -> Package:
    """Write the imported package, its invoice and what was collected (see the module's
    docstring). The caller owns the transaction and holds the patient's lock."""
    v.get(s, Patient, patient_id, "patient")
    template_id = _template_for(s, terms, now)
    bought = midnight(terms.purchased_on)
    invoice = ledger.new_invoice(s, patient_id, issued_on=terms.purchased_on, now=bought,
                                 actor=actor)
    package = Package(patient_id=patient_id, template_id=template_id, invoice_id=invoice.id,
                      name=terms.name, price=terms.price, uses_total=terms.uses,
                      purchased_on=terms.purchased_on, expires_on=terms.expires_on,
                      status="active", created_at=now, imported_on=today,
                      uses_before=terms.uses_used)
    s.add(package)
    s.flush()
    for treatment_type_id, pays in terms.covers:
        s.add(PackageCoverage(package_id=package.id, treatment_type_id=treatment_type_id,
                              patient_pays=pays))
    ledger.add_line(s, invoice, kind=IMPORTED_LINE,
                    description=_("Package sold before ClinicDesk: {name}")
                    .format(name=terms.name),
                    unit_price=terms.price, package_id=package.id)
    if terms.collected:
        payment = Payment(patient_id=patient_id, received_at=bought,
                          method=PaymentMethod.IMPORTED.value, amount=terms.collected,
                          reference="", created_by=actor)
        s.add(payment)
        s.flush()
        ledger.apply(s, payment.id, invoice.id, terms.collected, now=bought, actor=actor)
        audit(s, "payment.receive", "payment", payment.id, None,
              {"amount": terms.collected, "method": payment.method, "imported": True})
    # (R29's audit coverage knows a package by its sale entry: an import is one, marked)
    audit(s, "package.sell", "package", package.id, None,
          {**snapshot(package, "name", "price", "uses_total", "purchased_on", "expires_on",
                      "uses_before"), "invoice": invoice.number, "collected": terms.collected,
           "imported": True})
    s.flush()
    return package


def import_existing(service, patient_id: int, **given) -> int:
    """clinic.packages.import_existing (service-api): one package, checked, written, audited."""
    with service._db.write() as s:
        locks.patient(s, patient_id)
        v.get(s, Patient, patient_id, "patient")
        terms = check_terms(s, service._today(), service._locale, **given)
        package = bring_in(s, patient_id, terms, today=service._today(),
                           now=service._now(), actor=service._actor, audit=service._audit)
        return package.id


def marked_name(name, imported_on):
    """A package's name as the reports list it: "10 Massages (imported)" when it was sold
    before ClinicDesk, in the desk's language (SQL, for the reports' own queries)."""
    from sqlalchemy import case, literal
    before, _sep, after = _("{name} (imported)").partition("{name}")
    return case((imported_on.is_not(None), literal(before) + name + literal(after)),
                else_=name)
