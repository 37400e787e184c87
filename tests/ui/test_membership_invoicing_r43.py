"""R43: the desk invoices membership periods at start-up and then each new day, on the worker:
the window keeps answering, and a period is never invoiced twice by looking again."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtWidgets import QMainWindow

from app.ui import membership_invoicing
from app.ui.tasks import worker_idle


def test_r43_invoiced_at_start_up_then_when_the_day_changes(qtbot, clinic, catalog, clock,
                                                           shown):
    clock.set(datetime(2026, 3, 1, 9))
    plan = clinic.catalog.add_membership_plan("Monthly Massage", fee=9000, period="1m",
                                              uses_per_period=2,
                                              eligible={catalog["massage"]: 0})
    clinic.memberships.enroll(catalog["patient"], plan, start=date(2026, 1, 1))  # Jan-Mar
    clinic.memberships.enroll(clinic.patients.add("Ed", "Member", phone="902-555-0144"),
                              plan, start=date(2026, 2, 15))
    clock.set(datetime(2026, 3, 16, 8))
    window = QMainWindow()
    qtbot.addWidget(window)
    job = membership_invoicing.MembershipInvoicing(window, clinic, interval_ms=50)
    assert job.running is not None  # queued on the worker, not run here
    qtbot.waitUntil(lambda: len(job.made) == 1, timeout=10_000)  # Ed's Mar 15
    assert "1 membership period was invoiced." in window.statusBar().currentMessage()
    qtbot.wait(200)  # the timer looks again several times on the same day: nothing new
    assert worker_idle(10) and len(job.made) == 1
    clock.set(datetime(2026, 4, 2, 8))  # a new day: Apr 1 and nothing of Ed's yet
    qtbot.waitUntil(lambda: len(job.made) == 2, timeout=10_000)
    clock.set(datetime(2026, 4, 16, 8))
    qtbot.waitUntil(lambda: len(job.made) == 3, timeout=10_000)
    job.stop()
    assert shown.boxes == []
    assert clinic.memberships.invoice_due() == []
