"""Cell values as the model's types: text, whole numbers, dates, lists and vocabulary codes.

Every parser returns the value and, where it had to guess, a warning; a value it cannot
read raises :class:`CellError` with a message that says what to write instead. Messages are
:class:`api.i18n.Text`: German, translated where they are shown.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rapidfuzz import process

from api.i18n import N_, Text
from api.transfer.columns import VOCABULARIES, norm
from api.transfer.reader import as_text, is_blank
from api.transfer.table import Verbatim
from graph_schema.vocab import label_for

__all__ = [
    "CellError",
    "did_you_mean",
    "name_key",
    "parse_date",
    "parse_int",
    "parse_list",
    "parse_text",
    "parse_vocab",
    "split_refs",
    "comma_parts",
]

DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%y")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_THOUSANDS = re.compile(r"^\d{1,3}([. ]\d{3})+$")
_SPACES = re.compile(r"[ \t\u00a0]+")


class CellError(ValueError):
    """A cell whose value cannot be read; ``text`` says what to write instead."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


def did_you_mean(name: str | None) -> Text | str:
    """A hint at the closest known name, for the end of a message; nothing without one."""
    if name is None:
        return ""
    return Text(N_(" (meinten Sie „%(name)s“?)"), {"name": name})


def name_key(text: str) -> str:
    """A name compared without case and extra spaces (entries are matched by it).

    Examples:
        >>> name_key("  Caritas   Lindenau ") == name_key("caritas lindenau")
        True
    """
    return " ".join(text.casefold().split())


def _escaped(value: Any) -> bool:
    """Whether ``value`` starts with the ``'`` a CSV export puts before a formula start
    (or before a value's own ``'`` and a formula start: ``''+49`` is ``'+49``)."""
    if not isinstance(value, str) or isinstance(value, Verbatim) or value[:1] != "'":
        return False
    rest = value[2:] if value[1:2] == "'" else value[1:]
    return rest[:1] in ("=", "+", "-", "@")


def _like(value: Any, part: str) -> str:
    """A part of a cell, as verbatim as the cell."""
    return Verbatim(part) if isinstance(value, Verbatim) else part


def parse_text(value: Any) -> str | None:
    """Text without leading, trailing and repeated spaces; None for an empty cell.

    A ``'`` before a formula start (``'=``, ``'+``, ``'-``, ``'@``), which CSV exports and
    spreadsheet programs put there to keep a cell text, is removed, except from a workbook's
    text (:class:`~api.transfer.table.Verbatim`), which needs no such mark.

    Examples:
        >>> parse_text("  AWO   Lindenau "), parse_text("'+49 0000 1")
        ('AWO Lindenau', '+49 0000 1')
    """
    if is_blank(value):
        return None
    if _escaped(value):
        value = value[1:]
    lines = [_SPACES.sub(" ", line).strip() for line in as_text(value).strip().splitlines()]
    return "\n".join(lines)


def parse_int(value: Any) -> int | None:
    """A whole number; German thousands separators (``12.000``) are accepted.

    Examples:
        >>> parse_int("12.000"), parse_int(3.0), parse_int(" 7 ")
        (12000, 3, 7)
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(
            Text(
                N_("%(value)s ist keine ganze Zahl: bitte z. B. 12000 schreiben"), {"value": value}
            )
        )
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = as_text(value).strip()
    if _THOUSANDS.match(text):
        text = re.sub(r"[. ]", "", text)
    try:
        return int(text)
    except ValueError:
        raise CellError(
            Text(N_("„%(text)s“ ist keine ganze Zahl: bitte z. B. 12000 schreiben"), {"text": text})
        ) from None


def parse_date(value: Any) -> tuple[dt.date | None, Text | None]:
    """A date from a date cell, ``31.12.2024``, ``2024-12-31``, ``31/12/2024`` or ``31.12.24``.

    A year alone (``1998``) is taken as 1 January of that year, with a warning.

    Examples:
        >>> parse_date("31.12.2024")[0], parse_date("2024-12-31")[0], parse_date("31/12/2024")[0]
        (datetime.date(2024, 12, 31), datetime.date(2024, 12, 31), datetime.date(2024, 12, 31))
        >>> day, warning = parse_date("1998")
        >>> day, str(warning)
        (datetime.date(1998, 1, 1), 'only a year was given: 01.01.1998 was used')
    """
    if is_blank(value):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    text = as_text(value).strip()
    if _YEAR.match(text):
        return dt.date(int(text), 1, 1), Text(
            N_("nur ein Jahr angegeben: der 01.01.%(year)s wurde verwendet"), {"year": text}
        )
    candidate = text.split("T")[0].split(" ")[0]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(candidate, fmt).date(), None
        except ValueError:
            continue
    raise CellError(
        Text(
            N_("„%(text)s“ ist kein Datum: bitte als 31.12.2024 oder 2024-12-31 schreiben"),
            {"text": text},
        )
    )


def parse_list(value: Any) -> list[str]:
    """Several values in one cell, separated by ``,``, ``;``, ``|`` or line breaks.

    Examples:
        >>> parse_list("de, ar; uk")
        ['de', 'ar', 'uk']
    """
    if is_blank(value):
        return []
    parts = re.split(r"[,;|\n]", as_text(value))
    out: list[str] = []
    for part in parts:
        text = parse_text(_like(value, part))
        if text and text not in out:
            out.append(text)
    return out


def split_refs(value: Any) -> list[str]:
    """Names or ids in a link cell, separated by ``;``, ``|`` or line breaks.

    A part with commas may be one name ("Kultur, Religion und Sport") or several
    ("Wohnen, Gesundheit"); :func:`comma_parts` splits it when it is not one name.

    Examples:
        >>> split_refs("Caritas, Region Nord; AWO")
        ['Caritas, Region Nord', 'AWO']
    """
    if is_blank(value):
        return []
    out: list[str] = []
    for part in re.split(r"[;|\n]", as_text(value)):
        item = parse_text(_like(value, part))
        if item and item not in out:
            out.append(item)
    return out


def comma_parts(text: str) -> list[str]:
    """The comma-separated parts of a link cell's part.

    Examples:
        >>> comma_parts("Wohnen, Gesundheit")
        ['Wohnen', 'Gesundheit']
    """
    return [p for p in (parse_text(x) for x in text.split(",")) if p]


def parse_vocab(value: Any, vocabulary: str) -> str | None:
    """A vocabulary code from its code, German or English term or a usual synonym.

    Examples:
        >>> parse_vocab("Wohlfahrtsverband", "organisation_kind")
        'welfare_association'
        >>> parse_vocab(" mso ", "organisation_kind")
        'migrant_organisation'
    """
    if is_blank(value):
        return None
    terms = VOCABULARIES[vocabulary]
    text = parse_text(value) or ""
    code = terms.get(norm(text))
    if code is not None:
        return code
    codes = list(dict.fromkeys(terms.values()))
    names = [label_for(c) for c in codes]
    best = process.extractOne(text, names, score_cutoff=75)
    raise CellError(
        Text(
            N_(
                "unbekannter Wert „%(text)s“%(hint)s: bitte einen dieser Werte verwenden: %(names)s"
            ),
            {
                "text": text,
                "hint": did_you_mean(best[0] if best else None),
                "names": ", ".join(names),
            },
        )
    )
