"""Billing service: sales, payments and where they go, credit, refund payments, voids, views
(R5-R9, R27, R29, R30). The SPEC's rules end to end are in tests/scenarios; this is the
service's own behaviour in detail."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import AuditEntry, PaymentApplication
from app.services import NotAllowed, NotFound, ValidationError

from scenarios.support import at, paid_sale, refused


def audit(clinic, action):
    with clinic.db.read() as s:
        return [(e.entity, e.entity_id, e.staff_id, e.at,
                 json.loads(e.before) if e.before else None,
                 json.loads(e.after) if e.after else None)
                for e in s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id))]


@pytest.fixture
def p(catalog):
    return catalog["patient"]


@pytest.fixture
def q(clinic):
    return clinic.patients.add("Tom", "Reid")


# selling

def test_sale_copies_the_templates_terms_onto_the_package(clinic, catalog, p):
    sale = clinic.billing.sell_package(p, catalog["three_physio"])
    detail = clinic.packages.detail(sale.package_id)
    assert (detail.summary.name, detail.summary.price, detail.summary.uses_total) == \
        ("3 Physio", 10000, 3)
    assert [(c.treatment_type_id, c.patient_pays) for c in detail.coverage] == \
        [(catalog["physio"], 1000)]
    clinic.catalog.update_package_template(catalog["three_physio"],
                                           eligible={catalog["physio"]: 0, catalog["acu"]: 0})
    assert [(c.treatment_type_id, c.patient_pays)
            for c in clinic.packages.detail(sale.package_id).coverage] == \
        [(catalog["physio"], 1000)]


def test_sale_is_audited_with_its_invoice_number(clinic, catalog, p, clock):
    clinic.current_staff_id = catalog["desk"]
    sale = clinic.billing.sell_package(p, catalog["ten_massages"], staff_id=catalog["ana"])
    ((entity, entity_id, staff, when, before, after),) = audit(clinic, "package.sell")
    assert (entity, entity_id, staff, when, before) == \
        ("package", sale.package_id, catalog["desk"], clock(), None)
    assert after == {"name": "10 Massages", "price": 80000, "uses_total": 10,
                     "purchased_on": "2026-03-02", "expires_on": "2026-09-02",
                     "staff_id": catalog["ana"], "invoice": 1, "refund_policy": "pro_rata"}


def test_an_inactive_staff_member_cannot_be_assigned_to_a_sale(clinic, catalog, p):
    clinic.staff.update(catalog["ben"], active=False)
    refused(clinic, NotAllowed, clinic.billing.sell_package, p, catalog["ten_massages"],
            staff_id=catalog["ben"], match="Ben Okafor is no longer active")


def test_sale_preview_shows_tax_total_and_expiry(clinic, catalog, clock):
    taxed = clinic.catalog.add_package_template("5 Physio", price=40000, uses=5,
                                                eligible={catalog["physio"]: 0},
                                                validity="90d", tax_rate="0.15")
    clock.set(datetime(2026, 8, 31, 9, 0))
    preview = clinic.billing.sale_preview(taxed)
    assert (preview.price, preview.tax, preview.total, preview.uses, preview.expires_on) == \
        (40000, 6000, 46000, 5, date(2026, 11, 29))
    sale = clinic.billing.sell_package(catalog["patient"], taxed)
    assert clinic.billing.invoice(sale.invoice_id).total == preview.total
    assert clinic.billing.sale_preview(catalog["three_physio"]).expires_on is None


# receiving payments

def test_payment_without_a_target_pays_the_oldest_owing_invoices_first(clinic, catalog, p,
                                                                         clock):
    first = clinic.billing.sell_package(p, catalog["three_physio"])  # 100.00
    clock.advance(days=1)
    second = clinic.billing.sell_package(p, catalog["ten_massages"])  # 800.00
    payment = clinic.billing.receive_payment(p, 15000, "cash")
    assert clinic.billing.invoice(first.invoice_id).status == "paid"
    assert (clinic.billing.invoice(second.invoice_id).paid,
            clinic.billing.invoice(second.invoice_id).status) == (5000, "partially paid")
    row = clinic.billing.payment(payment)
    assert (row.amount, row.applied, row.unapplied, row.method_name) == \
        (15000, 15000, 0, "Cash")


def test_payment_more_than_owing_leaves_credit(clinic, catalog, p):
    clinic.billing.sell_package(p, catalog["three_physio"])
    clinic.billing.receive_payment(p, 12000, "debit", reference="auth 4411")
    account = clinic.billing.account(p)
    assert (account.owing, account.credit, account.received) == (0, 2000, 12000)
    assert account.payments[0].reference == "auth 4411"


def test_payment_as_pure_credit(clinic, catalog, p):
    sale = clinic.billing.sell_package(p, catalog["three_physio"])
    clinic.billing.receive_payment(p, 3000, "cheque", allocations={})
    assert clinic.billing.invoice(sale.invoice_id).paid == 0
    assert clinic.billing.account(p).credit == 3000


def test_payment_split_over_chosen_invoices(clinic, catalog, p):
    a = clinic.billing.sell_package(p, catalog["three_physio"]).invoice_id
    b = clinic.billing.sell_package(p, catalog["ten_massages"]).invoice_id
    clinic.billing.receive_payment(p, 10000, "e_transfer",
                                   allocations={b: 6000, a: 2500})
    assert (clinic.billing.invoice(a).paid, clinic.billing.invoice(b).paid) == (2500, 6000)
    assert clinic.billing.account(p).credit == 1500


def test_payment_preview_matches_what_receiving_does(clinic, catalog, p):
    a = clinic.billing.sell_package(p, catalog["three_physio"]).invoice_id
    clinic.billing.receive_payment(p, 500, "cash", allocations={})
    preview = clinic.billing.payment_preview(p, 12000)
    assert (preview.amount, preview.applied, preview.unapplied, preview.credit_after) == \
        (12000, ((a, 10000),), 2000, 2500)
    clinic.billing.receive_payment(p, 12000, "cash")
    assert clinic.billing.account(p).credit == preview.credit_after


def test_payment_preview_refuses_what_receiving_refuses(clinic, catalog, p):
    invoice = clinic.billing.sell_package(p, catalog["three_physio"]).invoice_id
    for amount, allocations, field in [("abc", None, "amount"), (-100, None, "amount"),
                                       (1000, [invoice], "allocations"),
                                       (1000, {invoice: "10.001"}, "allocation"),
                                       (1000, {invoice: 2000}, "allocation")]:
        with pytest.raises(ValidationError) as caught:
            clinic.billing.payment_preview(p, amount, allocations=allocations)
        assert caught.value.field == field


@pytest.mark.parametrize("invoice_id", [[1], {"id": 1}, {1}, "1", 1.0])
def test_payment_to_an_invoice_that_is_not_an_id_is_refused(clinic, catalog, p, invoice_id):
    clinic.billing.sell_package(p, catalog["three_physio"])
    refused(clinic, NotFound, clinic.billing.receive_payment, p, 100, "cash",
            invoice_id=invoice_id, match="No invoice with number")
    with pytest.raises(NotFound):
        clinic.billing.payment_preview(p, 100, invoice_id=invoice_id)


def test_payment_to_a_paid_invoice_becomes_credit(clinic, catalog, p):
    sale, _ = paid_sale(clinic, p, catalog["three_physio"])
    clinic.billing.receive_payment(p, 1000, "cash", invoice_id=sale.invoice_id)
    assert clinic.billing.account(p).credit == 1000


def test_payment_is_audited_with_where_it_went(clinic, catalog, p):
    sale = clinic.billing.sell_package(p, catalog["three_physio"])
    payment = clinic.billing.receive_payment(p, 4000, "cash", invoice_id=sale.invoice_id)
    ((entity, entity_id, _, _, _, after),) = audit(clinic, "payment.receive")
    assert (entity, entity_id) == ("payment", payment)
    assert after == {"patient_id": p, "method": "cash", "amount": 4000,
                     "applied": {str(sale.invoice_id): 4000}}


@pytest.mark.parametrize("method", ["cash", "debit", "credit_card", "cheque", "e_transfer",
                                    "other"])
def test_every_payment_method_is_accepted(clinic, p, method):
    payment = clinic.billing.receive_payment(p, 100, method)
    assert clinic.billing.payment(payment).method == method


def test_wrong_kinds_of_method_and_allocations_are_refused(clinic, catalog, p):
    invoice = clinic.billing.sell_package(p, catalog["three_physio"]).invoice_id
    for method in (["cash"], None, 3, "CASH"):
        error = refused(clinic, ValidationError, clinic.billing.receive_payment, p, 100, method)
        assert error.field == "method"
    for allocations in ([invoice], "all", 5):
        error = refused(clinic, ValidationError, clinic.billing.receive_payment, p, 100,
                        "cash", allocations=allocations)
        assert error.field == "allocations"


# credit

def test_apply_credit_uses_the_oldest_payment_first(clinic, catalog, p, clock):
    older = clinic.billing.receive_payment(p, 3000, "cash", allocations={})
    clock.advance(hours=1)
    newer = clinic.billing.receive_payment(p, 5000, "debit", allocations={})
    invoice = clinic.billing.sell_package(p, catalog["three_physio"]).invoice_id
    assert clinic.billing.apply_credit(p, invoice, 4000) == 4000
    assert (clinic.billing.payment(older).unapplied, clinic.billing.payment(newer).unapplied) \
        == (0, 4000)
    with clinic.db.read() as s:
        assert [(a.payment_id, a.amount, a.reason) for a in s.scalars(
            select(PaymentApplication).order_by(PaymentApplication.id))] == \
            [(older, 3000, "credit"), (newer, 1000, "credit")]
    assert clinic.billing.apply_credit(p, invoice) == 4000
    invoice_view = clinic.billing.invoice(invoice)
    assert (invoice_view.paid, invoice_view.balance) == (8000, 2000)
    assert clinic.billing.account(p).credit == 0


def test_apply_credit_limits(clinic, catalog, p):
    invoice = clinic.billing.sell_package(p, catalog["three_physio"]).invoice_id
    refused(clinic, NotAllowed, clinic.billing.apply_credit, p, invoice,
            match="This patient has no credit to apply.")
    clinic.billing.receive_payment(p, 15000, "cash", allocations={})
    error = refused(clinic, ValidationError, clinic.billing.apply_credit, p, invoice, 10001,
                    patients=(p,))
    assert str(error) == ("You can apply at most $100.00: the smaller of the patient's credit "
                          "and the invoice balance.")
    error = refused(clinic, ValidationError, clinic.billing.apply_credit, p, invoice, 0)
    assert (error.field, str(error)) == \
        ("amount", "The amount of credit to apply must be more than zero.")
    assert clinic.billing.apply_credit(p, invoice) == 10000
    error = refused(clinic, NotAllowed, clinic.billing.apply_credit, p, invoice)
    assert str(error) == "Invoice #1 is already paid."
    assert len(audit(clinic, "credit.apply")) == 1


def test_credit_of_one_patient_never_pays_anothers_invoice(clinic, catalog, p, q):
    clinic.billing.receive_payment(p, 15000, "cash", allocations={})
    theirs = clinic.billing.sell_package(q, catalog["three_physio"]).invoice_id
    refused(clinic, NotAllowed, clinic.billing.apply_credit, p, theirs,
            match="belongs to another patient")
    refused(clinic, NotAllowed, clinic.billing.receive_payment, p, 1000, "cash",
            allocations={theirs: 1000}, match="belongs to another patient")


# refund payments (R27)

def test_refund_payment_defaults_to_the_payments_method(clinic, p, catalog):
    payment = clinic.billing.receive_payment(p, 5000, "credit_card", allocations={})
    clinic.current_staff_id = catalog["ana"]  # refunds need a manager
    refund = clinic.billing.refund_payment(payment, 2000, note="Moving away")
    view = clinic.billing.payment_refund(refund)
    assert (view.amount, view.method, view.method_name, view.payment_amount, view.note,
            view.staff_name, view.package_name) == \
        (2000, "credit_card", "Credit card", 5000, "Moving away", "Ana Silva", None)
    assert [r.id for r in clinic.billing.refunds(p)] == [refund]
    row = clinic.billing.payment(payment)
    assert (row.refunded, row.unapplied) == (2000, 3000)


def test_refund_payment_to_another_method(clinic, p):
    payment = clinic.billing.receive_payment(p, 5000, "cheque", allocations={})
    refund = clinic.billing.refund_payment(payment, 5000, method="e_transfer")
    assert clinic.billing.payment_refund(refund).method == "e_transfer"
    assert clinic.billing.account(p).credit == 0


def test_refund_payment_linked_to_a_package_refund_must_be_the_same_patients(clinic, catalog,
                                                                             p, q):
    sale, payment = paid_sale(clinic, p, catalog["three_physio"])
    package_refund = clinic.packages.refund(sale.package_id, 5000).package_refund_id
    theirs = clinic.billing.receive_payment(q, 5000, "cash", allocations={})
    refused(clinic, NotAllowed, clinic.billing.refund_payment, theirs, 1000,
            package_refund_id=package_refund, match="belongs to another patient")
    refused(clinic, NotFound, clinic.billing.refund_payment, payment, 1000,
            package_refund_id=package_refund + 1,
            match="No package refund with number")
    refund = clinic.billing.refund_payment(payment, 5000, package_refund_id=package_refund)
    assert clinic.billing.payment_refund(refund).package_refund_amount == 5000


# voiding (R29)

def test_void_an_unused_package_sale_frees_its_payment_and_its_bookings(clinic, catalog, p):
    sale = clinic.billing.sell_package(p, catalog["ten_massages"])
    clinic.billing.receive_payment(p, 30000, "cash", invoice_id=sale.invoice_id)
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-05"))
    assert clinic.schedule.appointment(appointment).package_id == sale.package_id
    assert clinic.billing.void_invoice(sale.invoice_id, "  Wrong   package ") == 30000
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert (invoice.status, invoice.paid, invoice.balance, invoice.void_reason) == \
        ("void", 0, 0, "Wrong package")
    assert clinic.packages.summary(sale.package_id).status == "void"
    assert clinic.schedule.appointment(appointment).package_id is None
    account = clinic.billing.account(p)
    assert (account.invoiced, account.owing, account.credit) == (0, 0, 30000)
    ((_, _, _, _, before, after),) = audit(clinic, "invoice.void")
    assert (before, after) == ({"status": "open"},
                               {"status": "void", "reason": "Wrong package", "credit": 30000})
    refused(clinic, NotAllowed, clinic.schedule.book, p, catalog["ana"], catalog["massage"],
            at("2026-03-06"), package=sale.package_id, match="was voided")


def test_void_is_refused_for_a_used_package(clinic, catalog, p):
    sale = clinic.billing.sell_package(p, catalog["ten_massages"])
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-05"))
    clinic.schedule.arrive(appointment)
    refused(clinic, NotAllowed, clinic.billing.void_invoice, sale.invoice_id, "oops",
            match="has been used or refunded")
    clinic.schedule.undo_arrival(appointment)
    clinic.billing.void_invoice(sale.invoice_id, "oops")


# views

def test_invoice_view_and_account_lists(clinic, catalog, p, clock):
    sale = clinic.billing.sell_package(p, catalog["three_physio"])
    first = clinic.billing.receive_payment(p, 4000, "cash", invoice_id=sale.invoice_id)
    clock.advance(days=1)
    visit = clinic.schedule.book(p, catalog["ben"], catalog["acu"], at("2026-03-03"))
    visit_invoice = clinic.schedule.arrive(visit)
    view = clinic.billing.invoice(sale.invoice_id)
    assert (view.number, view.patient_name, view.issued_on, view.description, view.status) == \
        (1, "Maria Lopez", date(2026, 3, 2), "Package: 3 Physio", "partially paid")
    assert [(x.payment_id, x.amount) for x in view.payments] == [(first, 4000)]
    account = clinic.billing.account(p)
    assert [(i.id, i.number, i.total, i.balance, i.package_id) for i in account.invoices] == [
        (visit_invoice, 2, 7500, 7500, None), (sale.invoice_id, 1, 10000, 6000, sale.package_id)]
    assert (account.invoiced, account.applied, account.owing) == (17500, 4000, 13500)
