"""The Schedule tab: the day grid, the appointment panel, and the fields its dialogs share."""

__all__ = ["ScheduleTab"]


def __getattr__(name: str):
    # Loaded on first use: the booking and reschedule dialogs import this package's fields,
    # and the tab imports those dialogs, so an eager import here would go round in a circle.
    if name == "ScheduleTab":
        from .tab import ScheduleTab
        return ScheduleTab
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")  # i18n: not shown
