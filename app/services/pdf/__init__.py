"""PDF layout for invoices, refund receipts (R31) and the Day Close (R32); the service is
printing.py."""

from .day_close import day_close_section
from .documents import invoice_section, refund_section
from .fonts import FontSet, default_fonts
from .layout import PAPER_NAMES, PAPER_SPECS, PAPERS, Kit, Section, build
from .refund_history import package_refund_section

__all__ = ["FontSet", "Kit", "PAPERS", "PAPER_NAMES", "PAPER_SPECS", "Section", "build",
           "day_close_section", "default_fonts", "invoice_section", "package_refund_section",
           "refund_section"]
