"""What an email and a print cost at the desk (R46, R48, issues 20 and 21), against real servers
on the loopback: aiosmtpd for the mail, a private cupsd with a cups-pdf queue, and a TCP server
standing in for a network receipt printer on port 9100.

    .venv/bin/python -m bench.run_mail_print [--invoices 200] [--out FILE]

Measured, medians over `--invoices` package sales of a fresh clinic:
- `queue_invoice`: the letter, the invoice's PDF and the outbox row in one transaction (the
  desk's click on Queue). Its floor is the PDF alone (`invoice_pdf`), also timed: what
  queueing adds over it is the message and the write.
- `deliver_pending`: every queued message sent to the loopback server, per message.
- the ESC/POS receipt: laid out for 42 columns, and laid out and sent to the loopback printer.
- CUPS: `lp` handing the invoice's PDF to the queue (what the desk waits for), and until
  cups-pdf wrote the page out.
Writes bench/results/<date>-mail-print.json and prints the lines for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 12, 5, 10, 0)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def shop(clinic, invoices: int) -> list[int]:
    massage = clinic.catalog.add_treatment_type("Massage 60 min", duration_min=60, price=9000)
    package = clinic.catalog.add_package_template("10 Massages", price=80000, uses=10,
                                                  eligible={massage: 0}, validity="6m")
    sales = []
    for n in range(invoices):
        patient = clinic.patients.add(f"Patient{n}", "Bench", phone=f"902-555-{n:04d}",
                                      email=f"patient{n}@example.com")
        sales.append(clinic.billing.sell_package(patient, package).invoice_id)
    return sales


def measure_mail(clinic, folder: Path, sales: list[int]) -> dict:
    from tests.helpers.mail_server import MailServer, use

    pdf_s = [timed(lambda i=i: clinic.printing.invoice_pdf(i, folder / f"{i}.pdf"))[0]
             for i in sales]
    server = MailServer("none").start()
    try:
        use(clinic, server)
        queue_s = [timed(lambda i=i: clinic.mail.queue_invoice(i))[0] for i in sales]
        seconds, sent = timed(clinic.mail.deliver_pending)
        server.wait_for(len(sales))
        arrived = len(server.inbox.received)
    finally:
        server.stop()
    return {"invoice_pdf_ms": median_ms(pdf_s), "queue_invoice_ms": median_ms(queue_s),
            "queue_over_pdf_ms": round(median_ms(queue_s) - median_ms(pdf_s), 2),
            "delivered": sent, "arrived": arrived,
            "deliver_per_message_ms": round(seconds * 1000 / max(1, sent), 2)}


def measure_receipt(clinic, sales: list[int]) -> dict:
    from app.services import escpos_printer as escpos
    from app.services.receipt_text import ReceiptTexts
    from tests.helpers.receipt_printer import loopback_printer

    texts = ReceiptTexts(clinic)
    layout_s = [timed(lambda i=i: texts.lines("invoice", i, 42))[0] for i in sales]
    with loopback_printer() as printer:
        config = escpos.read_config({"connection": "network", "host": printer.host,
                                     "port": str(printer.port), "columns": "42"})
        send_s = [timed(lambda i=i: escpos.send(config, texts.lines("invoice", i, 42)))[0]
                  for i in sales]
        jobs = printer.jobs(len(sales))
    return {"receipt_lines_ms": median_ms(layout_s), "receipt_sent_ms": median_ms(send_s),
            "receipt_jobs": len(jobs)}


def measure_cups(clinic, folder: Path, sales: list[int], count: int) -> dict:
    from tests.helpers import cups as private_cups

    if private_cups.missing():
        return {"cups": private_cups.missing()}
    server = private_cups.start(Path(tempfile.mkdtemp(prefix="clinicdesk-bench-cups-")))
    os.environ["CUPS_SERVER"] = server.server
    try:
        from app.ui.printing import spool
        handed, out = [], []
        for invoice in sales[:count]:
            pdf = clinic.printing.invoice_pdf(invoice, folder / f"cups-{invoice}.pdf",
                                              paper="letter")
            before = set(server.out.iterdir())
            seconds, _job = timed(lambda pdf=pdf: spool.send(pdf, private_cups.QUEUE,
                                                             "letter", title="Invoice"))
            handed.append(seconds)
            started = time.perf_counter() - seconds
            server.new_since(before)
            out.append(time.perf_counter() - started)
        return {"cups_handed_ms": median_ms(handed), "cups_paper_out_ms": median_ms(out),
                "cups_jobs": len(handed)}
    finally:
        os.environ.pop("CUPS_SERVER", None)
        server.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=200)
    parser.add_argument("--cups-jobs", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    from app.services import Clinic

    folder = Path(tempfile.mkdtemp(prefix="clinicdesk-bench-mail-"))
    clinic = Clinic.open(folder / "clinic.db", clock=lambda: NOW)
    try:
        clinic.settings.update(name="Harbour Physio & Massage", currency="CAD",
                               locale="en_CA", setup_complete=True)
        sales = shop(clinic, args.invoices)
        result = {"when": datetime.now().isoformat(timespec="seconds"),
                  "invoices": args.invoices, "load": os.getloadavg()}
        result |= measure_mail(clinic, folder, sales)
        result |= measure_receipt(clinic, sales)
        result |= measure_cups(clinic, folder, sales, args.cups_jobs)
    finally:
        clinic.close()
        shutil.rmtree(folder, ignore_errors=True)
    out = args.out or ROOT / "bench" / "results" / f"{datetime.now():%Y-%m-%d}-mail-print.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
