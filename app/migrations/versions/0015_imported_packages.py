"""packages sold before ClinicDesk (R42, switching in)

An imported package carries the day it was brought in (`imported_on`, NULL for a package
sold here) and the uses its patient had already had in the old system (`uses_before`): they
count as its first uses, so the next one is use uses_before + 1 and R3's values go on from
there, without inventing appointments for visits ClinicDesk never saw. The books walk the
few imported packages day by day (their liability is an opening balance, never a sale of
the period), found through the partial index.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 20:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

IMPORTED = sa.text("imported_on IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table('packages') as batch:
        batch.add_column(sa.Column('imported_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('uses_before', sa.Integer(), nullable=False,
                                   server_default='0'))
    op.create_index('ix_packages_imported', 'packages', ['id'], unique=False,
                    sqlite_where=IMPORTED, postgresql_where=IMPORTED)


def downgrade() -> None:
    op.drop_index('ix_packages_imported', table_name='packages')
    with op.batch_alter_table('packages') as batch:
        batch.drop_column('uses_before')
        batch.drop_column('imported_on')
