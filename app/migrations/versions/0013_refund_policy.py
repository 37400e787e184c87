"""refund policies (R40)

A package template's refund policy, copied onto each package when sold, and the calculation
behind a refund's suggestion kept on the refund so its receipt says what the dialog said.
Templates and packages already there are pro rata (R26), as they were; refunds already made
have no recorded calculation.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 20:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('package_templates', 'packages'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('refund_policy', sa.String(length=40), nullable=False,
                                       server_default='pro_rata'))
    with op.batch_alter_table('package_refunds') as batch:
        batch.add_column(sa.Column('basis', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('package_refunds') as batch:
        batch.drop_column('basis')
    for table in ('packages', 'package_templates'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('refund_policy')
