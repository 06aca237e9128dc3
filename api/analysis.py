"""The analysis service: snapshot → graph → figures, cached per store version and parameters.

Every write to the store changes its version, which empties the cache; the same question
asked again about an unchanged store is answered from memory.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx

from graph_schema.store import GraphStore, Snapshot
from network import actors, brokerage, change, figures, gaps, graphs, mixing

__all__ = ["AnalysisService", "Filters"]

Filters = tuple[dt.date | None, str | None, str | None, str | None]  # as_of, area, field, kind
MAX_ENTRIES = 64


class AnalysisService:
    """Answers the analysis questions of one store, remembering recent answers."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        store.on_change(self.clear)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def _cached(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        full_key = (self.store.version, key)
        with self._lock:
            if full_key in self._cache:
                self._cache.move_to_end(full_key)
                return self._cache[full_key]
        value = compute()
        with self._lock:
            self._cache[full_key] = value
            while len(self._cache) > MAX_ENTRIES:
                self._cache.popitem(last=False)
        return value

    def snapshot(self, f: Filters) -> Snapshot:
        as_of, area, field, kind = f
        return self._cached(
            ("snapshot", f),
            lambda: self.store.snapshot(as_of, area=area, field=field, kind=kind),
        )

    def graph(self, f: Filters) -> nx.Graph:
        return self._cached(("graph", f), lambda: graphs.cooperation_graph(self.snapshot(f)))

    def metrics(self, f: Filters) -> list[dict[str, Any]]:
        return self._cached(("metrics", f), lambda: actors.actor_metrics(self.graph(f)))

    def summary(self, f: Filters) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            g = self.graph(f)
            return {
                "as_of": self.snapshot(f).as_of,
                **figures.summary(g),
                "bridges": actors.bridges(g),
            }

        return self._cached(("summary", f), compute)

    def communities(self, f: Filters) -> dict[str, Any]:
        return self._cached(("communities", f), lambda: figures.communities(self.graph(f)))

    def brokerage(self, f: Filters) -> list[dict[str, Any]]:
        return self._cached(("brokerage", f), lambda: brokerage.brokerage(self.graph(f)))

    def mixing(self, f: Filters) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            g = self.graph(f)
            return {
                "ei": {a: mixing.ei_index(g, a) for a in ("kind", "areas", "fields")},
                "matrices": {a: mixing.mixing_matrix(g, a) for a in ("kind", "areas", "fields")},
                "migrant_organisations": mixing.mso_cooperation(g),
            }

        return self._cached(("mixing", f), compute)

    def gaps(self, f: Filters, limit: int = 100) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            snap, g = self.snapshot(f), self.graph(f)
            return {
                "as_of": snap.as_of,
                "offer_gaps": gaps.offer_gaps(snap),
                "duplicate_offers": gaps.duplicate_offers(snap),
                "missing_cooperations": gaps.missing_cooperations(snap, g, limit=limit),
                "peripheral_actors": gaps.peripheral_actors(g),
                "council_representation": gaps.council_representation(snap),
            }

        return self._cached(("gaps", f, limit), compute)

    def change(self, before: Filters, after: Filters) -> dict[str, Any]:
        return self._cached(
            ("change", before, after),
            lambda: change.compare(self.snapshot(before), self.snapshot(after)),
        )
