"""Python's cyclic garbage collector, run only on the GUI thread, between events.

Left automatic, the collector runs on whichever thread's allocation crosses its threshold.
Caught in the UI suite under gdb: ReportLab, writing a receipt on the worker thread, set off
a collection there; it freed an earlier dialog kept alive only by a reference cycle (the
dialog and the lambdas connected to its buttons), so Qt destroyed the dialog's widgets on
the worker ("QBasicTimer::stop: Failed. Possibly trying to stop from a different thread"),
their timers stayed registered with the GUI thread, and the next one to fire reached freed
memory: a segfault in QApplication::notify. Widgets must die on the GUI thread, so automatic
collection is off while the desk runs, and a timer on the GUI thread runs the same
generational collection from the top of the event loop (the pattern calibre uses).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GarbageCollector(QObject):
    """While started, cycles are collected only by `collect_due()` on the GUI thread."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Back to Python's automatic collection (for code that runs without Qt after)."""
        self._timer.stop()
        gc.enable()

    def collect_due(self) -> int | None:
        """Collect the oldest generation past its threshold, as the automatic collector
        would have by now; the generation collected, or None if none was due."""
        counts = gc.get_count()
        due = [g for g in (2, 1, 0) if counts[g] > self.thresholds[g]]
        if not due:
            return None
        gc.collect(due[0])
        return due[0]


_collector: GarbageCollector | None = None


def install(app: QObject) -> GarbageCollector:
    """Start the application's one collector (made on first call, living as long as `app`)."""
    global _collector
    if _collector is None:
        _collector = GarbageCollector(app)
    _collector.start()
    return _collector
