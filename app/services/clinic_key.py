"""The key of an encrypted clinic file (issue 23): made, kept, found and typed back in.

A clinic file is encrypted with SQLCipher under a random 256-bit key, used raw (SQLCipher's
x'…' form): a random key needs no password stretching, so opening the file costs what a
plain one does. The key lives in this computer's credential store (`keyring`), named by the
file's full path; in this process's memory once used; and on paper, as the recovery sheet.
A backup is encrypted with its clinic's key, so this desk opens its own backups unasked; a
file from elsewhere (another PC, a stick) asks for its recovery key.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
from pathlib import Path

from ..i18n import _
from .credentials import CredentialStore
from .errors import ClinicError, ValidationError

#: How keyring names the entries (Windows Credential Manager shows it).
SERVICE = "ClinicDesk clinic file key"
#: The first 16 bytes of every plain SQLite file; an encrypted one starts with random bytes.
PLAIN_HEADER = b"SQLite format 3\x00"
KEY_HEX = 64  # 256 bits

_store = CredentialStore(SERVICE)
_known: dict[str, str] = {}  # full path -> key, for the files this process has opened


class KeyNeeded(ClinicError):
    """The file is encrypted and this computer does not have its key."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(_("The clinic file \u201c{name}\u201d is encrypted, and this computer "
                           "does not have its key. Type the recovery key from the clinic's "
                           "recovery sheet (16 groups of four letters and digits).").format(
                               name=self.path.name))


class WrongKey(ClinicError):
    """A key was given that does not open the file; nothing was changed."""

    def __init__(self, path: Path):
        self.path = Path(path)
        super().__init__(_("That recovery key does not open \u201c{name}\u201d. Nothing was "
                           "changed and the file is unharmed. Check the key against the "
                           "clinic's recovery sheet and type it again.").format(
                               name=self.path.name))


def new_key() -> str:
    return secrets.token_hex(KEY_HEX // 2)


def recovery_text(key: str) -> str:
    """The key as people read and type it: 16 groups of four, e.g. 3F2A-91BC-…"""
    key = key.upper()
    return "-".join(key[i:i + 4] for i in range(0, len(key), 4))


def parse_recovery(typed: str) -> str:
    """A recovery key as typed (any case, spaces or dashes anywhere) to the key itself."""
    text = re.sub(r"[\s\-\u2010-\u2015]", "", typed or "").lower()
    if not text:
        raise ValidationError("recovery_key", _("Type the recovery key from the clinic's "
                                                "recovery sheet."))
    if re.fullmatch(r"[0-9a-f]*", text) is None:
        bad = next(ch for ch in text if ch not in "0123456789abcdef")
        raise ValidationError("recovery_key", _(
            "A recovery key has only the digits 0\u20139 and the letters A\u2013F; "
            "\u201c{char}\u201d is not one of them.").format(char=bad.upper()))
    if len(text) != KEY_HEX:
        raise ValidationError("recovery_key", _(
            "A recovery key has {need} letters and digits (16 groups of four); this one has "
            "{count}.").format(need=KEY_HEX, count=len(text)))
    return text


def is_encrypted(path: str | Path) -> bool:
    """Whether the file at `path` is an encrypted clinic (an empty or missing file is not:
    it is a clinic yet to be made)."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(PLAIN_HEADER))
            size = os.fstat(file.fileno()).st_size
    except OSError:
        return False
    # An encrypted file is whole pages (a power of two, 512 bytes or more) of random-looking
    # bytes; a file of any other size that is not SQLite is damaged or no database at all.
    return head != PLAIN_HEADER and size >= 512 and size % 512 == 0


def _name(path: str | Path) -> str:
    return str(Path(path).expanduser().resolve())


def remember(path: str | Path, key: str, *, keep: bool = True) -> bool:
    """This desk knows `key` opens `path`: for this process, and (`keep`) in the credential
    store too. True if the credential store has it (it outlives this start)."""
    _known[_name(path)] = key
    return _store.put(_name(path), key) if keep else False


def forget(path: str | Path) -> None:
    _known.pop(_name(path), None)
    _store.forget(_name(path))


def recorded(path: str | Path) -> str | None:
    """The key this desk has for the file at this very path, whether or not it opens it."""
    return _known.get(_name(path)) or _store.get(_name(path))


def kept_in_store(path: str | Path) -> bool:
    """Whether the next start finds the key without asking (what the UI tells the manager)."""
    return _store.has_keyring() and _store.get(_name(path)) is not None


def opens(path: str | Path, key: str) -> bool:
    from .sqlite_files import connect, locked_out

    try:
        conn = connect(path, key, readonly=True)
    except Exception:  # noqa: BLE001 - a file that won't open is not opened by this key
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except Exception as error:  # noqa: BLE001
        return not locked_out(error)  # (busy is not "wrong key")
    finally:
        conn.close()


def key_for(path: str | Path, *, clinic: str | Path | None = None) -> str | None:
    """The key that opens the encrypted file at `path`, if this desk has it: its own, its
    clinic's (`clinic`, for a backup), or any key this process has opened a file with."""
    names = [_name(path)] + ([_name(clinic)] if clinic is not None else [])
    # Lazily: the credential store is asked (a keyring may be slow) only when no key this
    # process already holds opens the file.
    candidates = itertools.chain((_known.get(name) for name in names),
                                 (_store.get(name) for name in names), list(_known.values()))
    tried = set()
    for key in candidates:
        if key is None or key in tried:
            continue
        tried.add(key)
        if opens(path, key):
            _known[_name(path)] = key
            return key
    return None


def unlock(path: str | Path, typed: str, *, keep: bool = True) -> str:
    """The recovery key as typed, checked against the file and kept; WrongKey if it does
    not open it (nothing else is touched)."""
    key = parse_recovery(typed)
    if not opens(path, key):
        raise WrongKey(Path(path))
    remember(path, key, keep=keep)
    return key
