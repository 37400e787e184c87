"""Backups and restores of the clinic file, and the start-up integrity check.

Copies go through SQLite's online backup API, so they are consistent even while the desk is
working, and they are readable by the owner only (patient data is private).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..i18n import N_, _
from . import audit_anchor, backup_inputs, clinic_key, sqlite_files
from .base import Service
from .db import backup_sqlite, head_revision
from .errors import NotAllowed, ValidationError

KEEP = 14
#: What only a manager may do (app.services.auth.MANAGER_ACTIONS): a backup anywhere but the
#: clinic's own backups folder is the whole clinic carried out of it.
COPY_OUT = N_("back up the clinic to a folder of your choice")


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    size: int


def integrity_problems(path: Path, *, clinic: Path | None = None) -> list[str]:
    """What PRAGMA integrity_check reports; an empty list means the file is sound. An
    encrypted file whose key this desk lacks is not damaged: KeyNeeded (issue 23)."""
    try:
        conn = sqlite_files.open_file(path, clinic=clinic)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite_files.ERRORS as error:
        return [str(error)]
    return [] if rows == ["ok"] else rows


class BackupService(Service):
    @property
    def folder(self) -> Path:
        path = self._require_file()
        return path.parent / "backups"

    def create(self, destination: str | os.PathLike | None = None, *,
               reason: str = "manual") -> Path:
        """A copy in the clinic's backups folder (any user: the program's own safety net),
        or at `destination`, which takes a manager when it is outside that folder: a copy
        out carries every patient's details (issue 15, item 4)."""
        path = self._require_file()
        reason = backup_inputs.reason(reason)
        if destination is None:
            stamp = self._now().strftime("%Y%m%d-%H%M%S")
            destination = self.folder / f"{path.stem}-{stamp}-{reason}.db"
        else:
            destination = backup_inputs.destination(destination)
            if not backup_inputs.is_in_folder(destination, self.folder):
                self._clinic.auth.require_manager(COPY_OUT)
            elif destination.exists():  # the safety net's own copies are never replaced
                raise ValidationError("path", _(
                    "\u201c{name}\u201d is one of the clinic's own backups; a new backup will "
                    "not write over it. Choose a new file name.").format(name=destination.name))
            backup_inputs.check_destination(destination, path)
        existed = destination.exists()
        try:
            backup_sqlite(path, destination)
        except sqlite_files.ERRORS as error:
            # The disk, not the input (full, gone, locked): what callers treat as a disk
            # problem; a copy begun is not left behind looking like a backup.
            if not existed:
                destination.unlink(missing_ok=True)
            raise OSError(str(error)) from error
        audit_anchor.record_backup(path, destination, self._now())  # R29: the trail's end
        if destination.parent == self.folder:
            self._rotate()
        return destination

    def list(self) -> list[BackupFile]:
        if not self.folder.exists():
            return []
        files = sorted(self.folder.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True)
        return [BackupFile(p, datetime.fromtimestamp(p.stat().st_mtime), p.stat().st_size)
                for p in files]

    def daily_if_due(self) -> Path | None:
        """One automatic backup per day, taken the first time the program asks."""
        today = self._today().strftime("%Y%m%d")
        if any(today in b.path.name and b.path.name.endswith("-daily.db") for b in self.list()):
            return None
        return self.create(reason="daily")

    def restore(self, source: str | os.PathLike, recovery_key: str | None = None) -> Path:
        """Replace the clinic's data with a backup. The current data is backed up first.
        Only a manager (or the system: scripts, the command line) may restore. A backup
        encrypted under a key this desk lacks needs `recovery_key` (KeyNeeded without it,
        WrongKey for one that does not open it); the restored data takes this clinic's own
        key, or none if the clinic is plain (issue 23)."""
        self._clinic.auth.require_manager(_("restore a backup"))
        path = self._require_file()
        source = backup_inputs.restore_source(source, path)
        if recovery_key is not None and clinic_key.is_encrypted(source):
            clinic_key.unlock(source, recovery_key, keep=False)
        source_key = sqlite_files.file_key(source, clinic=path)
        problems = integrity_problems(source, clinic=path)
        if problems:
            raise NotAllowed(_("{file} is damaged and cannot be restored ({problem}). Choose "
                               "another backup.").format(file=source.name, problem=problems[0]))
        try:
            conn = sqlite_files.connect(source, source_key, readonly=True)
            try:
                revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            finally:
                conn.close()
        except sqlite_files.ERRORS:
            revision = None
        if revision is None:
            raise NotAllowed(_("{file} is not a ClinicDesk backup.").format(file=source.name))
        if revision[0] > head_revision():
            raise NotAllowed(_("{file} was made by a newer version of ClinicDesk; update the "
                               "program before restoring it.").format(file=source.name))
        who = self._clinic.auth.current()
        safety = self.create(reason="before-restore")
        self._db.engine.dispose()
        sqlite_files.copy(source, path, source_key=source_key, key=self._db.key)
        self._db.engine.dispose()
        from .db import migrate
        migrate(self._db.engine, now=self._now())
        self._clinic.settings_changed()
        # Staff numbers in the restored data may name someone else (or no one): whoever
        # restored signs in again. The restore itself goes on the restored file's trail.
        self._clinic.current_staff_id = None
        with self._db.write() as s:
            self._audit(s, "clinic.restore", "clinic_file", None, None,
                        {"restored_from": source.name, "safety_copy": safety.name,
                         "restored_by": who.name if who is not None else "System"})
        audit_anchor.restored(self._db, source.name, self._now())  # an older end, on purpose
        return safety

    def _rotate(self) -> None:
        for reason in ("daily", "close", "manual"):
            # Names carry the time taken (YYYYmmdd-HHMMSS), so they sort oldest to newest.
            files = sorted(self.folder.glob(f"*-{reason}.db"), reverse=True)
            for old in files[KEEP:]:
                old.unlink()

    def _require_file(self) -> Path:
        if self._db.path is None:
            raise NotAllowed(_("Backups are made of a clinic file; this clinic is on a server, "
                               "whose own backups apply."))
        return self._db.path


def newest_backup(path: Path) -> Path | None:
    """The most recent sound backup of the clinic file at `path`, if any."""
    folder = Path(path).parent / "backups"
    for candidate in sorted(folder.glob(f"{Path(path).stem}-*.db"),
                            key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            if not integrity_problems(candidate, clinic=path):
                return candidate
        except clinic_key.KeyNeeded:
            continue  # (encrypted under a key this desk does not have: not one to offer)
    return None


def recover_from_backup(path: Path, backup: Path, now: datetime) -> Path:
    """Set a damaged clinic file aside (never deleted) and put `backup` in its place.
    Returns where the damaged file was kept."""
    path = Path(path)
    damaged = path.with_name(f"{path.stem}.damaged-{now:%Y%m%d-%H%M%S}{path.suffix}")
    path.rename(damaged)
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists():
            side.rename(Path(str(damaged) + suffix))
    key = sqlite_files.file_key(backup, clinic=path)  # (a backup of this desk's clinic)
    backup_sqlite(backup, path)
    if key is not None:
        clinic_key.remember(path, key)
    audit_anchor.reset_for_file(path, {"reason": "recovered", "from": backup.name}, now)
    return damaged


def open_problems(path: Path) -> list[str]:
    """What stops the file from opening at all, found in milliseconds (schema, settings,
    schema version); the full integrity_check runs later, off the desk's way."""
    try:
        conn = sqlite_files.open_file(path)
    except clinic_key.KeyNeeded:
        if clinic_key.recorded(path) is None:
            return []  # locked, not damaged: opening it asks for the recovery key
        # This desk's own key for this very file no longer opens it: its pages are damaged
        # (or another file was put in its place), not a question for the recovery sheet.
        return [_("it no longer opens with the key this computer keeps for it")]
    except sqlite_files.ERRORS as error:
        return [str(error)]
    try:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            for table in ("alembic_version", "clinic_settings", "staff"):
                if table in tables:
                    conn.execute(f"SELECT * FROM {table}").fetchall()
        finally:
            conn.close()
    except sqlite_files.ERRORS as error:
        return [str(error)]
    return []
