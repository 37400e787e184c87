"""Switching in from CSV (R42): packages sold before ClinicDesk, opening balances and upcoming
appointments, through the patient import's preview, per-row problems, all-or-nothing and
Cancel (importing.py calls these for the three kinds).

A row names its patient as the patient import does: first and last name (or one name
column), with their email or phone when two patients share a name. Each row is checked by
the services' own rules (switching_in.check_terms, opening_balances.check, the schedule's
booking) and written by them, one audit entry each, all in the import's one transaction.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from ...i18n import N_, _
from ...models import Package, PackageTemplate, Patient, Staff, TreatmentType
from .. import money, opening_balances, switching_in
from .. import validation as v
from ..errors import ClinicError, NotAllowed, ValidationError
from ..patients import search_key

PACKAGES = "packages_before"
BALANCES = "opening_balances"
APPOINTMENTS = "upcoming_appointments"
KINDS = (PACKAGES, BALANCES, APPOINTMENTS)

_WHO = {
    "first_name": ("firstname", "first", "givenname", "prenom", "patientfirstname"),
    "last_name": ("lastname", "last", "surname", "familyname", "nom", "nomdefamille",
                  "patientlastname"),
    "full_name": ("patient", "patientname", "fullname", "name", "nomcomplet"),
    "email": ("email", "emailaddress", "mail", "courriel"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "mobile", "cell"),
}
HEADERS = {
    PACKAGES: {**_WHO,
               "package": ("package", "packagename", "template", "forfait", "product"),
               "price": ("price", "amount", "prix", "total"),
               "uses": ("uses", "visits", "sessions", "utilisations", "totaluses"),
               "uses_used": ("usesused", "used", "usesalreadyused", "visitsused",
                             "utilisees", "utilisationsdejafaites"),
               "collected": ("collected", "paid", "amountpaid", "amountcollected",
                             "encaisse", "paye"),
               "purchased_on": ("purchasedon", "purchased", "purchasedate", "datesold", "sold",
                                "dateachat", "datedachat"),
               "expires_on": ("expireson", "expires", "expiry", "expirydate", "expiration",
                              "datedexpiration")},
    BALANCES: {**_WHO,
               "owing": ("owing", "owed", "balanceowing", "amountowing", "du", "montantdu"),
               "credit": ("credit", "creditbalance", "credits"),
               "as_of": ("asof", "date", "balancedate", "datedusolde")},
    APPOINTMENTS: {**_WHO,
                   "practitioner": ("practitioner", "staff", "provider", "therapist",
                                    "praticien", "intervenant"),
                   "treatment": ("treatment", "treatmenttype", "service", "traitement"),
                   "date": ("date", "day", "appointmentdate", "jour"),
                   "time": ("time", "start", "starttime", "heure"),
                   "notes": ("notes", "note", "comments", "remarques")},
}
_PERSON = (("first_name", N_("First name")), ("last_name", N_("Last name")),
           ("email", N_("Email")), ("phone", N_("Phone")))
FIELD_LABELS = {
    PACKAGES: (*_PERSON, ("package", N_("Package")), ("price", N_("Price")),
               ("uses", N_("Uses")), ("uses_used", N_("Used")),
               ("collected", N_("Collected")), ("purchased_on", N_("Purchased")),
               ("expires_on", N_("Expires"))),
    BALANCES: (*_PERSON, ("owing", N_("Owing")), ("credit", N_("Credit")),
               ("as_of", N_("Balance date"))),
    APPOINTMENTS: (*_PERSON, ("practitioner", N_("Practitioner")),
                   ("treatment", N_("Treatment")), ("date", N_("Date")), ("time", N_("Time")),
                   ("notes", N_("Notes"))),
}
REQUIRED = {
    PACKAGES: ("package", "uses_used", "collected", "purchased_on"),
    BALANCES: (),
    APPOINTMENTS: ("practitioner", "treatment", "date", "time"),
}
TITLES = {PACKAGES: N_("Import Packages Sold Before ClinicDesk"),
          BALANCES: N_("Import Opening Balances"),
          APPOINTMENTS: N_("Import Upcoming Appointments")}


def require_columns(kind: str, fields: set) -> None:
    if not ({"first_name", "last_name"} <= fields or "full_name" in fields):
        raise NotAllowed(_("The file has no column for the patients' names. Its first row "
                           "must name the columns, for example: First name, Last name, "
                           "Email."))
    needed = [name for name in REQUIRED[kind] if name not in fields]
    if kind == BALANCES and not fields & {"owing", "credit"}:
        needed.insert(0, "owing")
    if needed:
        labels = dict(FIELD_LABELS[kind])
        raise NotAllowed(_("The file has no column for: {columns}.").format(
            columns=", ".join(_(labels.get(name, name)) for name in needed)))


def _patient(s, values: dict) -> int:
    """The one patient the row names, or a refusal saying why not."""
    first, last = values.get("first_name", "").strip(), values.get("last_name", "").strip()
    who = f"{first} {last}".strip()
    if not first or not last:
        raise ValidationError("last_name", _("Give the patient's first and last name."))
    query = select(Patient.id, Patient.email_key, Patient.phone_digits).where(
        Patient.first_key == search_key(first), Patient.last_key == search_key(last))
    found = s.execute(query).all()
    email = values.get("email", "").strip().casefold()
    phone = "".join(ch for ch in values.get("phone", "") if ch.isdigit())
    if email:
        found = [row for row in found if (row.email_key or "") == email]
    if phone:
        found = [row for row in found if (row.phone_digits or "").endswith(phone[-10:])]
    if not found:
        raise ValidationError("last_name", (_(
            "No patient named {name} with that email or phone is in the clinic; import or "
            "add the patient first.") if email or phone else _(
            "No patient named {name} is in the clinic; import or add the patient first."))
            .format(name=who))
    if len(found) > 1:
        raise ValidationError("email", _(
            "{n} patients are named {name}; add the patient's email or phone to the row.")
            .format(n=len(found), name=who))
    return found[0].id


def _money(clinic, values: dict, field: str, label: str) -> int | None:
    text = values.get(field, "").strip()
    if not text:
        return None
    return money.parse(text, field=field, label=label, **clinic.money_context())


def clean(clinic, kind: str, values: dict) -> dict:
    """One row checked by the services' own rules: what write() needs (ValidationError)."""
    with clinic.db.read() as s:
        patient_id = _patient(s, values)
        if kind == PACKAGES:
            return _package_terms(clinic, s, patient_id, values)
        if kind == BALANCES:
            owing, credit, as_of = opening_balances.check(
                clinic.today(), clinic.money_context()["locale"],
                owing=_money(clinic, values, "owing", _("amount owing")),
                credit=_money(clinic, values, "credit", _("credit")),
                as_of=values.get("as_of", "").strip() or None)
            return {"patient_id": patient_id, "owing": owing, "credit": credit, "as_of": as_of}
        return _visit(clinic, s, patient_id, values)


def _package_terms(clinic, s, patient_id: int, values: dict) -> dict:
    name = values.get("package", "").strip()
    template = s.scalars(select(PackageTemplate).where(PackageTemplate.name.ilike(name))
                         .order_by(PackageTemplate.archived, PackageTemplate.id)).first() \
        if name else None
    price = _money(clinic, values, "price", _("price"))
    uses = values.get("uses", "").strip() or None
    if template is None and (price is None or uses is None):
        raise ValidationError("package", _(
            "No package template is named \u201c{name}\u201d: give the package's price and "
            "uses on the row, or add the template first.").format(name=name))
    terms = dict(template_id=template.id if template else None,
                 name=name if template is None else None, price=price, uses=uses,
                 uses_used=values.get("uses_used", "").strip(),
                 collected=_money(clinic, values, "collected", _("amount already collected")),
                 purchased_on=values.get("purchased_on", "").strip(),
                 expires_on=values.get("expires_on", "").strip() or None)
    if terms["collected"] is None:
        raise ValidationError("collected", _("Please enter the amount already collected."))
    checked = switching_in.check_terms(s, clinic.today(), clinic.money_context()["locale"],
                                       **terms)
    return {"patient_id": patient_id, "terms": terms,
            "key": (patient_id, checked.name.casefold(), checked.purchased_on)}


def _visit(clinic, s, patient_id: int, values: dict) -> dict:
    staff_name = values.get("practitioner", "").strip()
    staff = s.scalars(select(Staff.id).where(Staff.name.ilike(staff_name))).first()
    if staff is None:
        raise ValidationError("practitioner", _(
            "No staff member is named \u201c{name}\u201d.").format(name=staff_name))
    treatment_name = values.get("treatment", "").strip()
    treatment = s.scalars(select(TreatmentType.id)
                          .where(TreatmentType.name.ilike(treatment_name))).first()
    if treatment is None:
        raise ValidationError("treatment", _(
            "No treatment type is named \u201c{name}\u201d.").format(name=treatment_name))
    day = v.a_date(values.get("date", "").strip(), "date", label=_("date"))
    start = datetime.combine(day, _time(values.get("time", "")))
    if start < clinic.now():
        raise ValidationError("date", _(
            "Only upcoming appointments are imported: {when} is already past.")
            .format(when=f"{values.get('date', '').strip()} {values.get('time', '').strip()}"))
    return {"patient_id": patient_id, "staff_id": staff, "treatment_type_id": treatment,
            "start": start, "notes": values.get("notes", ""),
            "key": (patient_id, staff, start)}


def _time(text: str) -> time:
    text = text.strip().upper().replace(".", "")
    for shape in ("%H:%M", "%I:%M %p", "%I:%M%p", "%H:%M:%S", "%Hh%M", "%HH%M"):
        try:
            return datetime.strptime(text, shape).time()
        except ValueError:
            continue
    raise ValidationError("time", _("The time must be like 14:30 or 2:30 PM."))


def existing_keys(kind: str, s) -> set:
    """What is already in the clinic, so a file imported twice skips what it brought in."""
    if kind == PACKAGES:
        return {(p, name.casefold(), day) for p, name, day in s.execute(
            select(Package.patient_id, Package.name, Package.purchased_on)
            .where(Package.imported_on.is_not(None)))}
    if kind == BALANCES:  # one a patient
        return {("balance", p) for p in s.scalars(select(Patient.id))
                if opening_balances.has_one(s, p)}
    from ...models import Appointment
    return {(p, staff, start) for p, staff, start in s.execute(
        select(Appointment.patient_id, Appointment.staff_id, Appointment.start)
        .where(Appointment.status == "booked"))}


def identity(kind: str, clean_row: dict) -> set:
    if kind == BALANCES:
        return {("balance", clean_row["patient_id"])}
    return {clean_row["key"]}


def duplicate_message(kind: str, in_clinic: bool) -> str:
    if kind == PACKAGES:
        return (_("This package was already brought in; the row will be skipped.") if in_clinic
                else _("This package is already on an earlier row of the file; the row will "
                       "be skipped."))
    if kind == BALANCES:
        return (_("This patient already has an opening balance; the row will be skipped.")
                if in_clinic else _("This patient's balance is already on an earlier row of "
                                    "the file; the row will be skipped."))
    return (_("This appointment is already booked; the row will be skipped.") if in_clinic
            else _("This appointment is already on an earlier row of the file; the row will "
                   "be skipped."))


def write(clinic, kind: str, rows: list[dict], each) -> list[int]:
    """Write the clean rows through the services, in the caller's transaction (db.write
    joins it): a refusal now undoes the whole import."""
    created = []
    for index, row in enumerate(rows):
        each(index)
        try:
            created.append(_write_one(clinic, kind, row))
        except ClinicError as error:
            raise NotAllowed(_("Row {row} could not be imported: {problem} Nothing was "
                               "imported.").format(row=index + 1, problem=str(error))) from error
    return created


def _write_one(clinic, kind: str, row: dict) -> int:
    if kind == PACKAGES:
        return clinic.packages.import_existing(row["patient_id"], **row["terms"])
    if kind == BALANCES:
        billing = clinic.billing
        with clinic.db.write() as s:
            return opening_balances.record(s, row["patient_id"], row["owing"], row["credit"],
                                           row["as_of"], actor=billing._actor,
                                           audit=billing._audit)
    return clinic.schedule.book(row["patient_id"], row["staff_id"], row["treatment_type_id"],
                                row["start"], package="auto", notes=row["notes"])
