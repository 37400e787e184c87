"""Money and dates follow the clinic's locale (issue 8): en_CA, fr_CA, en_US, en_GB, en_AU,
as app/ui/formats.py writes them for the desk."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.ui.formats import Formats

DAY = date(2026, 3, 7)  # 7 March: day-first and month-first read differently
AT = datetime(2026, 3, 7, 14, 5)


@pytest.mark.parametrize("locale, currency, money, day", [
    ("en_CA", "CAD", "$1,234.50", "Mar 7, 2026"),
    ("fr_CA", "CAD", "1\u00a0234,50\u00a0$", "7 mars 2026"),
    ("en_US", "USD", "$1,234.50", "Mar 7, 2026"),
    ("en_GB", "GBP", "£1,234.50", "7 Mar 2026"),
    ("en_AU", "AUD", "$1,234.50", "7 Mar 2026"),
])
def test_money_and_dates_follow_the_clinic_locale(clinic, locale, currency, money, day):
    clinic.settings.update(locale=locale, currency=currency)
    formats = Formats(clinic)
    assert formats.money(123450).replace("\u202f", "\u00a0") == money
    assert formats.date(DAY) == day


@pytest.mark.parametrize("locale, expected", [("en_CA", "2:05\u202fp.m."), ("fr_CA", "14 h 05"),
                                              ("en_US", "2:05\u202fPM"), ("en_GB", "14:05"),
                                              ("en_AU", "2:05\u202fpm")])
def test_times_follow_the_clinic_locale(clinic, locale, expected):
    clinic.settings.update(locale=locale)
    assert Formats(clinic).time(AT).replace(" ", "\u202f").replace("\u00a0", "\u202f") == \
        expected.replace(" ", "\u202f").replace("\u00a0", "\u202f")


def test_the_format_changes_as_soon_as_the_setting_does(clinic):
    formats = Formats(clinic)
    clinic.settings.update(locale="en_CA", currency="CAD")
    assert formats.money(500) == "$5.00"
    clinic.settings.update(locale="fr_CA")
    assert formats.money(500).replace("\u202f", "\u00a0") == "5,00\u00a0$"


def test_a_range_and_a_rate_in_french(clinic):
    clinic.settings.update(locale="fr_CA", currency="CAD")
    formats = Formats(clinic)
    assert formats.money_range(1000, 1000).replace("\u202f", "\u00a0") == "10,00\u00a0$"
    assert "–" in formats.money_range(1000, 2000)
    assert formats.percent(Decimal("0.14975")).replace("\u00a0", " ").replace("\u202f", " ") \
        == "14,975 %"
    assert Formats(clinic).locale == "fr_CA"


def test_en_ca_with_another_currency_names_it(clinic):
    clinic.settings.update(locale="en_CA", currency="USD")
    assert Formats(clinic).money(123450) in ("US$1,234.50", "USD 1,234.50", "US$ 1,234.50")
