"""package transfers (R38): the link from a transferred package to the recipient's new one

A new table only; no existing row is touched. packages.status gains the code
"transferred" (String(12) already fits it).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

INT = sa.Integer().with_variant(sa.BigInteger(), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'package_transfers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('from_package_id', sa.Integer(), nullable=False),
        sa.Column('to_package_id', sa.Integer(), nullable=False),
        sa.Column('from_patient_id', sa.Integer(), nullable=False),
        sa.Column('to_patient_id', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('uses', INT, nullable=False),
        sa.Column('value', INT, nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('transferred_on', sa.Date(), nullable=False),
        sa.Column('transferred_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['from_package_id'], ['packages.id'],
                                name=op.f('fk_package_transfers_from_package_id_packages')),
        sa.ForeignKeyConstraint(['to_package_id'], ['packages.id'],
                                name=op.f('fk_package_transfers_to_package_id_packages')),
        sa.ForeignKeyConstraint(['from_patient_id'], ['patients.id'],
                                name=op.f('fk_package_transfers_from_patient_id_patients')),
        sa.ForeignKeyConstraint(['to_patient_id'], ['patients.id'],
                                name=op.f('fk_package_transfers_to_patient_id_patients')),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'],
                                name=op.f('fk_package_transfers_invoice_id_invoices')),
        sa.ForeignKeyConstraint(['created_by'], ['staff.id'],
                                name=op.f('fk_package_transfers_created_by_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_package_transfers')),
        sa.UniqueConstraint('from_package_id', name=op.f('uq_package_transfers_from_package_id')),
        sa.UniqueConstraint('to_package_id', name=op.f('uq_package_transfers_to_package_id')))
    op.create_index('ix_package_transfers_invoice', 'package_transfers', ['invoice_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_package_transfers_invoice', table_name='package_transfers')
    op.drop_table('package_transfers')
