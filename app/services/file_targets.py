"""Where the desk may save a file it chose (issue 15: an export over the clinic destroyed it).

Every writer of a file the user names (PDFs, CSV, Excel, report PDFs) asks `safe_target`
first. It refuses, before anything is written (R30), a target that is the clinic's database
file, its -wal/-shm/-journal (SQLite's changes on their way into the file), its backups folder
or anything in it, the copies the program keeps beside it (.before-… of a migration,
.damaged-… of a recovery), or any existing SQLite database (a backup saved elsewhere, another
clinic). The comparison is on what the operating system will reach, however the path is
spelled: relative, with "..", through a symbolic link (both the link replaced and what it
points to), a hard link (same file), or in another case where the file system ignores case.

The clinic to protect is the one given, and also every clinic open in this program: a report
is written from a `Report`, which does not know its clinic, so the report writers called
without one still cannot write over it.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

from ..i18n import _
from .errors import ValidationError

#: The files SQLite keeps beside a database while it is open (or after a crash).
SIDE_FILES = ("-wal", "-shm", "-journal")
#: Copies the program makes beside the clinic file (db.migrate, backup.recover_from_backup).
KEPT_COPIES = (".before-", ".damaged-")
SQLITE_HEADER = b"SQLite format 3\x00"

_OPEN = weakref.WeakSet()


def watch(clinic) -> None:
    """Protect `clinic`'s files from every writer of this program while it is alive."""
    _OPEN.add(clinic)


def safe_target(clinic_or_db_path, path, *, what: str, create_folder: bool = False) -> Path:
    """`path` as given, once it is known a file may be saved there; else a ValidationError
    on "path" saying why and what to do.

    `clinic_or_db_path` is a Clinic, a clinic file's path, or None (a clinic on a server: no
    file of its own; the clinics open in this program are protected all the same). `what`
    is the thing being saved, with its article, in the desk's language (_("the PDF")).
    `create_folder` makes a missing folder (the report exports do), else it is refused.
    """
    text = _path_text(path, what)
    target = Path(text)
    folder = Path(os.path.realpath(target.parent))
    final = refuse_clinic_files(clinic_or_db_path, text, what=what)
    if final.is_dir():
        raise ValidationError("path", _("\u201c{path}\u201d is a folder; choose a file name "
                                        "to save {what} to.").format(path=text, what=what))
    if final.exists() and not final.is_file():  # a device or a pipe: os.replace would swap it
        raise ValidationError("path", _("\u201c{path}\u201d is not an ordinary file (a device "
                                        "or a pipe); choose another file name.")
                              .format(path=text))
    if final.is_file() and _is_database(final):
        raise ValidationError("path", _("\u201c{path}\u201d is a database file (a clinic or a "
                                        "backup of one): saving {what} there would destroy "
                                        "it. Choose another file name.")
                              .format(path=text, what=what))
    _check_folder(folder, target.parent, what, create_folder)
    return target


def refuse_clinic_files(clinic_or_db_path, text: str, *, what: str) -> Path:
    """safe_target's first part alone: refuse the clinic file, its side files, its backups
    folder or a backup, however spelled; the path a link points to otherwise. (For
    transfer.migrate_to, whose target may be an existing empty database.)"""
    target = Path(text)
    entry = Path(os.path.realpath(target.parent)) / target.name  # what os.replace replaces
    final = Path(os.path.realpath(target))  # what a link points to
    for files in _protected(clinic_or_db_path):
        for place in {entry, final}:
            refusal = files.refusal(place, text, what)
            if refusal:
                raise ValidationError("path", refusal)
    return final


def _path_text(path, what: str) -> str:
    try:
        text = os.fsdecode(os.fspath(path)) if path is not None else ""
    except TypeError:
        text = ""
    if not text.strip():
        raise ValidationError("path", _("Choose a file name to save {what} to: the file name "
                                        "is empty.").format(what=what))
    if "\x00" in text:
        raise ValidationError("path", _("The file name \u201c{path}\u201d holds a character "
                                        "no file name can hold (a null character); choose "
                                        "another file name.")
                              .format(path=text.replace("\x00", "\u2400")))
    return text


def _check_folder(folder: Path, shown: Path, what: str, create: bool) -> None:
    if not folder.exists() and create:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ValidationError("path", _("The folder \u201c{folder}\u201d could not be "
                                            "created ({reason}); choose another place to "
                                            "save {what}.")
                                  .format(folder=shown, reason=error.strerror or error,
                                          what=what)) from error
    if not folder.exists():
        raise ValidationError("path", _("The folder \u201c{folder}\u201d does not exist; "
                                        "choose another place to save {what}.")
                              .format(folder=shown, what=what))
    if not folder.is_dir():
        raise ValidationError("path", _("\u201c{folder}\u201d is a file, not a folder; choose "
                                        "another place to save {what}.")
                              .format(folder=shown, what=what))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValidationError("path", _("ClinicDesk may not write in the folder "
                                        "\u201c{folder}\u201d; choose another place to save "
                                        "{what}.").format(folder=shown, what=what))


def _is_database(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _protected(clinic_or_db_path) -> list[_ClinicFiles]:
    sources = [clinic_or_db_path, *list(_OPEN)]
    found: dict[str, _ClinicFiles] = {}
    for source in sources:
        files = _ClinicFiles.of(source)
        if files is not None:
            found.setdefault(os.path.normcase(str(files.database)), files)
    return list(found.values())


class _ClinicFiles:
    """One clinic file's places: the file, its side files, its copies, its backups folder."""

    def __init__(self, database: Path, backups: Path):
        self.database = Path(os.path.realpath(database))
        self.backups = Path(os.path.realpath(backups))
        self.blind = _ignores_case(self.database)

    @classmethod
    def of(cls, source) -> _ClinicFiles | None:
        if source is None:
            return None
        if isinstance(source, (str, os.PathLike)):
            database = Path(source)
            return cls(database, database.parent / "backups")
        database = getattr(source, "path", None)
        if database is None:  # a clinic on a server
            return None
        return cls(database, source.backup.folder)

    def key(self, path: Path) -> str:
        text = os.path.normcase(str(path))
        return text.casefold() if self.blind else text

    def refusal(self, place: Path, shown: str, what: str) -> str | None:
        key, database = self.key(place), self.key(self.database)
        if key == database or _same_file(place, self.database):
            return _("\u201c{path}\u201d is the clinic's own database file: saving {what} "
                     "there would destroy the clinic's records. Choose another file name."
                     ).format(path=shown, what=what)
        sides = [Path(str(self.database) + suffix) for suffix in SIDE_FILES]
        if any(key == self.key(side) or _same_file(place, side) for side in sides):
            return _("\u201c{path}\u201d is part of the clinic's database (it holds changes "
                     "on their way into the clinic file): saving {what} there would damage "
                     "the clinic's records. Choose another file name."
                     ).format(path=shown, what=what)
        backups = self.key(self.backups)
        inside = self.key(self.backups / "x")[:-1]  # the folder and its separator, as keyed
        if key == backups or key.startswith(inside) or any(
                _same_file(place, copy) for copy in _files_in(self.backups)):
            return _("\u201c{path}\u201d is in the clinic's backups folder, which holds the "
                     "copies the clinic is restored from; save {what} somewhere else."
                     ).format(path=shown, what=what)
        beside = self.key(place.parent) == self.key(self.database.parent)
        if beside and self.key(Path(place.name)).startswith(tuple(
                self.key(Path(self.database.stem + mark)) for mark in KEPT_COPIES)):
            return _("\u201c{path}\u201d is a copy ClinicDesk keeps of the clinic file: "
                     "saving {what} there would destroy it. Choose another file name."
                     ).format(path=shown, what=what)
        return None


def _same_file(a: Path, b: Path) -> bool:
    """Two names of one file (a hard link, or a case the file system ignores)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _files_in(folder: Path) -> list[Path]:
    try:
        return [Path(entry.path) for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return []


def _ignores_case(database: Path) -> bool:
    """Whether the clinic's file system takes "CLINIC.DB" for "clinic.db" (Windows, macOS):
    asked of the file system itself, by the other case of the file's own name."""
    if os.path.normcase("A") == os.path.normcase("a"):
        return True
    other = database.with_name(database.name.swapcase())
    return other.name != database.name and _same_file(other, database)


__all__ = ["safe_target", "watch"]
