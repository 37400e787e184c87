"""Money: integer cents, half-up rounding once, exact splits, Babel formatting (SPEC R1-R4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services import ValidationError
from app.services.money import (
    MAX_AMOUNT,
    format_money,
    from_cents,
    per_use_value,
    plain_amount,
    prorate,
    round_half_up,
    split_evenly,
    tax_included_in,
    cents,
    parse,
    tax_on,
)

NBSP = "\u00a0"


# R1: integer minor units; floats are refused, never guessed at.

def read(value, **context):
    """Typed text through the screens' reader, anything else through the service door."""
    return parse(value, **context) if isinstance(value, str) else cents(value, **context)


@pytest.mark.parametrize("value", [12.5, 0.1, 1e3, float("nan")])
def test_r1_the_door_refuses_floats(value):
    with pytest.raises(ValidationError) as err:
        cents(value, field="price")
    assert err.value.field == "price"
    assert "floating-point number" in str(err.value)


@pytest.mark.parametrize("value, kind", [
    (True, "yes or no"), ("12.50", "not text"), (Decimal("12.50"), "decimal number"),
    (None, "not nothing")])
def test_r1_the_door_takes_int_cents_only(value, kind):
    with pytest.raises(ValidationError) as err:
        cents(value, field="price")
    assert err.value.field == "price"
    assert "whole number of cents" in str(err.value) and kind in str(err.value)


def test_r1_parse_reads_text_only():
    with pytest.raises(TypeError):
        parse(1250)


@pytest.mark.parametrize("value, expected", [
    ("12.50", 1250),
    ("12.5", 1250),
    ("12", 1200),
    ("0", 0),
    ("0.01", 1),
    (" 7.05 ", 705),
    ("$1,234.50", 123450),
    ("1,234.50", 123450),
    ("$ 99", 9900),
    (1250, 1250),  # an int is already cents
])
def test_r1_amounts_are_read_exactly(value, expected):
    result = read(value)
    assert result == expected
    assert type(result) is int


def test_r1_parse_reads_french_canadian_amounts():
    assert parse(f"1{NBSP}234,50{NBSP}$", locale="fr_CA") == 123450
    assert parse("1234,50", locale="fr_CA") == 123450
    assert parse("12,5", locale="fr_CA") == 1250
    assert parse("1 234,50 $", locale="fr_CA") == 123450      # typed with plain spaces


@pytest.mark.parametrize("typed", ["12,5", "1,23", "1,2345"])
def test_r30_misplaced_grouping_is_refused_not_misread(typed):
    # "12,5" meant 12.50; reading the comma as a thousands separator would bill $125.00.
    with pytest.raises(ValidationError) as err:
        parse(typed, field="price")
    assert "is not an amount" in str(err.value)


@pytest.mark.parametrize("value, message", [
    ("12.345", "at most 2 digits after the decimal point"),
    ("0.005", "at most 2 digits after the decimal point"),
    ("abc", "is not an amount"),
    ("12..5", "is not an amount"),
    ("", "Please enter the amount"),
    ("   ", "Please enter the amount"),
    ("$", "Please enter the amount"),
    ("NaN", "must be an amount"),
    ("Infinity", "must be an amount"),
    ("-5", "cannot be negative"),
    ("-0.01", "cannot be negative"),
    (-1, "cannot be negative"),
    (None, "whole number of cents"),
    ([12], "whole number of cents"),
])
def test_r30_bad_amounts_are_refused_naming_the_field(value, message):
    with pytest.raises(ValidationError) as err:
        read(value, field="amount")
    assert err.value.field == "amount"
    assert message in str(err.value)


def test_r30_parse_names_the_field_in_the_message():
    with pytest.raises(ValidationError) as err:
        parse("abc", field="patient_pays")
    assert err.value.field == "patient_pays"
    assert "patient pays" in str(err.value)


def test_r30_more_than_the_maximum_is_refused():
    assert cents(MAX_AMOUNT) == MAX_AMOUNT
    with pytest.raises(ValidationError) as err:
        cents(MAX_AMOUNT + 1)
    assert "cannot be more than $1,000,000.00" in str(err.value)
    with pytest.raises(ValidationError):
        parse("1000000.01")


def test_r30_negative_only_when_allowed():
    assert parse("-12.50", allow_negative=True) == -1250
    assert cents(-1250, allow_negative=True) == -1250


def test_r1_parse_follows_the_currency_precision():
    assert parse("1250", currency="JPY", locale="ja_JP") == 1250
    with pytest.raises(ValidationError):
        parse("12.5", currency="JPY", locale="ja_JP")


def test_r1_from_cents_is_exact_and_refuses_floats():
    assert from_cents(123450) == Decimal("1234.50")
    assert from_cents(1) == Decimal("0.01")
    with pytest.raises(TypeError):
        from_cents(12.5)
    with pytest.raises(TypeError):
        from_cents(True)


def test_r1_computations_refuse_floats():
    with pytest.raises(TypeError):
        split_evenly(100.0, 3)
    with pytest.raises(TypeError):
        prorate(100.0, 1, 3)
    with pytest.raises(TypeError):
        tax_on(100.0, Decimal("0.15"))
    with pytest.raises(TypeError):
        round_half_up(0.5)
    with pytest.raises(TypeError):
        format_money(12.5)


def test_r1_tax_rates_must_not_be_floats():
    # Decimal(0.15) is 0.1499999...: 50 cents at "15%" would round to 7, not 8.
    assert tax_on(50, Decimal("0.15")) == 8
    with pytest.raises(TypeError):
        tax_on(50, 0.15)
    with pytest.raises(TypeError):
        tax_included_in(115, 0.15)


def test_r1_plain_amount_for_editing():
    assert plain_amount(123450) == "1234.50"
    assert plain_amount(5) == "0.05"
    assert plain_amount(1250, "JPY") == "1250"


# R2: half-up to the minor unit, once per computed figure.

@pytest.mark.parametrize("value, expected", [
    ("0.5", 1), ("1.5", 2), ("2.5", 3), ("2.4999", 2), ("2.5001", 3), ("-2.5", -3), ("7", 7),
])
def test_r2_round_half_up(value, expected):
    assert round_half_up(Decimal(value)) == expected


def test_r2_tax_is_rounded_half_up_once():
    assert tax_on(4550, Decimal("0.13")) == 592    # 591.5 -> 592, not banker's 592/591
    assert tax_on(2500, Decimal("0.15")) == 375
    assert tax_on(3, Decimal("0.15")) == 0         # 0.45
    assert tax_on(10, Decimal("0.15")) == 2        # 1.5 -> 2 (half-even would give 2, too)
    assert tax_on(30, Decimal("0.15")) == 5        # 4.5 -> 5 (half-even would give 4)
    assert tax_on(1000, Decimal("0")) == 0
    assert tax_on(1000, Decimal("0.14975")) == 150  # 149.75


def test_r2_tax_included_is_rounded_once():
    assert tax_included_in(11500, Decimal("0.15")) == 1500
    assert tax_included_in(100, Decimal("0.15")) == 13    # 13.04
    assert tax_included_in(1000, Decimal("0")) == 0


def test_r2_prorate_rounds_the_figure_not_the_parts():
    # Two thirds of $100: one rounding of 6666.67 gives 6667; adding two rounded thirds
    # (3333 + 3333) would lose a cent.
    assert prorate(10000, 2, 3) == 6667
    assert prorate(10000, 1, 3) == 3333
    assert prorate(10000, 3, 3) == 10000
    assert prorate(10000, 0, 3) == 0
    assert prorate(101, 1, 2) == 51               # 50.5 -> 51
    with pytest.raises(ValueError):
        prorate(10000, 1, 0)


# R3: per-use values add up to the price exactly.

def test_r3_hundred_dollars_over_three_uses():
    assert split_evenly(10000, 3) == [3333, 3333, 3334]
    assert [per_use_value(10000, 3, n) for n in (1, 2, 3)] == [3333, 3333, 3334]


def test_r3_even_split_and_edge_cases():
    assert split_evenly(80000, 10) == [8000] * 10
    assert split_evenly(0, 4) == [0, 0, 0, 0]
    assert split_evenly(2, 3) == [0, 1, 1]
    assert split_evenly(7, 1) == [7]
    with pytest.raises(ValueError):
        split_evenly(100, 0)
    with pytest.raises(ValueError):
        per_use_value(10000, 3, 0)
    with pytest.raises(ValueError):
        per_use_value(10000, 3, 4)


@given(total=st.integers(min_value=-10**9, max_value=10**9),
       parts=st.integers(min_value=1, max_value=1000))
def test_r3_split_always_adds_up_exactly(total, parts):
    values = split_evenly(total, parts)
    assert len(values) == parts
    assert sum(values) == total
    assert max(values) - min(values) <= 1
    assert values == sorted(values)          # the extra cents go to the last uses
    assert all(type(v) is int for v in values)


@given(price=st.integers(min_value=0, max_value=MAX_AMOUNT),
       uses=st.integers(min_value=1, max_value=200))
def test_r3_per_use_values_add_up_to_the_price(price, uses):
    assert sum(per_use_value(price, uses, n) for n in range(1, uses + 1)) == price


@given(amount=st.integers(min_value=0, max_value=MAX_AMOUNT))
def test_r1_typed_amounts_round_trip(amount):
    assert parse(plain_amount(amount)) == amount
    assert parse(format_money(amount)) == amount
    assert parse(format_money(amount, "CAD", "fr_CA"), locale="fr_CA") == amount


# R4: shown with the clinic's currency and locale through Babel.

@pytest.mark.parametrize("cents, locale, text", [
    (123450, "en_CA", "$1,234.50"),
    (123450, "fr_CA", f"1{NBSP}234,50{NBSP}$"),
    (0, "en_CA", "$0.00"),
    (5, "en_CA", "$0.05"),
    (100000000, "en_CA", "$1,000,000.00"),
    (-1250, "en_CA", "-$12.50"),
    (99, "fr_CA", f"0,99{NBSP}$"),
])
def test_r4_format_money(cents, locale, text):
    assert format_money(cents, "CAD", locale) == text


def test_r4_other_currencies():
    assert format_money(123450, "USD", "en_US") == "$1,234.50"
    assert format_money(123450, "USD", "en_CA") == "US$1,234.50"
    assert format_money(1000, "JPY", "ja_JP") == "\uffe51,000"


def test_r4_clinic_formats_with_its_own_settings(clinic):
    assert clinic.format_money(123450) == "$1,234.50"
    clinic.settings.update(locale="fr_CA")
    assert clinic.format_money(123450) == f"1{NBSP}234,50{NBSP}$"
    assert clinic.settings.format(99) == f"0,99{NBSP}$"


@pytest.mark.parametrize("typed", ["1e2", "1E+999999999", "2.5e1"])
def test_r30_exponent_notation_is_not_an_amount(typed):
    with pytest.raises(ValidationError, match="not an amount"):
        parse(typed)


def test_r30_huge_amount_is_refused_not_overflowed():
    with pytest.raises(ValidationError, match="cannot be more than"):
        parse("1" + "0" * 40)


def test_r30_whole_currency_says_no_decimals():
    with pytest.raises(ValidationError, match="whole amount in JPY"):
        parse("12.5", currency="JPY", locale="ja_JP")
