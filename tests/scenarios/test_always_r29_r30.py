"""Always (SPEC R29, R30): one transaction per change, nothing deleted, who and when recorded;
every bad input refused with a sentence naming the field and the limit, changing nothing;
invoice numbers without gaps."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Invoice, PaymentApplication, Redemption
from app.services import ClinicError, NotAllowed, NotFound, ValidationError, money

from scenarios.support import at, counts, dump, paid_sale, refused


@pytest.fixture
def world(clinic, shop):
    """A small clinic day: a paid package with a booked and an arrived covered visit, a fee
    no-show, an unpaid visit, some credit, and a second patient with their own invoice."""
    p, q = shop["patient"], shop["other_patient"]
    w = dict(shop)
    w["sale"], w["payment"] = paid_sale(clinic, p, shop["ten_massages"])
    w["package"] = w["sale"].package_id
    w["booked"] = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-10"))
    w["arrived"] = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-02", 11))
    w["arrived_invoice"] = clinic.schedule.arrive(w["arrived"])
    w["missed"] = clinic.schedule.book(p, shop["ben"], shop["acu"], at("2026-03-02", 10))
    w["fee_invoice"] = clinic.schedule.no_show(w["missed"], use_package=False,
                                               fee_id=shop["no_show_fee"])
    w["credit_payment"] = clinic.billing.receive_payment(p, 2500, "e_transfer",
                                                         allocations={})
    w["their_sale"] = clinic.billing.sell_package(q, shop["three_physio"])
    w["their_appointment"] = clinic.schedule.book(q, shop["ben"], shop["physio"],
                                                  at("2026-03-11"))
    w["plain"] = clinic.schedule.book(p, shop["ben"], shop["acu"], at("2026-03-12", 15))
    w["void_invoice"] = clinic.billing.sell_package(p, shop["three_massages"]).invoice_id
    clinic.billing.void_invoice(w["void_invoice"], "Sold by mistake")
    clinic.staff.update(shop["desk"], active=False)
    w["archived"] = clinic.catalog.add_package_template(
        "Old deal", price=5000, uses=2, eligible={shop["massage"]: 0})
    clinic.catalog.archive_package_template(w["archived"])
    return w


B, S, P = "billing", "schedule", "packages"

# (area, method, args built from the world, kwargs, error type, text the message contains)
BAD_INPUTS = [
    # selling (R5-R9)
    (B, "sell_package", lambda w: (999, w["ten_massages"]), {}, NotFound,
     "No patient with number 999 exists."),
    (B, "sell_package", lambda w: ("1", w["ten_massages"]), {}, NotFound, "No patient"),
    (B, "sell_package", lambda w: (w["patient"], 999), {}, NotFound,
     "No package template with number 999 exists."),
    (B, "sell_package", lambda w: (w["patient"], None), {}, NotFound, "No package template"),
    (B, "sell_package", lambda w: (w["patient"], w["archived"]), {}, NotAllowed,
     "is archived and no longer for sale"),
    (B, "sell_package", lambda w: (w["patient"], w["ten_massages"]), {"staff_id": 999},
     NotFound, "No staff member with number 999 exists."),
    (B, "sell_package", lambda w: (w["patient"], w["ten_massages"]),
     {"staff_id": "Ana"}, NotFound, "No staff member"),
    (B, "sell_package", lambda w: (w["patient"], w["ten_massages"]), {"staff_id": "desk"},
     NotFound, "No staff member"),
    (B, "sell_package", lambda w: (w["patient"], w["ten_massages"]),
     {"appointment_id": 999}, NotFound, "No appointment with number 999 exists."),
    (B, "unassign_compensation", lambda w: ([w["booked"], 999],), {}, NotFound,
     "No appointment with number 999 exists."),
    (B, "unassign_compensation", lambda w: (w["booked"],), {}, ValidationError,
     "appointments"),
    (B, "unassign_compensation", lambda w: ([w["arrived"]],), {}, NotAllowed,
     "arrived"),
    # payments (R8, R27)
    (B, "receive_payment", lambda w: (999, 100, "cash"), {}, NotFound, "No patient"),
    (B, "receive_payment", lambda w: (w["patient"], -500, "cash"), {}, ValidationError,
     "The amount cannot be negative."),
    (B, "receive_payment", lambda w: (w["patient"], 0, "cash"), {}, ValidationError,
     "The payment amount must be more than zero."),
    (B, "receive_payment", lambda w: (w["patient"], "abc", "cash"), {}, ValidationError,
     "The amount \u201cabc\u201d is not an amount"),
    (B, "receive_payment", lambda w: (w["patient"], "1.234", "cash"), {}, ValidationError,
     "at most 2 digits after the decimal point"),
    (B, "receive_payment", lambda w: (w["patient"], 12.5, "cash"), {}, ValidationError,
     "not a floating-point number"),
    (B, "receive_payment", lambda w: (w["patient"], "1000000.01", "cash"), {},
     ValidationError, "cannot be more than $1,000,000.00"),
    (B, "receive_payment", lambda w: (w["patient"], 100, "bitcoin"), {}, ValidationError,
     "Choose how the patient paid: Cash, Debit, Credit card, Cheque, E-transfer, Other, "
     "Gift card."),
    (B, "receive_payment", lambda w: (w["patient"], 100, ["cash"]), {}, ValidationError,
     "Choose how the patient paid"),
    (B, "receive_payment", lambda w: (w["patient"], 100, None), {}, ValidationError,
     "Choose how the patient paid"),
    (B, "receive_payment", lambda w: (w["patient"], 100, "cash"), {"invoice_id": 999},
     NotFound, "No invoice with number 999 exists."),
    (B, "receive_payment", lambda w: (w["patient"], 100, "cash"),
     {"invoice_id": "fee"}, NotFound, "No invoice"),
    (B, "receive_payment", lambda w: (w["patient"], 100, "cash"),
     lambda w: {"invoice_id": w["void_invoice"]}, NotAllowed,
     "is void; nothing can be paid on it"),
    (B, "receive_payment", lambda w: (w["patient"], 100, "cash"),
     lambda w: {"invoice_id": w["their_sale"].invoice_id}, NotAllowed,
     "belongs to another patient"),
    (B, "receive_payment", lambda w: (w["patient"], "50.00", "cash"),
     lambda w: {"allocations": {w["fee_invoice"]: "40.01"}}, ValidationError,
     "has only $40.00 left to pay"),
    (B, "receive_payment", lambda w: (w["patient"], "10.00", "cash"),
     lambda w: {"allocations": {w["fee_invoice"]: "20.00"}}, ValidationError,
     "add up to more than the payment"),
    (B, "receive_payment", lambda w: (w["patient"], "10.00", "cash"),
     lambda w: {"allocations": [w["fee_invoice"]]}, ValidationError, "invoice"),
    (B, "receive_payment", lambda w: (w["patient"], "10.00", "cash"),
     lambda w: {"allocations": {w["fee_invoice"]: "-1"}}, ValidationError,
     "cannot be negative"),
    (B, "receive_payment", lambda w: (w["patient"], 100, "cash"), {"reference": 5},
     ValidationError, "The reference must be text."),
    (B, "apply_credit", lambda w: (999, w["fee_invoice"]), {}, NotFound, "No patient"),
    (B, "apply_credit", lambda w: (w["patient"], 999), {}, NotFound, "No invoice"),
    (B, "apply_credit", lambda w: (w["patient"], w["fee_invoice"], "25.01"), {},
     ValidationError, "at most $25.00"),
    (B, "apply_credit", lambda w: (w["patient"], w["fee_invoice"], "-1"), {},
     ValidationError, "cannot be negative"),
    (B, "apply_credit", lambda w: (w["patient"], w["fee_invoice"], 0), {},
     ValidationError, "more than zero"),
    (B, "apply_credit", lambda w: (w["patient"], w["fee_invoice"], "x"), {},
     ValidationError, "is not an amount"),
    (B, "apply_credit", lambda w: (w["patient"], w["sale"].invoice_id), {}, NotAllowed,
     "already paid"),
    (B, "apply_credit", lambda w: (w["patient"], w["void_invoice"]), {}, NotAllowed,
     "is void"),
    (B, "apply_credit", lambda w: (w["other_patient"], w["their_sale"].invoice_id), {},
     NotAllowed, "no credit to apply"),
    (B, "refund_payment", lambda w: (999, 100), {}, NotFound,
     "No payment with number 999 exists."),
    (B, "refund_payment", lambda w: (w["credit_payment"], 0), {}, ValidationError,
     "must be more than zero"),
    (B, "refund_payment", lambda w: (w["credit_payment"], -1), {}, ValidationError,
     "cannot be negative"),
    (B, "refund_payment", lambda w: (w["credit_payment"], "2,5"), {}, ValidationError,
     "is not an amount"),
    (B, "refund_payment", lambda w: (w["credit_payment"], 2501), {}, ValidationError,
     "You can refund at most $25.00 from this $25.00 payment"),
    (B, "refund_payment", lambda w: (w["payment"], 1), {}, ValidationError,
     "Nothing of this payment can be refunded"),
    (B, "refund_payment", lambda w: (w["credit_payment"], 100), {"method": "gold"},
     ValidationError, "Choose a refund method"),
    (B, "refund_payment", lambda w: (w["credit_payment"], 100), {"method": 3},
     ValidationError, "Choose a refund method"),
    (B, "refund_payment", lambda w: (w["credit_payment"], 100), {"package_refund_id": 999},
     NotFound, "No package refund with number 999 exists."),
    (B, "refund_payment", lambda w: (w["credit_payment"], 100), {"note": ["x"]},
     ValidationError, "The note must be text."),
    # invoices
    (B, "void_invoice", lambda w: (999, "mistake"), {}, NotFound, "No invoice"),
    (B, "void_invoice", lambda w: (w["fee_invoice"], ""), {}, ValidationError,
     "Please enter the reason for voiding."),
    (B, "void_invoice", lambda w: (w["their_sale"].invoice_id, None), {}, ValidationError,
     "Please enter the reason for voiding."),
    (B, "void_invoice", lambda w: (w["void_invoice"], "again"), {}, NotAllowed,
     "is already void"),
    (B, "void_invoice", lambda w: (w["fee_invoice"], "mistake"), {}, NotAllowed,
     "undo the arrival or the no-show on the schedule instead"),
    (B, "void_invoice", lambda w: (w["sale"].invoice_id, "mistake"), {}, NotAllowed,
     "refund the package instead of voiding its invoice"),
    # booking and coverage (R10-R13, R22)
    (S, "book", lambda w: (999, w["ana"], w["massage"], at("2026-03-12")), {}, NotFound,
     "No patient"),
    (S, "book", lambda w: (w["patient"], 999, w["massage"], at("2026-03-12")), {}, NotFound,
     "No staff member"),
    (S, "book", lambda w: (w["patient"], w["ana"], 999, at("2026-03-12")), {}, NotFound,
     "No treatment type with number 999 exists."),
    (S, "book", lambda w: (w["patient"], w["desk"], w["massage"], at("2026-03-12")), {},
     NotAllowed, "does not see patients; choose a practitioner"),
    (S, "book", lambda w: (w["patient"], w["ana"], w["massage"], date(2026, 3, 12)), {},
     ValidationError, "The appointment start must be a date and time."),
    (S, "book", lambda w: (w["patient"], w["ana"], w["massage"], "2026-03-12 10:00"), {},
     ValidationError, "The appointment start must be a date and time."),
    (S, "book", lambda w: (w["patient"], w["ana"], w["massage"], at("1999-12-31")), {},
     ValidationError, "The appointment date must be between Jan 1, 2000 and Dec 31, 2100."),
    (S, "book", lambda w: (w["patient"], w["ana"], w["massage"], at("2101-01-01")), {},
     ValidationError, "between Jan 1, 2000 and Dec 31, 2100"),
    (S, "book", lambda w: (w["patient"], w["ana"], w["massage"], at("2026-03-12", 10, 7)), {},
     ValidationError, "Appointments start on a 5-minute mark, like 9:15."),
    (S, "book", lambda w: (w["patient"], w["ana"], w["massage"], at("2026-03-10", 10, 30)),
     {}, NotAllowed, "Ana Silva already has an appointment from 10:00\u202fa.m. to "
                     "11:00\u202fa.m. on Mar 10, 2026"),
    (S, "book", lambda w: (w["patient"], w["ana"], w["massage"], at("2026-03-12")),
     {"package": 999}, NotFound, "No package with number 999 exists."),
    (S, "book", lambda w: (w["patient"], w["ana"], w["massage"], at("2026-03-12")),
     {"package": "yes"}, NotFound, "No package"),
    (S, "book", lambda w: (w["patient"], w["ana"], w["massage"], at("2026-03-12")),
     lambda w: {"package": w["their_sale"].package_id}, NotAllowed,
     "belongs to another patient"),
    (S, "book", lambda w: (w["patient"], w["ana"], w["massage"], at("2026-03-12")),
     {"notes": 42}, ValidationError, "The notes must be text."),
    (S, "apply_package", lambda w: (999, w["package"]), {}, NotFound, "No appointment"),
    (S, "apply_package", lambda w: (w["booked"], 999), {}, NotFound, "No package"),
    (S, "apply_package", lambda w: (w["missed"], w["package"]), {}, NotAllowed,
     "marked as a no-show"),
    (S, "apply_package", lambda w: (w["their_appointment"], w["package"]), {}, NotAllowed,
     "belongs to another patient"),
    (S, "remove_package", lambda w: (999,), {}, NotFound, "No appointment"),
    (S, "remove_package", lambda w: (w["plain"],), {}, NotAllowed,
     "has no package applied"),
    (S, "remove_package", lambda w: (w["arrived"],), {}, NotAllowed,
     "can no longer be removed"),
    (S, "reschedule", lambda w: (999, at("2026-03-12")), {}, NotFound, "No appointment"),
    (S, "reschedule", lambda w: (w["booked"], None), {}, ValidationError,
     "must be a date and time"),
    (S, "reschedule", lambda w: (w["booked"], at("2026-09-03")), {}, NotAllowed,
     "expires on Sep 2, 2026"),
    (S, "reschedule", lambda w: (w["arrived"], at("2026-03-12")), {}, NotAllowed,
     "Only booked appointments can be moved; this one is arrived."),
    (S, "reschedule", lambda w: (w["booked"], at("2026-03-12")),
     lambda w: {"staff_id": w["desk"]}, NotAllowed, "does not see patients"),
    (S, "cancel", lambda w: (999,), {}, NotFound, "No appointment"),
    (S, "cancel", lambda w: (w["missed"],), {}, NotAllowed,
     "Only booked appointments can be cancelled; this one is marked as a no-show."),
    # arrival and no-shows (R14-R18)
    (S, "arrive", lambda w: (999,), {}, NotFound, "No appointment"),
    (S, "arrive", lambda w: (w["arrived"],), {}, NotAllowed,
     "Only booked appointments can be arrived; this one is arrived."),
    (S, "no_show", lambda w: (999,), {"use_package": False}, NotFound, "No appointment"),
    (S, "no_show", lambda w: (w["booked"],), {"use_package": False, "fee_id": 999},
     NotFound, "No no-show fee with number 999 exists."),
    (S, "no_show", lambda w: (w["booked"],), {"use_package": "no"}, ValidationError,
     "use the package"),
    (S, "no_show", lambda w: (w["booked"],), {"use_package": None}, ValidationError,
     "use the package"),
    (S, "no_show", lambda w: (w["arrived"],), {"use_package": True}, NotAllowed,
     "this one is arrived"),
    (S, "undo_no_show", lambda w: (999,), {}, NotFound, "No appointment"),
    (S, "undo_no_show", lambda w: (w["booked"],), {}, NotAllowed, "nothing to undo"),
    (S, "undo_arrival", lambda w: (w["missed"],), {}, NotAllowed, "nothing to undo"),
    # reading: unknown ids and bad dates
    (B, "account", lambda w: (999,), {}, NotFound, "No patient"),
    (B, "invoice", lambda w: (999,), {}, NotFound, "No invoice"),
    (B, "payment", lambda w: (999,), {}, NotFound, "No payment"),
    (B, "payment_refund", lambda w: (999,), {}, NotFound, "No refund"),
    (S, "eligible_packages", lambda w: (999, w["massage"], date(2026, 3, 12)), {}, NotFound,
     "No patient"),
    (S, "eligible_packages", lambda w: (w["patient"], 999, date(2026, 3, 12)), {}, NotFound,
     "No treatment type"),
    (S, "eligible_packages", lambda w: (w["patient"], w["massage"], "soon"), {},
     ValidationError, "must be a date like 2026-03-31"),
    (S, "eligible_packages", lambda w: (w["patient"], w["massage"], at("2026-03-12")), {},
     ValidationError, "without a time"),
    (S, "day", lambda w: ("Monday",), {}, ValidationError, "must be a date like 2026-03-31"),
    (S, "day", lambda w: (date(1850, 1, 1),), {}, ValidationError, "must be between"),
    (S, "appointment", lambda w: (999,), {}, NotFound, "No appointment"),
    (P, "for_patient", lambda w: (999,), {}, NotFound, "No patient"),
    (P, "detail", lambda w: (999,), {}, NotFound, "No package"),
    (P, "suggested_refund", lambda w: (999,), {}, NotFound, "No package"),
    # expiry (R23, R24)
    (P, "set_expiry", lambda w: (999, None), {}, NotFound, "No package"),
    (P, "set_expiry", lambda w: (w["package"], "2026-02-30"), {}, ValidationError,
     "The expiry date must be a date like 2026-03-31."),
    (P, "set_expiry", lambda w: (w["package"], date(2026, 3, 1)), {}, ValidationError,
     "The expiry date must be between Mar 2, 2026 and Dec 31, 2100."),
    (P, "set_expiry", lambda w: (w["package"], datetime(2026, 12, 1, 9, 0)), {},
     ValidationError, "The expiry date must be a date, without a time."),
    (P, "set_expiry", lambda w: (w["package"], date(2026, 3, 9)), {}, NotAllowed,
     "falls after Mar 9, 2026"),
    # refunds (R26)
    (P, "refund", lambda w: (999, 0), {}, NotFound, "No package"),
    (P, "refund", lambda w: (w["package"], 80001), {}, ValidationError,
     "The refund can be at most $800.00"),
    (P, "refund", lambda w: (w["package"], "-5"), {}, ValidationError, "cannot be negative"),
    (P, "refund", lambda w: (w["package"], "abc"), {}, ValidationError, "is not an amount"),
    (P, "refund", lambda w: (w["package"], "1.234"), {}, ValidationError,
     "at most 2 digits after the decimal point"),
    (P, "refund", lambda w: (w["their_sale"].package_id, "0.01"), {}, ValidationError,
     "at most $0.00"),
]


def _case_id(case):
    area, method, _, _, error, text = case
    return f"{area}.{method}-{error.__name__}-{text[:40]}"


@pytest.mark.parametrize("case", BAD_INPUTS, ids=[_case_id(c) for c in BAD_INPUTS])
def test_r30_bad_input_is_refused_with_a_sentence_and_changes_nothing(clinic, world, case):
    area, method, make_args, kwargs, error_type, text = case
    call = getattr(getattr(clinic, area), method)
    args = make_args(world)
    kwargs = kwargs(world) if callable(kwargs) else kwargs
    error = refused(clinic, error_type, lambda: call(*as_typed(clinic, method, args),
                                                     **as_typed_kwargs(clinic, kwargs)),
                    patients=(world["patient"], world["other_patient"]), match=text)
    assert isinstance(error, ClinicError)
    if isinstance(error, ValidationError):
        assert error.field


#: Where an amount goes in these calls: typed text there is read as the screens read it,
#: money.parse, since the services take int cents only (issue 16).
MONEY_AT = {"receive_payment": 1, "refund_payment": 1, "apply_credit": 2, "refund": 1}


def _typed(clinic, value, field="amount"):
    if isinstance(value, str):
        return money.parse(value, field=field, **clinic.money_context())
    return value


def as_typed(clinic, method, args):
    at = MONEY_AT.get(method)
    return tuple(_typed(clinic, a) if i == at else a for i, a in enumerate(args))


def as_typed_kwargs(clinic, kwargs):
    out = dict(kwargs)
    if isinstance(out.get("allocations"), dict):
        out["allocations"] = {k: _typed(clinic, v, "allocation")
                              for k, v in out["allocations"].items()}
    return out


def test_r30_every_refusal_keeps_invoice_numbers_gapless(clinic, world):
    numbers = [i.number for i in clinic.billing.account(world["patient"]).invoices]
    numbers += [i.number for i in clinic.billing.account(world["other_patient"]).invoices]
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    for case in BAD_INPUTS:
        area, method, make_args, kwargs, error_type, _ = case
        with pytest.raises(ClinicError):
            getattr(getattr(clinic, area), method)(
                *make_args(world), **(kwargs(world) if callable(kwargs) else kwargs))
    sale = clinic.billing.sell_package(world["patient"], world["ten_massages"])
    assert clinic.billing.invoice(sale.invoice_id).number == len(numbers) + 1


def test_r30_a_refused_sale_takes_no_invoice_number(clinic, shop):
    first = clinic.billing.sell_package(shop["patient"], shop["ten_massages"])
    clinic.catalog.archive_package_template(shop["three_massages"])
    refused(clinic, NotAllowed, clinic.billing.sell_package, shop["patient"],
            shop["three_massages"])
    refused(clinic, NotFound, clinic.billing.sell_package, shop["patient"],
            shop["ten_massages"], staff_id=12345)
    second = clinic.billing.sell_package(shop["patient"], shop["three_physio"])
    assert [clinic.billing.invoice(i).number for i in (first.invoice_id, second.invoice_id)] \
        == [1, 2]


def test_r30_a_refused_arrival_takes_no_invoice_number(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-10"))
    clinic.packages.refund(package, 0)
    # The refund released the appointment, so arrival now bills the standard price as #2.
    assert clinic.billing.invoice(clinic.schedule.arrive(appointment)).number == 2
    refused(clinic, NotAllowed, clinic.schedule.arrive, appointment)
    assert clinic.billing.invoice(clinic.billing.sell_package(
        p, shop["three_physio"]).invoice_id).number == 3


# R29: one transaction; nothing deleted; who and when

def test_r29_a_failure_half_way_changes_nothing(clinic, world, monkeypatch):
    """Every change is one transaction: if anything fails after the writes (here the audit
    entry, the last thing written), none of it is kept."""
    import app.services.audit as audit

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    calls = [
        lambda: clinic.packages.refund(world["package"], 1000),
        lambda: clinic.billing.sell_package(world["patient"], world["ten_massages"]),
        lambda: clinic.billing.receive_payment(world["patient"], 4000, "cash"),
        lambda: clinic.schedule.arrive(world["booked"]),
        lambda: clinic.schedule.no_show(world["booked"], use_package=False,
                                        fee_id=world["no_show_fee"]),
        lambda: clinic.schedule.undo_no_show(world["missed"]),
        lambda: clinic.schedule.undo_arrival(world["arrived"]),
        lambda: clinic.billing.void_invoice(world["their_sale"].invoice_id, "mistake"),
        lambda: clinic.billing.refund_payment(world["credit_payment"], 100),
        lambda: clinic.billing.apply_credit(world["patient"], world["fee_invoice"]),
    ]
    before = dump(clinic)
    monkeypatch.setattr(audit, "record", broken)
    for call in calls:
        with pytest.raises(RuntimeError):
            call()
        assert dump(clinic) == before


def test_r29_nothing_is_ever_deleted(clinic, shop, clock):
    p = shop["patient"]
    seen = counts(clinic)

    def step(action):
        nonlocal seen
        result = action()
        now = counts(clinic)
        assert all(now[t] >= seen[t] for t in seen), (now, seen)
        seen = now
        return result

    sale, payment = step(lambda: paid_sale(clinic, p, shop["three_massages"]))
    a = step(lambda: clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03")))
    b = step(lambda: clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-04")))
    step(lambda: clinic.schedule.arrive(a))
    step(lambda: clinic.schedule.undo_arrival(a))
    step(lambda: clinic.schedule.no_show(b, use_package=False, fee_id=shop["no_show_fee"]))
    step(lambda: clinic.billing.receive_payment(p, 4000, "cash"))
    step(lambda: clinic.schedule.undo_no_show(b))
    step(lambda: clinic.schedule.cancel(b))
    step(lambda: clinic.schedule.arrive(a))
    result = step(lambda: clinic.packages.refund(sale.package_id, 6667))
    step(lambda: clinic.billing.refund_payment(payment, 6667,
                                               package_refund_id=result.package_refund_id))
    other = step(lambda: clinic.billing.sell_package(p, shop["ten_massages"]))
    step(lambda: clinic.billing.void_invoice(other.invoice_id, "Wrong package"))
    with clinic.db.read() as s:
        invoices = s.scalars(select(Invoice).order_by(Invoice.number)).all()
        assert [(i.number, i.voided_at is not None) for i in invoices] == \
            [(1, False), (2, True), (3, True), (4, False), (5, True)]
        applications = s.scalars(select(PaymentApplication)
                                 .order_by(PaymentApplication.id)).all()
        assert [(x.invoice_id, x.amount, x.reason) for x in applications] == [
            (1, 10000, "payment"),   # the sale, paid at once
            (3, 4000, "payment"),    # 40.00 on the no-show fee
            (3, -4000, "void"),      # undo no-show: the fee is voided, the 40.00 is credit
            (1, -6667, "package_refund"),
        ]
        redemptions = s.scalars(select(Redemption).order_by(Redemption.id)).all()
        assert [(r.appointment_id, r.voided_at is not None) for r in redemptions] == \
            [(a, True), (a, False)]
    assert clinic.schedule.appointment(b).status == "cancelled"


def test_r29_voids_record_who_and_when(clinic, shop, clock):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    invoice_id = clinic.schedule.arrive(appointment)
    clinic.current_staff_id = shop["desk"]
    clock.set(datetime(2026, 3, 3, 16, 45))
    clinic.schedule.undo_arrival(appointment)
    with clinic.db.read() as s:
        invoice = s.get(Invoice, invoice_id)
        assert (invoice.voided_at, invoice.voided_by, invoice.void_reason) == \
            (datetime(2026, 3, 3, 16, 45), shop["desk"], "Arrival undone")
        redemption = s.scalars(select(Redemption)).one()
        assert (redemption.voided_at, redemption.voided_by, redemption.package_id) == \
            (datetime(2026, 3, 3, 16, 45), shop["desk"], package)


def test_r29_money_adds_up_after_a_busy_day(clinic, world):
    p = world["patient"]
    account = clinic.billing.account(p)
    live = [i for i in account.invoices if i.status != "void"]
    assert account.invoiced == sum(i.total for i in live) == account.applied + account.owing
    assert account.received == account.applied + account.credit + account.refunded
    assert (account.invoiced, account.applied, account.owing, account.received,
            account.credit) == (84000, 80000, 4000, 82500, 2500)


def test_r30_tax_rate_of_a_treatment_never_goes_through_float(clinic, shop):
    physio = clinic.catalog.treatment_type(shop["physio"])
    assert physio.tax_rate == Decimal("0.15")
