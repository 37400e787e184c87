"""report indexes: live redemptions by package and date, packages by expiry date

The package reports (app/services/reports/) number each use of a package ("use n of N",
R3) by counting a short range of ix_redemptions_live, a partial index of the uses that are
not voided; the same index covers every "redeemed so far" count. The outstanding report
finds packages still valid on a date, or expiring soon, through ix_packages_expires_on.
Indexes only: no table changes, no data touched.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 11:49:18.582812
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.create_index('ix_packages_expires_on', ['expires_on'], unique=False)

    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.create_index('ix_redemptions_live', ['package_id', 'redeemed_on'], unique=False, sqlite_where=sa.text('voided_at IS NULL'), postgresql_where=sa.text('voided_at IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.drop_index('ix_redemptions_live', sqlite_where=sa.text('voided_at IS NULL'), postgresql_where=sa.text('voided_at IS NULL'))

    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.drop_index('ix_packages_expires_on')
