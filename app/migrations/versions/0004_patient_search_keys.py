"""patient search keys: casefolded, accent-free names and email for index-range search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 12:50:00
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

KEY = sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql")


def _key(text):
    # The same folding as app.services.patients.search_key, frozen here as of this revision.
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def upgrade() -> None:
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_key', KEY, nullable=False, server_default=''))
        batch_op.add_column(sa.Column('last_key', KEY, nullable=False, server_default=''))
        batch_op.add_column(sa.Column('email_key', KEY, nullable=True))
    conn = op.get_bind()
    patients = sa.table('patients', sa.column('id', sa.Integer), sa.column('first_name'),
                        sa.column('last_name'), sa.column('email'), sa.column('phone'),
                        sa.column('first_key'), sa.column('last_key'), sa.column('email_key'),
                        sa.column('phone_digits'))
    rows = conn.execute(sa.select(patients.c.id, patients.c.first_name, patients.c.last_name,
                                  patients.c.email, patients.c.phone)).all()
    updates = [{"pid": r.id, "fk": _key(r.first_name), "lk": _key(r.last_name),
                "ek": r.email.casefold() if r.email else None,
                "pd": re.sub(r"\D", "", r.phone or "") or None} for r in rows]
    if updates:
        conn.execute(patients.update().where(patients.c.id == sa.bindparam("pid"))
                     .values(first_key=sa.bindparam("fk"), last_key=sa.bindparam("lk"),
                             email_key=sa.bindparam("ek"), phone_digits=sa.bindparam("pd")),
                     updates)
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.create_index('ix_patients_last_key', ['last_key', 'first_key'], unique=False)
        batch_op.create_index('ix_patients_first_key', ['first_key'], unique=False)
        batch_op.create_index('ix_patients_email_key', ['email_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index('ix_patients_email_key')
        batch_op.drop_index('ix_patients_first_key')
        batch_op.drop_index('ix_patients_last_key')
        batch_op.drop_column('email_key')
        batch_op.drop_column('last_key')
        batch_op.drop_column('first_key')
