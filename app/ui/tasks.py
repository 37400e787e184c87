"""The desk's one task runner (ARCHITECTURE 4; shaped after anki's taskman): slow service calls
run on one worker thread, one after the other, and their outcome comes back on the GUI thread.

    tasks_for(clinic).run(lambda clinic: clinic.patients.search(text), show)

A job is a plain function of the `Clinic`: it touches no widget and returns plain data. Its
failure goes to `explain_failure` unless the caller handles it: one wording for the whole
desk. Cancelling a job drops its result; the service call already running finishes on the
worker (a read has nothing to undo) and anything started after it waits its turn. After every
job marked as a write, `changed` tells the views to show what it wrote.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from app.i18n import _
from app.services.errors import ClinicError

from . import msgbox

Job = Callable[..., Any]


def explain_failure(parent: QWidget | None, error: BaseException,
                    title: str | None = None) -> None:
    """The one way a failed job is explained: a refusal by its own sentence, the disk in calm
    words (nothing was changed), anything else as a bug the desk can report."""
    if isinstance(error, ClinicError):
        msgbox.refusal(parent, error, title)
    elif isinstance(error, OSError):
        msgbox.show(parent, title or _("Not saved"), _(
            "The file could not be read or written ({reason}). Check that the folder exists, "
            "is not read-only and the disk is not full, then try again. Nothing was changed.")
            .format(reason=error.strerror or str(error)), icon=msgbox.Icon.Warning)
    else:
        from . import crash  # (crash imports the dialogs, which import this module)
        crash.handle(type(error), error, error.__traceback__)


@dataclass(eq=False)
class Running:
    """The GUI side of one job: `cancel()` it, or ask whether it is still `running`."""

    job: Job | None
    on_done: Callable[[Any], None] | None
    on_failed: Callable[[BaseException], None] | None
    progress: Callable[[Any], None] | None
    write: bool
    running: bool = True
    cancelled: bool = False
    outcome: tuple[bool, Any] | None = field(default=None, repr=False)
    reported: Any = None
    report_pending: bool = False

    def cancel(self) -> None:
        """Forget the job: its result (or failure), when it comes, is dropped."""
        self.cancelled = True


class _Relay(QObject):
    """Lives on the GUI thread for the whole run: the worker's signals queue to it."""

    arrived = Signal(int)
    reported = Signal(int)


class TaskManager(QObject):
    """One clinic's jobs, on the desk's one worker thread (`tasks_for(clinic)`)."""

    #: A write finished: whatever the views show may have changed.
    changed = Signal()

    def __init__(self, clinic, parent: QObject | None = None):
        super().__init__(parent if parent is not None else QCoreApplication.instance())
        # Weakly: the managers outlive their clinics (tests open one a test), and a clinic
        # must close, and go, when its window does.
        self._clinic = weakref.ref(clinic)
        self._jobs: dict[int, Running] = {}
        self._futures: set[Future] = set()
        self._closed = False
        relay = _relay()
        relay.arrived.connect(self._arrived)
        relay.reported.connect(self._reported)

    def run(self, job: Job, on_done: Callable[[Any], None] | None = None,
            on_failed: Callable[[BaseException], None] | None = None, *,
            parent: QWidget | None = None, title: str | None = None,
            progress: Callable[[Any], None] | None = None, write: bool = False) -> Running:
        """Queue `job(clinic)` (or `job(clinic, report)` with `progress`, `report(value)`
        reaching `progress(value)` here); then `on_done(result)` or, on failure, `on_failed`
        (by default `explain_failure` over `parent` with `title`)."""
        if on_failed is None:
            on_failed = lambda error: explain_failure(  # noqa: E731
                parent if parent is not None else QApplication.activeWindow(), error, title)
        running = Running(job, on_done, on_failed, progress, write)
        if self._closed:  # the desk is closing: a timer's late round never starts
            running.running, running.cancelled, running.job = False, True, None
            return running
        number = next(_numbers)
        with _lock:
            self._jobs[number] = running
        future = _executor().submit(self._work, number)
        with _lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)
        return running

    def _forget(self, future: Future) -> None:  # on the worker, or here if already done
        with _lock:
            self._futures.discard(future)

    def wrote(self) -> None:
        """The GUI wrote something itself (a quick write on its own thread): refresh."""
        self.changed.emit()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until this clinic's jobs have run on the worker (their results are then on
        their way to this thread's event queue); False if `timeout_s` ran out first."""
        with _lock:
            futures = list(self._futures)
        _done, pending = wait_for(futures, timeout=timeout_s)
        return not pending

    def close(self) -> None:
        """The desk is closing: drop every result still to come and wait for the worker, so
        that nothing still reads the clinic when it is closed. Nothing new starts after."""
        self._closed = True
        for running in list(self._jobs.values()):
            running.cancel()
        self.wait()

    # on the worker ----------------------------------------------------------------------

    def _work(self, number: int) -> None:
        with _lock:
            running = self._jobs[number]
            job, wants_reports = running.job, running.progress is not None
        clinic = self._clinic()
        try:
            if wants_reports:
                outcome = (True, job(clinic, lambda value: self._report(number, value)))
            else:
                outcome = (True, job(clinic))
        except Exception as error:  # noqa: BLE001 - the GUI thread decides what it means
            outcome = (False, error)
        with _lock:
            running.outcome = outcome
        # The job, what it captured and its result are let go on the GUI thread only, by
        # _arrived: a Qt object freed here (a dialog a lambda kept alive, destroyed when its
        # last reference went) would be destroyed on the worker, its timers left registered
        # with the GUI thread, the next one firing into freed memory. Python's cycle collector
        # is kept to the GUI thread for the same reason (app/ui/gc_guard.py).
        del running, job, outcome, clinic
        _relay().arrived.emit(number)

    def _report(self, number: int, value: Any) -> None:
        with _lock:
            running = self._jobs.get(number)
            if running is None:
                return
            running.reported = value
            pending, running.report_pending = running.report_pending, True
        if not pending:  # one queued signal at a time, however often the job reports
            _relay().reported.emit(number)

    # on the GUI thread --------------------------------------------------------------------

    @Slot(int)
    def _reported(self, number: int) -> None:
        with _lock:
            running = self._jobs.get(number)
            if running is None:
                return
            value, running.report_pending = running.reported, False
        if not running.cancelled and running.progress is not None:
            running.progress(value)

    @Slot(int)
    def _arrived(self, number: int) -> None:
        with _lock:
            running = self._jobs.pop(number, None)
        if running is None:
            return  # another clinic's job (one relay serves every manager)
        succeeded, value = running.outcome
        running.running, running.job, running.outcome = False, None, None
        if not running.cancelled:
            callback = running.on_done if succeeded else running.on_failed
            if callback is not None:
                callback(value)
        if succeeded and running.write:
            self.changed.emit()


# the one worker thread and the one relay, for the whole program ------------------------------

_lock = threading.Lock()
_numbers = itertools.count(1)
_pool: ThreadPoolExecutor | None = None
_the_relay: _Relay | None = None
_managers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clinicdesk-worker")
    return _pool


def _relay() -> _Relay:
    global _the_relay
    if _the_relay is None:
        _the_relay = _Relay(QCoreApplication.instance())
    return _the_relay


def tasks_for(clinic) -> TaskManager:
    """The clinic's task manager, made on first use (on the GUI thread)."""
    manager = _managers.get(clinic)
    if manager is None:
        manager = _managers[clinic] = TaskManager(clinic)
    return manager


def worker_idle(timeout_s: float | None = None) -> bool:
    """Every job of every clinic has run (tests: no job outlives its clinic)."""
    return all(manager.wait(timeout_s) for manager in list(_managers.values()))


__all__ = ["Running", "TaskManager", "explain_failure", "tasks_for", "worker_idle"]
