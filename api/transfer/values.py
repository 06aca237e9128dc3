"""Cell values as the model's types: text, whole numbers, dates, lists and vocabulary codes.

Every parser returns the value and, where it had to guess, a warning; a value it cannot
read raises :class:`CellError` with a message that says what to write instead. Messages are
:class:`api.i18n.Text`: German, translated where they are shown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from rapidfuzz import process

from api.i18n import N_, Text
from api.transfer.columns import VOCABULARIES, norm
from api.transfer.reader import as_text, is_blank
from api.transfer.table import Verbatim
from graph_schema.vocab import label_for

__all__ = [
    "ORDER_FORMS",
    "CellError",
    "did_you_mean",
    "name_key",
    "parse_date",
    "parse_int",
    "parse_list",
    "parse_text",
    "parse_vocab",
    "slashed",
    "split_refs",
    "comma_parts",
    "WITHHELD",
    "clean_text",
    "format_list",
    "is_withheld",
    "normal_form",
]

DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y")
#: a date written ``a/b/yyyy`` or ``a-b-yyyy``: day or month first (see :func:`parse_date`)
_SLASHED = re.compile(r"^(\d{1,2})([/-])(\d{1,2})\2(\d{4})$")
#: how each order of a slashed date is named in messages
ORDER_FORMS = {"DMY": Text(N_("Tag/Monat/Jahr")), "MDY": Text(N_("Monat/Tag/Jahr"))}
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_THOUSANDS = re.compile(r"^\d{1,3}([. ]\d{3})+$")
_SPACES = re.compile(r"[ \t\u00a0]+")
#: characters no cell keeps: C0 controls but tab, line feed and carriage return (XML 1.0,
#: so XLSX, cannot hold them), and the two non-characters
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: what an export writes in a cell whose value its user may not see (another organisation's
#: contact person's e-mail, in a partner's export); the import keeps the stored value there
WITHHELD = "(verborgen)"
#: the characters that separate a list cell's items
LIST_SEPARATORS = ",;|\n"
#: one item of a list cell and its separator: ``"..."`` (``""`` for a quote inside) when the
#: item holds a separator, else the text up to the next separator
_LIST_ITEM = re.compile(
    r'[ \t\u00a0]*"((?:[^"]|"")*)"[ \t\u00a0]*(?:[,;|\n]|\Z)|([^,;|\n]*)(?:[,;|\n]|\Z)'
)


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


def is_withheld(value: Any) -> bool:
    """Whether a cell says :data:`WITHHELD`: the value is not in the file, not empty.

    Examples:
        >>> is_withheld(" (verborgen) "), is_withheld(None), is_withheld("")
        (True, False, False)
    """
    return isinstance(value, str) and value.strip() == WITHHELD


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
    return clean_text(as_text(value))


def clean_text(text: str) -> str:
    """Text in the import's normal form: no control characters, no leading, trailing or
    repeated spaces on a line, line breaks as ``\\n``.

    Examples:
        >>> clean_text("  Zeile 1\\r\\n\\teingerückt  ")
        'Zeile 1\\neingerückt'
    """
    text = _CONTROL.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.strip().splitlines())


def normal_form(value: Any) -> Any:
    """A stored value as the import reads it back from a cell that holds it: text in
    :func:`clean_text`'s form (None when that is empty), a list without empty or repeated
    items; other values as they are.

    Examples:
        >>> normal_form("Doppel  Leer"), normal_form(["de", " ", "de"]), normal_form(3)
        ('Doppel Leer', ['de'], 3)
    """
    if isinstance(value, str):
        return clean_text(value) or None
    if isinstance(value, list):
        return list(dict.fromkeys(t for t in (normal_form(v) for v in value) if t))
    return value


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


def parse_date(value: Any, order: str | None = None) -> tuple[dt.date | None, Text | None]:
    """A date from a date cell, ``31.12.2024``, ``2024-12-31``, ``31.12.24`` or ``31/12/2024``.

    A date written ``a/b/yyyy`` (or ``a-b-yyyy``) is read in ``order``: ``"DMY"`` (day
    first) or ``"MDY"`` (month first). Without an order it is read the only way it can be
    (``31/12/2024``, ``12/31/2024``, ``5/5/2024``); one that can be read both ways
    (``10/12/2018``) is refused rather than guessed. A year alone (``1998``) is taken as
    1 January of that year, with a warning.

    Examples:
        >>> parse_date("31.12.2024")[0], parse_date("2024-12-31")[0], parse_date("31/12/2024")[0]
        (datetime.date(2024, 12, 31), datetime.date(2024, 12, 31), datetime.date(2024, 12, 31))
        >>> parse_date("12/31/2024")[0], parse_date("10/12/2018", "MDY")[0]
        (datetime.date(2024, 12, 31), datetime.date(2018, 10, 12))
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
    parts = slashed(candidate)
    if parts is not None:
        return _slashed(text, parts, order), None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(candidate, fmt).date(), None
        except ValueError:
            continue
    raise _not_a_date(text)


def slashed(text: Any) -> tuple[int, int, int] | None:
    """The parts ``a``, ``b``, year of a date written ``a/b/yyyy`` or ``a-b-yyyy``, else None.

    Examples:
        >>> slashed("10/12/2018"), slashed("1-2-2020"), slashed("2018-12-10")
        ((10, 12, 2018), (1, 2, 2020), None)
    """
    if not isinstance(value := text, str):
        return None
    m = _SLASHED.match(value.strip().split("T")[0].split(" ")[0])
    return (int(m[1]), int(m[3]), int(m[4])) if m else None


def _slashed(text: str, parts: tuple[int, int, int], order: str | None) -> dt.date:
    a, b, year = parts
    if order is None:
        if a <= 12 and b <= 12 and a != b:
            dmy, mdy = _day(year, b, a), _day(year, a, b)
            raise CellError(
                Text(
                    N_(
                        "„%(text)s“ kann der %(dmy)s oder der %(mdy)s sein: bitte eindeutig "
                        "schreiben, z. B. %(dmy)s oder %(iso)s"
                    ),
                    {
                        "text": text,
                        "dmy": f"{dmy:%d.%m.%Y}" if dmy else "",
                        "mdy": f"{mdy:%d.%m.%Y}" if mdy else "",
                        "iso": dmy.isoformat() if dmy else "",
                    },
                )
            )
        order = "DMY" if a > 12 or a == b else "MDY"
    day = _day(year, b, a) if order == "DMY" else _day(year, a, b)
    if day is None:
        if (a > 12) != (b > 12):  # a date, but not in the order given
            raise CellError(
                Text(
                    N_(
                        "„%(text)s“ ist kein Datum der Form %(form)s, die für diese Spalte "
                        "gilt: bitte prüfen und als 31.12.2024 oder 2024-12-31 schreiben"
                    ),
                    {"text": text, "form": ORDER_FORMS[order]},
                )
            )
        raise _not_a_date(text)
    return day


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _not_a_date(text: str) -> CellError:
    return CellError(
        Text(
            N_("„%(text)s“ ist kein Datum: bitte als 31.12.2024 oder 2024-12-31 schreiben"),
            {"text": text},
        )
    )


def parse_list(value: Any) -> list[str]:
    """Several values in one cell, separated by ``,``, ``;``, ``|`` or line breaks.

    An item in double quotes is one item, whatever separators it holds (``""`` is a quote
    in it): :func:`format_list` writes a list so.

    Examples:
        >>> parse_list("de, ar; uk")
        ['de', 'ar', 'uk']
        >>> parse_list('"Beratung, Begleitung", Sprache')
        ['Beratung, Begleitung', 'Sprache']
    """
    if is_blank(value):
        return []
    text = as_text(value)
    out: list[str] = []
    pos = 0
    while pos < len(text):
        m = _LIST_ITEM.match(text, pos)
        assert m is not None  # the second alternative matches anywhere
        part = m[2] if m[1] is None else m[1].replace('""', '"')
        pos = m.end()
        # stripped first: the ``'`` before a formula start is the item's first character
        item = parse_text(_like(value, part.strip(" \t\u00a0")))
        if item and item not in out:
            out.append(item)
    return out


def format_list(items: Iterable[str]) -> str:
    """A list as one cell that :func:`parse_list` reads back: items separated by ``, ``,
    in double quotes when one holds a separator or begins with a quote.

    Examples:
        >>> format_list(["Beratung, Begleitung", "Sprache"])
        '"Beratung, Begleitung", Sprache'
        >>> parse_list(format_list(['A|B', '"zitiert"', "de"]))
        ['A|B', '"zitiert"', 'de']
    """
    return ", ".join(_list_item(item) for item in items)


def _list_item(item: str) -> str:
    if item.startswith('"') or any(c in item for c in LIST_SEPARATORS):
        return '"' + item.replace('"', '""') + '"'
    return item


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
