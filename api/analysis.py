"""The analysis service: snapshot → graph → figures, cached per store version and parameters.

Every write to the store changes its version, which empties the cache; the same question
asked again about an unchanged store is answered from memory.

Large graphs (more than :data:`BACKGROUND_LIMIT` organisations): exact betweenness takes
minutes there (the whole exact job took 6.6 min on the 30,000-organisation demo, 2 cores),
so the metrics and the summary are first answered from the sampled estimates
(:data:`SAMPLES` sources / pivots, flagged ``"estimated": true``) while a background
thread computes the exact figures: betweenness in chunks of sources (igraph's subset
betweenness, whose sums over a partition of the sources are the exact values), sent to
the analysis worker process (:mod:`network._pool`; igraph holds the GIL, so in this
process each chunk would stall the requests served meanwhile), then exact closeness and
exact path metrics. :meth:`AnalysisService.status` shows its progress; once done, the exact results
are cached and served. A write abandons a running job (its results would be stale); the
next request for the figures starts a new one. Small graphs stay on the synchronous path.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import networkx as nx

from graph_schema import clock
from graph_schema.store import GraphStore, Snapshot
from network import actors, brokerage, change, figures, gaps, graphs, mixing
from network._engine import IGraphView
from network._engine import closeness as _closeness

__all__ = ["BACKGROUND_LIMIT", "SAMPLES", "AnalysisService", "Filters"]

Filters = tuple[dt.date | None, str | None, str | None, str | None]  # as_of, area, field, kind
MAX_ENTRIES = 64
#: above this many organisations the exact metrics and summary are computed in the background
BACKGROUND_LIMIT = actors.EXACT_LIMIT
#: sampled sources / pivots of the estimates served meanwhile
SAMPLES = actors.SAMPLES
#: sources per chunk of the exact background betweenness (one progress step each)
CHUNK = 256
#: cost of the exact steps relative to unweighted betweenness, for the progress figure
#: (measured on the 30,000-organisation demo: 80 s, 220 s, 50 s, 40 s)
WEIGHTED_COST = 2.75
CLOSENESS_COST = 0.6
PATH_COST = 0.5


class _Job:
    """One background computation of the exact figures for (store version, filters)."""

    def __init__(self, version: int, f: Filters) -> None:
        self.version = version
        self.filters = f
        self.state = "running"
        self.progress = 0.0
        self.started = time.monotonic()
        self.error: str | None = None


class AnalysisService:
    """Answers the analysis questions of one store, remembering recent answers."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._jobs: dict[tuple[int, Filters], _Job] = {}
        self._current: _Job | None = None
        store.on_change(self.clear)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._jobs.clear()
            self._current = None  # a running job sees it is no longer current and stops

    def _peek(self, key: Hashable) -> Any:
        with self._lock:
            return self._cache.get((self.store.version, key))

    def _store_value(self, version: int, key: Hashable, value: Any) -> None:
        with self._lock:
            if version != self.store.version:
                return
            self._cache[(version, key)] = value
            while len(self._cache) > MAX_ENTRIES:
                self._cache.popitem(last=False)

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
        """The cooperation graph, from a snapshot of only what it needs (or the full one
        when that is already at hand)."""

        def compute() -> nx.Graph:
            snap = self._peek(("snapshot", f))
            if snap is None:
                as_of, area, field, kind = f
                snap = self.store.snapshot(
                    as_of,
                    area=area,
                    field=field,
                    kind=kind,
                    labels=graphs.COOPERATION_LABELS,
                    types=graphs.COOPERATION_TYPES,
                )
            return graphs.cooperation_graph(snap)

        return self._cached(("graph", f), compute)

    def is_large(self, f: Filters) -> bool:
        """Whether the graph of ``f`` gets its exact figures in the background."""
        return self.graph(f).number_of_nodes() > BACKGROUND_LIMIT

    def metrics(self, f: Filters) -> list[dict[str, Any]]:
        """Actor metrics; on a large graph the estimates until the exact ones are done."""
        if not self.is_large(f):
            return self._cached(("metrics", f), lambda: actors.actor_metrics(self.graph(f)))
        exact = self._peek(("metrics-exact", f))
        if exact is not None:
            return exact  # type: ignore[no-any-return]
        rows = self._estimated_metrics(f)
        self._start(f)
        return rows

    def summary(self, f: Filters) -> dict[str, Any]:
        """Network figures; on a large graph ``estimated`` until the exact ones are done."""
        if not self.is_large(f):

            def compute() -> dict[str, Any]:
                g = self.graph(f)
                return {
                    "as_of": _day(f),
                    **figures.summary(g, betweenness=_betweenness_of(self.metrics(f))),
                    "bridges": actors.bridges(g),
                }

            return self._cached(("summary", f), compute)
        exact = self._peek(("summary-exact", f))
        if exact is not None:
            return exact  # type: ignore[no-any-return]
        out = self._estimated_summary(f)
        self._start(f)
        return out

    def _estimated_metrics(self, f: Filters) -> list[dict[str, Any]]:
        return self._cached(  # type: ignore[no-any-return]
            ("metrics-estimated", f),
            lambda: actors.actor_metrics(
                self.graph(f), exact_limit=BACKGROUND_LIMIT, samples=SAMPLES
            ),
        )

    def _estimated_summary(self, f: Filters) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            g = self.graph(f)
            return {
                "as_of": _day(f),
                **figures.summary(
                    g,
                    exact_limit=BACKGROUND_LIMIT,
                    samples=SAMPLES,
                    betweenness=_betweenness_of(self._estimated_metrics(f)),
                ),
                "bridges": actors.bridges(g),
                "estimated": True,
            }

        return self._cached(("summary-estimated", f), compute)  # type: ignore[no-any-return]

    # ------------------------------------------------------------- background exact figures

    def status(self, f: Filters) -> dict[str, Any]:
        """State of the exact figures of ``f`` at the current store version.

        ``state`` is ``idle`` (nothing computed yet), ``running`` (``progress`` 0..1) or
        ``done``; ``exact`` says whether the figures served now are exact. Small graphs
        are always exact once computed. Does not compute anything itself.
        """
        version = self.store.version
        with self._lock:
            job = self._jobs.get((version, f))
            cache = self._cache
            exact = (version, ("metrics-exact", f)) in cache
            small = (version, ("metrics", f)) in cache or (version, ("summary", f)) in cache
        out: dict[str, Any] = {"state": "idle", "progress": 0.0, "store_version": version}
        if exact or small:
            out.update(state="done", progress=1.0)
        elif job is not None and job.state in ("running", "failed"):
            out.update(state=job.state, progress=round(job.progress, 4))
            if job.error:
                out["error"] = job.error
        out["exact"] = exact or small
        return out

    def wait(self, f: Filters, timeout: float = 60.0) -> dict[str, Any]:
        """Block until the background job of ``f`` has finished (for tests and the CLI)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.status(f)
            if state["state"] != "running":
                return state
            time.sleep(0.01)
        return self.status(f)

    def _start(self, f: Filters) -> None:
        version = self.store.version
        g = self.graph(f)
        rows = self._estimated_metrics(f)
        est = self._estimated_summary(f)
        with self._lock:
            running = self._jobs.get((version, f))
            if version != self.store.version or (running and running.state == "running"):
                return
            job = _Job(version, f)
            self._jobs[(version, f)] = job
            self._current = job
        threading.Thread(
            target=self._run, args=(job, g, rows, est), name="exact-analysis", daemon=True
        ).start()

    def _stale(self, job: _Job) -> bool:
        return job.version != self.store.version or self._current is not job

    def _run(self, job: _Job, g: nx.Graph, rows: list[dict[str, Any]], est: dict[str, Any]) -> None:
        try:
            done = self._exact(job, g, rows, est)
        except Exception as exc:  # reported in the status, the estimates stay served
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
            return
        job.state = "done" if done else "cancelled"
        if done:
            job.progress = 1.0

    def _exact(
        self, job: _Job, g: nx.Graph, rows: list[dict[str, Any]], est: dict[str, Any]
    ) -> bool:
        """The exact metrics and summary of ``g``; False if a write made them stale."""
        view = IGraphView(g, ("distance",))
        n = view.n
        # work units: one per source of unweighted betweenness
        total = n * (1 + WEIGHTED_COST + CLOSENESS_COST + PATH_COST)
        units = 0.0
        raw: dict[str | None, Any] = {}
        for weight, cost in ((None, 1.0), ("distance", WEIGHTED_COST)):
            acc = [0.0] * n
            for start in range(0, n, CHUNK):
                if self._stale(job):
                    return False
                part = _chunk(view, weight, range(start, min(start + CHUNK, n)))
                acc = [a + b for a, b in zip(acc, part, strict=True)]
                units += cost * (min(start + CHUNK, n) - start)
                job.progress = units / total
            raw[weight] = acc
        scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
        bt = {v: float(b) * scale for v, b in zip(view.nodes, raw[None], strict=True)}
        btw = {v: float(b) * scale for v, b in zip(view.nodes, raw["distance"], strict=True)}
        if self._stale(job):
            return False
        cl = dict(zip(view.nodes, _closeness(view), strict=True))
        units += CLOSENESS_COST * n
        job.progress = units / total
        if self._stale(job):
            return False
        paths = figures.path_metrics(g, exact_limit=n)
        exact_rows = [
            {
                **r,
                "betweenness": bt[r["id"]],
                "betweenness_weighted": btw[r["id"]],
                "closeness": cl[r["id"]],
                "estimated": False,
            }
            for r in rows
        ]
        values = list(bt.values())
        top = max(values)
        summary = {
            **est,
            **paths,
            "betweenness_centralisation": sum(top - b for b in values) / (n - 1) if n > 2 else None,
            "betweenness_estimated": False,
            "estimated": False,
        }
        if self._stale(job):
            return False
        with self._lock:
            if job.version != self.store.version:
                return False
        self._store_value(job.version, ("metrics-exact", job.filters), exact_rows)
        self._store_value(job.version, ("summary-exact", job.filters), summary)
        return True

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
                "notes": gaps.readiness(snap),
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


def _day(f: Filters) -> dt.date:
    """The date a snapshot of ``f`` is taken on (the store's rule: today without one)."""
    return f[0] or clock.today()


def _betweenness_of(rows: list[dict[str, Any]]) -> list[float]:
    return [float(r["betweenness"]) for r in rows]


def _chunk(view: IGraphView, weight: str | None, sources: range) -> list[float]:
    """igraph's subset betweenness of ``sources`` (unscaled), in the worker process if
    there is one: igraph holds the GIL, so computed here it would stall every request
    for the seconds a chunk takes; waiting for the worker does not."""
    from network import _pool
    from network._engine import _part

    values = {weight: view.values[weight]} if weight else {}
    future = _pool.submit(_part, view.n, view.edges, values, list(sources), (weight,), False)
    if future is not None:
        try:
            return [float(x) for x in future.result()[weight]]
        except Exception:  # noqa: BLE001 - a lost or failed worker: computed here instead
            pass
    return [
        float(x) for x in view.graph.betweenness(directed=False, weights=weight, sources=sources)
    ]
