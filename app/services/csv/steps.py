"""What a long CSV job shares with the screen that started it: progress and cancelling."""

from __future__ import annotations

from typing import Callable

Progress = Callable[[int, int], None]   # (done, total)
Cancelled = Callable[[], bool]


class Stop(Exception):
    """The desk cancelled: unwinds the transaction (or the temporary file) so nothing is kept."""
