"""Selling a package (SPEC R5-R9) and the per-use value of its redemptions (R3), end to end
through the Clinic facade with exact figures."""

from __future__ import annotations

from datetime import date, datetime

from app.services import NotAllowed

from scenarios.support import at, paid_sale, refused


# R3: per-use values add up to the price exactly

def test_r03_per_use_values_on_redemptions_are_33_33_33_33_33_34(clinic, shop, clock):
    sale, _ = paid_sale(clinic, shop["patient"], shop["three_massages"])
    for day in ("2026-03-03", "2026-03-04", "2026-03-05"):
        appointment = clinic.schedule.book(shop["patient"], shop["ana"], shop["massage"],
                                           at(day))
        clinic.schedule.arrive(appointment)
    rows = clinic.packages.detail(sale.package_id).redemptions
    assert [r.use_number for r in rows] == [1, 2, 3]
    assert [r.per_use_value for r in rows] == [3333, 3333, 3334]
    assert sum(r.per_use_value for r in rows) == 10000


def test_r03_per_use_values_of_ten_massages_are_80_each(clinic, shop):
    sale, _ = paid_sale(clinic, shop["patient"], shop["ten_massages"])
    appointment = clinic.schedule.book(shop["patient"], shop["ben"], shop["massage"],
                                       at("2026-03-04"))
    clinic.schedule.arrive(appointment)
    (row,) = clinic.packages.detail(sale.package_id).redemptions
    assert (row.use_number, row.per_use_value, row.patient_pays) == (1, 8000, 0)


# R5: three places, one sale

def test_r05_new_purchase_and_new_package_are_the_same_sale(clinic, shop):
    first = clinic.billing.sell_package(shop["patient"], shop["ten_massages"])
    second = clinic.billing.sell_package(shop["patient"], shop["ten_massages"])
    a, b = clinic.billing.invoice(first.invoice_id), clinic.billing.invoice(second.invoice_id)
    assert (b.number, b.total) == (a.number + 1, a.total) == (2, 80000)
    assert [(l.kind, l.description, l.unit_price, l.total) for l in a.lines] == \
        [(l.kind, l.description, l.unit_price, l.total) for l in b.lines] == \
        [("package", "Package: 10 Massages", 80000, 80000)]
    assert a.package_ids == (first.package_id,) and b.package_ids == (second.package_id,)


def test_r05_sale_from_an_appointments_add_items_covers_that_appointment(clinic, shop):
    appointment = clinic.schedule.book(shop["patient"], shop["ana"], shop["massage"],
                                       at("2026-03-05"))
    assert clinic.schedule.appointment(appointment).package_id is None
    sale = clinic.billing.sell_package(shop["patient"], shop["ten_massages"],
                                       appointment_id=appointment)
    assert sale.warnings == ()
    row = clinic.schedule.appointment(appointment)
    assert (row.package_id, row.package_name) == (sale.package_id, "10 Massages")
    summary = clinic.packages.summary(sale.package_id)
    assert (summary.uses_booked, summary.uses_available) == (1, 9)


def test_r05_sale_from_an_appointment_of_another_type_sells_but_warns(clinic, shop):
    appointment = clinic.schedule.book(shop["patient"], shop["ana"], shop["acu"],
                                       at("2026-03-05"))
    sale = clinic.billing.sell_package(shop["patient"], shop["ten_massages"],
                                       appointment_id=appointment)
    assert len(sale.warnings) == 1 and "does not cover Acupuncture" in sale.warnings[0]
    assert clinic.schedule.appointment(appointment).package_id is None


def test_r05_sale_from_an_appointment_that_already_has_a_package_says_so(clinic, shop):
    p = shop["patient"]
    first = clinic.billing.sell_package(p, shop["three_massages"])
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-05"))
    sale = clinic.billing.sell_package(p, shop["ten_massages"], appointment_id=appointment)
    assert sale.warnings == ("The new package was not applied to the appointment: it is "
                             "already covered by \u201c3 Massages\u201d.",)
    assert clinic.schedule.appointment(appointment).package_id == first.package_id


def test_r05_sale_from_an_arrived_appointment_says_so(clinic, shop):
    p = shop["patient"]
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-02", 9))
    clinic.schedule.arrive(appointment)
    sale = clinic.billing.sell_package(p, shop["ten_massages"], appointment_id=appointment)
    assert sale.warnings == ("The new package was not applied to the appointment: it is "
                             "arrived, and a package can only be added to a booked "
                             "appointment.",)
    assert clinic.packages.summary(sale.package_id).uses_redeemed == 0


def test_r05_sale_from_another_patients_appointment_is_refused(clinic, shop):
    appointment = clinic.schedule.book(shop["other_patient"], shop["ana"], shop["massage"],
                                       at("2026-03-05"))
    refused(clinic, NotAllowed, clinic.billing.sell_package, shop["patient"],
            shop["ten_massages"], appointment_id=appointment, match="another patient")


def test_r05_the_package_is_found_by_typing(clinic, shop):
    assert [t.name for t in clinic.catalog.package_templates(text="mass")] == \
        ["10 Massages", "3 Massages"]
    assert [t.name for t in clinic.catalog.package_templates(text="PHYS")] == ["3 Physio"]


# R6: the sale line's staff member defaults to No Staff Member

def test_r06_sale_line_defaults_to_no_staff_member(clinic, shop):
    sale = clinic.billing.sell_package(shop["patient"], shop["ten_massages"])
    (line,) = clinic.billing.invoice(sale.invoice_id).lines
    assert (line.staff_id, line.staff_name) == (None, "No Staff Member")
    assert clinic.packages.detail(sale.package_id).staff_name == "No Staff Member"


def test_r06_unassigned_sale_compensates_the_practitioner_at_redemption(clinic, shop):
    paid_sale(clinic, shop["patient"], shop["ten_massages"])
    appointment = clinic.schedule.book(shop["patient"], shop["ben"], shop["massage"],
                                       at("2026-03-03"))
    (line,) = clinic.billing.invoice(clinic.schedule.arrive(appointment)).lines
    assert (line.kind, line.staff_id, line.staff_name) == ("patient_pays", shop["ben"],
                                                           "Ben Okafor")


def test_r06_assigned_sale_line_names_the_staff_member(clinic, shop):
    sale = clinic.billing.sell_package(shop["patient"], shop["ten_massages"],
                                       staff_id=shop["ana"])
    (line,) = clinic.billing.invoice(sale.invoice_id).lines
    assert (line.staff_id, line.staff_name) == (shop["ana"], "Ana Silva")
    assert clinic.packages.detail(sale.package_id).staff_name == "Ana Silva"
    assert sale.warnings == () and sale.double_compensation == ()


# R7: assigned sale + upcoming covered appointments = double compensation warning

def test_r07_assigned_sale_warns_about_upcoming_covered_appointments(clinic, shop, clock):
    p = shop["patient"]
    past = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-02-27"))
    soon = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    later = clinic.schedule.book(p, shop["ben"], shop["massage"], at("2026-03-10"))
    other_type = clinic.schedule.book(p, shop["ben"], shop["acu"], at("2026-03-11"))
    sale = clinic.billing.sell_package(p, shop["ten_massages"], staff_id=shop["ben"])
    assert sale.double_compensation == (soon, later)
    assert past not in sale.double_compensation and other_type not in sale.double_compensation
    (warning,) = sale.warnings
    assert warning.startswith("Ben Okafor is compensated for this sale up front, and 2 upcoming")
    assert "Unassign those appointments' compensation" in warning


def test_r07_unassign_compensation_bills_redemption_with_no_staff(clinic, shop):
    p = shop["patient"]
    soon = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    later = clinic.schedule.book(p, shop["ben"], shop["massage"], at("2026-03-10"))
    sale = clinic.billing.sell_package(p, shop["ten_massages"], staff_id=shop["ben"])
    clinic.billing.unassign_compensation(list(sale.double_compensation))
    assert clinic.schedule.appointment(soon).compensate_staff is False
    assert clinic.schedule.appointment(later).compensate_staff is False
    clinic.schedule.apply_package(soon, sale.package_id)
    (line,) = clinic.billing.invoice(clinic.schedule.arrive(soon)).lines
    assert (line.staff_id, line.staff_name, line.total) == (None, "No Staff Member", 0)
    # Asked again, nothing is flagged: those practitioners are no longer compensated.
    again = clinic.billing.sell_package(p, shop["ten_massages"], staff_id=shop["ana"])
    assert again.double_compensation == () and again.warnings == ()


def test_r07_no_warning_when_the_sale_is_unassigned(clinic, shop):
    clinic.schedule.book(shop["patient"], shop["ana"], shop["massage"], at("2026-03-03"))
    sale = clinic.billing.sell_package(shop["patient"], shop["ten_massages"])
    assert sale.warnings == () and sale.double_compensation == ()


def test_r07_appointments_covered_by_another_package_are_not_flagged(clinic, shop):
    p = shop["patient"]
    paid_sale(clinic, p, shop["three_massages"])
    covered = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    assert clinic.schedule.appointment(covered).package_id is not None
    sale = clinic.billing.sell_package(p, shop["ten_massages"], staff_id=shop["ben"])
    assert sale.double_compensation == () and sale.warnings == ()


# R8: paid right away, later, in part, or not at all

def test_r08_sold_unpaid_is_owing_and_still_usable(clinic, shop):
    p = shop["patient"]
    sale = clinic.billing.sell_package(p, shop["ten_massages"])
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert (invoice.total, invoice.paid, invoice.balance, invoice.status) == \
        (80000, 0, 80000, "unpaid")
    account = clinic.billing.account(p)
    assert (account.invoiced, account.applied, account.owing, account.credit) == \
        (80000, 0, 80000, 0)
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    assert clinic.schedule.appointment(appointment).package_id == sale.package_id


def test_r08_paid_in_part_then_paid_later(clinic, shop, clock):
    p = shop["patient"]
    sale = clinic.billing.sell_package(p, shop["ten_massages"])
    clinic.billing.receive_payment(p, 30000, "debit", invoice_id=sale.invoice_id)
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert (invoice.paid, invoice.balance, invoice.status) == (30000, 50000, "partially paid")
    clock.advance(days=14)
    second = clinic.billing.receive_payment(p, 50000, "credit_card",
                                            invoice_id=sale.invoice_id)
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert (invoice.paid, invoice.balance, invoice.status) == (80000, 0, "paid")
    assert [(x.method, x.amount) for x in invoice.payments] == \
        [("debit", 30000), ("credit_card", 50000)]
    assert invoice.payments[1].payment_id == second
    account = clinic.billing.account(p)
    assert (account.owing, account.received, account.credit) == (0, 80000, 0)


def test_r08_paid_right_away_from_the_sale_screen(clinic, shop):
    sale, payment = paid_sale(clinic, shop["patient"], shop["three_physio"])
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert (invoice.subtotal, invoice.tax, invoice.total) == (10000, 0, 10000)
    assert (invoice.paid, invoice.balance, invoice.status) == (10000, 0, "paid")
    row = clinic.billing.payment(payment)
    assert (row.amount, row.applied, row.unapplied) == (10000, 10000, 0)


def test_r08_taxed_package_is_paid_with_its_tax(clinic, shop):
    template = clinic.catalog.add_package_template(
        "3 Physio + HST", price=10000, uses=3, eligible={shop["physio"]: 0},
        tax_rate="0.15")
    sale, _ = paid_sale(clinic, shop["patient"], template)
    invoice = clinic.billing.invoice(sale.invoice_id)
    assert (invoice.subtotal, invoice.tax, invoice.total, invoice.status) == \
        (10000, 1500, 11500, "paid")


def test_r08_overpayment_on_the_sale_becomes_credit(clinic, shop):
    p = shop["patient"]
    sale = clinic.billing.sell_package(p, shop["three_physio"])
    clinic.billing.receive_payment(p, 12000, "cash", invoice_id=sale.invoice_id)
    assert clinic.billing.invoice(sale.invoice_id).status == "paid"
    account = clinic.billing.account(p)
    assert (account.owing, account.credit) == (0, 2000)


# R9: expiry from the template's validity, counted from the purchase date

def test_r09_six_months_from_august_31_is_february_28(clinic, shop, clock):
    clock.set(datetime(2026, 8, 31, 15, 30))
    sale = clinic.billing.sell_package(shop["patient"], shop["ten_massages"])
    summary = clinic.packages.summary(sale.package_id)
    assert (summary.purchased_on, summary.expires_on) == (date(2026, 8, 31), date(2027, 2, 28))


def test_r09_no_validity_means_no_expiry(clinic, shop, clock):
    sale = clinic.billing.sell_package(shop["patient"], shop["three_physio"])
    assert clinic.packages.summary(sale.package_id).expires_on is None
    clock.advance(days=3650)
    assert clinic.packages.summary(sale.package_id).status == "active"


def test_r09_days_and_years(clinic, shop, clock):
    days = clinic.catalog.add_package_template("5 Acu 90d", price=30000, uses=5,
                                               eligible={shop["acu"]: 0}, validity="90d")
    year = clinic.catalog.add_package_template("5 Acu 1y", price=30000, uses=5,
                                               eligible={shop["acu"]: 0}, validity="1y")
    clock.set(datetime(2028, 2, 29, 9, 0))
    assert clinic.packages.summary(clinic.billing.sell_package(
        shop["patient"], days).package_id).expires_on == date(2028, 5, 29)
    assert clinic.packages.summary(clinic.billing.sell_package(
        shop["patient"], year).package_id).expires_on == date(2029, 2, 28)


def test_r09_editing_the_template_later_leaves_sold_packages_alone(clinic, shop):
    sale = clinic.billing.sell_package(shop["patient"], shop["ten_massages"])
    clinic.catalog.update_package_template(shop["ten_massages"], validity="1y", price=90000,
                                           uses=12)
    summary = clinic.packages.summary(sale.package_id)
    assert (summary.expires_on, summary.price, summary.uses_total) == \
        (date(2026, 9, 2), 80000, 10)
