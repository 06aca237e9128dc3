"""igraph (and scipy) behind the path-based metrics, scaled to NetworkX's conventions.

NetworkX's pure-Python betweenness took 23 s (unweighted) and 61 s (weighted) on the
3,000-organisation demo region; igraph's C core takes 0.4 s and 1.1 s. The values are
rescaled to what NetworkX returns (normalised betweenness, Wasserman-Faust closeness) and
the tests compare both engines on small and random graphs. Exact betweenness grows with
n·m (igraph: 80 s unweighted, 350 s weighted at 30,000 organisations), so large graphs
use the sampled estimates below.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import threading
from collections.abc import Hashable, Iterator, Sequence
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import scipy.sparse as sp

__all__ = [
    "BetweennessJob",
    "IGraphView",
    "betweenness",
    "betweenness_estimate",
    "betweenness_part",
    "closeness",
    "core_number",
    "sample_indices",
    "seeded",
]


class IGraphView:
    """An undirected igraph copy of a NetworkX graph; vertex ``i`` is ``nodes[i]``.

    Args:
        g: the NetworkX graph (treated as undirected).
        attrs: edge attributes to copy (default 1 where missing).
    """

    def __init__(self, g: nx.Graph, attrs: Sequence[str] = ("distance",)) -> None:
        self.nodes: list[Hashable] = list(g)
        index = {v: i for i, v in enumerate(self.nodes)}
        edges = []
        values: dict[str, list[float]] = {a: [] for a in attrs}
        for u, v, d in g.edges(data=True):
            edges.append((index[u], index[v]))
            for a in attrs:
                values[a].append(d.get(a, 1))
        self.graph = ig.Graph(n=len(self.nodes), edges=edges, directed=False)
        for a in attrs:
            self.graph.es[a] = values[a]
        self.edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
        self.values = {a: np.asarray(values[a], dtype=float) for a in attrs}
        self.components: list[list[int]] = [list(c) for c in self.graph.connected_components()]
        self._adjacency: dict[str | None, Any] = {}

    @property
    def n(self) -> int:
        return len(self.nodes)

    def adjacency(self, weight: str | None = None) -> Any:
        """The symmetric adjacency matrix in vertex order (scipy CSR, float, no loops).

        Entries are the ties' ``weight`` (one of the copied attributes), or 1 with None:
        what ``nx.to_scipy_sparse_array`` gives for a graph without loops, built from the
        copied arrays instead of the NetworkX graph (about 0.2 s less per matrix at 30,000
        organisations). Built once per weighting.

        Examples:
            >>> IGraphView(nx.path_graph(3)).adjacency().toarray().tolist()
            [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
        """
        if weight not in self._adjacency:
            keep = self.edges[:, 0] != self.edges[:, 1]
            u, v = self.edges[keep, 0], self.edges[keep, 1]
            w = np.ones(len(u)) if weight is None else self.values[weight][keep]
            a = sp.csr_array(
                (np.concatenate((w, w)), (np.concatenate((u, v)), np.concatenate((v, u)))),
                shape=(self.n, self.n),
            )
            a.eliminate_zeros()
            self._adjacency[weight] = a
        return self._adjacency[weight]

    def largest_component(self) -> list[int]:
        """Vertex indices of the largest component (ties: the one with the lowest index)."""
        if not self.components:
            return []
        best = self.components[0]
        for comp in self.components[1:]:
            if _size_then_first(comp) < _size_then_first(best):
                best = comp
        return sorted(best)


def _size_then_first(component: list[int]) -> tuple[int, int]:
    return (-len(component), min(component))


def sample_indices(n: int, k: int, seed: int) -> list[int]:
    """``k`` of the indices ``0..n-1``, drawn with a seeded generator, sorted.

    Examples:
        >>> sample_indices(10, 3, seed=1) == sample_indices(10, 3, seed=1)
        True
    """
    return sorted(random.Random(seed).sample(range(n), k))


#: below this much work (organisations × ties) a worker process costs more than it saves
PARALLEL_MIN_WORK = 2_000_000
#: share of the sources sent to the worker while the caller's process computes its own
#: share and the other metrics (chosen by wall time on the demo region: at 3,000
#: organisations, exact, half and half beat 60:40, both processes slowing each other a
#: little; at 30,000, estimated, the other metrics cost two thirds of both runs)
WORKER_SHARE = 0.5
WORKER_SHARE_ESTIMATE = 0.8


def betweenness(
    view: IGraphView, weight: str | None = None, sources: Sequence[int] | None = None
) -> list[float]:
    """Betweenness as ``nx.betweenness_centrality(normalized=True)``, in vertex order.

    Exact (igraph) without ``sources``; with them, the linearly scaled estimate of
    :func:`betweenness_estimate`. Large graphs share the work with a worker process (see
    :class:`BetweennessJob`).

    Examples:
        >>> view = IGraphView(nx.path_graph(3))
        >>> betweenness(view)
        [0.0, 1.0, 0.0]
    """
    return BetweennessJob(view, (weight,), sources).result()[weight]


class BetweennessJob:
    """Betweenness of one graph under one or more weightings, started now, read later.

    The sources (all vertices when exact, the sampled ones when estimated) are split: a
    :data:`WORKER_SHARE` of them goes to a worker process (:mod:`network.pool`) at once,
    the rest is computed by :meth:`result` in this process, so the caller can compute
    other metrics in between. Betweenness is a sum over sources (igraph's subset
    betweenness, or the per-source dependencies of the estimate), so the parts add up to
    the whole (tested against the single-process result). Small graphs, or no worker:
    everything here.

    Args:
        view: the graph.
        weights: edge attributes (None: count steps), one result each.
        sources: sampled sources of an estimate, or None for exact values.

    Examples:
        >>> job = BetweennessJob(IGraphView(nx.path_graph(3)), (None,))
        >>> job.result()
        {None: [0.0, 1.0, 0.0]}
    """

    def __init__(
        self,
        view: IGraphView,
        weights: Sequence[str | None],
        sources: Sequence[int] | None = None,
    ) -> None:
        from network import pool

        self.view = view
        self.weights = tuple(weights)
        self.estimate = sources is not None
        self.count = view.n if sources is None else len(sources)
        self.values = {w: view.values[w] for w in self.weights if w is not None}
        everything = list(range(view.n)) if sources is None else list(sources)
        self.own: list[int] | None = None if sources is None else everything
        self.future: Any = None
        self.theirs: list[int] = []
        if view.n * max(1, len(view.edges)) >= PARALLEL_MIN_WORK and len(everything) > 1:
            step = round((WORKER_SHARE_ESTIMATE if self.estimate else WORKER_SHARE) * 10)
            theirs = [s for i, s in enumerate(everything) if i % 10 < step]
            self.future = pool.submit(
                betweenness_part,
                view.n,
                view.edges,
                self.values,
                theirs,
                self.weights,
                self.estimate,
            )
            if self.future is not None:
                self.theirs = theirs
                self.own = [s for i, s in enumerate(everything) if i % 10 >= step]

    def result(self) -> dict[str | None, list[float]]:
        """The normalised betweenness per weighting, in vertex order (NetworkX's scale)."""
        n = self.view.n
        if n <= 2 or self.count == 0:
            return {w: [0.0] * n for w in self.weights}
        own = self.own
        if self.estimate or own is not None:
            mine = betweenness_part(
                n, self.view.edges, self.values, own or [], self.weights, self.estimate
            )
        else:  # exact, all here: igraph's whole-graph betweenness on the graph at hand
            g = self.view.graph
            mine = {
                w: np.asarray(g.betweenness(directed=False, weights=w), dtype=float)
                for w in self.weights
            }
        if self.future is not None:
            try:
                theirs = self.future.result()
            except Exception:  # a lost or failed worker: its share is computed here
                theirs = betweenness_part(
                    n, self.view.edges, self.values, self.theirs, self.weights, self.estimate
                )
            mine = {w: mine[w] + theirs[w] for w in self.weights}
        if self.estimate:
            # the shares of both directions make one unordered pair; NetworkX counts
            # ordered pairs
            scale = 2.0 * n / self.count / ((n - 1) * (n - 2))
        else:
            # igraph counts each unordered pair once, NetworkX sums both directions
            scale = 2.0 / ((n - 1) * (n - 2))
        return {w: [float(x) for x in mine[w] * scale] for w in self.weights}


def betweenness_part(
    n: int,
    edges: np.ndarray,
    values: dict[str, np.ndarray],
    sources: Sequence[int],
    weights: Sequence[str | None],
    estimate: bool,
) -> dict[str | None, np.ndarray]:
    """Unscaled betweenness sums over ``sources``, per weighting (runs in either process)."""
    if estimate:
        return {
            w: _dependencies(n, edges, None if w is None else values[w], sources) for w in weights
        }
    g = ig.Graph(n=n, edges=edges.tolist(), directed=False)
    return {
        w: np.asarray(
            g.betweenness(
                directed=False,
                weights=None if w is None else values[w].tolist(),
                sources=list(sources),
            ),
            dtype=float,
        )
        for w in weights
    }


def betweenness_estimate(
    view: IGraphView, weight: str | None, sources: Sequence[int]
) -> list[float]:
    """Betweenness estimated from shortest paths out of ``sources``, linearly scaled.

    Plain source sampling (NetworkX's ``k``) credits each sampled source's whole
    dependency to the organisations next to it, so the local hubs of the few sampled
    places jump to the top, while those of unsampled places get half their due: on the
    30,000-organisation demo, 256 sources kept 2 of the true top 20. Geisberger, Sanders
    and Schultes (2008, "Better approximation of betweenness centrality") credit a pair
    (s, t) to v on a shortest path only in proportion d(s, v) / d(s, t); over both
    directions of an undirected pair the shares add up to 1, so the estimate stays
    unbiased and its variance drops. With all nodes as sources it is exact (tested).

    Brandes' accumulation runs per source on arrays: distances by scipy's Dijkstra (the
    integer distances make "on a shortest path" an exact comparison), path counts and
    dependencies level by level over the tight edges.
    """
    return BetweennessJob(view, (weight,), sources).result()[weight]


def _dependencies(
    n: int, edges: np.ndarray, weights: np.ndarray | None, sources: Sequence[int]
) -> np.ndarray:
    """Σ over ``sources`` of the length-scaled dependencies (unscaled estimate sums)."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import dijkstra

    total = np.zeros(n)
    if n <= 2 or not len(sources):
        return total
    u = np.concatenate([edges[:, 0], edges[:, 1]])
    v = np.concatenate([edges[:, 1], edges[:, 0]])
    w = np.ones(len(u)) if weights is None else np.tile(weights, 2)
    adj = csr_array((w, (u, v)), shape=(n, n))
    batch = 32
    for start in range(0, len(sources), batch):
        chunk = list(sources[start : start + batch])
        dist = dijkstra(adj, directed=True, indices=chunk, unweighted=weights is None)
        for row, s in zip(dist, chunk, strict=True):
            du, dv = row[u], row[v]
            tight = np.isfinite(du) & (du + w == dv)
            tu, tv, level = u[tight], v[tight], dv[tight]
            order = np.argsort(level, kind="stable")
            tu, tv, level = tu[order], tv[order], level[order]
            cuts = np.flatnonzero(np.diff(level)) + 1
            bounds = [0, *cuts.tolist(), len(level)]
            sigma = np.zeros(n)
            sigma[s] = 1.0
            for a, b in itertools.pairwise(bounds):
                np.add.at(sigma, tv[a:b], sigma[tu[a:b]])
            delta = np.zeros(n)  # Σ_t σ_st(x)/σ_st · 1/d(s, t)
            for a, b in reversed(list(itertools.pairwise(bounds))):
                x, y = tv[a:b], tu[a:b]
                np.add.at(delta, y, sigma[y] / sigma[x] * (1.0 / row[x] + delta[x]))
            share = np.where(np.isfinite(row), row, 0.0) * delta
            share[s] = 0.0
            total += share
    return total


def closeness(view: IGraphView, pivots: int | None = None, seed: int = 42) -> list[float]:
    """Closeness as ``nx.closeness_centrality`` (Wasserman-Faust), in vertex order.

    With ``pivots``, the distance sums of the largest component are estimated from
    breadth-first searches out of that many sampled vertices (Eppstein-Wang): the mean
    distance of a vertex to the pivots stands for its mean distance to all. Vertices of the
    other components are computed exactly.

    Examples:
        >>> closeness(IGraphView(nx.path_graph(3)))
        [0.6666666666666666, 1.0, 0.6666666666666666]
    """
    n = view.n
    h = view.graph
    out = [0.0] * n
    if n <= 1:
        return out
    size = [0] * n
    for comp in view.components:
        for v in comp:
            size[v] = len(comp)
    exact = list(range(n))
    if pivots is not None:
        lcc = view.largest_component()
        if len(lcc) > pivots:
            chosen = [lcc[i] for i in sample_indices(len(lcc), pivots, seed)]
            totals = np.zeros(n)
            for start in range(0, len(chosen), 64):  # bounded memory: 64 rows at a time
                d = np.asarray(h.distances(source=chosen[start : start + 64]))
                totals += np.where(np.isfinite(d), d, 0.0).sum(axis=0)
            totals = totals[lcc]
            r = len(lcc)
            is_pivot = set(chosen)
            for j, v in enumerate(lcc):
                mean = totals[j] / (pivots - (v in is_pivot))
                out[v] = float((1.0 / mean) * (r - 1) / (n - 1)) if mean > 0 else 0.0
            in_lcc = set(lcc)
            exact = [v for v in range(n) if v not in in_lcc]
    if exact:
        values = h.closeness(vertices=exact, mode="all", normalized=True)
        for v, c in zip(exact, values, strict=True):
            r = size[v]
            out[v] = float(c) * (r - 1) / (n - 1) if r > 1 else 0.0
    return out


def core_number(view: IGraphView) -> dict[Hashable, int]:
    """k-core number of every vertex, as ``nx.core_number`` (igraph's coreness).

    Examples:
        >>> core_number(IGraphView(nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])))
        {'a': 2, 'b': 2, 'c': 2, 'd': 1}
    """
    return dict(zip(view.nodes, (int(c) for c in view.graph.coreness()), strict=True))


_rng_lock = threading.Lock()


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """igraph draws its random numbers from one global generator: seed it for one call.

    The lock keeps two threads from drawing from each other's generator (which would make
    seeded results depend on timing); every seeded igraph call goes through here.

    Examples:
        >>> with seeded(1):
        ...     a = ig.Graph.Erdos_Renyi(20, 0.2).ecount()
        >>> with seeded(1):
        ...     b = ig.Graph.Erdos_Renyi(20, 0.2).ecount()
        >>> a == b
        True
    """
    with _rng_lock:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)
