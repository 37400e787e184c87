"""The Patient Billing tab: find a patient; later issues add their account, purchases, packages."""

from .patient_dialog import PatientDialog
from .tab import BillingTab

__all__ = ["BillingTab", "PatientDialog"]
