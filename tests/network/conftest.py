"""Fixtures: the Krackhardt kite and two triangles, with organisation kinds."""

from __future__ import annotations

import networkx as nx
import pytest

from tests.network.helpers import KITE_KINDS, KITE_NAMES, with_kinds


@pytest.fixture
def kite() -> nx.Graph:
    """Krackhardt's kite: Diane has most ties, Heather lies between, Jane at the tail."""
    g = nx.relabel_nodes(nx.krackhardt_kite_graph(), dict(enumerate(KITE_NAMES)))
    return with_kinds(g, KITE_KINDS)


@pytest.fixture
def two_triangles() -> nx.Graph:
    """Two triangles a-b-c and d-e-f joined by the bridge c-d."""
    g = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d")])
    g.add_edge("c", "d")
    return with_kinds(g, dict.fromkeys("abcdef", "initiative"))
