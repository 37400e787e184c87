"""Whether the audit trail is whole, and if not, what was lost (R29, issue 15).

Three checks, each catching what the others cannot:

1. the hash chain (audit.verify_chain): an entry edited, or removed from the middle;
2. the anchors kept outside the file (audit_anchor): the end cut off (the last entry, the
   last five, every one), or the whole trail rewritten with its hashes computed again, so
   the entry an anchor names is gone or has another hash;
3. the money rows (audit_coverage): a payment, refund, sale or use whose entry is gone,
   even where no anchor was kept yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..i18n import _, ngettext
from ..models import AuditEntry
from .audit import verify_chain
from .audit_anchor import Anchor
from .audit_coverage import Unrecorded, unrecorded

SHOWN_RECORDS = 8  # money records named in the sentence; the rest are counted


@dataclass(frozen=True)
class LostEnd:
    """An anchor the trail no longer reaches (`missing` entries gone from its end), or
    reaches with another hash there (`rewritten`)."""
    anchor: Anchor
    missing: int
    rewritten: bool


@dataclass(frozen=True)
class TrailCheck:
    entries: int
    first_broken_id: int | None  # where the chain breaks (an edited or removed entry)
    last_id: int | None = None  # the newest entry (None: the trail is empty)
    last_at: datetime | None = None
    last_hash: str = ""
    lost: tuple[LostEnd, ...] = ()
    unrecorded: tuple[Unrecorded, ...] = ()

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None and not self.lost and not self.unrecorded

    def sentences(self) -> list[str]:
        """What was found, for a manager (and the command line): empty when intact."""
        out = []
        if self.first_broken_id is not None:
            out.append(_("Entry {number} does not match the chain: it, or an entry just "
                         "before it, was changed or removed outside ClinicDesk ({n} entries "
                         "checked).").format(number=self.first_broken_id, n=self.entries))
        out += [self._lost_sentence(lost) for lost in self.lost]
        if self.unrecorded:
            named = [_record(r) for r in self.unrecorded[:SHOWN_RECORDS]]
            more = len(self.unrecorded) - len(named)
            if more:
                named.append(ngettext("{n} more", "{n} more", more).format(n=more))
            out.append(ngettext(
                "{n} money record has no audit entry, so the entry that recorded it was "
                "removed: {records}.",
                "{n} money records have no audit entry, so the entries that recorded them "
                "were removed: {records}.", len(self.unrecorded)).format(
                    n=len(self.unrecorded), records=", ".join(named)))
        return out

    def _lost_sentence(self, lost: LostEnd) -> str:
        head = lost.anchor.head
        where = (_("this computer") if lost.anchor.source == "desk" else
                 _("the backup {file}").format(file=lost.anchor.backup) if lost.anchor.backup
                 else _("the backups"))
        when = _when(head.at)
        if lost.rewritten:
            return _("The audit trail was rewritten: entry {anchor} no longer has the "
                     "fingerprint {where} recorded for it ({when}), so the entries up to it "
                     "were changed and their fingerprints computed again.").format(
                         anchor=head.id, where=where, when=when)
        if self.last_id is None:
            return ngettext(
                "Every entry of the audit trail is gone: {where} recorded it reaching entry "
                "{anchor} ({when}), {n} entry in all, and now it is empty.",
                "Every entry of the audit trail is gone: {where} recorded it reaching entry "
                "{anchor} ({when}), {n} entries in all, and now it is empty.",
                head.count).format(where=where, anchor=head.id, when=when, n=head.count)
        return ngettext(
            "The last entry of the audit trail is missing: it stops at entry {last} "
            "({last_when}), but {where} recorded it reaching entry {anchor} ({when}).",
            "The last {n} entries of the audit trail are missing: it stops at entry {last} "
            "({last_when}), but {where} recorded it reaching entry {anchor} ({when}).",
            lost.missing).format(n=lost.missing, last=self.last_id,
                                 last_when=_when(self.last_at), where=where,
                                 anchor=head.id, when=when)


_KINDS = {"payment": lambda n: _("payment {number}").format(number=n),
          "refund": lambda n: _("refund {number}").format(number=n),
          "package_sale": lambda n: _("package sale {number}").format(number=n),
          "package_refund": lambda n: _("package refund {number}").format(number=n),
          "package_use": lambda n: _("package use {number}").format(number=n),
          "invoice": lambda n: _("invoice {number}").format(number=n)}


def command_report(check: TrailCheck, out: Callable[[str], None],
                   err: Callable[[str], None]) -> int:
    """`clinicdesk verify-audit`: 0 when intact; 1, saying what was lost, when not."""
    if check.ok:
        out(f"The audit trail is intact: {check.entries} entries.")
        return 0
    err("The audit trail was altered:")
    for sentence in check.sentences():
        err(f"  {sentence}")
    return 1


def _record(r: Unrecorded) -> str:
    return _KINDS[r.kind](r.number)


def _when(at) -> str:
    if at is None:
        return ""
    return (at.strftime("%Y-%m-%d %H:%M") if isinstance(at, datetime)
            else str(at)[:16].replace("T", " "))


def check_trail(session: Session, anchors: list[Anchor]) -> TrailCheck:
    chain = verify_chain(session)
    if chain.first_broken_id is None:
        # The end the walk reached (on a server other desks may append meanwhile: later).
        newest, newest_hash, newest_at = chain.last_id, chain.last_hash, chain.last_at
    else:
        last = session.execute(select(AuditEntry.id, AuditEntry.hash, AuditEntry.at)
                               .order_by(AuditEntry.id.desc()).limit(1)).first()
        newest, newest_hash, newest_at = last if last is not None else (None, "", None)
    lost: list[LostEnd] = []
    seen: set[int] = set()
    for anchor in anchors:
        head = anchor.head
        if head.id in seen:
            continue  # (the desk and the backups may anchor the same entry: say it once)
        seen.add(head.id)
        there = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == head.id))
        if there == head.hash:
            continue
        if there is None and (newest is None or newest < head.id):
            kept = session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.id <= head.id)) or 0
            # Entries of the anchored trail that are gone (ids, where a count was not kept).
            missing = head.count - kept if head.count > kept else head.id - (newest or 0)
            lost.append(LostEnd(anchor, max(missing, 1), rewritten=False))
        else:
            lost.append(LostEnd(anchor, 0, rewritten=True))
    return TrailCheck(chain.entries, chain.first_broken_id, newest, newest_at, newest_hash,
                      tuple(lost), tuple(unrecorded(session)))
