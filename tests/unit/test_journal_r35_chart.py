"""R35's chart of accounts: the defaults, made once and added to when a tax rate is first used,
and edited in Settings by a manager only, audited, codes and names kept unique; the journal
follows the clinic's names."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from helpers.audit import audit_entries
from sqlalchemy import func, select

from app import i18n
from app.models import Account
from app.services.accounting import chart
from app.services.errors import NotAllowed, NotFound, ValidationError

DEFAULTS = [
    ("1010", "clearing:cash", "asset", "Cash clearing"),
    ("1020", "clearing:debit", "asset", "Debit clearing"),
    ("1030", "clearing:credit_card", "asset", "Credit card clearing"),
    ("1040", "clearing:cheque", "asset", "Cheque clearing"),
    ("1050", "clearing:e_transfer", "asset", "E-transfer clearing"),
    ("1060", "clearing:other", "asset", "Other clearing"),
    ("1200", "receivable", "asset", "Accounts Receivable"),
    ("2100", "credit", "liability", "Patient Credit"),
    ("2200", "deferred", "liability", "Deferred Revenue \u2013 Packages"),
    ("2300", "gift_cards", "liability", "Gift Card Liability"),
    ("3900", "opening", "equity", "Opening Balances"),
    ("4000", "revenue:treatment", "income", "Treatments"),
    ("4100", "revenue:package_use", "income", "Revenue \u2013 Packages"),
    ("4200", "revenue:patient_pays", "income", "Patient Pays"),
    ("4300", "revenue:no_show_fee", "income", "No-Show Fees"),
    ("4400", "revenue:membership", "income", "Membership Fees"),
    ("4500", "revenue:breakage", "income", "Breakage"),
    ("4600", "revenue:refund_adjustment", "income", "Refund Adjustments"),
]


def rows(clinic):
    return [(a.code, a.role, a.kind, a.name) for a in clinic.accounting.accounts()]


def count(clinic) -> int:
    with clinic.db.read() as s:
        return s.scalar(select(func.count(Account.id)))


def test_r35_a_new_clinic_gets_the_default_chart_once(clinic):
    assert rows(clinic) == DEFAULTS  # no tax rate in use yet: no Sales Tax Payable
    assert rows(clinic) == DEFAULTS and count(clinic) == len(DEFAULTS)
    with clinic.db.write() as s:
        assert chart.ensure_chart(s) == 0  # idempotent


def test_r35_one_sales_tax_payable_per_rate_in_use(clinic, catalog):
    """The catalogue charges 15 % on physio; a 13 % template added later gets its own."""
    assert ("2400", "sales_tax:0.15", "liability", "Sales Tax Payable 15\u00a0%") in rows(clinic)
    clinic.catalog.add_package_template("2 Taxed", price=10000, uses=2,
                                        eligible={catalog["acu"]: 0}, tax_rate=Decimal("0.130"))
    taxes = [r for r in rows(clinic) if r[1].startswith("sales_tax:")]
    assert taxes == [("2400", "sales_tax:0.15", "liability", "Sales Tax Payable 15\u00a0%"),
                     ("2410", "sales_tax:0.13", "liability", "Sales Tax Payable 13\u00a0%")]


def test_r35_a_new_account_never_takes_a_code_or_name_the_clinic_gave_another(clinic):
    cash = rows_by_role(clinic)["clearing:cash"]
    clinic.accounting.update_account(cash.id, code="2400", name="Sales Tax Payable 13\u00a0%")
    clinic.settings.update(default_tax_rate=Decimal("0.13"))
    tax = rows_by_role(clinic)["sales_tax:0.13"]
    assert tax.code == "2410"
    assert tax.name == "Sales Tax Payable 13\u00a0% (sales_tax:0.13)"


def rows_by_role(clinic):
    return {a.role: a for a in clinic.accounting.accounts()}


def test_r35_a_manager_renames_an_account_audited_and_the_journal_follows(clinic, catalog):
    cash = rows_by_role(clinic)["clearing:cash"]
    clinic.billing.receive_payment(catalog["patient"], 5000, "cash")
    changed = clinic.accounting.update_account(cash.id, code=" 1011 ", name="Till  float")
    assert (changed.code, changed.name, changed.role) == ("1011", "Till float", "clearing:cash")
    (entry,) = audit_entries(clinic, "account.update")
    assert (entry.entity, entry.entity_id) == ("account", cash.id)
    assert json.loads(entry.before) == {"code": "1010", "name": "Cash clearing"}
    assert json.loads(entry.after) == {"code": "1011", "name": "Till float"}
    (payment,) = clinic.accounting.journal(date(2026, 3, 1), date(2026, 3, 31))
    assert payment.postings == (("Till float", 5000), ("Patient Credit", -5000))
    clinic.accounting.update_account(cash.id, code="1011", name="Till float")
    assert len(audit_entries(clinic, "account.update")) == 1  # no change, no event


@pytest.mark.parametrize("code, name, field, words", [
    ("1200", "Till", "code", "Another account already has the code 1200."),
    ("1011", "accounts receivable", "name",
     "Another account is already called \u201caccounts receivable\u201d."),
    ("", "Till", "code", "Please enter the account code."),
    ("1011", "  ", "name", "Please enter the account name."),
    ("1" * 21, "Till", "code", "The account code"),
])
def test_r35_a_duplicate_or_empty_code_or_name_is_refused_naming_the_field(clinic, code, name,
                                                                           field, words):
    cash = rows_by_role(clinic)["clearing:cash"]
    before = rows(clinic)
    with pytest.raises(ValidationError) as refused:
        clinic.accounting.update_account(cash.id, code=code, name=name)
    assert refused.value.field == field and str(refused.value).startswith(words)
    assert rows(clinic) == before and audit_entries(clinic, "account.update") == []


def test_r35_an_unknown_account_is_not_found(clinic):
    with pytest.raises(NotFound, match="No account with number 999 exists"):
        clinic.accounting.update_account(999, code="9999", name="Nowhere")


def test_r35_only_a_manager_changes_the_chart(clinic, desk):
    """Chloe (front desk) is signed in: refused, and the UI is told so; with Ana's PIN on
    the spot the change is made and the entry names her."""
    cash = rows_by_role(clinic)["clearing:cash"]
    assert clinic.accounting.can_update_accounts() is False
    with pytest.raises(NotAllowed, match="Only a manager can change the chart of accounts"):
        clinic.accounting.update_account(cash.id, code="1011", name="Till")
    assert rows_by_role(clinic)["clearing:cash"].name == "Cash clearing"
    approval = clinic.auth.approve(desk["ana"], "2468", "change the chart of accounts")
    with clinic.auth.approved(approval):
        assert clinic.accounting.can_update_accounts() is True
        clinic.accounting.update_account(cash.id, code="1011", name="Till")
    (entry,) = audit_entries(clinic, "account.update")
    assert entry.staff_id == desk["desk"] and "Ana Silva" in entry.after
    clinic.auth.sign_in(desk["ana"], "2468")
    assert clinic.accounting.can_update_accounts() is True


def test_r35_the_chart_reads_in_french_when_made_in_french(clinic):
    i18n.set_language(i18n.FRENCH)
    try:
        names = {a.role: a.name for a in clinic.accounting.accounts()}
    finally:
        i18n.set_language(i18n.ENGLISH)
    assert names["receivable"] == "Comptes clients"
    assert names["deferred"] == "Produits reportés – forfaits"
