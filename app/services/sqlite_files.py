"""Connections to clinic files outside the engine, plain or encrypted (issue 23): the
integrity check, a backup's look inside, and copies between files.

A plain file opens with Python's sqlite3; an encrypted one with SQLCipher (`sqlcipher3`,
the maintained binding with wheels for Windows and Linux), whose key must be the first thing
said on the connection. Copies go through SQLite's backup API when both files share a key
(plain to plain, or under one clinic's key), and through SQLCipher's export otherwise (a
plain clinic being encrypted, a backup from before).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from . import clinic_key

try:
    from sqlcipher3 import dbapi2 as _cipher
except ImportError:  # (a desk without the binding still opens plain clinics)
    _cipher = None

#: What a file that can't be read raises, from either module.
ERRORS = (sqlite3.Error,) + ((_cipher.Error,) if _cipher is not None else ())


def cipher():
    """The SQLCipher DB-API module."""
    if _cipher is None:
        raise ImportError(  # i18n: not shown (an installation without its dependency)
            "sqlcipher3 is not installed: encrypted clinic files need it")
    return _cipher


def key_pragma(key: str) -> str:
    if len(key) != clinic_key.KEY_HEX or any(c not in "0123456789abcdef" for c in key):
        raise ValueError(  # i18n: not shown (keys come from clinic_key, already checked)
            "a clinic key is 64 lower-case hexadecimal digits")
    return f"PRAGMA key = \"x'{key}'\""


def keyed(conn, key: str):
    """Say the key on a fresh SQLCipher connection; SQLCipher's own log (a wrong key is an
    'hmac check failed' on stderr) is for its developers, not for the desk's console."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(key_pragma(key))
    return conn


def connect(path: str | Path, key: str | None = None, *, readonly: bool = False,
            timeout: float = 10.0):
    """A DB-API connection to the file at `path`, with `key` if it is encrypted."""
    target = f"file:{Path(path).as_posix()}" + ("?mode=ro" if readonly else "")
    if key is None:
        return sqlite3.connect(target, uri=True, timeout=timeout)
    return keyed(cipher().connect(target, uri=True, timeout=timeout), key)


def locked_out(error: BaseException) -> bool:
    """Whether `error` says the file can't be read with the key given: wrong key, or not a
    database at all (SQLCipher says both the same way)."""
    return "not a database" in str(error).lower()


def open_file(path: str | Path, *, readonly: bool = True, clinic: str | Path | None = None):
    """A connection to a clinic file or backup, plain or encrypted; KeyNeeded when it is
    encrypted and this desk has not its key."""
    return connect(path, file_key(path, clinic=clinic), readonly=readonly)


def file_key(path: str | Path, *, clinic: str | Path | None = None) -> str | None:
    """The key of the file at `path` (None for a plain one); KeyNeeded if not known here."""
    if not clinic_key.is_encrypted(path):
        return None
    key = clinic_key.key_for(path, clinic=clinic)
    if key is None:
        raise clinic_key.KeyNeeded(Path(path))
    return key


def copy(source: str | Path, destination: str | Path, *, source_key: str | None,
         key: str | None) -> None:
    """Copy the clinic at `source` (read under `source_key`) into `destination`, which ends
    encrypted under `key` (or plain, for None). Consistent while the source is in use.

    The destination must be new or a clinic file that nobody has open on another
    connection (the backup API writes into it as one transaction)."""
    if source_key == key:
        src = connect(source, source_key)
        try:
            dst = connect(destination, key)
            try:
                src.backup(dst, pages=4096)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        return
    # SQLCipher's backup API refuses to mix an encrypted file with a plain one: the export
    # writes the source's schema and rows into an attached file under its own key.
    if Path(destination).exists() and Path(destination).stat().st_size:
        temp = Path(f"{destination}.copying")
        drop(temp)
        try:
            copy(source, temp, source_key=source_key, key=key)
            copy(temp, destination, source_key=key, key=key)
        finally:
            drop(temp)
        return
    conn = cipher().connect(Path(source).as_posix(), isolation_level=None, timeout=10.0)
    try:
        if source_key is not None:
            keyed(conn, source_key)
        else:
            conn.execute("PRAGMA cipher_log_level = NONE")
        target = str(Path(destination).as_posix()).replace("'", "''")
        conn.execute(f"ATTACH DATABASE '{target}' AS copied KEY "
                     + (f"\"x'{key}'\"" if key is not None else "''"))
        try:
            conn.execute("BEGIN")  # one snapshot of the source, however long the copy takes
            conn.execute("SELECT sqlcipher_export('copied')")
            conn.execute("COMMIT")
        finally:
            conn.execute("DETACH DATABASE copied")
    finally:
        conn.close()


def drop(copy: str | Path) -> None:
    """Remove an unfinished copy and the journal SQLite was keeping for it."""
    for name in (copy, *(Path(f"{copy}{suffix}") for suffix in ("-journal", "-wal", "-shm"))):
        Path(name).unlink(missing_ok=True)


def sync(path: str | Path) -> None:
    """The file's bytes on the disk, not only in the system's cache (before a swap)."""
    with open(path, "rb+") as file:
        os.fsync(file.fileno())
