"""A date the desk typed, read the clinic's way (issue 14, item 8; R30): one helper for every
date field; a refusal names the field and says how to type the date."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.errors import ValidationError
from app.services.typed_dates import typed_date

DEC_2 = date(2026, 12, 2)


@pytest.mark.parametrize("locale, text", [
    ("en_CA", "2026-12-02"), ("en_CA", "2026-12-2"), ("en_CA", "Dec 2, 2026"),
    ("en_CA", "Wed, Dec 2, 2026"), ("en_CA", "Wednesday, December 2, 2026"),
    ("en_CA", "december 2 2026"), ("en_CA", "2 Dec 2026"), ("en_CA", "26-12-02"),
    ("en_US", "12/2/2026"), ("en_US", "12/2/26"), ("en_GB", "02/12/2026"),
    ("fr_CA", "2 déc. 2026"), ("fr_CA", "mer. 2 déc. 2026"), ("fr_CA", "mercredi 2 décembre 2026"),
    ("fr_CA", "2 dec 2026"), ("fr_CA", "le 2 décembre 2026"), ("fr_CA", "2026-12-02"),
    ("fr_CA", "Dec 2, 2026"),  # an English month name on a French desk
])
def test_r30_a_whole_date_in_the_clinics_format_or_with_a_month_name_is_understood(locale,
                                                                                    text):
    assert typed_date(text, field="day", locale=locale) == DEC_2


def test_r30_french_tuesday_beside_march_is_the_weekday_not_the_month():
    assert typed_date("mar. 3 mars 2026", field="day", locale="fr_CA") == date(2026, 3, 3)


def test_r30_a_month_and_day_without_a_year_is_this_year():
    assert typed_date("December 2", field="day", today=date(2026, 3, 2)) == DEC_2


@pytest.mark.parametrize("text", ["Dec 2, 000026", "000026-12-02", "Dec 2, 202", "2 12 26 7"])
def test_r30_a_malformed_year_is_never_the_year_26(text):
    with pytest.raises(ValidationError) as refused:
        typed_date(text, field="expires_on", label="expiry date")
    assert refused.value.field == "expires_on"
    assert "expiry date" in str(refused.value)


@pytest.mark.parametrize("text", ["next week", "abc", "Feb 30, 2026", "2026-13-01", "Dec"])
def test_r30_letters_or_no_such_day_are_refused_naming_the_field(text):
    with pytest.raises(ValidationError) as refused:
        typed_date(text, field="start", label="appointment date")
    assert str(refused.value) == (f"The appointment date \u201c{text}\u201d is not a date; "
                                  "type it like Mar 31, 2026.")


def test_r30_an_empty_date_asks_for_it():
    with pytest.raises(ValidationError, match="Please enter the expiry date."):
        typed_date("  ", field="expires_on", label="expiry date")


def test_r30_a_date_out_of_range_says_the_limits():
    with pytest.raises(ValidationError, match="between Jan 1, 1900 and Dec 31, 2100"):
        typed_date("1850-01-01", field="day")
