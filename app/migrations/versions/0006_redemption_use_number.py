"""redemption use numbers: each live use's place in its package, stored (R3)

"Use n of N" used to be counted for every row of a report (a short range of
ix_redemptions_live per use); a year of package usage at a busy clinic is 50,000 such counts,
a third of the report's time. The number is now kept on the redemption by the service that
redeems and voids uses, and this revision fills it in for the uses already there: live uses
are numbered 1, 2, ... by date then id within their package; voided uses have none.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 17:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


# as app.models.base.Int: 64-bit on PostgreSQL, INTEGER on SQLite
INT = sa.Integer().with_variant(sa.BigInteger(), 'postgresql')


def upgrade() -> None:
    op.add_column('redemptions', sa.Column('use_number', INT, nullable=True))
    # A correlated count rather than a window function: the same statement on every engine
    # and SQLite version the desk may run (row values need SQLite 3.15; UPDATE FROM 3.33).
    op.execute("""
        UPDATE redemptions SET use_number = (
            SELECT count(*) FROM redemptions b
            WHERE b.package_id = redemptions.package_id AND b.voided_at IS NULL
              AND (b.redeemed_on, b.id) <= (redemptions.redeemed_on, redemptions.id))
        WHERE voided_at IS NULL""")


def downgrade() -> None:
    with op.batch_alter_table('redemptions', schema=None) as batch_op:
        batch_op.drop_column('use_number')
