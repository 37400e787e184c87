"""The receipt printer (SPEC R48), end to end: a French desk with a 58 mm ESC/POS printer on
the network (a loopback server stands in). Frédérique pays a taxed physio visit in cash: the
drawer opens and her receipt prints, 32 characters a line with her accents; she pays too much
on the next visit and is handed the difference back, which prints as a refund receipt. When
the printer is switched off the desk is told so in French, and the clinic's file is never
touched by printing (R30)."""

from __future__ import annotations

from datetime import date

from app.services import escpos_printer as escpos
from app.services.escpos_printer import PrinterUnavailable
from app.services.receipt_text import ReceiptTexts

from scenarios.support import at, dump, refused
from tests.helpers.receipt_printer import loopback_printer

DRAWER = b"\x1bp\x0022"
CUT = b"\x1dV"


def test_r48_a_french_morning_on_a_58mm_printer(clinic, shop, clock, french):
    clinic.settings.update(locale="fr_CA", name="Physio Côté-Nord", tax_name="TVH")
    frederique = clinic.patients.add("Frédérique", "Bélanger-Thériault")
    texts = ReceiptTexts(clinic)
    clock.set(at(date(2026, 3, 3), 9))
    visit = clinic.schedule.book(frederique, shop["ana"], shop["physio"], at(date(2026, 3, 3)))
    clinic.schedule.arrive(visit)
    invoice = clinic.schedule.appointment(visit).invoice_id
    paid = clinic.billing.receive_payment(frederique, 9775, "cash", invoice_id=invoice)

    with loopback_printer() as printer:
        config = escpos.read_config({"connection": "network", "host": printer.host,
                                     "port": str(printer.port), "columns": "32",
                                     "cash_drawer": "true"})
        before = dump(clinic)
        escpos.kick_drawer(config)
        lines = texts.lines("invoice", invoice, 32)
        escpos.send(config, lines)
        drawer, receipt = printer.jobs(2)
    assert drawer == DRAWER and receipt.count(CUT) == 1 and DRAWER not in receipt
    assert all(len(line) <= 32 for line in lines)
    assert any(line.startswith("TVH") and line.endswith(" 12,75 $") for line in lines)
    assert any(line.startswith("TOTAL") and line.endswith(" 97,75 $") for line in lines)
    assert any(line.startswith("SOLDE DÛ") and line.endswith(" 0,00 $") for line in lines)
    assert b"Fr\x82d\x82rique B\x82langer-Th\x82riault" in receipt
    assert b"Physio C\x93t\x82-Nord" in receipt
    assert dump(clinic) == before  # printing wrote nothing

    clock.set(at(date(2026, 3, 10), 9))
    second = clinic.schedule.book(frederique, shop["ana"], shop["physio"],
                                  at(date(2026, 3, 10)))
    clinic.schedule.arrive(second)
    over = clinic.billing.receive_payment(frederique, 10000, "cash",
                                          invoice_id=clinic.schedule.appointment(second)
                                          .invoice_id)
    clinic.auth.set_secret(shop["ana"], "2468")
    clinic.auth.sign_in(shop["ana"], "2468")
    back = clinic.billing.refund_payment(over, 225, method="cash", note="Monnaie")
    refund_lines = texts.lines("refund", back, 32)
    assert any(line.startswith("MONTANT REMBOURSÉ") and line.endswith(" 2,25 $")
               for line in refund_lines)
    assert all(len(line) <= 32 for line in refund_lines) and paid != over

    # the printer is switched off: said in French, nothing in the file changes
    error = refused(clinic, PrinterUnavailable, escpos.send, config, refund_lines,
                    patients=(frederique,))
    assert "a refusé la connexion" in str(error) and f"port {config.port}" in str(error)
