"""Encrypting an existing clinic file (issue 23, item 2), so that a kill at any moment
leaves one complete clinic that opens.

The steps, each recorded in a small journal beside the file before it is taken:
1. copying: the clinic is exported under its new key into `<file>.encrypting` (the clinic
   file itself is untouched; a kill here leaves the copy to be thrown away);
2. ready: the copy is checked (integrity, every table's row count, the audit chain and its
   end) and on the disk. The plain file gets a second name, `<file>.unencrypted-<time>`
   (a hard link: the same bytes, no copy), then the encrypted copy is renamed over the
   clinic's name: one rename, so the clinic's name always holds a whole clinic;
3. swapped: done; the plain copy waits for the manager's word, then is overwritten and
   removed (`remove_plain_copy`).
`finish_interrupted` (run whenever a clinic file is opened) takes the journal on from
wherever a kill left it.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

from ..i18n import N_, _
from . import clinic_key, sqlite_files
from .base import Service
from .errors import NotAllowed
from .files import atomic_write_bytes, sync_folder

#: MANAGER_ACTIONS: encrypting the file and removing its unencrypted copy.
ENCRYPT = N_("encrypt the clinic file")

COPYING, READY, SWAPPED = "copying", "ready", "swapped"


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".encrypting.json")


def _read(path: Path) -> dict | None:
    try:
        return json.loads(journal_of(path).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _write(path: Path, **state) -> None:
    atomic_write_bytes(journal_of(path), json.dumps(state).encode("utf-8"), durable=True)


def _temp(path: Path) -> Path:
    return path.with_name(path.name + ".encrypting")


def finish_interrupted(path: Path) -> None:
    """Take an encryption that was stopped part way (a kill, a power cut) to an end: back to
    the plain file if the copy was not yet whole, on to the encrypted one if it was."""
    path = Path(path)
    for part in path.parent.glob(f".{journal_of(path).name}.*.part"):
        part.unlink(missing_ok=True)  # a journal a kill left half written: never taken
    state = _read(path)
    if state is None:
        if journal_of(path).exists():  # (a journal half written: its step had not begun)
            journal_of(path).unlink()
        return
    temp = path.with_name(state["temp"])
    if state["stage"] == COPYING:
        sqlite_files.drop(temp)
        journal_of(path).unlink()
    elif state["stage"] == READY:
        if temp.exists():  # the clinic's name still holds the plain file
            _swap(path, temp, path.with_name(state["plain"]))
        _write(path, **{**state, "stage": SWAPPED})


def _swap(path: Path, temp: Path, plain: Path) -> None:
    plain.unlink(missing_ok=True)  # (a copy a kill left half made)
    try:
        os.link(path, plain)
    except OSError:  # a file system without hard links (FAT, some network shares)
        shutil.copy2(path, plain)
        sqlite_files.sync(plain)
    for suffix in ("-wal", "-shm"):  # the plain file's side files go with it, not the new one
        side = Path(f"{path}{suffix}")
        if side.exists():
            side.replace(Path(f"{plain}{suffix}"))
    os.replace(temp, path)
    sync_folder(path.parent)


def plain_copy(path: Path | None) -> Path | None:
    """The unencrypted copy an encryption kept, awaiting the manager's word, if any."""
    if path is None:
        return None
    state = _read(Path(path))
    if state is None or state.get("stage") != SWAPPED:
        return None
    kept = Path(path).with_name(state["plain"])
    return kept if kept.exists() else None


def wipe(path: Path) -> None:
    """Overwrite a file's bytes with zeros, on the disk, before removing it (an SSD or a
    journaling file system may still keep old blocks: the encryption is what protects)."""
    if not path.exists():
        return
    size = path.stat().st_size
    with open(path, "r+b") as file:
        block = b"\0" * (1 << 20)
        for _start in range(0, size, len(block)):
            file.write(block)
        file.flush()
        os.fsync(file.fileno())
    path.unlink()


def _counts(conn) -> dict[str, int]:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _check(plain: Path, copy: Path, key: str) -> None:
    """The encrypted copy holds what the plain file holds, or the encryption stops here."""
    from sqlalchemy.orm import Session

    from .audit import verify_chain
    from .db import make_engine

    src, dst = sqlite_files.connect(plain, readonly=True), sqlite_files.connect(copy, key)
    try:
        problems = [r[0] for r in dst.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise NotAllowed(_("The encrypted copy did not check out ({problem}); the clinic "
                               "file was left as it was.").format(problem=problems[0]))
        if _counts(src) != _counts(dst):
            raise NotAllowed(_("The encrypted copy does not hold every row of the clinic "
                               "file; the clinic file was left as it was."))
    finally:
        src.close()
        dst.close()
    for url_key, file in ((None, plain), (key, copy)):
        engine = make_engine(f"sqlite:///{file}", url_key)
        try:
            with Session(engine) as s:
                chain = verify_chain(s)
        finally:
            engine.dispose()
        if file == plain:
            before = (chain.entries, chain.last_hash)
        elif chain.first_broken_id is not None or (chain.entries, chain.last_hash) != before:
            raise NotAllowed(_("The audit trail of the encrypted copy does not match the clinic "
                               "file's; the clinic file was left as it was."))


def encrypt_file(path: Path, key: str, *, now: datetime, progress=None) -> Path:
    """Encrypt the plain clinic file at `path` under `key` (nobody may have it open).
    Returns the name of the plain copy kept until `remove_plain_copy`."""
    path = Path(path)
    finish_interrupted(path)
    if clinic_key.is_encrypted(path):
        raise NotAllowed(_("The clinic file is already encrypted."))
    temp, plain = _temp(path), path.with_name(f"{path.stem}.unencrypted-{now:%Y%m%d-%H%M%S}"
                                              f"{path.suffix or '.db'}")
    step = progress or (lambda _done, _total: None)
    _write(path, stage=COPYING, temp=temp.name, plain=plain.name)
    temp.unlink(missing_ok=True)
    try:
        sqlite_files.copy(path, temp, source_key=None, key=key)
        step(1, 4)
        os.chmod(temp, 0o600)
        _check(path, temp, key)
        step(2, 4)
        sqlite_files.sync(temp)
    except BaseException:
        sqlite_files.drop(temp)
        journal_of(path).unlink(missing_ok=True)
        raise
    _write(path, stage=READY, temp=temp.name, plain=plain.name)
    _stop_here("ready")
    _swap(path, temp, plain)
    _stop_here("swapped")
    step(3, 4)
    _write(path, stage=SWAPPED, temp=temp.name, plain=plain.name)
    step(4, 4)
    return plain


def _stop_here(stage: str) -> None:
    """For the tests that kill an encryption at each step (tests/unit/test_encryption_*)."""
    if os.environ.get("CLINICDESK_TEST_KILL_AT") == stage:
        os.kill(os.getpid(), 9)


class EncryptionService(Service):
    """The clinic file's encryption, for the desk: whether it is, making it so, the copy
    left behind, and the recovery sheet."""

    def is_encrypted(self) -> bool:
        return self._db.key is not None

    def why_not_encrypt(self) -> str | None:
        """Why Encrypt is not offered here, or None."""
        if self._db.path is None:
            return _("This clinic is on a server; the server's own storage protects it.")
        if self._db.key is not None:
            return _("The clinic file is already encrypted.")
        return None

    def encrypt(self, key: str, progress=None) -> Path:
        """Encrypt this clinic's file under `key`, which must already be on the recovery
        sheet (`recovery_sheet`), and go on under it. Returns the plain copy kept."""
        self._clinic.auth.require_manager(ENCRYPT)
        why = self.why_not_encrypt()
        if why is not None:
            raise NotAllowed(why)
        path = self._db.path
        stored = clinic_key.remember(path, key)  # before the swap: never a file without it
        with self._db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.engine.dispose()
        try:
            plain = encrypt_file(path, key, now=self._now(), progress=progress)
        except BaseException:
            clinic_key.forget(path)
            self._db.reopen(None)
            raise
        self._db.reopen(key)
        from .backup_encryption import encrypt_backups
        backups = encrypt_backups(path, key, wipe)
        with self._db.write() as s:
            self._audit(s, "clinic.encrypt", "clinic_file", None, None,
                        {"file": path.name, "unencrypted_copy": plain.name,
                         "backups_encrypted": len(backups),
                         "key_in_credential_store": stored})
        return plain

    def plain_copy(self) -> Path | None:
        return plain_copy(self._db.path)

    def remove_plain_copy(self) -> Path | None:
        """Overwrite and remove the unencrypted copy an encryption kept (the manager has
        checked the encrypted clinic). Returns what was removed, if anything."""
        self._clinic.auth.require_manager(ENCRYPT)
        kept = self.plain_copy()
        if kept is None:
            return None
        for side in (Path(f"{kept}-wal"), Path(f"{kept}-shm"), kept):
            wipe(side)
        journal_of(self._db.path).unlink(missing_ok=True)
        with self._db.write() as s:
            self._audit(s, "clinic.remove_unencrypted_copy", "clinic_file", None, None,
                        {"removed": kept.name})
        return kept

    def recovery_sheet(self, key: str, paper: str = "letter") -> bytes:
        """The recovery sheet's PDF (Letter or A4): the key, the clinic's name, and what to
        do with it."""
        from .pdf.recovery_sheet import recovery_sheet_pdf

        settings = self._clinic.settings.get()
        return recovery_sheet_pdf(settings.name or "", clinic_key.recovery_text(key),
                                  self._db.path.name if self._db.path else "", self._now(),
                                  paper)
