"""clinic language: English or French (Canada) for every string the desk reads (issue 8)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 14:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=False,
                                      server_default='en'))
    # A clinic already set up in French money and dates most likely reads French.
    op.execute("UPDATE clinic_settings SET language = 'fr_CA' WHERE locale LIKE 'fr%'")


def downgrade() -> None:
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_column('language')
