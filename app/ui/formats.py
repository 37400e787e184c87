"""How this clinic shows amounts, rates, dates and times (R4). Display only: no rules here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_percent

from app.services import Clinic, money
from app.services.rates import rate_from_percent  # noqa: F401  (the forms' one reader)


class Formats:
    def __init__(self, clinic: Clinic):
        self._clinic = clinic

    @property
    def locale(self) -> str:
        # Read each time: the clinic caches it and forgets it when settings change.
        return self._clinic.money_context()["locale"]

    def money(self, cents: int) -> str:
        return self._clinic.format_money(cents)

    def money_range(self, low: int, high: int) -> str:
        return self.money(low) if low == high else f"{self.money(low)} – {self.money(high)}"

    def percent(self, rate: Decimal) -> str:
        # The locale's own pattern (French writes "14,975 %"), with up to four decimals.
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        return format_percent(rate, format=pattern.replace("#,##0", "#,##0.####", 1),
                              locale=self.locale)

    def date(self, value: date | None) -> str:
        return "" if value is None else format_date(value, "medium", locale=self.locale)

    def time(self, value: datetime) -> str:
        return format_time(value, "short", locale=self.locale)


def percent_text(rate: Decimal) -> str:
    """Decimal("0.13") -> "13": how a stored fraction is shown in a percent field."""
    return format(rate.scaleb(2).normalize(), "f")


def typed_money(clinic: Clinic, text: str, field: str = "amount") -> int:
    """What the desk typed in a money field ("12.50", "12,50 $"), as the cents the services
    take (R1); a refusal names `field`, so the form points at the field to correct."""
    return money.parse(text, field=field, **clinic.money_context())
