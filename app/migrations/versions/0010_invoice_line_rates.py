"""the tax rates charged, found by index (R35, R36)

The chart of accounts has a Sales Tax Payable account for every rate ever charged on an
invoice line (app/services/accounting/chart.rates_in_use). Asking which rates those are read
every line of the clinic (a million on the ten-year clinic, about 0.2 s) each time the chart
was checked: every journal export and every opening of the chart in Settings. With the lines
indexed by rate, the few distinct rates are found by a skip through the index, one lookup a
rate. Index only: no table changes, no data touched.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:00:00
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_invoice_lines_tax_rate', 'invoice_lines', ['tax_rate'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_invoice_lines_tax_rate', table_name='invoice_lines')
