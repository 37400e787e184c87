"""The clinic's default chart of accounts (R35) and `ensure_chart`, which adds what is missing.

The journal posts to roles ("receivable", "clearing:cash", "sales_tax:0.13"), never to codes or
names: the clinic may renumber and rename its accounts (Settings) and the journal follows. The
chart is made lazily, inside the caller's write transaction, the first time the accounting
service needs it, and again whenever a role appears that has no account yet: a payment method
added to the program, or a tax rate first charged. It never changes an account that exists.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...domain.states import PaymentMethod
from ...i18n import N_, _
from ...models import Account, ClinicSettings, InvoiceLine, NoShowFee, PackageTemplate
from ...models import TreatmentType

#: payment method code -> the name of its clearing account (the desk's word for the method)
CLEARING_NAMES = {
    "cash": N_("Cash clearing"), "debit": N_("Debit clearing"),
    "credit_card": N_("Credit card clearing"), "cheque": N_("Cheque clearing"),
    "e_transfer": N_("E-transfer clearing"), "other": N_("Other clearing"),
}
#: role -> (kind, code, name) of the accounts every clinic has
FIXED = {
    "receivable": ("asset", "1200", N_("Accounts Receivable")),
    "credit": ("liability", "2100", N_("Patient Credit")),
    "deferred": ("liability", "2200", N_("Deferred Revenue \u2013 Packages")),
    "gift_cards": ("liability", "2300", N_("Gift Card Liability")),
    "opening": ("equity", "3900", N_("Opening Balances")),
    "revenue:treatment": ("income", "4000", N_("Treatments")),
    "revenue:package_use": ("income", "4100", N_("Revenue \u2013 Packages")),
    "revenue:patient_pays": ("income", "4200", N_("Patient Pays")),
    "revenue:no_show_fee": ("income", "4300", N_("No-Show Fees")),
    "revenue:membership": ("income", "4400", N_("Membership Fees")),
    "revenue:breakage": ("income", "4500", N_("Breakage")),
    "revenue:refund_adjustment": ("income", "4600", N_("Refund Adjustments")),
}
SALES_TAX_NAME = N_("Sales Tax Payable {rate}")
KINDS = ("asset", "liability", "equity", "income")


@lru_cache(maxsize=256)  # the journal asks for every taxed line of a year
def rate_key(rate) -> str:
    """A tax rate as its role spells it: Decimal("0.130") and "0.13" are both "0.13"."""
    text = format(Decimal(str(rate)).normalize(), "f")
    return text


def clearing_role(method: str) -> str:
    if method == "imported":  # collected before ClinicDesk (R42): in the opening balances
        return "opening"
    if method == "gift_card":  # R45: paying with a card spends its liability, no till
        return "gift_cards"
    return f"clearing:{method}"


@lru_cache(maxsize=256)
def tax_role(rate) -> str:
    return f"sales_tax:{rate_key(rate)}"


def _percent(key: str) -> str:
    value = format((Decimal(key) * 100).normalize(), "f")
    return f"{value}\u00a0%"


def methods() -> list[str]:
    """The clinic's payment methods, in the order the desk offers them (app.domain.states)."""
    return [method.value for method in PaymentMethod
            if method not in (PaymentMethod.IMPORTED,  # (R42: Opening Balances, no till)
                              PaymentMethod.GIFT_CARD)]  # (R45: Gift Card Liability)


def distinct_values(column):
    """The distinct non-NULL values of an indexed column, by a skip through its index: the
    smallest, then the smallest above it, ..., one index lookup a value (neither SQLite nor
    PostgreSQL skips so by itself: SELECT DISTINCT reads every row)."""
    seen = select(func.min(column).label("value")).cte("seen", recursive=True)
    above = select(func.min(column)).where(column > seen.c.value).scalar_subquery()
    seen = seen.union_all(select(above).where(seen.c.value.is_not(None)))
    return select(seen.c.value).where(seen.c.value.is_not(None))


def rates_in_use(s: Session) -> list[str]:
    """Every non-zero tax rate charged on a line or set to be charged (the clinic's default,
    a treatment type, a package template, a no-show fee), as role keys, smallest first.
    The lines' rates are skipped through ix_invoice_lines_tax_rate (a million lines on a
    ten-year clinic, a handful of rates)."""
    found: set[str] = set()
    for query in (distinct_values(InvoiceLine.tax_rate),
                  *(select(column).distinct() for column in (
                      ClinicSettings.default_tax_rate, TreatmentType.tax_rate,
                      PackageTemplate.tax_rate, NoShowFee.tax_rate))):
        for rate in s.scalars(query):
            if rate is not None and Decimal(str(rate)) != 0:
                found.add(rate_key(rate))
    return sorted(found, key=Decimal)


def wanted(s: Session) -> list[tuple[str, str, str, str]]:
    """(role, kind, preferred code, English name) of every account the chart should have."""
    rows = [(clearing_role(m), "asset", str(1010 + 10 * i), CLEARING_NAMES.get(m, m))
            for i, m in enumerate(methods())]
    rows += [(role, kind, code, name) for role, (kind, code, name) in FIXED.items()]
    rows += [(tax_role(key), "liability", str(2400 + 10 * i), SALES_TAX_NAME)
             for i, key in enumerate(rates_in_use(s))]
    return rows


def _name(role: str, english: str) -> str:
    if role.startswith("sales_tax:"):
        return _(english).format(rate=_percent(role.partition(":")[2]))
    return _(english)


def name_key(name: str) -> str:
    """How two account names are told apart: not by case nor by the kind of spaces (an
    exported file or an accountant would read them as one account)."""
    return " ".join(name.split()).casefold()


def _free(preferred: str, taken: set[str], step: int = 10) -> str:
    """The preferred code, or the next one up by `step` no account has (the clinic may have
    given an account the code a new one would take)."""
    code = preferred
    while code in taken:
        code = str(int(code) + step)
    return code


def ensure_chart(s: Session) -> int:
    """Add an account for every role the chart lacks (in the caller's write transaction);
    existing accounts are left as the clinic named them. Returns how many were added."""
    accounts = s.scalars(select(Account)).all()
    roles = {a.role for a in accounts}
    codes = {a.code for a in accounts}
    names = {name_key(a.name) for a in accounts}
    added = 0
    for role, kind, code, english in wanted(s):
        if role in roles:
            continue
        name = _name(role, english)
        if name_key(name) in names:  # the clinic gave another account that name
            name = f"{name} ({role})"
        code = _free(code, codes)
        s.add(Account(role=role, kind=kind, code=code, name=name))
        roles.add(role)
        codes.add(code)
        names.add(name_key(name))
        added += 1
    if added:
        s.flush()
    return added


def missing(s: Session) -> bool:
    """Whether some role the chart should have has no account (a read: no write needed)."""
    roles = set(s.scalars(select(Account.role)))
    return any(role not in roles for role, *_rest in wanted(s))
