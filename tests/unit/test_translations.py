"""Every string a person reads has a French (Canada) translation (issue 8).

The message ids are extracted from the source the same way a translator's tool would
(Babel's extractor, keywords _ / N_ / ngettext); the French lives in app/locale/fr_CA/*.po.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from app import i18n

APP = Path(i18n.__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")


def extracted() -> dict[object, str]:
    found: dict[object, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(APP), method_map=[("**.py", "python")], keywords=KEYWORDS):
        key = message if isinstance(message, str) else tuple(message[:2])
        found.setdefault(key, f"app/{filename}:{lineno}")
    return found


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language(i18n.ENGLISH)


def test_every_message_in_the_source_has_a_french_translation():
    french = i18n.catalogue(i18n.FRENCH)
    missing = [f"{where}: {key!r}" for key, where in extracted().items() if key not in french]
    assert not missing, f"{len(missing)} messages have no French:\n" + "\n".join(missing[:60])


def test_french_keeps_every_placeholder_of_the_english():
    wrong = []
    for key, french in i18n.catalogue(i18n.FRENCH).items():
        english = key if isinstance(key, tuple) else (key,)
        texts = french if isinstance(french, list) else [french]
        wanted = set(PLACEHOLDER.findall(english[-1])) | set(PLACEHOLDER.findall(english[0]))
        for text in texts:
            if set(PLACEHOLDER.findall(text)) - wanted or (
                    len(english) == 1 and set(PLACEHOLDER.findall(text)) != wanted):
                wrong.append(f"{english[0]!r} -> {text!r}")
    assert not wrong, "\n".join(wrong[:40])


def test_a_message_is_translated_the_same_way_in_every_catalogue():
    from babel.messages.pofile import read_po

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted((i18n.LOCALE_DIR / i18n.FRENCH).glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id or isinstance(message.id, tuple) or not message.string:
                    continue
                if message.id in seen and seen[message.id][1] != message.string:
                    clashes.append(f"{message.id!r}: {seen[message.id]} vs "
                                   f"({path.name!r}, {message.string!r})")
                seen.setdefault(message.id, (path.name, message.string))
    assert not clashes, "\n".join(clashes[:40])


def test_no_message_cites_a_rule_number():
    # The desk doesn't know the SPEC's rule numbers; refusals say what to do instead.
    cited = [f"{where}: {key!r}" for key, where in extracted().items()
             if re.search(r"\(R\d+\)", str(key))]
    assert not cited, "\n".join(cited)


def test_english_is_the_message_itself_and_french_comes_from_the_catalogue():
    assert i18n._("Schedule") == "Schedule"
    i18n.set_language(i18n.FRENCH)
    assert i18n._("Schedule") == "Horaire"
    assert i18n._("a message nobody translated") == "a message nobody translated"


def test_plural_forms_follow_french_rules():
    i18n.set_language(i18n.FRENCH)
    french = i18n.catalogue(i18n.FRENCH)
    plurals = [key for key in french if isinstance(key, tuple)]
    for singular, plural in plurals:
        assert i18n.ngettext(singular, plural, 1) == french[(singular, plural)][0]
        assert i18n.ngettext(singular, plural, 0) == french[(singular, plural)][0]
        assert i18n.ngettext(singular, plural, 2) == french[(singular, plural)][-1]


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError):
        i18n.set_language("de_DE")


@pytest.mark.parametrize("locale, expected", [("fr_CA", "fr_CA"), ("en_CA", "en"),
                                              ("en_US", "en"), ("en_GB", "en"), ("en_AU", "en")])
def test_a_clinic_starts_in_the_language_of_its_locale(locale, expected):
    assert i18n.default_language_for(locale) == expected


def test_the_clinic_language_is_a_setting(clinic):
    assert clinic.settings.get().language == "en"
    assert clinic.settings.update(language="fr_CA").language == "fr_CA"
    from app.services.errors import ValidationError
    with pytest.raises(ValidationError):
        clinic.settings.update(language="klingon")
    assert clinic.settings.get().language == "fr_CA"
