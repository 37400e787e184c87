"""Schedule service: booking, moving, cancelling, arrival, no-shows and their undo, the day
view (R10-R18, R22, R24, R29, R30). The SPEC's rules end to end are in tests/scenarios."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import AuditEntry
from app.services import NotAllowed, ValidationError

from scenarios.support import at, paid_sale, refused


def audit(clinic, action):
    with clinic.db.read() as s:
        return [(e.entity_id, e.staff_id, json.loads(e.before) if e.before else None,
                 json.loads(e.after) if e.after else None)
                for e in s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id))]


@pytest.fixture
def p(catalog):
    return catalog["patient"]


# booking

def test_book_sets_the_end_from_the_treatment_duration(clinic, catalog, p):
    appointment = clinic.schedule.book(p, catalog["ben"], catalog["physio"],
                                       at("2026-03-04", 9, 15), notes="Left knee")
    row = clinic.schedule.appointment(appointment)
    assert (row.start, row.end, row.status, row.staff_name, row.treatment_name, row.notes,
            row.patient_name, row.compensate_staff, row.invoice_id) == \
        (datetime(2026, 3, 4, 9, 15), datetime(2026, 3, 4, 9, 45), "booked", "Ben Okafor",
         "Physio follow-up", "Left knee", "Maria Lopez", True, None)


def test_book_refuses_a_clash_with_the_same_practitioner_only(clinic, catalog, p):
    clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04", 10))
    error = refused(clinic, NotAllowed, clinic.schedule.book, p, catalog["ana"],
                    catalog["acu"], at("2026-03-04", 10, 55))
    assert str(error) == ("Ana Silva already has an appointment from 10:00\u202fa.m. to "
                          "11:00\u202fa.m. on Mar 4, 2026; choose another time or practitioner.")
    clinic.schedule.book(p, catalog["ana"], catalog["acu"], at("2026-03-04", 11))
    clinic.schedule.book(p, catalog["ben"], catalog["acu"], at("2026-03-04", 10, 30))


def test_the_longest_visit_still_clashes_at_its_last_minutes(clinic, catalog, p):
    """The clash query reads only visits that began within the longest visit's length
    (appointment_times.overlapping); a visit as long as a treatment may be still holds
    its practitioner's time until its end, and lets go at the end."""
    day_long = clinic.catalog.add_treatment_type("Intensive day", duration_min=600, price=9000)
    refused(clinic, ValidationError, clinic.catalog.add_treatment_type, "Longer",
            duration_min=605, price=9000)
    clinic.schedule.book(p, catalog["ana"], day_long, at("2026-03-04", 8))
    error = refused(clinic, NotAllowed, clinic.schedule.book, p, catalog["ana"],
                    catalog["physio"], at("2026-03-04", 17, 55))
    assert "from 8:00\u202fa.m. to 6:00\u202fp.m." in str(error)
    assert clinic.schedule.first_free_slot(catalog["ana"], date(2026, 3, 4), 30) == \
        at("2026-03-04", 18)
    clinic.schedule.book(p, catalog["ana"], catalog["physio"], at("2026-03-04", 18))


def test_a_cancelled_or_no_show_slot_can_be_booked_again(clinic, catalog, p):
    cancelled = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))
    clinic.schedule.cancel(cancelled)
    missed = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))
    clinic.schedule.no_show(missed, use_package=False)
    clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))


def test_an_inactive_treatment_cannot_be_booked(clinic, catalog, p):
    clinic.catalog.update_treatment_type(catalog["acu"], active=False)
    refused(clinic, NotAllowed, clinic.schedule.book, p, catalog["ana"], catalog["acu"],
            at("2026-03-04"), match="Acupuncture is no longer offered")


def test_book_is_audited(clinic, catalog, p):
    sale = clinic.billing.sell_package(p, catalog["ten_massages"])
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))
    ((entity_id, _, before, after),) = audit(clinic, "appointment.book")
    assert (entity_id, before) == (appointment, None)
    assert (after["status"], after["package_id"], after["start"]) == \
        ("booked", sale.package_id, "2026-03-04T10:00:00")


def test_eligible_packages_can_leave_out_the_appointment_being_edited(clinic, catalog, p):
    package = clinic.billing.sell_package(p, catalog["three_physio"]).package_id
    held = [clinic.schedule.book(p, catalog["ana"], catalog["physio"], at(f"2026-03-0{d}"))
            for d in (3, 4, 5)]
    assert clinic.schedule.eligible_packages(p, catalog["physio"], date(2026, 3, 5)) == []
    (choice,) = clinic.schedule.eligible_packages(p, catalog["physio"], date(2026, 3, 5),
                                                  excluding=held[2])
    assert choice.id == package
    assert clinic.schedule.eligible_packages(p, catalog["physio"], "2026-03-05",
                                             excluding=held[0])[0].id == package


def test_patient_pays_preview(clinic, catalog, p):
    package = clinic.billing.sell_package(p, catalog["three_physio"]).package_id
    assert clinic.schedule.patient_pays(package, catalog["physio"]) == 1000
    assert clinic.schedule.patient_pays(package, catalog["massage"]) is None


# moving and cancelling

def test_reschedule_keeps_the_duration_and_can_change_practitioner(clinic, catalog, p):
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["physio"], at("2026-03-04"))
    clinic.schedule.reschedule(appointment, at("2026-03-06", 14, 30), staff_id=catalog["ben"])
    row = clinic.schedule.appointment(appointment)
    assert (row.start, row.end, row.staff_id) == \
        (datetime(2026, 3, 6, 14, 30), datetime(2026, 3, 6, 15, 0), catalog["ben"])
    ((_, _, before, after),) = audit(clinic, "appointment.reschedule")
    assert (before["start"], after["start"]) == ("2026-03-04T10:00:00", "2026-03-06T14:30:00")


def test_reschedule_onto_itself_is_not_a_clash(clinic, catalog, p):
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))
    clinic.schedule.reschedule(appointment, at("2026-03-04", 10, 30))
    assert clinic.schedule.appointment(appointment).end == datetime(2026, 3, 4, 11, 30)


def test_cancel_frees_the_packages_use_and_keeps_the_record(clinic, catalog, p):
    package = clinic.billing.sell_package(p, catalog["three_physio"]).package_id
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["physio"], at("2026-03-04"))
    clinic.schedule.cancel(appointment)
    row = clinic.schedule.appointment(appointment)
    assert (row.status, row.package_id) == ("cancelled", package)
    assert clinic.packages.summary(package).uses_available == 3
    assert [a.id for a in clinic.schedule.day(date(2026, 3, 4))] == [appointment]
    refused(clinic, NotAllowed, clinic.schedule.arrive, appointment,
            match="this one is cancelled")


# arrival and no-shows

def test_arrival_of_an_appointment_whose_compensation_was_unassigned(clinic, catalog, p):
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))
    clinic.billing.unassign_compensation([appointment])
    (line,) = clinic.billing.invoice(clinic.schedule.arrive(appointment)).lines
    assert (line.kind, line.total, line.staff_id) == ("treatment", 9000, None)


def test_arrival_is_audited_and_the_invoice_dated_on_the_visit(clinic, catalog, p, clock):
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))
    clock.set(datetime(2026, 3, 5, 8, 0))
    invoice = clinic.billing.invoice(clinic.schedule.arrive(appointment))
    assert invoice.issued_on == date(2026, 3, 4)
    assert invoice.lines[0].description == "Massage 60 min (Mar 4, 2026, 10:00\u202fa.m.)"
    ((_, _, before, after),) = audit(clinic, "appointment.arrive")
    assert (before["status"], after["status"], after["invoice_id"]) == \
        ("booked", "arrived", invoice.id)


def test_covered_arrival_names_the_use(clinic, catalog, p):
    paid_sale(clinic, p, catalog["three_physio"])
    a = clinic.schedule.book(p, catalog["ana"], catalog["physio"], at("2026-03-04"))
    b = clinic.schedule.book(p, catalog["ana"], catalog["physio"], at("2026-03-05"))
    clinic.schedule.arrive(a)
    (line,) = clinic.billing.invoice(clinic.schedule.arrive(b)).lines
    assert line.description == "Physio follow-up (Mar 5, 2026, 10:00\u202fa.m.), covered by " \
                               "3 Physio"
    assert line.use_line == "3 Physio: use 2 of 3, 1 left"  # the number, said once (R41)


def test_no_show_use_package_must_be_yes_or_no(clinic, catalog, p):
    clinic.billing.sell_package(p, catalog["ten_massages"])
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))
    for value in ("no", "yes", 0, 1, None):
        error = refused(clinic, ValidationError, clinic.schedule.no_show, appointment,
                        use_package=value, patients=(p,))
        assert (error.field, str(error)) == \
            ("use_package", "Choose whether to use the package for this no-show: yes or no.")


def test_undo_messages_say_what_the_appointment_is(clinic, catalog, p):
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))
    error = refused(clinic, NotAllowed, clinic.schedule.undo_arrival, appointment)
    assert str(error) == "This appointment is not marked as arrived, so there is nothing to undo."
    clinic.schedule.no_show(appointment, use_package=False)
    error = refused(clinic, NotAllowed, clinic.schedule.reschedule, appointment,
                    at("2026-03-05"))
    assert str(error) == "Only booked appointments can be moved; this one is marked as a " \
                         "no-show."
    error = refused(clinic, NotAllowed, clinic.schedule.remove_package, appointment)
    assert str(error) == "You can only remove a package from a booked appointment; this one " \
                         "is marked as a no-show."


def test_undo_is_audited_and_can_be_repeated_through_the_cycle(clinic, catalog, p):
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04"))
    for _ in range(3):
        clinic.schedule.arrive(appointment)
        clinic.schedule.undo_arrival(appointment)
        clinic.schedule.no_show(appointment, use_package=False, fee_id=catalog["no_show_fee"])
        clinic.schedule.undo_no_show(appointment)
    account = clinic.billing.account(p)
    assert [i.status for i in account.invoices] == ["void"] * 6
    assert (account.invoiced, account.owing) == (0, 0)
    assert len(audit(clinic, "appointment.undo_arrived")) == 3
    assert len(audit(clinic, "appointment.undo_no_show")) == 3


# the day

def test_day_lists_appointments_in_time_order_and_by_practitioner(clinic, catalog, p):
    late = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04", 15))
    early = clinic.schedule.book(p, catalog["ben"], catalog["physio"], at("2026-03-04", 8))
    clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-05", 8))
    assert [a.id for a in clinic.schedule.day(date(2026, 3, 4))] == [early, late]
    assert [a.id for a in clinic.schedule.day(date(2026, 3, 4), staff_id=catalog["ana"])] == \
        [late]
    assert [a.id for a in clinic.schedule.day("2026-03-04")] == [early, late]


@pytest.mark.parametrize("bad, message", [
    ("Monday", "The day must be a date like 2026-03-31."),
    (datetime(2026, 3, 4, 9, 0), "The day must be a date, without a time."),
    (None, "The day must be a date, without a time."),
    (date(1899, 12, 31), "The day must be between Jan 1, 1900 and Dec 31, 2100."),
])
def test_day_refuses_what_is_not_a_day(clinic, bad, message):
    with pytest.raises(ValidationError) as caught:
        clinic.schedule.day(bad)
    assert (caught.value.field, str(caught.value)) == ("on", message)


def test_upcoming_lists_only_future_booked_visits(clinic, catalog, p, clock):
    clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-01"))
    soon = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-03"))
    cancelled = clinic.schedule.book(p, catalog["ben"], catalog["massage"], at("2026-03-04"))
    clinic.schedule.cancel(cancelled)
    assert [a.id for a in clinic.schedule.upcoming(p)] == [soon]
