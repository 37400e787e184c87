"""The backups a clinic made before it was encrypted, encrypted in their turn (issue 23):
otherwise the folder beside the encrypted file would still hand every patient's record to
whoever copies it.

Each backup is copied under the clinic's key to a file beside it, put on the disk, and
renamed over the plain one; the plain bytes are then overwritten. At every moment the
backup's name holds a whole backup, plain or encrypted; a kill leaves at most a `.wiping`
name (the old bytes, to be overwritten at the next pass) or an `.encrypting` copy (dropped).
"""

from __future__ import annotations

import os
from pathlib import Path

from . import clinic_key, sqlite_files


def plain_backups(clinic_path: Path) -> list[Path]:
    """The clinic's unencrypted backups: its backups folder, and the copies taken before a
    schema migration beside the file."""
    clinic_path = Path(clinic_path)
    found = sorted((clinic_path.parent / "backups").glob("*.db"))
    found += sorted(clinic_path.parent.glob(f"{clinic_path.stem}.before-*"))
    return [p for p in found if p.is_file() and _is_plain_sqlite(p)]


def _is_plain_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(len(clinic_key.PLAIN_HEADER)) == clinic_key.PLAIN_HEADER
    except OSError:
        return False


def encrypt_backups(clinic_path: Path, key: str, wipe, progress=None) -> list[Path]:
    """Encrypt every plain backup of the clinic at `clinic_path` under `key`; `wipe(path)`
    overwrites and removes a file. Returns the backups encrypted."""
    clinic_path = Path(clinic_path)
    for leftover in [*clinic_path.parent.glob("backups/*.wiping"),
                     *clinic_path.parent.glob("*.wiping")]:
        wipe(leftover)
    for leftover in [*clinic_path.parent.glob("backups/*.db.encrypting"),
                     *clinic_path.parent.glob(f"{clinic_path.stem}.before-*.encrypting")]:
        sqlite_files.drop(leftover)
    done = []
    todo = plain_backups(clinic_path)
    for index, backup in enumerate(todo):
        copy = backup.with_name(backup.name + ".encrypting")
        sqlite_files.drop(copy)
        sqlite_files.copy(backup, copy, source_key=None, key=key)
        sqlite_files.sync(copy)
        stat = backup.stat()
        os.chmod(copy, 0o600)
        os.utime(copy, (stat.st_atime, stat.st_mtime))  # (the list shows when it was taken)
        old = backup.with_name(backup.name + ".wiping")
        try:
            os.link(backup, old)  # the old bytes keep a name until they are overwritten
        except OSError:
            old = None  # (no hard links here: the rename below drops them unwiped)
        os.replace(copy, backup)
        if old is not None:
            wipe(old)
        done.append(backup)
        if progress is not None:
            progress(index + 1, len(todo))
    return done
