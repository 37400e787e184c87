"""email outbox (R46, R47): the clinic's SMTP account, the outbox, reminders' consent

The SMTP password is never stored here (it is in the desk's credential store). Reminders
start off for the clinic and for every patient: nobody agreed to them before this.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table): patients is referenced by most tables.
    for name, kind, default in (
            ('smtp_host', sa.String(200), ''), ('smtp_port', sa.Integer(), '587'),
            ('smtp_security', sa.String(10), 'starttls'), ('smtp_user', sa.String(200), ''),
            ('sender_name', sa.String(200), ''), ('sender_email', sa.String(200), ''),
            ('reminders_enabled', sa.Boolean(), sa.false()),
            ('reminder_days_before_expiry', sa.Integer(), '30')):
        op.add_column('clinic_settings', sa.Column(name, kind, nullable=False,
                                                   server_default=default))
    op.add_column('patients', sa.Column('email_reminders', sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    op.add_column('patients', sa.Column('email_reminders_since', sa.Date(), nullable=True))
    op.add_column('patients', sa.Column('language', sa.String(10), nullable=True))
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(30), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('patient_id', sa.Integer(), nullable=True),
        sa.Column('to_address', sa.String(200), nullable=False),
        sa.Column('to_name', sa.String(200), nullable=False),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('message_id_header', sa.String(250), nullable=False),
        sa.Column('raw', sa.LargeBinary(), nullable=False),
        sa.Column('state', sa.String(10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('claimed_by', sa.String(100), nullable=True),
        sa.Column('queued_at', sa.DateTime(), nullable=False),
        sa.Column('queued_by', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('reminder_key', sa.String(100), nullable=True),
        sa.Column('resent_from_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'],
                                name='fk_outbox_messages_patient_id_patients'),
        sa.ForeignKeyConstraint(['queued_by'], ['staff.id'],
                                name='fk_outbox_messages_queued_by_staff'),
        sa.ForeignKeyConstraint(['resent_from_id'], ['outbox_messages.id'],
                                name='fk_outbox_messages_resent_from_id_outbox_messages'),
        sa.PrimaryKeyConstraint('id', name='pk_outbox_messages'),
        sa.UniqueConstraint('message_id_header', name='uq_outbox_messages_message_id_header'),
        sa.UniqueConstraint('reminder_key', name='uq_outbox_messages_reminder_key'),
    )
    op.create_index('ix_outbox_messages_due', 'outbox_messages', ['state', 'next_attempt_at'])
    op.create_index('ix_outbox_messages_document', 'outbox_messages', ['kind', 'document_id'])
    op.create_index('ix_outbox_messages_patient', 'outbox_messages', ['patient_id'])


def downgrade() -> None:
    op.drop_table('outbox_messages')
    for column in ('language', 'email_reminders_since', 'email_reminders'):
        op.drop_column('patients', column)
    for column in ('reminder_days_before_expiry', 'reminders_enabled', 'sender_email',
                   'sender_name', 'smtp_user', 'smtp_security', 'smtp_port', 'smtp_host'):
        op.drop_column('clinic_settings', column)
