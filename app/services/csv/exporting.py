"""Exporting a table to CSV (issue 8).

A table is written through SQLAlchemy Core, streamed in chunks (so it works the same on
SQLite and PostgreSQL and a million appointments never sit in memory), as UTF-8 with a BOM so
Excel shows accents, through `files.atomic_write`: a cancelled or failed export leaves nothing
behind. Money columns stay integer cents, and their header says so ("price_cents"): exact,
the same whatever the clinic's locale, and what the importer reads back. Staff PIN hashes and
the patients' internal search keys are never exported.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from ...i18n import N_, _
from ...models import Base
from ..csv_checks import known_table
from ..file_targets import safe_target
from ..files import atomic_write
from ..spreadsheet_cells import neutralise
from .steps import Cancelled, Progress, Stop

EXPORT_CHUNK = 5_000

# Export: what each table is called on screen, who may export it, what is never written.
TABLE_LABELS = {
    "patients": N_("Patients"),
    "appointments": N_("Appointments"),
    "treatment_types": N_("Treatment types"),
    "package_templates": N_("Package templates"),
    "package_template_items": N_("Treatments covered by package templates"),
    "packages": N_("Packages sold"),
    "package_coverage": N_("Treatments covered by packages sold"),
    "redemptions": N_("Package uses"),
    "package_refunds": N_("Package refunds"),
    "invoices": N_("Invoices"),
    "invoice_lines": N_("Invoice lines"),
    "payments": N_("Payments"),
    "payment_applications": N_("Payments applied to invoices"),
    "payment_refunds": N_("Payment refunds"),
    "staff": N_("Staff members"),
    "no_show_fees": N_("No-show fees"),
    "clinic_settings": N_("Clinic settings"),
    "audit_entries": N_("Audit trail"),
    "day_closes": N_("Day closes"),
    "accounts": N_("Chart of accounts"),
    "package_expiry_changes": N_("Package expiry changes"),
    "households": N_("Households"),  # R37
    "household_members": N_("Household members"),
    "package_shares": N_("Packages shared with household members"),
    "package_freezes": N_("Package freezes"),  # R39
    "package_transfers": N_("Package transfers"),  # R38
    "membership_plans": N_("Membership plans"),  # R43, R44
    "membership_plan_items": N_("Treatments covered by membership plans"),
    "memberships": N_("Memberships"),
    "membership_coverage": N_("Treatments covered by memberships"),
    "membership_pauses": N_("Membership pauses"),
    "membership_periods": N_("Membership periods invoiced"),
    "membership_uses": N_("Membership uses"),
    "gift_cards": N_("Gift cards"),  # R45
    "gift_card_moves": N_("Gift card loads, payments and refunds"),
    "gift_card_buyer": N_("The gift card buyers' patient record"),
    "outbox_messages": N_("Email outbox"),  # R46
}
#: What the clinic offers, with nothing about a patient or a staff member in it: anyone may
#: export these. Everything else names patients, money received or staff: managers only.
OPEN_TABLES = frozenset({"treatment_types", "package_templates", "package_template_items",
                         "no_show_fees"})
#: Never leaves the database: secrets, and keys derived from other columns for searching.
SECRET_COLUMNS = {"staff": {"secret_hash"},
                  "patients": {"first_key", "last_key", "email_key", "phone_digits"},
                  # whoever holds a card's code can spend it, as cash (R45)
                  "gift_cards": {"code"},
                  # the whole message as sent (its PDF too): bytes, not a spreadsheet cell
                  "outbox_messages": {"raw"}}
#: Integer columns holding money (cents) by name; exported as "<name>_cents".
MONEY_COLUMNS = frozenset({"price", "amount", "subtotal", "tax", "total", "unit_price",
                           "patient_pays", "suggested", "expected_cash", "counted_cash",
                           "over_short", "value", "balance", "fee"})  # (value: a transfer's, R38)


@dataclass(frozen=True)
class ExportResult:
    table: str
    path: str
    rows: int
    cancelled: bool = False


def tables() -> list[tuple[str, str]]:
    """Every table the desk can export: (name, label), by label."""
    names = [t.name for t in Base.metadata.sorted_tables]
    return sorted(((name, _(TABLE_LABELS.get(name, name))) for name in names),
                  key=lambda item: item[1].casefold())


def export_columns(table: str) -> list[tuple[str, object]]:
    """(header, column) for each column an export of `table` writes."""
    hidden = SECRET_COLUMNS.get(known_table(table), set())
    columns = []
    for column in Base.metadata.tables[table].columns:
        if column.name in hidden:
            continue
        money = (column.name in MONEY_COLUMNS
                 and getattr(column.type, "python_type", None) is int)
        columns.append((f"{column.name}_cents" if money else column.name, column))
    return columns


def export_table(clinic, table: str, path, *, progress: Progress | None = None,
                 cancelled: Cancelled | None = None) -> ExportResult:
    """Write `table` to `path` as CSV; nothing at `path` unless the whole table made it.
    Who may export it is the caller's check (CsvService.check_can_export)."""
    target = safe_target(clinic, path, what=_("the CSV file"))
    columns = export_columns(table)
    source = Base.metadata.tables[table]
    written = 0

    def write(temporary) -> None:
        nonlocal written
        with open(temporary, "w", encoding="utf-8-sig", newline="") as handle, \
                clinic.db.read() as s:
            total = s.scalar(select(func.count()).select_from(source)) or 0
            if progress:
                progress(0, total)
            writer = csv.writer(handle)
            writer.writerow([header for header, _column in columns])
            query = (select(*[column for _header, column in columns])
                     .order_by(*source.primary_key.columns))
            result = s.connection().execution_options(
                stream_results=True, yield_per=EXPORT_CHUNK).execute(query)
            for chunk in result.partitions():
                if cancelled and cancelled():
                    raise Stop
                writer.writerows([_cell(value) for value in row] for row in chunk)
                written += len(chunk)
                if progress:
                    progress(written, max(total, written))
            if cancelled and cancelled():   # the last chunk, or an empty table
                raise Stop

    try:
        atomic_write(target, write)
    except Stop:
        return ExportResult(table, os.fspath(target), written, cancelled=True)
    return ExportResult(table, os.fspath(target), written)


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return neutralise(value)   # a spreadsheet must not run it as a formula
    return value
