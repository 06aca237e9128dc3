"""The result types of network/ match the values its functions return on the demo region.

Every result is validated against its ``TypedDict`` by pydantic in strict mode; the types
forbid keys they do not name, so a key added, dropped or misspelt on either side fails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx
import pytest
from pydantic import TypeAdapter, ValidationError
from typing_extensions import is_typeddict

from graph_schema.demo import DemoRegion, generate_region
from graph_schema.model import NodeLabel
from graph_schema.snapshot import Snapshot
from network import actors, brokerage, change, figures, gaps, mixing, results
from network.graphs import cooperation_graph
from tests.network.test_demo_region import TODAY, demo_snapshot

Demo = tuple[DemoRegion, Snapshot, nx.Graph]

#: the modules that define result types
MODULES = (actors, brokerage, change, figures, gaps, mixing, results)


@pytest.fixture(scope="module")
def demo() -> Demo:
    region = generate_region(150, seed=20240901, today=TODAY)
    snap = demo_snapshot(region, TODAY)
    return region, snap, cooperation_graph(snap)


def _without_council(snap: Snapshot) -> Snapshot:
    return Snapshot(snap.as_of, [n for n in snap.nodes if n.label != NodeLabel.BODY], snap.ties)


#: (type, result on the demo region) for every public result, by name
CASES = {
    "actor_metrics": (list[actors.ActorMetrics], lambda d: actors.actor_metrics(d[2])),
    "bridges": (list[actors.Bridge], lambda d: actors.bridges(d[2])),
    "summary": (figures.NetworkSummary, lambda d: figures.summary(d[2])),
    "path_metrics": (figures.PathMetrics, lambda d: figures.path_metrics(d[2])),
    "communities": (figures.Communities, lambda d: figures.communities(d[2])),
    "brokerage": (list[brokerage.Brokerage], lambda d: brokerage.brokerage(d[2])),
    **{
        f"ei_index-{a}": (mixing.EIIndex, lambda d, a=a: mixing.ei_index(d[2], a))
        for a in mixing.ATTRIBUTES
    },
    **{
        f"mixing_matrix-{a}": (mixing.MixingMatrix, lambda d, a=a: mixing.mixing_matrix(d[2], a))
        for a in mixing.ATTRIBUTES
    },
    "mso_cooperation": (mixing.MsoCooperation, lambda d: mixing.mso_cooperation(d[2])),
    "mso_cooperation-empty": (mixing.MsoCooperation, lambda d: mixing.mso_cooperation(nx.Graph())),
    "offer_gaps": (list[gaps.OfferGap], lambda d: gaps.offer_gaps(d[1])),
    "offer_gaps-split": (
        list[gaps.OfferGap],
        lambda d: gaps.offer_gaps(d[1], by_target_group=True, by_language=True),
    ),
    "duplicate_offers": (list[gaps.DuplicateOffer], lambda d: gaps.duplicate_offers(d[1])),
    "missing_cooperations": (
        list[gaps.MissingCooperation],
        lambda d: gaps.missing_cooperations(d[1], d[2]),
    ),
    "peripheral_actors": (list[gaps.PeripheralActor], lambda d: gaps.peripheral_actors(d[2])),
    "council_representation": (
        gaps.CouncilRepresentation,
        lambda d: gaps.council_representation(d[1]),
    ),
    "council_representation-no_council": (
        gaps.CouncilRepresentation,
        lambda d: gaps.council_representation(_without_council(d[1])),
    ),
    "council_representation-message": (
        results.Reason,
        lambda d: gaps.council_representation(_without_council(d[1]))["message"],
    ),
    # the demo lacks nothing, an empty store everything
    "readiness-empty": (list[results.Reason], lambda d: gaps.readiness(Snapshot(TODAY, [], []))),
    "network_figures": (change.NetworkFigures, lambda d: change.network_figures(d[2])),
    "compare": (
        change.NetworkChange,
        lambda d: change.compare(demo_snapshot(d[0], TODAY - dt.timedelta(days=700)), d[1]),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_result_matches_its_type(demo: Demo, case: str) -> None:
    kind, compute = CASES[case]
    result = compute(demo)
    assert result, "an empty result would check nothing"
    assert TypeAdapter(kind).validate_python(result, strict=True) == result


def test_a_missing_or_unknown_key_fails(demo: Demo) -> None:
    row = dict(actors.actor_metrics(demo[2])[0])
    adapter = TypeAdapter(actors.ActorMetrics)
    with pytest.raises(ValidationError, match="betweeness"):
        adapter.validate_python({**row, "betweeness": 0.0}, strict=True)
    del row["betweenness"]
    with pytest.raises(ValidationError, match="betweenness"):
        adapter.validate_python(row, strict=True)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_result_type_is_public_closed_and_has_a_schema(module: Any) -> None:
    types = [
        v for v in vars(module).values() if is_typeddict(v) and v.__module__ == module.__name__
    ]
    assert types
    for t in types:
        assert t.__name__ in module.__all__
        assert t.__pydantic_config__ == {"extra": "forbid"}, t.__name__
        assert TypeAdapter(t).json_schema()["additionalProperties"] is False
