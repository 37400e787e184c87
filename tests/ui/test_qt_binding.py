"""The Qt binding itself must not lose references: PySide6 6.12.0 dropped one reference to
None (and True) on every call that returns nothing, so a desk open all day died with
"Fatal Python error: none_dealloc". pyproject.toml keeps it below 6.12; this says why
if anyone lifts that pin."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar


class _Ticker(QObject):
    ticked = Signal(int)


def test_calls_that_return_nothing_keep_none_alive(qtbot):
    bar = QProgressBar()
    qtbot.addWidget(bar)
    bar.setRange(0, 100)
    before = sys.getrefcount(None)
    for value in range(3000):
        bar.setValue(value % 100)
    # A leaking binding loses 3,000; ordinary churn moves the count by a handful.
    assert sys.getrefcount(None) > before - 500


def test_emitting_a_signal_keeps_true_alive(qtbot):
    ticker = _Ticker()
    seen = []
    ticker.ticked.connect(seen.append)
    before = sys.getrefcount(True)
    for value in range(3000):
        ticker.ticked.emit(value)
    assert len(seen) == 3000
    assert sys.getrefcount(True) > before - 500
