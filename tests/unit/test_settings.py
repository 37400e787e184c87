"""Clinic settings and no-show fees (R16, R17 configuration; R30 refusals change nothing)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.services import NotFound, ValidationError, money
from helpers.audit import audit_entries


def test_fixture_clinic_is_set_up(clinic):
    view = clinic.settings.get()
    assert view.name == "Harbour Physio"
    assert view.address == "12 Main St\nHalifax NS"
    assert view.currency == "CAD"
    assert view.locale == "en_CA"
    assert view.paper == "letter"
    assert view.setup_complete is True


def test_update_changes_only_what_is_given(clinic):
    view = clinic.settings.update(phone="902-555-0100", email="desk@harbour.example",
                                  tax_name="HST", paper="roll80",
                                  default_tax_rate=Decimal("0.15"))
    assert view.phone == "902-555-0100"
    assert view.email == "desk@harbour.example"
    assert view.tax_name == "HST"
    assert view.paper == "roll80"
    assert view.default_tax_rate == Decimal("0.15")
    assert view.name == "Harbour Physio"
    assert clinic.settings.get() == view


def test_update_normalises_text_and_codes(clinic):
    view = clinic.settings.update(name="  Harbour   Physio  ", currency=" usd ")
    assert view.name == "Harbour Physio"
    assert view.currency == "USD"


def test_update_is_audited_with_before_and_after(clinic):
    clinic.settings.update(name="Harbourview Physio")
    entry = audit_entries(clinic, "settings.update")[-1]
    assert entry.entity == "clinic_settings"
    assert json.loads(entry.before) == {"name": "Harbour Physio"}
    assert json.loads(entry.after) == {"name": "Harbourview Physio"}
    assert entry.at == clinic.now()


def test_r4_changing_locale_changes_formatting_at_once(clinic):
    assert clinic.format_money(123450) == "$1,234.50"
    clinic.settings.update(locale="fr_CA")
    assert clinic.format_money(123450) == "1\u00a0234,50\u00a0$"
    clinic.settings.update(locale="en_US", currency="USD")
    assert clinic.format_money(123450) == "$1,234.50"


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Please enter the clinic name"),
    ("name", "   ", "Please enter the clinic name"),
    ("name", "x" * 201, "at most 200 characters"),
    ("currency", "XYZ", "not a currency code"),
    ("currency", "CA", "not a currency code"),
    ("currency", "", "not a currency code"),
    ("currency", "dollars", "not a currency code"),
    ("locale", "xx_YY", "not a language and region"),
    ("locale", "en-CA", "not a language and region"),
    ("locale", "", "not a language and region"),
    ("paper", "legal", "Letter, A4 or 80 mm roll"),
    ("paper", "A4", "Letter, A4 or 80 mm roll"),
    ("email", "not-an-email", "is not an email address"),
    ("email", "desk@clinic", "is not an email address"),
    ("default_tax_rate", "1.5", "between 0% and 100%"),
    ("default_tax_rate", "-0.1", "between 0% and 100%"),
    ("default_tax_rate", "abc", "is not a number"),
    ("default_tax_rate", 0.15, "typed exactly"),
    ("colour_scheme", "dark", "no clinic setting"),
])
def test_r30_bad_settings_are_refused_and_change_nothing(clinic, field, value, message):
    before = clinic.settings.get()
    entries = len(audit_entries(clinic, "settings.update"))
    with pytest.raises(ValidationError) as err:
        clinic.settings.update(**{field: value})
    assert err.value.field == field
    assert message in str(err.value)
    assert clinic.settings.get() == before
    assert len(audit_entries(clinic, "settings.update")) == entries


def test_r30_one_bad_field_refuses_the_whole_update(clinic):
    before = clinic.settings.get()
    with pytest.raises(ValidationError) as err:
        clinic.settings.update(name="New Name", currency="XYZ")
    assert err.value.field == "currency"
    assert clinic.settings.get() == before


def test_email_can_be_cleared(clinic):
    clinic.settings.update(email="desk@harbour.example")
    assert clinic.settings.update(email="").email == ""


# no-show fees (R16, R17)

def test_add_no_show_fees_and_list_them_by_name(clinic):
    late = clinic.settings.add_no_show_fee("Late cancellation", 2500)
    missed = clinic.settings.add_no_show_fee("Missed appointment", 4000)
    fees = clinic.settings.no_show_fees()
    assert [(f.id, f.name, f.amount) for f in fees] == [
        (late, "Late cancellation", 2500), (missed, "Missed appointment", 4000)]
    assert all(f.active and f.tax_rate == 0 for f in fees)


def test_no_show_fee_with_tax(clinic):
    fee = clinic.settings.add_no_show_fee("Missed physio", 5000, tax_rate=Decimal("0.15"))
    (row,) = [f for f in clinic.settings.no_show_fees() if f.id == fee]
    assert row.amount == 5000
    assert row.tax_rate == Decimal("0.15")


def test_zero_no_show_fee_is_allowed(clinic):
    fee = clinic.settings.add_no_show_fee("Courtesy (no charge)", 0)
    assert [f.amount for f in clinic.settings.no_show_fees() if f.id == fee] == [0]


@pytest.mark.parametrize("name, amount, field, message", [
    ("Missed", "-5", "amount", "cannot be negative"),
    ("Missed", -500, "amount", "cannot be negative"),
    ("Missed", "abc", "amount", "is not an amount"),
    ("Missed", "12.345", "amount", "at most 2 digits"),
    ("Missed", "", "amount", "Please enter the amount"),
    ("Missed", 40.0, "amount", "floating-point"),
    ("Missed", "2000000", "amount", "cannot be more than"),
    ("", "40", "name", "Please enter the fee name"),
    ("   ", "40", "name", "Please enter the fee name"),
])
def test_r30_bad_no_show_fee_is_refused(clinic, name, amount, field, message):
    before = clinic.settings.no_show_fees(include_inactive=True)
    with pytest.raises(ValidationError) as err:
        if isinstance(amount, str):  # typed: read as the fee form reads it (issue 16)
            amount = money.parse(amount, **clinic.money_context())
        clinic.settings.add_no_show_fee(name, amount)
    assert err.value.field == field
    assert message in str(err.value)
    assert clinic.settings.no_show_fees(include_inactive=True) == before


def test_r30_bad_no_show_fee_tax_rate_is_refused(clinic):
    with pytest.raises(ValidationError) as err:
        clinic.settings.add_no_show_fee("Missed", 4000, tax_rate="2")
    assert err.value.field == "tax_rate"
    assert clinic.settings.no_show_fees() == []


def test_update_no_show_fee(clinic):
    fee = clinic.settings.add_no_show_fee("Missed", 4000)
    clinic.settings.update_no_show_fee(fee, name="Missed appointment", amount=4550)
    (row,) = clinic.settings.no_show_fees()
    assert (row.name, row.amount) == ("Missed appointment", 4550)
    entry = audit_entries(clinic, "no_show_fee.update")[-1]
    assert json.loads(entry.before)["amount"] == 4000
    assert json.loads(entry.after)["amount"] == 4550


def test_deactivated_fee_is_no_longer_offered(clinic):
    fee = clinic.settings.add_no_show_fee("Missed", 4000)
    clinic.settings.update_no_show_fee(fee, active=False)
    assert clinic.settings.no_show_fees() == []
    assert [f.id for f in clinic.settings.no_show_fees(include_inactive=True)] == [fee]


@pytest.mark.parametrize("changes, field", [
    ({"amount": "-1"}, "amount"),
    ({"amount": "4.999"}, "amount"),
    ({"amount": "forty"}, "amount"),
    ({"name": ""}, "name"),
    ({"name": "Renamed", "amount": "-1"}, "amount"),
])
def test_r30_bad_fee_update_changes_nothing(clinic, changes, field):
    fee = clinic.settings.add_no_show_fee("Missed", 4000)
    before = clinic.settings.no_show_fees()
    with pytest.raises(ValidationError) as err:
        clinic.settings.update_no_show_fee(fee, **changes)
    assert err.value.field == field
    assert clinic.settings.no_show_fees() == before


def test_r30_unknown_fee_is_not_found(clinic):
    with pytest.raises(NotFound) as err:
        clinic.settings.update_no_show_fee(999, name="x")
    assert "999" in str(err.value)


def test_r30_setup_complete_takes_only_yes_or_no(clinic):
    with pytest.raises(ValidationError):
        clinic.settings.update(setup_complete="no")
    assert clinic.settings.get().setup_complete is True


def test_r30_made_up_region_is_not_a_locale(clinic):
    with pytest.raises(ValidationError, match="en_ZZ"):
        clinic.settings.update(locale="en_ZZ")
    assert clinic.settings.get().locale == "en_CA"
