"""Builders of small graphs and snapshots for the analysis tests."""

from __future__ import annotations

import datetime as dt

import networkx as nx

from graph_schema.model import Node, Tie
from graph_schema.snapshot import Snapshot

DAY = dt.date(2025, 6, 1)

#: the Krackhardt kite with its usual names and an organisation kind each
KITE_NAMES = [
    "Andre", "Beverly", "Carol", "Diane", "Ed", "Fernando", "Garth", "Heather", "Ike", "Jane"
]  # fmt: skip
KITE_KINDS = {
    "Andre": "welfare_association",
    "Beverly": "welfare_association",
    "Carol": "migrant_organisation",
    "Diane": "welfare_association",
    "Ed": "migrant_organisation",
    "Fernando": "authority",
    "Garth": "authority",
    "Heather": "municipality",
    "Ike": "initiative",
    "Jane": "migrant_organisation",
}


def snapshot(nodes: list[Node], ties: list[Tie], as_of: dt.date = DAY) -> Snapshot:
    return Snapshot(as_of=as_of, nodes=nodes, ties=ties)


def with_kinds(g: nx.Graph, kinds: dict, weight: int = 1) -> nx.Graph:
    """``g`` with a kind and name per node and every tie of intensity ``weight``."""
    for v in g:
        g.nodes[v]["kind"] = kinds[v]
        g.nodes[v]["name"] = str(v)
    for u, v in g.edges():
        g.edges[u, v]["weight"] = weight
        g.edges[u, v]["distance"] = {1: 6, 2: 3, 3: 2}[weight]
    return g


def random_weighted_graph(n: int, m: int, seed: int) -> nx.Graph:
    """A seeded random graph with intensities 1-3 (and their distances) on its ties."""
    import random

    rng = random.Random(seed)
    g = nx.gnm_random_graph(n, m, seed=seed)
    for u, v in g.edges():
        w = rng.choice((1, 2, 3))
        g.edges[u, v]["weight"] = w
        g.edges[u, v]["distance"] = {1: 6, 2: 3, 3: 2}[w]
    return g
