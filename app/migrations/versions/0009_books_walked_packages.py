"""the books' indexes: the walked packages found by index, the opening sums read from indexes
(R33-R35)

Package Liability, Revenue and the journal add up most packages in SQL and walk the few with a
history day by day (app/services/liability_sql.walked_ids): refunded or voided, sold already
expired, with an expiry change or a use undone. Without ix_packages_status and the partial
ix_packages_sold_expired each report tested all 100,000 packages of a ten-year clinic for the
first two (about 40 ms of a 300 ms report); with them it reads the few thousand concerned.

A journal that starts after the clinic's first day opens with the balances at the end of the
day before (app/services/accounting/opening.py): sums over every payment, application and
invoice until then. With the summed columns in the index (payments by method, applications
and invoices by date) those sums read the index alone, and the partial index on the
"Unused uses cancelled" lines finds those few lines without reading a million: on the
ten-year clinic the opening went from 950 to about 330 ms. The wider indexes replace the
narrower ones of the same name (their first column unchanged, so every query that used them
still can). Indexes only: no table changes, no data touched.

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
CANCELLED = sa.text("kind = 'package_refund'")
# (table, index, columns before, columns after): widened in place
WIDENED = (
    ('invoices', 'ix_invoices_issued_on', ['issued_on'], ['issued_on', 'total', 'tax']),
    ('payment_applications', 'ix_applications_created_at', ['created_at'],
     ['created_at', 'amount']),
)


def _where(clause) -> dict:
    return {'sqlite_where': clause, 'postgresql_where': clause}


def upgrade() -> None:
    op.create_index('ix_packages_status', 'packages', ['status'], unique=False)
    op.create_index('ix_packages_sold_expired', 'packages', ['id'], unique=False,
                    **_where(SOLD_EXPIRED))
    op.create_index('ix_payments_method_received', 'payments',
                    ['method', 'received_at', 'amount'], unique=False)
    op.create_index('ix_invoice_lines_cancelled', 'invoice_lines', ['invoice_id'],
                    unique=False, **_where(CANCELLED))
    for table, name, _before, after in WIDENED:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, after, unique=False)


def downgrade() -> None:
    for table, name, before, _after in reversed(WIDENED):
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before, unique=False)
    op.drop_index('ix_invoice_lines_cancelled', table_name='invoice_lines',
                  **_where(CANCELLED))
    op.drop_index('ix_payments_method_received', table_name='payments')
    op.drop_index('ix_packages_sold_expired', table_name='packages', **_where(SOLD_EXPIRED))
    op.drop_index('ix_packages_status', table_name='packages')
