"""Grouped network views: one node per group of organisations (an area, a community).

Large networks (tens of thousands of organisations) are unreadable as one picture of dots
and slow to draw. The grouped view draws one node per group, sized by its number of
organisations, and one edge per pair of groups, weighted by the cooperation ties between
their members; a click on a group opens that group's own network.

An organisation may belong to several groups (active in several areas): it counts in each,
as the area filter of the network view counts it.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

import networkx as nx

from viz.network_view import OTHER_COLOUR, NetworkView, vis_options

__all__ = [
    "GROUP_PREFIX",
    "OTHERS",
    "build_group_view",
    "group_graph",
    "group_layout",
    "merge_small_groups",
]

#: prefix of a group node's id in the view (no organisation id starts like this)
GROUP_PREFIX = "grp|"
#: the group that collects every group beyond the largest ones
OTHERS = "+"
MIN_GROUP_SIZE, MAX_GROUP_SIZE = 12.0, 60.0
MAX_EDGE_WIDTH = 14.0

V = TypeVar("V", bound=Hashable)  # a node of the graph
K = TypeVar("K", bound=Hashable)  # a group


def group_graph(g: nx.Graph, groups_of: Mapping[Any, Iterable[Hashable]]) -> nx.Graph:
    """The graph of groups of ``g``.

    Args:
        g: the cooperation graph.
        groups_of: node -> the groups it belongs to (none: it is left out).

    Returns:
        One node per group with ``members`` (number of organisations) and ``internal``
        (ties inside the group); one edge per pair of groups joined by ties, ``ties``
        counting them (a tie between two organisations that share a group counts as
        internal there, and between every pair of their differing groups).

    Examples:
        >>> g = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
        >>> h = group_graph(g, {"a": ["x"], "b": ["x"], "c": ["y"], "d": ["y", "z"]})
        >>> sorted(h.nodes(data="members")), h.nodes["x"]["internal"]
        ([('x', 2), ('y', 2), ('z', 1)], 1)
        >>> sorted((min(a, b), max(a, b), t) for a, b, t in h.edges(data="ties"))
        [('x', 'y', 1), ('y', 'z', 1)]
    """
    member_groups = {v: tuple(dict.fromkeys(groups_of.get(v, ()))) for v in g}
    members: Counter[Hashable] = Counter(k for ks in member_groups.values() for k in ks)
    internal: Counter[Hashable] = Counter()
    between: Counter[tuple[Hashable, Hashable]] = Counter()
    for a, b in g.edges():
        ga, gb = member_groups[a], member_groups[b]
        if not ga or not gb:
            continue
        shared = set(ga) & set(gb)
        for k in shared:
            internal[k] += 1
        for x in ga:
            for y in gb:
                if x != y and not (x in shared and y in shared):
                    between[(x, y) if str(x) < str(y) else (y, x)] += 1
    h = nx.Graph()
    for k in sorted(members, key=str):
        h.add_node(k, members=members[k], internal=internal.get(k, 0))
    for (x, y), n in sorted(between.items(), key=lambda e: (str(e[0][0]), str(e[0][1]))):
        h.add_edge(x, y, ties=n)
    return h


def merge_small_groups(
    groups_of: Mapping[V, Iterable[K]], keep: int
) -> tuple[dict[V, list[K | str]], Counter[K]]:
    """Keep the ``keep`` largest groups and put every member of the others into
    :data:`OTHERS`; returns the new membership and the member count of every original group.

    Examples:
        >>> merged, counts = merge_small_groups({"a": ["x"], "b": ["x", "y"], "c": ["z"]}, 1)
        >>> merged, counts["y"]
        ({'a': ['x'], 'b': ['x', '+'], 'c': ['+']}, 1)
    """
    counts: Counter[K] = Counter(k for ks in groups_of.values() for k in set(ks))
    kept = {k for k, _ in sorted(counts.items(), key=lambda e: (-e[1], str(e[0])))[:keep]}
    merged = {
        v: list(dict.fromkeys(k if k in kept else OTHERS for k in ks))
        for v, ks in groups_of.items()
    }
    return merged, counts


def group_layout(h: nx.Graph, seed: int = 42) -> dict[Hashable, tuple[float, float]]:
    """Positions of the groups: a seeded force-directed layout (groups with many ties
    between them close together), spread until no two groups' circles overlap.

    Examples:
        >>> h = nx.Graph([("x", "y", {"ties": 5})])
        >>> h.add_node("x", members=50)
        >>> h.add_node("y", members=5)
        >>> pos = group_layout(h)
        >>> math.dist(pos["x"], pos["y"]) > MAX_GROUP_SIZE
        True
    """
    from viz.layout import compute_layout

    if h.number_of_nodes() == 0:
        return {}
    sizes = _sizes(_shown_counts(h))
    # between groups nearly everything is tied to everything: the layout follows each
    # group's three strongest links, so that closely cooperating groups end up side by side
    strong = nx.Graph()
    strong.add_nodes_from(h)
    for a in h:
        if a == OTHERS:
            continue  # tied to everything; it goes below the map with the unconnected
        links = sorted(h[a].items(), key=lambda e: (-int(e[1].get("ties", 0)), str(e[0])))
        strong.add_edges_from((a, b) for b, _ in links[:3] if b != OTHERS)
    pos = compute_layout(strong, seed=seed)
    keys = list(pos)
    factor = 1.0
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            d = math.dist(pos[a], pos[b]) or 1e-6
            # room for both circles and a label line between them
            factor = max(factor, (sizes[a] + sizes[b] + 36.0) / d)
    return {k: (round(x * factor, 1), round(y * factor, 1)) for k, (x, y) in pos.items()}


def _shown_counts(h: nx.Graph) -> dict[Hashable, int]:
    """Member counts for sizing: the collected small groups as large as the largest group,
    so that they do not dwarf the map (their label says how many they are)."""
    counts = {k: int(h.nodes[k].get("members", 0)) for k in h}
    if OTHERS in counts:
        counts[OTHERS] = max((n for k, n in counts.items() if k != OTHERS), default=1)
    return counts


def _sizes(counts: Mapping[Hashable, int]) -> dict[Hashable, float]:
    top = max(counts.values(), default=1) or 1
    return {
        k: round(MIN_GROUP_SIZE + math.sqrt(n / top) * (MAX_GROUP_SIZE - MIN_GROUP_SIZE), 1)
        for k, n in counts.items()
    }


def build_group_view(
    h: nx.Graph,
    positions: Mapping[Hashable, tuple[float, float]],
    *,
    name_of: Callable[[Hashable], str],
    url_of: Callable[[Hashable], str],
    colour_of: Callable[[Hashable], str] = lambda k: "#5B8DB8",
    count_label: Callable[[int], str] = lambda n: f"{n} organisations",
    internal_label: Callable[[int], str] = lambda n: f"{n} ties inside",
    edge_label: Callable[[str, str, int], str] = lambda a, b, n: f"{n} ties: {a} – {b}",
    open_label: str = "",
    lang: str = "de",
    max_edges: int = 3000,
) -> NetworkView:
    """The vis-network data of a graph of groups (see :func:`group_graph`).

    Every group node carries ``is_group: true`` and ``url``, the address of its own network;
    labels are ``name (count)``. Only the ``max_edges`` strongest edges between groups are
    drawn (``meta["edges_left_out"]`` says how many were not); sizes grow with the square
    root of the member count, edge widths with the logarithm of the tie count.

    Examples:
        >>> h = nx.Graph()
        >>> h.add_node("x", members=3, internal=2)
        >>> h.add_node("y", members=1, internal=0)
        >>> h.add_edge("x", "y", ties=4)
        >>> v = build_group_view(h, {"x": (0, 0), "y": (90, 0)}, name_of=str.upper,
        ...                      url_of=lambda k: "/netzwerk?gebiet=" + k)
        >>> [(n["id"], n["label"], n["url"]) for n in v.nodes]
        [('grp|x', 'X (3)', '/netzwerk?gebiet=x'), ('grp|y', 'Y (1)', '/netzwerk?gebiet=y')]
        >>> v.edges[0]["from"], v.edges[0]["to"], v.edges[0]["tooltip"]
        ('grp|x', 'grp|y', ['4 ties: X – Y'])
    """
    counts = {k: int(h.nodes[k].get("members", 0)) for k in h}
    sizes = _sizes(_shown_counts(h))
    names = {k: name_of(k) for k in h}
    number = (lambda n: f"{n:,}".replace(",", ".")) if lang == "de" else (lambda n: f"{n:,}")
    nodes: list[dict[str, Any]] = []
    for k in sorted(h, key=lambda k: (-counts[k], str(k))):
        name = names[k]
        tooltip = [name, count_label(counts[k]), internal_label(int(h.nodes[k].get("internal", 0)))]
        if open_label:
            tooltip.append(open_label)
        x, y = positions[k]
        nodes.append(
            {
                "id": GROUP_PREFIX + str(k),
                "label": f"{name} ({number(counts[k])})",
                "name": name,
                "x": x,
                "y": y,
                "size": sizes[k],
                "color": {"background": colour_of(k) or OTHER_COLOUR, "border": "#333333"},
                "font": {"size": round(18 + sizes[k] * 0.4)},
                "tooltip": tooltip,
                "url": url_of(k),
                "is_group": True,
                "members": counts[k],
            }
        )
    if len(nodes) > 400:
        # hundreds of overlapping names are unreadable: name the largest groups; the rest
        # keep their names in tooltips, the panel, the search and the table
        for n in nodes[max(60, len(nodes) // 12) :]:
            n["label"] = ""
    # the collected small groups are tied to nearly every group: their lines are left out
    drawn = heapq.nsmallest(
        max_edges,
        ((a, b, t) for a, b, t in h.edges(data="ties") if OTHERS not in (a, b)),
        key=lambda e: (-e[2], str(e[0]), str(e[1])),
    )
    top = max((t for _, _, t in drawn), default=1)
    edges = []
    for a, b, ties in drawn:
        edges.append(
            {
                "id": f"{GROUP_PREFIX}{a}|{b}",
                "from": GROUP_PREFIX + str(a),
                "to": GROUP_PREFIX + str(b),
                "width": round(1 + (MAX_EDGE_WIDTH - 1) * math.log1p(ties) / math.log1p(top), 1),
                "tooltip": [edge_label(names[a], names[b], ties)],
                "ties": ties,
            }
        )
    options = vis_options(len(nodes))
    options["interaction"]["hover"] = True
    options["nodes"]["scaling"] = {"label": {"drawThreshold": 6}}
    view = NetworkView(nodes, edges, [], options)
    view.meta["edges_left_out"] = h.number_of_edges() - len(drawn)
    return view
