"""What a case may have changed: every table's rows (hashed per table), the clinic file's
soundness, and every file of the case's folder (and the home folder the run gives the desk)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

#: SQLite's shared-memory index changes on every read: never compared.
_VOLATILE = ("-shm",)


@dataclass(frozen=True)
class Dump:
    tables: dict[str, tuple[int, str]]  # table -> (row count, hash of all rows)
    problem: str | None                 # why the file is not a sound clinic, or None
    files: dict[str, str]               # path relative to the folder -> hash of its bytes

    def changed_tables(self, after: Dump) -> dict[str, str]:
        """table -> "3 -> 4 rows" (or "rows changed") for each table that differs."""
        out = {}
        for name in sorted(set(self.tables) | set(after.tables)):
            old, new = self.tables.get(name), after.tables.get(name)
            if old == new:
                continue
            if old is None or new is None:
                out[name] = "appeared" if old is None else "vanished"
            elif old[0] != new[0]:
                out[name] = f"{old[0]} -> {new[0]} rows"
            else:
                out[name] = "rows changed"
        return out

    def changed_files(self, after: Dump, *, ignore: set[str] = frozenset()) -> dict[str, str]:
        out = {}
        for name in sorted(set(self.files) | set(after.files)):
            if name in ignore or self.files.get(name) == after.files.get(name):
                continue
            out[name] = ("new" if name not in self.files else
                         "gone" if name not in after.files else "changed")
        return out


def tables(db: Path, check: bool = True) -> tuple[dict[str, tuple[int, str]], str | None]:
    """Every table's rows, hashed; and what is wrong with the file, if anything (with
    `check`, PRAGMA integrity_check's word too)."""
    if not db.is_file():
        return {}, "the clinic file is gone"
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            check = [r[0] for r in conn.execute("PRAGMA integrity_check")] if check else ["ok"]
            names = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            if "alembic_version" not in names or "staff" not in names:
                return {}, "no longer a clinic (its tables are gone)"
            out = {}
            for name in names:
                digest = hashlib.blake2b(digest_size=12)
                count = 0
                for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid'):
                    digest.update(repr(row).encode("utf-8", "surrogatepass"))
                    count += 1
                out[name] = (count, digest.hexdigest())
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return {}, f"{type(error).__name__}: {error}"
    return out, (None if check == ["ok"] else "; ".join(check[:3]))


def files(root: Path) -> dict[str, str]:
    """Every file under `root` (symlinks as their link text), hashed, by relative path."""
    out = {}
    for parent, dirs, names in os.walk(root):
        for name in dirs + names:
            path = Path(parent) / name
            key = str(path.relative_to(root))
            if name.endswith(_VOLATILE):
                continue
            if path.is_symlink():
                out[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                out[key + "/"] = "folder"
            else:
                try:
                    out[key] = _signature(path)
                except OSError as error:
                    out[key] = f"unreadable: {error.strerror}"
    return out


def _signature(path: Path) -> str:
    """Small files by their bytes; large ones (the clinic file, backups) by size, time and
    inode: any write changes one of them, and hashing them twice a case doubles its time."""
    info = path.stat()
    if info.st_size > 65536:
        return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}"
    return hashlib.blake2b(path.read_bytes(), digest_size=12).hexdigest()


def take(db: Path, folder: Path, check: bool = True) -> Dump:
    """Files first: reading the tables must not be what a file comparison sees."""
    seen = files(folder)
    found, problem = tables(db, check)
    return Dump(found, problem, seen)
