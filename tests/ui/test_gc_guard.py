"""Widgets die on the GUI thread: the cycle collector never runs on the worker (gc_guard)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QComboBox, QDialog, QVBoxLayout

from app.ui import gc_guard
from app.ui.tasks import tasks_for


def abandoned_dialog(died_on: list) -> None:
    """A dialog kept alive only by a reference cycle, as dialogs holding their own
    callbacks are; `died_on` gets the thread it was freed on."""
    dialog = QDialog()
    combo = QComboBox(dialog)
    combo.addItems(["Letter", "A4"])
    QVBoxLayout(dialog).addWidget(combo)
    dialog.cycle = dialog
    marker = type("Marker", (), {})()
    dialog.marker = marker
    weakref.finalize(marker, lambda: died_on.append(threading.get_ident()))


def test_the_worker_allocating_never_frees_a_dialog_the_gui_thread_collects_it(qtbot, qapp,
                                                                               clinic):
    collector = gc_guard.install(qapp)
    assert not gc.isenabled()
    died_on: list = []
    abandoned_dialog(died_on)

    # ReportLab-like work on the worker: enough allocations to cross every threshold
    done: list = []
    tasks_for(clinic).run(lambda _clinic: [[i] for i in range(300_000)] and None, done.append)
    qtbot.waitUntil(lambda: done == [None], timeout=20000)
    assert died_on == [], "no collection ran on the worker"

    while collector.collect_due() is not None:
        pass
    gc.collect()  # whatever generation held it
    assert died_on == [threading.get_ident()]  # freed here, on the GUI thread


def test_collect_due_collects_the_oldest_generation_past_its_threshold(qapp):
    collector = gc_guard.install(qapp)
    gc.collect()
    assert collector.collect_due() is None
    junk = [[] for _ in range(collector.thresholds[0] + 10)]
    assert collector.collect_due() == 0
    del junk


def test_stopping_gives_python_its_automatic_collector_back(qapp):
    collector = gc_guard.install(qapp)
    collector.stop()
    assert gc.isenabled()
    gc_guard.install(qapp)
    assert not gc.isenabled()
