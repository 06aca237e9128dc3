"""The English catalogue covers every German string of the UI and of the import's messages."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.i18n import LOCALE_DIR, NP_, Text, translations

ROOT = Path(__file__).resolve().parents[2]


def _extracted() -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every marked string, as babel.cfg extracts them."""
    found: set[tuple[str | None, str]] = set()
    method_map = [("api/**.py", "python"), ("api/templates/**.html", "jinja2")]
    options = {"api/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "N_": None, "NP_": ((1, "c"), 2)}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        if isinstance(message, tuple):
            found.update((context, m) for m in message if m)
        elif message:
            found.add((context, message))
    return found


def test_every_string_has_an_english_translation() -> None:
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = {(m.context, m.id) for m in catalog if m.id and m.string}
    missing = sorted(_extracted() - translated)
    assert not missing, f"add these to the English catalogue: {missing}"


def test_placeholders_survive_translation() -> None:
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    import re

    for m in catalog:
        if m.id and m.string:
            assert sorted(re.findall(r"%\(\w+\)s", str(m.id))) == sorted(
                re.findall(r"%\(\w+\)s", str(m.string))
            ), m.id


def test_the_catalogue_compiles_in_memory() -> None:
    assert translations("en").gettext("Abmelden") == "Sign out"
    assert translations("de").gettext("Abmelden") == "Abmelden"
    assert translations("xx").gettext("Abmelden") == "Abmelden"


def test_a_word_with_a_context_is_translated_apart() -> None:
    word = NP_("Importmeldung", "Gremium")
    assert word == Text("Gremium", context="Importmeldung")
    assert str(word) == "body (Gremium)"
    assert word.render(translations("de").gettext) == "Gremium"
    assert Text("Gremium").render(translations("en").gettext) == "Body"
