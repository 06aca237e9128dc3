"""Node rows: an entry found by id or name, created or updated; its links; duplicates."""

from __future__ import annotations

from collections.abc import Callable, Container

from pydantic import ValidationError

from api.i18n import N_, Text
from api.transfer import duplicates
from api.transfer.importer.offers import OFFER_LINKS, OfferRows
from api.transfer.importer.reading import Row
from api.transfer.importer.report import WORD, Problem
from api.transfer.importer.validation import (
    changed_values,
    derived_id,
    explain,
    unedited,
)
from api.transfer.values import name_key
from graph_schema.model import ID_PREFIX, NODE_MODELS, Node, NodeLabel
from graph_schema.vocab import area_kind_of_ags

__all__ = ["NodeRows"]

#: new names compared against all others at a time, between two checks for cancellation
_SLICE = 1000


def _area_key(row: Row, given: str | None, known: Container[str]) -> str | None:
    """An area's AGS as its id, with the leading zero a spreadsheet's number lost
    (``1001000`` is ``01001000``); its kind from the key's length when none is given."""
    if given is None:
        return None
    digits = "".join(str(given).split())
    if digits.isdigit() and len(digits) in (1, 4, 7, 11) and digits not in known:
        digits = "0" + digits
    if digits.isdigit() and row.values.get("kind") is None:
        kind = area_kind_of_ags(digits)
        if kind is not None:
            row.values["kind"] = str(kind)
    return digits if digits.isdigit() else given


class NodeRows(OfferRows):
    """The rows of node sheets (Organisation, Person, Offer, ...)."""

    def node_row(self, row: Row) -> None:
        """The outcome of one node row: found by id or name, then created or updated."""
        plan, outcome = row.plan, row.outcome
        label = plan.spec.label
        assert label is not None
        model = NODE_MODELS[label]
        given_id = row.values.pop("id", None)
        if label == NodeLabel.AREA:
            given_id = _area_key(row, given_id, self.index.nodes)
        outcome.name = row.values.get(model.name_property)
        found = self._find_node(row, label, given_id)
        if found is None:
            return
        node_id, existing = found
        first = self.claimed.get(node_id)
        if first is not None:
            outcome.reject(
                plan.header_of(model.name_property if not given_id else "id"),
                None,
                Text(
                    N_(
                        "derselbe Eintrag (%(kind)s) wie Zeile %(row)s im Blatt „%(sheet)s“ "
                        "(gleicher Name oder gleiche ID): bitte eine der beiden Zeilen löschen "
                        "oder ihnen verschiedene Namen geben"
                    ),
                    {"kind": WORD[label], "row": first.row, "sheet": first.sheet},
                ),
            )
            return
        self.claimed[node_id] = outcome
        outcome.id = node_id
        if outcome.status == "rejected":
            return
        base = existing.model_dump() if existing is not None else {}
        data = {**base, **unedited(base, row.values), "id": node_id}
        try:
            node = model.model_validate(data)
        except ValidationError as e:
            explain(e, plan, outcome, row.index)
            self._note_missing(e, row)
            return
        self._record_node(row, node, existing)

    def _note_missing(self, error: ValidationError, row: Row) -> None:
        """A required field the sheet has no column for: asked once, as a default."""
        plan = row.plan
        for err in error.errors():
            prop = str(err["loc"][0]) if err["loc"] else None
            if err["type"] != "missing" or prop is None or plan.has(prop):
                continue
            key = (plan.table.name, prop)
            if key not in self.missing:
                col = plan.spec.column(prop)
                self.missing[key] = {
                    "sheet": plan.table.name,
                    "field": prop,
                    "header": col.header,
                    "vocabulary": col.vocab,
                    "choices": [[c, n] for c, n in self.candidates(col.vocab)] if col.vocab else [],
                    "rows": 0,
                }
            self.missing[key]["rows"] += 1

    def _find_node(
        self, row: Row, label: NodeLabel, given_id: str | None
    ) -> tuple[str, Node | None] | None:
        """The row's id and the entry it names (None: new); None if the row is rejected."""
        providers: list[str] = []
        if label == NodeLabel.OFFER and row.links.get("provider"):
            providers = self._refs(row, "provider")
        if given_id:
            found = self.index.by_id(given_id, (label,))
            if found is not None and found.label != label:
                row.outcome.reject(
                    row.plan.header_of("id"),
                    None,
                    Text(
                        N_(
                            "die ID %(id)s ist schon vergeben (%(kind)s): bitte eine andere ID "
                            "verwenden"
                        ),
                        {"id": given_id, "kind": WORD[found.label]},
                    ),
                )
                return None
            return (given_id if found is None else found.id), found
        name = row.values.get(NODE_MODELS[label].name_property)
        if name:
            return self._find_by_name(row, label, name, providers)
        if not row.outcome.problems:
            header = row.plan.header_of(NODE_MODELS[label].name_property)
            row.outcome.reject(
                header,
                None,
                Text(
                    N_(
                        "„%(header)s“ ist leer und eine ID fehlt: bitte den Namen eintragen "
                        "oder die Zeile löschen"
                    ),
                    {"header": header},
                ),
            )
        return None

    def _find_by_name(
        self, row: Row, label: NodeLabel, name: str, providers: list[str]
    ) -> tuple[str, Node | None] | None:
        """The entry named ``name`` (an offer: of one of ``providers``), or a new id."""
        hits = self.index.named(label, name)
        if label == NodeLabel.OFFER and providers:
            hits = {h for h in hits if any(self._provides(p, h) for p in providers)}
        if len(hits) > 1:
            row.outcome.reject(
                row.plan.header_of(NODE_MODELS[label].name_property),
                None,
                Text(
                    N_(
                        "mehrere Einträge (%(kind)s) heißen „%(name)s“ (%(ids)s): bitte eine "
                        "Spalte ID ergänzen, die sagt, welcher gemeint ist"
                    ),
                    {"kind": WORD[label], "name": name, "ids": ", ".join(sorted(hits)[:5])},
                ),
            )
            return None
        if hits:
            node_id = hits.pop()
            return node_id, self.index.nodes[node_id]
        return derived_id(ID_PREFIX[label], label, name_key(name), *sorted(providers)), None

    def _record_node(self, row: Row, node: Node, existing: Node | None) -> None:
        """The row created ``node`` or updated ``existing`` to it (or changed nothing)."""
        outcome, label = row.outcome, row.plan.spec.label
        assert label is not None
        row.node = node
        outcome.name = node.display_name
        if existing is None:
            outcome.status = "created"
            self.nodes[node.id] = node
            self.history.append((label, node.id, None, node.model_dump(mode="json")))
        else:
            before, after = existing.model_dump(mode="json"), node.model_dump(mode="json")
            changes = changed_values(row.plan, before, after)
            outcome.changes = changes
            outcome.status = "updated" if changes else "unchanged"
            if changes:
                self.nodes[node.id] = node
                self.history.append((label, node.id, before, after))
        self.index.add(node)

    def link_row(self, row: Row) -> None:
        """The ties of a row's link columns (areas, fields, umbrella, offers, ...)."""
        if row.node is None or row.outcome.status == "rejected":
            # its values are still asked in the value mapping: all questions at once
            for prop in row.links:
                if prop == "offers":
                    self._offer_titles(row)
                else:
                    self._linked(row, prop)
            return
        org = row.node.label == NodeLabel.ORGANISATION
        for prop in row.links:
            if org and prop in OFFER_LINKS:
                continue
            col = row.plan.spec.column(prop)
            assert col.link is not None
            for other, note in self._linked(row, prop):
                a, b = (row.node.id, other) if col.link.outgoing else (other, row.node.id)
                self.link(row, col.link.rel, a, b, note, row.plan.header_of(prop))
        if org and OFFER_LINKS & set(row.links):
            self.offer_row(row)

    def flag_duplicates(self, rows: list[Row], interrupt: Callable[[], None] | None = None) -> None:
        """Flag new entries whose names look like others'; ``interrupt`` is called between
        slices of a thousand names (all against all: the slow step of a large import)."""
        created = [
            r
            for r in rows
            if r.node is not None
            and r.outcome.status == "created"
            and r.node.label in duplicates.DUPLICATE_LABELS
        ]
        for label in duplicates.DUPLICATE_LABELS:
            mine = [r for r in created if r.node is not None and r.node.label == label]
            if not mine:
                continue
            others = sorted(
                (n.id, n.display_name) for n in self.index.nodes.values() if n.label == label
            )
            queries = [(r.node.id, r.node.display_name) for r in mine if r.node is not None]
            for start in range(0, len(queries), _SLICE):
                if interrupt is not None:
                    interrupt()
                part = queries[start : start + _SLICE]
                for i, j, score in duplicates.similar_pairs(part, others):
                    self._flag(mine[start + i], others[j], score)

    def _flag(self, row: Row, other: tuple[str, str], score: float) -> None:
        assert row.node is not None
        other_id, other_name = other
        where = (
            Text(N_("in dieser Datei"))
            if other_id in self.index.file_ids
            else Text(N_("im Bestand"))
        )
        row.outcome.warnings.append(
            Problem(
                row.plan.header_of(NODE_MODELS[row.node.label].name_property),
                None,
                Text(
                    N_(
                        "sieht aus wie „%(name)s“ (%(id)s, %(where)s, Ähnlichkeit %(score)s %%): "
                        "wenn es derselbe Eintrag ist, die beiden nach dem Import zusammenführen"
                    ),
                    {"name": other_name, "id": other_id, "where": where, "score": f"{score:.0f}"},
                ),
            )
        )
        a, b = sorted([(row.node.id, row.node.display_name), other])
        entry = duplicates.Candidate(row.node.label, a[0], a[1], b[0], b[1], score).as_dict()
        if entry not in self.report.duplicates:
            self.report.duplicates.append(entry)
