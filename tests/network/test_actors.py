"""Per-organisation metrics: hand-checked on named graphs, cross-checked with NetworkX."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from network.actors import (
    actor_metrics,
    betweenness,
    bridges,
    closeness,
    constraint,
    effective_size,
    eigenvector,
    pagerank,
)
from network.engine import IGraphView, betweenness_estimate, sample_indices
from tests.network.helpers import random_weighted_graph, with_kinds

KEYS = [
    "id",
    "name",
    "kind",
    "degree",
    "weighted_degree",
    "betweenness",
    "betweenness_weighted",
    "closeness",
    "pagerank",
    "eigenvector",
    "core_number",
    "clustering",
    "constraint",
    "effective_size",
    "articulation_point",
    "estimated",
]


def close(a: dict, b: dict, tol: float = 1e-9) -> bool:
    return a.keys() == b.keys() and all(
        (a[k] is None and (b[k] is None or math.isnan(b[k]))) or abs(a[k] - b[k]) <= tol for k in a
    )


# --------------------------------------------------------------------------- the kite


def test_kite_betweenness_and_closeness_by_hand(kite: nx.Graph) -> None:
    b = {v: round(x, 3) for v, x in betweenness(kite).items()}
    assert b["Heather"] == 0.389  # the only link between the kite and its tail
    assert b["Fernando"] == b["Garth"] == 0.231
    assert b["Ike"] == 0.222
    assert b["Diane"] == 0.102
    assert b["Carol"] == b["Ed"] == b["Jane"] == 0.0
    c = {v: round(x, 3) for v, x in closeness(kite).items()}
    assert c["Fernando"] == c["Garth"] == 0.643
    assert c["Diane"] == c["Heather"] == 0.6
    assert c["Jane"] == 0.31


def test_kite_structural_holes_by_hand(kite: nx.Graph) -> None:
    # Jane's only partner is Ike: fully constrained, effective size 1
    assert constraint(kite)["Jane"] == 1.0
    assert effective_size(kite)["Jane"] == 1.0
    # Diane: six partners with 6 ties among them: 6 - 2·6/6 = 4 ... minus the closure
    assert round(effective_size(kite, weight=None)["Diane"], 3) == 3.333
    assert round(constraint(kite, weight=None)["Heather"], 3) == 0.431


def test_kite_matches_networkx(kite: nx.Graph) -> None:
    assert close(betweenness(kite), nx.betweenness_centrality(kite))
    assert close(
        betweenness(kite, weight="distance"),
        nx.betweenness_centrality(kite, weight="distance"),
    )
    assert close(closeness(kite), nx.closeness_centrality(kite))
    assert close(eigenvector(kite), nx.eigenvector_centrality(kite, weight="weight"), 1e-5)
    nodes = list(kite)
    assert close(constraint(kite), nx.constraint(kite, nodes, weight="weight"))
    assert close(effective_size(kite), nx.effective_size(kite, nodes, weight="weight"))


def test_actor_metrics_on_the_kite(kite: nx.Graph) -> None:
    rows = actor_metrics(kite)
    assert [r["id"] for r in rows] == sorted(kite)
    assert all(list(r) == KEYS for r in rows)
    by = {r["id"]: r for r in rows}
    assert by["Diane"]["degree"] == 6 and by["Diane"]["weighted_degree"] == 6
    assert by["Diane"]["kind"] == "welfare_association" and by["Diane"]["name"] == "Diane"
    assert {v for v, r in by.items() if r["articulation_point"]} == {"Heather", "Ike"}
    assert by["Jane"]["core_number"] == 1 and by["Diane"]["core_number"] == 3
    assert by["Jane"]["clustering"] == 0.0
    assert by["Carol"]["clustering"] == 1.0
    pr = nx.pagerank(kite, weight="weight")
    assert all(abs(by[v]["pagerank"] - pr[v]) < 1e-12 for v in kite)
    assert max(rows, key=lambda r: r["betweenness"])["id"] == "Heather"
    assert max(rows, key=lambda r: r["degree"])["id"] == "Diane"
    assert not any(r["estimated"] for r in rows)


# --------------------------------------------------------------------------- star, path


def test_star_centre_holds_everything() -> None:
    g = with_kinds(nx.star_graph(5), dict.fromkeys(range(6), "initiative"), weight=2)
    rows = {r["id"]: r for r in actor_metrics(g)}
    assert rows[0]["betweenness"] == 1.0 and rows[0]["closeness"] == 1.0
    assert rows[0]["weighted_degree"] == 10
    assert rows[0]["constraint"] == pytest.approx(0.2)  # five equal, unconnected partners
    assert rows[0]["effective_size"] == 5.0
    assert rows[1]["constraint"] == 1.0 and rows[1]["effective_size"] == 1.0
    assert rows[0]["articulation_point"] and not rows[1]["articulation_point"]
    assert len(bridges(g)) == 5


def test_path_interior_nodes_are_articulation_points() -> None:
    g = with_kinds(nx.path_graph(4), dict.fromkeys(range(4), "initiative"))
    rows = actor_metrics(g)
    assert [r["articulation_point"] for r in rows] == [False, True, True, False]
    assert [round(r["betweenness"], 3) for r in rows] == [0.0, 0.667, 0.667, 0.0]
    assert [b["cut_off"] for b in bridges(g)] == [2, 1, 1]


def test_two_triangles_share_one_bridge(two_triangles: nx.Graph) -> None:
    assert bridges(two_triangles) == [{"source": "c", "target": "d", "cut_off": 3}]
    rows = {r["id"]: r for r in actor_metrics(two_triangles)}
    assert {v for v, r in rows.items() if r["articulation_point"]} == {"c", "d"}
    assert rows["c"]["betweenness"] == rows["d"]["betweenness"] == pytest.approx(0.6)


def test_bridge_cut_off_counts_the_smaller_side() -> None:
    # a 4-cycle with a tail of two, and a separate pair
    g = nx.Graph([(1, 2), (2, 3), (3, 4), (4, 1), (4, 5), (5, 6), (7, 8)])
    assert bridges(g) == [
        {"source": 4, "target": 5, "cut_off": 2},
        {"source": 5, "target": 6, "cut_off": 1},
        {"source": 7, "target": 8, "cut_off": 1},
    ]
    assert bridges(nx.cycle_graph(4)) == []


def test_isolates_and_tiny_graphs() -> None:
    g = nx.Graph()
    g.add_node("solo", name="Allein", kind="initiative")
    [row] = actor_metrics(g)
    assert row["constraint"] is None and row["effective_size"] is None
    assert row["degree"] == 0 and row["betweenness"] == 0.0 and row["closeness"] == 0.0
    assert row["eigenvector"] is None  # undefined without ties
    assert actor_metrics(nx.Graph()) == []
    g.add_edge("a", "b", weight=1, distance=6)
    rows = {r["id"]: r for r in actor_metrics(g)}
    assert rows["solo"]["closeness"] == 0.0 and rows["a"]["closeness"] == 0.5
    assert rows["solo"]["constraint"] is None and rows["a"]["constraint"] == 1.0


def test_eigenvector_handles_disconnected_and_bipartite_graphs() -> None:
    g = nx.disjoint_union(nx.complete_graph(4), nx.path_graph(3))
    ours = eigenvector(g, weight=None)
    theirs = nx.eigenvector_centrality(g, max_iter=1000)
    assert close(ours, theirs, 1e-5)
    assert max(ours, key=lambda v: ours[v]) in range(4)
    star = eigenvector(nx.star_graph(4), weight=None)
    assert star[0] == pytest.approx(math.sqrt(0.5), abs=1e-5)
    # no convergence within the allowed iterations: None rather than an exception
    assert set(eigenvector(g, weight=None, max_iter=1).values()) == {None}


# --------------------------------------------------------------------------- cross-checks


def test_weighted_betweenness_matches_networkx_on_300_nodes() -> None:
    """The issue's case: with distance = 6/intensity both engines agree exactly."""
    g = random_weighted_graph(300, 900, seed=7)
    ours = betweenness(g, weight="distance")
    theirs = nx.betweenness_centrality(g, weight="distance")
    assert close(ours, theirs, 1e-12)
    assert close(betweenness(g), nx.betweenness_centrality(g), 1e-12)


def test_float_distances_would_break_ties_differently() -> None:
    """Why 6/intensity: two routes s→t of equal length, intensities (1, 1, 3) and (1, 3, 1).

    In floats 1 + 1 + 1/3 = 2.3333333333333335 but 1 + 1/3 + 1 = 2.333333333333333, so
    with 1/intensity only one route counts as shortest; in whole numbers both are 14.
    """
    g = nx.Graph()
    for u, v, intensity in [
        ("s", "x1", 1), ("x1", "x2", 1), ("x2", "t", 3),
        ("s", "y1", 1), ("y1", "y2", 3), ("y2", "t", 1),
    ]:  # fmt: skip
        g.add_edge(u, v, inverse=1 / intensity, distance=6 // intensity)
    ours = betweenness(g, weight="distance")
    assert close(ours, nx.betweenness_centrality(g, weight="distance"))
    with_floats = nx.betweenness_centrality(g, weight="inverse")
    assert not close(ours, with_floats, 1e-6)


def test_estimated_betweenness_is_exact_with_every_source() -> None:
    g = random_weighted_graph(90, 200, seed=3)
    view = IGraphView(g, ("distance",))
    every = list(range(view.n))
    for weight in (None, "distance"):
        est = dict(zip(view.nodes, betweenness_estimate(view, weight, every), strict=True))
        assert close(est, nx.betweenness_centrality(g, weight=weight), 1e-12)


def towns(n_towns: int, size: int, seed: int) -> nx.Graph:
    """Local clusters (a hub and its members) whose hubs form a random regional network."""
    import random

    rng = random.Random(seed)
    g = nx.Graph()
    hubs = [f"h{t}" for t in range(n_towns)]
    for t, hub in enumerate(hubs):
        members = [f"t{t}-{i}" for i in range(size)]
        g.add_edges_from((hub, m) for m in members)
        g.add_edges_from((a, b) for a in members for b in members if a < b and rng.random() < 0.2)
        for other in rng.sample(hubs, 3):
            if other != hub:
                g.add_edge(hub, other)
    return g


def test_linear_scaling_beats_plain_source_sampling() -> None:
    """Plain sampling over-credits the hubs of sampled towns; linear scaling does not."""
    g = towns(60, 8, seed=1)
    n, k = g.number_of_nodes(), 40
    exact = nx.betweenness_centrality(g)
    ours = betweenness(g, k=k, seed=5)
    assert ours == betweenness(g, k=k, seed=5)
    nodes = list(g)
    sources = [nodes[i] for i in sample_indices(n, k, 5)]
    subset = nx.betweenness_centrality_subset(g, sources, nodes, normalized=False)
    plain = {v: 2 * b * n / (k * (n - 1) * (n - 2)) for v, b in subset.items()}
    hubs = [v for v in g if str(v).startswith("h")]

    def error(est: dict) -> float:
        return sum(abs(est[v] - exact[v]) / exact[v] for v in hubs) / len(hubs)

    assert error(ours) < 0.6 * error(plain)
    assert error(ours) < 0.25


def test_sampled_closeness_is_close_to_exact() -> None:
    g = nx.connected_watts_strogatz_graph(800, 6, 0.2, seed=5)
    g.add_nodes_from(["lonely"])
    g.add_edge("p", "q")
    exact = nx.closeness_centrality(g)
    est = closeness(g, pivots=200, seed=1)
    assert est["lonely"] == 0.0 and est["p"] == exact["p"]
    errors = [abs(est[v] - exact[v]) / exact[v] for v in range(800)]
    assert sum(errors) / len(errors) < 0.02
    assert max(errors) < 0.08


def test_actor_metrics_estimates_above_the_limit() -> None:
    g = random_weighted_graph(200, 600, seed=11)
    for v in g:
        g.nodes[v].update(name=str(v), kind="initiative")
    rows = actor_metrics(g, exact_limit=100, samples=50, seed=3)
    assert all(r["estimated"] for r in rows)
    assert rows == actor_metrics(g, exact_limit=100, samples=50, seed=3)
    est = {r["id"]: r for r in rows}
    exact = {r["id"]: r for r in actor_metrics(g)}
    assert not any(r["estimated"] for r in exact.values())
    top = max(exact, key=lambda v: exact[v]["betweenness"])
    assert est[top]["betweenness"] == pytest.approx(exact[top]["betweenness"], rel=0.3)
    assert est[top]["closeness"] == pytest.approx(exact[top]["closeness"], rel=0.1)
    # the metrics that are never estimated stay exact
    assert all(est[v]["pagerank"] == exact[v]["pagerank"] for v in g)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=14),
    density=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=10_000),
    weighted=st.booleans(),
)
def test_structural_holes_equal_networkx(n: int, density: float, seed: int, weighted: bool) -> None:
    """Against NetworkX's per-node formulas (its all-nodes sparse path for weighted
    effective size normalises by the wrong axis: networkx PR #8906)."""
    m = int(density * n * (n - 1) / 2)
    g = random_weighted_graph(n, m, seed)
    weight = "weight" if weighted else None
    nodes = list(g)
    assert close(constraint(g, weight), nx.constraint(g, nodes, weight=weight))
    assert close(effective_size(g, weight), nx.effective_size(g, nodes, weight=weight))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=30),
    density=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=10_000),
    weighted=st.booleans(),
)
def test_pagerank_and_adjacency_equal_networkx(
    n: int, density: float, seed: int, weighted: bool
) -> None:
    """The matrices built from the igraph copy are NetworkX's, and so is PageRank on
    them, isolates (dangling organisations) included."""
    g = random_weighted_graph(n, int(density * n * (n - 1) / 4), seed)
    g.add_nodes_from(range(n, n + seed % 3))  # isolates at the end
    weight = "weight" if weighted else None
    view = IGraphView(g, ("weight",))
    expected = nx.to_scipy_sparse_array(g, nodelist=view.nodes, weight=weight, dtype=float)
    assert (view.adjacency(weight) != expected).nnz == 0
    assert close(pagerank(g, weight), nx.pagerank(g, weight=weight), tol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=25),
    density=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_path_metrics_equal_networkx_and_stay_in_bounds(n: int, density: float, seed: int) -> None:
    g = random_weighted_graph(n, int(density * n * (n - 1) / 2), seed)
    b, bw, c = betweenness(g), betweenness(g, "distance"), closeness(g)
    assert close(b, nx.betweenness_centrality(g))
    assert close(bw, nx.betweenness_centrality(g, weight="distance"))
    assert close(c, nx.closeness_centrality(g))
    assert all(0.0 <= x <= 1.0 + 1e-12 for d in (b, bw, c) for x in d.values())


@pytest.mark.parametrize("estimate", [False, True], ids=["exact", "estimated"])
def test_worker_process_split_adds_up_to_the_whole(
    estimate: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Part of the sources in a worker process, the rest here: the same values as alone."""
    from network import engine, pool
    from network.engine import BetweennessJob

    if pool.workers() == 0:
        monkeypatch.setenv(pool.ENV, "1")
    g = random_weighted_graph(400, 1200, seed=13)
    view = IGraphView(g, ("distance",))
    sources = sample_indices(view.n, 60, 2) if estimate else None
    monkeypatch.setattr(engine, "PARALLEL_MIN_WORK", 1)
    split = BetweennessJob(view, (None, "distance"), sources)
    assert split.future is not None and split.theirs and split.own
    assert set(split.theirs).isdisjoint(split.own)
    parts = split.result()
    monkeypatch.setattr(engine, "PARALLEL_MIN_WORK", 10**12)
    alone = BetweennessJob(view, (None, "distance"), sources)
    assert alone.future is None
    whole = alone.result()
    for weight in (None, "distance"):
        assert parts[weight] == pytest.approx(whole[weight], rel=1e-9, abs=1e-12)
        assert max(whole[weight]) > 0
    if not estimate:
        reference = nx.betweenness_centrality(g, weight="distance")
        assert whole["distance"] == pytest.approx([reference[v] for v in view.nodes], abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=30),
    density=st.floats(min_value=0.0, max_value=0.4),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_bridges_and_cores_equal_networkx(n: int, density: float, seed: int) -> None:
    """igraph finds them; NetworkX's bridges, components and core numbers are the reference."""
    from network.engine import core_number

    g = random_weighted_graph(n, int(density * n * (n - 1) / 2), seed)
    found = bridges(g)
    assert {frozenset((r["source"], r["target"])) for r in found} == {
        frozenset(e) for e in nx.bridges(g)
    }
    for r in found:
        h = g.copy()
        h.remove_edge(r["source"], r["target"])
        side = len(nx.node_connected_component(h, r["source"]))
        other = len(nx.node_connected_component(h, r["target"]))
        assert r["cut_off"] == min(side, other)
    assert core_number(IGraphView(g, ())) == nx.core_number(g)


def test_actor_metrics_agree_with_igraph_and_networkx_on_1000_generated_nodes() -> None:
    """The demo generator's cooperation graph at 1,000 organisations (above the size where
    betweenness is shared with the worker process), checked metric by metric against
    igraph called directly and against NetworkX where NetworkX is quick."""
    import datetime as dt

    import igraph as ig

    from graph_schema.demo import generate_region
    from graph_schema.snapshot import Snapshot
    from network.graphs import cooperation_graph

    day = dt.date(2026, 1, 15)
    region = generate_region(1000, today=day)
    nodes = [n for items in region.nodes.values() for n in items]
    ties = [t for items in region.ties.values() for t in items if t.valid_on(day)]
    g = cooperation_graph(Snapshot(day, nodes, ties))
    n = g.number_of_nodes()
    assert n >= 1000 and g.number_of_edges() > 2000
    rows = {r["id"]: r for r in actor_metrics(g)}
    assert not any(r["estimated"] for r in rows.values())

    order = list(g)
    index = {v: i for i, v in enumerate(order)}
    h = ig.Graph(n=n, edges=[(index[a], index[b]) for a, b in g.edges()])
    h.es["weight"] = [d["weight"] for _, _, d in g.edges(data=True)]
    h.es["distance"] = [d["distance"] for _, _, d in g.edges(data=True)]
    scale = 2 / ((n - 1) * (n - 2))
    expected = {
        "betweenness": [b * scale for b in h.betweenness(directed=False)],
        "betweenness_weighted": [
            b * scale for b in h.betweenness(directed=False, weights="distance")
        ],
        "core_number": h.coreness(),
        "clustering": h.transitivity_local_undirected(mode="zero"),
    }
    for key, values in expected.items():
        ours = [rows[v][key] for v in order]
        assert ours == pytest.approx(values, rel=1e-6, abs=1e-9), key
    # closeness: igraph per component, NetworkX's Wasserman-Faust scaling on top
    sizes = {v: len(c) for c in nx.connected_components(g) for v in c}
    raw = h.closeness(mode="all", normalized=True)
    wf = [0.0 if sizes[v] < 2 else raw[i] * (sizes[v] - 1) / (n - 1) for i, v in enumerate(order)]
    assert [rows[v]["closeness"] for v in order] == pytest.approx(wf, rel=1e-9, abs=1e-12)
    assert {v for v, r in rows.items() if r["articulation_point"]} == set(nx.articulation_points(g))
    nx_clustering = nx.clustering(g)
    assert [rows[v]["clustering"] for v in order] == pytest.approx(
        [nx_clustering[v] for v in order]
    )
    # PageRank: NetworkX's power iteration stops at a total change of n · 1e-6, igraph
    # (PRPACK) solves exactly, so they agree to about 1e-5 per organisation
    pr = [rows[v]["pagerank"] for v in order]
    assert pr == pytest.approx(h.pagerank(weights="weight"), abs=5e-5)
    nx_pr = nx.pagerank(g, weight="weight")
    assert pr == pytest.approx([nx_pr[v] for v in order])
    ev = nx.eigenvector_centrality(g, weight="weight", max_iter=1000)
    assert [rows[v]["eigenvector"] for v in order] == pytest.approx(
        [ev[v] for v in order], abs=1e-4
    )


def test_a_failed_worker_share_is_computed_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lost or failed worker process costs time, never the result."""
    from concurrent.futures import Future

    from network import engine, pool
    from network.engine import BetweennessJob

    def failing(*args: object) -> Future[object]:
        future: Future[object] = Future()
        future.set_exception(pool.BrokenProcessPool("the worker died"))
        return future

    monkeypatch.setattr(pool, "submit", failing)
    monkeypatch.setattr(engine, "PARALLEL_MIN_WORK", 1)
    g = random_weighted_graph(120, 300, seed=4)
    view = IGraphView(g, ("distance",))
    job = BetweennessJob(view, (None, "distance"), None)
    assert job.future is not None and job.theirs
    values = job.result()
    reference = nx.betweenness_centrality(g, weight="distance")
    assert values["distance"] == pytest.approx([reference[v] for v in view.nodes], abs=1e-12)
