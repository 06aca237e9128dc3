"""Change of the cooperation network between two dates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import networkx as nx
from typing_extensions import TypedDict

from graph_schema.model import RelType
from network._snapshot import SnapshotIndex, gc_paused
from network.actors import EXACT_LIMIT, SAMPLES
from network.figures import betweenness_centralisation, degree_centralisation
from network.graphs import cooperation_graph
from network.results import result_type

if TYPE_CHECKING:
    from graph_schema.snapshot import Snapshot

__all__ = ["FigureDifference", "NetworkChange", "NetworkFigures", "compare", "network_figures"]

_NUMBERS = (
    "organisations",
    "ties",
    "density",
    "degree_centralisation",
    "betweenness_centralisation",
    "components",
    "largest_component",
)


@result_type
class NetworkFigures(TypedDict):
    """The figures of the cooperation network on one date (:func:`network_figures`)."""

    #: the date as ISO string (None for a graph without one)
    as_of: str | None
    organisations: int
    ties: int
    density: float
    degree_centralisation: float | None
    betweenness_centralisation: float | None
    components: int
    largest_component: int
    betweenness_estimated: bool


@result_type
class FigureDifference(TypedDict):
    """After − before of each number of :class:`NetworkFigures`; None where either is."""

    organisations: int
    ties: int
    density: float
    degree_centralisation: float | None
    betweenness_centralisation: float | None
    components: int
    largest_component: int


@result_type
class NetworkChange(TypedDict):
    """What changed between two dates (:func:`compare`); id lists sorted."""

    before: NetworkFigures
    after: NetworkFigures
    difference: FigureDifference
    organisations_added: list[str]
    organisations_ended: list[str]
    ties_added: list[str]
    ties_ended: list[str]


def network_figures(g: nx.Graph, seed: int = 42) -> NetworkFigures:
    """The figures :func:`compare` reports for one date.

    ``ties`` counts cooperating pairs (edges). Betweenness centralisation is estimated
    from seeded sources above :data:`network.actors.EXACT_LIMIT` organisations
    (``betweenness_estimated``).

    Examples:
        >>> network_figures(nx.star_graph(3))  # doctest: +NORMALIZE_WHITESPACE
        {'as_of': None, 'organisations': 4, 'ties': 3, 'density': 0.5,
         'degree_centralisation': 1.0, 'betweenness_centralisation': 1.0,
         'components': 1, 'largest_component': 4, 'betweenness_estimated': False}
    """
    n = g.number_of_nodes()
    estimated = n > EXACT_LIMIT and SAMPLES < n
    comps = [len(c) for c in nx.connected_components(g)]
    return {
        "as_of": g.graph.get("as_of"),
        "organisations": n,
        "ties": g.number_of_edges(),
        "density": float(nx.density(g)) if n > 1 else 0.0,
        "degree_centralisation": degree_centralisation(g),
        "betweenness_centralisation": betweenness_centralisation(
            g, k=SAMPLES if estimated else None, seed=seed
        ),
        "components": len(comps),
        "largest_component": max(comps, default=0),
        "betweenness_estimated": estimated,
    }


@gc_paused
def compare(before: Snapshot, after: Snapshot, seed: int = 42) -> NetworkChange:
    """What changed in the cooperation network from ``before`` to ``after``.

    Organisations are compared by id (added: exist only after; ended: exist only
    before), cooperation ties by tie id (valid on one date only). Figures are those of
    :func:`network_figures` at both dates; ``difference`` is after − before (None where
    either is undefined).

    Args:
        before: the earlier snapshot.
        after: the later snapshot.
        seed: seed of the estimates on large graphs.

    Returns:
        ``{"before", "after", "difference", "organisations_added",
        "organisations_ended", "ties_added", "ties_ended"}`` (id lists sorted).

    Examples:
        >>> import datetime as dt
        >>> from graph_schema.model import CooperatesWith, Organisation
        >>> from graph_schema.snapshot import Snapshot
        >>> orgs = [Organisation(id=i, name=i.upper(), kind="initiative") for i in "abc"]
        >>> ties = [
        ...     CooperatesWith(id="t1", from_id="a", to_id="b", until=dt.date(2023, 12, 31)),
        ...     CooperatesWith(id="t2", from_id="b", to_id="c", since=dt.date(2024, 1, 1)),
        ...     CooperatesWith(id="t3", from_id="a", to_id="c", since=dt.date(2024, 6, 1)),
        ... ]
        >>> c = compare(Snapshot(dt.date(2023, 6, 1), orgs, ties),
        ...             Snapshot(dt.date(2025, 6, 1), orgs, ties))
        >>> c["ties_added"], c["ties_ended"]
        (['t2', 't3'], ['t1'])
        >>> c["before"]["density"], c["after"]["density"], c["difference"]["ties"]
        (0.3333333333333333, 0.6666666666666666, 1)
    """
    g0, g1 = cooperation_graph(before), cooperation_graph(after)
    f0, f1 = network_figures(g0, seed), network_figures(g1, seed)
    difference = _difference(f0, f1)
    t0 = {t.id for t in SnapshotIndex(before).ties(RelType.COOPERATES_WITH)}
    t1 = {t.id for t in SnapshotIndex(after).ties(RelType.COOPERATES_WITH)}
    return {
        "before": f0,
        "after": f1,
        "difference": difference,
        "organisations_added": sorted(set(g1) - set(g0)),
        "organisations_ended": sorted(set(g0) - set(g1)),
        "ties_added": sorted(t1 - t0),
        "ties_ended": sorted(t0 - t1),
    }


def _difference(f0: Mapping[str, Any], f1: Mapping[str, Any]) -> FigureDifference:
    """``f1`` − ``f0`` for each of :data:`_NUMBERS` (None where either is None)."""
    return cast(
        "FigureDifference",
        {k: (f1[k] - f0[k] if f0[k] is not None and f1[k] is not None else None) for k in _NUMBERS},
    )
