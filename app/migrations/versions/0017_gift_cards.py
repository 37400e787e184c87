"""gift cards (R45): the cards, every move of their value, the walk-in buyer

New tables only; no existing row is touched. payments.method gains the code "gift_card"
and invoice_lines.kind the code "gift_card" (their String columns already fit them).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 21:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

INT = sa.Integer().with_variant(sa.BigInteger(), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'gift_cards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=True),
        sa.Column('sold_at', sa.DateTime(), nullable=False),
        sa.Column('sold_by', sa.Integer(), nullable=True),
        sa.Column('balance', INT, nullable=False),
        sa.CheckConstraint('balance >= 0', name=op.f('ck_gift_cards_balance_not_negative')),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_gift_cards_patient_id_patients')),
        sa.ForeignKeyConstraint(['sold_by'], ['staff.id'],
                                name=op.f('fk_gift_cards_sold_by_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_cards')),
        sa.UniqueConstraint('code', name=op.f('uq_gift_cards_code')))
    op.create_table(
        'gift_card_moves',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('card_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('amount', INT, nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('invoice_id', sa.Integer(), nullable=True),
        sa.Column('payment_id', sa.Integer(), nullable=True),
        sa.Column('payment_refund_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['card_id'], ['gift_cards.id'],
                                name=op.f('fk_gift_card_moves_card_id_gift_cards')),
        sa.ForeignKeyConstraint(['created_by'], ['staff.id'],
                                name=op.f('fk_gift_card_moves_created_by_staff')),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'],
                                name=op.f('fk_gift_card_moves_invoice_id_invoices')),
        sa.ForeignKeyConstraint(['payment_id'], ['payments.id'],
                                name=op.f('fk_gift_card_moves_payment_id_payments')),
        sa.ForeignKeyConstraint(['payment_refund_id'], ['payment_refunds.id'],
                                name=op.f('fk_gift_card_moves_payment_refund_id_payment_refunds')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_card_moves')))
    op.create_index('ix_gift_card_moves_card', 'gift_card_moves', ['card_id', 'id'])
    op.create_index('ix_gift_card_moves_invoice', 'gift_card_moves', ['invoice_id'])
    op.create_index('ix_gift_card_moves_payment', 'gift_card_moves', ['payment_id'])
    op.create_index('ix_gift_card_moves_at', 'gift_card_moves', ['at'])
    op.create_table(
        'gift_card_buyer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name=op.f('fk_gift_card_buyer_patient_id_patients')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_card_buyer')))


def downgrade() -> None:
    op.drop_table('gift_card_buyer')
    for name in ('ix_gift_card_moves_at', 'ix_gift_card_moves_payment', 'ix_gift_card_moves_invoice',
                 'ix_gift_card_moves_card'):
        op.drop_index(name, table_name='gift_card_moves')
    op.drop_table('gift_card_moves')
    op.drop_table('gift_cards')
