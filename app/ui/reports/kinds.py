"""The four reports as the desk knows them: which filters each takes, what its rows are
called, and the chart that helps read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from app.services.reports import Report

from ..formats import Formats
from ..models.reports import count_text
from .chart import Bar


@dataclass(frozen=True)
class ReportKind:
    code: str  # the ReportService method
    label: str  # in the report chooser
    dated: bool  # a period (start..end); else one "on" date
    by_template: bool  # takes a package template
    staff_label: str | None  # takes a staff member: what they are in this report
    words: tuple[tuple[str, str], ...]  # per section: one row, many rows
    grand: tuple[str, ...]  # per section: the grand total's label
    chart: Callable[[Report, Formats], tuple[str, list[Bar]]] | None = None

    def words_for(self, index: int) -> tuple[str, str]:
        return self.words[min(index, len(self.words) - 1)]

    def grand_for(self, index: int) -> str:
        return self.grand[min(index, len(self.grand) - 1)]


def _collected(report: Report, f: Formats) -> tuple[str, list[Bar]]:
    return "Collected per package", [
        Bar(g.label, g.totals["collected"], f.money(g.totals["collected"]))
        for g in report.sections[0].groups]


def _uses(report: Report, f: Formats) -> tuple[str, list[Bar]]:
    return "Uses per package", [Bar(g.label, g.count, count_text(g.count, f))
                                for g in report.sections[0].groups]


def _unredeemed(report: Report, f: Formats) -> tuple[str, list[Bar]]:
    return "Unredeemed value per package", [
        Bar(g.label, g.totals["unredeemed_value"], f.money(g.totals["unredeemed_value"]))
        for g in report.sections[0].groups]


KINDS = (
    ReportKind("package_sales", "Package Sales", True, True, "St&aff:",
               (("sale", "sales"),), ("All packages",), _collected),
    ReportKind("package_usage", "Package Usage", True, True, "Pr&actitioner:",
               (("use", "uses"),), ("All packages",), _uses),
    ReportKind("outstanding", "Outstanding Packages (liability)", False, True, None,
               (("package", "packages"),), ("All packages",), _unredeemed),
    ReportKind("compensation", "Staff Compensation", True, False, "St&aff member:",
               (("staff member", "staff members"), ("use", "uses")),
               ("All staff", "All double-compensated uses")),
)
BY_CODE = {kind.code: kind for kind in KINDS}
