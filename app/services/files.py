"""Writing a file so that a reader finds the old one or the new one, never half of either.

The one writer for every file the desk saves (PDFs, CSV and report exports, the audit
anchors): the content goes to a temporary file beside the target, is flushed to the disk,
takes the permissions of the file it replaces, and is moved over it in one rename. A write
that fails or is cancelled (any exception, raised by `write` or by the disk) leaves the
target as it was and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Callable


def atomic_write(target: str | os.PathLike, write: Callable[[Path], None], *,
                 durable: bool = True) -> Path:
    """Call `write(temporary_path)` to fill a new file, then put it in `target`'s place.

    The folder must exist: whether to make one is the caller's choice (file_targets
    refuses or creates it in words the desk understands). `durable=False` skips the
    fsyncs, for a file that is cheap to write again and is written often.
    """
    target = Path(target)
    if not target.parent.is_dir():
        raise FileNotFoundError(  # i18n: not shown (callers check the folder first, in words)
            f"no folder {target.parent} to write {target.name} in")
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    temporary = Path(name)
    try:
        write(temporary)
        if durable:
            _sync(temporary)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, target.stat().st_mode & 0o777)  # keep the replaced file's
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if durable:
        sync_folder(target.parent)
    return target


def atomic_write_bytes(target: str | os.PathLike, data: bytes, *, durable: bool = True) -> Path:
    """`atomic_write` of bytes already in memory (a PDF, a JSON document)."""
    return atomic_write(target, lambda path: path.write_bytes(data), durable=durable)


def _sync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open a folder, and NTFS
    journals the rename."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
