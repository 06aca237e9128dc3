"""Translations: German is the source language, English a Babel catalogue.

Strings are written in German in the code and the templates (``_("...")``) and looked up in
``api/locale/<lang>/LC_MESSAGES/messages.po``. The catalogue is compiled in memory when it is
first needed, so no compiled ``.mo`` file has to be built or committed.

Messages made before anyone knows who reads them (the import's row problems, for instance)
are a :class:`Text`: the German msgid and its parameters, translated where they are shown.
The API and the CLI give them in English (``str(text)``), the web UI in the user's language.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "NP_",
    "Text",
    "language_of",
    "translations",
]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "de"
#: language code -> its name in that language
LANGUAGES: dict[str, str] = {"de": "Deutsch", "en": "English"}


def N_(message: str) -> str:  # noqa: N802 - the conventional name for a deferred message
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def NP_(context: str, message: str) -> Text:  # noqa: N802 - N_ with a msgctxt
    """Mark a word that the catalogue translates apart from the same word elsewhere (its
    msgctxt ``context``); the word as a :class:`Text` with that context."""
    return Text(message, context=context)


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


@dataclass(frozen=True)
class Text:
    """A message for people: a German msgid and its parameters, translated when shown.

    A parameter may itself be a :class:`Text` (translated into the same language) or a list
    of them (joined with "; "). ``str()`` gives the English text.

    Examples:
        >>> text = Text(N_("%(what)s: %(n)s Einträge"), {"what": Text(N_("Importiert")), "n": 3})
        >>> text.render(translations("de").gettext)
        'Importiert: 3 Einträge'
        >>> str(Text(N_("Importiert")))
        'Imported'
    """

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    #: the msgctxt of a word marked with :func:`NP_`
    context: str | None = None
    #: a library's own English message (pydantic's), which ``str()`` keeps for the API
    original: str | None = None

    def render(self, _: Callable[[str], str]) -> str:
        """The text in the language of ``_`` (a catalogue's ``gettext``)."""
        if self.context is None:
            text = _(self.msgid)
        else:
            # pgettext over plain gettext, as GNU gettext's own header does: the catalogue
            # keys a message with a context as "context\x04msgid"
            key = f"{self.context}\x04{self.msgid}"
            text = _(key)
            if text == key:
                text = self.msgid
        if not self.params:
            return text
        return text % {k: _render(v, _) for k, v in self.params.items()}

    def __str__(self) -> str:
        if self.original is not None:
            return self.original
        return self.render(translations("en").gettext)


def _render(value: Any, _: Callable[[str], str]) -> Any:
    if isinstance(value, Text):
        return value.render(_)
    if isinstance(value, list):
        return "; ".join(str(_render(v, _)) for v in value)
    return value
