"""The small clinic every case starts from: built once through the Clinic facade into a
template folder, then copied per case (a file copy is ~100x cheaper than seeding again)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from app.services import Clinic

#: The clock every case runs at: a Tuesday, after everything the seed did.
NOW = datetime(2026, 3, 10, 9, 0)
MANAGER_PIN = "2468"
DESK_PIN = "1357"


class _Clock:
    def __init__(self, start: datetime):
        self.current = start

    def __call__(self) -> datetime:
        return self.current


@dataclass
class Seed:
    """Ids of what the seed made, by what a case needs them for."""
    ids: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> int:
        return self.ids[key]

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1), "utf-8")

    @classmethod
    def load(cls, path: Path) -> Seed:
        return cls(**json.loads(path.read_text("utf-8")))


def build(folder: Path) -> Seed:
    """Seed `folder`/clinic.db (and one backup in `folder`/backups); return the ids."""
    folder.mkdir(parents=True, exist_ok=True)
    clock = _Clock(datetime(2026, 3, 2, 9, 0))
    ids: dict[str, int] = {}
    with Clinic.open(folder / "clinic.db", clock=clock) as c:
        c.settings.update(name="Harbour Physio", address="12 Main St\nHalifax NS",
                          currency="CAD", locale="en_CA", tax_number="123456789 RT0001",
                          setup_complete=True)
        ids["manager"] = c.staff.add("Ana Silva", practitioner=True, role="manager")
        ids["desk"] = c.staff.add("Ben Okafor", practitioner=True)
        ids["clerk"] = c.staff.add("Chloe Desk", practitioner=False)
        ids["staff_inactive"] = c.staff.add("Dan Gone", practitioner=True)
        c.staff.update(ids["staff_inactive"], active=False)
        c.auth.set_secret(ids["manager"], MANAGER_PIN)
        c.auth.set_secret(ids["desk"], DESK_PIN)
        ids["massage"] = c.catalog.add_treatment_type("Massage 60 min", duration_min=60,
                                                      price=9000)
        ids["physio"] = c.catalog.add_treatment_type("Physio follow-up", duration_min=30,
                                                     price=8500, tax_rate=Decimal("0.15"))
        ids["acu"] = c.catalog.add_treatment_type("Acupuncture", duration_min=45, price=7500)
        ids["treatment_inactive"] = c.catalog.add_treatment_type("Old thing", duration_min=30,
                                                                 price=1000)
        c.catalog.update_treatment_type(ids["treatment_inactive"], active=False)
        ids["template"] = c.catalog.add_package_template(
            "10 Massages", price=80000, uses=10, eligible={ids["massage"]: 0}, validity="6m")
        ids["template_physio"] = c.catalog.add_package_template(
            "3 Physio", price=10000, uses=3, eligible={ids["physio"]: 1000}, validity=None)
        ids["template_archived"] = c.catalog.add_package_template(
            "Old 5 Acu", price=30000, uses=5, eligible={ids["acu"]: 0})
        c.catalog.archive_package_template(ids["template_archived"])
        ids["fee"] = c.settings.add_no_show_fee("Missed appointment", 4000)
        ids["fee_inactive"] = c.settings.add_no_show_fee("Old fee", 1000)
        c.settings.update_no_show_fee(ids["fee_inactive"], active=False)
        p = ids["patient"] = c.patients.add("Maria", "Lopez", phone="902-555-0101",
                                            email="maria@example.com")
        o = ids["other_patient"] = c.patients.add("John", "Other", phone="902-555-0102")
        ids["third_patient"] = c.patients.add("Zed", "Third")
        # Maria: 10 Massages paid $700 cash + $100 debit, two uses redeemed (as two_payments).
        sale = c.billing.sell_package(p, ids["template"])
        ids["package"], ids["package_invoice"] = sale.package_id, sale.invoice_id
        ids["payment"] = c.billing.receive_payment(p, 70000, "cash", invoice_id=sale.invoice_id)
        ids["payment_debit"] = c.billing.receive_payment(p, 10000, "debit",
                                                         invoice_id=sale.invoice_id)
        for day in (3, 4):
            clock.current = datetime(2026, 3, day, 9, 0)
            a = c.schedule.book(p, ids["manager"], ids["massage"], datetime(2026, 3, day, 10))
            ids["invoice_redeemed"] = c.schedule.arrive(a)
            ids["appointment_arrived"] = a
        clock.current = datetime(2026, 3, 5, 9, 0)
        # A sale voided by mistake: a voided invoice.
        voided = c.billing.sell_package(o, ids["template_physio"])
        c.billing.void_invoice(voided.invoice_id, "sold by mistake")
        ids["invoice_voided"], ids["package_voided"] = voided.invoice_id, voided.package_id
        # John's own package (unpaid): "another patient's package" for Maria's cases.
        other = c.billing.sell_package(o, ids["template"])
        ids["other_package"], ids["other_invoice"] = other.package_id, other.invoice_id
        # Maria overpays: credit to refund or apply.
        ids["payment_credit"] = c.billing.receive_payment(p, 15000, "cash")
        ids["refund_payment"] = c.billing.refund_payment(ids["payment_credit"], 2000)
        # A visit at the standard price left owing (after the credit, which would pay it).
        a = c.schedule.book(p, ids["desk"], ids["acu"], datetime(2026, 3, 5, 11), package=None)
        ids["invoice_open"] = c.schedule.arrive(a)
        ids["appointment_arrived_open"] = a
        # Zed: a package half paid then refunded (a package refund and its receipt).
        z = ids["third_patient"]
        half = c.billing.sell_package(z, ids["template_physio"])
        ids["package_refunded"], ids["package_refunded_invoice"] = half.package_id, \
            half.invoice_id
        ids["payment_half"] = c.billing.receive_payment(z, 5000, "debit",
                                                        invoice_id=half.invoice_id)
        ids["package_refund"] = c.packages.refund(half.package_id, 5000).package_refund_id
        clock.current = datetime(2026, 3, 6, 9, 0)
        # The schedule ahead: booked (covered), cancelled and a no-show.
        ids["appointment"] = c.schedule.book(p, ids["manager"], ids["massage"],
                                             datetime(2026, 3, 12, 10))
        ids["appointment_other"] = c.schedule.book(o, ids["desk"], ids["physio"],
                                                   datetime(2026, 3, 12, 14), package=None)
        cancelled = c.schedule.book(p, ids["desk"], ids["acu"], datetime(2026, 3, 13, 9),
                                    package=None)
        c.schedule.cancel(cancelled)
        ids["appointment_cancelled"] = cancelled
        missed = c.schedule.book(o, ids["desk"], ids["physio"], datetime(2026, 3, 6, 10),
                                 package=None)
        clock.current = datetime(2026, 3, 6, 12, 0)
        ids["invoice_no_show"] = c.schedule.no_show(missed, use_package=False, fee_id=ids["fee"])
        ids["appointment_no_show"] = missed
        ids["appointment_plain"] = c.schedule.book(p, ids["desk"], ids["massage"],
                                                   datetime(2026, 3, 13, 15), package=None)
        clock.current = NOW
        ids["audit_head"] = c.audit.entries(limit=1)[0].id
        c.backup.create()
    _files(folder)
    seed = Seed(ids)
    seed.save(folder / "seed.json")
    return seed


def _files(folder: Path) -> None:
    """The file targets a case aims at, beside the clinic file: a folder to save in, a CSV to
    import, a symlink to the clinic file, a read-only folder, the desk's home folder."""
    (folder / "out").mkdir()
    (folder / "home").mkdir(exist_ok=True)
    (folder / "out" / "patients.csv").write_text(
        "first_name,last_name,phone,email\nNew,Patient,902-555-0177,new@example.com\n",
        "utf-8")
    (folder / "link.db").symlink_to("clinic.db")
    (folder / "readonly").mkdir()
    (folder / "readonly").chmod(0o555)
