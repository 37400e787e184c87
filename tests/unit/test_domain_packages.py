"""The package rules as pure functions (app.domain.packages, app.domain.arithmetic; issue 16).

No database here: each rule is given plain numbers and dates (R3, R11, R13, R26, R28a).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import arithmetic
from app.domain import packages as rules
from app.domain.states import PackageStatus
from app.services import money

cents = st.integers(min_value=0, max_value=10**9)
uses = st.integers(min_value=1, max_value=200)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
expiries = st.none() | days
recorded = st.sampled_from(["active", "refunded", "void"])


@given(cents, uses)
def test_the_split_adds_up_exactly_and_differs_by_at_most_one_cent(total, parts):
    split = rules.use_values(total, parts)
    assert len(split) == parts
    assert sum(split) == total
    assert max(split) - min(split) <= 1
    assert split == sorted(split)  # the extra cents go to the last uses


@given(cents, uses, st.data())
def test_each_use_value_is_its_place_in_the_split(price, total, data):
    n = data.draw(st.integers(min_value=1, max_value=total))
    assert rules.per_use_value(price, total, n) == rules.use_values(price, total)[n - 1]


def test_a_hundred_dollars_over_three_uses():
    assert rules.use_values(10000, 3) == [3333, 3333, 3334]
    with pytest.raises(ValueError):
        rules.per_use_value(10000, 3, 4)


@given(recorded, uses, st.integers(min_value=0, max_value=250), expiries, days)
def test_status_precedence_refunded_or_void_then_used_up_then_expired(state, total, redeemed,
                                                                     expires_on, today):
    status = rules.package_status(state, total, redeemed, expires_on, today)
    assert isinstance(status, PackageStatus)
    if state in ("refunded", "void"):
        assert status == state
    elif redeemed >= total:
        assert status == PackageStatus.USED_UP
    elif expires_on is not None and today > expires_on:
        assert status == PackageStatus.EXPIRED
    else:
        assert status == PackageStatus.ACTIVE


def test_valid_to_the_end_of_the_expiry_day():
    day = date(2026, 3, 31)
    assert rules.covers_on(day, day)
    assert not rules.covers_on(day, day + timedelta(days=1))
    assert rules.covers_on(None, date(2100, 1, 1))  # no expiry
    assert rules.package_status("active", 5, 0, day, day) == "active"
    assert rules.package_status("active", 5, 0, day, day + timedelta(days=1)) == "expired"


@given(uses, st.integers(min_value=0, max_value=250), st.integers(min_value=0, max_value=250))
def test_available_uses_are_what_neither_a_visit_nor_a_booking_has_taken(total, redeemed,
                                                                         booked):
    available = rules.uses_available("active", total, redeemed, booked)
    assert available == max(total - redeemed - booked, 0)
    assert rules.uses_available("expired", total, redeemed, booked) == 0
    assert rules.uses_remaining(total, redeemed) == total - redeemed
    assert rules.has_use_for(total, redeemed, booked) is (available > 0)


@given(cents, uses, st.data(), cents)
def test_the_suggested_refund_is_prorated_once_and_never_above_the_cap(charged, total, data,
                                                                        collected):
    redeemed = data.draw(st.integers(min_value=0, max_value=total))
    suggestion = rules.refund_suggestion(charged, total, redeemed, collected)
    assert suggestion.remaining == total - redeemed
    assert suggestion.by_rule == arithmetic.prorate(charged, total - redeemed, total)
    assert suggestion.given_value == sum(rules.use_values(charged, total)[:redeemed])
    assert suggestion.cap == max(0, collected - suggestion.given_value)
    assert suggestion.amount == min(suggestion.by_rule, suggestion.cap)
    assert suggestion.capped is (suggestion.by_rule > suggestion.cap)
    assert 0 <= suggestion.amount <= collected


def test_refund_of_a_package_paid_in_full_with_one_use_given():
    charged = rules.charged(10000, Decimal("0.15"))  # $100 + 15 %
    assert charged == 11500
    suggestion = rules.refund_suggestion(charged, 3, 1, collected=11500)
    assert (suggestion.by_rule, suggestion.given_value, suggestion.amount) == (7667, 3833, 7667)
    assert not suggestion.capped
    partly_paid = rules.refund_suggestion(charged, 3, 1, collected=5000)
    assert (partly_paid.amount, partly_paid.capped) == (1167, True)


def test_money_keeps_naming_the_arithmetic_for_its_callers():
    for name in ("split_evenly", "per_use_value", "prorate", "tax_on", "tax_included_in",
                 "round_half_up"):
        assert getattr(money, name) is getattr(arithmetic, name)
    with pytest.raises(TypeError):
        arithmetic.split_evenly(10.0, 3)
