"""the clinic's books: closed days, the chart of accounts, expiry history (R32, R33, R35)

Day closes keep the figures as they were when the day was closed; a partial unique index lets
only one open close of a day exist, so two desks closing at once cannot both succeed. The
chart of accounts is filled with its defaults by the accounting service when first read.
Expiry changes were only in the audit trail; they are copied out of it here so the package
liability can tell when uses expired and when an extension brought them back.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 01:30:00
"""
import json
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

INT = sa.Integer().with_variant(sa.BigInteger(), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'day_closes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('on', sa.Date(), nullable=False),
        sa.Column('expected_cash', INT, nullable=False),
        sa.Column('counted_cash', INT, nullable=False),
        sa.Column('over_short', INT, nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=False),
        sa.Column('closed_by', sa.Integer(), nullable=True),
        sa.Column('reopened_at', sa.DateTime(), nullable=True),
        sa.Column('reopened_by', sa.Integer(), nullable=True),
        sa.Column('reopen_reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['closed_by'], ['staff.id'],
                                name=op.f('fk_day_closes_closed_by_staff')),
        sa.ForeignKeyConstraint(['reopened_by'], ['staff.id'],
                                name=op.f('fk_day_closes_reopened_by_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_day_closes')))
    op.create_index('ix_day_closes_open', 'day_closes', ['on'], unique=True,
                    sqlite_where=sa.text('reopened_at IS NULL'),
                    postgresql_where=sa.text('reopened_at IS NULL'))
    op.create_table(
        'accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
        sa.UniqueConstraint('role', name=op.f('uq_accounts_role')))
    op.create_table(
        'package_expiry_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('package_id', sa.Integer(), nullable=False),
        sa.Column('changed_on', sa.Date(), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.Column('old_expires_on', sa.Date(), nullable=True),
        sa.Column('new_expires_on', sa.Date(), nullable=True),
        sa.Column('changed_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['package_id'], ['packages.id'],
                                name=op.f('fk_package_expiry_changes_package_id_packages')),
        sa.ForeignKeyConstraint(['changed_by'], ['staff.id'],
                                name=op.f('fk_package_expiry_changes_changed_by_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_package_expiry_changes')))
    op.create_index(op.f('ix_package_expiry_changes_package_id'), 'package_expiry_changes',
                    ['package_id'], unique=False)
    _copy_expiry_changes_from_audit()


def _day(value) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _copy_expiry_changes_from_audit() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT at, staff_id, entity_id, before, after FROM audit_entries "
        "WHERE action = 'package.set_expiry' ORDER BY id")).all()
    changes = sa.table('package_expiry_changes', sa.column('package_id'),
                       sa.column('changed_on'), sa.column('changed_at'),
                       sa.column('old_expires_on'), sa.column('new_expires_on'),
                       sa.column('changed_by'))
    values = []
    for at, staff_id, package_id, before, after in rows:
        at = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        values.append({"package_id": package_id, "changed_on": at.date(), "changed_at": at,
                       "old_expires_on": _day(json.loads(before or "{}").get("expires_on")),
                       "new_expires_on": _day(json.loads(after or "{}").get("expires_on")),
                       "changed_by": staff_id})
    if values:
        op.bulk_insert(changes, values)


def downgrade() -> None:
    op.drop_index(op.f('ix_package_expiry_changes_package_id'),
                  table_name='package_expiry_changes')
    op.drop_table('package_expiry_changes')
    op.drop_table('accounts')
    op.drop_index('ix_day_closes_open', table_name='day_closes',
                  sqlite_where=sa.text('reopened_at IS NULL'),
                  postgresql_where=sa.text('reopened_at IS NULL'))
    op.drop_table('day_closes')
