"""Reading a snapshot: the nodes that exist and the ties valid on its date.

The store already returns only what is valid on ``as_of``; the analysis checks again so
that a snapshot assembled by hand (tests, imports, the demo generator) means the same.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from graph_schema.model import Node, NodeLabel, RelType, Tie

if TYPE_CHECKING:
    from graph_schema.snapshot import Snapshot

__all__ = ["OfferRecord", "SnapshotIndex", "gc_paused"]

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` with the cyclic garbage collector paused (and restored after).

    A large snapshot holds hundreds of thousands of model instances; every burst of small
    allocations (sets, tuples, dicts) makes the collector rescan all of them, which cost
    about half the time of building the graphs and cells at 30,000 organisations. The
    functions create no reference cycles worth collecting in the meantime.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper


@dataclass
class OfferRecord:
    """A valid offer with its valid ties, as plain ids."""

    id: str
    title: str
    languages: list[str]
    providers: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)


class SnapshotIndex:
    """Lookups over one snapshot: existing nodes by id and label, valid ties by type."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.day: dt.date = snapshot.as_of
        self.nodes: dict[str, Node] = {
            n.id: n for n in sorted(snapshot.nodes, key=lambda n: n.id) if n.exists_on(self.day)
        }
        raw: dict[RelType, list[Tie]] = defaultdict(list)
        for t in snapshot.ties:
            raw[t.type].append(t)
        self._raw = raw
        self._ties: dict[RelType, list[Tie]] = {}

    def of(self, label: NodeLabel) -> list[Node]:
        """Existing nodes with ``label``, sorted by id."""
        return [n for n in self.nodes.values() if n.label == label]

    def ties(self, rel: RelType) -> list[Tie]:
        """Ties of type ``rel`` valid on the day whose both ends exist, sorted by id."""
        if rel not in self._ties:  # filtered on first use: most analyses need few types
            day, nodes = self.day, self.nodes
            self._ties[rel] = sorted(
                (
                    t
                    for t in self._raw.get(rel, ())
                    if t.from_id in nodes and t.to_id in nodes and t.valid_on(day)
                ),
                key=lambda t: t.id,
            )
        return self._ties[rel]

    def targets(self, rel: RelType) -> dict[str, list[str]]:
        """``from_id`` -> sorted distinct ``to_id`` of the valid ties of type ``rel``."""
        out: dict[str, set[str]] = defaultdict(set)
        for t in self.ties(rel):
            out[t.from_id].add(t.to_id)
        return {k: sorted(v) for k, v in out.items()}

    @cached_property
    def offers(self) -> dict[str, OfferRecord]:
        """Every existing offer with its valid providers, fields, areas and target groups."""
        out = {
            o.id: OfferRecord(o.id, o.display_name, list(getattr(o, "languages", [])))
            for o in self.of(NodeLabel.OFFER)
        }
        for t in self.ties(RelType.PROVIDES):
            if t.to_id in out:
                out[t.to_id].providers.append(t.from_id)
        for rel, attr in (
            (RelType.ADDRESSES, "fields"),
            (RelType.AVAILABLE_IN, "areas"),
            (RelType.SERVES, "target_groups"),
        ):
            for t in self.ties(rel):
                if t.from_id in out:
                    getattr(out[t.from_id], attr).append(t.to_id)
        for rec in out.values():
            for attr in ("providers", "fields", "areas", "target_groups"):
                setattr(rec, attr, sorted(set(getattr(rec, attr))))
        return out

    @cached_property
    def area_parents(self) -> dict[str, set[str]]:
        """Area id -> the areas it is directly PART_OF."""
        out: dict[str, set[str]] = defaultdict(set)
        for t in self.ties(RelType.PART_OF):
            out[t.from_id].add(t.to_id)
        return out

    @cached_property
    def area_children(self) -> dict[str, set[str]]:
        """Area id -> the areas directly PART_OF it."""
        out: dict[str, set[str]] = defaultdict(set)
        for child, parents in self.area_parents.items():
            for p in parents:
                out[p].add(child)
        return out

    def reach(self, start: str, step: dict[str, set[str]]) -> set[str]:
        """``start`` and every area reached from it along ``step`` (parents or children)."""
        seen = {start}
        todo = [start]
        while todo:
            for nxt in step.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def cell_areas(self) -> list[Node]:
        """The areas gaps are counted in: municipalities, or districts if there are none."""
        areas = self.of(NodeLabel.AREA)
        for kind in ("municipality", "district"):
            chosen = [a for a in areas if getattr(a, "kind", None) == kind]
            if chosen:
                return chosen
        return []

    def field_ids(self) -> list[str]:
        """The Field nodes of the snapshot, or the shipped vocabulary when it has none."""
        from graph_schema.vocab import FIELDS

        ids = [n.id for n in self.of(NodeLabel.FIELD)]
        return ids or list(FIELDS)

    def target_group_ids(self) -> list[str]:
        """The TargetGroup nodes of the snapshot, or the shipped vocabulary when it has none."""
        from graph_schema.vocab import TARGET_GROUPS

        ids = [n.id for n in self.of(NodeLabel.TARGET_GROUP)]
        return ids or list(TARGET_GROUPS)

    def field_label(self, field_id: str, lang: str = "de") -> str:
        """A field's name: the vocabulary's, else the node's, else its id."""
        from graph_schema.vocab import FIELDS

        if field_id in FIELDS:
            return FIELDS[field_id].en if lang == "en" else FIELDS[field_id].de
        node = self.nodes.get(field_id)
        if node is not None:
            english = getattr(node, "name_en", None) if lang == "en" else None
            return str(english or getattr(node, "name_de", None) or field_id)
        return field_id

    def name(self, node_id: str) -> str:
        """A node's display name, or its id when it is not in the snapshot."""
        node = self.nodes.get(node_id)
        return node.display_name if node is not None else node_id


def sorted_unique(items: Iterable[str]) -> list[str]:
    return sorted(set(items))
