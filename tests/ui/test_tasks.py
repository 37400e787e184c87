"""The desk's one task runner (app/ui/tasks.py): one worker, jobs in order, results here."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import pytest
from PySide6.QtWidgets import QDialog

from app.services.errors import NotAllowed
from app.ui import tasks
from app.ui.tasks import tasks_for


@pytest.fixture
def manager(clinic):
    manager = tasks_for(clinic)
    yield manager
    assert manager.wait(20)


def test_one_manager_a_clinic_and_jobs_get_the_clinic(qtbot, clinic, manager):
    assert tasks_for(clinic) is manager
    got: list = []
    manager.run(lambda on: on, got.append)
    qtbot.waitUntil(lambda: got == [clinic], timeout=5000)


def test_jobs_run_in_order_one_at_a_time_off_the_gui_thread(qtbot, manager):
    here = threading.get_ident()
    lock = threading.Lock()
    seen: list = []
    at_once = {"now": 0, "most": 0}

    def job(number: int):
        def work(_clinic):
            with lock:
                at_once["now"] += 1
                at_once["most"] = max(at_once["most"], at_once["now"])
            time.sleep(0.02)
            with lock:
                at_once["now"] -= 1
            return number, threading.get_ident()
        return work

    for number in range(5):
        manager.run(job(number), seen.append)
    qtbot.waitUntil(lambda: len(seen) == 5, timeout=10_000)
    assert [number for number, _thread in seen] == [0, 1, 2, 3, 4]
    assert all(thread != here for _number, thread in seen)
    assert at_once["most"] == 1


def test_the_outcome_is_delivered_on_the_gui_thread(qtbot, manager):
    delivered_on: list = []
    manager.run(lambda _clinic: 1, lambda _result: delivered_on.append(threading.get_ident()))
    qtbot.waitUntil(lambda: bool(delivered_on), timeout=5000)
    assert delivered_on == [threading.get_ident()]


def test_a_refusal_goes_to_the_default_handler_in_its_own_words(qtbot, manager, shown):
    def refused(_clinic):
        raise NotAllowed("Only a manager can do that.")

    manager.run(refused, lambda _result: pytest.fail("not done"), title="Report not run")
    qtbot.waitUntil(lambda: bool(shown.boxes), timeout=5000)
    assert shown.boxes == [("Report not run", "Only a manager can do that.")]


def test_a_disk_problem_is_said_calmly_in_the_one_wording(qtbot, manager, shown):
    def full(_clinic):
        raise OSError(28, "No space left on device")

    manager.run(full, title="Not exported")
    qtbot.waitUntil(lambda: bool(shown.boxes), timeout=5000)
    ((title, text),) = shown.boxes
    assert title == "Not exported"
    assert text == ("The file could not be read or written (No space left on device). Check "
                    "that the folder exists, is not read-only and the disk is not full, then "
                    "try again. Nothing was changed.")


def test_anything_else_is_a_bug_for_the_crash_path(qtbot, manager, monkeypatch):
    from app.ui import crash

    handled: list = []
    monkeypatch.setattr(crash, "handle", lambda kind, error, tb: handled.append(error))

    def broken(_clinic):
        raise KeyError("bug")

    manager.run(broken)
    qtbot.waitUntil(lambda: bool(handled), timeout=5000)
    assert isinstance(handled[0], KeyError)


def test_cancel_drops_the_result(qtbot, manager):
    started, release = threading.Event(), threading.Event()
    got: list = []

    def slow(_clinic):
        started.set()
        release.wait(5)
        return "late"

    running = manager.run(slow, got.append, lambda error: got.append(error))
    assert started.wait(5)
    running.cancel()
    release.set()
    after: list = []
    manager.run(lambda _clinic: "next", after.append)
    qtbot.waitUntil(lambda: after == ["next"], timeout=5000)
    assert got == [] and not running.running


def test_changed_fires_after_a_write_and_not_after_a_read(qtbot, manager, catalog):
    changes: list = []
    manager.changed.connect(lambda: changes.append("changed"))
    read: list = []
    manager.run(lambda on: on.patients.search("Zoe"), read.append)
    qtbot.waitUntil(lambda: len(read) == 1, timeout=5000)
    assert changes == []
    wrote: list = []
    manager.run(lambda on: on.patients.add("Zoe", "Young"), wrote.append, write=True)
    qtbot.waitUntil(lambda: changes == ["changed"], timeout=5000)
    assert len(wrote) == 1
    manager.wrote()  # the GUI's own quick write
    assert changes == ["changed", "changed"]


def test_a_refused_write_changes_nothing_and_fires_nothing(qtbot, manager, shown):
    changes: list = []
    manager.changed.connect(lambda: changes.append("changed"))

    def refused(_clinic):
        raise NotAllowed("No.")

    manager.run(refused, write=True)
    qtbot.waitUntil(lambda: bool(shown.boxes), timeout=5000)
    assert changes == []


def test_nothing_a_job_held_is_let_go_on_the_worker(qtbot, manager):
    """A dialog only the job (and its callback) keeps alive dies on the GUI thread."""
    died_on: list = []
    here = threading.get_ident()

    def start() -> None:
        dialog = QDialog()
        marker = type("Marker", (), {})()
        dialog.marker = marker
        weakref.finalize(marker, lambda: died_on.append(threading.get_ident()))
        manager.run(lambda _clinic: dialog.objectName() and None,
                    lambda _result: dialog.objectName())

    start()
    assert manager.wait(5)
    time.sleep(0.05)  # the worker has returned and let go of its frame
    assert died_on == [], "the GUI thread still holds the job until its outcome arrives"
    qtbot.waitUntil(lambda: bool(died_on), timeout=5000)
    gc.collect()
    assert died_on == [here]


def test_close_drops_what_is_still_to_come_and_waits(qtbot, clinic, manager):
    got: list = []
    manager.run(lambda _clinic: time.sleep(0.05) or "late", got.append)
    manager.close()
    assert tasks.worker_idle(5)
    qtbot.wait(50)
    assert got == []


def test_nothing_starts_after_close(qtbot, clinic, manager):
    """A timer of a closing window (the mail sender's next round) must not read the clinic
    after the desk closed it, nor answer into widgets already gone (a bug report at exit)."""
    ran: list = []
    manager.close()
    late = manager.run(lambda _clinic: ran.append("ran"), ran.append, ran.append)
    assert tasks.worker_idle(5)
    qtbot.wait(50)
    assert ran == [] and late.cancelled and not late.running


def test_progress_reaches_the_gui_thread_and_the_last_report_is_kept(qtbot, manager):
    reports: list = []
    done: list = []

    def counting(_clinic, report):
        for n in range(1, 101):
            report((n, 100))
        return "counted"

    manager.run(counting, done.append,
                progress=lambda value: reports.append((value, threading.get_ident())))
    qtbot.waitUntil(lambda: done == ["counted"], timeout=5000)
    qtbot.waitUntil(lambda: bool(reports) and reports[-1][0] == (100, 100), timeout=5000)
    assert {thread for _value, thread in reports} == {threading.get_ident()}
    assert len(reports) <= 100  # reports that pile up are folded into the newest


def test_the_main_window_refreshes_once_after_a_write(qtbot, clinic, catalog, manager):
    from app.ui.main_window import MainWindow

    window = MainWindow(clinic)
    qtbot.addWidget(window)
    window.show()
    window.start_live_refresh()
    window.live_refresh.stop()
    window.tabs.setCurrentWidget(window.billing)
    before = window.billing.model.rowCount()
    refreshed: list = []
    real = window.refresh_all
    window.refresh_all = lambda: refreshed.append(1) or real()
    manager.run(lambda on: on.patients.add("Zoe", "Young"), write=True)
    qtbot.waitUntil(lambda: window.billing.model.rowCount() == before + 1, timeout=5000)
    window.live_refresh.poll()  # the write moved the change marker: already shown
    assert refreshed == [1] and window.live_refresh.refreshes == 0
