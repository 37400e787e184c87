"""The money and package ledgers stay consistent whatever the desk does, in any order.

A Hypothesis state machine sells, pays, books, arrives, no-shows, undoes, cancels, moves,
refunds, voids, changes expiries and lets time pass, at random. A refusal (ClinicError) is
fine, but must leave every row of the database as it was (R30). After every step, for every
patient, the books must balance (R1, R18, R26-R29) and no package may be over-used (R11).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select

from app.models import (Appointment, ClinicSettings, HouseholdMember, Invoice, InvoiceLine,
                        Package, PackageCoverage, PackageRefund, PackageShare, Payment,
                        PaymentApplication, PaymentRefund, Patient, Redemption)
from app.services import Clinic, ClinicError, ValidationError
from app.services.integrity import ledger_problems
from app.services.refund_rules import redeemed_value

from scenarios.support import dump

START = datetime(2026, 3, 2, 9, 0)
METHODS = ("cash", "debit", "credit_card", "cheque", "e_transfer", "other")


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


_TEMPLATE: dict = {}
# Memory-backed when there is one: the clinic file syncs every commit (synchronous=FULL),
# and a few thousand fsyncs on a disk would take most of the run.
_SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def template_clinic() -> tuple[str, dict]:
    """Build the seeded clinic file once; every example starts from a copy of it."""
    if not _TEMPLATE:
        folder = tempfile.mkdtemp(prefix="clinicdesk-invariants-", dir=_SCRATCH)
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = os.path.join(folder, "template.db")
        clinic = Clinic.open(path, clock=Clock(START))
        clinic.settings.update(name="Harbour Physio", currency="CAD", locale="en_CA",
                               setup_complete=True)
        ids = {
            "ana": clinic.staff.add("Ana Silva"),
            "ben": clinic.staff.add("Ben Okafor"),
            "desk": clinic.staff.add("Chloe Desk", practitioner=False),
            "massage": clinic.catalog.add_treatment_type("Massage", duration_min=60,
                                                         price=9000),
            "physio": clinic.catalog.add_treatment_type("Physio", duration_min=30, price=8500,
                                                        tax_rate=Decimal("0.15")),
            "acu": clinic.catalog.add_treatment_type("Acupuncture", duration_min=45,
                                                     price=7500),
        }
        ids["templates"] = [
            clinic.catalog.add_package_template(
                "10 Massages", price=80000, uses=10, eligible={ids["massage"]: 0},
                validity="6m"),
            clinic.catalog.add_package_template(
                "3 Physio", price=10000, uses=3, eligible={ids["physio"]: 1000}),
            clinic.catalog.add_package_template(
                "3 Massages 30d", price=10000, uses=3, eligible={ids["massage"]: 0},
                validity="30d"),
            clinic.catalog.add_package_template(
                "2 Mixed + tax", price=15001, uses=2,
                eligible={ids["massage"]: 550, ids["acu"]: 0}, validity="1y",
                tax_rate=Decimal("0.13")),
        ]
        ids["fees"] = [clinic.settings.add_no_show_fee("Missed", 4000),
                       clinic.settings.add_no_show_fee("Late", 2555, tax_rate="0.15")]
        ids["patient"] = clinic.patients.add("Maria", "Lopez")
        clinic.close()
        _TEMPLATE.update(path=path, ids=ids)
    return _TEMPLATE["path"], _TEMPLATE["ids"]


amounts = st.one_of(st.integers(min_value=1, max_value=90000),
                    st.sampled_from(["10.00", "0.01", "115.00", "800.00", "40", "1.234",
                                     "-5", "abc", 0]))
picks = st.integers(min_value=0, max_value=10_000)
aims = st.integers(0, 9).map(lambda n: n < 8)  # aim at a fitting row 80% of the time


class ClinicMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        source, self.ids = template_clinic()
        self.folder = tempfile.mkdtemp(prefix="clinicdesk-example-", dir=_SCRATCH)
        path = os.path.join(self.folder, "clinic.db")
        shutil.copyfile(source, path)
        self.clock = Clock(START)
        self.clinic = Clinic.open(path, clock=self.clock)
        self.patients = [self.ids["patient"]]
        self.appointments: list[int] = []
        self.payments: list[int] = []
        self.invoices: list[int] = []
        self.packages: list[int] = []
        self.package_refunds: list[int] = []
        self.refunded_uses: dict[int, int] = {}  # value of the uses given, at refund (R28b)

    def teardown(self):
        self.clinic.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # helpers
    def attempt(self, call, *args, **kwargs):
        """Do it, or be refused with nothing changed."""
        before = dump(self.clinic)
        try:
            return call(*args, **kwargs)
        except ClinicError as error:
            assert str(error).strip(), "a refusal must say why"
            after = dump(self.clinic)
            assert after == before, f"refused ({error}) but the database changed"
            return None

    @staticmethod
    def pick(items, index):
        return items[index % len(items)]

    def choose(self, model, index, aim, *where):
        """Most of the time (aim) a row that fits the action, so sequences go deep; otherwise
        any row at all, so the refusals get exercised too. Returns the row's id and patient."""
        with self.clinic.db.read() as s:
            rows = s.execute(select(model.id, model.patient_id).where(*where)
                             .order_by(model.id)).all() if aim else []
            if not rows:
                rows = s.execute(select(model.id, model.patient_id).order_by(model.id)).all()
        return tuple(self.pick(rows, index)) if rows else (None, None)

    def today(self) -> date:
        return self.clock.now.date()

    # rules
    @precondition(lambda self: len(self.patients) < 3)
    @rule()
    def add_patient(self):
        self.patients.append(self.clinic.patients.add(f"Patient{len(self.patients)}", "Test"))

    @rule(p=picks, t=picks, staff=st.sampled_from([None, None, "ana", "desk"]),
          from_appointment=st.booleans(), a=picks, aim=aims)
    def sell_package(self, p, t, staff, from_appointment, a, aim):
        patient, appointment = self.pick(self.patients, p), None
        if from_appointment:
            appointment, owner = self.choose(Appointment, a, aim, Appointment.status == "booked",
                                             Appointment.package_id.is_(None))
            patient = owner if aim and owner else patient
        sale = self.attempt(self.clinic.billing.sell_package, patient,
                            self.pick(self.ids["templates"], t),
                            staff_id=self.ids[staff] if staff else None,
                            appointment_id=appointment)
        if sale is not None:
            self.invoices.append(sale.invoice_id)
            self.packages.append(sale.package_id)

    @rule(p=picks, amount=amounts, method=st.sampled_from(METHODS),
          where=st.sampled_from(["oldest", "invoice", "credit"]), i=picks, aim=aims)
    def receive_payment(self, p, amount, method, where, i, aim):
        patient, kwargs = self.pick(self.patients, p), {}
        if where == "invoice":
            invoice, owner = self.choose(Invoice, i, aim, Invoice.voided_at.is_(None))
            if invoice is not None:
                kwargs["invoice_id"] = invoice
                patient = owner if aim else patient
        elif where == "credit":
            kwargs["allocations"] = {}
        payment = self.attempt(self.clinic.billing.receive_payment, patient, amount, method,
                               **kwargs)
        if payment is not None:
            self.payments.append(payment)

    @rule(p=picks, i=picks, amount=st.one_of(st.none(), st.integers(1, 20000)), aim=aims)
    def apply_credit(self, p, i, amount, aim):
        invoice, owner = self.choose(Invoice, i, aim, Invoice.voided_at.is_(None))
        if invoice is not None:
            self.attempt(self.clinic.billing.apply_credit,
                         owner if aim else self.pick(self.patients, p), invoice, amount)

    @precondition(lambda self: self.payments)
    @rule(i=picks, amount=st.one_of(st.integers(1, 30000), st.just("all")),
          linked=st.booleans(), r=picks)
    def refund_payment(self, i, amount, linked, r):
        payment = self.pick(self.payments, i)
        if amount == "all":
            amount = max(self.clinic.billing.payment(payment).unapplied, 1)
        link = self.pick(self.package_refunds, r) if linked and self.package_refunds else None
        self.attempt(self.clinic.billing.refund_payment, payment, amount,
                     package_refund_id=link)

    @rule(p=picks, staff=st.sampled_from(["ana", "ben"]),
          treatment=st.sampled_from(["massage", "massage", "physio", "acu"]),
          days=st.integers(-2, 14), hour=st.integers(9, 12), minute=st.sampled_from([0, 30]),
          package=st.sampled_from(["auto", "auto", None, "pick"]), k=picks, aim=aims,
          same_slot=st.integers(0, 3), a=picks)
    def book(self, p, staff, treatment, days, hour, minute, package, k, aim, same_slot, a):
        patient = self.pick(self.patients, p)
        start = datetime.combine(self.today() + timedelta(days=days),
                                 datetime.min.time()).replace(hour=hour, minute=minute)
        staff_id = self.ids[staff]
        if same_slot == 0 and self.appointments:  # where another visit is, or was
            row = self.clinic.schedule.appointment(self.pick(self.appointments, a))
            start, staff_id = row.start, row.staff_id
        if package == "pick":
            package, owner = self.choose(Package, k, aim, Package.status == "active")
            patient = owner if aim and owner else patient
            package = "auto" if package is None else package
        appointment = self.attempt(self.clinic.schedule.book, patient, staff_id,
                                   self.ids[treatment], start, package=package)
        if appointment is not None:
            self.appointments.append(appointment)

    @rule(a=picks, p=picks, treatment=st.sampled_from(["massage", "physio", "acu"]), aim=aims)
    def book_a_freed_slot(self, a, p, treatment, aim):
        """Someone else takes the time of a no-show or a cancelled visit (then undo...)."""
        appointment, _ = self.choose(Appointment, a, aim,
                                     Appointment.status.in_(("no_show", "cancelled")))
        if appointment is not None:
            row = self.clinic.schedule.appointment(appointment)
            booked = self.attempt(self.clinic.schedule.book, self.pick(self.patients, p),
                                  row.staff_id, self.ids[treatment], row.start)
            if booked is not None:
                self.appointments.append(booked)

    @rule(a=picks, k=picks, aim=aims)
    def apply_package(self, a, k, aim):
        appointment, owner = self.choose(Appointment, a, aim, Appointment.status == "booked")
        if appointment is None:
            return
        package, _ = self.choose(Package, k, aim, Package.status == "active",
                                 Package.patient_id == owner)
        if package is not None:
            self.attempt(self.clinic.schedule.apply_package, appointment, package)

    @rule(a=picks, aim=aims)
    def remove_package(self, a, aim):
        appointment, _ = self.choose(Appointment, a, aim, Appointment.package_id.is_not(None))
        if appointment is not None:
            self.attempt(self.clinic.schedule.remove_package, appointment)

    @rule(a=picks, aim=aims)
    def arrive(self, a, aim):
        appointment, _ = self.choose(Appointment, a, aim, Appointment.status == "booked")
        if appointment is not None:
            invoice = self.attempt(self.clinic.schedule.arrive, appointment)
            if invoice is not None:
                self.invoices.append(invoice)

    @rule(a=picks, use_package=st.booleans(), fee=st.sampled_from([None, 0, 1]), aim=aims)
    def no_show(self, a, use_package, fee, aim):
        appointment, _ = self.choose(Appointment, a, aim, Appointment.status == "booked")
        if appointment is not None:
            invoice = self.attempt(self.clinic.schedule.no_show, appointment,
                                   use_package=use_package,
                                   fee_id=None if fee is None else self.ids["fees"][fee])
            if invoice is not None:
                self.invoices.append(invoice)

    @rule(a=picks, arrival=st.booleans(), aim=aims)
    def undo(self, a, arrival, aim):
        status = "arrived" if arrival else "no_show"
        appointment, _ = self.choose(Appointment, a, aim, Appointment.status == status)
        if appointment is not None:
            undo = (self.clinic.schedule.undo_arrival if arrival
                    else self.clinic.schedule.undo_no_show)
            self.attempt(undo, appointment)

    @rule(a=picks, now=st.integers(0, 3))
    def cancel(self, a, now):
        if now == 0 and self.appointments:  # less often than the rest: it ends a visit
            self.attempt(self.clinic.schedule.cancel, self.pick(self.appointments, a))

    @rule(a=picks, days=st.integers(-3, 240), hour=st.integers(8, 17), aim=aims)
    def reschedule(self, a, days, hour, aim):
        appointment, _ = self.choose(Appointment, a, aim, Appointment.status == "booked")
        if appointment is not None:
            start = datetime.combine(self.today() + timedelta(days=days),
                                     datetime.min.time()).replace(hour=hour)
            self.attempt(self.clinic.schedule.reschedule, appointment, start)

    @rule(k=picks, how=st.sampled_from(["suggested", "collected", "zero", "within", "over",
                                        "negative", "garbage"]),
          fraction=st.integers(0, 100), aim=aims)
    def refund_package(self, k, how, fraction, aim):
        package, _ = self.choose(Package, k, aim, Package.status == "active")
        if package is None:
            return
        active = self.clinic.packages.summary(package).status not in ("refunded", "void")
        collected = self.clinic.packages.refund_limit(package)
        amount = {"suggested": self.clinic.packages.suggested_refund(package),
                  "collected": collected, "zero": 0,
                  "within": collected * fraction // 100, "over": collected + 1,
                  "negative": -1, "garbage": "1.234"}[how]
        if how in ("over", "negative", "garbage"):
            before = dump(self.clinic)
            try:
                self.clinic.packages.refund(package, amount)
            except (ValidationError if active else ClinicError):
                assert dump(self.clinic) == before
            else:
                raise AssertionError(f"a refund of {amount!r} ({how}) was accepted")
            return
        result = self.attempt(self.clinic.packages.refund, package, amount)
        if result is not None:
            assert active and result.credit_created == amount
            self.package_refunds.append(result.package_refund_id)

    @rule(i=picks, aim=aims)
    def void_invoice(self, i, aim):
        invoice, _ = self.choose(Invoice, i, aim, Invoice.voided_at.is_(None))
        if invoice is not None:
            self.attempt(self.clinic.billing.void_invoice, invoice, "Entered by mistake")

    @rule(k=picks, days=st.one_of(st.none(), st.integers(-30, 400)), aim=aims)
    def set_expiry(self, k, days, aim):
        package, _ = self.choose(Package, k, aim, Package.status == "active")
        if package is not None:
            expires_on = None if days is None else self.today() + timedelta(days=days)
            self.attempt(self.clinic.packages.set_expiry, package, expires_on)

    @rule(days=st.integers(0, 40), hours=st.integers(0, 12))
    def advance_clock(self, days, hours):
        self.clock.now += timedelta(days=days, hours=hours)

    # invariants (a few grouped queries per step, so hundreds of steps stay quick)
    @invariant()
    def books_balance_for_every_patient(self):
        with self.clinic.db.read() as s:
            line_totals = sums(s, InvoiceLine.invoice_id, InvoiceLine.total)
            line_nets = sums(s, InvoiceLine.invoice_id,
                             InvoiceLine.unit_price * InvoiceLine.quantity)
            paid_on = sums(s, PaymentApplication.invoice_id, PaymentApplication.amount)
            applied_from = sums(s, PaymentApplication.payment_id, PaymentApplication.amount)
            refunded_from = sums(s, PaymentRefund.payment_id, PaymentRefund.amount)
            foreign = s.scalar(
                select(func.count(PaymentApplication.id))
                .join(Payment, Payment.id == PaymentApplication.payment_id)
                .join(Invoice, Invoice.id == PaymentApplication.invoice_id)
                .where(Payment.patient_id != Invoice.patient_id))
            assert foreign == 0, "a payment was applied to another patient's invoice"
            books = {p: dict(invoiced=0, applied=0, owing=0, received=0, refunded=0,
                             applied_all=0, credit=0) for p in s.scalars(select(Patient.id))}
            for invoice in s.scalars(select(Invoice)):
                paid = paid_on.get(invoice.id, 0)
                assert invoice.total == line_totals.get(invoice.id, 0) == \
                    invoice.subtotal + invoice.tax
                assert invoice.subtotal == line_nets.get(invoice.id, 0)
                if invoice.voided_at is not None:
                    assert paid == 0, f"void invoice #{invoice.number} still has {paid} applied"
                    continue
                assert invoice.total >= 0, f"invoice #{invoice.number} totals {invoice.total}"
                assert 0 <= paid <= invoice.total, (invoice.number, paid, invoice.total)
                b = books[invoice.patient_id]
                b["invoiced"] += invoice.total
                b["applied"] += paid
                b["owing"] += invoice.total - paid
            for payment in s.scalars(select(Payment)):
                applied = applied_from.get(payment.id, 0)
                back = refunded_from.get(payment.id, 0)
                free = payment.amount - applied - back
                assert applied >= 0 and back >= 0 and free >= 0, (payment.id, applied, back)
                b = books[payment.patient_id]
                b["received"] += payment.amount
                b["refunded"] += back
                b["applied_all"] += applied
                b["credit"] += free
        for patient_id, b in books.items():
            assert b["invoiced"] == b["applied"] + b["owing"]
            assert b["received"] == b["applied_all"] + b["credit"] + b["refunded"]
            assert b["applied_all"] == b["applied"]  # void invoices hold nothing
            assert b["credit"] >= 0
            account = self.clinic.billing.account(patient_id)
            assert (account.invoiced, account.applied, account.owing, account.received,
                    account.refunded, account.credit) == \
                (b["invoiced"], b["applied"], b["owing"], b["received"], b["refunded"],
                 b["credit"])
            assert all(i.balance >= 0 for i in account.invoices)

    @invariant()
    def invoice_numbers_are_gapless(self):
        with self.clinic.db.read() as s:
            numbers = s.scalars(select(Invoice.number).order_by(Invoice.number)).all()
            assert numbers == list(range(1, len(numbers) + 1))
            assert s.get(ClinicSettings, 1).next_invoice_number == len(numbers) + 1

    @invariant()
    def packages_are_never_over_used(self):
        with self.clinic.db.read() as s:
            redeemed_of = counts_by(s, Redemption.package_id, Redemption.voided_at.is_(None))
            refunds_of = counts_by(s, PackageRefund.package_id)
            covers = set(s.execute(select(PackageCoverage.package_id,
                                          PackageCoverage.treatment_type_id)).all())
            booked_of: dict[int, list[Appointment]] = {}
            for a in s.scalars(select(Appointment).where(Appointment.status == "booked",
                                                         Appointment.package_id.is_not(None))):
                booked_of.setdefault(a.package_id, []).append(a)
            packages = s.scalars(select(Package)).all()
            # (an imported package's uses had before ClinicDesk count as given, R42)
            before_of = {package.id: package.uses_before for package in packages}
            for package in packages:
                redeemed = redeemed_of.get(package.id, 0) + package.uses_before
                booked = booked_of.get(package.id, [])
                assert redeemed + len(booked) <= package.uses_total, \
                    (package.id, redeemed, len(booked), package.uses_total)
                if package.status in ("refunded", "void"):
                    assert booked == [], f"{package.status} package still on booked visits"
                assert refunds_of.get(package.id, 0) == (1 if package.status == "refunded" else 0)
                for appointment in booked:
                    assert appointment.patient_id == package.patient_id or \
                        (package.id, appointment.patient_id) in live_shares(s), "R37"
                    assert package.expires_on is None or \
                        appointment.start.date() <= package.expires_on, "R24"
                    assert (package.id, appointment.treatment_type_id) in covers
            patients = {p.patient_id for p in packages}
        for patient_id in patients:
            for summary in self.clinic.packages.for_patient(patient_id):
                redeemed = redeemed_of.get(summary.id, 0) + before_of[summary.id]
                booked = len(booked_of.get(summary.id, []))
                assert (summary.uses_redeemed, summary.uses_booked) == (redeemed, booked)
                assert 0 <= summary.uses_available <= summary.uses_total - redeemed - booked
                assert summary.uses_remaining == summary.uses_total - redeemed

    @invariant()
    def a_refund_leaves_owing_only_the_uses_given(self):
        """R28a: a refunded package's invoice asks for the larger of what the clinic kept and
        the value of the uses given, so what is owed is never more than those uses less what
        is paid; and uses given are final (R28b). The SQL checks agree."""
        with self.clinic.db.read() as s:
            for package in s.scalars(select(Package).where(Package.status == "refunded")):
                invoice = s.get(Invoice, package.invoice_id)
                paid = s.scalar(select(func.coalesce(func.sum(PaymentApplication.amount), 0))
                                .where(PaymentApplication.invoice_id == invoice.id))
                given = redeemed_value(s, package)
                assert invoice.total >= given, (invoice.number, invoice.total, given)
                assert invoice.total - paid == max(0, given - paid), \
                    (invoice.number, invoice.total, paid, given)
                seen = self.refunded_uses.setdefault(package.id, given)
                assert given == seen, f"a use of refunded package {package.id} was undone"
        assert ledger_problems(self.clinic) == []

    @invariant()
    def uses_are_numbered_by_date_within_their_package(self):
        """R3's "use n of N" is stored: live uses 1, 2, ... by date then id (after those had
        before ClinicDesk, R42); voided none."""
        with self.clinic.db.read() as s:
            uses = s.execute(select(Redemption.package_id, Redemption.voided_at,
                                    Redemption.use_number)
                             .order_by(Redemption.package_id, Redemption.redeemed_on,
                                       Redemption.id)).all()
            before_of = dict(s.execute(select(Package.id, Package.uses_before)).all())
        number, package = 0, None
        for package_id, voided_at, use_number in uses:
            if package_id != package:
                number, package = before_of[package_id], package_id
            if voided_at is None:
                number += 1
                assert use_number == number, (package_id, use_number, number)
            else:
                assert use_number is None, (package_id, use_number)

    @invariant()
    def visits_match_their_redemptions_and_invoices(self):
        with self.clinic.db.read() as s:
            live: dict[int, list[Redemption]] = {}
            for r in s.scalars(select(Redemption).where(Redemption.voided_at.is_(None))):
                live.setdefault(r.appointment_id, []).append(r)
            invoices = {i.id: i for i in s.scalars(select(Invoice))}
            for a in s.scalars(select(Appointment)):
                mine = live.get(a.id, [])
                redeemed = a.status in ("arrived", "no_show") and a.package_id is not None
                assert len(mine) == (1 if redeemed else 0), (a.id, a.status, len(mine))
                if mine:
                    assert mine[0].package_id == a.package_id
                    assert mine[0].invoice_id == a.invoice_id
                if a.status == "arrived":
                    assert a.invoice_id is not None
                if a.invoice_id is not None:
                    invoice = invoices[a.invoice_id]
                    # R28b: a final use's visit is corrected by voiding its invoice only (a
                    # transferred package's uses are final too, R38).
                    final = bool(mine) and s.get(Package, mine[0].package_id).status in (
                        "refunded", "transferred")
                    assert invoice.voided_at is None or final, (a.id, invoice.number)
                    assert invoice.patient_id == a.patient_id
                    assert a.status in ("arrived", "no_show")
                if a.status in ("booked", "cancelled"):
                    assert a.invoice_id is None and a.released_package_id is None

    @invariant()
    def no_practitioner_is_double_booked(self):
        with self.clinic.db.read() as s:
            held = s.execute(select(Appointment.staff_id, Appointment.start, Appointment.end,
                                    Appointment.id)
                             .where(Appointment.status.in_(("booked", "arrived")))
                             .order_by(Appointment.staff_id, Appointment.start)).all()
        for before, after in zip(held, held[1:]):
            if before.staff_id == after.staff_id:
                assert after.start >= before.end, \
                    f"appointments {before.id} and {after.id} overlap"

    @rule(k=picks, paper=st.sampled_from(["letter", "a4", "80mm", "legal"]))
    def print_package_statement(self, k, paper):
        """R41: the statement lists every live use as numbered, and each visit's invoice line
        says that use's number; a paper ClinicDesk doesn't print on is refused."""
        package, _ = self.choose(Package, k, False)
        if package is None:
            return
        path = os.path.join(self.folder, "statement.pdf")
        if self.attempt(self.clinic.printing.package_statement_pdf, package, path,
                        paper=paper) is None:
            return
        from app.services.package_statement import PackageStatements
        statement = PackageStatements(self.clinic).statement(package)
        live = [u.use_number for u in statement.uses if not u.undone]
        first = statement.uses_before + 1  # an imported package's earlier uses (R42)
        assert live == list(range(first, first + len(live))) == \
            list(range(first, statement.summary.uses_redeemed + 1))
        total = statement.summary.uses_total
        for invoice in {u.invoice_number for u in statement.uses}:
            with self.clinic.db.read() as s:
                invoice_id = s.scalar(select(Invoice.id).where(Invoice.number == invoice))
            for line in self.clinic.billing.invoice(invoice_id).lines:
                if line.package_id == package and line.kind == "patient_pays":
                    assert line.use_line.startswith(statement.summary.name), line.use_line
                    number = [u.use_number for u in statement.uses
                              if u.invoice_number == invoice][0]
                    assert (f"use {number} of {total}," in line.use_line) != (number is None)

    @rule(k=picks, start=st.integers(-10, 60), length=st.one_of(st.none(), st.integers(-2, 60)),
          unfreeze=st.booleans(), on=st.integers(-15, 90),
          reason=st.sampled_from(["Travelling", "Surgery", "", "  "]), aim=aims)
    def freeze_or_unfreeze(self, k, start, length, unfreeze, on, reason, aim):
        """R39: freeze from a day (to a day, or until unfrozen), or unfreeze on a day; then
        no frozen day holds a use or a booked covered visit, and the status says frozen."""
        package, _ = self.choose(Package, k, aim, Package.status == "active")
        if package is None:
            return
        if unfreeze:
            self.attempt(self.clinic.packages.unfreeze, package,
                         self.today() + timedelta(days=on))
        else:
            first = self.today() + timedelta(days=start)
            end = None if length is None else first + timedelta(days=length)
            self.attempt(self.clinic.packages.freeze, package, first, end, reason=reason)
        frozen_days_hold_nothing(self.clinic, self.today())

    @rule(t=picks, policy=st.sampled_from(["pro_rata", "standard_price", "pro_rata_fee:10:5000",
                                           "pro_rata_fee:100:0", "pro_rata_fee:30:999999",
                                           "pro_rata_fee:101:0", "pro_rata_fee:5:-1", "all"]),
          sell=st.booleans(), p=picks)
    def set_refund_policy(self, t, policy, sell, p):
        """R40: a template's refund policy changes (a bad one refused, nothing written), and
        perhaps a package is sold under it; the refund rule above then refunds by it."""
        template = self.pick(self.ids["templates"], t)
        self.attempt(self.clinic.catalog.update_package_template, template,
                     refund_policy=policy)
        if sell:
            sale = self.attempt(self.clinic.billing.sell_package, self.pick(self.patients, p),
                                template)
            if sale is not None:
                self.invoices.append(sale.invoice_id)
                self.packages.append(sale.package_id)
        for package in self.packages[-3:]:  # within R26's 0 ... collected, by any policy
            suggested = self.clinic.packages.suggested_refund(package)
            assert 0 <= suggested <= self.clinic.packages.refund_limit(package)

    @rule(k=picks, p=picks, reason=st.sampled_from(["Moved away", "Moved away", "", "  "]),
          aim=aims)
    def transfer_package(self, k, p, reason, aim):
        """R38: the remaining uses move to another patient, or it is refused with nothing
        written; either way the books since the start read the same."""
        package, owner = self.choose(Package, k, aim, Package.status == "active")
        if package is None:
            return
        to = self.pick(self.patients, p)
        span = (START.date(), self.today())

        def books():
            return (dict(self.clinic.reports.package_liability(*span).totals),
                    dict(self.clinic.reports.revenue(*span).totals))
        before, summary = books(), self.clinic.packages.summary(package)
        new = self.attempt(self.clinic.packages.transfer, package, to, reason=reason)
        if new is None:
            return
        assert reason.strip() and to != owner and summary.status == "active"
        assert books() == before, "a transfer moved the books"
        moved = self.clinic.packages.summary(new)
        assert self.clinic.packages.summary(package).status == "transferred"
        assert (moved.patient_id, moved.uses_total, moved.expires_on, moved.uses_redeemed) == (
            to, summary.uses_remaining, summary.expires_on, 0)
        self.packages.append(new)

    @rule(p=picks, t=picks, by_terms=st.booleans(), used=st.integers(-1, 11),
          collected=st.integers(-1, 81000), days_ago=st.integers(-2, 400),
          lasts=st.one_of(st.none(), st.integers(-5, 400)))
    def import_existing(self, p, t, by_terms, used, collected, days_ago, lasts):
        """R42: a package sold before ClinicDesk, its terms sometimes out of bounds (more uses
        used than it has, more collected than its price, a future purchase, an expiry
        before it): refused with nothing written, or a package the other rules then use."""
        bought = self.today() - timedelta(days=days_ago)
        terms = dict(name="Old pack", price=60000, uses=6) if by_terms else \
            dict(template_id=self.pick(self.ids["templates"], t))
        package = self.attempt(self.clinic.packages.import_existing,
                               self.pick(self.patients, p), uses_used=used, collected=collected,
                               purchased_on=bought,
                               expires_on=None if lasts is None else bought + timedelta(lasts),
                               **terms)
        if package is not None:
            self.packages.append(package)
            self.invoices.append(self.clinic.packages.summary(package).invoice_id)

    @rule(k=picks, p=picks, how=st.sampled_from(["share", "share", "unshare", "leave"]),
          aim=aims)
    def share_package(self, k, p, how, aim):
        """R37: share a package with a patient (linking them to its purchaser's household
        first, most of the time), end a share, or a member leaves the household; then every
        live share is between members of one household, and no member's booked visit holds
        a package no longer shared with them."""
        package, owner = self.choose(Package, k, aim, Package.status == "active")
        if package is None:
            return
        others = [x for x in self.patients if x != owner]
        member = self.pick(others if aim and others else self.patients, p)
        if how == "share":
            if aim and member != owner:
                self.attempt(self.clinic.patients.link_household, owner, member)
            self.attempt(self.clinic.packages.share, package, member)
        elif how == "unshare":
            released = self.attempt(self.clinic.packages.unshare, package, member)
            if released is not None:
                assert len(released.warnings) == (1 if released else 0)
        else:
            self.attempt(self.clinic.patients.leave_household, member)
        with self.clinic.db.read() as s:
            homes = dict(s.execute(select(HouseholdMember.patient_id,
                                          HouseholdMember.household_id)
                                   .where(HouseholdMember.left_at.is_(None))).all())
            for package_id, patient_id in live_shares(s):
                purchaser = s.get(Package, package_id).patient_id
                assert homes.get(patient_id) is not None
                assert homes.get(patient_id) == homes.get(purchaser), (package_id, patient_id)
            assert all(list(homes.values()).count(h) >= 2 for h in homes.values())

    @rule(how=st.sampled_from(["sell", "reload", "pay", "pay"]),
          amount=st.one_of(st.integers(1, 12000), st.sampled_from([0, -5, "abc", 500_001])),
          i=picks, c=picks, aim=aims)
    def gift_card(self, how, amount, i, c, aim):
        """R45: sell a card (to a patient or a walk-in), reload it, or pay an invoice with it
        (sometimes with a mistyped code); no money is made or lost: every card's balance is
        the sum of its moves, never below zero, and Σ balances = what was loaded − paid + back."""
        from app.domain.gift_cards import normalized
        from app.models import GiftCard, GiftCardMove
        from app.services.gift_card_payments import mismatched_cards
        with self.clinic.db.read() as s:
            codes = list(s.scalars(select(GiftCard.code).order_by(GiftCard.id)))
        code = self.pick(codes, c) if codes else "K7QD-9XTF-M3WA-HR2P"
        if not aim:
            code = code[:-1] + ("2" if code[-1] != "2" else "3")  # a typo: no card
        if how == "sell":
            sale = self.attempt(self.clinic.gift_cards.sell, amount,
                                patient_id=self.pick(self.patients, i) if i % 2 else None)
            if sale is not None:
                self.invoices.append(sale.invoice_id)
        elif how == "reload":
            invoice = self.attempt(self.clinic.gift_cards.reload, code, amount)
            if invoice is not None:
                self.invoices.append(invoice)
        else:
            invoice, owner = self.choose(Invoice, i, aim, Invoice.voided_at.is_(None))
            if invoice is not None:
                payment = self.attempt(self.clinic.billing.receive_payment, owner, amount,
                                       "gift_card", invoice_id=invoice, gift_card_code=code)
                if payment is not None:
                    self.payments.append(payment)
        with self.clinic.db.read() as s:
            assert mismatched_cards(s) == []
            assert all(b >= 0 for b in s.scalars(select(GiftCard.balance)))
            paid = s.scalar(select(func.coalesce(func.sum(Payment.amount), 0))
                            .where(Payment.method == "gift_card"))
            back = s.scalar(select(func.coalesce(func.sum(PaymentRefund.amount), 0))
                            .where(PaymentRefund.method == "gift_card"))
            moved = dict(s.execute(select(GiftCardMove.kind, func.sum(GiftCardMove.amount))
                                   .group_by(GiftCardMove.kind)).all())
            assert -moved.get("pay", 0) == paid and moved.get("back", 0) == back
            assert all(normalized(code) == code for code in
                       s.scalars(select(GiftCard.code)))
            total = s.scalar(select(func.coalesce(func.sum(GiftCard.balance), 0)))
        assert total == self.clinic.gift_cards.total_balances() == sum(moved.values())

    @rule(how=st.sampled_from(["enrol", "enrol", "invoice_due", "pause", "cancel"]), p=picks,
          m=picks, plan=st.sampled_from(["1m", "2w", "1y"]), start=st.integers(-70, 40),
          length=st.one_of(st.none(), st.integers(-2, 90)))
    def membership(self, how, p, m, plan, start, length):
        """R43/R44: enrol (a plan per period, made on first use), invoice what is due, pause
        (to a day or until resumed), cancel from a day, some of it refused with nothing
        written; then every period is invoiced once (one invoice, one line, fee and tax of
        its membership), none starts in a pause or from the cancellation on, none started is
        left uninvoiced, and invoicing again finds nothing."""
        from app.models import Membership, MembershipPeriod, MembershipPlan
        from app.domain.arithmetic import tax_on
        day = self.today() + timedelta(days=start)
        with self.clinic.db.read() as s:
            plans = dict(s.execute(select(MembershipPlan.period, MembershipPlan.id)).all())
            members = s.scalars(select(Membership.id).order_by(Membership.id)).all()
        if plan not in plans:
            plans[plan] = self.clinic.catalog.add_membership_plan(
                f"Plan {plan}", fee=4999 if plan != "1y" else 60001, period=plan,
                uses_per_period=None if plan == "2w" else 2,
                eligible={self.ids["massage"]: 0}, rollover_cap=1,
                tax_rate=Decimal("0.15") if plan == "1m" else Decimal("0"))
        if how == "enrol":
            self.attempt(self.clinic.memberships.enroll, self.pick(self.patients, p),
                         plans[plan], start=day)
        elif how == "invoice_due":
            self.invoices += self.clinic.memberships.invoice_due()
        elif members and how == "pause":
            end = None if length is None else day + timedelta(days=length)
            self.attempt(self.clinic.memberships.pause, self.pick(members, m), day, end)
        elif members:
            self.attempt(self.clinic.memberships.cancel, self.pick(members, m), day)
        made = self.clinic.memberships.invoice_due()
        assert self.clinic.memberships.invoice_due() == []  # never twice
        self.invoices += made
        with self.clinic.db.read() as s:
            from app.models import MembershipPause
            periods = s.scalars(select(MembershipPeriod)).all()
            lines = counts_by(s, InvoiceLine.invoice_id, InvoiceLine.kind == "membership")
            assert sorted(lines) == sorted(p.invoice_id for p in periods)
            assert set(lines.values()) <= {1}, "a membership invoice with two periods"
            for period in periods:
                member = s.get(Membership, period.membership_id)
                invoice = s.get(Invoice, period.invoice_id)
                assert invoice.patient_id == member.patient_id
                assert invoice.subtotal == member.fee
                assert invoice.tax == tax_on(member.fee, member.tax_rate)
                # never invoiced after the cancellation (R44); a period starting on the
                # cancellation day may have been invoiced before it (at enrolment, or that
                # morning), and the desk voids that invoice if it is not owed
                assert (member.cancelled_on is None or period.starts_on < member.cancelled_on
                        or invoice.created_at <= member.cancelled_at)
                for pause in s.scalars(select(MembershipPause).where(
                        MembershipPause.membership_id == member.id)):
                    assert not (pause.starts_on <= period.starts_on
                                and (pause.ends_on is None
                                     or period.starts_on < pause.ends_on)), "paused period"
            for member in s.scalars(select(Membership)):
                summary = [x for x in self.clinic.memberships.for_patient(member.patient_id)
                           if x.id == member.id][0]
                assert all(x.invoice_id is not None for x in summary.periods
                           if x.starts_on <= self.today()), "a started period not invoiced"


    @rule(p=picks, terms=st.sampled_from([(1, 0), (2, 1), (None, 0)]),
          days=st.integers(-3, 75), visits=st.integers(1, 3), chosen=st.booleans(),
          arrive=st.sampled_from([None, "arrive", "no_show"]), m=picks)
    def book_with_membership(self, p, terms, days, visits, chosen, arrive, m):
        """R43: enrol a patient in a massage plan (once), book a massage covered by a
        membership ("auto", or the one chosen) and maybe arrive it or cover its no-show;
        whatever else the desk did before, no membership's period ever holds more uses
        (live uses and booked covered visits) than its allowance, and every live use is its
        arrived or no-show visit's."""
        uses, cap = terms
        patient = self.pick(self.patients, p)
        plans = getattr(self, "membership_plans", None)
        if plans is None:
            plans = self.membership_plans = {}
        if terms not in plans:
            plans[terms] = self.clinic.catalog.add_membership_plan(
                f"Massage plan {uses}/{cap}", fee=5000, period="1m", uses_per_period=uses,
                rollover_cap=cap, eligible={self.ids["massage"]: 500})
        self.attempt(self.clinic.memberships.enroll, patient, plans[terms], start=self.today())
        mine = self.clinic.memberships.for_patient(patient)
        membership = self.pick(mine, m).id if chosen and mine else None
        for visit in range(visits):  # a few at once, so that periods fill up
            start = datetime.combine(self.today() + timedelta(days=days + visit),
                                     datetime.min.time()).replace(hour=8 + 3 * visit)
            appointment = self.attempt(self.clinic.schedule.book, patient, self.ids["ben"],
                                       self.ids["massage"], start, membership=membership)
            if appointment is None:
                continue
            self.appointments.append(appointment)
            if arrive == "arrive":
                self.attempt(self.clinic.schedule.arrive, appointment)
            elif arrive == "no_show":
                self.attempt(self.clinic.schedule.no_show, appointment, use_package=True)
        memberships_within_their_allowance(self.clinic)

    @rule(months=st.sampled_from([None, 0, 1, 12, -1, 121, "6"]), c=picks, i=picks)
    def gift_card_expiry(self, months, c, i):
        """R45: the clinic sets gift cards to expire after N months, or never (bad values
        refused), then a card pays; a card's last day is none or after its sale, a card past
        it pays nothing (refused, nothing changed), and its balance stays owed."""
        from app.domain.gift_card_expiry import MOST_MONTHS
        from app.models import GiftCard
        self.attempt(self.clinic.settings.update, gift_card_expiry_months=months)
        assert self.clinic.settings.get().gift_card_expiry_months in (
            None, *range(1, MOST_MONTHS + 1))
        with self.clinic.db.read() as s:
            cards = s.execute(select(GiftCard.code, GiftCard.sold_at, GiftCard.expires_on,
                                     GiftCard.balance).order_by(GiftCard.id)).all()
        for code, sold_at, expires_on, _balance in cards:
            assert expires_on is None or expires_on > sold_at.date(), code
        if cards:
            code, _sold_at, expires_on, balance = self.pick(cards, c)
            invoice, owner = self.choose(Invoice, i, True, Invoice.voided_at.is_(None))
            if invoice is not None and expires_on is not None and self.today() > expires_on:
                assert self.attempt(self.clinic.billing.receive_payment, owner, 1,
                                    "gift_card", invoice_id=invoice,
                                    gift_card_code=code) is None
                assert self.clinic.gift_cards.balance(code) == balance

    @rule(i=picks, to=st.sampled_from(["maria@example.com", "maria@example.com", None,
                                       "maria at example", ""]),
          deliver=st.booleans(), aim=aims)
    def email_invoice(self, i, to, deliver, aim):
        """R46: queue an invoice's email (a bad or missing To refused, nothing written) and
        deliver to a mail server that is not there; nothing is lost: one row per message
        queued, each with its own Message-ID, waiting (queued, attempts growing by one a
        round, at most 10) or failed after the tenth, never sent, and counted as pending."""
        from app.models import OutboxMessage
        if not self.clinic.settings.get().smtp_host:
            self.clinic.settings.update(smtp_host="127.0.0.1", smtp_port=_refusing_port(),
                                        smtp_security="none", sender_email="f@harbour.example")
            self.clinic.mail.timeout = 2.0
        invoice, _owner = self.choose(Invoice, i, aim)
        if invoice is not None:
            before = len(self.clinic.mail.outbox())
            queued = self.attempt(self.clinic.mail.queue_invoice, invoice, to=to)
            assert len(self.clinic.mail.outbox()) == before + (queued is not None)
        if deliver:
            assert self.clinic.mail.deliver_pending() == 0
        with self.clinic.db.read() as s:
            rows = s.execute(select(OutboxMessage.state, OutboxMessage.attempts,
                                    OutboxMessage.message_id_header)).all()
            withdrawn = s.scalars(select(OutboxMessage.kind)
                                  .where(OutboxMessage.state == "withdrawn")).all()
        # R47: only a reminder that no longer told the truth is withdrawn (tests of mail)
        assert set(withdrawn) <= {"reminder"}
        rows = [r for r in rows if r.state != "withdrawn"]
        assert {state for state, _a, _m in rows} <= {"queued", "failed"}
        assert all(a <= 10 and (state == "queued") == (a < 10) for state, a, _m in rows)
        assert len({m for _s, _a, m in rows}) == len(rows)
        assert self.clinic.mail.pending_count() == sum(st == "queued" for st, _a, _m in rows)

    @rule(p=picks, email=st.sampled_from(["p@example.com", "p@example.com", None, "p at x"]),
          agree=st.booleans(), language=st.sampled_from([None, "fr_CA", "en", "de"]),
          on=st.booleans(), days=st.sampled_from([30, 30, 7, 0, 400]))
    def reminders(self, p, email, agree, language, on, days):
        """R47: a patient agrees or not (no address, a bad one or a bad language refused,
        nothing changed), the clinic turns reminders on or off (bad days refused), and the
        day's reminders are queued: none while off, none twice (a second run queues
        nothing), each to the patient it concerns (the visit's, the package's purchaser),
        and consent always has its day, and an address, or neither."""
        from app.models import OutboxMessage
        if not self.clinic.settings.get().smtp_host:
            self.clinic.settings.update(smtp_host="127.0.0.1", smtp_port=_refusing_port(),
                                        smtp_security="none", sender_email="f@harbour.example")
        patient = self.pick(self.patients, p)
        self.attempt(self.clinic.patients.update, patient, email=email,
                     email_reminders=agree, language=language)
        self.attempt(self.clinic.settings.update, reminders_enabled=on,
                     reminder_days_before_expiry=days)
        queued = self.clinic.mail.queue_reminders()
        assert queued == 0 or self.clinic.settings.get().reminders_enabled
        assert self.clinic.mail.queue_reminders() == 0
        with self.clinic.db.read() as s:
            for agreed, since, address in s.execute(select(
                    Patient.email_reminders, Patient.email_reminders_since, Patient.email)):
                assert (agreed, since is not None) in ((True, True), (False, False))
                assert not agreed or (address and since <= self.today())
            for key, owner in s.execute(select(OutboxMessage.reminder_key,
                                               OutboxMessage.patient_id)
                                        .where(OutboxMessage.kind == "reminder")):
                kind, ident = key.split(":")[:2]
                model = Appointment if kind == "appointment" else Package
                assert kind in ("appointment", "expiry", "last_use"), key
                assert s.get(model, int(ident)).patient_id == owner, key


    @rule(i=picks, paper=st.sampled_from(["letter", "a4", "roll80", "roll80", "legal"]),
          named=st.booleans())
    def print_invoice(self, i, paper, named):
        """R48: any invoice on any paper through the one route of Print: a roll to this desk's
        receipt printer, other paper to its document printer, a printer named to that one; a
        paper ClinicDesk doesn't print on is refused; printing changes nothing."""
        from unittest import mock

        from app.ui.printing import desk_printers, route, spool
        invoice, _ = self.choose(Invoice, i, False)
        if invoice is None:
            return
        path = os.path.join(self.folder, "printed.pdf")
        before = dump(self.clinic)
        if self.attempt(self.clinic.printing.invoice_pdf, invoice, path, paper=paper) is None:
            assert paper == "legal"
            return
        sent = []
        desk = {desk_printers.DOCUMENT_KEY: "Laser", desk_printers.RECEIPT_KEY: "Thermal"}
        with mock.patch.object(spool, "available", lambda: True), \
                mock.patch.object(spool, "send", lambda pdf, printer, paper_, **kw:
                                  sent.append((printer, paper_, open(pdf, "rb").read(4)))
                                  or "Q-1"), \
                mock.patch.object(desk_printers, "chosen", desk.get):
            done = route.print_pdf(path, paper, printer="Named" if named else None)
        wanted = "Named" if named else ("Thermal" if paper == "roll80" else "Laser")
        assert done.printer == wanted and sent == [(wanted, paper, b"%PDF")]
        assert dump(self.clinic) == before, "printing changed the clinic"


    @rule(i=picks, columns=st.sampled_from([32, 42, 48, 40]))
    def print_receipt_escpos(self, i, columns):
        """R48: any invoice, as it stands, laid out for an ESC/POS printer's columns (40 is
        refused): no line wider than the paper, the total and balance whole on their lines as
        the screen says them, one cut; printing writes nothing."""
        from escpos.printer import Dummy

        from app.services import escpos_printer
        from app.services.money import format_money
        from app.services.receipt_text import ReceiptTexts
        invoice, _ = self.choose(Invoice, i, False)
        if invoice is None:
            return
        before = dump(self.clinic)
        lines = self.attempt(ReceiptTexts(self.clinic).lines, "invoice", invoice, columns)
        if lines is None:
            assert columns == 40
            return
        assert all(len(line) <= columns for line in lines)
        view = self.clinic.billing.invoice(invoice)
        for label, cents in (("TOTAL", view.total), ("BALANCE DUE", view.balance)):
            assert any(line.startswith(label) and line.endswith(" " + format_money(cents))
                       for line in lines), (label, cents)
        printer = Dummy()
        escpos_printer.send(escpos_printer.ReceiptPrinterConfig(columns=columns), lines,
                            device=printer)
        assert printer.output.count(b"\x1dV") == 1 and dump(self.clinic) == before


    @rule(u=picks, before=st.integers(0, 20), length=st.one_of(st.none(),
                                                                st.integers(1, 60)))
    def pause_over_a_use(self, u, before, length):
        """R44 with R43: a pause whose days hold a use already taken (an arrival or a covered
        no-show) is refused naming the visit's day, with nothing written; every use stays
        inside a period the membership is running (the allowance check)."""
        from app.models import MembershipUse
        with self.clinic.db.read() as s:
            uses = s.execute(select(MembershipUse.membership_id, MembershipUse.used_on)
                             .where(MembershipUse.voided_at.is_(None))
                             .order_by(MembershipUse.id)).all()
        if not uses:
            return
        membership_id, used_on = self.pick(uses, u)
        start = used_on - timedelta(days=before)
        end = None if length is None else used_on + timedelta(days=length)
        assert self.attempt(self.clinic.memberships.pause, membership_id, start, end) is None
        memberships_within_their_allowance(self.clinic)


_REFUSING: list = []


def _refusing_port() -> int:
    """A loopback port bound and never listened on: every connection is refused at once."""
    import socket
    if not _REFUSING:
        held = socket.socket()
        held.bind(("127.0.0.1", 0))
        _REFUSING.append(held)
    return _REFUSING[0].getsockname()[1]


def live_shares(s) -> set[tuple[int, int]]:
    return set(s.execute(select(PackageShare.package_id, PackageShare.patient_id)
                         .where(PackageShare.ended_at.is_(None))).all())


def sums(s, key, value) -> dict[int, int]:
    return dict(s.execute(select(key, func.sum(value)).group_by(key)).all())


def counts_by(s, key, *where) -> dict[int, int]:
    return dict(s.execute(select(key, func.count()).where(*where).group_by(key)).all())


def memberships_within_their_allowance(clinic) -> None:
    """R43: each period of each membership holds no more uses than its allowance (the plan's
    uses, plus what the periods before left, up to the cap); a live use is an arrived or
    no-show visit's that the membership covers, billed on that visit's invoice."""
    from app.domain import memberships as rule
    from app.domain.freezes import Span
    from app.models import Membership, MembershipPause, MembershipUse
    with clinic.db.read() as s:
        for m in s.scalars(select(Membership)):
            pauses = [Span(a, b) for a, b in s.execute(
                select(MembershipPause.starts_on, MembershipPause.ends_on)
                .where(MembershipPause.membership_id == m.id))]
            uses = s.scalars(select(MembershipUse).where(
                MembershipUse.membership_id == m.id, MembershipUse.voided_at.is_(None))).all()
            days = [u.used_on for u in uses] + [a.start.date() for a in s.scalars(
                select(Appointment).where(Appointment.membership_id == m.id,
                                          Appointment.status == "booked"))]
            for use in uses:
                visit = s.get(Appointment, use.appointment_id)
                assert visit.membership_id == m.id and visit.status in ("arrived", "no_show")
                assert use.invoice_id == visit.invoice_id and use.used_on == visit.start.date()
            if not days:
                continue
            periods = list(rule.periods(m.starts_on, m.period, pauses,
                                        cancelled_on=m.cancelled_on, until=max(days)))
            for day in days:  # every use and covered visit is inside a period
                assert any(p.holds(day) for p in periods), (m.id, day)
            used = [sum(1 for d in days if p.holds(d)) for p in periods]
            for period, count, allowed in zip(periods, used, rule.allowances(
                    m.uses_per_period, m.rollover_cap, used)):
                assert allowed is None or count <= allowed, (m.id, period, count, allowed)


def frozen_days_hold_nothing(clinic, today: date) -> None:
    """R39 across the clinic: no live use and no booked covered visit on a frozen day; an
    active package frozen until unfrozen has its expiry held; its status says frozen on a
    frozen day and only then."""
    from app.models import PackageFreeze
    with clinic.db.read() as s:
        freezes = s.scalars(select(PackageFreeze)).all()
        spans: dict[int, list] = {}
        for f in freezes:
            spans.setdefault(f.package_id, []).append(f)

        def frozen(package_id, day):
            return any(f.starts_on <= day and (f.ends_on is None or day < f.ends_on)
                       for f in spans.get(package_id, ()))
        for r in s.scalars(select(Redemption).where(Redemption.voided_at.is_(None),
                                                    Redemption.package_id.in_(spans))):
            assert not frozen(r.package_id, r.redeemed_on), ("use on a frozen day", r.id)
        for a in s.scalars(select(Appointment).where(Appointment.status == "booked",
                                                     Appointment.package_id.in_(spans))):
            assert not frozen(a.package_id, a.start.date()), ("visit on a frozen day", a.id)
        for package in s.scalars(select(Package).where(Package.id.in_(spans))):
            if package.status == "active" and any(f.ends_on is None
                                                  for f in spans[package.id]):
                assert package.expires_on is None, "an open freeze holds the expiry"
            status = clinic.packages.summary(package.id).status
            assert (status == "frozen") == (frozen(package.id, today)
                                            and status not in ("used up", "expired",
                                                               "refunded", "void")), \
                (package.id, status)


ClinicMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestClinicInvariants = ClinicMachine.TestCase

