"""audit hash chain

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:25:04.655648
"""
import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _digest(prev_hash, row):
    # The chain's formula as of this revision (app/services/audit.py `_digest`), frozen here
    # so this migration means the same thing whatever the code later becomes.
    at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
    payload = json.dumps([prev_hash, at.isoformat(), row.staff_id, row.action, row.entity,
                          row.entity_id, row.before, row.after],
                         separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=False,
                                      server_default=''))
    # Entries written before the chain existed join it now, in order, so verify() holds.
    conn = op.get_bind()
    entries = sa.table('audit_entries', sa.column('id', sa.Integer), sa.column('at'),
                       sa.column('staff_id'), sa.column('action'), sa.column('entity'),
                       sa.column('entity_id'), sa.column('before'), sa.column('after'),
                       sa.column('prev_hash'), sa.column('hash'))
    prev = ""
    for row in conn.execute(sa.select(entries).order_by(entries.c.id)).all():
        digest = _digest(prev, row)
        conn.execute(entries.update().where(entries.c.id == row.id)
                     .values(prev_hash=prev, hash=digest))
        prev = digest


def downgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
