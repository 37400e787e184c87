"""SQLAlchemy models: data only, no business rules, no Qt."""

from .appointments import Appointment
from .audit import AuditEntry
from .base import Base
from .books import Account, DayClose
from .billing import Invoice, InvoiceLine, Payment, PaymentApplication, PaymentRefund
from .catalog import EligibleItem, PackageTemplate, TreatmentType
from .freezes import PackageFreeze
from .gift_cards import GiftCard, GiftCardBuyer, GiftCardMove
from .memberships import (Membership, MembershipCoverage, MembershipPause,
                          MembershipPeriod, MembershipPlan, MembershipPlanItem, MembershipUse)
from .households import Household, HouseholdMember, PackageShare
from .packages import (Package, PackageCoverage, PackageExpiryChange, PackageRefund,
                       Redemption)
from .outbox import OutboxMessage
from .package_transfers import PackageTransfer
from .patients import Patient
from .settings import ClinicSettings, NoShowFee
from .staff import Staff

__all__ = [
    "Account", "Appointment", "AuditEntry", "Base", "ClinicSettings", "DayClose",
    "EligibleItem", "Invoice",
    "InvoiceLine", "NoShowFee", "Package", "PackageCoverage", "PackageExpiryChange",
    "PackageFreeze", "PackageRefund", "PackageTransfer",
    "PackageTemplate", "Patient", "Payment", "PaymentApplication", "PaymentRefund",
    "Redemption", "Staff", "TreatmentType",
    "Household", "HouseholdMember", "PackageShare",
    "GiftCard", "GiftCardBuyer", "GiftCardMove", "OutboxMessage",
    "Membership", "MembershipCoverage", "MembershipPause", "MembershipPeriod",
    "MembershipPlan", "MembershipPlanItem", "MembershipUse",
]
