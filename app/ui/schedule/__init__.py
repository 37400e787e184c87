"""The Schedule tab: one day's appointments; later issues add booking and arrival."""

from .tab import ScheduleTab

__all__ = ["ScheduleTab"]
