"""Translations of the web UI: German is the source language, English a Babel catalogue.

Strings are written in German in the code and the templates (``_("...")``) and looked up in
``api/locale/<lang>/LC_MESSAGES/messages.po``. The catalogue is compiled in memory when it is
first needed, so no compiled ``.mo`` file has to be built or committed.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LOCALE_DIR", "N_", "language_of", "translations"]

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "de"
#: language code -> its name in that language
LANGUAGES: dict[str, str] = {"de": "Deutsch", "en": "English"}


def N_(message: str) -> str:  # noqa: N802 - the conventional name for a deferred message
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def language_of(value: str | None) -> str:
    """A supported language code; German for anything else."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (German: the source strings themselves)."""
    lang = language_of(lang)
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT_LANGUAGE or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)
