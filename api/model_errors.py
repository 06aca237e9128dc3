"""What a person reads for a validation error of the graph model, by the error's type.

The entity forms show it beside a field, the import beside a cell; both in the reader's
language (see :class:`api.i18n.Text`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.i18n import N_, Text

__all__ = ["message_for"]


def message_for(error: Mapping[str, Any]) -> Text:
    """The message for one of pydantic's ``ValidationError.errors()``.

    Examples:
        >>> str(message_for({"type": "string_too_long", "ctx": {"max_length": 300}}))
        'At most 300 characters.'
    """
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("missing", "string_too_short"):
        return Text(N_("Bitte ausfüllen."))
    if kind == "string_too_long":
        return Text(N_("Höchstens %(n)s Zeichen."), {"n": ctx.get("max_length", "?")})
    if kind == "enum" or kind == "literal_error":
        return Text(N_("Bitte einen Eintrag aus der Liste wählen."))
    if kind == "greater_than_equal":
        return Text(N_("Mindestens %(n)s."), {"n": ctx.get("ge", "?")})
    if kind == "less_than_equal":
        return Text(N_("Höchstens %(n)s."), {"n": ctx.get("le", "?")})
    if kind == "string_pattern_mismatch":
        return Text(
            N_(
                "Nur Buchstaben, Ziffern, '-', '_', '.' und ':' (höchstens 100), "
                "beginnend mit Buchstabe oder Ziffer."
            )
        )
    return Text(N_("Ungültiger Wert."))
