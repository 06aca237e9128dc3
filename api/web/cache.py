"""Snapshots, graphs and analysis results for the pages, computed once per store version.

The store's ``version`` changes with every write, so a cached result is never stale; on a
busy installation only the first page after a change pays for the computation.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import networkx as nx
from fastapi import Request

from graph_schema.model import NodeLabel, RelType
from graph_schema.store import GraphStore
from graph_schema.store.graph_store import Snapshot
from network.graphs import COOPERATION_LABELS, COOPERATION_TYPES

__all__ = ["MISSING_LIMIT", "AnalysisCache", "analysis_cache"]

#: suggested cooperations ranked at most (the best founded first; the page says so)
MISSING_LIMIT = 200

T = TypeVar("T")


class AnalysisCache:
    """A small LRU of computed results keyed by (store version, what, arguments)."""

    def __init__(self, store: GraphStore, size: int = 48) -> None:
        self.store = store
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._compute_lock = threading.RLock()

    def get(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        full = (self.store.version, *key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return self._items[full]  # type: ignore[no-any-return]
        with self._compute_lock:  # one computation at a time: no stampede after a change
            with self._lock:
                if full in self._items:
                    return self._items[full]  # type: ignore[no-any-return]
            value = compute()
            with self._lock:
                self._items[full] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            return value

    # ------------------------------------------------------------------ building blocks

    def graph_snapshot(self, as_of: dt.date) -> Snapshot:
        """Organisations, areas, fields and their cooperation, activity and field ties."""
        return self.get(
            ("graph_snapshot", as_of),
            lambda: self.store.snapshot(as_of, labels=COOPERATION_LABELS, types=COOPERATION_TYPES),
        )

    def full_snapshot(self, as_of: dt.date) -> Snapshot:
        return self.get(("full_snapshot", as_of), lambda: self.store.snapshot(as_of))

    def council_snapshot(self, as_of: dt.date) -> Snapshot:
        return self.get(
            ("council_snapshot", as_of),
            lambda: self.store.snapshot(
                as_of,
                labels=[NodeLabel.ORGANISATION, NodeLabel.PERSON, NodeLabel.BODY],
                types=[RelType.MEMBER_OF, RelType.REPRESENTS],
            ),
        )

    def cooperation_graph(self, as_of: dt.date) -> nx.Graph:
        from network.graphs import cooperation_graph

        return self.get(
            ("cooperation_graph", as_of),
            lambda: cooperation_graph(self.graph_snapshot(as_of)),
        )

    def communities(self, as_of: dt.date) -> dict[str, int]:
        """Organisation -> community number (1 = largest) of the whole network."""
        from network.figures import communities

        def compute() -> dict[str, int]:
            result = communities(self.cooperation_graph(as_of))
            return {str(m): c["id"] for c in result["communities"] for m in c["members"]}

        return self.get(("communities", as_of), compute)

    def actor_metrics(self, as_of: dt.date) -> list[dict[str, Any]]:
        from network.actors import actor_metrics

        return self.get(
            ("actor_metrics", as_of), lambda: actor_metrics(self.cooperation_graph(as_of))
        )

    def gaps(self, as_of: dt.date) -> dict[str, Any]:
        from network.gaps import (
            duplicate_offers,
            missing_cooperations,
            offer_gaps,
            peripheral_actors,
            readiness,
        )

        def compute() -> dict[str, Any]:
            snap = self.full_snapshot(as_of)
            g = self.cooperation_graph(as_of)
            return {
                "notes": readiness(snap),
                "offer_gaps": offer_gaps(snap),
                "duplicates": duplicate_offers(snap),
                "missing": missing_cooperations(snap, g, limit=MISSING_LIMIT),
                "peripheral": peripheral_actors(g),
            }

        return self.get(("gaps", as_of), compute)

    def council(self, as_of: dt.date) -> dict[str, Any]:
        """The Projektrat's representation; without a council or seats, ``message`` says
        what to add."""
        from network.gaps import council_representation

        return self.get(
            ("council", as_of), lambda: council_representation(self.full_snapshot(as_of))
        )


def analysis_cache(request: Request) -> AnalysisCache:
    """The app's cache (made on first use, for the store the app serves)."""
    state = request.app.state
    cache: AnalysisCache | None = getattr(state, "web_analysis", None)
    if cache is None or cache.store is not state.store:
        cache = AnalysisCache(state.store)
        state.web_analysis = cache
    return cache
