"""What the CSV door checks before it touches a file or the schema (R30, issue 15).

Beside the csv package, which asks it.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..i18n import _
from ..models import Base
from .errors import NotAllowed, ValidationError


def known_table(table: object) -> str:
    """`table` if the clinic has a table by that name; a refusal otherwise (not a KeyError)."""
    if not isinstance(table, str) or table not in Base.metadata.tables:
        shown = str(table).replace("\x00", "\u2400")
        shown = shown if len(shown) <= 40 else shown[:40] + "\u2026"
        raise NotAllowed(_("There is no table called \u201c{table}\u201d to export.")
                         .format(table=shown))
    return table


def source_path(path: object) -> Path:
    """The file to import from, or a refusal naming it: no file name, a number or a name
    with a null character cannot be opened (and would raise TypeError/ValueError)."""
    try:
        text = os.fsdecode(os.fspath(path)) if path is not None else ""
    except TypeError:
        text = ""
    if not text.strip():
        raise ValidationError("path", _("Choose the CSV file to import: no file was given."))
    if "\x00" in text:
        raise ValidationError("path", _("The file name \u201c{path}\u201d holds a character "
                                        "no file name can hold (a null character); choose "
                                        "the file again.")
                              .format(path=text.replace("\x00", "\u2400")))
    return Path(text)
