"""What a backup may be called, where it may be written and what may be restored (issue 15,
items 4 and 7; R30): each bad value is refused with a sentence before any file is touched.

A backup's `reason` becomes part of its file name, and the name is read back: the rotation
keeps 14 of each reason and the daily check looks for today's "-daily" file. So a reason is
refused, not cleaned up, when it is not one plain word: "../daily" cleaned to "daily" would
be counted as today's automatic backup and push a real one out of the rotation. Reasons come
from the program and from scripts, never from the desk's typing, so a refusal costs no one.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..i18n import _
from .errors import ValidationError
from .file_targets import SIDE_FILES, SQLITE_HEADER as _SQLITE_HEADER

REASON_MOST = 32
_REASON = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: The clinic file and those SQLite keeps beside it: writing over one destroys the clinic.
_SIDECARS = ("", *SIDE_FILES)


def reason(value: object) -> str:
    if (not isinstance(value, str) or len(value) > REASON_MOST
            or not _REASON.fullmatch(value)):
        raise ValidationError("reason", _(
            "A backup's reason becomes part of its file name: give one word of lowercase "
            "letters, digits and hyphens (at most {most} characters), such as "
            "\u201cmanual\u201d.").format(most=REASON_MOST))
    return value


def _path(value: object, refusal: str) -> Path:
    """`value` as a path, or `refusal` (a sentence naming the field) when it is none."""
    text = os.fspath(value) if isinstance(value, (str, os.PathLike)) else None
    if not isinstance(text, str) or not text.strip() or "\x00" in text:
        raise ValidationError("path", refusal)
    return Path(text)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise ValidationError("path", _("\u201c{path}\u201d cannot be followed to a file (a "
                                        "link points back to itself). Choose another place.")
                              .format(path=path)) from None


def _same(a: Path, b: Path) -> bool:
    return os.path.normcase(str(a)) == os.path.normcase(str(b))


def destination(value: object) -> Path:
    """A place named by a person or a script, as a path (nothing on disk looked at yet)."""
    return _path(value, _("Choose where to save the backup: a file name is needed, with no "
                          "invisible characters in it."))


def is_in_folder(target: Path, folder: Path) -> bool:
    """Whether `target` goes straight into the clinic's own backups `folder` (links
    followed: a link there to a USB stick is a copy out)."""
    return _same(_resolved(target).parent, _resolved(folder))


def check_destination(target: Path, clinic_file: Path) -> None:
    """Refuse a backup file `target` that cannot be written, or whose writing would destroy
    something: the clinic file (or a file SQLite keeps beside it), a folder, a file that is
    not a database. Looks only; the one probe file it makes in the folder is gone again."""
    resolved = _resolved(target)
    clinic = _resolved(clinic_file)
    if any(_same(resolved, Path(str(clinic) + side)) for side in _SIDECARS):
        raise ValidationError("path", _("A backup cannot overwrite the clinic file itself."))
    if resolved.is_dir():
        raise ValidationError("path", _("\u201c{path}\u201d is a folder. Choose a file name "
                                        "for the backup inside it.").format(path=target))
    if resolved.exists():
        try:
            with open(resolved, "rb") as existing:
                header = existing.read(len(_SQLITE_HEADER))
        except OSError as error:
            raise _unwritable(target.parent, error) from None
        if header and header != _SQLITE_HEADER:
            raise ValidationError("path", _(
                "There is already a file at \u201c{path}\u201d that is not a clinic backup; a "
                "backup will not write over it. Choose another name.").format(path=target))
    folder = resolved.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the backup makes the missing folders; this one holds them
    if not folder.is_dir():
        raise ValidationError("path", _("\u201c{folder}\u201d is a file, not a folder. Choose "
                                        "a folder to put the backup in.").format(folder=folder))
    try:
        # Asking os.access is not enough: read-only disks, network shares and an
        # administrator (who passes every permission check) all answer only to a real write.
        with tempfile.TemporaryFile(dir=folder, prefix=".clinicdesk-probe-"):
            pass
    except OSError as error:
        raise _unwritable(folder, error) from None


def _unwritable(folder: Path, error: OSError) -> ValidationError:
    return ValidationError("path", _(
        "The backup cannot be written in \u201c{folder}\u201d ({problem}). Choose another "
        "folder, or check that the disk is not read-only or full.").format(
            folder=folder, problem=error.strerror or error))


def restore_source(value: object, clinic_file: Path) -> Path:
    """The backup file a restore reads, refused unless it is an existing file other than
    the clinic file (whether it is a sound ClinicDesk backup is the restore's own check)."""
    source = _path(value, _("Choose the backup file to restore from: a file name is "
                            "needed, with no invisible characters in it."))
    resolved = _resolved(source)
    if resolved.is_dir():
        raise ValidationError("path", _("\u201c{path}\u201d is a folder, not a backup file. "
                                        "Choose a backup file.").format(path=source))
    if not resolved.is_file():
        raise ValidationError("path", _("There is no backup file at {path}.")
                              .format(path=source))
    if any(_same(resolved, Path(str(_resolved(clinic_file)) + side)) for side in _SIDECARS):
        raise ValidationError("path", _("That is the clinic file itself, not a backup of "
                                        "it. Choose a backup."))
    return source
