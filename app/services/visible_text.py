"""Which characters typed text may hold: what the desk sees must be what is stored (R30).

A name made only of invisible characters (U+200B, U+FEFF, U+2060, a soft hyphen...) or of
control codes (ESC, BEL, backspace: a barcode scanner, a terminal paste) looks empty or
garbled on screen, in lists and on printed invoices, yet was saved (issue 15). The bidi
overrides and isolates (U+202A-U+202E, U+2066-U+2069) make text display in an order other
than the one stored ("Trojan Source"): "Maria\u202eztiL" shows as "MariaLitz".

Other format characters (category Cf) are kept inside text: the zero-width non-joiner
U+200C is how Persian writes "می‌خواهم", the joiner U+200D builds Indic conjuncts and emoji,
and U+200E/U+200F mark direction without overriding it. At the ends of a value they do
nothing visible, so they are trimmed, like spaces.
"""

from __future__ import annotations

import unicodedata

#: Embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: The control characters a multi-line field (an address, notes) may hold.
LINE_CONTROLS = frozenset("\t\n\r")
#: Letters, marks-with-a-base aside, numbers, punctuation, symbols: something that shows.
VISIBLE_CATEGORIES = frozenset("LNPS")


def has_control(value: str, *, allowed: frozenset[str] = LINE_CONTROLS) -> bool:
    """A control character (category Cc) other than `allowed`."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)


def has_bidi_control(value: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in value)


def trim(value: str) -> str:
    """Without spaces or format characters (Cf) at either end."""
    def blank(ch: str) -> bool:
        return ch.isspace() or unicodedata.category(ch) == "Cf"

    start, end = 0, len(value)
    while start < end and blank(value[start]):
        start += 1
    while end > start and blank(value[end - 1]):
        end -= 1
    return value[start:end]


def has_visible(value: str) -> bool:
    """At least one character that shows on its own: a letter, digit, punctuation or
    symbol. A lone combining accent (Mn), spaces, format and private-use characters do not."""
    return any(unicodedata.category(ch)[0] in VISIBLE_CATEGORIES for ch in value)
