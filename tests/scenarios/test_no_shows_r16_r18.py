"""No-shows and packages (SPEC R16-R18), end to end with exact figures."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.models import Invoice, PaymentApplication, Redemption
from app.services import NotAllowed, ValidationError

from scenarios.support import at, counts, paid_sale, refused


def uses(clinic, package_id):
    s = clinic.packages.summary(package_id)
    return s.uses_redeemed, s.uses_booked, s.uses_available, s.uses_remaining


def covered_physio(clinic, shop, day="2026-03-03"):
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["three_physio"])[0].package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["physio"], at(day))
    assert clinic.schedule.appointment(appointment).package_id == package
    return package, appointment


# R16: a no-show with a package applied: cover it with the package, or charge a fee

def test_r16_option_1_cover_with_the_package_is_exactly_like_arrival(clinic, shop):
    package, appointment = covered_physio(clinic, shop)
    invoice = clinic.billing.invoice(clinic.schedule.no_show(appointment, use_package=True))
    (line,) = invoice.lines
    assert (line.kind, line.unit_price, line.tax, line.total, line.package_id) == \
        ("patient_pays", 1000, 150, 1150, package)
    assert line.description.startswith("No show: Physio follow-up (Mar 3, 2026, "
                                       "10:00\u202fa.m.)")
    assert (invoice.total, invoice.status) == (1150, "unpaid")
    row = clinic.schedule.appointment(appointment)
    assert (row.status, row.package_id, row.invoice_id) == ("no_show", package, invoice.id)
    assert uses(clinic, package) == (1, 0, 2, 2)
    (redemption,) = clinic.packages.detail(package).redemptions
    assert (redemption.reason, redemption.invoice_id, redemption.patient_pays) == \
        ("no_show", invoice.id, 1000)


def test_r16_option_1_with_patient_pays_zero_is_paid(clinic, shop):
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["ten_massages"])[0].package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    invoice = clinic.billing.invoice(clinic.schedule.no_show(appointment, use_package=True))
    assert (invoice.total, invoice.status) == (0, "paid")
    assert uses(clinic, package) == (1, 0, 9, 9)


def test_r16_option_2_release_the_package_and_charge_a_fee(clinic, shop):
    package, appointment = covered_physio(clinic, shop)
    invoice_id = clinic.schedule.no_show(appointment, use_package=False,
                                         fee_id=shop["no_show_fee"])
    invoice = clinic.billing.invoice(invoice_id)
    (line,) = invoice.lines
    assert (line.kind, line.description, line.total, line.package_id) == \
        ("no_show_fee", "Missed appointment (Mar 3, 2026, 10:00\u202fa.m.)", 4000, None)
    assert (invoice.total, invoice.status) == (4000, "unpaid")
    row = clinic.schedule.appointment(appointment)
    assert (row.status, row.package_id, row.invoice_id) == ("no_show", None, invoice_id)
    assert uses(clinic, package) == (0, 0, 3, 3)
    assert clinic.packages.detail(package).redemptions == ()


def test_r16_option_2_any_configured_fee(clinic, shop):
    _, appointment = covered_physio(clinic, shop)
    invoice_id = clinic.schedule.no_show(appointment, use_package=False,
                                         fee_id=shop["late_fee"])
    assert [(l.description, l.total) for l in clinic.billing.invoice(invoice_id).lines] == \
        [("Late cancellation (Mar 3, 2026, 10:00\u202fa.m.)", 2500)]


def test_r16_option_2_without_a_fee_releases_the_package_and_bills_nothing(clinic, shop):
    package, appointment = covered_physio(clinic, shop)
    before = counts(clinic)
    assert clinic.schedule.no_show(appointment, use_package=False) is None
    assert counts(clinic)["invoices"] == before["invoices"]
    assert uses(clinic, package) == (0, 0, 3, 3)


def test_r16_covering_with_the_package_and_a_fee_at_once_is_refused(clinic, shop):
    _, appointment = covered_physio(clinic, shop)
    refused(clinic, ValidationError, clinic.schedule.no_show, appointment, use_package=True,
            fee_id=shop["no_show_fee"], match="without a no-show fee")


# R17: no package applied: a fee, or no fee

def test_r17_no_show_without_a_package_with_a_fee(clinic, shop):
    p = shop["patient"]
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    invoice = clinic.billing.invoice(clinic.schedule.no_show(appointment, use_package=False,
                                                             fee_id=shop["no_show_fee"]))
    assert (invoice.number, invoice.total, invoice.status) == (1, 4000, "unpaid")
    assert clinic.billing.account(p).owing == 4000


def test_r17_no_show_without_a_package_and_no_fee(clinic, shop):
    p = shop["patient"]
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    assert clinic.schedule.no_show(appointment, use_package=False) is None
    row = clinic.schedule.appointment(appointment)
    assert (row.status, row.invoice_id) == ("no_show", None)
    assert clinic.billing.account(p).invoices == ()


def test_r17_covering_a_no_show_without_a_package_is_refused(clinic, shop):
    appointment = clinic.schedule.book(shop["patient"], shop["ana"], shop["massage"],
                                       at("2026-03-03"))
    refused(clinic, NotAllowed, clinic.schedule.no_show, appointment, use_package=True,
            match="no package to cover the no-show")


def test_r17_an_inactive_fee_is_refused(clinic, shop):
    appointment = clinic.schedule.book(shop["patient"], shop["ana"], shop["massage"],
                                       at("2026-03-03"))
    clinic.settings.update_no_show_fee(shop["late_fee"], active=False)
    refused(clinic, NotAllowed, clinic.schedule.no_show, appointment, use_package=False,
            fee_id=shop["late_fee"], match="no longer in use")


# R18: undo puts everything back; reversals are voids, money becomes credit

def test_r18_undo_covered_no_show_restores_exactly(clinic, shop, clock):
    p = shop["patient"]
    package, appointment = covered_physio(clinic, shop)
    before_row = clinic.schedule.appointment(appointment)
    before_uses = clinic.packages.summary(package)
    invoice_id = clinic.schedule.no_show(appointment, use_package=True)
    clinic.billing.receive_payment(p, 1150, "cash", invoice_id=invoice_id)
    clock.advance(minutes=5)
    assert clinic.schedule.undo_no_show(appointment) == []
    assert clinic.schedule.appointment(appointment) == before_row
    assert clinic.packages.summary(package) == before_uses
    # The fee-or-use invoice is void but still there; the money paid on it is credit.
    invoice = clinic.billing.invoice(invoice_id)
    assert (invoice.status, invoice.paid, invoice.balance, invoice.total) == \
        ("void", 0, 0, 1150)
    assert invoice.voided_at == clock()
    account = clinic.billing.account(p)
    assert (account.owing, account.credit, account.received) == (0, 1150, 11150)
    with clinic.db.read() as s:
        (redemption,) = s.scalars(select(Redemption)).all()
        assert (redemption.appointment_id, redemption.voided_at) == (appointment, clock())
        reversal = s.scalars(select(PaymentApplication).where(
            PaymentApplication.invoice_id == invoice_id).order_by(PaymentApplication.id)).all()
        assert [(a.amount, a.reason) for a in reversal] == [(1150, "payment"), (-1150, "void")]
    assert clinic.packages.detail(package).redemptions == ()


def test_r18_undo_fee_no_show_applies_the_package_again_and_voids_the_fee(clinic, shop):
    p = shop["patient"]
    package, appointment = covered_physio(clinic, shop)
    before_row = clinic.schedule.appointment(appointment)
    fee_invoice = clinic.schedule.no_show(appointment, use_package=False,
                                          fee_id=shop["no_show_fee"])
    clinic.billing.receive_payment(p, 1500, "debit", invoice_id=fee_invoice)
    assert uses(clinic, package) == (0, 0, 3, 3)
    assert clinic.schedule.undo_no_show(appointment) == []
    assert clinic.schedule.appointment(appointment) == before_row
    assert uses(clinic, package) == (0, 1, 2, 3)
    invoice = clinic.billing.invoice(fee_invoice)
    assert (invoice.status, invoice.paid) == ("void", 0)
    account = clinic.billing.account(p)
    assert (account.owing, account.credit) == (0, 1500)


def test_r18_undo_then_redo_the_other_way(clinic, shop):
    package, appointment = covered_physio(clinic, shop)
    clinic.schedule.no_show(appointment, use_package=False, fee_id=shop["no_show_fee"])
    clinic.schedule.undo_no_show(appointment)
    invoice_id = clinic.schedule.no_show(appointment, use_package=True)
    assert clinic.billing.invoice(invoice_id).total == 1150
    assert uses(clinic, package) == (1, 0, 2, 2)
    account = clinic.billing.account(shop["patient"])
    assert [(i.number, i.total, i.status) for i in account.invoices] == \
        [(3, 1150, "unpaid"), (2, 4000, "void"), (1, 10000, "paid")]


def test_r18_undo_no_show_without_package_and_fee(clinic, shop):
    p = shop["patient"]
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    before_row = clinic.schedule.appointment(appointment)
    fee_invoice = clinic.schedule.no_show(appointment, use_package=False,
                                          fee_id=shop["no_show_fee"])
    clinic.schedule.undo_no_show(appointment)
    assert clinic.schedule.appointment(appointment) == before_row
    assert clinic.billing.invoice(fee_invoice).status == "void"
    assert clinic.billing.account(p).owing == 0


def test_r18_undo_when_the_released_use_was_taken_meanwhile_warns(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["three_physio"]).package_id
    a, b, c = (clinic.schedule.book(p, shop["ana"], shop["physio"], at(f"2026-03-0{d}"))
               for d in (3, 4, 5))
    clinic.schedule.no_show(a, use_package=False)
    d = clinic.schedule.book(p, shop["ana"], shop["physio"], at("2026-03-06"))
    assert clinic.schedule.appointment(d).package_id == package
    (warning,) = clinic.schedule.undo_no_show(a)
    assert warning.startswith("The package could not be applied again: ")
    row = clinic.schedule.appointment(a)
    assert (row.status, row.package_id) == ("booked", None)
    assert uses(clinic, package) == (0, 3, 0, 3)


def test_r18_undo_is_refused_unless_the_appointment_is_a_no_show(clinic, shop):
    appointment = clinic.schedule.book(shop["patient"], shop["ana"], shop["massage"],
                                       at("2026-03-03"))
    refused(clinic, NotAllowed, clinic.schedule.undo_no_show, appointment,
            match="nothing to undo")
    clinic.schedule.arrive(appointment)
    refused(clinic, NotAllowed, clinic.schedule.undo_no_show, appointment,
            match="nothing to undo")


def test_r18_nothing_is_deleted_by_undo(clinic, shop):
    _, appointment = covered_physio(clinic, shop)
    clinic.schedule.no_show(appointment, use_package=True)
    middle = counts(clinic)
    clinic.schedule.undo_no_show(appointment)
    after = counts(clinic)
    assert all(after[t] >= middle[t] for t in middle)
    with clinic.db.read() as s:
        assert len(s.scalars(select(Invoice)).all()) == 2
        assert s.scalars(select(Redemption)).one().voided_at is not None


def test_r18_undo_arrival_is_the_same_reversal(clinic, shop):
    p = shop["patient"]
    package, appointment = covered_physio(clinic, shop)
    before_row = clinic.schedule.appointment(appointment)
    invoice_id = clinic.schedule.arrive(appointment)
    clinic.billing.receive_payment(p, 1150, "cash", invoice_id=invoice_id)
    assert clinic.schedule.undo_arrival(appointment) == []
    assert clinic.schedule.appointment(appointment) == before_row
    assert uses(clinic, package) == (0, 1, 2, 3)
    assert clinic.billing.invoice(invoice_id).status == "void"
    assert clinic.billing.account(p).credit == 1150
    assert clinic.schedule.eligible_packages(p, shop["physio"], date(2026, 3, 4))[0].id == \
        package


def test_r18_undo_is_refused_while_someone_else_has_the_freed_slot(clinic, shop):
    p, q = shop["patient"], shop["other_patient"]
    package, appointment = covered_physio(clinic, shop)
    clinic.schedule.no_show(appointment, use_package=False, fee_id=shop["no_show_fee"])
    walk_in = clinic.schedule.book(q, shop["ana"], shop["massage"], at("2026-03-03", 9, 30))
    error = refused(clinic, NotAllowed, clinic.schedule.undo_no_show, appointment,
                    patients=(p, q))
    assert str(error) == ("Ana Silva already has an appointment from 9:30\u202fa.m. to "
                          "10:30\u202fa.m. on Mar 3, 2026; move or cancel it before undoing "
                          "the no-show.")
    clinic.schedule.reschedule(walk_in, at("2026-03-03", 11))
    assert clinic.schedule.undo_no_show(appointment) == []
    assert clinic.schedule.appointment(appointment).package_id == package
