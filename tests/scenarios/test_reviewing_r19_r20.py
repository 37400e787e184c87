"""Reviewing a patient's packages (SPEC R19, R20)."""

from __future__ import annotations

from datetime import date, datetime

from app.services import NotFound

from scenarios.support import at, paid_sale, refused


def test_r19_list_shows_name_dates_uses_expiry_and_status(clinic, shop, clock):
    p = shop["patient"]
    ten = paid_sale(clinic, p, shop["ten_massages"])[0].package_id
    clock.advance(days=1)
    physio = paid_sale(clinic, p, shop["three_physio"])[0].package_id
    for day in ("2026-03-04", "2026-03-05"):
        clinic.schedule.arrive(clinic.schedule.book(p, shop["ana"], shop["massage"], at(day)))
    clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-06"))
    rows = clinic.packages.for_patient(p)
    assert [(r.id, r.name, r.purchased_on, r.uses_used, r.uses_total, r.uses_remaining,
             r.uses_booked, r.uses_available, r.expires_on, r.status) for r in rows] == [
        (physio, "3 Physio", date(2026, 3, 3), 0, 3, 3, 0, 3, None, "active"),
        (ten, "10 Massages", date(2026, 3, 2), 2, 10, 8, 1, 7, date(2026, 9, 2), "active"),
    ]


def test_r19_statuses_expired_used_up_refunded(clinic, shop, clock):
    p = shop["patient"]
    ten = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    three = clinic.billing.sell_package(p, shop["three_massages"]).package_id
    physio = clinic.billing.sell_package(p, shop["three_physio"]).package_id
    for day in ("2026-03-03", "2026-03-04", "2026-03-05"):
        clinic.schedule.arrive(clinic.schedule.book(p, shop["ana"], shop["massage"], at(day),
                                                    package=three))
    clinic.packages.refund(physio, 0)
    clock.set(datetime(2026, 9, 3, 8, 0))
    status = {r.id: (r.status, r.uses_available) for r in clinic.packages.for_patient(p)}
    assert status == {ten: ("expired", 0), three: ("used up", 0), physio: ("refunded", 0)}


def test_r19_the_expiry_day_is_still_active(clinic, shop, clock):
    ten = clinic.billing.sell_package(shop["patient"], shop["ten_massages"]).package_id
    clock.set(datetime(2026, 9, 2, 23, 59))
    assert clinic.packages.summary(ten).status == "active"
    clock.set(datetime(2026, 9, 3, 0, 0))
    assert clinic.packages.summary(ten).status == "expired"


def test_r19_unknown_patient(clinic, shop):
    refused(clinic, NotFound, clinic.packages.for_patient, 999,
            match="No patient with number 999 exists.")


def test_r20_show_page_has_sale_invoice_payments_and_every_redemption(clinic, shop, clock):
    p = shop["patient"]
    sale = clinic.billing.sell_package(p, shop["three_physio"])
    first = clinic.billing.receive_payment(p, 4000, "debit", invoice_id=sale.invoice_id)
    clock.advance(days=1)
    second = clinic.billing.receive_payment(p, 6000, "cash", invoice_id=sale.invoice_id)
    a = clinic.schedule.book(p, shop["ana"], shop["physio"], at("2026-03-04", 9, 30))
    b = clinic.schedule.book(p, shop["ben"], shop["physio"], at("2026-03-05", 15, 0))
    booked = clinic.schedule.book(p, shop["ben"], shop["physio"], at("2026-03-12", 15, 0))
    ia = clinic.schedule.arrive(a)
    ib = clinic.schedule.no_show(b, use_package=True)
    detail = clinic.packages.detail(sale.package_id)
    assert (detail.patient_name, detail.staff_name, detail.collected) == \
        ("Maria Lopez", "No Staff Member", 10000)
    assert (detail.invoice.id, detail.invoice.number, detail.invoice.status) == \
        (sale.invoice_id, 1, "paid")
    assert [(x.payment_id, x.method, x.amount) for x in detail.invoice.payments] == \
        [(first, "debit", 4000), (second, "cash", 6000)]
    assert [(c.treatment_name, c.patient_pays) for c in detail.coverage] == \
        [("Physio follow-up", 1000)]
    assert [(r.use_number, r.redeemed_on, r.appointment_id, r.appointment_start,
             r.treatment_name, r.practitioner_name, r.invoice_id, r.invoice_number,
             r.patient_pays, r.per_use_value, r.reason) for r in detail.redemptions] == [
        (1, date(2026, 3, 4), a, datetime(2026, 3, 4, 9, 30), "Physio follow-up",
         "Ana Silva", ia, 2, 1000, 3333, "arrived"),
        (2, date(2026, 3, 5), b, datetime(2026, 3, 5, 15, 0), "Physio follow-up",
         "Ben Okafor", ib, 3, 1000, 3333, "no_show"),
    ]
    assert [x.id for x in detail.booked] == [booked]
    assert (detail.summary.uses_redeemed, detail.summary.uses_booked,
            detail.summary.uses_available) == (2, 1, 0)


def test_r20_unknown_package(clinic, shop):
    refused(clinic, NotFound, clinic.packages.detail, 42, match="No package with number 42")
