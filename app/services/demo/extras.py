"""The demo's memberships and gift cards (R43–R45), so a first look at Packages › Membership
Plans, a member's Memberships tab, the schedule's M badge, Day Close and the liability
report shows them: two plans, a few regulars enrolled months ago with every period invoiced
(all paid but the latest of one member), and a few gift cards sold at the desk, one of them
partly spent on a patient's unpaid visit; and a household sharing a package (R37) and a
template refunded less a cancellation fee (R40).

The members are the first regulars the plan brings in for what the plan covers, so their
visits are covered as the desk would see them. Cards are sold to walk-in buyers (the hidden
"Gift card buyer"): a card's code is random, and the patients' own accounts stay the same
from one build to the next.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Callable

from ...domain.memberships import period_start
from .harbourview import DemoClinic
from .plan import Visit

# key, name, fee (cents), period, uses per period, {treatment key: Patient Pays}, members
PLANS = (
    ("massage_monthly", "Monthly Massage Membership", 8900, "1m", 1, {"massage60": 0}, 2),
    ("acu_monthly", "Acupuncture Wellness", 17000, "1m", 2, {"acupuncture": 0}, 1),
)
#: (amount, days before week_start it was sold, how it was paid)
GIFT_CARDS = ((5000, 40, "cash"), (10000, 12, "credit_card"), (7500, 3, "debit"))
#: what the second card pays of the unpaid massage of PATIENTS[9] (Lucas Comeau)
SPENT = 6000
SPENT_ON = 9


#: a household (R37): Maria Lopez shares her 10 Massages with her partner Nathan Publicover
HOUSEHOLD = (0, 35)
#: a template refunded less a cancellation fee (R40): 10 % of what is left, at most $50
FEE_POLICY = ("acu6", "pro_rata_fee:10:5000")


def set_up_plans(clinic, demo: DemoClinic) -> None:
    key, policy = FEE_POLICY
    clinic.catalog.update_package_template(demo.templates[key], refund_policy=policy)
    for key, name, fee, period, uses, eligible, _members in PLANS:
        demo.plans[key] = clinic.catalog.add_membership_plan(
            name, fee=fee, period=period, uses_per_period=uses,
            eligible={demo.treatments[t]: pays for t, pays in eligible.items()})


def extra_events(clinic, demo: DemoClinic, visits: list[Visit], week_start: date,
                 real_now: datetime, add: Callable[[datetime, Callable], None]) -> None:
    taken: set[int] = set()
    for n, (key, _name, _fee, period, _uses, eligible, members) in enumerate(PLANS):
        chosen = []
        for visit in visits:
            if (visit.patient >= 12 and visit.treatment in eligible and visit.outcome == "arrive"
                    and visit.patient not in taken and len(chosen) < members):
                chosen.append(visit.patient)
                taken.add(visit.patient)
        for m, patient in enumerate(chosen):
            # enrolled one to two months before the fortnight, after every patient joined
            # (65 days before it at the latest), always on day 1 to 28
            start = week_start - timedelta(days=40 + 12 * m + 5 * n)
            start = start.replace(day=min(start.day, 28))
            _enrol_and_bill(clinic, demo, key, patient, start, real_now, add,
                            leave_last_owing=(n, m) == (0, 1))
    window = datetime.combine(week_start, time(0))
    add(window - timedelta(days=20, hours=-14), lambda: _share(clinic, demo))
    for i, (amount, days, method) in enumerate(GIFT_CARDS):
        when = window - timedelta(days=days) + timedelta(hours=11 + i, minutes=15)
        add(when, lambda i=i, amount=amount, method=method: _sell_card(clinic, demo, i,
                                                                        amount, method))
    unpaid = next((v for v in visits if v.patient == SPENT_ON and v.pay is None
                   and v.outcome == "arrive"), None)
    if unpaid is not None:  # he came back that afternoon with the card he was given
        add(unpaid.start + timedelta(hours=3), lambda: _pay_with_card(clinic, demo, unpaid))


def _enrol_and_bill(clinic, demo, key, patient, start, real_now, add, *,
                    leave_last_owing: bool) -> None:
    def enrol():
        demo.memberships[patient] = clinic.memberships.enroll(
            demo.patients[patient], demo.plans[key], start=start)
        [first] = clinic.memberships.for_patient(demo.patients[patient])
        _pay(clinic, [p.invoice_id for p in first.periods if p.invoice_id])

    add(datetime.combine(start, time(9, 40)), enrol)
    k = 1
    while (due := period_start(start, "1m", k)) <= real_now.date():
        owing = leave_last_owing and period_start(start, "1m", k + 1) > real_now.date()
        # the desk's start-up run of invoice_due (R43); the card on file pays each fee
        add(datetime.combine(due, time(8, 5)),
            lambda owing=owing: _pay(clinic, clinic.memberships.invoice_due(),
                                     but=demo.patients[patient] if owing else None))
        k += 1


def _pay(clinic, invoice_ids, *, but: int | None = None) -> None:
    """The members' cards on file pay their fees as they are invoiced; `but` this patient's."""
    for invoice_id in invoice_ids:
        invoice = clinic.billing.invoice(invoice_id)
        if invoice.patient_id != but and invoice.balance > 0:
            clinic.billing.receive_payment(invoice.patient_id, invoice.balance, "credit_card",
                                           invoice_id=invoice.id)


def _share(clinic, demo) -> None:
    owner, member = (demo.patients[i] for i in HOUSEHOLD)
    clinic.patients.link_household(owner, member)
    clinic.packages.share(demo.packages["maria_10"], member)


def _sell_card(clinic, demo, i: int, amount: int, method: str) -> None:
    sale = clinic.gift_cards.sell(amount)
    demo.gift_cards.append(sale.code)
    invoice = clinic.billing.invoice(sale.invoice_id)
    clinic.billing.receive_payment(invoice.patient_id, invoice.total, method,
                                   invoice_id=invoice.id)


def _pay_with_card(clinic, demo, visit: Visit) -> None:
    if len(demo.gift_cards) < 2 or visit.invoice_id is None:
        return
    clinic.billing.receive_payment(demo.patients[visit.patient], SPENT, "gift_card",
                                   invoice_id=visit.invoice_id,
                                   gift_card_code=demo.gift_cards[1],
                                   reference="Gift card from his sister")
