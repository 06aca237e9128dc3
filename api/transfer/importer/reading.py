"""The rows of a mapped sheet: each cell parsed, or the problem with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.i18n import N_, Text
from api.transfer.columns import Column, ColumnKind
from api.transfer.importer.mapping import Plan
from api.transfer.importer.report import ImportReport, Problem, RowOutcome
from api.transfer.reader import as_text, cell_name, is_blank
from api.transfer.values import (
    CellError,
    parse_date,
    parse_int,
    parse_list,
    parse_text,
    parse_vocab,
    split_refs,
)
from graph_schema.model import Node

__all__ = ["Row", "read_rows"]


@dataclass
class Row:
    plan: Plan
    index: int
    outcome: RowOutcome
    values: dict[str, Any]
    links: dict[str, list[str]]
    node: Node | None = None


def read_rows(plan: Plan, report: ImportReport) -> list[Row]:
    """The rows below the header with values; every row's outcome goes into ``report``."""
    table = plan.table
    last = max((i for i, r in enumerate(table.rows) if any(not is_blank(v) for v in r)), default=-1)
    out = []
    for i in range(plan.header + 1, last + 1):
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
        values, links = _cells(plan, i, outcome)
        report.rows.append(outcome)
        out.append(Row(plan, i, outcome, values, links))
    return out


def _cells(plan: Plan, i: int, outcome: RowOutcome) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The parsed values and the link texts of row ``i``; problems go into ``outcome``."""
    table = plan.table
    row = table.rows[i]
    values: dict[str, Any] = {}
    links: dict[str, list[str]] = {}
    seen_merges: set[str] = set()
    for j, col in plan.columns.items():
        raw = row[j] if j < len(row) else None
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
                links[col.prop] = split_refs(raw)
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
        return parse_vocab(raw, col.vocab)
    return parse_text(raw)
