"""R35 opening balances: with one sales tax rate in the chart, Sales Tax Payable is summed
from the invoices' own stored tax (opening.balance_sheet's fast path); it must give what
the per-rate sums of the lines give, through sales, a taxed package refund's "Unused uses
cancelled" line and a void."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from app.services.accounting.opening import balance_sheet

MAR = lambda day, hour=10: datetime(2026, 3, day, hour)  # noqa: E731


def test_r35_one_rate_opening_tax_from_invoices_equals_the_lines_sums(clinic, catalog, clock):
    ana, maria = catalog["ana"], catalog["patient"]
    joe = clinic.patients.add("Joe", "Bloggs", phone="902-555-0102")
    taxed = clinic.catalog.add_package_template("2 Taxed", price=10000, uses=2,
                                                eligible={catalog["acu"]: 0},
                                                tax_rate=Decimal("0.15"))
    clock.set(MAR(2, 9))
    physio = clinic.billing.sell_package(maria, catalog["three_physio"])
    clinic.billing.receive_payment(maria, 10000, "cash", invoice_id=physio.invoice_id)
    clock.set(MAR(3, 11))
    clinic.schedule.arrive(clinic.schedule.book(maria, ana, catalog["physio"], MAR(3)))
    clock.set(MAR(5, 11))
    sale = clinic.billing.sell_package(joe, taxed)
    clinic.billing.receive_payment(joe, 11500, "cash", invoice_id=sale.invoice_id)
    clock.set(MAR(6, 11))
    clinic.packages.refund(sale.package_id, 11500)  # a taxed "Unused uses cancelled" line
    clock.set(MAR(9, 11))
    mistake = clinic.billing.sell_package(joe, taxed)
    clinic.billing.void_invoice(mistake.invoice_id, "sold by mistake")

    names = {a.role: a.name for a in clinic.accounting.accounts()}
    assert [role for role in names if role.startswith("sales_tax:")] == ["sales_tax:0.15"]
    seen_tax = False
    with clinic.db.read() as s:
        for offset in range(12):
            day = date(2026, 3, 1) + timedelta(days=offset)
            fast = balance_sheet(s, day, tax_roles=names)
            assert fast == balance_sheet(s, day), day
            seen_tax = seen_tax or "sales_tax:0.15" in fast
    assert seen_tax  # the days above did carry sales tax
    # and the period's opening entry is that sheet (R35)
    later = clinic.accounting.journal(date(2026, 3, 7), date(2026, 3, 31))
    assert later[0].description == "Opening balances"
