"""Issue 15's reproductions, items 4-7, as named cases (items 1-3: named.py)."""

from __future__ import annotations

from datetime import datetime

from .harness import Case
from .named import case
from .values import AWARE, INVISIBLE, SQL, Ctx

ITEM4 = "issue 15 item 4: copying the clinic out is manager-only"
ITEM5 = "issue 15 item 5: a space is only the locale's grouping, in groups of three"
ITEM6 = "issue 15 item 6 / R28a: no refunded package's invoice keeps money owing or takes money"
ITEM7 = "issue 15 item 7: a clear refusal, nothing written"


def _transfer(ctx: Ctx):
    from app.services import transfer
    return transfer.migrate_to(ctx.clinic, "sqlite:///" + ctx.p("out/server.db"))


def item4() -> list[Case]:
    return [
        case(4, "backup.create", "front desk backs up to a USB stick folder",
             lambda c: c.clinic.backup.create(c.p("out/usb/copy.db")), refuse=True, why=ITEM4,
             role="front_desk", allowed=lambda c: {"out/usb/copy.db"}),
        case(4, "transfer.migrate_to", "front desk moves the clinic to a server",
             _transfer, refuse=True, why=ITEM4, role="front_desk",
             allowed=lambda c: {"out/server.db"}),
        case(4, "csv.export_table", "front desk exports the patients table (control)",
             lambda c: c.clinic.csv.export_table("patients", c.p("out/p.csv")), refuse=True,
             why=ITEM4, role="front_desk", allowed=lambda c: {"out/p.csv"}),
    ]


def _french(ctx: Ctx) -> None:
    ctx.clinic.settings.update(locale="fr_CA")


def _starts_at_desk_time(ctx: Ctx, appointment_id) -> str | None:
    start = ctx.clinic.schedule.appointment(appointment_id).start
    wanted = AWARE.astimezone().replace(tzinfo=None)
    return None if start == wanted else f"booked at {start}, not the desk's {wanted}"


def _amount_is(cents: int):
    def check(ctx: Ctx, payment_id) -> str | None:
        amount = ctx.clinic.billing.payment(payment_id).amount
        return None if amount == cents else f"read as {amount} cents, not {cents}"
    return check


def _typed(c: Ctx, text: str, field: str = "amount") -> int:
    """As a screen reads what the desk typed before it calls the service (issue 16: the
    services take int cents only, so item 5 is money.parse's to keep)."""
    from app.services import money
    return money.parse(text, field=field, **c.clinic.money_context())


def item5() -> list[Case]:
    pay = lambda text: lambda c: c.clinic.billing.receive_payment(  # noqa: E731
        c.ids["patient"], _typed(c, text), "cash")
    out = [case(5, "billing.receive_payment", f"payment {text!r} (en_CA)", pay(text),
                refuse=True, why=ITEM5) for text in ("12 50", "1 2 3")]
    out += [
        case(5, "catalog.add_treatment_type", "price '12 50'",
             lambda c: c.clinic.catalog.add_treatment_type("Cupping", duration_min=30,
                                                           price=_typed(c, "12 50", "price")),
             refuse=True, why=ITEM5),
        case(5, "catalog.add_package_template", "price '1 2 3'",
             lambda c: c.clinic.catalog.add_package_template(
                 "5 Cupping", price=_typed(c, "1 2 3", "price"), uses=5,
                 eligible={c.ids["massage"]: 0}),
             refuse=True, why=ITEM5),
        case(5, "settings.add_no_show_fee", "fee '12 50'",
             lambda c: c.clinic.settings.add_no_show_fee("Late", _typed(c, "12 50")),
             refuse=True, why=ITEM5),
    ]
    out += [case(5, "billing.receive_payment", f"payment {text!r} (fr_CA)", pay(text),
                 refuse=True, why=ITEM5, setup=_french) for text in ("12 50", "1 2 3")]
    out.append(case(5, "billing.receive_payment", "payment '1 234,50' (fr_CA) is $1,234.50",
                    pay("1 234,50"), why=ITEM5, setup=_french, check=_amount_is(123450)))
    return out


def _refunded_unpaid(ctx: Ctx) -> None:
    """A patient with an unpaid $100 package, refunded unused for 0."""
    c = ctx.clinic
    patient = ctx.scratch["patient"] = c.patients.add("Una", "Paid")
    sale = c.billing.sell_package(patient, ctx.ids["template_physio"])
    ctx.scratch["invoice"] = sale.invoice_id
    c.packages.refund(sale.package_id, 0)


def _refunded_half_paid(ctx: Ctx) -> None:
    """A $100 package paid $50, refunded unused for the $50: a $50 credit."""
    c = ctx.clinic
    patient = ctx.scratch["patient"] = c.patients.add("Hal", "Fpaid")
    sale = c.billing.sell_package(patient, ctx.ids["template_physio"])
    ctx.scratch["invoice"] = sale.invoice_id
    c.billing.receive_payment(patient, 5000, "cash", invoice_id=sale.invoice_id)
    c.packages.refund(sale.package_id, 5000)


def _nothing_owed(ctx: Ctx, account) -> str | None:
    if account.owing:
        return f"{ctx.clinic.format_money(account.owing)} still owing after the refund"
    return None


def _dead_invoice_untouched(ctx: Ctx, _payment) -> str | None:
    invoice = ctx.clinic.billing.invoice(ctx.scratch["invoice"])
    if invoice.paid:
        return (f"the payment went to the refunded package's invoice #{invoice.number} "
                f"(paid {ctx.clinic.format_money(invoice.paid)})")
    return None


def item6() -> list[Case]:
    return [
        case(6, "billing.account", "unpaid package refunded unused for 0: nothing owing",
             lambda c: c.clinic.billing.account(c.scratch["patient"]), why=ITEM6,
             setup=_refunded_unpaid, check=_nothing_owed),
        case(6, "billing.receive_payment", "a later payment (no invoice chosen) after it",
             lambda c: c.clinic.billing.receive_payment(c.scratch["patient"], 10000, "cash"),
             why=ITEM6, setup=_refunded_unpaid, check=_dead_invoice_untouched),
        case(6, "billing.receive_payment", "a payment on the refunded package's invoice",
             lambda c: c.clinic.billing.receive_payment(c.scratch["patient"], 1000, "cash",
                                                        invoice_id=c.scratch["invoice"]),
             refuse=True, why=ITEM6, setup=_refunded_unpaid),
        case(6, "billing.apply_credit", "half-paid package's refunded credit back to its invoice",
             lambda c: c.clinic.billing.apply_credit(c.scratch["patient"], c.scratch["invoice"]),
             refuse=True, why=ITEM6, setup=_refunded_half_paid),
        case(6, "billing.account", "half-paid package refunded its $50: nothing owing",
             lambda c: c.clinic.billing.account(c.scratch["patient"]), why=ITEM6,
             setup=_refunded_half_paid, check=_nothing_owed),
    ]


def _between(start):
    return lambda c: c.clinic.schedule.between(start, datetime(2026, 3, 31))


def item7() -> list[Case]:
    out = [case(7, "backup.create", f"reason {reason!r}",
                lambda c, r=reason: c.clinic.backup.create(reason=r), refuse=True, why=ITEM7)
           for reason in ("../x", "/abs", "a/b")]
    out += [
        case(7, "csv.export_table", "a path with NUL",
             lambda c: c.clinic.csv.export_table("treatment_types", c.p("out/a\x00b.csv")),
             refuse=True, why=ITEM7),
        case(7, "printing.invoice_pdf", "a path with NUL",
             lambda c: c.clinic.printing.invoice_pdf(c.ids["invoice_open"], c.p("out/a\x00.pdf")),
             refuse=True, why=ITEM7),
        case(7, "csv.export_table", "a folder as target",
             lambda c: c.clinic.csv.export_table("treatment_types", c.p("out")), refuse=True,
             why=ITEM7),
        case(7, "csv.export_table", "an empty path",
             lambda c: c.clinic.csv.export_table("treatment_types", ""), refuse=True, why=ITEM7),
        case(7, "report_export.to_csv", "a folder as target",
             lambda c: _export_to(c, "to_csv", c.p("out")), refuse=True, why=ITEM7),
        case(7, "report_export.to_xlsx", "an empty path",
             lambda c: _export_to(c, "to_xlsx", ""), refuse=True, why=ITEM7),
        case(7, "backup.restore", "source 5 (an int)", lambda c: c.clinic.backup.restore(5),
             refuse=True, why=ITEM7),
        case(7, "backup.restore", "source None", lambda c: c.clinic.backup.restore(None),
             refuse=True, why=ITEM7),
    ]
    out += [case(7, "schedule.between", f"start {label}", _between(value), refuse=True,
                 why=ITEM7) for label, value in (("'2026-13-01'", "2026-13-01"),
                                                 ("20260101", 20260101), ("1.5", 1.5),
                                                 ("SQL text", SQL))]
    out += [
        # An aware time means that instant: it is booked at the desk's wall-clock time for
        # it (the reading issue 15 item 7 was built on), never at its own clock's numbers.
        case(7, "schedule.book", "an aware datetime",
             lambda c: c.clinic.schedule.book(c.ids["patient"], c.ids["manager"],
                                              c.ids["massage"], AWARE), why=ITEM7,
             check=lambda c, booked: _starts_at_desk_time(c, booked)),
        case(7, "schedule.reschedule", "an aware datetime",
             lambda c: c.clinic.schedule.reschedule(c.ids["appointment"], AWARE), why=ITEM7,
             check=lambda c, _r: _starts_at_desk_time(c, c.ids["appointment"])),
    ]
    out += [case(7, "patients.add", f"first name of only {label}",
                 lambda c, v=value: c.clinic.patients.add(v, "Lopez"), refuse=True, why=ITEM7)
            for label, value in INVISIBLE.items()]
    out += [
        case(7, "staff.add", "name of only U+200B",
             lambda c: c.clinic.staff.add("\u200b"), refuse=True, why=ITEM7),
        case(7, "catalog.add_treatment_type", "name of only U+FEFF",
             lambda c: c.clinic.catalog.add_treatment_type("\ufeff", duration_min=30,
                                                           price=1000), refuse=True, why=ITEM7),
    ]
    return out


def _export_to(ctx: Ctx, name: str, path: str):
    from app.services.reports import export as report_export
    report = ctx.clinic.reports.package_sales(datetime(2026, 1, 1).date(),
                                              datetime(2026, 12, 31).date())
    return getattr(report_export, name)(report, path)


def all_named() -> list:
    from .named import item1, item2, item3
    return [*item1(), *item2(), *item3(), *item4(), *item5(), *item6(), *item7()]
