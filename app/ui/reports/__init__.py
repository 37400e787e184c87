"""Packages › Reports: package sales, usage, outstanding liability and staff compensation."""

from .view import ReportsView

__all__ = ["ReportsView"]
