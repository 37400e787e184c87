"""The yes or no of each appointment action, carried by the schedule's rows so the panel
enables its buttons from them; the service refuses by the same rules (R12, R14-R18, R28b)."""

from __future__ import annotations

import pytest

from app.domain import visits
from app.domain.states import AppointmentStatus
from app.services import NotAllowed

from scenarios.support import at


@pytest.fixture
def booked(clinic, catalog):
    return clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["massage"],
                                at("2026-03-04", 9, 0), package=None)


def flags(row):
    return (row.can_arrive, row.can_mark_no_show, row.can_reschedule, row.can_cancel,
            row.is_billable)


@pytest.mark.parametrize("status", list(AppointmentStatus))
def test_only_a_booked_visit_is_arrived_marked_moved_or_cancelled(status):
    booked = status == AppointmentStatus.BOOKED
    assert (visits.can_arrive(status), visits.can_mark_no_show(status),
            visits.can_reschedule(status), visits.can_cancel(status),
            visits.can_change_package(status)) == (booked,) * 5
    assert visits.has_undo(status) is (status in ("arrived", "no_show"))


def test_a_booked_row_offers_the_booked_actions(clinic, booked):
    row = clinic.schedule.appointment(booked)
    assert flags(row) == (True, True, True, True, True)
    assert (row.can_undo_arrival, row.can_undo_no_show, row.undo_refusal) == (False, False,
                                                                            None)
    assert row.remove_package_refusal == clinic.why_not.remove_package(booked)
    assert [flags(r) for r in clinic.schedule.day(at("2026-03-04").date())] == [flags(row)]


def test_an_arrived_row_offers_undo_and_the_service_agrees(clinic, booked):
    clinic.schedule.arrive(booked)
    row = clinic.schedule.appointment(booked)
    assert flags(row) == (False, False, False, False, True)
    assert row.can_undo_arrival and not row.can_undo_no_show
    assert row.undo_refusal is None is clinic.schedule.can_undo(booked)
    with pytest.raises(NotAllowed):
        clinic.schedule.arrive(booked)  # as its flag says


def test_the_final_use_of_a_refunded_package_cannot_be_undone_and_the_row_says_why(clinic,
                                                                                catalog):
    package = clinic.billing.sell_package(catalog["patient"], catalog["ten_massages"]).package_id
    booked = clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["massage"],
                                  at("2026-03-04", 9, 0))
    clinic.schedule.no_show(booked, use_package=True)
    clinic.packages.refund(package, 0)
    row = clinic.schedule.appointment(booked)
    assert not row.can_undo_no_show
    assert row.undo_refusal == clinic.schedule.can_undo(booked)
    assert "the no-show cannot be undone" in row.undo_refusal
    assert (row.status, row.is_billable) == ("no_show", False)
