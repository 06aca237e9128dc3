"""The web UI's translations: :mod:`api.i18n`, which the import's messages share."""

from __future__ import annotations

from api.i18n import DEFAULT_LANGUAGE, LANGUAGES, LOCALE_DIR, N_, language_of, translations

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LOCALE_DIR", "N_", "language_of", "translations"]
