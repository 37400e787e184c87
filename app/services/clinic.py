"""The Clinic facade: the one door the UI, tests, benchmarks and scripts go through."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from .db import Database, database_url, migrate
from .settings import SettingsService, load_settings


class Clinic:
    def __init__(self, db: Database, clock: Callable[[], datetime] | None = None):
        self.db = db
        self._clock = clock or datetime.now
        from . import audit_anchor
        # After each committed write that appended audit entries: this desk's anchor (R29),
        # moved a moment later by its own thread (anchor_queue).
        db.audit_appended = lambda tail: audit_anchor.later(db, tail)
        db.audit_anchored = lambda: audit_anchor.anchored(db)
        self.current_staff_id: int | None = None
        self.backup_taken: Path | None = None
        self._money: dict | None = None
        from .accounting.service import AccountingService
        from .audit_trail import AuditService
        from .auth import AuthService
        from .backup import BackupService
        from .billing import BillingService
        from .catalog import CatalogService
        from .changes import ChangeMarker
        from .csv import CsvService
        from .gift_cards import GiftCardService
        from .mail.service import MailService
        from .memberships import MembershipService
        from .packages import PackageService
        from .patients import PatientService
        from .printing import PrintingService
        from .reports import ReportService
        from .sale_payment import SalePaymentService
        from .schedule import ScheduleService
        from .staff import StaffService
        from .why_not import WhyNotService
        self.settings = SettingsService(self)
        self.staff = StaffService(self)
        self.catalog = CatalogService(self)
        self.patients = PatientService(self)
        self.billing = BillingService(self)
        self.sale_payment = SalePaymentService(self)  # a sale and its payment, together
        self.schedule = ScheduleService(self)
        self.packages = PackageService(self)
        self.gift_cards = GiftCardService(self)  # R45
        self.memberships = MembershipService(self)  # R43, R44
        self.reports = ReportService(self)
        self.accounting = AccountingService(self)  # the chart of accounts and journal (R35)
        self.printing = PrintingService(self)
        self.mail = MailService(self)  # the outbox (R46, R47)
        self.backup = BackupService(self)
        from .encryption import EncryptionService
        self.encryption = EncryptionService(self)  # the clinic file encrypted (issue 23)
        self.new_recovery_key: str | None = None
        self.auth = AuthService(self)
        self.audit = AuditService(self)
        self.csv = CsvService(self)
        self.why_not = WhyNotService(self)  # why an action is not offered now, or None
        self.changes_since = ChangeMarker(self).changes_since  # another desk changed something?
        from .file_targets import watch
        watch(self)  # no export of this program may write over this clinic's files

    @classmethod
    def open(cls, target: str | os.PathLike, clock: Callable[[], datetime] | None = None, *,
             key: str | None = None, encrypt: bool = False) -> Clinic:
        """Open (creating if needed) and migrate to the newest schema, backing up first.

        An encrypted file opens with `key`, or the one this desk keeps for it; without
        either, KeyNeeded (the desk asks for the recovery key), and WrongKey for a key that
        does not open it. A new file is encrypted under a new key when `encrypt` is set; the
        key is then `new_recovery_key`, for the recovery sheet (issue 23)."""
        from . import clinic_key, encryption

        url = database_url(target)
        created = new_key = None
        if "://" not in os.fspath(target) or url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                encryption.finish_interrupted(Path(path))
                if not Path(path).exists() or not Path(path).stat().st_size:
                    # Owner-only from the first byte: patient data is private.
                    Path(path).touch(mode=0o600)
                    created = Path(path)
                    if encrypt and key is None:
                        key = new_key = clinic_key.new_key()
                elif clinic_key.is_encrypted(path):
                    key = _key_that_opens(Path(path), key)
                else:
                    key = None  # (a plain file: any key given was for something else)
                if key is not None and clinic_key.recorded(path) != key:
                    clinic_key.remember(path, key)  # (not at every start: once is enough)
        db = Database(url, key)
        backup = migrate(db.engine, now=(clock or datetime.now)())
        if created is not None:
            # A new clinic where another's file was: that one's anchors are not this one's.
            from .audit_anchor import reset_for_file
            reset_for_file(created, {"reason": "new clinic file"}, (clock or datetime.now)(),
                           only_if_kept=True)
        clinic = cls(db, clock)
        clinic.backup_taken = backup
        clinic.new_recovery_key = new_key
        with db.write() as s:
            load_settings(s)
        clinic.money_context()  # (and the locale of dates in refusals, from the start)
        return clinic

    def close(self) -> None:
        from . import anchor_queue

        anchor_queue.settle()  # this desk's last writes' anchor, before the engine goes
        self.db.dispose()

    def __enter__(self) -> Clinic:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self._clock().date()

    @property
    def path(self) -> Path | None:
        return self.db.path

    def money_context(self) -> dict:
        """Currency and locale for parsing and formatting money (R4)."""
        if self._money is None:
            view = self.settings.get()
            self._money = {"currency": view.currency, "locale": view.locale}
            from .validation import use_locale
            use_locale(view.locale)  # dates in refusals follow the clinic's locale too
        return dict(self._money)

    def settings_changed(self) -> None:
        self._money = None
        self.money_context()  # read again now: refusals' dates follow a new locale at once

    def format_money(self, cents: int) -> str:
        from .money import format_money
        return format_money(cents, **self.money_context())


def _key_that_opens(path: Path, key: str | None) -> str:
    from .clinic_key import KeyNeeded, WrongKey, key_for, opens

    if key is None:
        key = key_for(path)
        if key is None:
            raise KeyNeeded(path)
    elif not opens(path, key):
        raise WrongKey(path)
    return key
