"""What the scenario and service tests share: a whole-database snapshot to prove that a refusal
changed nothing (R30) and that nothing is ever deleted (R29), plus a few shop-floor shortcuts.

Imported as `scenarios.support` (pytest puts tests/ on sys.path through the root conftest).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import Base
from app.services import ClinicError


def dump(clinic) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    with clinic.db.read() as s:
        return {table.name: [tuple(row) for row in
                             s.execute(select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables}


def counts(clinic) -> dict[str, int]:
    return {name: len(rows) for name, rows in dump(clinic).items()}


def refused(clinic, error_type: type[ClinicError], call, *args, match: str | None = None,
            patients: tuple[int, ...] = (), **kwargs) -> ClinicError:
    """Call `call(*args, **kwargs)`, expect `error_type`, and prove nothing changed: every table
    row for row, and each listed patient's account as the desk sees it (R30)."""
    accounts = [clinic.billing.account(p) for p in patients]
    before = dump(clinic)
    with pytest.raises(error_type) as caught:
        call(*args, **kwargs)
    error = caught.value
    text = str(error)
    # A sentence: starts with a capital (or a quoted name or number) and ends with a full stop.
    assert text and not text.lstrip("\u201c\"")[:1].islower(), text
    assert text.rstrip().endswith("."), text
    assert "Traceback" not in text and "sqlalchemy" not in text.lower(), text
    if match is not None:
        assert match.lower() in text.lower(), text
    assert dump(clinic) == before
    assert [clinic.billing.account(p) for p in patients] == accounts
    return error


def at(day: date | str, hour: int = 10, minute: int = 0) -> datetime:
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return datetime(day.year, day.month, day.day, hour, minute)


def paid_sale(clinic, patient_id: int, template_id: int, *, method: str = "cash", **kwargs):
    """Sell a package and take its full price at once (R8's "right away")."""
    sale = clinic.billing.sell_package(patient_id, template_id, **kwargs)
    total = clinic.billing.invoice(sale.invoice_id).total
    payment_id = clinic.billing.receive_payment(patient_id, total, method,
                                                invoice_id=sale.invoice_id)
    return sale, payment_id
