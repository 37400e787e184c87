"""R32 Day Close: a day's figures to the cent on a clinic with known operations, the close with
its over/short, closed figures that a later void cannot change (the void shows on its own
day), reopening by a manager only and audited, and refusals that write nothing."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from app.services.errors import NotAllowed, ValidationError
from tests.helpers.audit import audit_count, audit_entries

MON, TUE, WED = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


@pytest.fixture
def monday(clinic, catalog, clock):
    """Monday 2 March 2026, everything by the services:
    - Maria buys "10 Massages" ($800.00, no tax: invoice 1), pays $500.00 cash and $300.00 by
      credit card on it; her 10 a.m. massage is arrived (use 1 of 10: $80.00, invoice 2 for
      $0.00);
    - Joe misses his 11 a.m. and is charged the $40.00 no-show fee (invoice 3); he pays $100.00
      cash, $40.00 goes on the fee, $60.00 becomes credit; $25.00 of it is handed back in cash;
    - Joe buys "3 Physio" ($100.00, invoice 4) and puts all his credit on it ($35.00);
    - Zoe pays $50.00 by debit on nothing (credit).
    Tuesday: invoice 4's sale is voided (Joe's $35.00 comes back: credit created), and Maria's
    arrival is undone (use taken back, its $0.00 visit invoice voided)."""
    ana, massage = catalog["ana"], catalog["massage"]
    maria = catalog["patient"]
    joe = clinic.patients.add("Joe", "Bloggs", phone="902-555-0102")
    zoe = clinic.patients.add("Zoe", "Chan", phone="902-555-0103")
    clock.set(datetime(2026, 3, 2, 9, 0))
    sale = clinic.billing.sell_package(maria, catalog["ten_massages"])
    clinic.billing.receive_payment(maria, 50000, "cash", invoice_id=sale.invoice_id)
    clinic.billing.receive_payment(maria, 30000, "credit_card", invoice_id=sale.invoice_id)
    visit = clinic.schedule.book(maria, ana, massage, datetime(2026, 3, 2, 10))
    clock.set(datetime(2026, 3, 2, 10, 5))
    clinic.schedule.arrive(visit)
    missed = clinic.schedule.book(joe, ana, massage, datetime(2026, 3, 2, 11))
    clock.set(datetime(2026, 3, 2, 11, 30))
    clinic.schedule.no_show(missed, use_package=False, fee_id=catalog["no_show_fee"])
    paid = clinic.billing.receive_payment(joe, 10000, "cash")
    clinic.billing.refund_payment(paid, 2500, method="cash")
    physio = clinic.billing.sell_package(joe, catalog["three_physio"])
    clinic.billing.apply_credit(joe, physio.invoice_id)
    clinic.billing.receive_payment(zoe, 5000, "debit")
    clock.set(datetime(2026, 3, 2, 18, 0))
    return {"visit": visit, "physio": physio, "joe": joe}


def later_corrections(clinic, clock, monday):
    clock.set(datetime(2026, 3, 3, 9, 30))
    clinic.billing.void_invoice(monday["physio"].invoice_id, "sold to the wrong patient")
    clinic.schedule.undo_arrival(monday["visit"])


def test_r32_the_days_figures_to_the_cent(clinic, monday):
    report = clinic.reports.day_close(MON)
    t = report.totals
    assert report.kind == "day_close"
    by_method = {row.method: (row.received, row.refunded, row.net) for row in report.rows}
    assert by_method["cash"] == (60000, 2500, 57500)
    assert by_method["credit_card"] == (30000, 0, 30000)
    assert by_method["debit"] == (5000, 0, 5000)
    assert by_method["cheque"] == (0, 0, 0)
    assert (t["received"], t["refunded"], t["net"]) == (95000, 2500, 92500)
    assert (t["cash_in"], t["cash_out"], t["expected_cash"]) == (60000, 2500, 57500)
    assert (t["invoices_issued"], t["invoices_issued_total"], t["invoices_issued_tax"]) == (
        4, 80000 + 0 + 4000 + 10000, 0)
    assert (t["invoices_voided"], t["invoices_voided_total"]) == (0, 0)
    assert (t["packages_sold"], t["packages_sold_value"]) == (2, 90000)
    assert (t["uses_redeemed"], t["uses_redeemed_value"]) == (1, 8000)
    assert (t["uses_undone"], t["uses_undone_value"]) == (0, 0)
    assert (t["no_show_fees"], t["no_show_fees_total"]) == (1, 4000)
    # Joe's $60.00 left over and Zoe's $50.00 are credit; $25.00 handed back, $35.00 used
    assert (t["credit_created"], t["credit_used"]) == (6000 + 5000, 2500 + 3500)
    assert report.section("Cash drawer").rows[-1].amount == 57500


def test_r32_the_total_credit_moves_by_created_less_used(clinic, monday):
    t = clinic.reports.day_close(MON).totals
    joe_and_zoe = [p.id for p in clinic.patients.search("") if p.first_name in ("Joe", "Zoe")]
    credit = sum(clinic.billing.account(p).credit for p in joe_and_zoe)
    assert t["credit_created"] - t["credit_used"] == credit == 0 + 5000


def test_r32_close_records_who_when_and_over_short(clinic, monday, desk, clock):
    closed = clinic.billing.close_day(MON, 57000)  # $5.00 short
    assert (closed.on, closed.expected_cash, closed.counted_cash) == (MON, 57500, 57000)
    assert closed.over_short == -500
    assert closed.closed_by == desk["desk"] and closed.closed_at == datetime(2026, 3, 2, 18, 0)
    (entry,) = audit_entries(clinic, "day.close")
    assert json.loads(entry.after)["over_short"] == -500
    report = clinic.reports.day_close(MON)
    assert (report.totals["counted_cash"], report.totals["over_short"]) == (57000, -500)
    assert "Closed by Chloe Desk at 6:00\u202fp.m." in report.notes[0]


def test_r32_over_is_positive(clinic, monday):
    assert clinic.billing.close_day(MON, 58000).over_short == 500


def test_r32_closed_figures_stay_and_a_later_void_shows_on_its_own_day(clinic, monday, clock):
    clinic.billing.close_day(MON, 57500)
    before = clinic.reports.day_close(MON).totals
    later_corrections(clinic, clock, monday)
    assert clinic.reports.day_close(MON).totals == before
    tue = clinic.reports.day_close(TUE).totals
    assert (tue["invoices_voided"], tue["invoices_voided_total"]) == (2, 10000)
    assert (tue["uses_undone"], tue["uses_undone_value"]) == (1, 8000)
    assert (tue["credit_created"], tue["credit_used"]) == (3500, 0)  # the void's credit back
    assert (tue["invoices_issued"], tue["cash_in"], tue["expected_cash"]) == (0, 0, 0)


def test_r32_a_day_is_closed_once(clinic, monday):
    clinic.billing.close_day(MON, 57500)
    assert "already closed" in clinic.billing.can_close_day(MON)
    entries = audit_count(clinic)
    with pytest.raises(NotAllowed, match="already closed by the system at 6:00\u202fp.m."):
        clinic.billing.close_day(MON, 57500)
    assert audit_count(clinic) == entries and len(clinic.billing.day_closes()) == 1


def test_r32_reopen_is_for_managers_audited_and_keeps_the_close(clinic, monday, desk, clock):
    clinic.billing.close_day(MON, 57000)
    assert clinic.billing.can_reopen_day(MON) is None
    with pytest.raises(NotAllowed, match="Only a manager can reopen a closed day"):
        clinic.billing.reopen_day(MON, "recount")
    assert clinic.billing.day_close_of(MON) is not None
    approval = clinic.auth.approve(desk["ana"], "2468", "reopen a closed day")
    clock.set(datetime(2026, 3, 3, 8, 0))
    with clinic.auth.approved(approval):
        reopened = clinic.billing.reopen_day(MON, "drawer recounted")
    assert reopened.reopened_at == datetime(2026, 3, 3, 8, 0)
    assert reopened.reopen_reason == "drawer recounted" and not reopened.is_open
    (entry,) = audit_entries(clinic, "day.reopen")
    assert json.loads(entry.after)["approved_by"]["name"] == "Ana Silva"
    assert clinic.billing.day_close_of(MON) is None and clinic.billing.can_close_day(MON) is None
    again = clinic.billing.close_day(MON, 57500)
    history = clinic.billing.day_closes()
    assert [c.id for c in history] == [again.id, reopened.id]  # the reopened one stays (R29)
    assert clinic.billing.day_closes(TUE, WED) == []
    assert "nothing to reopen" in clinic.billing.can_reopen_day(TUE)


def test_r32_reopened_day_shows_live_figures_again(clinic, monday, clock):
    clinic.billing.close_day(MON, 57500)
    clinic.billing.reopen_day(MON, "")
    assert clinic.reports.day_close(MON).parameters["closed"] is False


def test_r32_today_can_be_closed_but_not_tomorrow(clinic, monday, clock):
    clock.set(datetime(2026, 3, 2, 18, 0))
    assert clinic.billing.can_close_day(MON) is None
    assert "in the future" in clinic.billing.can_close_day(TUE)
    entries = audit_count(clinic)
    with pytest.raises(ValidationError, match="in the future") as refused:
        clinic.billing.close_day(TUE, 0)
    assert refused.value.field == "on"
    assert audit_count(clinic) == entries and clinic.billing.day_closes() == []


@pytest.mark.parametrize("counted, field, words", [
    ("575.00", "counted_cash", "counted cash must be given as a whole number of cents"),
    (12.5, "counted_cash", "counted cash"),
    (-100, "counted_cash", "counted cash"),
])
def test_r32_bad_counted_cash_is_refused_naming_the_field(clinic, monday, counted, field, words):
    entries = audit_count(clinic)
    with pytest.raises(ValidationError, match=words) as refused:
        clinic.billing.close_day(MON, counted)
    assert refused.value.field == field
    assert audit_count(clinic) == entries and clinic.billing.day_closes() == []


@pytest.mark.parametrize("on, words", [
    (date(1850, 1, 1), "must be between"), ("yesterday", "must be a date like"),
    (datetime(2026, 3, 2, 9), "without a time")])
def test_r32_a_bad_date_is_refused_naming_the_field(clinic, on, words):
    for ask in (lambda: clinic.billing.close_day(on, 0), lambda: clinic.reports.day_close(on),
                lambda: clinic.billing.can_close_day(on)):
        with pytest.raises(ValidationError, match=words) as refused:
            ask()
        assert refused.value.field == "on"
    assert clinic.billing.day_closes() == []


def test_r32_an_empty_day_closes_with_zeroes(clinic):
    closed = clinic.billing.close_day(MON, 0)
    assert (closed.expected_cash, closed.over_short) == (0, 0)
    assert clinic.reports.day_close(MON).totals["received"] == 0


def test_r32_the_days_figures_read_ranges_of_indexes_never_whole_tables(clinic, monday):
    """Ten years of rows must not be read for one day: every table is searched through an
    index (SQLite's plan), none scanned. Not a timing: the plan says it."""
    if clinic.db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    from sqlalchemy import event

    from app.services import day_figures

    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "day_closes" not in statement:
            seen.append((statement, parameters))

    event.listen(clinic.db.engine, "before_cursor_execute", record)
    try:
        with clinic.db.read() as s:
            day_figures.figures(s, MON)
    finally:
        event.remove(clinic.db.engine, "before_cursor_execute", record)
    assert len([sql for sql, _ in seen if sql.lstrip().upper().startswith("SELECT")]) == 2
    raw = clinic.db.engine.raw_connection()
    try:
        plans = [row[3] for sql, params in seen if sql.lstrip().upper().startswith("SELECT")
                 for row in raw.cursor().execute("EXPLAIN QUERY PLAN " + sql, params)]
    finally:
        raw.close()
    assert sum(step.startswith("SEARCH ") for step in plans) >= 17, plans
    assert not [step for step in plans if step.startswith("SCAN ")
                and "SUBQUERY" not in step and "CONSTANT" not in step], plans
