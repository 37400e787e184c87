"""The demo clinic (`clinicdesk --demo`): realistic, deterministic, and true to every rule."""

from __future__ import annotations

from collections import Counter
from dataclasses import astuple
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Invoice, Payment
from app.services import Clinic, NotAllowed
from app.services.demo import HOURS, seed_demo

NOW = datetime(2026, 3, 4, 11, 20)   # a Wednesday, mid-morning


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def open_seeded(folder, now: datetime):
    clock = Clock(now)
    clinic = Clinic.open(folder / "demo.db", clock=clock)
    demo = seed_demo(clinic)
    return clinic, demo, clock


@pytest.fixture(scope="module", autouse=True)
def quick_pins():
    """The demo sets four PINs; argon2's real cost (by design ~0.4 s each) is not under test."""
    from argon2 import PasswordHasher

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("app.services.auth._hasher",
                      PasswordHasher(time_cost=1, memory_cost=64, parallelism=1),
                      raising=False)
        yield


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, quick_pins):
    clinic, demo, clock = open_seeded(tmp_path_factory.mktemp("demo"), NOW)
    yield clinic, demo, clock
    clinic.close()


@pytest.fixture(scope="module")
def clinic(seeded):
    return seeded[0]


@pytest.fixture(scope="module")
def demo(seeded):
    return seeded[1]


def appointments(clinic):
    return clinic.schedule.between(datetime(2000, 1, 1), datetime(2100, 1, 1))


def patients(clinic):
    return clinic.patients.search("", limit=500)


# what is in it

def test_settings(clinic):
    view = clinic.settings.get()
    assert view.name == "Harbourview Physiotherapy & Massage"
    assert "Halifax NS" in view.address
    assert (view.currency, view.locale, view.tax_name) == ("CAD", "en_CA", "HST")
    assert view.tax_number
    assert view.setup_complete is True
    assert clinic.format_money(11000) == "$110.00"


def test_staff(clinic):
    staff = clinic.staff.list()
    assert len(staff) == 4
    practitioners = [s for s in staff if s.practitioner]
    assert len(practitioners) == 3
    assert [s.role for s in practitioners].count("manager") == 1
    (desk,) = [s for s in staff if not s.practitioner]
    assert desk.role == "front_desk"
    # everyone can sign in to the demo; there is a manager, so no first-run question
    assert len(clinic.auth.can_sign_in()) == 4
    assert not clinic.auth.needs_first_manager()


def test_catalogue(clinic):
    treatments = {t.name: t for t in clinic.catalog.treatment_types()}
    assert len(treatments) == 6
    durations = sorted(t.duration_min for t in treatments.values() if "Massage" in t.name)
    assert durations == [30, 60, 90]
    assert any("Initial Assessment" in name for name in treatments)
    assert any("Follow-up" in name for name in treatments)
    assert "Acupuncture" in treatments
    for t in treatments.values():
        assert 5000 <= t.price <= 20000 and t.price % 100 == 0
        assert t.tax_rate == (Decimal("0.15") if "Physio" in t.name else t.tax_rate)
        assert t.tax_rate in (Decimal("0"), Decimal("0.15"))

    templates = {t.name: t for t in clinic.catalog.package_templates()}
    assert set(templates) == {"5 Massages (60 min)", "10 Massages (60 min)",
                              "3 Physio Follow-ups", "Acupuncture 6-pack"}
    assert templates["10 Massages (60 min)"].validity == "6m"
    assert templates["3 Physio Follow-ups"].validity is None
    assert templates["Acupuncture 6-pack"].validity == "1y"
    physio = templates["3 Physio Follow-ups"]
    assert [(e.treatment_name, e.patient_pays) for e in physio.eligible] == [
        ("Physiotherapy Follow-up", 1000)]
    for t in templates.values():
        assert t.eligible
        for item in t.eligible:
            assert item.patient_pays <= treatments[item.treatment_name].price

    fees = clinic.settings.no_show_fees()
    assert len(fees) == 2 and all(f.amount > 0 for f in fees)


def test_patients(clinic):
    rows = patients(clinic)
    assert len(rows) == 40
    assert len({r.full_name for r in rows}) == 40
    assert all(r.phone for r in rows)
    assert sum(1 for r in rows if r.email) >= 30
    assert all(r.birth_date < NOW.date() for r in rows if r.birth_date)
    assert all(r.email.endswith((".example.com", "@example.com", "@example.ca", "@example.net"))
               for r in rows if r.email)
    # searchable like real ones
    assert [r.full_name for r in clinic.patients.search("Maria Lopez")] == ["Maria Lopez"]
    assert clinic.patients.search("Émilie")


# the two weeks

def test_two_weeks_of_appointments(clinic, demo):
    rows = appointments(clinic)
    assert len(rows) == len(demo.appointments) >= 80
    assert demo.week_start == date(2026, 2, 23)
    assert {r.start.date() for r in rows} <= {demo.week_start + timedelta(days=n)
                                              for n in range(14)}
    assert {r.start.date() < demo.week_start + timedelta(days=7) for r in rows} == {True,
                                                                                    False}
    today = [r for r in rows if r.start.date() == NOW.date()]
    assert len(today) >= 8
    assert {r.status for r in today if r.start > NOW} == {"booked"}


def test_past_appointments_happened_and_future_ones_are_booked(clinic):
    statuses = Counter()
    for row in appointments(clinic):
        if row.start > NOW:
            assert row.status == "booked", row
        else:
            assert row.status in ("arrived", "no_show"), row
        statuses[row.status] += 1
    assert statuses["arrived"] >= 40
    assert 4 <= statuses["no_show"] <= 10
    assert statuses["booked"] >= 15
    assert "cancelled" not in statuses


def test_appointments_within_opening_hours_without_overlap(clinic, demo):
    by_name = {s.name: s.id for s in clinic.staff.list()}
    rows = appointments(clinic)
    for row in rows:
        assert time(8) <= row.start.time() and row.end.time() <= time(18)
        hours, _ = HOURS[row.staff_name]
        opens, closes = hours[row.start.weekday()]
        assert opens <= row.start.time() and row.end.time() <= closes
        assert by_name[row.staff_name] == row.staff_id
    for key in ("staff_id", "patient_id"):
        groups: dict[int, list] = {}
        for row in rows:
            groups.setdefault(getattr(row, key), []).append(row)
        for group in groups.values():
            group.sort(key=lambda r: r.start)
            for first, second in zip(group, group[1:]):
                assert first.end <= second.start, (first, second)


def test_practitioners_only_give_their_own_treatments(clinic):
    for row in appointments(clinic):
        if "Physio" in row.treatment_name:
            assert row.staff_name.startswith("Dr. Sarah")
        if row.treatment_name == "Acupuncture":
            assert row.staff_name.startswith("Mei")


# packages (R9-R16)

def test_packages_sold_and_paid_in_full_in_part_or_not_at_all(clinic, demo):
    assert len(demo.packages) == 8
    statuses = Counter()
    for package_id in demo.packages.values():
        summary = clinic.packages.summary(package_id)
        assert summary.status == "active"
        statuses[clinic.billing.invoice(summary.invoice_id).status] += 1
    assert statuses == {"paid": 6, "partially paid": 1, "unpaid": 1}


def test_r9_expiry_from_the_template(clinic, demo):
    validity = {t.name: t.validity for t in clinic.catalog.package_templates()}
    from app.services.validity import expiry_for
    for package_id in demo.packages.values():
        s = clinic.packages.summary(package_id)
        assert s.expires_on == expiry_for(s.purchased_on, validity[s.name])
        assert s.purchased_on <= NOW.date()


def test_r11_uses_never_overbooked(clinic, demo):
    for package_id in demo.packages.values():
        s = clinic.packages.summary(package_id)
        assert s.uses_redeemed + s.uses_booked <= s.uses_total
        assert s.uses_available == s.uses_total - s.uses_redeemed - s.uses_booked
        assert s.uses_remaining == s.uses_total - s.uses_redeemed


def test_r14_r16_packages_redeemed_by_arrivals_and_a_covered_no_show(clinic, demo):
    reasons = Counter()
    for package_id in demo.packages.values():
        detail = clinic.packages.detail(package_id)
        for redemption in detail.redemptions:
            reasons[redemption.reason] += 1
            appointment = clinic.schedule.appointment(redemption.appointment_id)
            assert appointment.status == ("arrived" if redemption.reason == "arrived"
                                          else "no_show")
            assert appointment.start <= NOW
            assert redemption.redeemed_on == appointment.start.date()
            invoice = clinic.billing.invoice(redemption.invoice_id)
            pays = {c.treatment_name: c.patient_pays for c in detail.coverage}
            assert redemption.patient_pays == pays[appointment.treatment_name]
            assert invoice.subtotal == redemption.patient_pays
        # booked appointments the package holds are all in the future
        assert all(b.start > NOW and b.status == "booked" for b in detail.booked)
    assert reasons["arrived"] >= 8
    assert reasons["no_show"] == 1


def test_r10_future_visits_of_package_holders_are_covered(clinic, demo):
    covered = [r for r in appointments(clinic) if r.package_id is not None]
    assert any(r.status == "booked" for r in covered)
    for row in covered:
        assert row.package_id in demo.packages.values()


def test_r16_no_show_with_fee_released_the_package(clinic, demo):
    rows = [r for r in appointments(clinic) if r.status == "no_show"]
    fees = {f.amount for f in clinic.settings.no_show_fees()}
    fee_invoices = [clinic.billing.invoice(r.invoice_id) for r in rows
                    if r.invoice_id is not None and r.package_id is None]
    charged = [i for i in fee_invoices if i.lines[0].kind == "no_show_fee"]
    assert len(charged) >= 2
    assert all(i.subtotal in fees for i in charged)
    assert any(r.invoice_id is None for r in rows)   # one no-show without a fee (R17)


def test_r7_a_sale_compensated_up_front_does_not_pay_again(clinic, demo):
    sellers = [clinic.packages.detail(p) for p in demo.packages.values()]
    assigned = [d for d in sellers if d.staff_name != "No Staff Member"]
    assert len(assigned) == 1
    (detail,) = assigned
    covered = [r for r in appointments(clinic) if r.package_id == detail.summary.id]
    assert covered and not any(r.compensate_staff for r in covered)


# money (R1, R2, R8, R27): every account adds up

def test_every_account_adds_up(clinic):
    totals = Counter()
    for patient in patients(clinic):
        account = clinic.billing.account(patient.id)
        live = [i for i in account.invoices if i.status != "void"]
        assert sum(i.total for i in live) == account.invoiced
        assert account.invoiced == account.applied + account.owing
        assert account.applied == sum(i.paid for i in live)
        assert account.owing == sum(i.balance for i in live)
        assert account.credit == account.received - account.applied - account.refunded
        assert account.owing >= 0 and account.credit >= 0
        for invoice in live:
            assert 0 <= invoice.paid <= invoice.total
            assert invoice.balance == invoice.total - invoice.paid
            assert invoice.issued_on <= NOW.date()
        for payment in account.payments:
            assert payment.applied + payment.refunded + payment.unapplied == payment.amount
            assert payment.received_at <= NOW
        totals["invoiced"] += account.invoiced
        totals["owing"] += account.owing
        totals["credit"] += account.credit
        totals["with credit"] += account.credit > 0
        totals["owing patients"] += account.owing > 0
    assert totals["invoiced"] > 500000
    assert 0 < totals["owing"] < totals["invoiced"] // 4
    assert totals["with credit"] >= 1
    assert totals["owing patients"] >= 3


def test_every_invoice_adds_up_line_by_line(clinic):
    with clinic.db.read() as s:
        ids = s.scalars(select(Invoice.id).order_by(Invoice.number)).all()
        numbers = s.scalars(select(Invoice.number).order_by(Invoice.number)).all()
    assert numbers == list(range(1, len(numbers) + 1))          # no gaps
    for invoice_id in ids:
        view = clinic.billing.invoice(invoice_id)
        assert view.subtotal == sum(line.unit_price * line.quantity for line in view.lines)
        assert view.tax == sum(line.tax for line in view.lines)
        assert view.total == view.subtotal + view.tax
        for line in view.lines:
            assert type(line.total) is int
            if line.tax_rate == 0:
                assert line.tax == 0


def test_hst_on_physio_and_none_on_massage(clinic):
    taxed = Counter()
    for row in appointments(clinic):
        if row.status == "arrived" and row.package_id is None:
            (line,) = clinic.billing.invoice(row.invoice_id).lines
            taxed["physio" if "Physio" in row.treatment_name else "massage"
                  if "Massage" in row.treatment_name else "acu"] += line.tax > 0
            if "Massage" in row.treatment_name:
                assert line.tax == 0
            if "Physio" in row.treatment_name:
                assert line.tax == line.unit_price * 15 // 100
    assert taxed["physio"] > 0


# memberships and gift cards (R43-R45), so a first look shows them

def test_r43_plans_with_members_each_period_invoiced_once(clinic, demo):
    plans = {p.name: p for p in clinic.catalog.membership_plans()}
    monthly = plans["Monthly Massage Membership"]
    assert (monthly.fee, monthly.period, monthly.uses_per_period) == (8900, "1m", 1)
    assert len(plans) == 2 and len(demo.memberships) == 3
    owing = 0
    for index, membership_id in demo.memberships.items():
        [m] = clinic.memberships.for_patient(demo.patients[index])
        assert m.id == membership_id and m.status == "active"
        assert m.starts_on < demo.week_start - timedelta(days=30)
        started = [p for p in m.periods if p.starts_on <= NOW.date()]
        assert len(started) >= 2 and all(p.invoice_id for p in started)  # each invoiced
        assert len({p.invoice_id for p in started}) == len(started)      # once
        owing += sum(clinic.billing.invoice(p.invoice_id).balance > 0 for p in started)
    assert owing == 1  # the latest fee of one member is not paid yet
    covered = [r for r in appointments(clinic) if r.membership_id is not None]
    assert covered and {r.membership_name for r in covered} <= set(plans)


def test_r45_gift_cards_sold_one_partly_spent(clinic, demo):
    assert [clinic.gift_cards.balance(code) for code in demo.gift_cards] == [5000, 4000, 7500]
    assert clinic.gift_cards.total_balances() == 16500
    assert not any("Gift card buyer" == p.full_name for p in patients(clinic))


def test_r37_r40_a_shared_package_and_a_fee_refund_policy(clinic, demo):
    [shared] = clinic.packages.shared_with(demo.patients[35])
    assert (shared.id, shared.shared_by) == (demo.packages["maria_10"], "Maria Lopez")
    policies = {t.name: t.refund_policy for t in clinic.catalog.package_templates()}
    assert policies["Acupuncture 6-pack"] == "pro_rata_fee:10:5000"
    assert clinic.packages.detail(demo.packages["ethan_acu"]).refund_policy == \
        "pro_rata_fee:10:5000"


# the replay left no trace of itself

def test_the_clock_and_sign_in_are_restored(seeded):
    clinic, _, clock = seeded
    assert clinic._clock is clock
    assert clinic.now() == NOW
    assert clinic.current_staff_id is None


def test_history_is_dated_in_the_past_and_the_audit_chain_holds(clinic):
    with clinic.db.read() as s:
        latest = s.scalar(select(func.max(AuditEntry.at)))
        earliest = s.scalar(select(func.min(AuditEntry.at)))
        first_payment = s.scalar(select(func.min(Payment.received_at)))
    assert latest <= NOW
    assert earliest < datetime(2025, 3, 1)
    assert first_payment < datetime(2026, 2, 23)
    assert clinic.audit.verify().ok


def test_desk_actions_are_recorded_as_the_front_desk(clinic):
    desk = next(s.id for s in clinic.staff.list() if not s.practitioner)
    arrivals = clinic.audit.entries(action="appointment.arrive", limit=1000)
    assert arrivals and {a.staff_name for a in arrivals} == {
        clinic.staff.get(desk).name}


def test_the_demo_is_deterministic(tmp_path, clinic):
    again, demo, _ = open_seeded(tmp_path, NOW)
    try:
        assert [astuple(r) for r in appointments(again)] == [astuple(r)
                                                             for r in appointments(clinic)]
        for patient in patients(clinic):
            assert clinic.billing.account(patient.id) == again.billing.account(patient.id)
    finally:
        again.close()


@pytest.mark.parametrize("now", [
    datetime(2026, 3, 2, 9, 0),     # Monday morning: this week is nearly all ahead
    datetime(2026, 3, 8, 15, 30),   # Sunday: the clinic is closed, this week starts tomorrow
    datetime(2026, 3, 7, 17, 0),    # Saturday after closing: this week starts on Monday
    datetime(2026, 3, 6, 16, 40),   # Friday afternoon
])
def test_any_day_of_the_week(tmp_path, now):
    clinic, demo, _ = open_seeded(tmp_path, now)
    try:
        rows = appointments(clinic)
        assert len(rows) >= 70
        assert any(r.status == "booked" for r in rows)
        for row in rows:
            if row.start > now:
                assert row.status == "booked", row
            elif row.start <= now - timedelta(minutes=20):   # a no-show is marked after 20'
                assert row.status in ("arrived", "no_show"), row
        for patient in patients(clinic):
            account = clinic.billing.account(patient.id)
            assert account.invoiced == account.applied + account.owing
            assert account.credit >= 0
        assert clinic.now() == now
    finally:
        clinic.close()


def test_only_an_empty_clinic_is_seeded(tmp_path):
    with Clinic.open(tmp_path / "clinic.db", clock=Clock(NOW)) as clinic:
        clinic.patients.add("Someone", "Already")
        with pytest.raises(NotAllowed, match="empty clinic file"):
            seed_demo(clinic)
        assert len(patients(clinic)) == 1
        assert clinic.staff.list() == []
