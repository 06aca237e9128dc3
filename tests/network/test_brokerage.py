"""Gould-Fernandez brokerage: hand-checked roles and a naive cross-check."""

from __future__ import annotations

from collections import Counter
from itertools import permutations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from network.brokerage import ROLES, brokerage


def naive_directed(g: nx.Graph) -> dict:
    """Gould-Fernandez on the symmetrised digraph: every ordered open path a → v → b."""
    out = {}
    for v in g:
        kv = g.nodes[v]["kind"]
        counts: Counter[str] = Counter()
        for a, b in permutations(g[v], 2):
            if a == v or b == v or g.has_edge(a, b):
                continue
            ka, kb = g.nodes[a]["kind"], g.nodes[b]["kind"]
            if ka == kv == kb:
                counts["coordinator"] += 1
            elif ka == kb:
                counts["itinerant"] += 1
            elif ka == kv:
                counts["representative"] += 1
            elif kb == kv:
                counts["gatekeeper"] += 1
            else:
                counts["liaison"] += 1
        out[v] = counts
    return out


def test_kite_roles_by_hand(kite: nx.Graph) -> None:
    rows = {r["id"]: r for r in brokerage(kite)}
    # Heather (municipality) joins Fernando and Garth (authorities, tied to each other) to
    # Ike (initiative): open pairs Fernando-Ike, Garth-Ike, both liaison
    assert rows["Heather"]["liaison"] == 2 and rows["Heather"]["total"] == 2
    # Ike (initiative) between Heather (municipality) and Jane (MSO): one liaison
    assert rows["Ike"]["total"] == rows["Ike"]["liaison"] == 1
    # Jane has one partner: nothing to broker
    assert rows["Jane"]["total"] == 0
    # Carol (MSO) knows Andre, Diane (welfare) and Fernando (authority); Andre-Diane and
    # Andre-Fernando are tied, Diane-Fernando too: no open pair
    assert rows["Carol"]["total"] == 0
    # Beverly (welfare) knows Andre, Diane (welfare), Ed (MSO), Garth (authority); open
    # pairs Andre-Ed and Andre-Garth, Andre sharing her kind: representative/gatekeeper
    assert rows["Beverly"]["representative_gatekeeper"] == rows["Beverly"]["total"] == 2


def test_rows_are_sorted_by_total_and_carry_the_kind(kite: nx.Graph) -> None:
    rows = brokerage(kite)
    totals = [r["total"] for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert all(r["total"] == sum(r[k] for k in ROLES) for r in rows)
    assert {r["id"] for r in rows} == set(kite)
    assert rows[0]["kind"] == kite.nodes[rows[0]["id"]]["kind"]


def test_star_with_mixed_leaves() -> None:
    g = nx.star_graph(["hub", "w1", "w2", "m1", "m2", "a"])
    kinds = {
        "hub": "welfare_association",
        "w1": "welfare_association",
        "w2": "welfare_association",
        "m1": "migrant_organisation",
        "m2": "migrant_organisation",
        "a": "authority",
    }
    nx.set_node_attributes(g, kinds, "kind")
    hub = brokerage(g)[0]
    assert hub["id"] == "hub"
    assert hub["coordinator"] == 1  # w1-w2
    assert hub["itinerant"] == 1  # m1-m2
    assert hub["representative_gatekeeper"] == 2 * 3  # {w1, w2} × {m1, m2, a}
    assert hub["liaison"] == 2  # m1-a, m2-a
    assert hub["total"] == 10  # C(5, 2)
    g.add_edge("m1", "m2")  # now the MSOs cooperate directly
    assert brokerage(g)[0]["itinerant"] == 0


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=16),
    density=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=10_000),
    kinds=st.integers(min_value=1, max_value=4),
)
def test_matches_the_ordered_two_path_count(n: int, density: float, seed: int, kinds: int) -> None:
    g = nx.gnm_random_graph(n, int(density * n * (n - 1) / 2), seed=seed)
    nx.set_node_attributes(g, {v: f"k{(v * 7 + seed) % kinds}" for v in g}, "kind")
    naive = naive_directed(g)
    for row in brokerage(g):
        c = naive[row["id"]]
        assert 2 * row["coordinator"] == c["coordinator"]
        assert 2 * row["itinerant"] == c["itinerant"]
        assert row["representative_gatekeeper"] == c["representative"] == c["gatekeeper"]
        assert 2 * row["liaison"] == c["liaison"]
        v = row["id"]
        open_pairs = sum(1 for a, b in permutations(g[v], 2) if not g.has_edge(a, b)) // 2
        assert row["total"] == open_pairs
