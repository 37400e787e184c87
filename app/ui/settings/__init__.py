"""File > Settings…: clinic details and the lists the clinic maintains."""

from .dialog import SettingsDialog

__all__ = ["SettingsDialog"]
