"""day close indexes: a day's records by when they were made (R32)

The Day Close adds up one day's invoices, applications, refunds paid, packages sold and uses
redeemed, each by the time stamp of when the record was made (created_at, refunded_at), and
the invoices and uses voided that day by voided_at. Without these indexes each figure read a
whole ten-year table; with them the busiest day reads its few hundred rows. The voided_at
indexes are partial (voided rows only): almost every row is not voided.
Indexes only: no table changes, no data touched.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 06:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

VOIDED = sa.text('voided_at IS NOT NULL')
# (table, index, column, partial on the voided rows)
INDEXES = (
    ('invoices', 'ix_invoices_created_at', 'created_at', False),
    ('invoices', 'ix_invoices_voided_at', 'voided_at', True),
    ('payment_applications', 'ix_applications_created_at', 'created_at', False),
    ('payment_refunds', 'ix_payment_refunds_refunded_at', 'refunded_at', False),
    ('packages', 'ix_packages_created_at', 'created_at', False),
    ('redemptions', 'ix_redemptions_created_at', 'created_at', False),
    ('redemptions', 'ix_redemptions_voided_at', 'voided_at', True),
)


def _where(partial: bool) -> dict:
    return {'sqlite_where': VOIDED, 'postgresql_where': VOIDED} if partial else {}


def upgrade() -> None:
    for table, name, column, partial in INDEXES:
        op.create_index(name, table, [column], unique=False, **_where(partial))


def downgrade() -> None:
    for table, name, column, partial in reversed(INDEXES):
        op.drop_index(name, table_name=table, **_where(partial))
