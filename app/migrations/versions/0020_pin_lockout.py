"""PIN lockout (R50): wrong PINs in a row on each staff row, and managers' longer PINs

Every staff member starts with no misses and no lock. A PIN's length is unknown for PINs set
before this (None), and is filled in at the next right PIN. Existing clinics keep 4 as the
fewest characters of a manager's PIN, so no manager is refused their own PIN by an upgrade;
a new clinic's settings row is made with 6 (the model's default).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

INT = sa.Integer().with_variant(sa.BigInteger(), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('staff') as batch:
        batch.add_column(sa.Column('pin_misses', INT, nullable=False, server_default='0'))
        batch.add_column(sa.Column('pin_locked_until', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('pin_length', INT, nullable=True))
    with op.batch_alter_table('clinic_settings') as batch:
        batch.add_column(sa.Column('manager_pin_min_digits', INT, nullable=False,
                                   server_default='4'))


def downgrade() -> None:
    with op.batch_alter_table('clinic_settings') as batch:
        batch.drop_column('manager_pin_min_digits')
    with op.batch_alter_table('staff') as batch:
        batch.drop_column('pin_length')
        batch.drop_column('pin_locked_until')
        batch.drop_column('pin_misses')
