"""The changes an import makes so far, and the checks every row goes through.

:class:`Changes` resolves references (a name or id of another entry), derives ids for new
entries and explains a model's validation error by the file's columns; the node rows
(:mod:`.nodes`) and tie rows (:mod:`.ties`) build on it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from api.i18n import N_, NP_, Text
from api.model_errors import message_for
from api.transfer.columns import VOCABULARIES
from api.transfer.importer.choices import LEFT_OUT, Target, ValueBook, strip_note
from api.transfer.importer.lookup import Index, vocabulary_node
from api.transfer.importer.mapping import Plan
from api.transfer.importer.reading import Row
from api.transfer.importer.report import WORD, ImportReport, RowOutcome
from api.transfer.reader import cell_name
from api.transfer.synonyms import UMBRELLA
from api.transfer.values import CellError, comma_parts, did_you_mean, name_key, normal_form
from graph_schema.model import ID_PREFIX, NODE_MODELS, Node, NodeLabel, RelType, Tie
from graph_schema.store import GraphStore
from graph_schema.vocab import FIELDS, STATES, TARGET_GROUPS, AreaKind, label_for, state_of

#: the umbrella tie among the cooperation kinds a value may be mapped to
UMBRELLA_NAME = NP_(
    "Importmeldung", "Dachverband / Mitgliedschaft (Zugehörigkeit, keine Kooperation)"
)

__all__ = [
    "Changes",
    "changed_values",
    "derived_id",
    "entry_targets",
    "explain",
    "unedited",
    "vocabulary_targets",
]


def vocabulary_targets(kind: str) -> list[tuple[str, str]]:
    """The terms of a vocabulary as (code, German name); a cooperation kind may also be the
    umbrella tie."""
    codes = list(dict.fromkeys(VOCABULARIES[kind].values()))
    pairs = [(c, label_for(c)) for c in codes]
    if kind == "cooperation_kind":
        pairs.append((UMBRELLA, UMBRELLA_NAME.msgid))
    return pairs


def entry_targets(nodes: Iterable[Node], label: NodeLabel) -> list[tuple[str, str]]:
    """The entries ``nodes`` (all of ``label``) as (id, name), with the shipped fields or
    target groups that are not stored yet."""
    pairs = sorted((n.id, n.display_name) for n in nodes)
    shipped = {NodeLabel.FIELD: FIELDS, NodeLabel.TARGET_GROUP: TARGET_GROUPS}.get(label, {})
    have = {i for i, _ in pairs}
    return pairs + [(code, names.de) for code, names in shipped.items() if code not in have]


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


def unedited(before: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` read from a row, with the stored value kept where a cell holds it.

    The import writes text in a normal form (:func:`~api.transfer.values.clean_text`: single
    spaces, no indentation, ``\\n`` line breaks); a value stored in another form (through
    a form or the API) reads back as its normal form, and is not an edit: the file's own
    export, imported again, changes nothing.
    """
    return {
        k: before[k] if k in before and normal_form(before[k]) == v else v
        for k, v in values.items()
    }


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

    def __init__(
        self, store: GraphStore, report: ImportReport, *, accept_suggestions: bool = False
    ) -> None:
        self.store = store
        self.report = report
        self.index = Index(store)
        self.book = ValueBook(
            self.candidates, accept_suggestions=accept_suggestions, state=self.state_target
        )
        self.nodes: dict[str, Node] = {}
        self.ties: dict[str, Tie] = {}
        self.history: list[tuple[str, str, dict[str, Any] | None, dict[str, Any]]] = []
        self.claimed: dict[str, RowOutcome] = {}
        #: (sheet, field) -> a required field without a column, and how many rows miss it
        self.missing: dict[tuple[str, str], dict[str, Any]] = {}
        #: the Länder of the places the file names (:meth:`note_places`)
        self.places: Counter[tuple[str, str]] = Counter()

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

    def _known(self, text: str, labels: tuple[NodeLabel, ...]) -> bool:
        """Whether ``text`` names an entry of ``labels`` or a shipped field or target group."""
        return self.index.knows(text, labels) or any(
            vocabulary_node(label, text) is not None for label in labels
        )

    def _provides(self, org_id: str, offer_id: str) -> bool:
        return bool(self.index.between.get((RelType.PROVIDES, org_id, offer_id)))

    def _refs(self, row: Row, prop: str) -> list[str]:
        """The ids of the entries a link cell names."""
        return list(dict.fromkeys(i for i, _ in self._linked(row, prop)))

    def _linked(self, row: Row, prop: str) -> list[tuple[str, str | None]]:
        """The ids of the entries a link cell names, each with its note in brackets."""
        col = row.plan.spec.column(prop)
        assert col.link is not None
        j = next(j for j, c in row.plan.columns.items() if c.prop == prop)
        out: dict[str, str | None] = {}
        for text in row.links.get(prop, []):
            for entry_id, note in self._link_item(row, j, text, col.link.other):
                out[entry_id] = out.get(entry_id) or note
        return list(out.items())

    def _link_item(
        self, row: Row, j: int, text: str, labels: tuple[NodeLabel, ...]
    ) -> list[tuple[str, str | None]]:
        """The entries one item of a link cell names: itself, without its note in brackets,
        its comma-separated parts, or the value mapping's answer for it."""
        plan, header = row.plan, row.plan.headers[j]
        name, note = strip_note(text)
        if self.book.given(plan, header, name) is None:
            for candidate, its_note in ((text, None), (name, note)):
                if self._known(candidate, labels):
                    try:
                        return [(self._resolve(candidate, labels), its_note)]
                    except CellError as e:  # several of that name
                        row.outcome.reject(header, cell_name(row.index, j), e.text)
                        return []
            parts = comma_parts(name)
            if len(parts) > 1 and all(self._known(part, labels) for part in parts):
                try:
                    return [(self._resolve(part, labels), note) for part in parts]
                except CellError as e:
                    row.outcome.reject(header, cell_name(row.index, j), e.text)
                    return []
        choice = self.book.decide(plan, header, name, str(labels[0]), row.index + 1)
        if choice is LEFT_OUT:
            return []
        if choice is None:
            row.outcome.reject(header, cell_name(row.index, j), self._unknown_item(row, j, name))
            return []
        assert isinstance(choice, Target)
        if choice.new:
            return [(self._create(labels[0], choice.name), note)]
        try:
            return [(self._resolve(choice.target or choice.name, labels), note)]
        except CellError as e:
            row.outcome.reject(header, cell_name(row.index, j), e.text)
            return []

    def _unknown_item(self, row: Row, j: int, name: str) -> Text:
        """Why an item naming no entry is rejected, and what to do."""
        q = self.book.questions[(row.plan.table.name, row.plan.headers[j], name_key(name))]
        hint = did_you_mean(q.suggestion.name if q.suggestion and q.suggestion.name else None)
        what = (
            Text(N_("bitte in der Vorschau zuordnen, neu anlegen oder auslassen"))
            if q.can_create
            else Text(
                N_("bitte in der Vorschau zuordnen oder auslassen, oder den Eintrag zuerst anlegen")
            )
        )
        return Text(
            N_(
                "„%(name)s“ (%(kinds)s) gibt es weder in der Datei noch im Bestand%(hint)s: "
                "%(what)s (Befehlszeile: --map-value oder --accept-suggestions)"
            ),
            {"name": name, "kinds": WORD[NodeLabel(q.kind)], "hint": hint, "what": what},
        )

    def _create(self, label: NodeLabel, name: str) -> str:
        """A new entry of ``label`` named ``name`` (the value mapping's "create"); its id."""
        hits = self.index.named(label, name)
        if len(hits) == 1:
            return hits.pop()
        model = NODE_MODELS[label]
        data: dict[str, Any] = {model.name_property: name}
        node_id = derived_id(ID_PREFIX[label], label, name_key(name))
        if label == NodeLabel.AREA:
            state = next(
                (code for code, n in STATES.items() if name_key(n) == name_key(name)), None
            )
            data["kind"] = AreaKind.STATE if state else AreaKind.MUNICIPALITY
            node_id = state or node_id
        node = model.model_validate({**data, "id": node_id})
        self.nodes[node.id] = node
        self.index.add(node)
        self.history.append((label, node.id, None, node.model_dump(mode="json")))
        self.book.forget(str(label))
        return node.id

    def candidates(self, kind: str) -> list[tuple[str, str]]:
        """What a value of ``kind`` (a vocabulary or a node label) may be mapped to."""
        if kind in VOCABULARIES:
            return vocabulary_targets(kind)
        label = NodeLabel(kind)
        return entry_targets((n for n in self.index.nodes.values() if n.label == label), label)

    def note_places(self, rows: Iterable[Row]) -> None:
        """The Länder of the places the file's rows name (stored areas in their area
        columns, the keys of an area sheet): what "landesweit" means in this file."""
        for row in rows:
            if row.plan.spec.label == NodeLabel.AREA and row.values.get("id"):
                self._place(str(row.values["id"]))
            for prop, texts in row.links.items():
                link = row.plan.spec.column(prop).link
                if link is None or NodeLabel.AREA not in link.other:
                    continue
                for text in texts:
                    for area_id in self.index.named(NodeLabel.AREA, strip_note(text)[0]):
                        self._place(area_id)

    def _place(self, ags: str) -> None:
        state = state_of(ags)
        if state is not None:
            self.places[state] += 1

    def state_target(self) -> Target | None:
        """The state's area (the Land): the one stored, else a new one named after the Land
        most places of the file are in (more than half of them), else most stored areas."""
        areas = [n for n in self.index.nodes.values() if n.label == NodeLabel.AREA]
        states = [n for n in areas if getattr(n, "kind", None) == AreaKind.STATE]
        if len(states) == 1:
            return Target(states[0].id, states[0].display_name, "state")
        found = self.places or Counter(s for s in (state_of(n.id) for n in areas) if s)
        if not found:
            return None
        (code, name), count = found.most_common(1)[0]
        if count * 2 <= sum(found.values()):
            return None
        named = [n for n in states if n.id == code]
        if named:
            return Target(code, named[0].display_name, "state")
        return Target.created(name, "state")

    def _new_tie(self, tie: Tie) -> None:
        self.ties[tie.id] = tie
        self.index.add_tie(tie)
        self.history.append(
            (tie.type, tie.id, None, {"type": tie.type, **tie.model_dump(mode="json")})
        )
