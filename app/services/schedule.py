"""(being written)"""
from .base import Service


class ScheduleService(Service):
    pass
