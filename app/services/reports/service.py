"""`clinic.reports`: the reports, one module each, behind one service."""

from __future__ import annotations

from .compensation import CompensationReport
from .day_close import DayCloseReport
from .liability import PackageLiabilityReport
from .outstanding import OutstandingReport
from .revenue import RevenueReport
from .sales import PackageSalesReport
from .sales_tax import SalesTaxReport
from .usage import PackageUsageReport


class ReportService(PackageSalesReport, PackageUsageReport, OutstandingReport,
                    CompensationReport, PackageLiabilityReport, RevenueReport, SalesTaxReport,
                    DayCloseReport):
    """`clinic.reports`: every method validates, reads in one transaction, returns a Report."""
