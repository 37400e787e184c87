"""The Patient Billing tab: find a patient; their account, purchases, packages and payments."""

from .patient_dialog import PatientDialog
from .tab import BillingTab

__all__ = ["BillingTab", "PatientDialog"]
