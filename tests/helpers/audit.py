"""The audit trail read straight from the table: the test's own eyes, whoever is signed in,
so a test never trusts the service it checks (issue 16: one copy instead of one a file)."""
from types import SimpleNamespace

from sqlalchemy import func, select

from app.models import AuditEntry


def audit_count(clinic) -> int:
    with clinic.db.read() as s:
        return s.scalar(select(func.count(AuditEntry.id)))


def audit_actions(clinic) -> list[str]:
    with clinic.db.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def audit_entries(clinic, action):
    """Audit entries for `action`, oldest first, as plain namespaces."""
    with clinic.db.read() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                         .order_by(AuditEntry.id)).all()
        return [SimpleNamespace(id=r.id, at=r.at, staff_id=r.staff_id, entity=r.entity,
                                entity_id=r.entity_id, before=r.before, after=r.after)
                for r in rows]
