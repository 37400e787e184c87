"""Clinic details (name, address, currency, locale) and no-show fees."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel import Locale, UnknownLocaleError, localedata
from babel.numbers import get_currency_name
from sqlalchemy import select

from ..i18n import LANGUAGES, _
from ..models import ClinicSettings, NoShowFee
from . import validation as v
from .audit import snapshot
from .base import Service
from .errors import ValidationError
from .mail import account as mail_account
from .money import format_money, plain_amount, cents as money_cents
from .papers import PAPERS


@dataclass(frozen=True)
class SettingsView:
    name: str
    address: str
    phone: str
    email: str
    tax_number: str
    tax_name: str
    currency: str
    locale: str
    paper: str
    default_tax_rate: Decimal
    setup_complete: bool
    language: str = "en"
    gift_card_expiry_months: int | None = None  # R45: None, never
    # R46: the clinic's SMTP account (the password is in the desk's credential store)
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    sender_name: str = ""
    sender_email: str = ""
    reminders_enabled: bool = False  # R47
    reminder_days_before_expiry: int = 30
    manager_pin_min_digits: int = 6  # R50: the fewest characters of a manager's PIN


@dataclass(frozen=True)
class NoShowFeeRow:
    id: int
    name: str
    amount: int
    tax_rate: Decimal
    active: bool


def load_settings(session) -> ClinicSettings:
    row = session.get(ClinicSettings, 1)
    if row is None:
        row = ClinicSettings(id=1)
        session.add(row)
        session.flush()
    return row


class SettingsService(Service):
    def get(self) -> SettingsView:
        with self._db.read() as s:
            row = s.get(ClinicSettings, 1) or ClinicSettings(
                id=1, name="", address="", phone="", email="", tax_number="", tax_name="Tax",
                currency="CAD", locale="en_CA", paper="letter", default_tax_rate=Decimal(0),
                setup_complete=False, language="en")
            return _view(row)

    def update(self, **changes) -> SettingsView:
        self._clinic.auth.require_manager(_("change the clinic's settings"))
        clean = {}
        for key, value in changes.items():
            if key in ("name",):
                clean[key] = v.name(value, key, label=_("clinic name"), max_len=200)
            elif key in ("address",):
                clean[key] = v.text(value, key, max_len=500, required=False)
            elif key in ("phone", "tax_number", "tax_name"):
                label = {"tax_number": _("tax number"), "tax_name": _("tax name")}.get(key)
                clean[key] = v.text(value, key, label=label, max_len=50, required=False)
            elif key == "email":
                clean[key] = v.email(value) or ""
            elif key == "currency":
                clean[key] = _currency(value)
            elif key == "locale":
                clean[key] = _locale(value)
            elif key == "language":
                if not isinstance(value, str) or value not in LANGUAGES:
                    raise ValidationError("language", _("The language must be English or "
                                                        "French (Canada)."))
                clean[key] = value
            elif key == "paper":
                if not isinstance(value, str) or value not in PAPERS:
                    raise ValidationError("paper", _("The paper size must be Letter, A4 or "
                                                     "80 mm roll."))
                clean[key] = value
            elif key == "default_tax_rate":
                clean[key] = v.tax_rate(value, key)
            elif key == "gift_card_expiry_months":
                from .gift_card_expiry import clean_months
                clean[key] = clean_months(value)
            elif key in mail_account.SMTP_KEYS:
                clean[key] = mail_account.clean(key, value)
            elif key == "manager_pin_min_digits":  # R50
                from .manager_pins import clean_min_digits
                clean[key] = clean_min_digits(value)
            elif key == "setup_complete":
                if not isinstance(value, bool):
                    raise ValidationError(key, _("Setup complete must be yes (True) or no "
                                                 "(False)."))
                clean[key] = value
            else:
                raise ValidationError(key, _("There is no clinic setting called "
                                             "\u201c{name}\u201d.").format(name=key))
        with self._db.write() as s:
            row = load_settings(s)
            before = snapshot(row, *clean)
            for key, value in clean.items():
                setattr(row, key, value)
            if snapshot(row, *clean) != before:  # (a save that changes nothing: no event)
                self._audit(s, "settings.update", "clinic_settings", 1, before,
                            snapshot(row, *clean))
            view = _view(row)
        self._clinic.settings_changed()
        return view

    # no-show fees (R16, R17)
    def add_no_show_fee(self, name: str, amount, *, tax_rate=Decimal("0")) -> int:
        self._clinic.auth.require_manager(_("change no-show fees"))
        name = v.name(name, "name", label=_("fee name"))
        cents = money_cents(amount, field="amount", **self._clinic.money_context())
        rate = v.tax_rate(tax_rate)
        with self._db.write() as s:
            fee = NoShowFee(name=name, amount=cents, tax_rate=rate, active=True)
            s.add(fee)
            s.flush()
            self._audit(s, "no_show_fee.add", "no_show_fee", fee.id, None, snapshot(fee))
            return fee.id

    def update_no_show_fee(self, fee_id: int, *, name=None, amount=None, tax_rate=None,
                           active=None) -> None:
        self._clinic.auth.require_manager(_("change no-show fees"))
        active = None if active is None else v.yes_no(active, "active")
        with self._db.write() as s:
            fee = v.get(s, NoShowFee, fee_id, "no-show fee")
            before = snapshot(fee)
            if name is not None:
                fee.name = v.name(name, "name", label=_("fee name"))
            if amount is not None:
                fee.amount = money_cents(amount, field="amount", **self._clinic.money_context())
            if tax_rate is not None:
                fee.tax_rate = v.tax_rate(tax_rate)
            if active is not None:
                fee.active = active
            if snapshot(fee) != before:  # (an edit that changes nothing is no event to audit)
                self._audit(s, "no_show_fee.update", "no_show_fee", fee.id, before,
                            snapshot(fee))

    def no_show_fees(self, *, include_inactive: bool = False) -> list[NoShowFeeRow]:
        include_inactive = v.yes_no(include_inactive, "include_inactive")
        with self._db.read() as s:
            query = select(NoShowFee).order_by(NoShowFee.name)
            if not include_inactive:
                query = query.where(NoShowFee.active.is_(True))
            return [NoShowFeeRow(f.id, f.name, f.amount, f.tax_rate, f.active)
                    for f in s.scalars(query)]

    def format(self, cents: int) -> str:
        return format_money(cents, **self._clinic.money_context())

    def amount_text(self, cents: int) -> str:
        """An amount as the desk would type it back (1234.50; 1234,50 in French), for
        pre-filling an edit field."""
        context = self._clinic.money_context()
        return plain_amount(cents, context["currency"], context["locale"])


def _view(row: ClinicSettings) -> SettingsView:
    return SettingsView(row.name, row.address, row.phone, row.email, row.tax_number,
                        row.tax_name, row.currency, row.locale, row.paper,
                        row.default_tax_rate, row.setup_complete, row.language or "en",
                        row.gift_card_expiry_months,
                        manager_pin_min_digits=row.manager_pin_min_digits or 6,
                        **{key: getattr(row, key) for key in mail_account.SMTP_KEYS
                           if getattr(row, key) is not None})  # (an unsaved row: defaults)


def _currency(value: object) -> str:
    code = str(value or "").strip().upper()
    # XXX and XTS are ISO's "no currency" and "testing" codes, not money a clinic takes.
    if len(code) != 3 or code in ("XXX", "XTS") or get_currency_name(code, locale="en") == code:
        raise ValidationError("currency", _("\u201c{value}\u201d is not a currency code; use "
                                            "three letters such as CAD, USD, EUR or GBP.")
                              .format(value=value))
    return code


def _locale(value: object) -> str:
    code = str(value or "").strip()
    try:
        parsed = Locale.parse(code)
        # Locale.parse accepts made-up regions (en_ZZ); money and dates need a real region.
        if not localedata.exists(code) or not parsed.territory:
            raise UnknownLocaleError(code)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError("locale", _("\u201c{value}\u201d is not a language and region; "
                                          "use a code such as en_CA, fr_CA or en_US.")
                              .format(value=value)) from None
    return code
