"""`clinic.accounting` (R35): the chart of accounts the clinic edits, and its journal.

The journal is streamed (`iter_journal`): a month of entries at a time is read and built, so a
year of a ten-year clinic goes to a file without the year's rows or entries in memory at once.
"""

from __future__ import annotations


from collections import defaultdict
from datetime import date
from typing import Iterator

from babel.dates import format_date
from sqlalchemy import select

from ...i18n import _
from ...models import Account
from .. import validation as v
from ..base import Service
from ..errors import ValidationError
from . import chart, stream
from .entries import AccountRow, JournalEntry
from .exporting import ExportMixin

#: The manager-only action of Settings › Accounts (auth.MANAGER_ACTIONS)
CHANGE_ACCOUNTS = "change the chart of accounts"


def _row(account: Account) -> AccountRow:
    return AccountRow(account.id, account.role, account.kind, account.code, account.name)


class AccountingService(ExportMixin, Service):

    # the chart of accounts
    def _ensure_chart(self) -> None:
        """Make the chart's missing accounts, in a write only when something is missing (a
        read first: opening Settings or exporting must not take the write lock for nothing)."""
        with self._db.read() as s:
            if not chart.missing(s):
                return
        with self._db.write() as s:
            chart.ensure_chart(s)

    def accounts(self) -> list[AccountRow]:
        """The chart, by code (then name, then id, so the order never depends on the file)."""
        self._ensure_chart()
        with self._db.read() as s:
            return [_row(a) for a in s.scalars(
                select(Account).order_by(Account.code, Account.name, Account.id))]

    def can_update_accounts(self) -> bool:
        """Whether the one signed in may edit the chart (a manager, or anyone with a manager's
        approval on the spot; Settings asks for it first when not)."""
        auth = self._clinic.auth
        approval = auth.approval_in_force()
        return not auth.needs_approval(CHANGE_ACCOUNTS) or (
            approval is not None and CHANGE_ACCOUNTS in approval.actions)

    def update_account(self, account_id: int, *, code, name) -> AccountRow:
        """A manager renumbers or renames an account (its role, what the journal posts to it,
        never changes). Codes and names are unique: exported files name accounts by them."""
        self._clinic.auth.require_manager(CHANGE_ACCOUNTS)
        code = v.text(code, "code", label=_("account code"), max_len=20, single_line=True)
        name = v.name(name, "name", label=_("account name"))
        self._ensure_chart()
        with self._db.write() as s:
            account = v.get(s, Account, account_id, "account")
            others = s.execute(select(Account.code, Account.name)
                               .where(Account.id != account.id)).all()
            if any(other.code == code for other in others):
                raise ValidationError("code", _("Another account already has the code "
                                                "{code}.").format(code=code))
            if any(chart.name_key(other.name) == chart.name_key(name) for other in others):
                raise ValidationError("name", _("Another account is already called "
                                                "\u201c{name}\u201d.").format(name=name))
            before = {"code": account.code, "name": account.name}
            account.code, account.name = code, name
            after = {"code": code, "name": name}
            if after != before:
                self._audit(s, "account.update", "account", account.id, before, after)
            return _row(account)

    # the journal
    def _period(self, start, end) -> tuple[date, date]:
        start = v.a_date(start, "start", label=_("start date"))
        end = v.a_date(end, "end", label=_("end date"))
        if end < start:
            locale = self._clinic.money_context()["locale"]
            raise ValidationError("end", _("The end date ({end}) must be on or after the start "
                                           "date ({start}).").format(
                                               end=format_date(end, "medium", locale=locale),
                                               start=format_date(start, "medium",
                                                                 locale=locale)))
        return start, end

    def _names(self) -> dict[str, str]:
        self._ensure_chart()
        with self._db.read() as s:
            return dict(s.execute(select(Account.role, Account.name)).all())

    def iter_journal(self, start, end) -> Iterator[JournalEntry]:
        """Every money event of start..end as balanced entries, in date order (then kind of
        document, then its id): the same period always gives the same entries."""
        start, end = self._period(start, end)
        names = self._names()
        return stream.entries(self._db, names, start, end)

    def journal(self, start, end) -> list[JournalEntry]:
        return list(self.iter_journal(start, end))

    def balances(self, on) -> dict[str, int]:
        """role -> balance in cents (debit positive) at the end of `on`, from the journal
        from the clinic's first day."""
        on = v.a_date(on, "on", label=_("date"))
        with self._db.read() as s:
            first = stream.first_day(s)
        roles = {name: role for role, name in self._names().items()}
        totals: dict[str, int] = defaultdict(int)
        if first is None or first > on:
            return {}
        for entry in self.iter_journal(first, on):
            for name, cents in entry.postings:
                totals[roles[name]] += cents
        return {role: cents for role, cents in sorted(totals.items()) if cents}
