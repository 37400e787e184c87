"""Email (R46, R47): the clinic's SMTP account, the outbox, messages and reminders."""
