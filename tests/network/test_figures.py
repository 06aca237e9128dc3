"""Whole-network figures and communities."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from network.figures import (
    assortativity,
    betweenness_centralisation,
    communities,
    degree_centralisation,
    largest_component,
    path_metrics,
    summary,
)
from tests.network.helpers import random_weighted_graph, with_kinds


def test_summary_of_the_kite(kite: nx.Graph) -> None:
    s = summary(kite)
    assert (s["nodes"], s["edges"]) == (10, 18)
    assert s["density"] == pytest.approx(18 / 45)
    assert (s["components"], s["largest_component"], s["isolates"]) == (1, 10, 0)
    assert s["diameter"] == 4  # Jane to Andre, Beverly, Carol, Ed
    assert s["average_path_length"] == pytest.approx(nx.average_shortest_path_length(kite))
    assert s["path_metrics_estimated"] is False and s["betweenness_estimated"] is False
    # Diane has 6 partners: Σ (6 − degree) = 60 − 2·18 = 24 over 9·8
    assert s["degree_centralisation"] == pytest.approx(24 / 72)
    values = nx.betweenness_centrality(kite)
    top = max(values.values())
    assert s["betweenness_centralisation"] == pytest.approx(
        sum(top - x for x in values.values()) / 9
    )
    assert s["assortativity_kind"] == pytest.approx(
        nx.attribute_assortativity_coefficient(kite, "kind")
    )


def test_star_and_cycle_are_the_extremes_of_centralisation() -> None:
    star, cycle = nx.star_graph(6), nx.cycle_graph(7)
    assert degree_centralisation(star) == 1.0 and betweenness_centralisation(star) == 1.0
    assert degree_centralisation(cycle) == 0.0
    assert betweenness_centralisation(cycle) == pytest.approx(0.0, abs=1e-12)
    assert degree_centralisation(nx.path_graph(2)) is None
    assert betweenness_centralisation(nx.path_graph(2)) is None


def test_summary_of_a_disconnected_graph(two_triangles: nx.Graph) -> None:
    g = two_triangles.copy()
    g.add_edge("x", "y")
    g.add_node("z")
    for v in "xyz":
        g.nodes[v]["kind"] = "initiative"
    s = summary(g)
    assert (s["components"], s["largest_component"], s["isolates"]) == (3, 6, 1)
    assert s["diameter"] == 3  # a to f over the bridge
    assert s["average_path_length"] == pytest.approx(nx.average_shortest_path_length(two_triangles))
    assert s["assortativity_kind"] is None  # one kind only: undefined


def test_summary_of_empty_and_single_node_graphs() -> None:
    s = summary(nx.Graph())
    assert s["nodes"] == 0 and s["diameter"] is None and s["average_path_length"] is None
    assert s["degree_centralisation"] is None and s["assortativity_kind"] is None
    one = nx.empty_graph(1)
    s = summary(one)
    assert (s["diameter"], s["average_path_length"], s["density"]) == (0, 0.0, 0.0)


def test_largest_component_breaks_ties_by_the_lowest_node() -> None:
    g = nx.Graph([("m", "n"), ("b", "c"), ("x", "y")])
    assert largest_component(g) == ["b", "c"]
    assert largest_component(nx.Graph()) == []


def test_path_metrics_estimate_on_a_large_component() -> None:
    g = nx.connected_watts_strogatz_graph(3000, 6, 0.1, seed=2)
    exact = path_metrics(g, exact_limit=10_000)
    est = path_metrics(g, samples=128, seed=4)  # 3,000 > PATH_EXACT_LIMIT
    assert exact["path_metrics_estimated"] is False and est["path_metrics_estimated"] is True
    assert est["average_path_length"] == pytest.approx(exact["average_path_length"], rel=0.02)
    assert exact["diameter"] - 1 <= est["diameter"] <= exact["diameter"]
    # a long path: the second sweep finds the true diameter
    path = nx.path_graph(2500)
    assert path_metrics(path, exact_limit=100, samples=5)["diameter"] == 2499


def test_path_metrics_exact_equals_networkx() -> None:
    g = random_weighted_graph(300, 700, seed=9)
    lcc = g.subgraph(largest_component(g))
    exact = path_metrics(g)
    assert exact["diameter"] == nx.diameter(lcc)
    assert exact["average_path_length"] == pytest.approx(nx.average_shortest_path_length(lcc))


def test_summary_estimates_betweenness_on_large_graphs() -> None:
    g = random_weighted_graph(400, 1200, seed=1)
    s = summary(g, exact_limit=100, samples=100)
    assert s["betweenness_estimated"] is True
    exact = summary(g)["betweenness_centralisation"]
    assert s["betweenness_centralisation"] == pytest.approx(exact, rel=0.35)


def test_assortativity_matches_networkx_and_is_none_when_undefined(kite: nx.Graph) -> None:
    assert assortativity(kite) == pytest.approx(
        nx.attribute_assortativity_coefficient(kite, "kind")
    )
    g = nx.Graph([("a", "b")])
    nx.set_node_attributes(g, "x", "kind")
    assert assortativity(g) is None
    assert assortativity(nx.empty_graph(3)) is None


def test_communities_of_two_triangles(two_triangles: nx.Graph) -> None:
    result = communities(two_triangles)
    assert [c["members"] for c in result["communities"]] == [["a", "b", "c"], ["d", "e", "f"]]
    assert [c["id"] for c in result["communities"]] == [1, 2]
    assert result["communities"][0]["kinds"] == {"initiative": 3}
    # 7 ties, 3 inside each triangle: Q = 2·(3/7 − (7/14)²)
    assert result["modularity"] == pytest.approx(2 * (3 / 7 - 0.25))


def test_communities_are_numbered_by_size_and_deterministic() -> None:
    g = nx.relaxed_caveman_graph(6, 5, 0.1, seed=3)
    g.add_edges_from([(100, 101), (101, 102)])
    for v in g:
        g.nodes[v]["kind"] = "initiative" if v % 2 else "association"
    first = communities(g, seed=7)
    assert first == communities(g, seed=7)
    sizes = [c["size"] for c in first["communities"]]
    assert sizes == sorted(sizes, reverse=True)
    assert sum(sizes) == g.number_of_nodes()
    members = [v for c in first["communities"] for v in c["members"]]
    assert sorted(members) == sorted(g)
    found = [set(c["members"]) for c in first["communities"]]
    assert first["modularity"] == pytest.approx(nx.community.modularity(g, found))


def test_communities_without_ties() -> None:
    result = communities(nx.empty_graph(["a", "b"]))
    assert result["modularity"] is None
    assert [c["members"] for c in result["communities"]] == [["a"], ["b"]]
    assert communities(nx.Graph()) == {"modularity": None, "communities": []}


@settings(max_examples=50, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=30),
    density=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_figures_stay_in_their_bounds(n: int, density: float, seed: int) -> None:
    g = random_weighted_graph(n, int(density * n * (n - 1) / 2), seed)
    with_kinds(g, {v: ("a", "b", "c")[v % 3] for v in g}, weight=1)
    s = summary(g)
    assert 0.0 <= s["density"] <= 1.0
    for key in ("degree_centralisation", "betweenness_centralisation"):
        assert s[key] is None or -1e-12 <= s[key] <= 1.0 + 1e-12
    assert s["assortativity_kind"] is None or -1.0 - 1e-12 <= s["assortativity_kind"] <= 1.0
    assert s["largest_component"] <= s["nodes"]
    if s["nodes"]:
        assert 0 <= s["diameter"] < max(s["largest_component"], 1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_communities_are_as_good_as_networkx_louvain(seed: int) -> None:
    """igraph's Louvain against NetworkX's, the reference, on weighted random graphs with
    planted groups: the modularity found is at least NetworkX's (less a rounding margin),
    and it is the true modularity of the partition returned."""
    import random

    rng = random.Random(seed)
    g = nx.planted_partition_graph(12, 25, 0.3, 0.01, seed=seed)
    for a, b in g.edges():
        g.edges[a, b]["weight"] = rng.choice((1, 2, 3))
    ours = communities(g, seed=seed)
    found = [set(c["members"]) for c in ours["communities"]]
    assert ours["modularity"] == pytest.approx(
        nx.community.modularity(g, found, weight="weight"), abs=1e-9
    )
    reference = nx.community.louvain_communities(g, weight="weight", seed=seed)
    best = nx.community.modularity(g, reference, weight="weight")
    assert ours["modularity"] >= best - 0.01
    assert ours == communities(g, seed=seed)
