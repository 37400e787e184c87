"""Reports over packages: sales, usage, outstanding liability, staff compensation (R3, R21).

Every figure is computed in SQL (SQLAlchemy Core): the detail rows, the per-group totals and
the grand total of one report section come from ONE statement. The section's detail query is
a materialised CTE; the group totals are a GROUP BY over it and the grand total adds up the
groups, glued to the detail rows with UNION ALL. So the work of joining and numbering happens
once, and Python only turns result rows into plain row objects (taken straight from the
DBAPI cursor, see `_fetch`). Nothing is formatted here (money stays in cents, dates stay
dates); the UI and `report_export` format at the edge. Reports over years return tens of
thousands of rows (a year of usage at a busy clinic: ~50,000, ~0.3 s): call them from the
worker thread, not the GUI thread. bench/RESULTS.md has the measurements.

A `Report` is generic: one or more `Section`s, each a table with typed `Column`s, rows,
per-group subtotal rows and a grand total. A table view or an exporter needs nothing else:

    for section in report.sections:
        headings = [c.heading for c in section.columns]      # c.kind: text|money|date|int
        for row in section.rows: cells = section.cells(row)   # raw: cents, dates, ints
        for group in section.groups: group.label, group.count, group.totals[column.key]
        section.count, section.totals[column.key]             # for columns with total=True

Per-use value (R3): use n of a package of price P and N uses is P // N, plus one cent for the
last P % N uses — exactly `money.split_evenly(P, N)[n - 1]`; the values of all uses add up to
P. "Use n" numbers a package's redemptions that are not voided, ordered by date then id (as
on the package's show page); the number is stored on the redemption
(`package_rules.renumber_uses`), so a report reads it rather than counting.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import attrgetter
from datetime import date, datetime, timedelta
from sys import intern
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from babel.dates import format_date
from sqlalchemy import (BigInteger, and_, case, cast, func, literal, null, or_, select,
                        union_all)
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from ..i18n import N_, _, ngettext
from ..models import (Appointment, Invoice, InvoiceLine, Package, PackageRefund,
                      PackageTemplate, Patient, PaymentApplication, Redemption, Staff,
                      TreatmentType)
from . import validation as v
from .base import Service
from .errors import ValidationError

NO_STAFF = N_("No Staff Member")  # R6; in rows and groups as _(NO_STAFF)
NOTHING = N_("Nothing in this period.")
EXPIRING_DAYS = 30
REPORT_CACHE_KIB = 32 * 1024
FETCH_ROWS = 5000
LARGE_REPORT_ROWS = 50_000
KINDS = ("text", "money", "date", "int")


# --------------------------------------------------------------------------------------
# The generic shape


@dataclass(frozen=True)
class Column:
    """One column of a section. `key` is the attribute of each row that holds the value."""

    key: str
    heading: str
    kind: str = "text"  # text | money (int cents) | date (datetime.date or None) | int
    total: bool = False  # summed in the group totals and the grand total


@dataclass(frozen=True)
class Group:
    """Subtotals of the rows sharing one value of the section's `group_by` key."""

    key: Any  # the value of the grouped key (a template id, a staff id or None)
    label: str  # what to show ("10 Massages", "No Staff Member")
    count: int  # detail rows in the group (counted rows only, see Section.notes)
    totals: Mapping[str, int]  # column key -> total, for every column with total=True


@dataclass(frozen=True)
class Section:
    title: str
    columns: tuple[Column, ...]
    rows: tuple  # plain dataclass rows: getattr(row, column.key) is the cell's value
    groups: tuple[Group, ...] = ()
    totals: Mapping[str, int] = field(default_factory=dict)  # grand totals, column key -> int
    count: int = 0  # counted rows (the grand total's row count)
    group_by: str | None = None  # row attribute the groups are keyed on ("template_id")
    group_heading: str = ""  # what a group is ("Package", "Staff member")
    empty_text: str = NOTHING

    def value(self, row, key: str):
        return getattr(row, key)

    def cells(self, row) -> tuple:
        """The row's values in column order (raw: cents, dates, ints, text)."""
        return tuple(getattr(row, c.key) for c in self.columns)

    @property
    def money_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind == "money")


@dataclass(frozen=True)
class Report:
    """A finished report. `sections[0]` is the main table; the shortcuts read it."""

    kind: str  # package_sales | package_usage | outstanding | compensation
    title: str
    subtitle: str  # the period or date, in words ("2026-01-01 to 2026-12-31")
    currency: str
    locale: str
    generated_at: datetime
    parameters: Mapping[str, Any]  # what was asked: start/end or on, template_id, staff_id
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = ()  # sentences to print under the title

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.sections[0].columns

    @property
    def rows(self) -> tuple:
        return self.sections[0].rows

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.sections[0].groups

    @property
    def totals(self) -> Mapping[str, int]:
        return self.sections[0].totals

    @property
    def count(self) -> int:
        return self.sections[0].count

    def section(self, title: str) -> Section:
        for section in self.sections:
            if section.title == title:
                return section
        raise KeyError(title)


# --------------------------------------------------------------------------------------
# Row types (slotted dataclasses: cheap to build by the hundred thousand)


@dataclass(slots=True)
class SaleRow:
    package_id: int
    purchased_on: date
    invoice_id: int
    invoice_number: int
    patient_id: int
    patient_name: str
    template_id: int
    package_name: str
    staff_id: int | None
    staff_name: str  # "No Staff Member" when unassigned (R6)
    price: int
    tax: int
    collected: int  # applied to the sale invoice, before any package refund
    refunded: int  # the package refund amount (0 if none)
    status: str  # active | expired | refunded | used up | void (as of today)


@dataclass(slots=True)
class UsageRow:
    redemption_id: int
    redeemed_on: date
    patient_id: int
    patient_name: str
    package_id: int
    template_id: int
    package_name: str
    treatment_name: str
    practitioner_id: int
    practitioner_name: str
    use_number: int
    uses_total: int
    per_use_value: int  # R3
    patient_pays: int
    reason: str  # arrived | no_show

    @property
    def uses_remaining(self) -> int:
        """Uses left after this one."""
        return self.uses_total - self.use_number

    @property
    def use(self) -> str:
        return _("{used} of {total}").format(used=self.use_number, total=self.uses_total)


@dataclass(slots=True)
class OutstandingRow:
    package_id: int
    purchased_on: date
    patient_id: int
    patient_name: str
    template_id: int
    package_name: str
    expires_on: date | None  # None: no expiry
    uses_total: int
    uses_redeemed: int  # as of the report date
    uses_remaining: int
    unredeemed_value: int  # sum of the per-use values of the remaining uses (R3)


@dataclass(slots=True)
class CompensationRow:
    staff_id: int | None
    staff_name: str
    sales: int  # packages sold assigned to them (not void)
    sales_value: int  # their price
    uses: int  # redemptions they performed
    uses_value: int  # per-use value of those
    compensated_uses: int  # ... whose appointment still compensates the practitioner
    compensated_value: int
    double_uses: int  # compensated uses of packages whose sale was assigned to them (R7)
    double_value: int

    @property
    def flag(self) -> str:
        return _("Double compensation") if self.double_uses else ""


@dataclass(slots=True)
class DoubleCompensationRow:
    redemption_id: int
    redeemed_on: date
    appointment_id: int
    patient_id: int
    patient_name: str
    package_id: int
    template_id: int
    package_name: str
    staff_id: int
    staff_name: str
    purchased_on: date
    use_number: int
    uses_total: int
    per_use_value: int

    @property
    def use(self) -> str:
        return _("{used} of {total}").format(used=self.use_number, total=self.uses_total)


# --------------------------------------------------------------------------------------
# Columns

SALES_COLUMNS = (
    Column("purchased_on", N_("Date"), "date"),
    Column("invoice_number", N_("Invoice"), "int"),
    Column("patient_name", N_("Patient")),
    Column("package_name", N_("Package")),
    Column("staff_name", N_("Staff")),
    Column("price", N_("Price"), "money", total=True),
    Column("tax", N_("Tax"), "money", total=True),
    Column("collected", N_("Collected"), "money", total=True),
    Column("refunded", N_("Refunded"), "money", total=True),
    Column("status", N_("Status")),
)

USAGE_COLUMNS = (
    Column("redeemed_on", N_("Date"), "date"),
    Column("patient_name", N_("Patient")),
    Column("package_name", N_("Package")),
    Column("treatment_name", N_("Treatment")),
    Column("practitioner_name", N_("Practitioner")),
    Column("use", N_("Use")),
    Column("per_use_value", N_("Per-use value"), "money", total=True),
    Column("patient_pays", N_("Patient Pays"), "money", total=True),
    Column("uses_remaining", N_("Uses remaining"), "int"),
)

OUTSTANDING_COLUMNS = (
    Column("purchased_on", N_("Purchased"), "date"),
    Column("patient_name", N_("Patient")),
    Column("package_name", N_("Package")),
    Column("expires_on", N_("Expires"), "date"),
    Column("uses_total", N_("Uses"), "int"),
    Column("uses_redeemed", N_("Used"), "int", total=True),
    Column("uses_remaining", N_("Remaining"), "int", total=True),
    Column("unredeemed_value", N_("Unredeemed value"), "money", total=True),
)

COMPENSATION_COLUMNS = (
    Column("staff_name", N_("Staff member")),
    Column("sales", N_("Packages sold"), "int", total=True),
    Column("sales_value", N_("Sales value"), "money", total=True),
    Column("uses", N_("Uses performed"), "int", total=True),
    Column("uses_value", N_("Uses value"), "money", total=True),
    Column("compensated_uses", N_("Compensated uses"), "int", total=True),
    Column("compensated_value", N_("Compensated value"), "money", total=True),
    Column("double_uses", N_("Double-compensated uses"), "int", total=True),
    Column("double_value", N_("Double-compensated value"), "money", total=True),
    Column("flag", N_("Flag")),
)

DOUBLE_COLUMNS = (
    Column("redeemed_on", N_("Date"), "date"),
    Column("staff_name", N_("Staff member")),
    Column("patient_name", N_("Patient")),
    Column("package_name", N_("Package")),
    Column("purchased_on", N_("Sold on"), "date"),
    Column("use", N_("Use")),
    Column("per_use_value", N_("Per-use value"), "money", total=True),
)


# --------------------------------------------------------------------------------------
# SQL building blocks


def _patient_name():
    return (Patient.first_name + " " + Patient.last_name).label("patient_name")


def _sum(expr):
    """SUM as a whole number on every engine (0 when there are no rows). PostgreSQL sums
    bigints (counts, sums of sums) as numeric, which the raw rows would hand over as
    Decimal; the cast keeps them ints, and is a no-op on SQLite's integers."""
    return cast(func.coalesce(func.sum(expr), 0), BigInteger)


def _use_value(price, uses, use_number):
    """Per-use value of use `use_number` (R3), exactly money.split_evenly(price, uses)."""
    return price // uses + case((use_number > uses - price % uses, 1), else_=0)


def _value_of_first(price, uses, k):
    """Sum of the per-use values of uses 1..k (R3): k·(P//N) + max(0, k − (N − P%N))."""
    extra = k - (uses - price % uses)
    # max(0, extra), written as CASE: SQLite's two-argument max() is PostgreSQL's greatest().
    return k * (price // uses) + case((extra > 0, extra), else_=0)


def _per_use_value(r):
    """The per-use value of redemption row `r` (R3), with its package joined."""
    return _use_value(Package.price, Package.uses_total, r.use_number)


def _numbered(start: date, end: date):
    """Live redemptions on `start`..`end` with their use numbers (kept on the redemption by
    package_rules.renumber_uses)."""
    return (select(Redemption.id, Redemption.package_id, Redemption.appointment_id,
                   Redemption.redeemed_on, Redemption.patient_pays, Redemption.reason,
                   Redemption.use_number)
            .where(Redemption.voided_at.is_(None), Redemption.redeemed_on.between(start, end))
            .cte("numbered").prefix_with("MATERIALIZED"))


def _names(s, model) -> dict:
    return dict(s.execute(select(model.id, model.name)).all())


@dataclass
class _Spec:
    """How to turn one detail query into a section.

    The detail query's columns are labelled; `build` turns one of its rows (a tuple in that
    column order) into a row object. `sums` name the columns totalled per group and overall.
    """

    detail: Select
    build: Callable[[tuple], Any]
    sums: Sequence[str]
    order: Sequence[str]  # row attributes the rows are sorted by (none: as they come)
    group_key: str | None = None
    label_of: Callable[[Any], str] | None = None  # group key -> label
    counted: str | None = None  # a 0/1 detail column: only rows with 1 enter the totals
    # For big reports: builds the same row but shares repeated values (names, ids, amounts)
    # between rows, which costs time per row and saves a third of the memory; used from the
    # LARGE_REPORT_ROWS-th row on.
    build_shared: Callable[[tuple], Any] | None = None


def _section_statement(spec: _Spec):
    """Detail rows (level 0), one total per group (level 1) and the grand total (level 2)
    from one statement: the detail is a materialised CTE, the groups a GROUP BY over it
    (materialised too), and the grand total adds up the groups (or the detail when the
    section has no groups). No ORDER BY: rows are sorted in Python, where they mostly arrive
    in order already, which spares SQLite a sort of the whole result."""
    base = spec.detail.cte("base").prefix_with("MATERIALIZED")
    columns = list(base.c)
    counted = [base.c[spec.counted] == 1] if spec.counted is not None else []
    branches = [select(literal(0).label("_level"), literal(1).label("_n"), *columns)]
    if spec.group_key is not None:
        groups = (select(base.c[spec.group_key].label("_key"), func.count().label("_n"),
                         *[_sum(base.c[k]).label(k) for k in spec.sums])
                  .where(*counted).group_by(base.c[spec.group_key])
                  .cte("groups").prefix_with("MATERIALIZED"))
        branches.append(select(
            literal(1), groups.c._n,
            *[groups.c[c.key] if c.key in spec.sums else
              groups.c._key if c.key == spec.group_key else null() for c in columns]))
        branches.append(select(
            literal(2), _sum(groups.c._n),
            *[_sum(groups.c[c.key]) if c.key in spec.sums else null()
              for c in columns]))
    else:
        branches.append(select(
            literal(2), func.count(),
            *[_sum(c) if c.key in spec.sums else null() for c in columns])
            .where(*counted))
    return union_all(*branches)


def _fetch(s, statement) -> Iterator[list[tuple]]:
    """The result rows as the driver's plain tuples, a few thousand at a time.

    The statement is compiled (and cached) and its parameters bound by SQLAlchemy as usual;
    the rows are then taken straight from the DBAPI cursor, skipping SQLAlchemy's per-row
    Row objects and type processing: a third of the time of a 50,000-row report. Dates come
    back as ISO text; the row builders turn them into dates.
    """
    connection = s.connection()
    if connection.dialect.name == "sqlite":
        # Reports read pages all over the file (patients, packages): a 32 MB page cache for
        # this connection instead of SQLite's 2 MB default halves the cost of those lookups.
        # (A PostgreSQL server has its own shared cache.)
        connection.exec_driver_sql(f"PRAGMA cache_size = -{REPORT_CACHE_KIB}")
    result = connection.execute(statement)
    try:
        cursor = result.cursor
        if cursor is None:  # nothing to fetch (never for a SELECT)
            yield [tuple(row) for row in result]
            return
        while chunk := cursor.fetchmany(FETCH_ROWS):
            yield chunk
    finally:
        result.close()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building tens of thousands of row objects:
    each of its passes would walk all of them again (a sixth of a year's usage report)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@lru_cache(maxsize=16384)
def _day(value) -> date | None:
    """ISO text from SQLite to a date, shared: a report's rows hold one object per day."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _run_section(s, spec: _Spec, *, title: str, columns: tuple[Column, ...],
                 group_heading: str = "", empty_text: str | None = None) -> Section:
    """One section, its words (title, headings, empty text) in the desk's language."""
    columns = tuple(replace(c, heading=_(c.heading)) for c in columns)
    empty_text = empty_text if empty_text is not None else _(NOTHING)
    keys = [c.key for c in spec.detail.selected_columns]
    sum_positions = [(key, keys.index(key) + 2) for key in spec.sums]
    group_pos = keys.index(spec.group_key) + 2 if spec.group_key else None
    build = spec.build
    rows: list = []
    groups: list[Group] = []
    totals: dict[str, int] = {key: 0 for key, _ in sum_positions}
    count = 0
    with _gc_paused():  # rows hold no cycles: no collector passes over them
        for chunk in _fetch(s, _section_statement(spec)):
            for raw in chunk:
                level = raw[0]
                if level == 0:
                    rows.append(build(raw))
                    if len(rows) == LARGE_REPORT_ROWS and spec.build_shared is not None:
                        build = spec.build_shared
                elif level == 1:
                    key = raw[group_pos]
                    groups.append(Group(key, spec.label_of(key) if spec.label_of else str(key),
                                        raw[1], {k: raw[p] for k, p in sum_positions}))
                else:
                    count = raw[1]
                    totals = {k: raw[p] for k, p in sum_positions}
        if spec.order:
            rows.sort(key=attrgetter(*spec.order))
    groups.sort(key=lambda g: (g.label.casefold(), str(g.key)))
    return Section(title, columns, tuple(rows), tuple(groups), totals, count,
                   spec.group_key, group_heading, empty_text)


# --------------------------------------------------------------------------------------
# The service


class ReportService(Service):
    """`clinic.reports`: every method validates, reads in one transaction, returns a Report."""

    def package_sales(self, start: date, end: date, *, template_id: int | None = None,
                      staff_id: int | None = None) -> Report:
        """Each package sold (purchase date) on `start`..`end`, with totals per package (R21).

        `staff_id` keeps the sales assigned to that staff member (R6). Void sales are listed
        with status "void" but left out of the totals. Status is as of today.
        """
        start, end = self._period(start, end)
        today = self._today()
        redeemed = (select(func.count()).select_from(Redemption)
                    .where(Redemption.package_id == Package.id, Redemption.voided_at.is_(None))
                    .scalar_subquery())
        status = case(
            (Package.status.in_(("refunded", "void")), Package.status),
            (redeemed >= Package.uses_total, "used up"),
            (and_(Package.expires_on.is_not(None), Package.expires_on < today), "expired"),
            else_="active")
        collected = (select(_sum(PaymentApplication.amount))
                     .where(PaymentApplication.invoice_id == Package.invoice_id,
                            PaymentApplication.reason != "package_refund")
                     .scalar_subquery())
        refunded = (select(_sum(PackageRefund.amount))
                    .where(PackageRefund.package_id == Package.id).scalar_subquery())
        # "+ 0" keeps SQLite on the invoice's own lines (ix_invoice_lines_invoice: one or two)
        # rather than every line naming the package (one per use, all over the table).
        tax = (select(_sum(InvoiceLine.tax))
               .where(InvoiceLine.invoice_id == Package.invoice_id,
                      InvoiceLine.kind == "package", InvoiceLine.package_id + 0 == Package.id)
               .scalar_subquery())
        detail = (
            select(Package.id.label("package_id"), Package.purchased_on,
                   Package.invoice_id, Invoice.number.label("invoice_number"),
                   Package.patient_id, _patient_name(), Package.template_id,
                   Package.name.label("package_name"), Package.staff_id, Package.price,
                   tax.label("tax"), collected.label("collected"), refunded.label("refunded"),
                   status.label("status"),
                   case((Package.status == "void", 0), else_=1).label("counted"))
            .join(Invoice, Invoice.id == Package.invoice_id)
            .join(Patient, Patient.id == Package.patient_id)
            .where(Package.purchased_on.between(start, end)))
        with self._db.read() as s:
            detail = self._filters(s, detail, template_id=template_id, staff_id=staff_id,
                                   template_col=Package.template_id, staff_col=Package.staff_id)
            staff, templates = _names(s, Staff), _names(s, PackageTemplate)
            no_staff = _(NO_STAFF)

            def build(r):
                (_n, _l, package_id, purchased_on, invoice_id, number, patient_id, patient,
                 template, name, staff_id_, price, tax_, collected_, refunded_, status_,
                 _c) = r
                return SaleRow(package_id, _day(purchased_on), invoice_id, number, patient_id,
                               patient, template, name, staff_id_,
                               staff.get(staff_id_, no_staff), price, tax_, collected_,
                               refunded_, status_)

            share = {}.setdefault

            def build_shared(r):
                (_n, _l, package_id, purchased_on, invoice_id, number, patient_id, patient,
                 template, name, staff_id_, price, tax_, collected_, refunded_, status_,
                 _c) = r
                return SaleRow(package_id, _day(purchased_on), invoice_id, number,
                               share(patient_id, patient_id), intern(patient), template,
                               intern(name), staff_id_, staff.get(staff_id_, no_staff),
                               share(price, price), share(tax_, tax_),
                               share(collected_, collected_), refunded_, intern(status_))

            section = _run_section(
                s, _Spec(detail, build, build_shared=build_shared,
                         sums=("price", "tax", "collected", "refunded"),
                         order=("purchased_on", "invoice_number"), group_key="template_id",
                         label_of=templates.get, counted="counted"),
                title=_("Package sales"), columns=SALES_COLUMNS, group_heading=_("Package"),
                empty_text=_("No packages were sold in this period."))
        return self._report(
            "package_sales", _("Package Sales"), self._span(start, end), (section,),
            {"start": start, "end": end, "template_id": template_id, "staff_id": staff_id},
            notes=(_("Void sales are listed but not counted in the totals. Collected is what "
                     "was paid on the sale invoice before any package refund. Status is as of "
                     "{date}.").format(date=self._date(today)),))

    def package_usage(self, start: date, end: date, *, template_id: int | None = None,
                      staff_id: int | None = None) -> Report:
        """Each redemption (not voided) on `start`..`end`, with totals per package (R21).

        `staff_id` keeps the redemptions that practitioner performed.
        """
        start, end = self._period(start, end)
        n = _numbered(start, end)
        detail = (
            select(n.c.id.label("redemption_id"), n.c.redeemed_on, Package.patient_id,
                   _patient_name(), n.c.package_id, Package.template_id,
                   Package.name.label("package_name"), Appointment.treatment_type_id,
                   Appointment.staff_id.label("practitioner_id"), n.c.use_number,
                   Package.uses_total,
                   _use_value(Package.price, Package.uses_total, n.c.use_number)
                   .label("per_use_value"), n.c.patient_pays, n.c.reason)
            .select_from(n)
            .join(Package, Package.id == n.c.package_id)
            .join(Patient, Patient.id == Package.patient_id)
            .join(Appointment, Appointment.id == n.c.appointment_id))
        with self._db.read() as s:
            detail = self._filters(s, detail, template_id=template_id, staff_id=staff_id,
                                   template_col=Package.template_id,
                                   staff_col=Appointment.staff_id)
            staff, templates = _names(s, Staff), _names(s, PackageTemplate)
            treatments = _names(s, TreatmentType)
            share = {}.setdefault  # one int object per package or patient, not one per row

            def build(r):
                (_n, _l, rid, day, patient_id, patient, package_id, template, name, treatment,
                 practitioner, use, uses, value, pays, reason) = r
                return UsageRow(rid, _day(day), patient_id, patient, package_id, template, name,
                                treatments[treatment], practitioner, staff[practitioner], use,
                                uses, value, pays, reason)

            def build_shared(r):
                (_n, _l, rid, day, patient_id, patient, package_id, template, name, treatment,
                 practitioner, use, uses, value, pays, reason) = r
                # repeated text is shared (intern): 500,000 rows hold a few names, not copies
                return UsageRow(rid, _day(day), share(patient_id, patient_id), intern(patient),
                                share(package_id, package_id), template, intern(name),
                                treatments[treatment], practitioner, staff[practitioner], use,
                                uses, share(value, value), share(pays, pays), intern(reason))

            section = _run_section(
                s, _Spec(detail, build, build_shared=build_shared,
                         sums=("per_use_value", "patient_pays"),
                         order=("redeemed_on", "redemption_id"), group_key="template_id",
                         label_of=templates.get),
                title=_("Package usage"), columns=USAGE_COLUMNS, group_heading=_("Package"),
                empty_text=_("No package uses were redeemed in this period."))
        return self._report(
            "package_usage", _("Package Usage"), self._span(start, end), (section,),
            {"start": start, "end": end, "template_id": template_id, "staff_id": staff_id},
            notes=(_("Per-use value is the package price spread over its uses so that they "
                     "add up to the price exactly."),))

    def outstanding(self, on: date, *, template_id: int | None = None) -> Report:
        """The clinic's liability at the end of `on`: every package active that day with its
        uses left and their value (R3); then those of them expiring in the next 30 days.

        Active on `on`: purchased on or before it, not refunded or voided by the end of it,
        not expired (valid through its expiry date, R13), with a use left. Voided redemptions
        never count; the expiry date is the package's current one.
        """
        on = v.a_date(on, "on", label=_("report date"))
        after = datetime.combine(on + timedelta(days=1), datetime.min.time())
        soon = on + timedelta(days=EXPIRING_DAYS)
        redeemed = (select(func.count()).select_from(Redemption)
                    .where(Redemption.package_id == Package.id, Redemption.voided_at.is_(None),
                           Redemption.redeemed_on <= on)
                    .scalar_subquery())
        refunded_later = (select(PackageRefund.id)
                          .where(PackageRefund.package_id == Package.id,
                                 PackageRefund.refunded_at >= after).exists())
        voided_later = (select(Invoice.id)
                        .where(Invoice.id == Package.invoice_id, Invoice.voided_at >= after)
                        .exists())

        def detail(expiring: bool):
            live = (select(Package.id, Package.purchased_on, Package.patient_id,
                           Package.template_id, Package.name, Package.expires_on,
                           Package.uses_total, Package.price, redeemed.label("redeemed"))
                    .where(Package.purchased_on <= on,
                           or_(Package.status == "active",
                               and_(Package.status == "refunded", refunded_later),
                               and_(Package.status == "void", voided_later))))
            if expiring:
                live = live.where(Package.expires_on.between(on, soon))
            else:
                live = live.where(or_(Package.expires_on.is_(None), Package.expires_on >= on))
            if template_id is not None:
                live = live.where(Package.template_id == template_id)
            live = live.cte("expiring" if expiring else "live").prefix_with("MATERIALIZED")
            return (select(live.c.id.label("package_id"), live.c.purchased_on,
                           live.c.patient_id, _patient_name(), live.c.template_id,
                           live.c.name.label("package_name"), live.c.expires_on,
                           live.c.uses_total, live.c.redeemed.label("uses_redeemed"),
                           (live.c.uses_total - live.c.redeemed).label("uses_remaining"),
                           (live.c.price - _value_of_first(live.c.price, live.c.uses_total,
                                                           live.c.redeemed))
                           .label("unredeemed_value"))
                    .join(Patient, Patient.id == live.c.patient_id)
                    .where(live.c.redeemed < live.c.uses_total))

        def build(r):
            (_n, _l, package_id, purchased_on, patient_id, patient, template, name, expires_on,
             uses, used, remaining, value) = r
            return OutstandingRow(package_id, _day(purchased_on), patient_id, intern(patient),
                                  template, intern(name), _day(expires_on), uses, used,
                                  remaining, value)

        sums = ("uses_redeemed", "uses_remaining", "unredeemed_value")
        with self._db.read() as s:
            self._filters(s, None, template_id=template_id)
            templates = _names(s, PackageTemplate)
            main = _run_section(
                s, _Spec(detail(False), build, sums=sums, order=("purchased_on", "package_id"),
                         group_key="template_id", label_of=templates.get),
                title=_("Outstanding packages"), columns=OUTSTANDING_COLUMNS,
                group_heading=_("Package"),
                empty_text=_("No package had uses left on this date."))
            expiring = _run_section(
                s, _Spec(detail(True), build, sums=sums, order=("expires_on", "package_id"),
                         group_key="template_id", label_of=templates.get),
                title=ngettext("Expiring in the next {days} day",
                               "Expiring in the next {days} days",
                               EXPIRING_DAYS).format(days=EXPIRING_DAYS),
                columns=OUTSTANDING_COLUMNS, group_heading=_("Package"),
                empty_text=ngettext("No package with uses left expires within {days} day.",
                                    "No package with uses left expires within {days} days.",
                                    EXPIRING_DAYS).format(days=EXPIRING_DAYS))
        return self._report(
            "outstanding", _("Outstanding Packages"),
            _("On {date}").format(date=self._date(on)), (main, expiring),
            {"on": on, "template_id": template_id},
            notes=(_("Unredeemed value is the sum of the per-use values of the uses left, "
                     "before tax."),
                   _("Expiring: valid on {on} and expiring on or before {last}.").format(
                       on=self._date(on), last=self._date(soon))))

    def compensation(self, start: date, end: date, *, staff_id: int | None = None) -> Report:
        """Per staff member: package sales assigned to them (R6) and the uses they performed,
        with the double compensation R7 warns about: a use performed by the staff member who
        was assigned the package's sale, on an appointment that still compensates them."""
        start, end = self._period(start, end)
        compensated = case((Appointment.compensate_staff.is_(True), 1), else_=0)
        double = case((and_(Appointment.compensate_staff.is_(True),
                            Package.staff_id == Appointment.staff_id), 1), else_=0)
        measures = ("sales", "sales_value", "uses", "uses_value", "compensated_uses",
                    "compensated_value", "double_uses", "double_value")
        # Each use's value, worked out once (materialised).
        performed = (
            select(Appointment.staff_id.label("staff_id"),
                   _per_use_value(Redemption).label("value"), compensated.label("compensated"),
                   double.label("double"))
            .select_from(Redemption)
            .join(Package, Package.id == Redemption.package_id)
            .join(Appointment, Appointment.id == Redemption.appointment_id)
            .where(Redemption.voided_at.is_(None), Redemption.redeemed_on.between(start, end)))
        if staff_id is not None:
            performed = performed.where(Appointment.staff_id == staff_id)
        performed = performed.cte("performed").prefix_with("MATERIALIZED")
        value = performed.c.value
        uses = select(performed.c.staff_id, literal(0).label("sales"),
                      literal(0).label("sales_value"), literal(1).label("uses"),
                      value.label("uses_value"), performed.c.compensated.label("compensated_uses"),
                      (performed.c.compensated * value).label("compensated_value"),
                      performed.c.double.label("double_uses"),
                      (performed.c.double * value).label("double_value"))
        sales = (select(Package.staff_id.label("staff_id"), literal(1).label("sales"),
                        Package.price.label("sales_value"),
                        *[literal(0).label(k) for k in measures[2:]])
                 .where(Package.purchased_on.between(start, end), Package.status != "void"))
        # the flagged uses themselves
        r = aliased(Redemption)
        flagged = (
            select(r.id.label("redemption_id"), r.redeemed_on, r.appointment_id,
                   Package.patient_id, _patient_name(), r.package_id, Package.template_id,
                   Package.name.label("package_name"), Appointment.staff_id,
                   Package.purchased_on, r.use_number, Package.uses_total,
                   _per_use_value(r).label("per_use_value"))
            .join(Package, Package.id == r.package_id)
            .join(Appointment, Appointment.id == r.appointment_id)
            .join(Patient, Patient.id == Package.patient_id)
            .where(r.voided_at.is_(None), r.redeemed_on.between(start, end),
                   Package.staff_id.is_not(None), Appointment.compensate_staff.is_(True),
                   Package.staff_id == Appointment.staff_id))
        if staff_id is not None:
            sales = sales.where(Package.staff_id == staff_id)
            flagged = flagged.where(Appointment.staff_id == staff_id)
        facts = union_all(sales, uses).subquery("facts")
        per_staff = (select(facts.c.staff_id, *[_sum(facts.c[k]).label(k) for k in measures])
                     .group_by(facts.c.staff_id))
        with self._db.read() as s:
            self._filters(s, None, staff_id=staff_id)
            names = _names(s, Staff)
            no_staff = _(NO_STAFF)

            def build_staff(row):
                return CompensationRow(row[2], names.get(row[2], no_staff), *row[3:])

            def build_flagged(row):
                (_n, _l, rid, day, appointment, patient_id, patient, package_id, template, name,
                 staff_id_, purchased_on, use, uses_total, value) = row
                return DoubleCompensationRow(rid, _day(day), appointment, patient_id, patient,
                                             package_id, template, name, staff_id_,
                                             names[staff_id_], _day(purchased_on), use,
                                             uses_total, value)

            main = _run_section(
                s, _Spec(per_staff, build_staff, sums=measures, order=()),
                title=_("Compensation by staff member"), columns=COMPENSATION_COLUMNS,
                empty_text=_("No package sales or uses in this period."))
            main = replace(main, rows=tuple(sorted(
                main.rows, key=lambda x: (x.staff_id is not None, x.staff_name.casefold(),
                                          x.staff_id or 0))))
            doubles = _run_section(
                s, _Spec(flagged, build_flagged, sums=("per_use_value",),
                         order=("redeemed_on", "redemption_id"), group_key="staff_id",
                         label_of=lambda key: names.get(key, no_staff)),
                title=_("Double compensation"), columns=DOUBLE_COLUMNS,
                group_heading=_("Staff member"),
                empty_text=_("No use was compensated twice in this period."))
        return self._report(
            "compensation", _("Staff Compensation"), self._span(start, end), (main, doubles),
            {"start": start, "end": end, "staff_id": staff_id},
            notes=(_("Sales assigned to a staff member compensate them up front; uses "
                     "compensate the practitioner unless the appointment's compensation was "
                     "unassigned. A use is double-compensated when the practitioner was also "
                     "assigned the package's sale and the appointment still compensates them. "
                     "Void sales and voided uses are left out."),))

    # helpers
    def _period(self, start, end) -> tuple[date, date]:
        start = v.a_date(start, "start", label=_("start date"))
        end = v.a_date(end, "end", label=_("end date"))
        if end < start:
            raise ValidationError("end", _("The end date ({end}) must be on or after the start "
                                           "date ({start}).").format(end=self._date(end),
                                                                     start=self._date(start)))
        return start, end

    def _date(self, day: date) -> str:
        """A date in the clinic's locale, Babel's medium format ("Mar 31, 2026")."""
        return format_date(day, "medium", locale=self._clinic.money_context()["locale"])

    def _span(self, start: date, end: date) -> str:
        return _("{start} to {end}").format(start=self._date(start), end=self._date(end))

    def _filters(self, s, query, *, template_id=None, staff_id=None, template_col=None,
                 staff_col=None):
        """Refuse unknown ids (R30) and narrow `query` (when given) to them."""
        if template_id is not None:
            v.get(s, PackageTemplate, template_id, "package template")
            if query is not None:
                query = query.where(template_col == template_id)
        if staff_id is not None:
            v.get(s, Staff, staff_id, "staff member")
            if query is not None:
                query = query.where(staff_col == staff_id)
        return query

    def _report(self, kind: str, title: str, subtitle: str, sections: Iterable[Section],
                parameters: Mapping[str, Any], *, notes: Sequence[str] = ()) -> Report:
        money = self._clinic.money_context()
        return Report(kind, title, subtitle, money["currency"], money["locale"], self._now(),
                      dict(parameters), tuple(sections), tuple(notes))


__all__ = ["Column", "CompensationRow", "DoubleCompensationRow", "Group", "OutstandingRow",
           "Report", "ReportService", "SaleRow", "Section", "UsageRow"]
