"""the books' walked packages: found by index, not by testing every package (R33-R35)

Package Liability, Revenue and the journal add up most packages in SQL and walk the few with a
history day by day (app/services/liability_sql.walked_ids): refunded or voided, sold already
expired, with an expiry change or a use undone. Without these indexes each report tested all
100,000 packages of a ten-year clinic for the first two (about 40 ms of a 300 ms report); with
them it reads the few thousand concerned. The second is partial: almost no package is sold
already expired. Indexes only: no table changes, no data touched.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 11:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

SOLD_EXPIRED = sa.text('expires_on < purchased_on')


def upgrade() -> None:
    op.create_index('ix_packages_status', 'packages', ['status'], unique=False)
    op.create_index('ix_packages_sold_expired', 'packages', ['id'], unique=False,
                    sqlite_where=SOLD_EXPIRED, postgresql_where=SOLD_EXPIRED)


def downgrade() -> None:
    op.drop_index('ix_packages_sold_expired', table_name='packages',
                  sqlite_where=SOLD_EXPIRED, postgresql_where=SOLD_EXPIRED)
    op.drop_index('ix_packages_status', table_name='packages')
