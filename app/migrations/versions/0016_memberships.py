"""memberships (R43, R44)

Membership plans (fee per period, uses per period or unlimited, eligible treatment types with
Patient Pays, roll-over cap, tax); memberships enrolled from a date and cancelled from a date;
their pauses; one row per invoiced period, unique on (membership, start) so a period is never
invoiced twice, whichever desk gets there second; the visits a membership covered; and the
membership covering an appointment (a plain column, added in place).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 21:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def _id():
    return sa.Column('id', sa.Integer(), nullable=False)


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'],
                                   name=op.f(f'fk_{table}_{column}_{target}'))


def upgrade() -> None:
    op.create_table(
        'membership_plans', _id(),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('fee', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=6), nullable=False),
        sa.Column('uses_per_period', sa.Integer(), nullable=True),
        sa.Column('rollover_cap', sa.Integer(), nullable=False),
        sa.Column('tax_rate', sa.String(length=20), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('fee > 0', name=op.f('ck_membership_plans_fee_positive')),
        sa.CheckConstraint('uses_per_period IS NULL OR uses_per_period >= 1',
                           name=op.f('ck_membership_plans_uses_positive')),
        sa.CheckConstraint('rollover_cap >= 0',
                           name=op.f('ck_membership_plans_rollover_not_negative')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_plans')))
    op.create_table(
        'membership_plan_items', _id(),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('treatment_type_id', sa.Integer(), nullable=False),
        sa.Column('patient_pays', sa.Integer(), nullable=False),
        _fk('membership_plan_items', 'plan_id', 'membership_plans'),
        _fk('membership_plan_items', 'treatment_type_id', 'treatment_types'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_plan_items')))
    op.create_index(op.f('ix_membership_plan_items_plan_id'), 'membership_plan_items',
                    ['plan_id'], unique=False)
    op.create_table(
        'memberships', _id(),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('fee', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=6), nullable=False),
        sa.Column('uses_per_period', sa.Integer(), nullable=True),
        sa.Column('rollover_cap', sa.Integer(), nullable=False),
        sa.Column('tax_rate', sa.String(length=20), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('cancelled_on', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(), nullable=True),
        sa.Column('cancelled_by', sa.Integer(), nullable=True),
        _fk('memberships', 'patient_id', 'patients'),
        _fk('memberships', 'plan_id', 'membership_plans'),
        _fk('memberships', 'created_by', 'staff'),
        _fk('memberships', 'cancelled_by', 'staff'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')))
    op.create_index('ix_memberships_patient', 'memberships', ['patient_id', 'status'])
    op.create_index('ix_memberships_status', 'memberships', ['status'])
    op.create_table(
        'membership_coverage', _id(),
        sa.Column('membership_id', sa.Integer(), nullable=False),
        sa.Column('treatment_type_id', sa.Integer(), nullable=False),
        sa.Column('patient_pays', sa.Integer(), nullable=False),
        _fk('membership_coverage', 'membership_id', 'memberships'),
        _fk('membership_coverage', 'treatment_type_id', 'treatment_types'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_coverage')))
    op.create_index(op.f('ix_membership_coverage_membership_id'), 'membership_coverage',
                    ['membership_id'], unique=False)
    op.create_table(
        'membership_pauses', _id(),
        sa.Column('membership_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.Column('paused_at', sa.DateTime(), nullable=False),
        sa.Column('paused_by', sa.Integer(), nullable=True),
        sa.Column('resumed_at', sa.DateTime(), nullable=True),
        _fk('membership_pauses', 'membership_id', 'memberships'),
        _fk('membership_pauses', 'paused_by', 'staff'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_pauses')))
    op.create_index(op.f('ix_membership_pauses_membership_id'), 'membership_pauses',
                    ['membership_id'], unique=False)
    op.create_table(
        'membership_periods', _id(),
        sa.Column('membership_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        _fk('membership_periods', 'membership_id', 'memberships'),
        _fk('membership_periods', 'invoice_id', 'invoices'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_periods')),
        sa.UniqueConstraint('membership_id', 'starts_on', name='uq_membership_periods_start'))
    op.create_index(op.f('ix_membership_periods_invoice_id'), 'membership_periods',
                    ['invoice_id'], unique=False)
    op.create_index('ix_membership_periods_starts_on', 'membership_periods', ['starts_on'])
    op.create_table(
        'membership_uses', _id(),
        sa.Column('membership_id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=False),
        sa.Column('used_on', sa.Date(), nullable=False),
        sa.Column('patient_pays', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=10), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('voided_at', sa.DateTime(), nullable=True),
        sa.Column('voided_by', sa.Integer(), nullable=True),
        _fk('membership_uses', 'membership_id', 'memberships'),
        _fk('membership_uses', 'appointment_id', 'appointments'),
        _fk('membership_uses', 'invoice_id', 'invoices'),
        _fk('membership_uses', 'created_by', 'staff'),
        _fk('membership_uses', 'voided_by', 'staff'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_uses')))
    op.create_index(op.f('ix_membership_uses_appointment_id'), 'membership_uses',
                    ['appointment_id'], unique=False)
    op.create_index('ix_membership_uses_live', 'membership_uses', ['membership_id', 'used_on'])
    with op.batch_alter_table('appointments') as batch:
        batch.add_column(sa.Column('membership_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('appointments') as batch:
        batch.drop_column('membership_id')
    for table in ('membership_uses', 'membership_periods', 'membership_pauses',
                  'membership_coverage', 'memberships', 'membership_plan_items',
                  'membership_plans'):
        op.drop_table(table)
