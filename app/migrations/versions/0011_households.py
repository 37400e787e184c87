"""households and shared packages; who redeemed each use (R37)

Patients can be linked as a household; a package can be shared with chosen members of its
purchaser's household. Memberships and shares are ended, never deleted; partial unique
indexes let a patient be in one household at a time and a package be shared with a member
once at a time, whatever two desks do at once. Each redemption now records the patient who
redeemed it; the uses already there were all redeemed by their appointment's patient.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 20:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# as app.models.base.Int: 64-bit on PostgreSQL, INTEGER on SQLite
INT = sa.Integer().with_variant(sa.BigInteger(), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'households',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['staff.id'],
                                name=op.f('fk_households_created_by_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_households')))
    op.create_table(
        'household_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('joined_at', sa.DateTime(), nullable=False),
        sa.Column('joined_by', sa.Integer(), nullable=True),
        sa.Column('left_at', sa.DateTime(), nullable=True),
        sa.Column('left_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'],
                                name=op.f('fk_household_members_household_id_households')),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_household_members_patient_id_patients')),
        sa.ForeignKeyConstraint(['joined_by'], ['staff.id'],
                                name=op.f('fk_household_members_joined_by_staff')),
        sa.ForeignKeyConstraint(['left_by'], ['staff.id'],
                                name=op.f('fk_household_members_left_by_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_household_members')))
    op.create_index('ux_household_members_current', 'household_members', ['patient_id'],
                    unique=True, sqlite_where=sa.text('left_at IS NULL'),
                    postgresql_where=sa.text('left_at IS NULL'))
    op.create_index('ix_household_members_household', 'household_members',
                    ['household_id', 'left_at'], unique=False)
    op.create_table(
        'package_shares',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('package_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('shared_at', sa.DateTime(), nullable=False),
        sa.Column('shared_by', sa.Integer(), nullable=True),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('ended_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['package_id'], ['packages.id'],
                                name=op.f('fk_package_shares_package_id_packages')),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_package_shares_patient_id_patients')),
        sa.ForeignKeyConstraint(['shared_by'], ['staff.id'],
                                name=op.f('fk_package_shares_shared_by_staff')),
        sa.ForeignKeyConstraint(['ended_by'], ['staff.id'],
                                name=op.f('fk_package_shares_ended_by_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_package_shares')))
    op.create_index('ux_package_shares_live', 'package_shares', ['package_id', 'patient_id'],
                    unique=True, sqlite_where=sa.text('ended_at IS NULL'),
                    postgresql_where=sa.text('ended_at IS NULL'))
    op.create_index('ix_package_shares_patient', 'package_shares', ['patient_id', 'ended_at'],
                    unique=False)
    op.add_column('redemptions', sa.Column('patient_id', INT, nullable=True))
    op.execute("""
        UPDATE redemptions SET patient_id = (
            SELECT a.patient_id FROM appointments a WHERE a.id = redemptions.appointment_id)""")


def downgrade() -> None:
    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.drop_column('patient_id')
    op.drop_index('ix_package_shares_patient', table_name='package_shares')
    op.drop_index('ux_package_shares_live', table_name='package_shares')
    op.drop_table('package_shares')
    op.drop_index('ix_household_members_household', table_name='household_members')
    op.drop_index('ux_household_members_current', table_name='household_members')
    op.drop_table('household_members')
    op.drop_table('households')
