"""How a date column writes its dates: day or month first, decided per column, or asked.

A date written ``a/b/yyyy`` (or ``a-b-yyyy``) is ``a`` = day in most of the world and
``a`` = month in the USA. One such cell says nothing if both parts are at most 12
(``10/12/2018``); the column does: a ``31/12/2018`` in it means day first, a
``12/31/2018`` month first. A column that shows only one of the two is read that way;
one that shows both is read the way most of its cells are, and a cell against the majority
is rejected; one that shows neither is asked: the mapping says per sheet
``"dates": {"<column header>": "TMJ" | "MTJ"}`` (also ``"DMY"`` / ``"MDY"``), or every row
with an ambiguous date is rejected with the question. The report lists each column's
question or decision once (:class:`DateQuestion`). German ``31.12.2024``, ISO dates and a
year alone are not affected.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from api.i18n import N_, Text
from api.transfer.columns import ColumnKind
from api.transfer.importer.mapping import Plan
from api.transfer.importer.overrides import sheets_with
from api.transfer.importer.report import (
    DateQuestion,
    ImportReport,
    Problem,
    RowOutcome,
    SheetMapping,
)
from api.transfer.limits import InvalidFile
from api.transfer.reader import is_blank
from api.transfer.values import ORDER_FORMS, CellError, parse_date, slashed
from graph_schema.errors import InvalidValue

__all__ = [
    "ORDERS",
    "ColumnDates",
    "DateQuestion",
    "column_dates",
    "dates_of",
    "order_of",
    "with_date_orders",
]

#: the names of the two orders (German and English) -> the order
ORDERS = {"DMY": "DMY", "TMJ": "DMY", "MDY": "MDY", "MTJ": "MDY"}
#: how many cell texts a question shows
EXAMPLES = 3


def order_of(value: Any) -> str | None:
    """``"DMY"`` or ``"MDY"`` for one of the names in :data:`ORDERS` (any case), else None.

    Examples:
        >>> order_of("tmj"), order_of(" MDY "), order_of("YMD")
        ('DMY', 'MDY', None)
    """
    return ORDERS.get(value.strip().upper()) if isinstance(value, str) else None


@dataclass
class ColumnDates:
    """How one date column's cells are read."""

    sheet: str
    header: str
    #: the order its slashed dates are read in; None: an ambiguous one is asked
    order: str | None
    #: where the order comes from: "given" (the mapping), "values" (its cells) or None
    source: str | None = None
    #: a cell showing the order the column mostly writes (for a message)
    example: str | None = None
    #: the column writes both orders, equally often: every slashed date is asked
    torn: bool = False

    def read(self, raw: Any, outcome: RowOutcome, cell: str) -> dt.date | None:
        """The cell's date; a problem with it raises :class:`CellError`."""
        parts = slashed(raw)
        if parts is None:
            value, warning = parse_date(raw)
            if warning:
                outcome.warnings.append(Problem(self.header, cell, warning))
            return value
        a, b, _ = parts
        text = str(raw).strip()
        shows = _shows(a, b)
        if self.order is None:
            if (self.torn and shows) or (a != b and a <= 12 and b <= 12):
                raise CellError(self._question(text, parts))
        elif shows not in (None, self.order):
            raise CellError(self._against(text))
        return parse_date(raw, self.order)[0]

    def _question(self, text: str, parts: tuple[int, int, int]) -> Text:
        a, b, year = parts
        dmy, mdy = _german(year, b, a), _german(year, a, b)
        if dmy and mdy:
            return Text(
                N_(
                    "„%(text)s“ in „%(column)s“ kann der %(dmy)s oder der %(mdy)s sein: bitte "
                    "in der Zuordnung angeben, ob die Spalte Tag/Monat oder Monat/Tag schreibt "
                    '(Befehlszeile: --date-order "%(column)s=TMJ" oder "%(column)s=MTJ")'
                ),
                {"text": text, "column": self.header, "dmy": dmy, "mdy": mdy},
            )
        return Text(
            N_(
                "„%(text)s“ in „%(column)s“: die Spalte schreibt Daten teils Tag/Monat, teils "
                "Monat/Tag, gleich oft: bitte in der Zuordnung angeben, welche Reihenfolge gilt "
                '(Befehlszeile: --date-order "%(column)s=TMJ" oder "%(column)s=MTJ"), und die '
                "übrigen Daten korrigieren"
            ),
            {"text": text, "column": self.header},
        )

    def _against(self, text: str) -> Text:
        assert self.order is not None
        if self.source == "given":
            return Text(
                N_(
                    "„%(text)s“ in „%(column)s“ ist kein Datum der Form %(form)s, die die "
                    "Zuordnung für die Spalte angibt: bitte prüfen und als 31.12.2024 oder "
                    "2024-12-31 schreiben"
                ),
                {"text": text, "column": self.header, "form": ORDER_FORMS[self.order]},
            )
        return Text(
            N_(
                "„%(text)s“ in „%(column)s“ passt nicht zu den übrigen Daten der Spalte, die "
                "%(form)s schreiben (z. B. „%(example)s“): bitte prüfen und als 31.12.2024 "
                "oder 2024-12-31 schreiben"
            ),
            {
                "text": text,
                "column": self.header,
                "form": ORDER_FORMS[self.order],
                "example": self.example,
            },
        )


def _shows(a: int, b: int) -> str | None:
    """The order a slashed date's parts ``a``, ``b`` show by themselves, if any."""
    if a > 12 and b <= 12:
        return "DMY"
    if b > 12 and a <= 12:
        return "MDY"
    return None


def _german(year: int, month: int, day: int) -> str | None:
    try:
        return f"{dt.date(year, month, day):%d.%m.%Y}"
    except ValueError:
        return None


@dataclass
class _Seen:
    """What a column's slashed dates show."""

    dmy: list[str] = field(default_factory=list)
    mdy: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)


def _seen(plan: Plan, j: int) -> _Seen:
    seen = _Seen()
    for row in plan.table.rows[plan.header + 1 :]:
        raw = row[j] if j < len(row) else None
        parts = None if is_blank(raw) else slashed(raw)
        if parts is None:
            continue
        a, b, _ = parts
        text = str(raw).strip()
        shows = _shows(a, b)
        if shows == "DMY":
            seen.dmy.append(text)
        elif shows == "MDY":
            seen.mdy.append(text)
        elif a != b and a <= 12 and b <= 12:
            seen.ambiguous.append(text)
    return seen


def column_dates(plan: Plan, report: ImportReport) -> dict[int, ColumnDates]:
    """How each date column of ``plan`` is read (column index -> its reading); each
    column's question or decision goes into ``report.date_questions``."""
    given = _given(plan)
    out: dict[int, ColumnDates] = {}
    for j, col in plan.columns.items():
        if col.kind != ColumnKind.DATE:
            continue
        header = plan.headers[j]
        dates, question = _decide(plan.table.name, header, _seen(plan, j), given.get(header))
        out[j] = dates
        if question is not None and question not in report.date_questions:
            report.date_questions.append(question)
    return out


def _decide(
    sheet: str, header: str, seen: _Seen, choice: str | None
) -> tuple[ColumnDates, DateQuestion | None]:
    """A column's reading and its entry in the report (None: nothing to tell)."""
    asked = len(seen.ambiguous)
    examples = seen.ambiguous[:EXAMPLES]
    if choice is not None:
        dates = ColumnDates(sheet, header, choice, "given")
        return dates, DateQuestion(sheet, header, examples, asked, choice)
    if len(seen.dmy) != len(seen.mdy):
        order = "DMY" if len(seen.dmy) > len(seen.mdy) else "MDY"
        example = (seen.dmy if order == "DMY" else seen.mdy)[0]
        dates = ColumnDates(sheet, header, order, "values", example)
        question = DateQuestion(sheet, header, examples, asked, None, decided=order, reason=example)
        return dates, question
    if seen.dmy:  # both orders, equally often
        torn = [*seen.dmy, *seen.mdy, *seen.ambiguous]
        dates = ColumnDates(sheet, header, None, torn=True)
        question = DateQuestion(sheet, header, torn[:EXAMPLES], len(torn), None)
        return dates, question
    dates = ColumnDates(sheet, header, None)
    return dates, (DateQuestion(sheet, header, examples, asked, None) if asked else None)


def _given(plan: Plan) -> dict[str, str]:
    """The mapping's ``dates`` for ``plan``'s sheet, checked: column header -> order."""
    given = plan.given.get("dates") or {}
    sheet = plan.table.name
    if not isinstance(given, Mapping):
        raise InvalidFile(
            Text(
                N_(
                    "Die Datumsreihenfolgen (dates) der Zuordnung des Blatts „%(sheet)s“ "
                    'müssen ein Objekt sein: {"<Spaltenkopf>": "TMJ" oder "MTJ"}.'
                ),
                {"sheet": sheet},
            )
        )
    columns = [
        plan.headers[j] for j, c in sorted(plan.columns.items()) if c.kind == ColumnKind.DATE
    ]
    out: dict[str, str] = {}
    for header, value in given.items():
        if header not in columns:
            raise InvalidFile(
                Text(
                    N_(
                        "Die Zuordnung gibt für „%(column)s“ im Blatt „%(sheet)s“ an, wie Daten "
                        "geschrieben sind, aber das ist keine Datumsspalte des Blatts: bitte "
                        "eine dieser Spalten verwenden: %(have)s."
                    ),
                    {
                        "column": header,
                        "sheet": sheet,
                        "have": ", ".join(f"'{h}'" for h in columns) or "–",
                    },
                )
            )
        order = order_of(value)
        if order is None:
            raise InvalidFile(
                Text(
                    N_(
                        "Die Zuordnung gibt für „%(column)s“ im Blatt „%(sheet)s“ die "
                        "Reihenfolge „%(order)s“ an: bitte TMJ (Tag/Monat/Jahr) oder MTJ "
                        "(Monat/Tag/Jahr) angeben."
                    ),
                    {"column": header, "sheet": sheet, "order": str(value)},
                )
            )
        out[header] = order
    return out


def dates_of(report: ImportReport, sheet: str) -> dict[str, str]:
    """The orders given for ``sheet``'s date columns, as the mapping's ``dates`` says them
    (column header -> ``"DMY"`` or ``"MDY"``); empty when none was given."""
    return {q.column: q.choice for q in report.date_questions if q.sheet == sheet and q.choice}


def with_date_orders(
    mapping: Mapping[str, Any] | None, texts: Sequence[str], sheets: Sequence[SheetMapping]
) -> dict[str, Any]:
    """``mapping`` with the orders of the CLI's ``--date-order`` options added.

    Args:
        mapping: the mapping so far (from a file, ``--map`` and ``--sheet``), or None.
        texts: ``[SHEET:]COLUMN=ORDER`` (ORDER: TMJ or MTJ, also DMY or MDY); without a
            sheet, the order applies to every sheet with the column.
        sheets: the file's sheets as detected (:func:`detect_mapping`).
    """
    result = copy.deepcopy(dict(mapping or {}))
    given: dict[str, Any] = result["sheets"] if "sheets" in result else result
    names = [s.sheet for s in sheets]
    renamed = len(names) == 1 and len(given) == 1 and names[0] not in given
    for text in texts:
        sheet, column, order = _date_option(text, names)
        for name in sheets_with(column, sheet, sheets, f"--date-order {text!r}"):
            key = next(iter(given)) if renamed else name
            entry = dict(given.get(key) or {})
            entry["dates"] = {**(entry.get("dates") or {}), column: order}
            given[key] = entry
    return result if "sheets" in result else {"sheets": given}


def _date_option(text: str, names: Sequence[str]) -> tuple[str | None, str, str]:
    """A ``--date-order`` option's sheet (or None), column and order."""
    left, sep, right = text.rpartition("=")
    order = order_of(right)
    if not sep or not left.strip() or order is None:
        raise InvalidValue(
            f'--date-order {text!r}: write "COLUMN=TMJ" for day/month/year or "COLUMN=MTJ" '
            'for month/day/year (also DMY, MDY), optionally "SHEET:COLUMN=TMJ".'
        )
    sheet, colon, column = left.partition(":")
    if colon and sheet.strip() in names and column.strip():
        return sheet.strip(), column.strip(), order
    return None, left.strip(), order
