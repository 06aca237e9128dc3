"""What exists: the entries of the store and of the file so far, by id and by name."""

from __future__ import annotations

import re

from rapidfuzz import process

from api.i18n import N_, Text
from api.transfer.columns import norm
from api.transfer.importer.report import WORD, label_words
from api.transfer.values import CellError, did_you_mean, name_key
from graph_schema.model import NODE_MODELS, Node, NodeLabel, Tie
from graph_schema.store import GraphStore, dump
from graph_schema.vocab import FIELDS, TARGET_GROUPS

__all__ = ["Index", "vocabulary_node"]

#: extra names an entry is found by, besides its display name and id
_ALSO_NAMED = {
    NodeLabel.ORGANISATION: ("short_name",),
    NodeLabel.FIELD: ("name_en",),
    NodeLabel.TARGET_GROUP: ("name_en",),
}


#: the designation official lists add to a municipality's name
_AREA_SUFFIX = re.compile(
    r",\s*(Landeshauptstadt|Stadt|Mittelstadt|Große Kreisstadt|Kreisstadt|Hansestadt|"
    r"Universitätsstadt|Gemeinde|Markt|Flecken|St\.|Stadt\b.*)$",
    re.I,
)


class Index:
    """The entries of the store and of the file so far, found by id and by name."""

    def __init__(self, store: GraphStore) -> None:
        self.nodes: dict[str, Node] = {}
        self.file_ids: set[str] = set()
        self.names: dict[NodeLabel, dict[str, set[str]]] = {label: {} for label in NodeLabel}
        #: ids of digits with leading zeros (official keys: "09999001"), by the number
        self.unpadded: dict[str, set[str]] = {}
        for node in dump.all_nodes(store):
            self.add(node, from_file=False)
        self.stored = dict(self.nodes)
        self.ties: dict[str, Tie] = {}
        self.between: dict[tuple[str, str, str], list[Tie]] = {}
        for tie in dump.all_ties(store):
            self.add_tie(tie)
        self.stored_ties = dict(self.ties)

    def add(self, node: Node, *, from_file: bool = True) -> None:
        old = self.nodes.get(node.id)
        if old is not None:
            for key in self._keys(old):
                self.names[old.label].get(key, set()).discard(node.id)
        self.nodes[node.id] = node
        if from_file:
            self.file_ids.add(node.id)
        for key in self._keys(node):
            self.names[node.label].setdefault(key, set()).add(node.id)
        if node.id.isdigit() and node.id.startswith("0"):
            self.unpadded.setdefault(node.id.lstrip("0"), set()).add(node.id)

    def by_id(self, text: str, labels: tuple[NodeLabel, ...]) -> Node | None:
        """The entry whose id is ``text``, else the one of ``labels`` whose id is ``text``
        with the leading zeros a spreadsheet program drops (it reads "09999001" in a CSV
        file as the number 9999001 and saves it so), when exactly one is."""
        node = self.nodes.get(text)
        if node is None and text.isdigit():
            padded = [i for i in self.unpadded.get(text, ()) if self.nodes[i].label in labels]
            if len(padded) == 1:
                node = self.nodes[padded[0]]
        return node

    @staticmethod
    def _keys(node: Node) -> set[str]:
        values = [node.display_name, *(getattr(node, p) for p in _ALSO_NAMED.get(node.label, ()))]
        if node.label == NodeLabel.AREA:
            # official lists name a municipality "Saarbrücken, Landeshauptstadt": it is
            # "Saarbrücken" in every other list
            values.append(_AREA_SUFFIX.sub("", node.display_name))
        return {name_key(v) for v in values if v}

    def add_tie(self, tie: Tie) -> None:
        old = self.ties.get(tie.id)
        if old is not None:
            self.between[(old.type, old.from_id, old.to_id)].remove(old)
        self.ties[tie.id] = tie
        self.between.setdefault((tie.type, tie.from_id, tie.to_id), []).append(tie)

    def named(self, label: NodeLabel, text: str) -> set[str]:
        return set(self.names[label].get(name_key(text), set()))

    def knows(self, text: str, labels: tuple[NodeLabel, ...]) -> bool:
        """Whether ``text`` is the id or name of an entry of ``labels`` (a quick check before
        :meth:`resolve`, whose message for an unknown name compares it with every name)."""
        node = self.by_id(text, labels)
        if node is not None and node.label in labels:
            return True
        key = name_key(text)
        return any(key in self.names[label] and self.names[label][key] for label in labels)

    def resolve(self, text: str, labels: tuple[NodeLabel, ...]) -> str:
        """The id of the entry of one of ``labels`` that ``text`` names (or is the id of)."""
        node = self.by_id(text, labels)
        if node is not None and node.label in labels:
            return node.id
        hits: set[str] = set()
        for label in labels:
            hits |= self.named(label, text)
        if len(hits) == 1:
            return hits.pop()
        if hits:
            raise CellError(
                Text(
                    N_(
                        "mehrere Einträge heißen „%(name)s“ (%(ids)s): bitte stattdessen die ID "
                        "angeben"
                    ),
                    {"name": text, "ids": ", ".join(sorted(hits)[:5])},
                )
            )
        if node is not None:
            raise CellError(
                Text(
                    N_("„%(text)s“ ist die ID eines Eintrags (%(kind)s), gesucht ist: %(kinds)s"),
                    {"text": text, "kind": WORD[node.label], "kinds": label_words(labels)},
                )
            )
        names = sorted({n.display_name for n in self.nodes.values() if n.label in labels})
        best = process.extractOne(text, names, score_cutoff=85) if names else None
        raise CellError(
            Text(
                N_(
                    "„%(text)s“ (%(kinds)s) gibt es weder in der Datei noch im Bestand%(hint)s: "
                    "bitte die Schreibweise prüfen oder den Eintrag zuerst in seinem Blatt anlegen"
                ),
                {
                    "text": text,
                    "kinds": label_words(labels),
                    "hint": did_you_mean(best[0] if best else None),
                },
            )
        )


def vocabulary_node(label: NodeLabel, text: str) -> Node | None:
    """The shipped field of action or target group that ``text`` names (code, de or en)."""
    table = {NodeLabel.FIELD: FIELDS, NodeLabel.TARGET_GROUP: TARGET_GROUPS}.get(label)
    if table is None:
        return None
    code = _SHIPPED[label].get(norm(text))
    if code is None:
        return None
    names = table[code]
    return NODE_MODELS[label].model_validate({"id": code, "name_de": names.de, "name_en": names.en})


#: the shipped fields and target groups by the normal forms of their code, de and en names
_SHIPPED: dict[NodeLabel, dict[str, str]] = {
    label: {
        norm(word): code for code, names in table.items() for word in (code, names.de, names.en)
    }
    for label, table in ((NodeLabel.FIELD, FIELDS), (NodeLabel.TARGET_GROUP, TARGET_GROUPS))
}
