"""What `transfer.migrate_to` accepts as a target and a batch size, checked before anything
is created (R30, issue 15): a target that is neither a server's URL nor a clinic file's
name was taken as a SQLite path and a clinic file appeared under that name."""

from __future__ import annotations

import os

from ..i18n import _
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .errors import ValidationError
from .file_targets import refuse_clinic_files

EXAMPLE = "postgresql+psycopg://user@server/clinic"
MAX_BATCH = 100_000


def check_target(target: object) -> str:
    """The target as text: a PostgreSQL URL, a sqlite:/// URL, or a path ending in .db."""
    try:
        text = os.fsdecode(os.fspath(target)) if target is not None else ""
    except TypeError:
        text = ""
    if not text.strip():
        raise ValidationError("url", _("Give the server's address, like {example}.")
                              .format(example=EXAMPLE))
    if "\x00" in text:
        raise ValidationError("url", _("The server's address holds a null character; type "
                                       "it again, like {example}.").format(example=EXAMPLE))
    scheme = text.split("://", 1)[0].lower() if "://" in text else None
    if scheme is None and text.lower().endswith(".db"):
        return text  # a clinic file's name (how the tests and a trial move use it)
    if scheme is not None and (scheme in ("postgresql", "postgres", "sqlite")
                               or scheme.startswith("postgresql+")):
        return text
    raise ValidationError("url", _("\u201c{url}\u201d is not a server's address; it looks "
                                   "like {example}.").format(url=text[:80], example=EXAMPLE))


def check_sqlite_file(source, url: str) -> None:
    """A SQLite target is never the clinic, its WAL/SHM, its backups folder or a backup
    (file_targets, as for every file the desk saves): checked before the file is opened,
    since even opening and closing a backup removes its -wal (R30, issue 15 item 1)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return  # (not a URL at all: _open_target says so, with an example)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    try:
        refuse_clinic_files(source, parsed.database, what=_("the clinic's copy"))
    except ValidationError as refusal:
        raise ValidationError("url", str(refusal)) from None


def check_source(source: object) -> None:
    # Only code passes the open clinic (the Connection dialog, `clinicdesk migrate-to`):
    # anything else is a bug, so a TypeError, not a sentence for the desk.
    if getattr(source, "db", None) is None:
        raise TypeError("source must be the open Clinic")  # i18n: not shown


def check_batch(batch: object) -> int:
    # Code only too, but a refusal: batch=-1 used to get as far as an empty server file.
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= MAX_BATCH:
        raise ValidationError("batch", _("The number of rows copied at a time must be a whole "
                                         "number between 1 and {most}.").format(most=MAX_BATCH))
    return batch
