"""Text laid out for a receipt printer's fixed columns (R48): values in, lines out.

An ESC/POS printer prints a fixed number of characters a line: 32, 42 or 48 on the 58 and
80 mm rolls, in Font A or B. Labels wrap at word boundaries; an amount is never cut or
wrapped, because a receipt that shows "$1,23" for "$1,234.50" is worse than none.
"""

from __future__ import annotations

import textwrap
import unicodedata

from ..i18n import _
from .errors import ValidationError

#: Characters a line holds: 58 mm Font A, 80 mm Font A, 80 mm Font B (and 58 mm Font B).
COLUMNS = (32, 42, 48)

# Babel writes French amounts with no-break spaces ("1 234,50 $"); the printers' code pages
# have no narrow one, so every space-like mark prints as a space. Curly quotes, dashes and
# the ellipsis become their plain forms, which every code page has, before anything is
# measured (the ellipsis is three characters wide on paper).
_PLAIN = str.maketrans({
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\t": " ",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...",
})


def printable(text: object) -> str:
    """One line's worth of text as the printer will show it: composed accents (é is one
    character, not e and a combining mark), plain spaces, dashes and quotes, no newlines."""
    composed = unicodedata.normalize("NFC", "" if text is None else str(text))
    return " ".join(composed.translate(_PLAIN).split())


def wrap(text: object, width: int, *, indent: str = "", first: str = "") -> list[str]:
    """`text` over as many lines as it needs, the first line after `first` and the others
    after `indent`; a word longer than the line is split."""
    plain = printable(text)
    if not plain:
        return []
    return textwrap.wrap(plain, width, initial_indent=first, subsequent_indent=indent,
                         break_long_words=True)


def centred(text: object, width: int) -> list[str]:
    return [line.center(width).rstrip() for line in wrap(text, width)]


def rule(width: int, mark: str = "-") -> str:
    return mark * width


def pair(label: object, amount: object, width: int, *, indent: str = "",
         first: str = "") -> list[str]:
    """A label on the left and its amount right-aligned on the label's first line. The label
    wraps in the room the amount leaves; an amount too wide to share a line gets its own."""
    value = printable(amount)
    if not value:
        return wrap(label, width, indent=indent, first=first)
    room = width - len(value) - 1
    if room < min(8, width // 3):
        return wrap(label, width, indent=indent, first=first) + [value.rjust(width)]
    lines = wrap(label, room, indent=indent, first=first) or [""]
    first = lines[0].ljust(room) + " " + value
    return [first] + lines[1:]



def require_columns(columns: object) -> int:
    if isinstance(columns, bool) or columns not in COLUMNS:
        raise ValidationError("columns", _(
            "Characters per line must be 32, 42 or 48 (58 mm paper prints 32 in Font A; "
            "80 mm paper prints 42 in Font A or 48 in Font B), not {value}.").format(
                value=columns))
    return int(columns)
