"""An appointment changed from a stale read is refused in words, with nothing written (R30).

The appointment's version is counted by SQLAlchemy (version_id_col) rather than by hand at
each change. On SQLite writers take turns and every service locks before it reads, so a
stale read cannot happen there; it stands for a PostgreSQL desk whose write skipped its lock.
Here another desk's change is slipped in between the service's read and its write.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.models import Appointment, AuditEntry
from app.services import NotAllowed
from app.services import schedule as schedule_changes

from scenarios.support import at

STALE = ("Another desk changed this appointment while you were working on it, so nothing "
         "was changed. Look at it again and try once more.")


def _state(clinic, appointment_id):
    with clinic.db.read() as s:
        a = s.get(Appointment, appointment_id)
        audits = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
        return (a.status, a.start, a.version, a.notes), audits


@pytest.fixture
def booked(clinic, catalog):
    return clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["physio"],
                                at("2026-03-04", 9, 0))


@pytest.fixture
def another_desk(monkeypatch):
    """Between the service's read of the appointment and its change, another desk writes."""
    real = schedule_changes.snapshot

    def snapshot_then_another_desk_writes(appointment, *fields):
        taken = real(appointment, *fields)
        if isinstance(appointment, Appointment):
            from sqlalchemy.orm import object_session
            object_session(appointment).execute(
                text("UPDATE appointments SET version = version + 1, notes = 'other desk' "
                     "WHERE id = :id"), {"id": appointment.id})
        return taken

    monkeypatch.setattr(schedule_changes, "snapshot", snapshot_then_another_desk_writes)


@pytest.mark.parametrize("change", [
    lambda c, a: c.schedule.reschedule(a, at("2026-03-04", 11, 0)),
    lambda c, a: c.schedule.cancel(a),
], ids=["reschedule", "cancel"])
def test_a_change_from_a_stale_read_is_refused_in_words(clinic, booked, another_desk, change):
    before = _state(clinic, booked)
    with pytest.raises(NotAllowed) as refusal:
        change(clinic, booked)
    assert str(refusal.value) == STALE
    assert _state(clinic, booked) == before  # not even the other desk's slipped-in write


def test_each_change_counts_the_version(clinic, booked):
    """No service bumps it by hand any more: the mapper counts every change of the row."""
    seen = [_state(clinic, booked)[0][2]]
    clinic.schedule.reschedule(booked, at("2026-03-04", 11, 0))
    seen.append(_state(clinic, booked)[0][2])
    clinic.schedule.cancel(booked)
    seen.append(_state(clinic, booked)[0][2])
    assert seen == sorted(set(seen)), seen  # rises at each change


@pytest.fixture
def another_desk_after_the_read(monkeypatch):
    """An arrival reads the appointment's columns (rows.read) and changes it by one UPDATE
    naming the version it read (rows.set_versioned, issue 22): another desk writes between."""
    real = schedule_changes.rows.read

    def read_then_another_desk_writes(s, model, ident):
        row = real(s, model, ident)
        if model is Appointment:
            s.connection().execute(
                text("UPDATE appointments SET version = version + 1, notes = 'other desk' "
                     "WHERE id = :id"), {"id": ident})
        return row

    monkeypatch.setattr(schedule_changes.rows, "read", read_then_another_desk_writes)


def _billed(clinic, patient_id):
    return [(i.number, i.total) for i in clinic.billing.account(patient_id).invoices]


@pytest.mark.parametrize("covered", [False, True], ids=["paid visit", "package use"])
def test_an_arrival_from_a_stale_read_is_refused_in_words(clinic, catalog, covered,
                                                          another_desk_after_the_read):
    sold = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    package = sold.package_id if covered else None
    booked = clinic.schedule.book(catalog["patient"], catalog["ben"], catalog["physio"],
                                  at("2026-03-04", 9, 0), package=package)
    before, billed = _state(clinic, booked), _billed(clinic, catalog["patient"])
    with pytest.raises(NotAllowed) as refusal:
        clinic.schedule.arrive(booked)
    assert str(refusal.value) == STALE
    # nothing of the arrival is kept: no invoice, no number taken, no use, no audit entry
    assert _state(clinic, booked) == before
    assert _billed(clinic, catalog["patient"]) == billed
    if covered:
        assert clinic.packages.summary(package).uses_redeemed == 0
    after = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    numbers = [clinic.billing.invoice(i).number for i in (sold.invoice_id, after.invoice_id)]
    assert numbers[1] == numbers[0] + 1  # the refused arrival took no number: no gap
