"""Grouped views: counting groups and ties, merging small groups, laying groups out."""

from __future__ import annotations

import math

import networkx as nx

from viz.aggregate import (
    GROUP_PREFIX,
    OTHERS,
    build_group_view,
    group_graph,
    group_layout,
    merge_small_groups,
)


def _florentine_by_family_letter() -> tuple[nx.Graph, dict[str, list[str]]]:
    g = nx.florentine_families_graph()
    return g, {v: [v[0]] for v in g}


def test_group_counts_match_a_count_by_hand() -> None:
    g, groups = _florentine_by_family_letter()
    h = group_graph(g, groups)
    for k in h:
        members = [v for v in g if groups[v] == [k]]
        assert h.nodes[k]["members"] == len(members)
        assert h.nodes[k]["internal"] == g.subgraph(members).number_of_edges()
    between = sum(t for _, _, t in h.edges(data="ties"))
    inside = sum(n for _, n in h.nodes(data="internal"))
    assert between + inside == g.number_of_edges()


def test_an_organisation_in_two_groups_counts_in_both() -> None:
    g = nx.Graph([("a", "b")])
    h = group_graph(g, {"a": ["x", "y"], "b": ["y"]})
    assert dict(h.nodes(data="members")) == {"x": 1, "y": 2}
    assert h.nodes["y"]["internal"] == 1
    # the tie lies inside y, and joins x (a's other area) with y (b's area)
    assert list(h.edges(data="ties")) == [("x", "y", 1)]


def test_small_groups_are_merged_and_keep_their_counts() -> None:
    groups = {f"o{i}": [f"g{i % 5}"] for i in range(23)}
    merged, counts = merge_small_groups(groups, 2)
    assert {k for ks in merged.values() for k in ks} == {"g0", "g1", OTHERS}
    assert sum(counts.values()) == 23
    h = group_graph(nx.empty_graph(list(groups)), merged)
    assert h.nodes[OTHERS]["members"] == 23 - counts["g0"] - counts["g1"]


def test_group_layout_is_stable_and_circles_do_not_overlap() -> None:
    g, groups = _florentine_by_family_letter()
    h = group_graph(g, groups)
    a, b = group_layout(h), group_layout(h)
    assert a == b
    view = build_group_view(h, a, name_of=str, url_of=lambda k: f"/netzwerk?gebiet={k}")
    size = {n["id"]: n["size"] for n in view.nodes}
    keys = list(a)
    for i, x in enumerate(keys):
        for y in keys[i + 1 :]:
            gap = math.dist(a[x], a[y]) - size[GROUP_PREFIX + x] - size[GROUP_PREFIX + y]
            assert gap > 0, (x, y)


def test_only_the_strongest_ties_are_drawn_and_labels_are_text() -> None:
    h = nx.Graph()
    for k in "abcd":
        h.add_node(k, members=1, internal=0)
    h.add_edge("a", "b", ties=9)
    h.add_edge("c", "d", ties=1)
    h.add_edge("a", "c", ties=5)
    names = {"a": "<b>A</b>", "b": "B", "c": "C", "d": "D"}
    view = build_group_view(h, group_layout(h), name_of=names.__getitem__, url_of=str, max_edges=2)
    assert [e["ties"] for e in view.edges] == [9, 5]
    assert view.meta["edges_left_out"] == 1
    first = next(n for n in view.nodes if n["id"] == GROUP_PREFIX + "a")
    assert first["label"] == "<b>A</b> (1)" and first["tooltip"][0] == "<b>A</b>"
