"""Tests of the demo-region generator: shape, validity, determinism and the planted gaps.

The planted gaps are re-derived from the generated data with networkx and plain cell counts,
not taken on trust from :class:`graph_schema.demo.PlantedGaps`.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict

import networkx as nx
import pytest

from graph_schema.demo import (
    LANGUAGES,
    MIN_SIZE,
    PROGRAMMES,
    REGION_ID,
    DemoRegion,
    generate_region,
    vocabulary_nodes,
)
from graph_schema.demo.parameters import POPULATION_AS_OF
from graph_schema.model import REL_SPECS, NodeLabel, RelType
from graph_schema.vocab import (
    FIELDS,
    TARGET_GROUPS,
    AreaKind,
    BodyKind,
    CooperationKind,
    OrganisationKind,
    Role,
)

TODAY = dt.date(2026, 1, 15)
L, R = NodeLabel, RelType


@pytest.fixture(scope="module")
def region() -> DemoRegion:
    return generate_region(150, today=TODAY)


@pytest.fixture(scope="module")
def region600() -> DemoRegion:
    return generate_region(600, seed=99, today=TODAY)


# sizes and seeds on which every planted gap is re-checked
PLANTED_CASES = [
    (150, 20240901),
    (150, 1),
    (150, 2),
    (150, 3),
    (600, 99),
    (1000, 5),
    (MIN_SIZE, 7),
]


@pytest.fixture(scope="module", params=PLANTED_CASES, ids=lambda c: f"size{c[0]}-seed{c[1]}")
def planted_region(request: pytest.FixtureRequest) -> DemoRegion:
    size, seed = request.param
    return generate_region(size, seed=seed, today=TODAY)


# --------------------------------------------------------------------------- helpers


def _dump(region: DemoRegion) -> dict[str, list[dict]]:
    out = {str(k): [n.model_dump() for n in v] for k, v in region.nodes.items()}
    out.update({str(k): [t.model_dump() for t in v] for k, v in region.ties.items()})
    return out


def _orgs(region: DemoRegion) -> dict:
    return {o.id: o for o in region.nodes[L.ORGANISATION]}


def _coop_graph(region: DemoRegion, day: dt.date | None) -> nx.Graph:
    """Undirected cooperation network of ties valid on ``day`` (all ties when None)."""
    graph = nx.Graph()
    graph.add_nodes_from(_orgs(region))
    graph.add_edges_from(
        (t.from_id, t.to_id)
        for t in region.ties[R.COOPERATES_WITH]
        if day is None or t.valid_on(day)
    )
    return graph


def _offer_valid(offer, day: dt.date) -> bool:
    return (offer.starts_on is None or offer.starts_on <= day) and (
        offer.ends_on is None or day <= offer.ends_on
    )


def _cells(region: DemoRegion, day: dt.date | None) -> dict[tuple[str, str], set[str]]:
    """Offers per (field, area) cell; with ``day`` only valid offers joined by valid ties."""
    offers = {o.id: o for o in region.nodes[L.OFFER]}
    fields: dict[str, set[str]] = defaultdict(set)
    areas: dict[str, set[str]] = defaultdict(set)
    for t in region.ties[R.ADDRESSES]:
        if day is None or t.valid_on(day):
            fields[t.from_id].add(t.to_id)
    for t in region.ties[R.AVAILABLE_IN]:
        if day is None or t.valid_on(day):
            areas[t.from_id].add(t.to_id)
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    for oid, offer in offers.items():
        if day is not None and not _offer_valid(offer, day):
            continue
        for f in fields[oid]:
            for a in areas[oid]:
                cells[(f, a)].add(oid)
    return cells


def _provider(region: DemoRegion) -> dict[str, str]:
    return {t.to_id: t.from_id for t in region.ties[R.PROVIDES] if t.valid_on(TODAY)}


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_output():
    a = generate_region(150, seed=11, today=TODAY)
    b = generate_region(150, seed=11, today=TODAY)
    assert _dump(a) == _dump(b)
    assert a.planted == b.planted


def test_different_seed_gives_different_output(region: DemoRegion):
    other = generate_region(150, seed=12, today=TODAY)
    assert _dump(other) != _dump(region)
    names = {o.name for o in region.nodes[L.ORGANISATION]}
    assert names != {o.name for o in other.nodes[L.ORGANISATION]}


def test_default_today_and_too_small_size():
    assert generate_region(MIN_SIZE).counts()["Organisation"] == MIN_SIZE
    with pytest.raises(ValueError, match="at least"):
        generate_region(MIN_SIZE - 1)


# --------------------------------------------------------------------------- shape


def test_counts_at_150(region: DemoRegion):
    c = region.counts()
    assert set(c) == {str(x) for x in L} | {str(x) for x in R}
    assert c["Organisation"] == 150
    assert c["Offer"] == 300
    assert c["Area"] == 1 + 10 + 4
    assert c["Field"] == len(FIELDS)
    assert c["TargetGroup"] == len(TARGET_GROUPS)
    assert c["Event"] == 6
    assert 4 <= c["Body"] <= 5
    assert 120 <= c["Person"] <= 180
    assert 380 <= c["COOPERATES_WITH"] <= 420
    assert c["REPRESENTS"] == c["Person"]
    assert c["PROVIDES"] == c["Offer"]
    assert c["PART_OF"] == 10 + 4
    assert c["BELONGS_TO"] >= 10
    assert c["ATTENDED"] >= 6 * 10


def test_counts_scale_with_size(region600: DemoRegion):
    c = region600.counts()
    areas = Counter(a.kind for a in region600.nodes[L.AREA])
    assert c["Organisation"] == 600
    assert c["Offer"] == 1200
    assert areas == {"region": 1, "municipality": 600 // 15, "district": 4}
    assert 1500 <= c["COOPERATES_WITH"] <= 1650
    assert 480 <= c["Person"] <= 720
    council = _council_ties(region600)
    assert 20 <= len(council) <= 30


def test_every_vocabulary_value_is_used(region: DemoRegion):
    orgs = region.nodes[L.ORGANISATION]
    coops = region.ties[R.COOPERATES_WITH]
    assert {o.kind for o in orgs} == set(OrganisationKind)
    assert {t.kind for t in coops} == set(CooperationKind)
    assert {t.intensity for t in coops} == {1, 2, 3}
    assert {t.role for t in region.ties[R.MEMBER_OF]} == set(Role)
    # one region of one Land: the Land itself is no area of the demo
    assert {a.kind for a in region.nodes[L.AREA]} == set(AreaKind) - {AreaKind.STATE}
    assert {BodyKind.PROJECT_COUNCIL, BodyKind.NETWORK, BodyKind.WORKING_GROUP} <= {
        b.kind for b in region.nodes[L.BODY]
    }
    offers = region.nodes[L.OFFER]
    assert {o.programme for o in offers} <= {*PROGRAMMES, None}
    assert len({o.programme for o in offers}) >= 3
    for item in [*orgs, *offers]:
        assert item.languages and set(item.languages) <= set(LANGUAGES)


def test_vocabulary_nodes():
    fields, groups = vocabulary_nodes()
    assert [f.id for f in fields] == list(FIELDS)
    assert [g.id for g in groups] == list(TARGET_GROUPS)
    assert fields[0].name_de == FIELDS[fields[0].id].de


def test_ids_are_unique_and_readable(region: DemoRegion):
    node_ids = [n.id for nodes in region.nodes.values() for n in nodes]
    assert len(node_ids) == len(set(node_ids))
    tie_ids = [t.id for ties in region.ties.values() for t in ties]
    assert len(tie_ids) == len(set(tie_ids))
    assert all(re.fullmatch(r"tie-\d{6}", i) for i in tie_ids)
    patterns = {
        L.ORGANISATION: r"org-\d{5}",
        L.PERSON: r"per-\d{5}",
        L.OFFER: r"off-\d{5}",
        L.BODY: r"bod-\d{5}",
        L.EVENT: r"evt-\d{5}",
        L.AREA: r"09999(\d{3}(-\d{2})?)?",
    }
    for label, pattern in patterns.items():
        assert all(re.fullmatch(pattern, n.id) for n in region.nodes[label]), label


def test_tie_endpoints_exist_with_the_right_labels(region: DemoRegion):
    label_of = {n.id: label for label, nodes in region.nodes.items() for n in nodes}
    for rel, ties in region.ties.items():
        allowed = set(REL_SPECS[rel].endpoints)
        assert ties, rel
        for t in ties:
            assert type(t) is REL_SPECS[rel].model
            assert (label_of[t.from_id], label_of[t.to_id]) in allowed, (rel, t)


def test_tie_intervals_are_sensible(region: DemoRegion):
    for ties in region.ties.values():
        for t in ties:
            assert t.since is None or t.until is None or t.since <= t.until, t
    coops = region.ties[R.COOPERATES_WITH]
    for t in coops:
        assert dt.date(2016, 1, 1) <= t.since <= dt.date(2025, 12, 31)
        assert t.until is None or t.until < TODAY
    ended = sum(t.until is not None for t in coops)
    assert 0.05 <= ended / len(coops) <= 0.15
    pairs = [frozenset((t.from_id, t.to_id)) for t in coops]
    assert len(pairs) == len(set(pairs)), "one tie per pair of organisations"
    assert all(t.from_id != t.to_id for t in coops)


def test_areas(region: DemoRegion):
    areas = {a.id: a for a in region.nodes[L.AREA]}
    towns = [a for a in areas.values() if a.kind == AreaKind.MUNICIPALITY]
    assert [a.id for a in areas.values() if a.kind == AreaKind.REGION] == [REGION_ID]
    assert len(towns) == 10
    assert all(re.fullmatch(r"\d{8}", a.id) for a in towns)
    assert all(3_000 <= a.population <= 120_000 for a in towns)
    assert len({a.name for a in towns}) == len(towns)
    parent = {t.from_id: t.to_id for t in region.ties[R.PART_OF]}
    assert all(parent[a.id] == REGION_ID for a in towns)
    largest = max(towns, key=lambda a: a.population)
    districts = [a for a in areas.values() if a.kind == AreaKind.DISTRICT]
    assert districts and all(parent[d.id] == largest.id for d in districts)
    assert sum(d.population for d in districts) == largest.population
    assert areas[REGION_ID].population == sum(a.population for a in towns)
    # every population with the day it was counted; the towns' and region's with a source
    assert {a.population_as_of for a in areas.values()} == {POPULATION_AS_OF}
    assert all(a.source for a in [*towns, areas[REGION_ID]])


def _out_degree(ties) -> Counter[str]:
    return Counter(t.from_id for t in ties)


def test_organisations_and_offers_have_their_ties(region: DemoRegion):
    active = _out_degree(region.ties[R.ACTIVE_IN])
    works = _out_degree(region.ties[R.WORKS_ON])
    for o in region.nodes[L.ORGANISATION]:
        assert 1 <= active[o.id] <= 3, o
        assert 1 <= works[o.id] <= 4, o
    provides = Counter(t.to_id for t in region.ties[R.PROVIDES])
    addresses = _out_degree(region.ties[R.ADDRESSES])
    serves = _out_degree(region.ties[R.SERVES])
    available = _out_degree(region.ties[R.AVAILABLE_IN])
    for o in region.nodes[L.OFFER]:
        assert provides[o.id] == 1
        assert 1 <= addresses[o.id] <= 2
        assert 1 <= serves[o.id] <= 3
        assert 1 <= available[o.id] <= 3
    ended = [o for o in region.nodes[L.OFFER] if o.ends_on and o.ends_on < TODAY]
    assert 0.05 <= len(ended) / len(region.nodes[L.OFFER]) <= 0.3


def test_local_units_belong_to_their_kreisverband(region: DemoRegion):
    orgs = _orgs(region)
    for t in region.ties[R.BELONGS_TO]:
        unit, umbrella = orgs[t.from_id], orgs[t.to_id]
        assert unit.kind == umbrella.kind == OrganisationKind.WELFARE_ASSOCIATION
        assert "Beispielregion" in umbrella.name and "Beispielregion" not in unit.name


def test_welfare_and_authorities_are_hubs_msos_peripheral(region: DemoRegion):
    graph = _coop_graph(region, TODAY)
    degrees: dict[str, list[int]] = defaultdict(list)
    for org in region.nodes[L.ORGANISATION]:
        degrees[org.kind].append(graph.degree(org.id))
    mso = statistics.mean(degrees[OrganisationKind.MIGRANT_ORGANISATION])
    assert statistics.mean(degrees[OrganisationKind.WELFARE_ASSOCIATION]) > 3 * mso
    assert statistics.mean(degrees[OrganisationKind.AUTHORITY]) > 3 * mso
    assert statistics.median(degrees[OrganisationKind.MIGRANT_ORGANISATION]) <= 2


def test_people_are_fictional_contacts(region: DemoRegion):
    represents = _out_degree(region.ties[R.REPRESENTS])
    for p in region.nodes[L.PERSON]:
        assert p.email.endswith(".example.org")
        assert p.phone.startswith("0000 ")
        assert p.function
        assert dt.date(2018, 5, 25) <= p.consent_given_on <= TODAY
        assert represents[p.id] == 1
    for o in region.nodes[L.ORGANISATION]:
        assert o.email is None or o.email.endswith(".example.org")
        assert o.website is None or ".example.org" in o.website


def _council_ties(region: DemoRegion):
    (council,) = [b for b in region.nodes[L.BODY] if b.kind == BodyKind.PROJECT_COUNCIL]
    return [t for t in region.ties[R.MEMBER_OF] if t.to_id == council.id]


def test_projektrat(region: DemoRegion):
    ties = _council_ties(region)
    assert 20 <= len(ties) <= 30
    assert {t.role for t in ties} == set(Role)
    assert [t.role for t in ties if t.valid_on(TODAY)].count(Role.CHAIR) == 1
    assert all(t.since is not None and t.seat for t in ties)
    assert {t.from_id.split("-")[0] for t in ties} == {"org", "per"}
    assert 1 <= sum(t.until is not None for t in ties) <= 3
    members = [t.from_id for t in ties]
    assert len(members) == len(set(members))


def test_events_were_attended_on_their_day(region: DemoRegion):
    held = {e.id: e.held_on for e in region.nodes[L.EVENT]}
    assert all(d < TODAY for d in held.values())
    for t in region.ties[R.ATTENDED]:
        assert t.since == t.until == held[t.to_id]


# --------------------------------------------------------------------------- planted gaps


def test_planted_missing_field(planted_region: DemoRegion):
    r, p = planted_region, planted_region.planted
    areas = {a.id: a for a in r.nodes[L.AREA]}
    assert p.missing_field in FIELDS
    assert len(set(p.missing_field_areas)) == 2
    assert all(areas[a].kind == AreaKind.MUNICIPALITY for a in p.missing_field_areas)
    cells = _cells(r, None)  # every offer, whatever its dates
    for a in (*p.missing_field_areas, REGION_ID):
        assert not cells.get((p.missing_field, a)), a
    # ... but the field is offered elsewhere, and the areas have other offers
    assert any(f == p.missing_field and offers for (f, _), offers in cells.items())
    for a in p.missing_field_areas:
        assert any(area == a and offers for (_, area), offers in cells.items())


def test_planted_uncoordinated_duplicates(planted_region: DemoRegion):
    r, p = planted_region, planted_region.planted
    cells = _cells(r, TODAY)
    provider = _provider(r)
    ever = _coop_graph(r, None)
    assert len(p.uncoordinated_duplicates) >= 3
    assert len({frozenset(x) for x in p.uncoordinated_duplicates}) == len(
        p.uncoordinated_duplicates
    )
    for x, y in p.uncoordinated_duplicates:
        assert any({x, y} <= offers for offers in cells.values()), (x, y)
        assert provider[x] != provider[y]
        assert not ever.has_edge(provider[x], provider[y])


def test_planted_coordinated_duplicates(planted_region: DemoRegion):
    r, p = planted_region, planted_region.planted
    cells = _cells(r, TODAY)
    provider = _provider(r)
    now = _coop_graph(r, TODAY)
    assert len(p.coordinated_duplicates) >= 2
    for x, y in p.coordinated_duplicates:
        assert any({x, y} <= offers for offers in cells.values()), (x, y)
        assert provider[x] != provider[y]
        assert now.has_edge(provider[x], provider[y])


def test_planted_peripheral_msos(planted_region: DemoRegion):
    r, p = planted_region, planted_region.planted
    orgs = _orgs(r)
    now, ever = _coop_graph(r, TODAY), _coop_graph(r, None)
    assert len(set(p.peripheral_msos)) >= 5
    for m in p.peripheral_msos:
        assert orgs[m].kind == OrganisationKind.MIGRANT_ORGANISATION
        assert ever.degree(m) <= 1 and now.degree(m) <= 1
    degrees = {now.degree(m) for m in p.peripheral_msos}
    assert degrees == {0, 1}, "both isolates and single-partner MSOs are planted"


def test_planted_broker(planted_region: DemoRegion):
    r, p = planted_region, planted_region.planted
    graph = _coop_graph(r, TODAY)
    assert p.broker in set(nx.articulation_points(graph))
    assert p.broker not in p.broker_separates
    without = graph.copy()
    without.remove_node(p.broker)
    cut_off = nx.node_connected_component(without, p.broker_separates[0])
    assert cut_off == set(p.broker_separates)
    assert len(cut_off) >= 5
    assert nx.number_connected_components(without) == nx.number_connected_components(graph) + 1
    # the rest of the broker's partners stay together in one big component
    rest = {n for n in graph[p.broker] if n not in cut_off}
    assert rest
    main = nx.node_connected_component(without, next(iter(rest)))
    assert rest <= main and len(main) > graph.number_of_nodes() // 2
    # no tie, past or present, reaches the cluster except through the broker
    ever = _coop_graph(r, None)
    for n in cut_off:
        assert set(ever[n]) <= cut_off | {p.broker}


def test_planted_ids_exist(planted_region: DemoRegion):
    p = planted_region.planted
    orgs = _orgs(planted_region)
    offers = {o.id for o in planted_region.nodes[L.OFFER]}
    assert p.broker in orgs and set(p.broker_separates) <= set(orgs)
    assert set(p.peripheral_msos) <= set(orgs)
    for x, y in [*p.uncoordinated_duplicates, *p.coordinated_duplicates]:
        assert {x, y} <= offers
    assert not set(p.peripheral_msos) & {p.broker, *p.broker_separates}
