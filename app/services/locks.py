"""Row locks for several desks on one PostgreSQL server (R11, R29).

On SQLite every write transaction starts with BEGIN IMMEDIATE (app.services.db), so writers
already take turns and these helpers do nothing. PostgreSQL runs READ COMMITTED: two desks
can both read "one use left" and both write. So every write that changes a patient's money
or packages first locks that patient's row, at the top of its unit of work, before it reads
anything it decides on; the second desk waits there until the first commits, and then sees
what the first one wrote.

    with self._db.write() as s:
        locks.patient(s, patient_id)          # or locks.appointment / package / invoice ...

Rules that keep desks from deadlocking:
- Take a patient lock first (these helpers do it first), then practitioners' schedules in
  id order, then the invoice counter (ledger.new_invoice), then the audit chain (last of all:
  taken as the write commits, when its entries are written, audit._append).
- Row locks are FOR NO KEY UPDATE: they exclude each other exactly like FOR UPDATE, but not
  the key-share locks a foreign key check takes, so a desk inserting an invoice that points
  at a locked patient or practitioner is not held up (nor deadlocked) by it.
- Nothing the helpers read comes from before the lock: a row they load as an object (a
  practitioner, a package, a package template or membership plan) is read by the statement
  that locks it, overwriting what the session had. An id that cannot exist is not locked;
  the service's own lookup refuses it.
"""

from __future__ import annotations

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from ..models import (Appointment, ClinicSettings, Invoice, Membership, MembershipPlan,
                      Package, PackageTemplate, Patient, Payment, Staff)

# The audit trail is one hash chain: each entry covers the one before it, so entries are
# appended one desk at a time (any constant, the same for every desk).
_AUDIT_CHAIN = 0x436C696E41756474  # "ClinAudt"


def _postgresql(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def _an_id(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)
            and -2**63 <= value < 2**63)


#: session.info: the (table, id) rows this write has locked, and so knows are there until it
#: commits (a row so locked cannot be deleted meanwhile): validation.present asks no more.
HELD = "locks.held"


def holds(s: Session, table: str, row_id: object) -> bool:
    return (table, row_id) in s.info.get(HELD, ())


def _held(s: Session, table: str, found) -> None:
    s.info.setdefault(HELD, set()).update((table, row_id) for row_id in found)


def _lock_rows(s: Session, table: str, ids) -> None:
    for row_id in sorted({i for i in ids if _an_id(i)}):
        _held(s, table, s.execute(
            text(f"SELECT id FROM {table} WHERE id = :id FOR NO KEY UPDATE"),
            {"id": row_id}).scalars())


def _lock_owner(s: Session, column, key_column, ident) -> int | None:
    """Lock the patient a row belongs to (`column` of the row `ident`), found and locked in
    one statement; the patient's id, or None when there is no such row."""
    if not _an_id(ident):
        return None
    owner = s.execute(select(Patient.id).where(Patient.id == select(column).where(
        key_column == ident).scalar_subquery()).with_for_update(key_share=True)).scalar()
    _held(s, "patients", () if owner is None else (owner,))
    return owner


def patient(s: Session, patient_id: object, *, practitioners=()) -> None:
    """Lock a patient (and the schedules of `practitioners`, staff ids) until commit."""
    if not _postgresql(s):
        return
    _lock_rows(s, "patients", [patient_id])
    ids = sorted({i for i in practitioners if _an_id(i)})
    if ids:
        _locked_objects(s, Staff, Staff.id.in_(ids))


def appointment(s: Session, appointment_id: object, *, practitioner: object = None) -> None:
    """Lock an appointment's patient, then its practitioner's schedule (and, moving it to
    another practitioner, that one's too)."""
    if not _postgresql(s):
        return
    if _lock_owner(s, Appointment.patient_id, Appointment.id, appointment_id) is None:
        return
    # Its practitioner, read and locked in one statement once the patient is locked: no
    # other desk can be moving it now, and the statement's snapshot is taken after the lock.
    theirs = Staff.id == (select(Appointment.staff_id).where(Appointment.id == appointment_id)
                          .scalar_subquery())
    _locked_objects(s, Staff, or_(theirs, Staff.id == practitioner) if _an_id(practitioner)
                    else theirs)


def _locked_objects(s: Session, model, which, *, shared: bool = False) -> list:
    """The rows of `model` that `which` picks, locked in id order (FOR NO KEY UPDATE, or
    FOR SHARE when `shared`) by the statement that reads them afresh into the session: the
    write's own lookups of them (Session.get) then ask the server nothing more. Kept in
    `info` too, as the session holds its objects weakly."""
    found = s.execute(select(model).where(which).order_by(model.id)
                      .with_for_update(read=shared, key_share=not shared)
                      .execution_options(populate_existing=True)).scalars().all()
    s.info.setdefault(_KEPT, []).extend(found)
    _held(s, model.__tablename__, (row.id for row in found))
    return found


def appointments(s: Session, appointment_ids) -> None:
    """Lock the patients of several appointments, in id order (so two desks never wait for
    each other)."""
    if not _postgresql(s) or not isinstance(appointment_ids, (list, tuple)):
        return
    ids = [i for i in appointment_ids if _an_id(i)]
    if ids:
        _lock_rows(s, "patients", s.scalars(select(Appointment.patient_id)
                                            .where(Appointment.id.in_(ids))).all())


def package(s: Session, package_id: object) -> None:
    """Lock the patient a package belongs to, then the package: household members the
    package is shared with use it under their own patient's lock (R37)."""
    if _postgresql(s):
        _lock_owner(s, Package.patient_id, Package.id, package_id)
        _lock_rows(s, "packages", [package_id])


def membership(s: Session, membership_id: object) -> None:
    """Lock a membership's patient, then the membership, and read it again: two desks taking
    the last use of one of its periods take turns (R43, as package_uses does for R11)."""
    if _postgresql(s):
        _lock_owner(s, Membership.patient_id, Membership.id, membership_id)
        _lock_rows(s, "memberships", [membership_id])


def patients(s: Session, patient_ids) -> None:
    """Lock several patients, in id order (linking a household, ending a share, R37)."""
    if _postgresql(s):
        _lock_rows(s, "patients", patient_ids)


def package_uses(s: Session, packages) -> None:
    """Before deciding that packages have a use left for one patient's visit: lock them (in
    id order, after the patient) and read them again. The purchaser's desk and a household
    member's desk lock different patients, and meet here (R11, R37)."""
    if not _postgresql(s):
        return
    # (one read with its lock already in this write is fresh: no other desk can change it)
    ids = sorted({p.id for p in packages} - s.info.get(_FRESH, set()))
    if ids:
        _fresh_packages(s, ids)


def package_to_use(s: Session, package_id: int) -> Package | None:
    """The package a visit will use, read with its lock on a server (as package_uses would
    lock it next, in one statement less), after the patient's lock."""
    if not _postgresql(s):
        return s.get(Package, package_id)
    found = _fresh_packages(s, [package_id])
    return found[0] if found else None


def _fresh_packages(s: Session, ids: list) -> list:
    """Lock packages in id order with the statement that reads them afresh into the
    session (FOR NO KEY UPDATE, populate_existing)."""
    found = _locked_objects(s, Package, Package.id.in_(ids))
    s.info.setdefault(_FRESH, set()).update(p.id for p in found)
    return found


def terms(s: Session, table: str, row_id: object, *, editing: bool = False) -> None:
    """A package template's or a membership plan's terms ("package_templates",
    "membership_plans"), before they are copied into a sale or an enrolment (shared: such
    copies do not wait for each other) or changed (`editing`). A copy waits for an edit or
    archive under way and then reads the terms once it is committed, so it copies one version
    whole: never the old refund policy and price with the new Patient Pays (R40, R43). Taken
    after the patient's lock."""
    if _postgresql(s) and _an_id(row_id):
        model = _TERMS[table]
        _locked_objects(s, model, model.id == row_id, shared=not editing)


_TERMS = {"package_templates": PackageTemplate, "membership_plans": MembershipPlan}
_KEPT = "locks.kept"
_FRESH = "locks.fresh_packages"


def invoice(s: Session, invoice_id: object) -> None:
    """Lock the patient an invoice is for."""
    if _postgresql(s):
        _lock_owner(s, Invoice.patient_id, Invoice.id, invoice_id)


def payment(s: Session, payment_id: object) -> None:
    """Lock the patient who made a payment."""
    if _postgresql(s):
        _lock_owner(s, Payment.patient_id, Payment.id, payment_id)


def invoice_counter(s: Session) -> None:
    """Hold the clinic's settings row until commit, and load it afresh: the lock a write
    takes first when it must decide something one desk at a time before its invoice number
    (gift cards' one walk-in buyer). The number itself is taken with one UPDATE, which
    holds the same row (ledger.take_invoice_numbers)."""
    if not _postgresql(s):
        return
    s.execute(select(ClinicSettings).where(ClinicSettings.id == 1).with_for_update()
              .execution_options(populate_existing=True))


def audit_chain(s: Session) -> None:
    """Hold the audit chain until commit, before reading its last hash."""
    if _postgresql(s):
        s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_CHAIN})
