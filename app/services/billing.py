"""(being written)"""
from .base import Service


class BillingService(Service):
    pass
