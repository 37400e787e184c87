"""Redeeming a package use (SPEC R10-R15), end to end with exact figures."""

from __future__ import annotations

from datetime import date, datetime

from app.services import NotAllowed

from scenarios.support import at, paid_sale, refused


def uses(clinic, package_id):
    s = clinic.packages.summary(package_id)
    return s.uses_redeemed, s.uses_booked, s.uses_available, s.uses_remaining


# R10: a package is pre-selected: expiring first, then oldest; no expiry last

def test_r10_preselects_the_package_that_expires_first(clinic, shop, clock):
    p = shop["patient"]
    forever = clinic.billing.sell_package(p, shop["three_massages"]).package_id  # no expiry
    six_months = clinic.billing.sell_package(p, shop["ten_massages"]).package_id  # 2026-09-02
    ninety = clinic.catalog.add_package_template("2 Massages 90d", price=17000, uses=2,
                                                 eligible={shop["massage"]: 0}, validity="90d")
    ninety_days = clinic.billing.sell_package(p, ninety).package_id  # 2026-05-31
    choices = clinic.schedule.eligible_packages(p, shop["massage"], date(2026, 3, 9))
    assert [c.id for c in choices] == [ninety_days, six_months, forever]
    assert [c.expires_on for c in choices] == [date(2026, 5, 31), date(2026, 9, 2), None]
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-09"))
    assert clinic.schedule.appointment(appointment).package_id == ninety_days


def test_r10_among_equal_expiry_dates_the_oldest_is_preselected(clinic, shop, clock):
    p = shop["patient"]
    older = clinic.billing.sell_package(p, shop["ten_massages"]).package_id  # 03-02 -> 09-02
    ninety = clinic.catalog.add_package_template("2 Massages 90d", price=17000, uses=2,
                                                 eligible={shop["massage"]: 0}, validity="90d")
    clock.set(datetime(2026, 6, 4, 9, 0))
    newer = clinic.billing.sell_package(p, ninety).package_id  # 06-04 + 90 days = 09-02
    assert clinic.packages.summary(newer).expires_on == \
        clinic.packages.summary(older).expires_on == date(2026, 9, 2)
    choices = clinic.schedule.eligible_packages(p, shop["massage"], date(2026, 6, 10))
    assert [c.id for c in choices] == [older, newer]
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-06-10"))
    assert clinic.schedule.appointment(appointment).package_id == older


def test_r10_the_desk_can_untick_the_package(clinic, shop):
    p = shop["patient"]
    sale = clinic.billing.sell_package(p, shop["ten_massages"])
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"),
                                       package=None)
    assert clinic.schedule.appointment(appointment).package_id is None
    assert uses(clinic, sale.package_id) == (0, 0, 10, 10)
    (line,) = clinic.billing.invoice(clinic.schedule.arrive(appointment)).lines
    assert (line.kind, line.total) == ("treatment", 9000)


def test_r10_the_desk_can_choose_another_package_by_id(clinic, shop):
    p = shop["patient"]
    forever = clinic.billing.sell_package(p, shop["three_massages"]).package_id
    expiring = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"),
                                       package=forever)
    assert clinic.schedule.appointment(appointment).package_id == forever
    assert uses(clinic, forever) == (0, 1, 2, 3)
    assert uses(clinic, expiring) == (0, 0, 10, 10)


def test_r10_no_packages_section_for_a_treatment_no_package_covers(clinic, shop):
    p = shop["patient"]
    clinic.billing.sell_package(p, shop["ten_massages"])
    assert clinic.schedule.eligible_packages(p, shop["acu"], date(2026, 3, 3)) == []
    appointment = clinic.schedule.book(p, shop["ana"], shop["acu"], at("2026-03-03"))
    assert clinic.schedule.appointment(appointment).package_id is None


def test_r10_another_patients_package_is_never_offered_nor_accepted(clinic, shop):
    theirs = clinic.billing.sell_package(shop["other_patient"], shop["ten_massages"])
    assert clinic.schedule.eligible_packages(shop["patient"], shop["massage"],
                                             date(2026, 3, 3)) == []
    refused(clinic, NotAllowed, clinic.schedule.book, shop["patient"], shop["ana"],
            shop["massage"], at("2026-03-03"), package=theirs.package_id,
            match="belongs to another patient")


# R11: available = total - redeemed - held by booked appointments; never over-applied

def test_r11_booked_appointments_hold_uses(clinic, shop):
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["three_physio"])[0].package_id
    booked = [clinic.schedule.book(p, shop["ana"], shop["physio"], at(f"2026-03-0{d}"))
              for d in (3, 4, 5)]
    assert [clinic.schedule.appointment(a).package_id for a in booked] == [package] * 3
    assert uses(clinic, package) == (0, 3, 0, 3)
    fourth = clinic.schedule.book(p, shop["ana"], shop["physio"], at("2026-03-06"))
    assert clinic.schedule.appointment(fourth).package_id is None
    assert clinic.schedule.eligible_packages(p, shop["physio"], date(2026, 3, 6)) == []


def test_r11_a_package_is_never_applied_to_more_appointments_than_uses(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["three_physio"]).package_id
    for d in (3, 4, 5):
        clinic.schedule.book(p, shop["ana"], shop["physio"], at(f"2026-03-0{d}"))
    message = "no use left for this appointment (3 in all; redeemed: 0; held by other " \
              "booked appointments: 3)"
    refused(clinic, NotAllowed, clinic.schedule.book, p, shop["ana"], shop["physio"],
            at("2026-03-06"), package=package, match=message, patients=(p,))
    fourth = clinic.schedule.book(p, shop["ana"], shop["physio"], at("2026-03-06"),
                                  package=None)
    refused(clinic, NotAllowed, clinic.schedule.apply_package, fourth, package, match=message)


def test_r11_arrivals_and_cancellations_move_the_counts(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["three_physio"]).package_id
    a, b, c = (clinic.schedule.book(p, shop["ana"], shop["physio"], at(f"2026-03-0{d}"))
               for d in (3, 4, 5))
    clinic.schedule.arrive(a)
    assert uses(clinic, package) == (1, 2, 0, 2)
    clinic.schedule.cancel(b)
    assert uses(clinic, package) == (1, 1, 1, 2)
    clinic.schedule.arrive(c)
    assert uses(clinic, package) == (2, 0, 1, 1)
    d = clinic.schedule.book(p, shop["ben"], shop["physio"], at("2026-03-06"))
    clinic.schedule.arrive(d)
    assert uses(clinic, package) == (3, 0, 0, 0)
    assert clinic.packages.summary(package).status == "used up"
    refused(clinic, NotAllowed, clinic.schedule.book, p, shop["ana"], shop["physio"],
            at("2026-03-09"), package=package, match="All 3 uses of \u201c3 Physio\u201d have "
                                                     "been redeemed")


# R12: add or remove until arrived

def test_r12_add_and_remove_until_arrived(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"),
                                       package=None)
    clinic.schedule.apply_package(appointment, package)
    assert clinic.schedule.appointment(appointment).package_id == package
    assert uses(clinic, package) == (0, 1, 9, 10)
    clinic.schedule.remove_package(appointment)
    assert clinic.schedule.appointment(appointment).package_id is None
    assert uses(clinic, package) == (0, 0, 10, 10)
    clinic.schedule.apply_package(appointment, package)
    clinic.schedule.arrive(appointment)
    assert uses(clinic, package) == (1, 0, 9, 9)


def test_r12_removing_after_arrival_is_refused_with_a_clear_message(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    clinic.schedule.arrive(appointment)
    error = refused(clinic, NotAllowed, clinic.schedule.remove_package, appointment,
                    patients=(p,))
    assert str(error) == ("This appointment has been arrived, so its package can no longer be "
                          "removed. Undo the arrival first.")
    refused(clinic, NotAllowed, clinic.schedule.apply_package, appointment, package,
            match="arrived")
    assert clinic.schedule.appointment(appointment).package_id == package


def test_r12_adding_a_package_that_does_not_cover_the_treatment_is_refused(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["acu"], at("2026-03-03"))
    refused(clinic, NotAllowed, clinic.schedule.apply_package, appointment, package,
            match="does not cover Acupuncture")


def test_r12_switching_packages_moves_the_hold(clinic, shop):
    p = shop["patient"]
    ten = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    three = clinic.billing.sell_package(p, shop["three_massages"]).package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    assert clinic.schedule.appointment(appointment).package_id == ten
    clinic.schedule.apply_package(appointment, three)
    assert uses(clinic, ten) == (0, 0, 10, 10)
    assert uses(clinic, three) == (0, 1, 2, 3)


# R13: the expiry day itself is valid, the next day is not

def test_r13_the_expiry_day_itself_is_covered(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id  # -> 2026-09-02
    last_day = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-09-02", 17, 55))
    assert clinic.schedule.appointment(last_day).package_id == package


def test_r13_the_day_after_expiry_is_refused(clinic, shop):
    p = shop["patient"]
    package = clinic.billing.sell_package(p, shop["ten_massages"]).package_id
    day_after = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-09-03", 8, 0))
    assert clinic.schedule.appointment(day_after).package_id is None
    assert clinic.schedule.eligible_packages(p, shop["massage"], date(2026, 9, 3)) == []
    error = refused(clinic, NotAllowed, clinic.schedule.apply_package, day_after, package)
    assert str(error) == ("The package \u201c10 Massages\u201d expires on Sep 2, 2026, before "
                          "this appointment on Sep 3, 2026. Remove the package from the "
                          "appointment or change its expiry date first.")


# R14: arrival redeems and bills Patient Pays

def test_r14_patient_pays_zero_means_the_visit_is_paid(clinic, shop):
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["ten_massages"])[0].package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    invoice = clinic.billing.invoice(clinic.schedule.arrive(appointment))
    (line,) = invoice.lines
    assert (line.kind, line.unit_price, line.tax, line.total, line.package_id) == \
        ("patient_pays", 0, 0, 0, package)
    assert (invoice.number, invoice.total, invoice.balance, invoice.status) == \
        (2, 0, 0, "paid")
    assert clinic.schedule.appointment(appointment).status == "arrived"
    assert uses(clinic, package) == (1, 0, 9, 9)
    assert clinic.billing.account(p).owing == 0


def test_r14_non_zero_patient_pays_is_owed_then_collected(clinic, shop):
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["three_physio"])[0].package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["physio"], at("2026-03-03"))
    invoice_id = clinic.schedule.arrive(appointment)
    invoice = clinic.billing.invoice(invoice_id)
    (line,) = invoice.lines
    # Patient Pays $10.00 plus the treatment's 15% tax.
    assert (line.unit_price, line.tax, line.total) == (1000, 150, 1150)
    assert (invoice.total, invoice.balance, invoice.status) == (1150, 1150, "unpaid")
    assert clinic.billing.account(p).owing == 1150
    assert uses(clinic, package) == (1, 0, 2, 2)
    clinic.billing.receive_payment(p, 1150, "debit", invoice_id=invoice_id)
    assert clinic.billing.invoice(invoice_id).status == "paid"
    assert clinic.billing.account(p).owing == 0


def test_r14_redemption_is_recorded_with_its_invoice(clinic, shop):
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["three_physio"])[0].package_id
    appointment = clinic.schedule.book(p, shop["ben"], shop["physio"], at("2026-03-03", 14))
    invoice_id = clinic.schedule.arrive(appointment)
    (row,) = clinic.packages.detail(package).redemptions
    assert (row.appointment_id, row.redeemed_on, row.invoice_id, row.invoice_number,
            row.patient_pays, row.reason) == \
        (appointment, date(2026, 3, 3), invoice_id, 2, 1000, "arrived")


# R15: not covered -> standard price

def test_r15_uncovered_visit_is_billed_the_standard_price(clinic, shop):
    p = shop["patient"]
    massage = clinic.schedule.book(p, shop["ana"], shop["massage"], at("2026-03-03"))
    physio = clinic.schedule.book(p, shop["ben"], shop["physio"], at("2026-03-03"))
    a = clinic.billing.invoice(clinic.schedule.arrive(massage))
    b = clinic.billing.invoice(clinic.schedule.arrive(physio))
    assert [(l.kind, l.unit_price, l.tax, l.total) for l in a.lines] == \
        [("treatment", 9000, 0, 9000)]
    assert [(l.kind, l.unit_price, l.tax, l.total) for l in b.lines] == \
        [("treatment", 8500, 1275, 9775)]
    assert (a.status, b.status) == ("unpaid", "unpaid")
    assert clinic.billing.account(p).owing == 18775


def test_r15_unticked_package_visit_is_billed_standard_price_and_keeps_the_use(clinic, shop):
    p = shop["patient"]
    package = paid_sale(clinic, p, shop["three_physio"])[0].package_id
    appointment = clinic.schedule.book(p, shop["ana"], shop["physio"], at("2026-03-03"),
                                       package=None)
    assert clinic.billing.invoice(clinic.schedule.arrive(appointment)).total == 9775
    assert uses(clinic, package) == (0, 0, 3, 3)
