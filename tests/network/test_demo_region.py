"""The analysis finds the gaps planted in the demo region (graph_schema.demo)."""

from __future__ import annotations

import datetime as dt

import pytest

from api.services.wording import worded
from graph_schema import clock
from graph_schema.demo import DemoRegion, generate_region
from graph_schema.snapshot import Snapshot
from network.actors import actor_metrics, bridges
from network.brokerage import brokerage
from network.figures import communities, summary
from network.gaps import (
    council_representation,
    duplicate_offers,
    missing_cooperations,
    offer_gaps,
    peripheral_actors,
)
from network.graphs import cooperation_graph
from network.mixing import ei_index, mso_cooperation

TODAY = clock.today()


def demo_snapshot(region: DemoRegion, today: dt.date) -> Snapshot:
    """What the store returns for ``today``: existing nodes, ties valid then."""
    nodes = [n for items in region.nodes.values() for n in items if n.exists_on(today)]
    ids = {n.id for n in nodes}
    ties = [
        t
        for items in region.ties.values()
        for t in items
        if t.valid_on(today) and t.from_id in ids and t.to_id in ids
    ]
    return Snapshot(today, nodes, ties)


@pytest.fixture(scope="module", params=[20240901, 7])
def demo(request: pytest.FixtureRequest) -> tuple[DemoRegion, Snapshot]:
    region = generate_region(150, seed=request.param, today=TODAY)
    return region, demo_snapshot(region, TODAY)


def test_finds_the_missing_field(demo: tuple[DemoRegion, Snapshot]) -> None:
    region, snap = demo
    p = region.planted
    gaps = {(g["field"], g["area"]) for g in offer_gaps(snap)}
    for area in p.missing_field_areas:
        assert (p.missing_field, area) in gaps


def test_finds_the_duplicates(demo: tuple[DemoRegion, Snapshot]) -> None:
    region, snap = demo
    rows = duplicate_offers(snap)
    providers = {}
    for r in rows:
        for o in r["offers"]:
            providers[o["id"]] = o["providers"]

    def cell_of(a: str, b: str) -> dict:
        [cell] = [r for r in rows if {a, b} <= {o["id"] for o in r["offers"]}]
        return cell

    for a, b in region.planted.uncoordinated_duplicates:
        cell = cell_of(a, b)
        pair = sorted({*providers[a], *providers[b]})
        assert not cell["coordinated"]
        assert pair in cell["untied_pairs"]
    for a, b in region.planted.coordinated_duplicates:
        cell = cell_of(a, b)
        pair = sorted({*providers[a], *providers[b]})
        assert len(pair) == 2 and pair not in cell["untied_pairs"]


def test_finds_the_broker(demo: tuple[DemoRegion, Snapshot]) -> None:
    region, snap = demo
    p = region.planted
    g = cooperation_graph(snap)
    rows = {r["id"]: r for r in actor_metrics(g)}
    assert rows[p.broker]["articulation_point"]
    # the broker's two ties into the cluster are no bridges (the cluster is a cycle with
    # it), but removing it cuts the cluster off
    h = g.copy()
    h.remove_node(p.broker)
    cut = {v for v in p.broker_separates}
    assert all(not (set(h[v]) - cut) for v in cut)
    peripheral = {r["id"]: r for r in peripheral_actors(g)}
    msos = [v for v in p.broker_separates if g.nodes[v]["kind"] == "migrant_organisation"]
    assert msos
    for v in msos:
        assert peripheral[v]["broker"] == p.broker
        assert "single_broker" in [x["code"] for x in peripheral[v]["reasons"]]
    assert isinstance(bridges(g), list)


def test_finds_the_peripheral_msos(demo: tuple[DemoRegion, Snapshot]) -> None:
    region, snap = demo
    g = cooperation_graph(snap)
    peripheral = {r["id"]: r for r in peripheral_actors(g)}
    for v in region.planted.peripheral_msos:
        assert v in peripheral
        codes = [x["code"] for x in peripheral[v]["reasons"]]
        if g.degree(v) == 0:
            assert codes == ["isolate"]
        else:
            assert g.degree(v) == 1
            assert {"low_core", "high_constraint", "single_broker"} <= set(codes)
            assert peripheral[v]["broker"] is not None


def test_whole_pipeline_runs_and_is_deterministic(demo: tuple[DemoRegion, Snapshot]) -> None:
    region, snap = demo
    g = cooperation_graph(snap)
    s = summary(g)
    assert s["nodes"] == 150 and 0 < s["density"] < 1
    assert s["path_metrics_estimated"] is False
    c = communities(g)
    assert c == communities(cooperation_graph(snap))
    assert 0 < c["modularity"] < 1
    roles = brokerage(g)
    assert roles[0]["total"] >= roles[-1]["total"]
    missing = missing_cooperations(snap, g, limit=20)
    assert len(missing) == 20
    flags = [r["cross_kind"] for r in missing]
    assert flags == sorted(flags, reverse=True)
    assert worded(missing[0]["reason"])["de"].startswith("Beide arbeiten in ")
    assert -1 <= ei_index(g, "areas")["ei"] <= 1
    assert mso_cooperation(g)["organisations"] > 0
    rep = council_representation(snap)
    assert rep["body"]["kind"] == "project_council" and rep["seats"] > 0
    shares = sum(k["seat_share"] for k in rep["kinds"]) + rep["unassigned_seats"] / rep["seats"]
    assert shares == pytest.approx(1.0)
    assert sum(k["network_share"] for k in rep["kinds"]) == pytest.approx(1.0)
