"""The Patient Billing tab: find a patient; their account, purchases, packages and payments."""

from __future__ import annotations

__all__ = ["BillingTab", "PatientDialog"]


def __getattr__(name: str):
    # Loaded when first asked for, so the dialogs can use .keys without importing the tab
    # (which imports them).
    if name == "BillingTab":
        from .tab import BillingTab
        return BillingTab
    if name == "PatientDialog":
        from .patient_dialog import PatientDialog
        return PatientDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")  # i18n: not shown
