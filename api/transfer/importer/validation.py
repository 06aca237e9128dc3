"""The changes an import makes so far, and the checks every row goes through.

:class:`Changes` resolves references (a name or id of another entry), derives ids for new
entries and explains a model's validation error by the file's columns; the node rows
(:mod:`.nodes`) and tie rows (:mod:`.ties`) build on it.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from api.i18n import N_, Text
from api.model_errors import message_for
from api.transfer.importer.lookup import Index, vocabulary_node
from api.transfer.importer.mapping import Plan
from api.transfer.importer.reading import Row
from api.transfer.importer.report import ImportReport, RowOutcome
from api.transfer.reader import cell_name
from api.transfer.values import CellError, comma_parts
from graph_schema.model import Node, NodeLabel, RelType, Tie
from graph_schema.store import GraphStore

__all__ = ["Changes", "changed_values", "derived_id", "explain"]


def derived_id(prefix: str, *parts: object) -> str:
    """An id for a new entry, the same for the same parts: an import run twice finds it."""
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:12]
    return f"{prefix}-{digest}"


def changed_values(
    plan: Plan, before: dict[str, Any], after: dict[str, Any]
) -> list[dict[str, Any]]:
    """What an imported row changes in a stored entry or tie: one item per property, with
    the column it came from and the old and new value."""
    return [
        {"column": plan.header_of(p), "property": p, "old": before.get(p), "new": after.get(p)}
        for p in after
        if before.get(p) != after.get(p)
    ]


def explain(error: ValidationError, plan: Plan, outcome: RowOutcome, row: int) -> None:
    """Reject the row with a message per error of the model, naming the column where it can."""
    for err in error.errors():
        prop = str(err["loc"][0]) if err["loc"] else None
        msg = str(err["msg"]).removeprefix("Value error, ")
        # pydantic's own English stays what the API says
        text = replace(message_for(err), original=msg)
        if prop is None:
            # The model's checks across fields: name the later date's column.
            prop = next((p for p in ("until", "ends_on") if p in msg), None)
            if prop is not None:
                text = Text(N_("Das Ende darf nicht vor dem Beginn liegen."), original=msg)
            if prop is None or not plan.has(prop):
                outcome.reject(None, None, text)
                continue
        header = plan.header_of(prop)
        cell = next((cell_name(row, j) for j, c in plan.columns.items() if c.prop == prop), None)
        if err["type"] == "missing":
            text = (
                Text(N_("Pflichtfeld: bitte „%(header)s“ ausfüllen"), {"header": header})
                if plan.has(prop)
                else Text(
                    N_(
                        "Pflichtfeld, aber das Blatt hat keine Spalte dafür: bitte eine Spalte "
                        "„%(header)s“ ergänzen"
                    ),
                    {"header": header},
                )
            )
        elif err["type"] == "string_pattern_mismatch":
            text = Text(
                N_(
                    "bitte 1 bis 100 Buchstaben, Ziffern, '-', '_', '.' oder ':' verwenden, "
                    "beginnend mit Buchstabe oder Ziffer"
                )
            )
        outcome.reject(header, cell, text)


class Changes:
    """The entries and ties to write, their history, and which row claimed which id."""

    def __init__(self, store: GraphStore, report: ImportReport) -> None:
        self.store = store
        self.report = report
        self.index = Index(store)
        self.nodes: dict[str, Node] = {}
        self.ties: dict[str, Tie] = {}
        self.history: list[tuple[str, str, dict[str, Any] | None, dict[str, Any]]] = []
        self.claimed: dict[str, RowOutcome] = {}

    def _resolve(self, text: str, labels: tuple[NodeLabel, ...]) -> str:
        """The id ``text`` names; a shipped field or target group is created when missing."""
        try:
            return self.index.resolve(text, labels)
        except CellError:
            for label in labels:
                node = vocabulary_node(label, text)
                if node is not None and node.id not in self.index.nodes:
                    self.nodes[node.id] = node
                    self.index.add(node)
                    self.history.append((label, node.id, None, node.model_dump(mode="json")))
                    return node.id
            raise

    def _provides(self, org_id: str, offer_id: str) -> bool:
        return bool(self.index.between.get((RelType.PROVIDES, org_id, offer_id)))

    def _refs(self, row: Row, prop: str) -> list[str]:
        col = row.plan.spec.column(prop)
        assert col.link is not None
        ids = []
        j = next(j for j, c in row.plan.columns.items() if c.prop == prop)
        for text in row.links.get(prop, []):
            try:
                ids.append(self._resolve(text, col.link.other))
                continue
            except CellError as e:
                parts = comma_parts(text)
                if len(parts) < 2:
                    row.outcome.reject(row.plan.headers[j], cell_name(row.index, j), e.text)
                    continue
            for part in parts:
                try:
                    ids.append(self._resolve(part, col.link.other))
                except CellError as e:
                    row.outcome.reject(row.plan.headers[j], cell_name(row.index, j), e.text)
        return list(dict.fromkeys(ids))

    def _new_tie(self, tie: Tie) -> None:
        self.ties[tie.id] = tie
        self.index.add_tie(tie)
        self.history.append(
            (tie.type, tie.id, None, {"type": tie.type, **tie.model_dump(mode="json")})
        )
