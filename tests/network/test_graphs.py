"""Building the cooperation, council and offer graphs from snapshots."""

from __future__ import annotations

import datetime as dt
import gc

import networkx as nx

from graph_schema.model import (
    ActiveIn,
    Area,
    Body,
    CooperatesWith,
    FieldOfAction,
    MemberOf,
    Offer,
    Organisation,
    Person,
    Provides,
    Represents,
    WorksOn,
)
from network.graphs import DISTANCE, cooperation_graph, council_graph, offer_graph
from tests.network.helpers import DAY, snapshot


def org(i: str, kind: str = "initiative", **kw: object) -> Organisation:
    return Organisation(id=i, name=f"Org {i}", kind=kind, **kw)


def test_distance_is_six_over_intensity_in_whole_numbers() -> None:
    assert DISTANCE == {1: 6, 2: 3, 3: 2}
    assert all(DISTANCE[i] * i == 6 for i in DISTANCE)


def test_cooperation_graph_merges_parallel_ties_and_keeps_the_strongest() -> None:
    nodes = [org("a", "welfare_association"), org("b", "migrant_organisation"), org("c")]
    ties = [
        CooperatesWith(id="t1", from_id="a", to_id="b", intensity=2, kind="referral"),
        CooperatesWith(id="t2", from_id="b", to_id="a", intensity=1, kind="exchange"),
        CooperatesWith(id="t3", from_id="b", to_id="c", intensity=1),
    ]
    g = cooperation_graph(snapshot(nodes, ties))
    assert sorted(g.edges()) == [("a", "b"), ("b", "c")]
    ab = g.edges["a", "b"]
    assert (ab["weight"], ab["distance"], ab["ties"]) == (2, 3, 2)
    assert ab["kinds"] == ["exchange", "referral"]
    assert g.edges["b", "c"]["distance"] == 6
    assert g.nodes["a"]["name"] == "Org a"
    assert g.nodes["b"]["kind"] == "migrant_organisation"
    assert g.graph["as_of"] == DAY.isoformat()


def test_cooperation_graph_keeps_only_what_is_valid_on_the_day() -> None:
    nodes = [
        org("a"),
        org("b"),
        org("late", founded=DAY + dt.timedelta(days=1)),
        Area(id="A", name="Lindenau", kind="municipality"),
        Area(id="B", name="Eichenheim", kind="municipality"),
        FieldOfAction(id="housing", name_de="Wohnen", name_en="Housing"),
    ]
    ties = [
        CooperatesWith(id="ended", from_id="a", to_id="b", until=DAY - dt.timedelta(days=1)),
        CooperatesWith(id="future", from_id="a", to_id="b", since=DAY + dt.timedelta(days=1)),
        CooperatesWith(id="loop", from_id="a", to_id="a"),
        CooperatesWith(id="unknown", from_id="a", to_id="nobody"),
        CooperatesWith(id="late", from_id="a", to_id="late"),
        ActiveIn(id="in1", from_id="a", to_id="B"),
        ActiveIn(id="in2", from_id="a", to_id="A"),
        ActiveIn(id="in3", from_id="b", to_id="A", until=DAY - dt.timedelta(days=1)),
        WorksOn(id="w1", from_id="a", to_id="housing"),
        WorksOn(id="w2", from_id="a", to_id="health"),  # no such Field node
    ]
    g = cooperation_graph(snapshot(nodes, ties))
    assert sorted(g) == ["a", "b"]
    assert g.number_of_edges() == 0
    assert g.nodes["a"]["areas"] == ["A", "B"]
    assert g.nodes["a"]["fields"] == ["housing"]
    assert g.nodes["b"]["areas"] == [] and g.nodes["b"]["fields"] == []


def test_cooperation_graph_adds_nodes_in_id_order() -> None:
    nodes = [org(i) for i in ("c", "a", "b")]
    ties = [CooperatesWith(id="t", from_id="c", to_id="a")]
    g = cooperation_graph(snapshot(nodes, ties))
    assert list(g) == ["a", "b", "c"]


def test_council_graph_counts_people_for_the_organisations_they_represent() -> None:
    nodes = [
        org("w", "welfare_association"),
        org("m", "migrant_organisation"),
        org("x", "authority"),
        org("y"),
        Person(id="p1", name="Anna Weber"),
        Person(id="p2", name="Omar Haddad"),
        Person(id="p3", name="Niemand"),
        Body(id="rat", name="Projektrat", kind="project_council"),
        Body(id="ak", name="Arbeitskreis Sprache", kind="working_group"),
    ]
    ties = [
        MemberOf(id="s1", from_id="w", to_id="rat"),
        MemberOf(id="s2", from_id="p1", to_id="rat"),
        Represents(id="r1", from_id="p1", to_id="m"),
        Represents(id="r2", from_id="p1", to_id="x"),
        MemberOf(id="s3", from_id="w", to_id="ak"),
        MemberOf(id="s4", from_id="p2", to_id="ak"),
        Represents(id="r3", from_id="p2", to_id="m"),
        MemberOf(id="s5", from_id="p3", to_id="ak"),  # represents nobody
        MemberOf(id="old", from_id="y", to_id="rat", until=DAY - dt.timedelta(days=1)),
    ]
    g = council_graph(snapshot(nodes, ties))
    assert sorted(g) == ["m", "w", "x"]
    assert g.edges["m", "w"]["weight"] == 2
    assert g.edges["m", "w"]["bodies"] == ["ak", "rat"]
    assert g.edges["m", "x"]["bodies"] == ["rat"]
    assert g.nodes["m"]["bodies"] == ["ak", "rat"]


def test_offer_graph_is_two_mode_with_valid_offers_only() -> None:
    nodes = [
        org("a"),
        org("b"),
        Offer(id="o1", title="Sprachcafé", languages=["de", "ar"]),
        Offer(id="o2", title="Beendet", ends_on=DAY - dt.timedelta(days=1)),
        Offer(id="o3", title="Später", starts_on=DAY + dt.timedelta(days=1)),
    ]
    ties = [
        Provides(id="p1", from_id="a", to_id="o1"),
        Provides(id="p2", from_id="b", to_id="o1"),
        Provides(id="p3", from_id="a", to_id="o2"),
    ]
    g = offer_graph(snapshot(nodes, ties))
    assert sorted(g) == ["a", "b", "o1"]
    assert nx.is_bipartite(g)
    assert g.nodes["o1"]["bipartite"] == 1 and g.nodes["a"]["bipartite"] == 0
    assert g.nodes["o1"]["languages"] == ["ar", "de"]
    assert sorted(g.edges()) == [("a", "o1"), ("b", "o1")]


def test_builders_restore_the_garbage_collector() -> None:
    nodes, ties = [org("a"), org("b")], [CooperatesWith(id="t", from_id="a", to_id="b")]
    assert gc.isenabled()
    cooperation_graph(snapshot(nodes, ties))
    assert gc.isenabled()
    gc.disable()
    try:
        cooperation_graph(snapshot(nodes, ties))
        assert not gc.isenabled()
    finally:
        gc.enable()
