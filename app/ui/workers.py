"""Slow work off the GUI thread (ARCHITECTURE 4, after anki's taskman): one worker thread,
jobs run one after the other, results come back by signal on the GUI thread.

A `Task` is the GUI side of one job. The job itself is a plain function run on the worker;
it must not touch a widget. Cancelling a task only discards its result: the service call
already running finishes on the worker (a read has nothing to undo), and anything started
after it waits its turn.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot

_pool: QThreadPool | None = None


def worker_pool() -> QThreadPool:
    """The one worker thread: reports and exports run one after the other."""
    global _pool
    if _pool is None:
        _pool = QThreadPool(QCoreApplication.instance())
        _pool.setMaxThreadCount(1)
    return _pool


_finished: list = []


def _keep_until_idle(thing) -> None:
    """Hold a Qt object a job uses until the worker is idle, so that its last reference is
    dropped on the GUI thread, never on the worker while the job returns. Anything handed
    here is let go only once no job is running at all."""
    if worker_pool().activeThreadCount() == 0:
        _finished.clear()
    _finished.append(thing)


class _Relay(QObject):
    """Carries the outcome from the worker thread. Parentless and held by the running job,
    so it outlives a task deleted mid-job (the job then reports to no one)."""

    done = Signal(object)
    failed = Signal(object)


class Task(QObject):
    """`Task(work, parent).start()`; then exactly one of `finished(result)` or
    `failed(exception)` on the GUI thread, unless `cancel()` was called first."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[], object], parent: QObject | None = None):
        super().__init__(parent)
        self._work = work
        self._relay = _Relay()
        # Bound slots of this GUI-thread object: Qt queues the worker's emits to this thread.
        self._relay.done.connect(self._done)
        self._relay.failed.connect(self._failed)
        self.running = False
        self.cancelled = False

    def start(self) -> "Task":
        relay, work = self._relay, self._work

        def run() -> None:
            try:
                result = work()
            except Exception as error:  # noqa: BLE001 - the GUI thread decides what it means
                relay.failed.emit(error)
            else:
                relay.done.emit(result)

        self.running = True
        # The job holds the relay and the work (and whatever the work captured) until it has
        # returned on the worker, after its signal has reached this thread. They are let go
        # here, once the worker is idle, so no Qt object they hold is ever destroyed on the
        # worker, even when this task is deleted mid-job (app/ui/gc_guard.py says why).
        _keep_until_idle((relay, work))
        worker_pool().start(run)
        return self

    def cancel(self) -> None:
        """Forget the job: its result, when it comes, is dropped."""
        self.cancelled = True

    @Slot(object)
    def _done(self, result: object) -> None:
        self._over()
        if not self.cancelled:
            self.finished.emit(result)

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        self._over()
        if not self.cancelled:
            self.failed.emit(error)

    def _over(self) -> None:
        self.running = False
        # Out of its parent's children (which need not collect one task per click), and let
        # go here on the GUI thread once the worker is idle. Deleted now, or later with its
        # parent, it would free the callbacks connected to it; one that held the last
        # reference to the parent (a dialog's lambda) deleted the parent from inside this
        # task's destructor, which deleted the task again: the print dialog's abort
        # ("shared QObject was deleted directly").
        self.setParent(None)
        _keep_until_idle(self)


__all__ = ["Task", "worker_pool"]
