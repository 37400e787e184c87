"""R35's tie-out, whatever the desk did: after a random sequence of sales, payments, credit,
arrivals, no-shows, undos, refunds, voids, expiry changes and days passing (the invariants'
state machine, tests/unit/test_invariants.py), the journal's balances through today give
receivables = what every patient owes, patient credit = every patient's credit, deferred
revenue = R33's closing; every entry balances; the SQL opening balances of any day agree
with the journal replayed to it; and a period's opening entry plus its own entries close
where the whole journal does."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from sqlalchemy import func, select
from test_invariants import ClinicMachine

from app.models import Invoice, Patient, Redemption
from app.services.reports.engine import as_date
from app.services.accounting.journal import first_day
from app.services.accounting.opening import balance_sheet

SHEET = ("clearing:", "receivable", "credit", "deferred", "sales_tax:", "gift_cards")


def sheet_only(balances: dict[str, int]) -> dict[str, int]:
    return {role: cents for role, cents in balances.items()
            if cents and role.startswith(SHEET)}


def replayed(clinic, entries) -> dict[str, int]:
    roles = {a.name: a.role for a in clinic.accounting.accounts()}
    out: dict[str, int] = {}
    for entry in entries:
        assert sum(cents for _, cents in entry.postings) == 0, entry
        assert all(cents for _, cents in entry.postings), entry
        for name, cents in entry.postings:
            out[roles[name]] = out.get(roles[name], 0) + cents
    return {role: cents for role, cents in out.items() if cents}


class JournalMachine(ClinicMachine):
    """The invariants' machine; the journal is checked once the sequence is done (the replay
    of every entry after each step would make the run minutes long)."""

    def teardown(self):
        try:
            self.check_the_books()
        finally:
            super().teardown()

    def check_the_books(self):
        clinic = self.clinic
        with clinic.db.read() as s:
            first = first_day(s)
            patients = list(s.scalars(select(Patient.id)))
            # a visit is invoiced (and its use redeemed) on its own day, which the machine
            # may set ahead of the clock: the journal is read through the last such day
            last = [s.scalar(select(func.max(Invoice.issued_on))),
                    s.scalar(select(func.max(Redemption.redeemed_on)))]
        today = max([self.today(), *(as_date(day) for day in last if day is not None)])
        if first is None:
            assert clinic.accounting.balances(today) == {}
            return
        balances = clinic.accounting.balances(today)
        accounts = [clinic.billing.account(p) for p in patients]
        assert balances.get("receivable", 0) == sum(a.owing for a in accounts)
        assert -balances.get("credit", 0) == sum(a.credit for a in accounts)
        closing = clinic.reports.package_liability(first, today).totals["closing"]
        assert -balances.get("deferred", 0) == closing
        # R45: Gift Card Liability = Σ card balances
        assert -balances.get("gift_cards", 0) == clinic.gift_cards.total_balances()
        assert sum(balances.values()) == 0

        whole = clinic.accounting.journal(first, today)
        assert replayed(clinic, whole) == balances
        assert clinic.accounting.journal(first, today) == whole  # the same, twice

        # a day in the middle: SQL sums = the journal replayed to it = R33 there
        middle = first + (today - first) // 2
        upto = replayed(clinic, [e for e in whole if e.on <= middle])
        with clinic.db.read() as s:
            sql = balance_sheet(s, middle)
        assert sheet_only(upto) == {role: c for role, c in sql.items()} | (
            {"deferred": upto["deferred"]} if "deferred" in upto else {})
        liability = clinic.reports.package_liability(first, middle).totals["closing"]
        assert -upto.get("deferred", 0) == liability

        # the period after it opens on those balances and closes where the whole does
        start = middle + timedelta(days=1)
        if start <= today:
            period = clinic.accounting.journal(start, today)
            opening = [e for e in period if e.description == "Opening balances"]
            if sheet_only(upto):
                assert period[0] is opening[0] and period[0].on == start
            assert len(opening) <= 1
            assert sheet_only(replayed(clinic, period)) == sheet_only(balances)


# The invariants of every step are test_invariants' to check (on this very machine); here the
# journal is checked once a sequence is done, so a run stays well under a minute.
for _name in ("books_balance_for_every_patient", "invoice_numbers_are_gapless",
              "packages_are_never_over_used", "a_refund_leaves_owing_only_the_uses_given",
              "uses_are_numbered_by_date_within_their_package",
              "visits_match_their_redemptions_and_invoices",
              "no_practitioner_is_double_booked"):
    # the plain method, without the mark that makes Hypothesis run it after every step
    setattr(JournalMachine, _name,
            getattr(ClinicMachine, _name).hypothesis_stateful_invariant.function)

JournalMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestJournalTiesOut = JournalMachine.TestCase


def test_r35_an_empty_clinic_has_no_journal(clinic):
    assert clinic.accounting.journal(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert clinic.accounting.balances(date(2026, 12, 31)) == {}
