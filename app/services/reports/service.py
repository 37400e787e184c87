"""`clinic.reports`: the four reports, one module each, behind one service."""

from __future__ import annotations

from .compensation import CompensationReport
from .outstanding import OutstandingReport
from .sales import PackageSalesReport
from .usage import PackageUsageReport


class ReportService(PackageSalesReport, PackageUsageReport, OutstandingReport,
                    CompensationReport):
    """`clinic.reports`: every method validates, reads in one transaction, returns a Report."""
