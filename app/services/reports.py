"""(being written)"""
from .base import Service


class ReportService(Service):
    pass
