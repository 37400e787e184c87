"""Browsing and verifying the audit trail (manager only when a staff member is signed in)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..i18n import _
from ..models import AuditEntry, Staff
from . import validation as v
from . import audit_anchor
from .audit_check import TrailCheck, check_trail
from .base import Service
from .errors import ValidationError


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    staff_name: str  # "System" when no one was signed in
    action: str
    entity: str
    entity_id: int | None
    before: str
    after: str
    approved_by: str = ""  # the manager whose PIN approved it for front-desk staff


def _approver(after: str) -> str:
    """The manager named in an entry's `after`, where an approved action records them."""
    if '"approved_by"' not in after:
        return ""
    try:
        approver = json.loads(after).get("approved_by")
    except (ValueError, AttributeError):
        return ""
    return str(approver.get("name") or "") if isinstance(approver, dict) else ""


class AuditService(Service):
    def entries(self, *, start: date | None = None, end: date | None = None,
                entity: str | None = None, entity_id: int | None = None,
                staff_id: int | None = None, action: str | None = None,
                limit: int = 500) -> list[AuditRow]:
        self._clinic.auth.require_manager(_("read the audit trail"))
        limit = v.whole_number(limit, "limit", label=_("number of entries"), minimum=1,
                               maximum=10_000)
        entity_id = v.optional_id(entity_id, "entity_id", _("record"))
        staff_id = v.optional_id(staff_id, "staff_id", _("staff member"))
        filters = {"entity": _("The record filter must be text."),
                   "action": _("The action filter must be text.")}
        for name, value in (("entity", entity), ("action", action)):
            if value is not None and not isinstance(value, str):
                raise ValidationError(name, filters[name])
        query = (select(AuditEntry, Staff.name).outerjoin(Staff, Staff.id == AuditEntry.staff_id)
                 .order_by(AuditEntry.id.desc()).limit(limit))
        if start is not None:
            query = query.where(AuditEntry.at >= datetime.combine(
                v.a_date(start, "start", label=_("start date")), time.min))
        if end is not None:
            query = query.where(AuditEntry.at < datetime.combine(
                v.a_date(end, "end", label=_("end date")), time.min) + timedelta(days=1))
        if entity:
            query = query.where(AuditEntry.entity == entity)
        if entity_id is not None:
            query = query.where(AuditEntry.entity_id == entity_id)
        if staff_id is not None:
            query = query.where(AuditEntry.staff_id == staff_id)
        if action:
            query = query.where(AuditEntry.action.startswith(action, autoescape=True))
        with self._db.read() as s:
            system = _("System")
            return [AuditRow(e.id, e.at, name or system, e.action, e.entity, e.entity_id,
                             e.before, e.after, _approver(e.after))
                    for e, name in s.execute(query)]

    def verify(self) -> TrailCheck:
        """Recompute the hash chain (an edited or removed entry breaks it), compare its end
        with the anchors kept outside the file (a cut or rewritten end), and look for money
        rows whose entry is gone. `sentences()` says what was lost."""
        anchors = audit_anchor.anchors_for(self._db)
        with self._db.read() as s:
            check = check_trail(s, anchors)
        if check.ok and check.last_id is not None:
            # Sound up to here: this desk's anchor may start (or go on) from here.
            audit_anchor.confirmed(self._db, audit_anchor.Head(
                check.last_id, check.last_hash, check.entries, audit_anchor.iso(check.last_at)))
        return check
