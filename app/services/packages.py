"""(being written)"""
from .base import Service


class PackageService(Service):
    pass
