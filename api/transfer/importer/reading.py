"""The rows of a mapped sheet: each cell parsed, or the problem with it."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from api.i18n import N_, Text
from api.transfer.columns import Column, ColumnKind, norm
from api.transfer.importer.choices import LEFT_OUT, Target, ValueBook, split_items
from api.transfer.importer.dates import ColumnDates, column_dates
from api.transfer.importer.mapping import Plan
from api.transfer.importer.report import ImportReport, Problem, RowOutcome
from api.transfer.reader import InvalidFile, as_text, cell_name, is_blank
from api.transfer.synonyms import UMBRELLA
from api.transfer.values import (
    CellError,
    did_you_mean,
    is_withheld,
    name_key,
    parse_date,
    parse_int,
    parse_list,
    parse_text,
    parse_vocab,
)
from graph_schema.model import Node, RelType

__all__ = ["Row", "read_rows"]


@dataclass
class Row:
    plan: Plan
    index: int
    outcome: RowOutcome
    values: dict[str, Any]
    links: dict[str, list[str]]
    node: Node | None = None
    #: the tie type a tie row makes instead of its sheet's (a cooperation kind mapped to
    #: the umbrella tie)
    relation: RelType | None = None


def read_rows(
    plan: Plan, report: ImportReport, book: ValueBook, left_out: Set[int] = frozenset()
) -> list[Row]:
    """The rows below the header with values; every row's outcome goes into ``report``.

    Rows whose index is in ``left_out`` are not read (an import of the valid rows only).
    """
    table = plan.table
    last = max((i for i, r in enumerate(table.rows) if any(not is_blank(v) for v in r)), default=-1)
    dates = column_dates(plan, report)
    out = []
    for i in range(plan.header + 1, last + 1):
        if i in left_out:
            continue
        outcome = RowOutcome(table.name, i + 1, plan.spec.key)
        cells = table.rows[i]
        if all(is_blank(v) for v in cells):
            outcome.status = "skipped"
            outcome.warnings.append(Problem(None, None, Text(N_("leere Zeile"))))
            report.rows.append(outcome)
            continue
        if all(is_blank(cells[j]) if j < len(cells) else True for j in plan.columns):
            outcome.status = "skipped"
            outcome.warnings.append(
                Problem(
                    None,
                    None,
                    Text(N_("kein Wert in einer importierten Spalte (nur in nicht übernommenen)")),
                )
            )
            report.rows.append(outcome)
            continue
        values, links = _cells(plan, i, outcome, dates)
        row = Row(plan, i, outcome, values, links)
        _defaults(row)
        _answer_vocab(row, book)
        report.rows.append(outcome)
        out.append(row)
    return out


def _cells(
    plan: Plan, i: int, outcome: RowOutcome, dates: Mapping[int, ColumnDates]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The parsed values and the link texts of row ``i``; problems go into ``outcome``."""
    table = plan.table
    row = table.rows[i]
    values: dict[str, Any] = {}
    links: dict[str, list[str]] = {}
    seen_merges: set[str] = set()
    for j, col in plan.columns.items():
        raw = row[j] if j < len(row) else None
        if is_withheld(raw):
            continue  # a value its export did not show: the stored value stays
        header = plan.headers[j]
        cell = cell_name(i, j)
        if (i, j) in table.formulas:
            formula = table.formulas[(i, j)]
            if raw is None:
                outcome.reject(
                    header,
                    cell,
                    Text(
                        N_(
                            "enthält eine Formel (%(formula)s) ohne gespeichertes Ergebnis: "
                            "bitte durch ihren Wert ersetzen (Zelle kopieren, als Wert "
                            "einfügen)"
                        ),
                        {"formula": formula},
                    ),
                )
                continue
            outcome.warnings.append(
                Problem(
                    header,
                    cell,
                    Text(
                        N_(
                            "Formel %(formula)s: ihr gespeichertes Ergebnis „%(value)s“ wurde "
                            "verwendet"
                        ),
                        {"formula": formula, "value": as_text(raw)},
                    ),
                )
            )
        merged = table.merged.get((i, j)) or table.merge_origins.get((i, j))
        if merged and merged not in seen_merges and not is_blank(raw):
            seen_merges.add(merged)
            outcome.warnings.append(
                Problem(
                    header,
                    cell,
                    Text(
                        N_(
                            "verbundene Zellen %(range)s: „%(value)s“ wurde für diese Zeile "
                            "verwendet"
                        ),
                        {"range": merged, "value": as_text(raw)},
                    ),
                )
            )
        try:
            if col.kind == ColumnKind.LINK:
                links[col.prop] = split_items(parse_text(raw) or "")
                continue
            if j in dates:  # a date column: day or month first, decided per column
                values[col.prop] = dates[j].read(raw, outcome, cell)
                continue
            values[col.prop] = _parse(col, raw, outcome, header, cell)
        except CellError as e:
            outcome.reject(header, cell, e.text)
    return values, links


def _parse(col: Column, raw: Any, outcome: RowOutcome, header: str, cell: str) -> Any:
    if col.kind == ColumnKind.INT:
        return parse_int(raw)
    if col.kind == ColumnKind.DATE:
        value, warning = parse_date(raw)
        if warning:
            outcome.warnings.append(Problem(header, cell, warning))
        return value
    if col.kind == ColumnKind.LIST:
        return parse_list(raw)
    if col.kind == ColumnKind.VOCAB:
        assert col.vocab is not None
        try:
            return parse_vocab(raw, col.vocab)
        except CellError:
            # asked in the value mapping (:func:`_answer_vocab`)
            return Unknown(parse_text(raw) or "")
    return parse_text(raw)


def _defaults(row: Row) -> None:
    """The mapping's ``defaults``: one value for a field whose cell is empty or missing."""
    plan = row.plan
    for prop, value in default_values(plan).items():
        if row.values.get(prop) in (None, "", []):
            row.values[prop] = value


def default_values(plan: Plan) -> dict[str, Any]:
    """The sheet mapping's ``defaults`` (field -> value) read as the fields' values."""
    given = plan.given.get("defaults") or {}
    if not isinstance(given, dict):
        raise InvalidFile(
            Text(
                N_(
                    "Die Vorgaben (defaults) des Blatts „%(sheet)s“ müssen die Form "
                    '{"<Feld>": "<Wert>"} haben.'
                ),
                {"sheet": plan.table.name},
            )
        )
    out: dict[str, Any] = {}
    for prop, value in given.items():
        col = next((c for c in plan.spec.columns if c.prop == prop or norm(prop) in c.keys), None)
        if col is None or col.kind in (ColumnKind.LINK, ColumnKind.END_ID, ColumnKind.END_NAME):
            raise InvalidFile(
                Text(
                    N_(
                        "Die Vorgaben des Blatts „%(sheet)s“ nennen das Feld „%(field)s“, das "
                        "%(entity)s nicht hat: bitte eines dieser Felder verwenden: %(allowed)s."
                    ),
                    {
                        "sheet": plan.table.name,
                        "field": prop,
                        "entity": plan.spec.key,
                        "allowed": ", ".join(
                            c.prop
                            for c in plan.spec.columns
                            if c.kind
                            not in (ColumnKind.LINK, ColumnKind.END_ID, ColumnKind.END_NAME)
                        ),
                    },
                )
            )
        try:
            out[col.prop] = _parse(
                col, value, RowOutcome(plan.table.name, 0, plan.spec.key), "", ""
            )
        except CellError as e:
            raise InvalidFile(
                Text(
                    N_("Die Vorgabe für „%(field)s“ im Blatt „%(sheet)s“: %(problem)s."),
                    {"field": prop, "sheet": plan.table.name, "problem": e.text},
                )
            ) from None
    return out


class Unknown(str):
    """A vocabulary cell's text that names no term: the value mapping answers it."""


def _answer_vocab(row: Row, book: ValueBook) -> None:
    """Each vocabulary cell with an unknown term: the mapping's answer, else rejected."""
    plan, outcome = row.plan, row.outcome
    for j, col in plan.columns.items():
        value = row.values.get(col.prop)
        if not isinstance(value, Unknown):
            continue
        assert col.vocab is not None
        header, cell = plan.headers[j], cell_name(row.index, j)
        choice = book.decide(plan, header, str(value), col.vocab, row.index + 1)
        row.values[col.prop] = None
        if choice is None or choice is LEFT_OUT:
            if choice is None:
                outcome.reject(header, cell, _unknown(value, book, plan, header))
            continue
        assert isinstance(choice, Target)
        if col.vocab == "cooperation_kind" and choice.target == UMBRELLA:
            row.relation = RelType.BELONGS_TO
            continue
        try:
            row.values[col.prop] = parse_vocab(choice.target or choice.name, col.vocab)
        except CellError as e:
            outcome.reject(header, cell, e.text)


def _unknown(value: str, book: ValueBook, plan: Plan, header: str) -> Text:
    """Why a cell with an unknown term is rejected, and what to do."""
    q = book.questions[(plan.table.name, header, name_key(value))]
    named = q.suggestion is not None and q.suggestion.name
    hint = did_you_mean(q.suggestion.name if q.suggestion is not None and named else None)
    return Text(
        N_(
            "unbekannter Wert „%(value)s“%(hint)s: bitte in der Vorschau zuordnen oder "
            "auslassen (Befehlszeile: --map-value oder --accept-suggestions)"
        ),
        {"value": value, "hint": hint},
    )
