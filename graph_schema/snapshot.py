"""What the store hands to analysis and lists: the network as of a date, a page of a list.

Plain data over the model's types, with no store behind them, so that ``network/`` and the
delivery layer can use them without importing the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from graph_schema.model import Node, NodeLabel, RelType, Tie

__all__ = ["Page", "Snapshot"]

N = TypeVar("N", bound=Node)


@dataclass
class Page(Generic[N]):  # noqa: UP046 - Python 3.11 has no PEP 695 syntax
    """One page of a list: the items, how many match in all, and the window."""

    items: list[N]
    total: int
    limit: int
    offset: int


@dataclass
class Snapshot:
    """The network as of a date: the nodes and ties valid then.

    Examples:
        >>> import datetime as dt
        >>> from graph_schema.model import NODE_MODELS
        >>> org = NODE_MODELS[NodeLabel.ORGANISATION](id="o-1", name="A", kind="authority")
        >>> snap = Snapshot(dt.date(2026, 1, 1), [org])
        >>> [n.id for n in snap.nodes_with(NodeLabel.ORGANISATION)], snap.ties_of(RelType.PROVIDES)
        (['o-1'], [])
    """

    as_of: dt.date
    nodes: list[Node] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)

    def nodes_with(self, label: NodeLabel) -> list[Node]:
        return [n for n in self.nodes if n.label == label]

    def ties_of(self, rel: RelType) -> list[Tie]:
        return [t for t in self.ties if t.type == rel]
