"""One package's show page (R20). Placeholder until the full page lands."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget


class PackagePage(QDialog):
    @classmethod
    def ask(cls, clinic, package_id: int, parent: QWidget | None = None) -> bool:
        """Show the package; True if anything on it was changed."""
        return False
