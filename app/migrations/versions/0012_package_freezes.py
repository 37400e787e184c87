"""package freezes (R39)

A package can be frozen from a date, to a date or until unfrozen, with a reason. Each freeze
is a row, never deleted; unfreezing writes the day it ended.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'package_freezes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('package_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('expires_before', sa.Date(), nullable=True),
        sa.Column('frozen_at', sa.DateTime(), nullable=False),
        sa.Column('frozen_by', sa.Integer(), nullable=True),
        sa.Column('unfrozen_at', sa.DateTime(), nullable=True),
        sa.Column('unfrozen_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['package_id'], ['packages.id'],
                                name=op.f('fk_package_freezes_package_id_packages')),
        sa.ForeignKeyConstraint(['frozen_by'], ['staff.id'],
                                name=op.f('fk_package_freezes_frozen_by_staff')),
        sa.ForeignKeyConstraint(['unfrozen_by'], ['staff.id'],
                                name=op.f('fk_package_freezes_unfrozen_by_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_package_freezes')))
    op.create_index(op.f('ix_package_freezes_package_id'), 'package_freezes', ['package_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_package_freezes_package_id'), table_name='package_freezes')
    op.drop_table('package_freezes')
