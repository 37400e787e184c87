"""gift card expiry (R45): the clinic's "expire after N months" and each card's last day

Both columns are nullable and start empty: no expiry unless the clinic sets one, and every
card sold before this never expires (it was sold without one).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 21:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('gift_cards') as batch:
        batch.add_column(sa.Column('expires_on', sa.Date(), nullable=True))
    with op.batch_alter_table('clinic_settings') as batch:
        batch.add_column(sa.Column('gift_card_expiry_months', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('clinic_settings') as batch:
        batch.drop_column('gift_card_expiry_months')
    with op.batch_alter_table('gift_cards') as batch:
        batch.drop_column('expires_on')
