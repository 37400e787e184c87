"""Dialogs that belong to no one tab."""
