"""The analysis service: the one way from the store to analysis results.

The JSON API (``/api/analysis/*``), the web pages (``/analyse``, ``/netzwerk``, the start
page), the command line (``netzwerkatlas analyse``) and the report all ask this service;
it takes the snapshot, builds the graph, runs :mod:`network` and puts the reasons in
words (:mod:`api.services.wording`), so all four answer the same question the same way.
Results are cached per store version and question: every write to the store changes its
version, so a cached answer is never stale, and the same question asked again about an
unchanged store is answered from memory. One computation runs at a time (no stampede of
identical computations after a change).

Large graphs (more than :data:`BACKGROUND_LIMIT` organisations): exact betweenness takes
minutes there (the whole exact job took 6.6 min on the 30,000-organisation demo, 2 cores),
so the metrics and the summary are first answered from the sampled estimates
(:data:`SAMPLES` sources / pivots, flagged ``"estimated": true``) while a background
thread computes the exact figures: betweenness in chunks of sources (igraph's subset
betweenness, whose sums over a partition of the sources are the exact values), sent to
the analysis worker process (:mod:`network.pool`; igraph holds the GIL, so in this
process each chunk would stall the requests served meanwhile), then exact closeness and
exact path metrics. :meth:`AnalysisService.status` shows its progress; once done, the exact
results are cached and served. A write abandons a running job (its results would be
stale); the next request for the figures starts a new one. Small graphs stay on the
synchronous path.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, NotRequired, TypeVar

import networkx as nx
from typing_extensions import TypedDict

from api.services.wording import worded
from graph_schema import clock
from graph_schema.model import NodeLabel, RelType
from graph_schema.snapshot import Snapshot
from graph_schema.store import GraphStore
from network import actors, brokerage, change, coverage, figures, gaps, graphs, mixing
from network.actors import ActorMetrics, Bridge
from network.brokerage import Brokerage
from network.change import NetworkChange, NetworkFigures
from network.coverage import CoverageTable
from network.engine import IGraphView
from network.engine import closeness as _closeness
from network.figures import Communities, NetworkSummary
from network.gaps import (
    CouncilRepresentation,
    DuplicateOffer,
    MissingCooperation,
    OfferGap,
    PeripheralActor,
)
from network.mixing import EIIndex, MixingMatrix, MsoCooperation
from network.results import Reason, result_type

__all__ = [
    "BACKGROUND_LIMIT",
    "CooperationGaps",
    "Mixing",
    "AnalysisStatus",
    "AnalysisSummary",
    "MISSING_LIMIT",
    "SAMPLES",
    "AnalysisService",
    "Filters",
    "analysis_of",
    "whole",
]

Filters = tuple[dt.date | None, str | None, str | None, str | None]  # as_of, area, field, kind
MAX_ENTRIES = 96
T = TypeVar("T")
#: suggested cooperations the pages rank at most (the best founded first; the page says so)
MISSING_LIMIT = 200
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


# ------------------------------------------------------------------ the answers' types


@result_type
class AnalysisSummary(NetworkSummary):
    """The network's figures on a day (``estimated`` while exact ones are computed)."""

    as_of: dt.date
    bridges: list[Bridge]
    estimated: NotRequired[bool]


@result_type
class AnalysisStatus(TypedDict):
    """Progress of the exact figures of a large network."""

    state: str
    progress: float
    store_version: int
    exact: bool
    error: NotRequired[str]


@result_type
class Mixing(TypedDict):
    """E-I indices and mixing matrices per attribute; the migrant organisations' answer."""

    ei: dict[str, EIIndex]
    matrices: dict[str, MixingMatrix]
    migrant_organisations: MsoCooperation


@result_type
class CooperationGaps(TypedDict):
    """The cooperation gaps of one day, every reason with its words."""

    as_of: dt.date
    notes: list[Reason]
    offer_gaps: list[OfferGap]
    duplicate_offers: list[DuplicateOffer]
    missing_cooperations: list[MissingCooperation]
    peripheral_actors: list[PeripheralActor]
    council_representation: CouncilRepresentation


def whole(day: dt.date) -> Filters:
    """The question about the whole network on ``day`` (no area, field or kind filter)."""
    return (day, None, None, None)


class AnalysisService:
    """Answers the analysis questions of one store, remembering recent answers."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._compute_lock = threading.RLock()
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
        with self._compute_lock:  # one computation at a time: no stampede after a change
            with self._lock:
                if full_key in self._cache:
                    return self._cache[full_key]
            value = compute()
            with self._lock:
                self._cache[full_key] = value
                while len(self._cache) > MAX_ENTRIES:
                    self._cache.popitem(last=False)
            return value

    def remember(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()``, remembered under ``key`` until the store changes (for what the
        pages derive from the results: layouts, groupings, counts)."""
        return self._cached(("derived", *key), compute)  # type: ignore[no-any-return]

    def is_cached(self, key: tuple[Any, ...]) -> bool:
        """Whether :meth:`remember` holds ``key`` at the current store version."""
        with self._lock:
            return (self.store.version, ("derived", *key)) in self._cache

    # ------------------------------------------------------------------ building blocks

    def snapshot(self, f: Filters) -> Snapshot:
        """Everything valid on the day of ``f`` (offers, people and bodies too)."""
        as_of, area, field, kind = f
        return self._cached(
            ("snapshot", f),
            lambda: self.store.snapshot(as_of, area=area, field=field, kind=kind),
        )

    def graph_snapshot(self, f: Filters) -> Snapshot:
        """Organisations, areas, fields and their cooperation, activity and field ties:
        what the cooperation graph and the comparison of two dates need."""
        return self._part("graph_snapshot", f, graphs.COOPERATION_LABELS, graphs.COOPERATION_TYPES)

    def council_snapshot(self, f: Filters) -> Snapshot:
        """Organisations, people and bodies with the seats and representation ties."""
        labels = [NodeLabel.ORGANISATION, NodeLabel.PERSON, NodeLabel.BODY]
        return self._part("council_snapshot", f, labels, [RelType.MEMBER_OF, RelType.REPRESENTS])

    def _part(
        self, key: str, f: Filters, labels: Sequence[NodeLabel], types: Sequence[RelType]
    ) -> Snapshot:
        """The snapshot of ``f`` holding only ``labels`` and ``types``, remembered."""
        as_of, area, field, kind = f
        return self._cached(  # type: ignore[no-any-return]
            (key, f),
            lambda: self.store.snapshot(
                as_of, area=area, field=field, kind=kind, labels=labels, types=types
            ),
        )

    def graph(self, f: Filters) -> nx.Graph:
        """The cooperation graph, from a snapshot of only what it needs (or the full one
        when that is already at hand)."""

        def compute() -> nx.Graph:
            snap = self._peek(("snapshot", f))
            return graphs.cooperation_graph(snap if snap is not None else self.graph_snapshot(f))

        return self._cached(("graph", f), compute)

    def is_large(self, f: Filters) -> bool:
        """Whether the graph of ``f`` gets its exact figures in the background."""
        return self.graph(f).number_of_nodes() > BACKGROUND_LIMIT

    def metrics(self, f: Filters) -> list[ActorMetrics]:
        """Actor metrics; on a large graph the estimates until the exact ones are done."""
        if not self.is_large(f):
            return self._cached(  # type: ignore[no-any-return]
                ("metrics", f), lambda: actors.actor_metrics(self.graph(f))
            )
        exact = self._peek(("metrics-exact", f))
        if exact is not None:
            return exact  # type: ignore[no-any-return]
        rows = self._estimated_metrics(f)
        self._start(f)
        return rows

    def summary(self, f: Filters) -> AnalysisSummary:
        """Network figures; on a large graph ``estimated`` until the exact ones are done."""
        if not self.is_large(f):

            def compute() -> AnalysisSummary:
                g = self.graph(f)
                return {
                    "as_of": _day(f),
                    **figures.summary(g, betweenness=_betweenness_of(self.metrics(f))),
                    "bridges": actors.bridges(g),
                }

            return self._cached(("summary", f), compute)  # type: ignore[no-any-return]
        exact = self._peek(("summary-exact", f))
        if exact is not None:
            return exact  # type: ignore[no-any-return]
        out = self._estimated_summary(f)
        self._start(f)
        return out

    def _estimated_metrics(self, f: Filters) -> list[ActorMetrics]:
        return self._cached(  # type: ignore[no-any-return]
            ("metrics-estimated", f),
            lambda: actors.actor_metrics(
                self.graph(f), exact_limit=BACKGROUND_LIMIT, samples=SAMPLES
            ),
        )

    def _estimated_summary(self, f: Filters) -> AnalysisSummary:
        def compute() -> AnalysisSummary:
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

    def status(self, f: Filters) -> AnalysisStatus:
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
        out: AnalysisStatus = {
            "state": "idle",
            "progress": 0.0,
            "store_version": version,
            "exact": exact or small,
        }
        if exact or small:
            out.update({"state": "done", "progress": 1.0})
        elif job is not None and job.state in ("running", "failed"):
            out.update({"state": job.state, "progress": round(job.progress, 4)})
            if job.error:
                out["error"] = job.error
        return {**out, "exact": exact or small}  # "exact" last, as the API has always said

    def wait(self, f: Filters, timeout: float = 60.0) -> AnalysisStatus:
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

    # ------------------------------------------------------------------ the questions

    def figures(self, f: Filters) -> NetworkFigures:
        """The few figures the start page and the comparison of two dates show."""
        return self._cached(("figures", f), lambda: change.network_figures(self.graph(f)))  # type: ignore[no-any-return]

    def communities(self, f: Filters) -> Communities:
        """Louvain communities (seeded) with modularity."""
        return self._cached(("communities", f), lambda: figures.communities(self.graph(f)))  # type: ignore[no-any-return]

    def community_of(self, f: Filters) -> dict[str, int]:
        """Organisation -> its community's number (1 = the largest)."""

        def compute() -> dict[str, int]:
            found = self.communities(f)["communities"]
            return {str(m): c["id"] for c in found for m in c["members"]}

        return self._cached(("community_of", f), compute)  # type: ignore[no-any-return]

    def brokerage(self, f: Filters) -> list[Brokerage]:
        return self._cached(("brokerage", f), lambda: brokerage.brokerage(self.graph(f)))  # type: ignore[no-any-return]

    def mixing(self, f: Filters) -> Mixing:
        """E-I indices and mixing matrices by kind, area and field; whether migrant
        organisations mostly cooperate among themselves (``answer`` in words)."""

        def compute() -> dict[str, Any]:
            g = self.graph(f)
            mso = mixing.mso_cooperation(g)
            return {
                "ei": {a: mixing.ei_index(g, a) for a in mixing.ATTRIBUTES},
                "matrices": {a: mixing.mixing_matrix(g, a) for a in mixing.ATTRIBUTES},
                "migrant_organisations": {**mso, "answer": worded(mso["answer"])},
            }

        return self._cached(("mixing", f), compute)  # type: ignore[no-any-return]

    def coverage(self, f: Filters) -> CoverageTable:
        """Offers per field and municipality (:func:`network.coverage.coverage`)."""
        return self._cached(("coverage", f), lambda: coverage.coverage(self.snapshot(f)))  # type: ignore[no-any-return]

    def gaps(self, f: Filters, limit: int = 100) -> CooperationGaps:
        """Offer gaps, uncoordinated and coordinated duplicate offers, the ``limit`` best
        founded missing cooperations, peripheral organisations, the project council's
        representation, and ``notes`` on what the store still lacks; every reason with
        its words (``de``, ``en``) beside its code."""

        def compute() -> dict[str, Any]:
            snap, g = self.snapshot(f), self.graph(f)
            return {
                "as_of": snap.as_of,
                "notes": [worded(n) for n in gaps.readiness(snap)],
                "offer_gaps": gaps.offer_gaps(snap),
                "duplicate_offers": gaps.duplicate_offers(snap),
                "missing_cooperations": [
                    {**row, "reason": worded(row["reason"])}
                    for row in gaps.missing_cooperations(snap, g, limit=limit)
                ],
                "peripheral_actors": [
                    {**row, "reasons": [worded(r) for r in row["reasons"]]}
                    for row in gaps.peripheral_actors(g)
                ],
                "council_representation": self.council(f),
            }

        return self._cached(("gaps", f, limit), compute)  # type: ignore[no-any-return]

    def council(self, f: Filters) -> CouncilRepresentation:
        """The project council's representation; without a council or seats, ``message``
        says what to add."""

        def compute() -> dict[str, Any]:
            found = gaps.council_representation(self.snapshot(f))
            message = found["message"]
            return {**found, "message": worded(message) if message else None}

        return self._cached(("council", f), compute)  # type: ignore[no-any-return]

    def change(self, before: Filters, after: Filters) -> NetworkChange:
        """Organisations and cooperations added and ended between two dates, figures at
        both."""
        return self._cached(  # type: ignore[no-any-return]
            ("change", before, after),
            lambda: change.compare(self.graph_snapshot(before), self.graph_snapshot(after)),
        )


def analysis_of(app: Any) -> AnalysisService:
    """The analysis service of a running app (made in ``create_app``)."""
    return app.state.analysis  # type: ignore[no-any-return]


def _day(f: Filters) -> dt.date:
    """The date a snapshot of ``f`` is taken on (the store's rule: today without one)."""
    return f[0] or clock.today()


def _betweenness_of(rows: list[ActorMetrics]) -> list[float]:
    return [float(r["betweenness"]) for r in rows]


def _chunk(view: IGraphView, weight: str | None, sources: range) -> list[float]:
    """igraph's subset betweenness of ``sources`` (unscaled), in the worker process if
    there is one: igraph holds the GIL, so computed here it would stall every request
    for the seconds a chunk takes; waiting for the worker does not."""
    from network import pool
    from network.engine import betweenness_part

    values = {weight: view.values[weight]} if weight else {}
    future = pool.submit(
        betweenness_part, view.n, view.edges, values, list(sources), (weight,), False
    )
    if future is not None:
        try:
            return [float(x) for x in future.result()[weight]]
        except Exception:  # noqa: BLE001 - a lost or failed worker: computed here instead
            pass
    return [
        float(x) for x in view.graph.betweenness(directed=False, weights=weight, sources=sources)
    ]
