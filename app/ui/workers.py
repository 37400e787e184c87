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


def keep_until_idle(job) -> None:
    """Hold a finished QRunnable of our own until the worker is idle.

    Its done signal reaches the GUI thread while the worker is still returning from run();
    freed then (its last Python reference dropped in the done handler) the pool touched a
    deleted runnable and the program crashed now and then. Anything handed here is let go
    only once no job is running at all."""
    if worker_pool().activeThreadCount() == 0:
        _finished.clear()
    _finished.append(job)


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
        # The job on the worker still holds the relay while it returns: let it go here, on
        # the GUI thread, once the worker is idle, never last on the worker (gc_guard.py).
        keep_until_idle(self._relay)
        self.deleteLater()  # its parent need not collect one task per click


__all__ = ["Task", "worker_pool"]
