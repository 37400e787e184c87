"""Invoices and refund receipts as lines of text for an ESC/POS receipt printer (R48).

The same facts as the 80 mm PDF (R31: app/services/pdf/documents.py) in the same order,
money and dates by Babel in the clinic's locale (R4), read through the billing, patients and
settings services, so the slip agrees with the screen and with the PDF. The layout functions
take values and return lines; `ReceiptTexts` only loads those values.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from ..domain.states import InvoiceStatus, as_state, name_of
from ..i18n import _
from .base import Service
from .errors import ValidationError
from .ledger import METHODS
from .money import format_money
from .pdf.invoice_payments import payment_rows
from .receipt_columns import centred, pair, printable, require_columns, rule, wrap

KINDS = ("invoice", "refund", "package_refund")


class Words:
    """Babel in the clinic's locale; the same calls as the PDF's Kit, so the payments'
    rows (pdf/invoice_payments.py) are worded once for both."""

    def __init__(self, currency: str, locale: str):
        self.currency, self.locale = currency, locale

    def money(self, cents: int) -> str:
        return printable(format_money(cents, self.currency, self.locale))

    def date(self, value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = value.date()
        return printable(format_date(value, "medium", locale=self.locale))

    def datetime(self, value: datetime) -> str:
        return printable(f"{format_date(value.date(), 'medium', locale=self.locale)} "
                         f"{format_time(value.time(), 'short', locale=self.locale)}")

    def number(self, value: int) -> str:
        return printable(format_decimal(value, locale=self.locale))


# shared pieces
def _tax_name(clinic) -> str:
    return (clinic.tax_name or "").strip() or _("Tax")


def header(clinic, title: str, facts: list[tuple[str, str]], width: int) -> list[str]:
    """The clinic's name, address, phone and email, tax number; the title and its facts."""
    out = centred(clinic.name, width)
    for line in (clinic.address or "").splitlines():
        out += centred(line, width)
    contact = [part for part in (clinic.phone, clinic.email) if part]
    together = "  \u00b7  ".join(contact)
    for line in [together] if len(together) <= width else contact:
        out += centred(line, width)  # (an address split at its hyphen reads as two)
    if clinic.tax_number:
        out += centred(_("{tax} no. {number}").format(tax=_tax_name(clinic),
                                                      number=clinic.tax_number), width)
    out += [rule(width, "=")] + centred(title, width) + [""]
    for label, value in facts:
        out += wrap(_("{label}: {value}").format(label=label, value=value), width, indent="  ")
    return out


def _person(label: str, name: str, patient, width: int) -> list[str]:
    out = wrap(label.upper(), width) + wrap(name or "-", width, indent="  ", first="  ")
    if patient is not None:
        for value in (patient.phone, patient.email):
            out += wrap(value, width, indent="  ", first="  ")
    return out


def _method(code: str) -> str:
    name = METHODS.get(code, code)
    return _(name) if name else code


# the invoice
def invoice_receipt(clinic, inv, patient, words: Words, width: int) -> list[str]:
    tax = _tax_name(clinic)
    status = as_state(InvoiceStatus, inv.status)
    facts = [(_("Date"), words.date(inv.issued_on)),
             (_("Status"), _(name_of(status)) if isinstance(status, InvoiceStatus)
              else str(inv.status).capitalize())]
    out = header(clinic, _("INVOICE #{number}").format(number=inv.number), facts, width)
    if inv.status == "void":
        out += [""] + centred("*** {void} ***".format(void=_("VOID")), width)
        when = words.date(inv.voided_at) if inv.voided_at else ""
        reason = (inv.void_reason or "").strip()
        out += wrap(_("Voided on {date}: {reason}").format(date=when, reason=reason)
                    if reason else _("Voided on {date}").format(date=when), width)
    out += [rule(width)] + _person(_("Bill to"), inv.patient_name, patient, width)
    out.append(rule(width))
    if not inv.lines:
        out += wrap(_("No items."), width)
    for line in inv.lines:
        out += wrap(f"{line.line_no}. {line.description}", width, indent="   ")
        detail = f"{words.number(line.quantity)} \u00d7 {words.money(line.unit_price)}"
        if line.tax:
            detail += f" + {words.money(line.tax)} {tax}"
        out += pair(detail, words.money(line.total), width, indent="   ", first="   ")
        for extra in (line.use_line, line.staff_name):
            out += wrap(extra, width, indent="   ", first="   ")
    out.append(rule(width))
    out += pair(_("Subtotal"), words.money(inv.subtotal), width)
    out += pair(tax, words.money(inv.tax), width)
    out += pair(_("TOTAL"), words.money(inv.total), width)
    out.append(rule(width))
    out += wrap(_("PAYMENTS APPLIED"), width)
    rows = payment_rows(words, inv.payments, METHODS)
    if not rows:
        out += wrap(_("No payments applied."), width, indent="  ")
    for day, what, amount in rows:
        out += pair(f"{day} \u00b7 {what}" if day else what, amount, width, indent="    ",
                    first="  ")
    out.append(rule(width))
    out += pair(_("Amount paid"), words.money(inv.paid), width)
    out += pair(_("BALANCE DUE"), words.money(inv.balance), width)
    return out


# the refund receipts
def refund_receipt(clinic, refund, patient, payment, words: Words, width: int) -> list[str]:
    """Money handed back to the patient out of their credit (R27)."""
    out = header(clinic, _("REFUND RECEIPT #{number}").format(number=refund.id),
                 [(_("Date"), words.datetime(refund.refunded_at))], width)
    out += [rule(width)] + _person(_("Refunded to"), refund.patient_name, patient, width)
    out.append(rule(width))
    out += pair(_("AMOUNT REFUNDED"), words.money(refund.amount), width)
    out += pair(_("Refund method"), _(refund.method_name) if refund.method_name else "", width)
    out.append(rule(width))
    out += wrap(_("ORIGINAL PAYMENT"), width)
    method = _(payment.method_name) if payment is not None and payment.method_name else ""
    out += pair(f"{words.date(refund.payment_received_at)} \u00b7 {method}",
                words.money(refund.payment_amount), width, indent="    ", first="  ")
    if refund.package_name:
        out += wrap(_("PACKAGE REFUNDED"), width)
        amount = ("" if refund.package_refund_amount is None
                  else words.money(refund.package_refund_amount))
        out += pair(refund.package_name, amount, width, indent="    ", first="  ")
    note = (refund.note or "").strip()
    if note:
        out += wrap(_("NOTE"), width) + wrap(note, width, indent="  ", first="  ")
    if refund.staff_name:
        out += [rule(width)] + centred(_("Processed by {name}").format(name=refund.staff_name),
                                       width)
    return out


def package_refund_receipt(clinic, receipt, patient, words: Words, width: int) -> list[str]:
    """One package refund: what became credit and each method it went back by (R27)."""
    out = header(clinic, _("REFUND RECEIPT #{number}").format(number=receipt.package_refund_id),
                 [(_("Date"), words.datetime(receipt.refunded_at))], width)
    out += [rule(width)] + _person(_("Refunded to"), receipt.patient_name, patient, width)
    out.append(rule(width))
    out += wrap(_("PACKAGE REFUNDED"), width)
    out += pair(receipt.package_name, words.money(receipt.amount), width, indent="    ",
                first="  ")
    out.append(rule(width))
    out += pair(_("AMOUNT REFUNDED"), words.money(receipt.total_handed_back), width)
    for back in receipt.handed_back:
        out += pair(f"{words.date(back.refunded_at)} \u00b7 {_method(back.method)}",
                    words.money(back.amount), width, indent="    ", first="  ")
    if receipt.still_credit:
        out += pair(_("Left as credit"), words.money(receipt.still_credit), width)
    if receipt.staff_name:
        out += [rule(width)] + centred(_("Processed by {name}").format(
            name=receipt.staff_name), width)
    return out


def test_receipt(clinic, words: Words, width: int, when: datetime) -> list[str]:
    """What Print Test Receipt prints: the letterhead, the line's width, accents, an amount."""
    out = header(clinic, _("TEST RECEIPT"), [(_("Date"), words.datetime(when))], width)
    out += [rule(width)]
    out += wrap(_("{count} characters per line:").format(count=width), width)
    out += [("1234567890" * 5)[:width]]
    out += wrap(_("Accents: Réception, Frédérique, Hélène, ça coûte"), width)
    out += pair(_("TOTAL"), words.money(123450), width)
    return out


class ReceiptTexts(Service):
    """The lines of a receipt for `columns` characters a line (32, 42 or 48)."""

    def lines(self, kind: str, ident: int, columns: int) -> list[str]:
        width = require_columns(columns)
        if kind not in KINDS:
            raise ValidationError("kind", _("Choose an invoice or a refund receipt to print."))
        clinic = self._clinic
        settings = clinic.settings.get()
        words = Words(settings.currency, settings.locale)
        if kind == "invoice":
            inv = clinic.billing.invoice(ident)
            return invoice_receipt(settings, inv, clinic.patients.get(inv.patient_id), words,
                                   width)
        if kind == "refund":
            refund = clinic.billing.payment_refund(ident)
            return refund_receipt(settings, refund, clinic.patients.get(refund.patient_id),
                                  clinic.billing.payment(refund.payment_id), words, width)
        receipt = clinic.packages.refund_receipt(ident)
        return package_refund_receipt(settings, receipt, clinic.patients.get(receipt.patient_id),
                                      words, width)

    def test_lines(self, columns: int) -> list[str]:
        settings = self._clinic.settings.get()
        return test_receipt(settings, Words(settings.currency, settings.locale),
                            require_columns(columns), self._now())
