"""R30: the schedule takes times as datetimes of the desk's local time, and nothing else
(issue 15, item 7).

Before: `schedule.between` took "2026-13-01", 20260101, 1.5 and SQL text as times (they went
into the query as strings and numbers), and a timezone-aware time was booked and moved as if
its clock were the desk's: 14:00 UTC was stored as 14:00 in Halifax. Now anything that is not
a datetime (or a date, for `between`) is refused naming the field, and an aware time is
converted to the desk's local time, the naive wall-clock time the clinic stores.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import pytest

from app.services import NotAllowed, ValidationError

from scenarios.support import at, refused

UTC = timezone.utc
INDIA = timezone(timedelta(hours=5, minutes=30))
NOT_TIMES = ["2026-13-01", "2026-03-04 10:00", 20260101, 1.5, "' OR 1=1 --",
             "1; DROP TABLE appointments", None, b"2026-03-04", [2026, 3, 4], True]


@pytest.fixture
def halifax(monkeypatch):
    """The desk's clock is Atlantic time (UTC-4 in March before the 8th: no DST yet).
    A POSIX rule, so no tz database is needed."""
    monkeypatch.setenv("TZ", "AST4ADT,M3.2.0,M11.1.0")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def p(catalog):
    return catalog["patient"]


# between -----------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", NOT_TIMES)
def test_r30_between_refuses_a_start_that_is_not_a_time(clinic, catalog, bad):
    error = refused(clinic, ValidationError, clinic.schedule.between, bad,
                    datetime(2026, 4, 1))
    assert error.field == "start"
    assert str(error) == "The start time must be a date and time."


@pytest.mark.parametrize("bad", NOT_TIMES)
def test_r30_between_refuses_an_end_that_is_not_a_time(clinic, catalog, bad):
    error = refused(clinic, ValidationError, clinic.schedule.between,
                    datetime(2026, 3, 1), bad)
    assert error.field == "end"
    assert str(error) == "The end time must be a date and time."


def test_r30_between_still_takes_dates_as_their_midnight(clinic, catalog, p):
    first = clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-04", 0))
    clinic.schedule.book(p, catalog["ana"], catalog["massage"], at("2026-03-05", 0))
    found = clinic.schedule.between(date(2026, 3, 4), date(2026, 3, 5))
    assert [a.id for a in found] == [first]
    assert [a.id for a in clinic.schedule.between(datetime.min, datetime.max)] == [first, 2]


def test_r30_between_refuses_in_french(clinic, catalog, french):
    error = refused(clinic, ValidationError, clinic.schedule.between, "2026-13-01",
                    datetime(2026, 4, 1))
    assert str(error) == ("Le champ \u00ab\u00a0heure de d\u00e9but\u00a0\u00bb doit "
                          "\u00eatre une date et une heure.")


# book and reschedule ------------------------------------------------------------------------

@pytest.mark.parametrize("bad", NOT_TIMES)
def test_r30_book_refuses_a_start_that_is_not_a_time(clinic, catalog, p, bad):
    error = refused(clinic, ValidationError, clinic.schedule.book, p, catalog["ana"],
                    catalog["massage"], bad)
    assert error.field == "start"
    assert str(error) == "The appointment start must be a date and time."


@pytest.mark.parametrize("bad", NOT_TIMES)
def test_r30_reschedule_refuses_a_start_that_is_not_a_time(clinic, catalog, p, bad):
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"],
                                       at("2026-03-04", 10))
    error = refused(clinic, ValidationError, clinic.schedule.reschedule, appointment, bad)
    assert error.field == "start"
    assert clinic.schedule.appointment(appointment).start == at("2026-03-04", 10)


def test_r30_book_refuses_in_french(clinic, catalog, p, french):
    error = refused(clinic, ValidationError, clinic.schedule.book, p, catalog["ana"],
                    catalog["massage"], 20260304)
    assert str(error) == ("Le champ \u00ab\u00a0d\u00e9but du rendez-vous\u00a0\u00bb doit "
                          "\u00eatre une date et une heure.")


@pytest.mark.parametrize("call", ["day", "first_free_slot", "eligible_packages",
                                  "held_in_full"])
@pytest.mark.parametrize("bad", ["2026-13-01", 20260101, 1.5, "' OR 1=1 --"])
def test_r30_the_schedules_date_questions_refuse_what_is_not_a_date(clinic, catalog, p,
                                                                    call, bad):
    # These took dates already through validation.a_date; kept so by this test.
    args = {"day": (bad,), "first_free_slot": (catalog["ana"], bad, 60),
            "eligible_packages": (p, catalog["massage"], bad),
            "held_in_full": (p, catalog["massage"], bad)}[call]
    refused(clinic, ValidationError, getattr(clinic.schedule, call), *args)


# timezone-aware times -----------------------------------------------------------------------

@pytest.mark.parametrize("aware", [datetime(2026, 3, 4, 14, 0, tzinfo=UTC),
                                   datetime(2026, 3, 4, 19, 30, tzinfo=INDIA)])
def test_r30_an_aware_start_is_booked_at_the_desks_local_time(clinic, catalog, p, halifax,
                                                              aware):
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"], aware)
    row = clinic.schedule.appointment(appointment)
    assert (row.start, row.end) == (at("2026-03-04", 10), at("2026-03-04", 11))
    assert row.start.tzinfo is None
    # The same instant is the same slot: a local booking at 10:00 clashes with it.
    refused(clinic, NotAllowed, clinic.schedule.book, p, catalog["ana"], catalog["acu"],
            at("2026-03-04", 10, 30), match="already has an appointment")


@pytest.mark.parametrize("aware", [datetime(2026, 3, 5, 13, 0, tzinfo=UTC),
                                   datetime(2026, 3, 5, 18, 30, tzinfo=INDIA)])
def test_r30_an_aware_time_is_rescheduled_to_the_desks_local_time(clinic, catalog, p,
                                                                  halifax, aware):
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"],
                                       at("2026-03-04", 10))
    clinic.schedule.reschedule(appointment, aware)
    row = clinic.schedule.appointment(appointment)
    assert (row.start, row.end) == (at("2026-03-05", 9), at("2026-03-05", 10))
    assert [a.id for a in clinic.schedule.day(date(2026, 3, 5))] == [appointment]


def test_r30_between_reads_aware_bounds_in_the_desks_local_time(clinic, catalog, p, halifax):
    appointment = clinic.schedule.book(p, catalog["ana"], catalog["massage"],
                                       at("2026-03-04", 10))
    # 10:00 in Halifax is 14:00 UTC: a window of 13:30-14:30 UTC holds it, 10:00-11:00 UTC not.
    assert [a.id for a in clinic.schedule.between(
        datetime(2026, 3, 4, 13, 30, tzinfo=UTC), datetime(2026, 3, 4, 14, 30, tzinfo=UTC))
    ] == [appointment]
    assert clinic.schedule.between(datetime(2026, 3, 4, 10, tzinfo=UTC),
                                   datetime(2026, 3, 4, 11, tzinfo=UTC)) == []

