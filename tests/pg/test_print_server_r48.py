"""R48 `clinicdesk --db-url URL print ...`: a document of a clinic on a PostgreSQL server
goes to the printer as from a clinic file (the private CUPS of tests/helpers/cups.py); an
unknown invoice is refused, exit code 2, nothing printed."""

from __future__ import annotations

import os
import subprocess

import pytest

from app.__main__ import main
from tests.helpers.cups import cups  # noqa: F401 - the session's private CUPS

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")


def test_r48_print_an_invoice_of_a_server_clinic(cups, clinic, catalog, capsys):
    sale = clinic.billing.sell_package(catalog["patient"], catalog["three_physio"])
    args = ["--db-url", clinic.db.url, "print", "invoice"]
    assert main([*args, str(sale.invoice_id), "--printer", "ClinicPDF"]) == 0
    out = capsys.readouterr().out
    job = out.rsplit("(job ", 1)[1].rstrip(")\n")
    words = subprocess.run(["pdftotext", str(cups.printed(job)), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "Maria Lopez" in words and "3 Physio" in words
    assert main([*args, "424242", "--printer", "ClinicPDF"]) == 2
    assert "No invoice with number 424242 exists." in capsys.readouterr().err
