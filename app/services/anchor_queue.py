"""Moving this desk's audit anchor after a write, off the write's path (R29, issues 15, 22).

Replacing the anchor's file costs about as much as a whole hand-written write (a temporary
file, a rename over the old one, which ext4 answers by writing the new file's data out
first), and the receptionist waited for it after every sale, payment and arrival. The write
is committed before its anchor moves and the anchor only ever gives a lower bound, so
nothing needs it before the write returns: one thread moves it a moment later.

The thread moves it at most once every MOVE_EVERY seconds, and writes made meanwhile are
folded into that one move (their entries follow one another, so the anchor goes straight
to the newest): at a receptionist's pace every write still moves it, a moment later, and a
burst (ten desks' worth, a batch of invoices) pays for one rename a second, not one per
write. A thread's background rename is not free either: on ext4 it writes the new file out
at once, and a commit's fsync beside it waits for that. Whatever reads or rewrites an
anchor first has the moves asked for made at once and waits for them (`settled`), so it
never sees one behind this desk's own writes, and never has a late move undo what it does
(a restore's reset). A power cut leaves the anchor at most that second behind: a lower
bound still (audit_anchor).
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
import time
from pathlib import Path
from typing import Callable

SETTLE_SECONDS = 10.0  # at most, when the program ends or a check reads the anchor
MOVE_EVERY = 1.0  # seconds between two moves of the thread's own accord

# One lock for every read-modify-write of an anchor's file by this process: the thread's
# moves and the desk's own (verify, backups, restores).
files = threading.RLock()
_changed = threading.Condition()
_pending: dict[Path, tuple] = {}  # desk file -> (place, head): the file's next position
_reached: dict[Path, object] = {}  # desk file -> the head its last move asked for
_moving = 0
_hurry = 0  # callers of settle() waiting: the next move is made now
_last_move = 0.0
_thread: threading.Thread | None = None
_inside = threading.local()


def move_after(path: Path, db, tail: dict, *, anchored: Callable, follow: Callable,
               recount: Callable, place: Callable) -> None:
    """Have the anchor in `path` moved to the newest entry of `tail` (what a write appended,
    audit.py). Heads are the caller's (audit_anchor.Head: id, hash, count): `anchored()`
    reads the file's, `follow(head, tail)` is the next head when `tail` follows straight on
    from `head` (else None), `recount(db, head, tail)` asks the clinic for it (None: the
    anchor must stay), and `place(path, head)` writes it, on the thread, a moment later.

    A write that does not follow on (the first at this desk, or another desk's entries
    between, on a server) has its head counted at once, as the write commits: counted a
    second later, it would take an entry cut in that second as never there. Only the
    file's replacement waits for the thread, as for every other write."""
    with _changed:
        reached = _reached.get(path)
        if reached is None:
            reached = anchored()
        head = follow(reached, tail) if reached is not None else None
        if head is not None:
            _ask(path, place, head)
            return
    head = recount(db, reached, tail)  # (a query: not while holding up the other writes)
    with _changed:
        if head is None:
            _reached.pop(path, None)
        elif _ahead(head, _reached.get(path)):  # (another thread's write may be further)
            _ask(path, place, head)


def reached(path: Path, anchored: Callable):
    """The head the anchor in `path` is at, or is about to be at once the moves asked for
    are made (`anchored()` reads the file's, when none is asked for)."""
    with _changed:
        head = _reached.get(path)
    return head if head is not None else anchored()


def _ahead(head, than) -> bool:
    return than is None or head.id > than.id


def _ask(path: Path, place: Callable, head) -> None:
    global _thread
    woken = bool(_pending)  # the thread has a move waiting, and wakes for it anyway
    _pending[path] = (place, head)
    _reached[path] = head
    if _thread is None:
        _thread = threading.Thread(target=_work, name="audit-anchor", daemon=True)
        _thread.start()
    if not woken:  # (waking it at every write would hand it the GIL for nothing)
        _changed.notify_all()


def _work() -> None:
    global _moving, _last_move
    while True:
        with _changed:
            while not _pending:
                _changed.wait()
            while not _hurry and (wait := _last_move + MOVE_EVERY - time.monotonic()) > 0:
                _changed.wait(wait)
            _last_move = time.monotonic()
            batch = list(_pending.items())
            _pending.clear()
            _moving += 1
        try:
            for path, (place, head) in batch:
                try:
                    with files:
                        place(path, head)
                except Exception:  # noqa: BLE001 - a move never stops the next (see move)
                    pass
        finally:
            with _changed:
                _moving -= 1
                _changed.notify_all()


def settle(timeout: float = SETTLE_SECONDS) -> bool:
    """Make every move asked for so far, now; False if that took over `timeout`."""
    global _hurry
    with _changed:
        _hurry += 1
        _changed.notify_all()
        try:
            return _changed.wait_for(lambda: not _pending and not _moving, timeout)
        finally:
            _hurry -= 1


def settled(function: Callable) -> Callable:
    """For a function that reads or rewrites anchors: the moves first, then it, alone."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if getattr(_inside, "depth", 0):  # (called from one of these: the moves are made)
            return function(*args, **kwargs)
        settle()
        with files:
            _inside.depth = 1
            try:
                return function(*args, **kwargs)
            finally:
                _inside.depth = 0
                _reached.clear()  # (it may have moved or reset an anchor: read them again)
    return wrapper


def _forget_in_child() -> None:
    # A forked process has no such thread, nor the parent's moves to make.
    global _thread, _moving, _hurry, files, _changed
    _thread, _moving, _hurry = None, 0, 0
    _pending.clear()
    _reached.clear()
    files, _changed = threading.RLock(), threading.Condition()


if hasattr(os, "register_at_fork"):  # (POSIX only: Windows starts processes afresh)
    os.register_at_fork(after_in_child=_forget_in_child)
atexit.register(settle)
