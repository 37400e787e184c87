"""Issue 15's own reproductions, items 1-3, as named cases (items 4-7: named_more.py).

Each is the exact call the issue reports, so the lead can read "item 1: ..." in the results
and see it refused (or, for item 3, the cut seen) once the fix is merged.
"""

from __future__ import annotations

import csv
import sqlite3
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, Callable

from .harness import Case
from .values import FORMULAS, Ctx

ITEM1 = "issue 15 item 1: an export never writes over the clinic file, its WAL/SHM or a backup"
ITEM2 = "issue 15 item 2: a text cell is never a formula"
ITEM3 = "issue 15 item 3: a cut or rehashed audit trail does not verify as intact"


def case(item: int, target: str, args: str, call: Callable[[Ctx], Any], *,
         refuse: bool | None = None, why: str = "", check=None, setup=None,
         role: str = "manager", allowed: Callable[[Ctx], set[str]] | None = None,
         reopen: bool = False) -> Case:
    def prepare(ctx: Ctx):
        return (lambda: call(ctx)), (allowed(ctx) if allowed else set())
    return Case("named", target, role, f"item {item}: {args}", prepare, refuse, why, check,
                setup, reopen=reopen)


def _backup(ctx: Ctx) -> str:
    return str(next((ctx.folder / "backups").glob("*.db")))


def _report(ctx: Ctx):
    return ctx.clinic.reports.package_sales(date(2026, 1, 1), date(2026, 12, 31))


EXPORTS = {
    "csv.export_table": lambda c, p: c.clinic.csv.export_table("treatment_types", p),
    "printing.invoice_pdf": lambda c, p: c.clinic.printing.invoice_pdf(c.ids["invoice_open"],
                                                                       p),
    "printing.refund_receipt_pdf": lambda c, p: c.clinic.printing.refund_receipt_pdf(
        c.ids["refund_payment"], p),
    "printing.batch_invoices_pdf": lambda c, p: c.clinic.printing.batch_invoices_pdf(
        [c.ids["invoice_open"]], p),
    "report_export.to_csv": lambda c, p: _export("to_csv")(_report(c), p),
    "report_export.to_xlsx": lambda c, p: _export("to_xlsx")(_report(c), p),
    "report_export.to_pdf": lambda c, p: _export("to_pdf")(_report(c), p),
}
OVER = {"the clinic file": lambda c: c.p("clinic.db"), "its -wal": lambda c: c.p("clinic.db-wal"),
        "a backup file": _backup}


def _export(name: str):
    from app.services.reports import export as report_export
    return getattr(report_export, name)


def item1() -> list[Case]:
    return [case(1, target, f"{target} over {what}",
                 lambda c, f=function, w=where: f(c, w(c)), refuse=True, why=ITEM1, reopen=True)
            for target, function in EXPORTS.items() for what, where in OVER.items()]


# -- item 2 ------------------------------------------------------------------------------
def _formula_clinic(ctx: Ctx) -> None:
    """A staff member, a template and a patient named as formulas; sold, booked, arrived."""
    c, ids = ctx.clinic, ctx.ids
    staff = c.staff.add(FORMULAS[1], practitioner=True)
    template = c.catalog.add_package_template(FORMULAS[4], price=10000, uses=2,
                                              eligible={ids["massage"]: 0})
    patient = c.patients.add(FORMULAS[0], FORMULAS[2])
    c.billing.sell_package(patient, template)
    c.schedule.arrive(c.schedule.book(patient, staff, ids["massage"],
                                      datetime(2026, 3, 10, 8, 0)))


REPORTS = {
    "package_sales": lambda c: c.reports.package_sales(date(2026, 1, 1), date(2026, 12, 31)),
    "package_usage": lambda c: c.reports.package_usage(date(2026, 1, 1), date(2026, 12, 31)),
    "outstanding": lambda c: c.reports.outstanding(date(2026, 3, 10)),
    "compensation": lambda c: c.reports.compensation(date(2026, 1, 1), date(2026, 12, 31)),
}
_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MARKS = ("HYPERLINK", "cmd|", "SUM(A1)", "+1+1")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_formulas(path) -> str | None:
    """What is wrong with a CSV file's cells: one that a spreadsheet would run as a formula."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    if not any(mark in cell for cell in cells for mark in _MARKS):
        return "no hostile name is in the file: nothing was tested"
    live = [cell for cell in cells if cell.startswith(_STARTS) and not _is_number(cell)]
    return f"{len(live)} cell(s) start a formula, e.g. {live[0][:40]!r}" if live else None


def xlsx_formulas(path) -> str | None:
    from openpyxl import load_workbook
    book = load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    if not any(isinstance(cell.value, str) and mark in cell.value
               for cell in cells for mark in _MARKS):
        return "no hostile name is in the file: nothing was tested"
    live = [cell for cell in cells if cell.data_type == "f"]
    return (f"{len(live)} formula cell(s), e.g. {live[0].coordinate} = {str(live[0].value)[:40]!r}"
            if live else None)


def item2() -> list[Case]:
    out = []
    for name, make in REPORTS.items():
        for fmt, checker in (("csv", csv_formulas), ("xlsx", xlsx_formulas)):
            target = f"out/{name}.{fmt}"
            out.append(case(
                2, f"report_export.to_{fmt}", f"{name} report with formula names to {fmt}",
                lambda c, m=make, f=fmt, t=target: _export(f"to_{f}")(m(c.clinic), c.p(t)),
                why=ITEM2, setup=_formula_clinic, allowed=lambda c, t=target: {t},
                check=lambda c, _r, t=target, k=checker: k(c.p(t))))
    out.append(case(2, "csv.export_table", "patients table with formula names (control)",
                    lambda c: c.clinic.csv.export_table("patients", c.p("out/patients-x.csv")),
                    why=ITEM2, setup=_formula_clinic, allowed=lambda c: {"out/patients-x.csv"},
                    check=lambda c, _r: csv_formulas(c.p("out/patients-x.csv"))))
    return out


# -- item 3 ------------------------------------------------------------------------------
def _sql(ctx: Ctx, *statements: str) -> None:
    conn = sqlite3.connect(ctx.p("clinic.db"))
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _rehash(ctx: Ctx) -> None:
    """Edit an entry in the middle and recompute every hash after it, as a careful forger."""
    from app.services.audit import _digest
    conn = sqlite3.connect(ctx.p("clinic.db"))
    try:
        rows = conn.execute("SELECT id, at, staff_id, action, entity, entity_id, before, "
                            "after FROM audit_entries ORDER BY id").fetchall()
        middle = len(rows) // 2
        prev = conn.execute("SELECT hash FROM audit_entries WHERE id = ?",
                            (rows[middle - 1][0],)).fetchone()[0]
        for index, row in enumerate(rows[middle:]):
            entry = SimpleNamespace(at=datetime.fromisoformat(row[1]), staff_id=row[2],
                                    action=row[3], entity=row[4], entity_id=row[5],
                                    before=row[6], after=row[7])
            if index == 0:
                entry.after = '{"amount": 1}'
            digest = _digest(prev, entry)
            conn.execute("UPDATE audit_entries SET after = ?, prev_hash = ?, hash = ? "
                         "WHERE id = ?", (entry.after, prev, digest, row[0]))
            prev = digest
        conn.commit()
    finally:
        conn.close()


TAMPERS = {
    "the last entry deleted": lambda c: _sql(
        c, "DELETE FROM audit_entries WHERE id = (SELECT max(id) FROM audit_entries)"),
    "the last five deleted": lambda c: _sql(
        c, "DELETE FROM audit_entries WHERE id > (SELECT max(id) - 5 FROM audit_entries)"),
    "every entry deleted": lambda c: _sql(c, "DELETE FROM audit_entries"),
    "an entry edited and the chain rehashed": _rehash,
}


def verify_both(ctx: Ctx) -> tuple[int, bool]:
    """`clinicdesk verify-audit`'s exit code, and clinic.audit.verify()'s ok."""
    import contextlib
    import io

    from app.__main__ import main
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--db", ctx.p("clinic.db"), "verify-audit"])
    return code, ctx.clinic.audit.verify().ok


def _cut_seen(_ctx: Ctx, result: tuple[int, bool]) -> str | None:
    code, ok = result
    said = []
    if code == 0:
        said.append("`clinicdesk verify-audit` exits 0")
    if ok:
        said.append("clinic.audit.verify() says intact")
    return " and ".join(said) + ": the tampering is not seen" if said else None


def item3() -> list[Case]:
    return [case(3, "audit.verify", f"audit trail with {what}", verify_both, why=ITEM3,
                 setup=tamper, check=_cut_seen) for what, tamper in TAMPERS.items()]
