"""The desk's language: English, or French (Canada), for every string a person reads.

One approach for the whole program (issue 8): gettext-style message ids in English, with
French in Babel PO catalogues under ``app/locale/fr_CA/*.po`` (one file per part of the
program, so the parts can be translated independently). Services and widgets both call
``_()``; money and dates are not translated here, they follow the clinic's *locale*
(``app.services.money`` and ``app.ui.formats``), which is a separate setting.

    _("Receive Payment")                         a string shown now
    _("Use {n} of {total}").format(n=2, total=5)  placeholders are named, never positional,
                                                  because French often reorders them
    N_("Booked")                                 marks a module-level constant for extraction;
                                                  translate it with _() where it is shown
    ngettext("{n} use left", "{n} uses left", n)  plural forms

The language is process-wide: one desk shows one language at a time. ``set_language`` is
called by the program's entry point (and by Settings when the desk changes it).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
ENGLISH = "en"
FRENCH = "fr_CA"
# What Settings offers, in each language's own name (a person who can't read the current
# language must still find their own).
LANGUAGES = {ENGLISH: "English", FRENCH: "Français (Canada)"}

_current = ENGLISH


def set_language(code: str) -> None:
    global _current
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}")
    _current = code


def language() -> str:
    return _current


def default_language_for(locale: str) -> str:
    """A sensible first choice of language for a clinic whose locale is *locale*."""
    return FRENCH if str(locale).lower().startswith("fr") else ENGLISH


def _(message: str) -> str:
    if _current == ENGLISH or not message:
        return message
    return catalogue(_current).get(message) or message


def N_(message: str) -> str:
    return message


def translate(message: str, language: str) -> str:
    """`message` (marked with N_) in `language`, whatever the desk speaks: a letter goes out
    in the patient's language (R46) while the desk stays in its own. Unknown: English."""
    if language not in LANGUAGES or language == ENGLISH or not message:
        return message
    return catalogue(language).get(message) or message


def ngettext(singular: str, plural: str, n: int) -> str:
    if _current == ENGLISH:
        return singular if n == 1 else plural
    forms = catalogue(_current).get((singular, plural))
    if not forms:
        return singular if n == 1 else plural
    # French (and fr_CA): singular for 0 and 1.
    return forms[0] if n in (0, 1) else forms[-1]


@lru_cache(maxsize=None)
def catalogue(code: str) -> dict:
    """Every translation for *code*: msgid -> text, or (singular, plural) -> [forms].

    Read from the PO files directly (no compiled .mo to go stale); a few thousand
    messages load in well under 100 ms, once per process.
    """
    from babel.messages.pofile import read_po

    merged: dict = {}
    for path in sorted((LOCALE_DIR / code).glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=code):
                if not message.id or message.fuzzy:
                    continue
                if isinstance(message.id, tuple):
                    forms = [form for form in message.string if form]
                    if forms:
                        merged[tuple(message.id[:2])] = forms
                elif message.string:
                    merged.setdefault(message.id, message.string)
    return merged
