"""Build a large clinic file for the benchmarks: ten years of a busy clinic.

    .venv/bin/python -m bench.generate [--out bench/data/large.db] [--scale 1.0] [--seed 7]
    .venv/bin/python -m bench.generate --db-url URL     # and load it into a server (issue 22)

At scale 1: 100,000 patients, 1,000,000 appointments over ten years (plus four weeks booked
ahead), 100,000 packages, 500,000 redemptions, and the invoices, lines, payments,
applications, package refunds, refund payments and voids that go with them.

The schema is the real one: the file is created and migrated by `Clinic.open`, and the
catalogue (staff, treatment types, package templates, a no-show fee) is added through the
services. The bulk rows are then written straight into SQLite with executemany, in a few
transactions, with the secondary indexes dropped during the load and recreated afterwards
from the very SQL the migrations wrote (so the file ends with exactly the schema's indexes).

The ledger stays consistent, as if every row had gone through the services:
- each invoice's subtotal/tax/total is the sum of its lines; invoice numbers are gapless and
  follow time; `next_invoice_number` continues after the last one;
- no payment is applied beyond its amount, no invoice beyond its total; package refunds are a
  negative line plus a negative application (reason package_refund), voids a negative
  application (reason void), refund payments come out of what is unapplied;
- a package is never redeemed more than its uses, before its purchase or after its expiry;
  each redemption has its arrived (or covered no-show) appointment and the visit's invoice;
  refunded and voided packages hold no booked appointment; booked + redeemed <= uses.
`--verify` re-checks these invariants with SQL at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain.packages import value_given  # noqa: E402
from app.services import Clinic  # noqa: E402
from app.services.money import prorate, tax_included_in, tax_on  # noqa: E402
from app.services.validity import expiry_for  # noqa: E402

try:
    from app.services.patients import search_key  # noqa: E402
except ImportError:  # before migration 0004
    search_key = None

DEFAULT_OUT = ROOT / "bench" / "data" / "large.db"
METHODS = ("cash", "debit", "credit_card", "credit_card", "debit", "e_transfer", "cheque")

FIRST = ("Maria Mark Martin Martha Marc Mario Marta Marie Marisa Mary Ana Ben Chloe Daniel Emma "
         "Ethan Fatima Gabriel Hannah Isaac Jasmine Julien Kevin Laura Liam Lucas Mei Mohamed "
         "Nadia Noah Olivia Omar Priya Quinn Rachel Rosa Samuel Sofia Thomas Uma Victor Wei "
         "Xavier Yara Zoe Aiden Brigitte Carlos Diane Elena Felix Grace Hugo Irene Jacques Karen "
         "Leo Monique Nathan Pierre Sarah Tariq Valerie William").split()
LAST = ("Martin Martinez Marshall Marsh Marino Markham Mason Lopez Silva Okafor Smith Johnson "
        "Williams Brown Jones Garcia Miller Davis Rodriguez Wilson Anderson Taylor Thomas Moore "
        "Jackson Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright "
        "Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell "
        "Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson "
        "Reed Bailey Bell Gomez Kelly Howard Ward Cox Diaz Richardson Wood Watson Brooks Bennett "
        "Gray James Reyes Cruz Hughes Price Myers Long Foster Sanders Ross Morales Powell "
        "Sullivan Russell Ortiz Jenkins Gutierrez Perry Butler Barnes Fisher Henderson Coleman "
        "Simmons Patterson Jordan Reynolds Hamilton Graham Kim Gonzales Alexander Ramos Wallace "
        "Griffin West Cole Hayes Chavez Gibson Bryant Ellis Stevens Murray Ford Castro Tremblay "
        "Gagnon Roy Cote Bouchard Gauthier Morin Lavoie Fortin Gagne Ouellet Pelletier Belanger "
        "Levesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dube "
        "Poirier Fournier Lapointe Leclerc Lefebvre Poulin Thibault St-Pierre Nadeau Martel "
        "Gilbert Mercier").split()

PRACTITIONERS = 30
TREATMENTS = [  # name, minutes, price, tax
    ("Massage 60 min", 60, 9000, "0"),
    ("Massage 30 min", 30, 5500, "0"),
    ("Physio initial", 60, 12000, "0.15"),
    ("Physio follow-up", 30, 8500, "0.15"),
    ("Acupuncture", 45, 7500, "0"),
    ("Chiropractic", 30, 6500, "0"),
]
TEMPLATES = [  # name, price, uses, tax, validity, {treatment index: patient pays}, weight
    ("10 Massages", 80000, 10, "0", "6m", {0: 0}, 20),
    ("5 Massages", 42500, 5, "0", "1y", {0: 0, 1: 0}, 20),
    ("3 Physio", 10000, 3, "0.15", None, {3: 1000}, 15),
    ("6 Physio", 45000, 6, "0.15", "1y", {2: 2000, 3: 1000}, 10),
    ("5 Acupuncture", 33333, 5, "0", "6m", {4: 0}, 12),
    ("4 Chiropractic", 24000, 4, "0", "90d", {5: 0}, 10),
    ("12 Chiropractic", 70000, 12, "0", "1y", {5: 0}, 5),
    ("8 Wellness", 60000, 8, "0", None, {1: 0, 4: 500, 5: 0}, 8),
]
SLOTS = 16  # hourly slots from 07:00, per practitioner per day
FIRST_HOUR = 7


def dt_text(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


class Gen:
    def __init__(self, out: Path, scale: float, seed: int, today: date):
        self.out = out
        self.rng = random.Random(seed)
        self.today = today
        self.n_patients = int(100_000 * scale)
        self.n_appointments = int(1_000_000 * scale)
        self.n_packages = int(100_000 * scale)
        self.n_redemptions = int(500_000 * scale)
        self.first_day = date(today.year - 10, today.month, min(today.day, 28))
        self.days = (today - self.first_day).days  # past days: first_day .. today-1
        self.ahead = 28  # booked: today .. today+27

    # ---------------------------------------------------------------- catalogue via services
    def create(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.out}{suffix}").unlink(missing_ok=True)
        clinic = Clinic.open(self.out, clock=lambda: datetime.combine(self.first_day,
                                                                     datetime.min.time()))
        try:
            clinic.settings.update(name="Harbour Physio & Massage (benchmark)",
                                   address="12 Main St\nHalifax NS", currency="CAD",
                                   locale="en_CA", tax_number="123456789 RT0001",
                                   setup_complete=True)
            self.staff = [clinic.staff.add(f"Practitioner {i + 1:02d}", practitioner=True)
                          for i in range(PRACTITIONERS)]
            self.desk = [clinic.staff.add(name, practitioner=False)
                         for name in ("Front Desk A", "Front Desk B")]
            self.tts = [clinic.catalog.add_treatment_type(name, duration_min=minutes,
                                                          price=price, tax_rate=Decimal(tax))
                        for name, minutes, price, tax in TREATMENTS]
            self.templates = [
                clinic.catalog.add_package_template(
                    name, price=price, uses=uses, tax_rate=Decimal(tax), validity=validity,
                    eligible={self.tts[i]: pays for i, pays in eligible.items()})
                for name, price, uses, tax, validity, eligible, _ in TEMPLATES]
            self.fee_id = clinic.settings.add_no_show_fee("Missed appointment", 4000)
        finally:
            clinic.close()
        con = sqlite3.connect(self.out)
        try:
            columns = {row[1] for row in con.execute("PRAGMA table_info(patients)")}
        finally:
            con.close()
        # Patients' folded search keys (migration 0004), filled as the service fills them.
        self.patient_keys = {"first_key", "last_key", "email_key"} <= columns
        if self.patient_keys:
            self.COLUMNS = dict(self.COLUMNS, patients=self.COLUMNS["patients"]
                                + ", first_key, last_key, email_key")

    # ---------------------------------------------------------------- the plan, in memory
    def day(self, offset: int) -> date:
        return self.first_day + timedelta(days=offset)

    def plan(self) -> None:
        rng = self.rng
        today_off = self.days
        # packages: (patient, template index, purchase offset, expiry date|None, seller|None)
        weights = [t[6] for t in TEMPLATES]
        tindex = rng.choices(range(len(TEMPLATES)), weights=weights, k=self.n_packages)
        packages = []
        for i in range(self.n_packages):
            t = tindex[i]
            bought = rng.randrange(0, today_off)
            expires = expiry_for(self.day(bought), TEMPLATES[t][4])
            seller = rng.choice(self.staff) if rng.random() < 0.10 else None
            packages.append([rng.randrange(1, self.n_patients + 1), t, bought, expires, seller])
        packages.sort(key=lambda p: p[2])
        self.packages = packages
        # how many uses each package has redeemed, in the days it could be used on; a
        # package to be refunded (2%) stops being used the day before its refund
        to_refund = [rng.random() < 0.025 for _ in packages]
        windows, wanted = [], []
        for i, (patient, t, bought, expires, seller) in enumerate(packages):
            last = today_off - 1
            if expires is not None:
                last = min(last, (expires - self.first_day).days)
            if to_refund[i]:
                last -= 1
            room = max(0, last - bought + 1)
            windows.append((bought, last, room))
            uses = TEMPLATES[t][2]
            age = (today_off - bought) / 365
            share = 1.0 if rng.random() < 0.55 else rng.random()
            share *= min(1.0, age * 3 + 0.1)
            wanted.append(min(uses - to_refund[i], room, round(uses * share)))
        total = sum(wanted)
        target = self.n_redemptions
        order = list(range(len(packages)))
        while total != target:
            rng.shuffle(order)
            changed = False
            for i in order:
                if total == target:
                    break
                most = min(TEMPLATES[packages[i][1]][2] - to_refund[i], windows[i][2])
                if total < target and wanted[i] < most:
                    wanted[i] += 1
                    total += 1
                    changed = True
                elif total > target and wanted[i] > 0:
                    wanted[i] -= 1
                    total -= 1
                    changed = True
            if not changed:
                break
        # status: refunded (with uses left), void (0.5%: never used); the rest active
        status = ["active"] * len(packages)
        for i, (patient, t, bought, expires, seller) in enumerate(packages):
            if to_refund[i] and bought + 2 < today_off:
                status[i] = "refunded"
            elif wanted[i] == 0 and bought + 3 < today_off and rng.random() < 0.03:
                status[i] = "void"
        refund_day = [None] * len(packages)
        self.status, self.wanted = status, wanted

        # appointments: [day offset, patient, treatment idx, status, package idx|None,
        #                compensate, preferred staff|None, reason]
        appts = []
        redemption_of = []  # appointment list index -> (package idx, reason) for redemptions
        for i, (patient, t, bought, expires, seller) in enumerate(packages):
            k = wanted[i]
            first, last, room = windows[i]
            # weekly-ish sessions from the purchase on, squeezed when the window is short
            gap = rng.randint(4, 14)
            if k * gap > room:
                gap = max(1, room // k) if k else 1
            days = [first + j * gap + rng.randrange(gap) for j in range(k)]
            eligible = list(TEMPLATES[t][5])
            practitioner = (seller if seller is not None and rng.random() < 0.5
                            else rng.choice(self.staff))
            unassigned = seller is not None and rng.random() < 0.7  # R7 handled at sale
            for d in days:
                reason = "no_show" if rng.random() < 0.03 else "arrived"
                redemption_of.append(len(appts))
                appts.append([d, patient, rng.choice(eligible), reason, i,
                              not unassigned, practitioner])
            if status[i] == "refunded":
                lo = (days[-1] + 1) if days else first + 1
                hi = min(last + 1, today_off - 1)
                refund_day[i] = min(rng.randrange(lo, max(lo, hi) + 1), today_off - 1)
            # some active packages hold a booked use in the next four weeks (R11)
            if (status[i] == "active" and k < TEMPLATES[t][2] and rng.random() < 0.2):
                d = today_off + rng.randrange(0, self.ahead)
                if expires is None or self.day(d) <= expires:
                    appts.append([d, patient, rng.choice(eligible), "booked", i, True,
                                  practitioner])
        self.refund_day = refund_day
        # the other appointments: standard-priced visits
        remaining = self.n_appointments - len(appts)
        span = today_off + self.ahead
        for _ in range(max(0, remaining)):
            d = rng.randrange(0, span)
            if d >= today_off:
                st = "booked"
            else:
                r = rng.random()
                st = "arrived" if r < 0.90 else ("no_show" if r < 0.94 else "cancelled")
            appts.append([d, rng.randrange(1, self.n_patients + 1),
                          rng.randrange(len(TREATMENTS)), st, None, True, None])
        # times: per day, hourly slots per practitioner, no double booking
        by_day: dict[int, list[int]] = {}
        for idx, a in enumerate(appts):
            by_day.setdefault(a[0], []).append(idx)
        start_of = [None] * len(appts)
        staff_of = [0] * len(appts)
        n_staff = len(self.staff)
        for d, idxs in by_day.items():
            used = [0] * n_staff
            rng.shuffle(idxs)
            base = datetime.combine(self.day(d), datetime.min.time())
            for idx in idxs:
                pref = appts[idx][6]
                s = self.staff.index(pref) if pref is not None else rng.randrange(n_staff)
                tries = 0
                while used[s] >= SLOTS and tries < 4 * n_staff:
                    s = rng.randrange(n_staff)
                    tries += 1
                if used[s] >= SLOTS:
                    s = min(range(n_staff), key=used.__getitem__)
                    if used[s] >= SLOTS:
                        raise SystemExit(f"{self.day(d)}: more appointments than "
                                         f"{n_staff} practitioners x {SLOTS} slots")
                slot = used[s]
                used[s] += 1
                staff_of[idx] = self.staff[s]
                start_of[idx] = base + timedelta(hours=FIRST_HOUR + slot)
        order = sorted(range(len(appts)), key=lambda i: (start_of[i], staff_of[i]))
        self.appts = [(appts[i], start_of[i], staff_of[i]) for i in order]

    # ---------------------------------------------------------------- rows
    def rows(self) -> None:
        rng = self.rng
        self.patient_rows = []
        created0 = datetime.combine(self.first_day, datetime.min.time())
        for pid in range(1, self.n_patients + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            digits = f"902{rng.randrange(2000000, 9999999):07d}"
            phone = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
            email = f"{first.lower()}.{last.lower()}{pid}@example.com"
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 29000))
            created = created0 + timedelta(minutes=rng.randrange(0, self.days * 1440))
            row = (pid, first, last, phone, digits, email, born.isoformat(), "", 1,
                   dt_text(created))
            if self.patient_keys:
                row += (search_key(first), search_key(last), email.casefold())
            self.patient_rows.append(row)

        tts = self.tts
        # invoices are numbered in time order: collect (datetime, kind, ref) and sort
        events = []
        for i, (patient, t, bought, expires, seller) in enumerate(self.packages):
            when = datetime.combine(self.day(bought), datetime.min.time()) + timedelta(
                hours=8, minutes=rng.randrange(0, 420))
            events.append((when, 0, i))
        appt_rows = []
        for aid, (a, start, staff) in enumerate(self.appts, start=1):
            d, patient, t, st, pkg, compensate, _ = a
            duration = TREATMENTS[t][1]
            created = start - timedelta(days=rng.randrange(1, 30), minutes=rng.randrange(0, 600))
            appt_rows.append([aid, patient, staff, tts[t], dt_text(start),
                              dt_text(start + timedelta(minutes=duration)), st,
                              None if pkg is None else pkg + 1, None, None,
                              1 if compensate else 0, "", dt_text(created), 1])
            if st == "arrived" or (st == "no_show" and pkg is not None):
                events.append((start, 1, aid))
            elif st == "no_show" and rng.random() < 0.5:
                events.append((start, 2, aid))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        pkg_ids = {}  # package index -> id (ids in purchase order)
        for i in range(len(self.packages)):
            pkg_ids[i] = i + 1

        invoices, lines, payments, applications = [], [], [], []
        redemptions, coverage, refunds, payment_refunds, pkg_rows = [], [], [], [], []
        line_id = 0
        pay_id = 0
        app_id = 0
        invoice_of_package = {}
        payments_of_package = {}
        redeemed_so_far = [0] * len(self.packages)

        def pay(patient, invoice_id, amount, when, method=None):
            nonlocal pay_id, app_id
            pay_id += 1
            payments.append((pay_id, patient, dt_text(when), method or rng.choice(METHODS),
                             amount, "", None))
            app_id += 1
            applications.append((app_id, pay_id, invoice_id, amount, dt_text(when), None,
                                 "payment"))
            return pay_id

        for number, (when, kind, ref) in enumerate(events, start=1):
            inv = number
            if kind == 0:
                patient, t, bought, expires, seller = self.packages[ref]
                name, price, uses, tax_text, validity, eligible, _ = TEMPLATES[t]
                rate = Decimal(tax_text)
                tax = tax_on(price, rate)
                total = price + tax
                pid = pkg_ids[ref]
                invoice_of_package[ref] = inv
                invoices.append([inv, number, patient, self.day(bought).isoformat(),
                                 dt_text(when), None, price, tax, total, None, None, ""])
                line_id += 1
                lines.append((line_id, inv, 1, "package", f"Package: {name}", seller, 1, price,
                              str(rate.normalize()) if rate else "0", tax, total, pid, None,
                              None))
                pkg_rows.append((pid, patient, self.templates[t], inv, name, price,
                                 str(rate.normalize()) if rate else "0", uses,
                                 self.day(bought).isoformat(),
                                 expires.isoformat() if expires else None, seller,
                                 self.status[ref], dt_text(when)))
                for tt_index, pays in eligible.items():
                    coverage.append((len(coverage) + 1, pid, tts[tt_index], pays))
                # payment: most at once, some in two parts, a few never
                r = rng.random()
                paid = []
                if r < 0.85:
                    paid.append(pay(patient, inv, total, when))
                elif r < 0.97:
                    first_part = total // 2
                    paid.append(pay(patient, inv, first_part, when))
                    if r < 0.94:
                        paid.append(pay(patient, inv, total - first_part,
                                        when + timedelta(days=rng.randrange(7, 40))))
                payments_of_package[ref] = paid
            elif kind == 1:
                a, start, staff = self.appts[ref - 1]
                d, patient, t, st, pkg, compensate, _ = a
                row = appt_rows[ref - 1]
                row[9] = inv  # invoice_id
                tname, minutes, tprice, ttax = TREATMENTS[t]
                rate = Decimal(ttax)
                when_text = f"{start:%Y-%m-%d %H:%M}"
                visit = f"{'No show: ' if st == 'no_show' else ''}{tname} ({when_text})"
                line_staff = staff if compensate else None
                if pkg is not None:
                    pname, _, uses = TEMPLATES[self.packages[pkg][1]][:3]
                    pays = TEMPLATES[self.packages[pkg][1]][5][t]
                    redeemed_so_far[pkg] += 1
                    use = redeemed_so_far[pkg]
                    tax = tax_on(pays, rate)
                    invoices.append([inv, number, patient, start.date().isoformat(),
                                     dt_text(start), None, pays, tax, pays + tax, None, None,
                                     ""])
                    line_id += 1
                    lines.append((line_id, inv, 1, "patient_pays",
                                  f"{visit}, covered by {pname} (use {use} of {uses})",
                                  line_staff, 1, pays, str(rate.normalize()) if rate else "0",
                                  tax, pays + tax, pkg_ids[pkg], ref, tts[t]))
                    redemptions.append((len(redemptions) + 1, pkg_ids[pkg], ref,
                                        start.date().isoformat(), inv, pays, st,
                                        dt_text(start), None, None, None, use))
                    if pays + tax > 0 and rng.random() < 0.97:
                        pay(patient, inv, pays + tax, start)
                else:
                    tax = tax_on(tprice, rate)
                    invoices.append([inv, number, patient, start.date().isoformat(),
                                     dt_text(start), None, tprice, tax, tprice + tax, None,
                                     None, ""])
                    line_id += 1
                    lines.append((line_id, inv, 1, "treatment", visit, line_staff, 1, tprice,
                                  str(rate.normalize()) if rate else "0", tax, tprice + tax,
                                  None, ref, tts[t]))
                    if rng.random() < 0.97:
                        pay(patient, inv, tprice + tax, start)
            else:  # no-show fee
                a, start, staff = self.appts[ref - 1]
                patient = a[1]
                appt_rows[ref - 1][9] = inv
                invoices.append([inv, number, patient, start.date().isoformat(), dt_text(start),
                                 None, 4000, 0, 4000, None, None, ""])
                line_id += 1
                lines.append((line_id, inv, 1, "no_show_fee",
                              f"Missed appointment ({start:%Y-%m-%d %H:%M})", None, 1, 4000, "0",
                              0, 4000, None, ref, None))
                if rng.random() < 0.7:
                    pay(patient, inv, 4000, start + timedelta(days=rng.randrange(0, 20)))
        self.next_number = len(events) + 1

        # refunds and voids: negative lines/applications on the sale invoices (R26-R28, R29)
        pay_amount = {p[0]: p[4] for p in payments}
        for i, st in enumerate(self.status):
            if st not in ("refunded", "void"):
                continue
            patient, t, bought, expires, seller = self.packages[i]
            name, price, uses, tax_text = TEMPLATES[t][:4]
            rate = Decimal(tax_text)
            inv = invoice_of_package[i]
            invoice = invoices[inv - 1]
            paid = payments_of_package[i]
            collected = sum(pay_amount[p] for p in paid)
            if st == "void":
                when = datetime.combine(self.day(bought + rng.randrange(1, 3)),
                                        datetime.min.time()) + timedelta(hours=17)
                invoice[9] = dt_text(when)
                invoice[11] = "Sold by mistake"
                for p in reversed(paid):
                    app_id += 1
                    applications.append((app_id, p, inv, -pay_amount[p], dt_text(when), None,
                                         "void"))
                    if rng.random() < 0.8:
                        payment_refunds.append((len(payment_refunds) + 1, p, patient,
                                                pay_amount[p], payments[p - 1][3],
                                                dt_text(when), None, None, ""))
                continue
            when = datetime.combine(self.day(self.refund_day[i]), datetime.min.time()) + \
                timedelta(hours=16)
            remaining = uses - self.wanted[i]
            suggested = min(prorate(price + tax_on(price, rate), remaining, uses), collected)
            amount = suggested
            line_ref = None
            # R28a (refund_rules.settle_invoice): the invoice then asks for no more than the
            # larger of what the clinic keeps and the value of the uses given; the rest of it
            # is cancelled by one line, which is the refund itself when all was paid.
            given = value_given(price + tax_on(price, rate), uses, self.wanted[i])
            cancelled = invoice[8] - max(collected - amount, given)
            if cancelled > 0:
                tax = tax_included_in(cancelled, rate) if rate else 0
                line_id += 1
                line_ref = line_id
                lines.append((line_id, inv, 2, "package_refund", f"Refund of package: {name}",
                              None, 1, -(cancelled - tax),
                              str(rate.normalize()) if rate else "0", -tax, -cancelled,
                              pkg_ids[i], None, None))
                invoice[6] -= cancelled - tax
                invoice[7] -= tax
                invoice[8] -= cancelled
            if amount:
                left = amount
                for p in reversed(paid):  # newest payment first, as ledger.unapply does
                    take = min(left, pay_amount[p])
                    if take <= 0:
                        break
                    app_id += 1
                    applications.append((app_id, p, inv, -take, dt_text(when), None,
                                         "package_refund"))
                    left -= take
            refunds.append((len(refunds) + 1, pkg_ids[i], amount, suggested, remaining,
                            line_ref, dt_text(when), None))
            if amount and paid and rng.random() < 0.7:
                p = paid[-1]
                back = min(amount, pay_amount[p])
                payment_refunds.append((len(payment_refunds) + 1, p, patient, back,
                                        payments[p - 1][3], dt_text(when), None,
                                        len(refunds), ""))
        self.tables = {
            "patients": self.patient_rows,
            "invoices": invoices,
            "packages": pkg_rows,
            "package_coverage": coverage,
            "appointments": appt_rows,
            "invoice_lines": lines,
            "payments": payments,
            "payment_applications": applications,
            "redemptions": redemptions,
            "package_refunds": refunds,
            "payment_refunds": payment_refunds,
        }

    # ---------------------------------------------------------------- writing
    COLUMNS = {
        "patients": "id, first_name, last_name, phone, phone_digits, email, birth_date, notes, "
                    "active, created_at",
        "invoices": "id, number, patient_id, issued_on, created_at, created_by, subtotal, tax, "
                    "total, voided_at, voided_by, void_reason",
        "packages": "id, patient_id, template_id, invoice_id, name, price, tax_rate, uses_total, "
                    "purchased_on, expires_on, staff_id, status, created_at",
        "package_coverage": "id, package_id, treatment_type_id, patient_pays",
        "appointments": "id, patient_id, staff_id, treatment_type_id, start, \"end\", status, "
                        "package_id, released_package_id, invoice_id, compensate_staff, notes, "
                        "created_at, version",
        "invoice_lines": "id, invoice_id, line_no, kind, description, staff_id, quantity, "
                         "unit_price, tax_rate, tax, total, package_id, appointment_id, "
                         "treatment_type_id",
        "payments": "id, patient_id, received_at, method, amount, reference, created_by",
        "payment_applications": "id, payment_id, invoice_id, amount, created_at, created_by, "
                                "reason",
        "redemptions": "id, package_id, appointment_id, redeemed_on, invoice_id, patient_pays, "
                       "reason, created_at, created_by, voided_at, voided_by, use_number",
        "package_refunds": "id, package_id, amount, suggested, uses_remaining, invoice_line_id, "
                           "refunded_at, created_by",
        "payment_refunds": "id, payment_id, patient_id, amount, method, refunded_at, created_by, "
                           "package_refund_id, note",
    }

    def write(self) -> dict[str, int]:
        con = sqlite3.connect(self.out, isolation_level=None)
        con.execute("PRAGMA journal_mode = DELETE")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA cache_size = -500000")
        con.execute("PRAGMA temp_store = MEMORY")
        indexes = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                              "sql IS NOT NULL AND tbl_name IN (%s)" % ",".join(
                                  f"'{t}'" for t in self.tables)).fetchall()
        for name, _ in indexes:
            con.execute(f'DROP INDEX "{name}"')
        counts = {}
        for table, rows in self.tables.items():
            cols = self.COLUMNS[table]
            marks = ", ".join("?" * len(cols.split(",")))
            con.execute("BEGIN")
            for at in range(0, len(rows), 200_000):
                con.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                                rows[at:at + 200_000])
            con.execute("COMMIT")
            counts[table] = len(rows)
        con.execute("BEGIN")
        for _, sql in indexes:
            con.execute(sql)
        con.execute("UPDATE clinic_settings SET next_invoice_number = ?", (self.next_number,))
        con.execute("COMMIT")
        con.execute("PRAGMA journal_mode = WAL")
        con.close()
        return counts


VERIFY = {
    "invoice totals are the sum of their lines": """
        SELECT count(*) FROM invoices i JOIN (SELECT invoice_id, sum(unit_price * quantity) net,
          sum(tax) tax, sum(total) total FROM invoice_lines GROUP BY invoice_id) l
          ON l.invoice_id = i.id
        WHERE i.subtotal != l.net OR i.tax != l.tax OR i.total != l.total""",
    "no payment applied beyond its amount (or refunded beyond what is free)": """
        SELECT count(*) FROM payments p
        LEFT JOIN (SELECT payment_id, sum(amount) a FROM payment_applications
                   GROUP BY payment_id) a ON a.payment_id = p.id
        LEFT JOIN (SELECT payment_id, sum(amount) r FROM payment_refunds
                   GROUP BY payment_id) r ON r.payment_id = p.id
        WHERE coalesce(a.a, 0) < 0 OR coalesce(a.a, 0) + coalesce(r.r, 0) > p.amount""",
    "no invoice paid beyond its total, nothing left applied to a void invoice": """
        SELECT count(*) FROM invoices i JOIN (SELECT invoice_id, sum(amount) a
          FROM payment_applications GROUP BY invoice_id) a ON a.invoice_id = i.id
        WHERE a.a > i.total OR a.a < 0 OR (i.voided_at IS NOT NULL AND a.a != 0)""",
    "invoice numbers are gapless": """
        SELECT (SELECT max(number) FROM invoices) - (SELECT count(*) FROM invoices)
          + ((SELECT next_invoice_number FROM clinic_settings) - 1
             - (SELECT max(number) FROM invoices))""",
    "no package redeemed beyond its uses (with the uses its bookings hold)": """
        SELECT count(*) FROM packages p
        WHERE (SELECT count(*) FROM redemptions r WHERE r.package_id = p.id
               AND r.voided_at IS NULL)
            + (SELECT count(*) FROM appointments a WHERE a.package_id = p.id
               AND a.status = 'booked') > p.uses_total""",
    "redemptions inside the package's life": """
        SELECT count(*) FROM redemptions r JOIN packages p ON p.id = r.package_id
        WHERE r.redeemed_on < p.purchased_on
           OR (p.expires_on IS NOT NULL AND r.redeemed_on > p.expires_on)""",
    "each redemption's appointment is arrived/no-show, carries its package and invoice": """
        SELECT count(*) FROM redemptions r JOIN appointments a ON a.id = r.appointment_id
        WHERE a.status NOT IN ('arrived', 'no_show') OR a.package_id != r.package_id
           OR a.invoice_id != r.invoice_id OR date(a.start) != r.redeemed_on""",
    "each package's uses numbered 1, 2, ... by date (R3, stored since 0006)": """
        SELECT count(*) FROM redemptions r WHERE r.use_number IS NOT (
          SELECT count(*) FROM redemptions b WHERE b.package_id = r.package_id
            AND b.voided_at IS NULL AND (b.redeemed_on, b.id) <= (r.redeemed_on, r.id))""",
    "refunded and void packages hold no booked appointment": """
        SELECT count(*) FROM appointments a JOIN packages p ON p.id = a.package_id
        WHERE a.status = 'booked' AND p.status != 'active'""",
    "no practitioner double-booked": """
        SELECT count(*) FROM (SELECT staff_id, start FROM appointments
          WHERE status IN ('booked', 'arrived') GROUP BY staff_id, start HAVING count(*) > 1)""",
}


def verify(path: Path) -> bool:
    con = sqlite3.connect(path)
    ok = True
    for what, sql in VERIFY.items():
        bad = con.execute(sql).fetchone()[0]
        print(f"  {'ok ' if not bad else 'BAD'} {what}" + (f": {bad}" if bad else ""))
        ok = ok and not bad
    con.close()
    # and the program's own invariants, as its tests hold every clinic to them
    from app.services.integrity import ledger_problems

    clinic = Clinic.open(path)
    try:
        problems = ledger_problems(clinic)
    finally:
        clinic.close()
    for problem in problems:
        print(f"  BAD {problem}")
    print(f"  {'ok ' if not problems else 'BAD'} the program's ledger invariants "
          "(app.services.integrity)")
    return ok and not problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--db-url", help="also load the clinic into this empty PostgreSQL "
                        "database (bench/generate_pg.py); an existing --out file is reused")
    parser.add_argument("--postgresql", action="store_true", help="load it into a server "
                        "started for the purpose and stopped after (times the load)")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if (args.db_url or args.postgresql) and args.out.exists():
        return _load(args)
    gen = Gen(args.out.resolve(), args.scale, args.seed, args.today)
    t0 = time.perf_counter()
    gen.create()
    gen.plan()
    t1 = time.perf_counter()
    gen.rows()
    t2 = time.perf_counter()
    counts = gen.write()
    t3 = time.perf_counter()
    print(f"built {args.out} in {t3 - t0:.1f} s (plan {t1 - t0:.1f} s, rows {t2 - t1:.1f} s, "
          f"write+index {t3 - t2:.1f} s); {os.path.getsize(args.out) / 1e6:.0f} MB")
    for table, n in counts.items():
        print(f"  {table:22} {n:>10,}")
    if args.verify:
        print("verifying ledger invariants:")
        if not verify(args.out):
            return 1
    return _load(args) if args.db_url or args.postgresql else 0


def _load(args) -> int:
    from bench import generate_pg, pg_server

    if args.db_url:
        try:
            generate_pg.load(args.out, args.db_url)
        except RuntimeError as refused:  # a database in use, or a copy that differs
            print(refused, file=sys.stderr)
            return 2
        return 0
    with pg_server.running() as server:
        generate_pg.load(args.out, pg_server.database(server, "clinicdesk_bench"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
