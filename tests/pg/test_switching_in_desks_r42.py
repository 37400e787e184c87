"""R42 on PostgreSQL: a package brought in while another desk is in the middle of that
patient's money waits for it (the patient's row lock), then is written with the next invoice
number: two desks never number the same invoice, and no number is skipped.

(These need a PostgreSQL server: `bash .ci/postgres .venv/bin/python -m pytest tests/pg`.)
"""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from sqlalchemy import select, text

from app.models import Invoice

pytestmark = pytest.mark.skipif(not os.environ.get("CLINICDESK_TEST_DATABASE_URL"),
                                reason="needs a PostgreSQL server (CLINICDESK_TEST_DATABASE_URL)")

WAIT = 0.4  # long enough to see it wait; an import otherwise takes ~20 ms


def test_r42_an_import_waits_for_the_other_desk_on_that_patient(clinic, catalog):
    patient = catalog["patient"]
    other = clinic.db.engine.connect()
    other.execute(text("SELECT id FROM patients WHERE id = :id FOR NO KEY UPDATE"),
                  {"id": patient})
    outcome = {}

    def bring_in():
        try:
            outcome["id"] = clinic.packages.import_existing(
                patient, template_id=catalog["ten_massages"], uses_used=2, collected=30000,
                purchased_on=date(2025, 12, 1), expires_on=None)
        except BaseException as error:  # noqa: BLE001 - looked at below
            outcome["error"] = error

    thread = threading.Thread(target=bring_in, daemon=True)
    thread.start()
    thread.join(WAIT)
    waiting = thread.is_alive()
    other.commit()
    other.close()
    thread.join(30)
    assert waiting, "the import did not wait for the patient's lock"
    assert "error" not in outcome, outcome
    assert clinic.packages.summary(outcome["id"]).uses_redeemed == 2


def test_r42_two_desks_importing_at_once_number_their_invoices_without_a_gap(clinic, catalog):
    maria = catalog["patient"]
    joe = clinic.patients.add("Joe", "Bloggs")
    errors = []

    def desk(patient_id):
        try:
            for day in range(1, 6):
                clinic.packages.import_existing(
                    patient_id, template_id=catalog["three_physio"], uses_used=1,
                    collected=5000, purchased_on=date(2026, 1, day), expires_on=None)
        except BaseException as error:  # noqa: BLE001 - looked at below
            errors.append(error)

    threads = [threading.Thread(target=desk, args=(p,), daemon=True) for p in (maria, joe)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with clinic.db.read() as s:
        numbers = sorted(s.scalars(select(Invoice.number)))
    assert numbers == list(range(1, 11))
    assert clinic.billing.account(maria).owing == clinic.billing.account(joe).owing == 25000
