"""(being written)"""
from .base import Service


class PrintingService(Service):
    pass
