"""Cooperation gaps on small, hand-built snapshots."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from api.services.wording import worded
from graph_schema.errors import NotFound
from graph_schema.model import (
    ActiveIn,
    Addresses,
    Area,
    AvailableIn,
    Body,
    CooperatesWith,
    FieldOfAction,
    MemberOf,
    Node,
    Offer,
    Organisation,
    PartOf,
    Person,
    Provides,
    Represents,
    Serves,
    TargetGroup,
    Tie,
    WorksOn,
)
from network.gaps import (
    council_representation,
    duplicate_offers,
    missing_cooperations,
    offer_gaps,
    peripheral_actors,
)
from network.graphs import cooperation_graph
from tests.network.helpers import DAY, snapshot

PAST = DAY - dt.timedelta(days=1)


def places() -> list[Node]:
    return [
        Area(id="R", name="Beispielregion", kind="region", population=20000),
        Area(id="A", name="Lindenau", kind="municipality", population=9000),
        Area(id="B", name="Eichenheim", kind="municipality", population=4000),
        Area(id="C", name="Birkenrode", kind="municipality"),
        Area(id="A1", name="Lindenau-Nord", kind="district", population=3000),
        FieldOfAction(id="housing", name_de="Wohnen", name_en="Housing"),
        FieldOfAction(id="health", name_de="Gesundheit", name_en="Health"),
    ]


def hierarchy() -> list[Tie]:
    return [
        PartOf(id="pA", from_id="A", to_id="R"),
        PartOf(id="pB", from_id="B", to_id="R"),
        PartOf(id="pC", from_id="C", to_id="R"),
        PartOf(id="pA1", from_id="A1", to_id="A"),
    ]


def offer(
    oid: str, field: str, area: str, provider: str | None = None, **kw: object
) -> tuple[Offer, list[Tie]]:
    ties: list[Tie] = [
        Addresses(id=f"{oid}-f", from_id=oid, to_id=field),
        AvailableIn(id=f"{oid}-a", from_id=oid, to_id=area),
    ]
    if provider:
        ties.append(Provides(id=f"{oid}-p", from_id=provider, to_id=oid))
    return Offer(id=oid, title=f"Angebot {oid}", **kw), ties


def world(*offers: tuple[Offer, list[Tie]], extra: list[Node] | None = None):
    nodes = places() + [o for o, _ in offers] + (extra or [])
    ties = hierarchy() + [t for _, ts in offers for t in ts]
    return nodes, ties


# --------------------------------------------------------------------------- offer gaps


def test_offer_gaps_follow_the_area_hierarchy() -> None:
    nodes, ties = world(
        offer("o1", "housing", "R"),  # region-wide: every municipality
        offer("o2", "health", "A1"),  # a district: covers Lindenau
        offer("o3", "health", "B", ends_on=PAST),  # ended
    )
    gaps = offer_gaps(snapshot(nodes, ties))
    assert [(g["area"], g["field"]) for g in gaps] == [("B", "health"), ("C", "health")]
    first = gaps[0]
    assert first["area_name"] == "Eichenheim" and first["population"] == 4000
    assert (first["field_name_de"], first["field_name_en"]) == ("Gesundheit", "Health")
    assert gaps[-1]["population"] is None  # unknown population last


def test_offer_gaps_ignore_ended_ties_and_rank_by_population() -> None:
    o, ts = offer("o1", "housing", "A")
    ts[1] = AvailableIn(id="o1-a", from_id="o1", to_id="A", until=PAST)
    nodes, ties = world((o, ts))
    gaps = offer_gaps(snapshot(nodes, ties))
    assert [g["area"] for g in gaps] == ["A", "A", "B", "B", "C", "C"]
    assert len(gaps) == 3 * 2


def test_offer_gaps_use_districts_when_there_are_no_municipalities() -> None:
    nodes = [
        Area(id="A", name="Stadt", kind="region"),
        Area(id="A1", name="Nord", kind="district", population=10),
        Area(id="A2", name="Süd", kind="district", population=20),
        FieldOfAction(id="housing", name_de="Wohnen", name_en="Housing"),
    ]
    o, ts = offer("o1", "housing", "A1")
    gaps = offer_gaps(snapshot([*nodes, o], ts))
    assert [g["area"] for g in gaps] == ["A2"]


def test_offer_gaps_by_target_group_and_language() -> None:
    groups = [
        TargetGroup(id="women", name_de="Frauen", name_en="Women"),
        TargetGroup(id="refugees", name_de="Geflüchtete", name_en="Refugees"),
    ]
    o1, t1 = offer("o1", "housing", "R", languages=["de"])
    t1.append(Serves(id="o1-s", from_id="o1", to_id="women"))
    o2, t2 = offer("o2", "health", "R", languages=["ar"])  # no SERVES: open to everyone
    nodes, ties = world((o1, t1), (o2, t2), extra=groups)
    snap = snapshot(nodes, ties)
    by_group = offer_gaps(snap, by_target_group=True)
    assert {(g["field"], g["target_group"]) for g in by_group} == {("housing", "refugees")}
    assert len(by_group) == 3  # in each municipality
    assert by_group[0]["target_group_name_de"] == "Geflüchtete"
    by_lang = offer_gaps(snap, by_language=True)
    assert {(g["field"], g["language"]) for g in by_lang} == {
        ("housing", "ar"),
        ("health", "de"),
    }
    both = offer_gaps(snap, by_target_group=True, by_language=True, languages=["uk"])
    assert len(both) == 2 * 2 * 3


# --------------------------------------------------------------------------- duplicates


def orgs(*ids: str, kind: str = "initiative") -> list[Node]:
    return [Organisation(id=i, name=f"Org {i}", kind=kind) for i in ids]


def test_duplicates_coordinated_uncoordinated_and_single_provider() -> None:
    nodes, ties = world(
        offer("o1", "housing", "A", "p"),
        offer("o2", "housing", "A", "q"),
        offer("o3", "housing", "A", "r"),
        offer("o4", "health", "B", "p"),
        offer("o5", "health", "B", "q"),
        offer("o6", "health", "C", "p"),
        offer("o7", "health", "C", "p"),
        offer("o8", "housing", "R", "p"),  # region cell: alone
        extra=orgs("p", "q", "r"),
    )
    ties += [
        CooperatesWith(id="c1", from_id="q", to_id="p"),
        CooperatesWith(id="c2", from_id="p", to_id="r", until=PAST),  # ended: no tie
    ]
    rows = duplicate_offers(snapshot(nodes, ties))
    cells = {(r["field"], r["area"]): r for r in rows}
    assert list(cells) == [("housing", "A"), ("health", "B"), ("health", "C")]
    a = cells["housing", "A"]
    assert a["coordinated"] is False
    assert a["untied_pairs"] == [["p", "r"], ["q", "r"]]
    assert [o["id"] for o in a["offers"]] == ["o1", "o2", "o3"]
    assert a["offers"][0]["providers"] == ["p"]
    assert cells["health", "B"]["coordinated"] is True
    assert cells["health", "B"]["untied_pairs"] == []
    same = cells["health", "C"]
    assert same["coordinated"] is True and same["single_provider"] is True
    assert a["area_name"] == "Lindenau" and a["field_name_de"] == "Wohnen"


# --------------------------------------------------------------------------- missing ties


def cooperation_world() -> tuple[list[Node], list[Tie]]:
    nodes = places() + [
        Organisation(id="mso", name="Kulturverein", kind="migrant_organisation"),
        Organisation(id="awo", name="AWO", kind="welfare_association"),
        Organisation(id="abh", name="Ausländerbehörde", kind="authority"),
        Organisation(id="ini", name="Helferkreis", kind="initiative"),
        Organisation(id="ver", name="Mieterverein", kind="association"),
        Organisation(id="hub", name="Integrationsbüro", kind="municipality"),
    ]
    ties: list[Tie] = [*hierarchy()]
    for o in ("mso", "awo", "abh", "ini", "ver"):
        ties.append(ActiveIn(id=f"in-{o}", from_id=o, to_id="A"))
        ties.append(WorksOn(id=f"on-{o}", from_id=o, to_id="housing"))
    ties.append(WorksOn(id="on-mso-2", from_id="mso", to_id="health"))
    ties.append(WorksOn(id="on-awo-2", from_id="awo", to_id="health"))
    ties.append(ActiveIn(id="in-mso-2", from_id="mso", to_id="B"))
    ties.append(ActiveIn(id="in-awo-2", from_id="awo", to_id="B"))
    for i, (a, b) in enumerate(
        [("mso", "hub"), ("awo", "hub"), ("ini", "hub"), ("ver", "hub"), ("ini", "ver"),
         ("ini", "abh"), ("ver", "abh"), ("mso", "ini")]
    ):  # fmt: skip
        ties.append(CooperatesWith(id=f"c{i}", from_id=a, to_id=b))
    return nodes, ties


def test_missing_cooperations_rank_cross_kind_pairs_first() -> None:
    nodes, ties = cooperation_world()
    snap = snapshot(nodes, ties)
    g = cooperation_graph(snap)
    rows = missing_cooperations(snap, g, limit=None)
    pairs = [(r["a"], r["b"]) for r in rows]
    # untied pairs sharing housing in Lindenau
    assert set(pairs) == {
        ("abh", "awo"),
        ("abh", "mso"),
        ("awo", "ini"),
        ("awo", "mso"),
        ("awo", "ver"),
        ("mso", "ver"),
    }
    assert [r["cross_kind"] for r in rows] == [True, True, False, False, False, False]
    first, second = rows[0], rows[1]
    # mso-awo: common partner hub (degree 4); mso-abh: common partner ini (degree 4)
    assert {first["a"], first["b"]} <= {"mso", "awo", "abh"}
    assert first["adamic_adar"] >= second["adamic_adar"]
    assert all(
        (r["adamic_adar"], r["jaccard"]) >= (s["adamic_adar"], s["jaccard"])
        for r, s in zip(rows[2:], rows[3:], strict=False)
    )
    awo_mso = next(r for r in rows if (r["a"], r["b"]) == ("awo", "mso"))
    assert awo_mso["fields"] == ["health", "housing"]
    assert awo_mso["areas"] == ["A", "B"]
    assert awo_mso["common_neighbours"] == 1
    assert awo_mso["adamic_adar"] == pytest.approx(1 / 1.3862943611198906)  # 1 / ln 4
    assert worded(awo_mso["reason"])["de"] == (
        "Beide arbeiten in Lindenau und Eichenheim an den Handlungsfeldern Gesundheit "
        "und Wohnen; 1 gemeinsamer Partner; Migrantenorganisation (MSO) und "
        "Wohlfahrtsverband ohne Kooperation"
    )
    assert worded(awo_mso["reason"])["en"] == (
        "Both work on health and housing in Lindenau and Eichenheim; 1 common partner; "
        "migrant organisation and welfare association without cooperation"
    )
    plain = next(r for r in rows if (r["a"], r["b"]) == ("awo", "ver"))
    assert worded(plain["reason"])["de"].endswith("1 gemeinsamer Partner")


def test_missing_cooperations_limit_and_determinism() -> None:
    nodes, ties = cooperation_world()
    snap = snapshot(nodes, ties)
    g = cooperation_graph(snap)
    assert missing_cooperations(snap, g, limit=2) == missing_cooperations(snap, g)[:2]
    assert all(r["cross_kind"] for r in missing_cooperations(snap, g, limit=2))
    assert len(missing_cooperations(snap, g, limit=3)) == 3


def test_missing_cooperations_stay_within_cells() -> None:
    nodes = places() + orgs("a", "b", "c")
    ties: list[Tie] = [
        ActiveIn(id="1", from_id="a", to_id="A"),
        ActiveIn(id="2", from_id="b", to_id="B"),  # another place
        ActiveIn(id="3", from_id="c", to_id="A"),
        WorksOn(id="4", from_id="a", to_id="housing"),
        WorksOn(id="5", from_id="b", to_id="housing"),
        WorksOn(id="6", from_id="c", to_id="health"),  # another field
    ]
    snap = snapshot(nodes, ties)
    assert missing_cooperations(snap, cooperation_graph(snap)) == []


# --------------------------------------------------------------------------- periphery


def test_peripheral_actors_of_the_kite(kite: nx.Graph) -> None:
    rows = {r["id"]: r for r in peripheral_actors(kite)}
    # Jane (MSO) hangs on Ike, Ike on Heather, Heather is the core's gate
    jane = rows["Jane"]
    assert [x["code"] for x in jane["reasons"]] == ["low_core", "high_constraint", "single_broker"]
    assert jane["broker"] == "Heather" and jane["broker_name"] == "Heather"
    assert [x["code"] for x in rows["Ike"]["reasons"]] == ["low_core"]
    assert "Diane" not in rows


def test_broker_separating_a_cluster_of_msos() -> None:
    g = nx.complete_graph(["k1", "k2", "k3", "k4", "broker"])
    g.add_edges_from([("broker", "m1"), ("m1", "m2"), ("m2", "m3"), ("m3", "m1"), ("m3", "m4")])
    g.add_edges_from([("x", "y")])  # a separate pair
    g.add_node("solo")
    for v in g:
        g.nodes[v].update(name=f"Org {v}", kind="welfare_association")
    for v in ("m1", "m2", "m3", "m4", "x", "solo"):
        g.nodes[v]["kind"] = "migrant_organisation"
    for u, v in g.edges():
        g.edges[u, v]["weight"] = 2
    rows = {r["id"]: r for r in peripheral_actors(g)}
    for m in ("m1", "m2", "m3", "m4"):
        assert rows[m]["broker"] == "broker", m
    assert (
        worded(rows["m2"]["reasons"][-1])["de"] == "nur über Org broker mit dem Netzwerk verbunden"
    )
    assert (
        worded(rows["m4"]["reasons"][-1])["en"]
        == "connected to the network only through Org broker"
    )
    assert [x["code"] for x in rows["solo"]["reasons"]] == ["isolate"]
    assert [x["code"] for x in rows["x"]["reasons"]][0] == "outside_main_network"
    assert rows["x"]["broker"] is None
    assert "broker" not in rows and "k1" not in rows  # in the core
    assert rows["solo"]["constraint"] is None


def test_constraint_threshold_is_a_parameter(two_triangles: nx.Graph) -> None:
    # in a triangle both partners cooperate with each other: constraint ≥ 1
    assert {r["id"] for r in peripheral_actors(two_triangles)} == {"a", "b", "e", "f"}
    assert peripheral_actors(two_triangles, constraint_threshold=1.5) == []


# --------------------------------------------------------------------------- council


def council_world() -> tuple[list[Node], list[Tie]]:
    nodes = places() + [
        Body(id="rat", name="Projektrat", kind="project_council"),
        Body(id="ak", name="Arbeitskreis", kind="working_group"),
        Organisation(id="w", name="AWO", kind="welfare_association"),
        Organisation(id="m1", name="Kulturverein", kind="migrant_organisation"),
        Organisation(id="m2", name="Elternverein", kind="migrant_organisation"),
        Organisation(id="a", name="Jobcenter", kind="authority"),
        Organisation(id="i", name="Helferkreis", kind="initiative"),
        Person(id="p1", name="Leyla Kaya"),
        Person(id="p2", name="Jan Weber"),
        Person(id="p3", name="Ohne Verein"),
    ]
    ties: list[Tie] = [
        *hierarchy(),
        MemberOf(id="s1", from_id="w", to_id="rat"),
        MemberOf(id="s2", from_id="p1", to_id="rat"),
        Represents(id="r1", from_id="p1", to_id="m1"),
        MemberOf(id="s3", from_id="p2", to_id="rat"),
        Represents(id="r2", from_id="p2", to_id="a"),
        Represents(id="r3", from_id="p2", to_id="m2"),
        MemberOf(id="s4", from_id="p3", to_id="rat"),
        MemberOf(id="old", from_id="i", to_id="rat", until=PAST),
        MemberOf(id="ak1", from_id="i", to_id="ak"),
        ActiveIn(id="x1", from_id="w", to_id="R"),  # region-wide: covers no municipality
        ActiveIn(id="x2", from_id="m1", to_id="A1"),  # a district of Lindenau
        ActiveIn(id="x3", from_id="i", to_id="B"),  # not on the council
        WorksOn(id="y1", from_id="w", to_id="housing"),
        WorksOn(id="y2", from_id="i", to_id="health"),
    ]
    return nodes, ties


def test_council_representation_shares_and_coverage() -> None:
    nodes, ties = council_world()
    rep = council_representation(snapshot(nodes, ties))
    assert rep["body"] == {"id": "rat", "name": "Projektrat", "kind": "project_council"}
    assert rep["seats"] == 4 and rep["unassigned_seats"] == 1
    assert rep["member_organisations"] == ["a", "m1", "m2", "w"]
    kinds = {k["kind"]: k for k in rep["kinds"]}
    assert list(kinds) == [
        "welfare_association",
        "migrant_organisation",
        "authority",
        "initiative",
    ]
    assert kinds["welfare_association"]["seats"] == 1
    assert kinds["migrant_organisation"]["seats"] == 1.5  # p1 whole, p2 half
    assert kinds["authority"]["seats"] == 0.5
    assert kinds["migrant_organisation"]["seat_share"] == pytest.approx(1.5 / 4)
    assert kinds["migrant_organisation"]["network_share"] == pytest.approx(2 / 5)
    assert kinds["migrant_organisation"]["difference"] == pytest.approx(1.5 / 4 - 2 / 5)
    assert kinds["initiative"]["seats"] == 0 and kinds["initiative"]["seat_share"] == 0
    assert kinds["authority"]["label_de"] == "Behörde"
    assert [f["id"] for f in rep["uncovered_fields"]] == ["health"]
    assert [a["id"] for a in rep["uncovered_areas"]] == ["B", "C"]


def test_council_representation_of_another_body_and_without_a_council() -> None:
    nodes, ties = council_world()
    snap = snapshot(nodes, ties)
    ak = council_representation(snap, body_id="ak")
    assert ak["seats"] == 1 and ak["member_organisations"] == ["i"] and ak["message"] is None
    with pytest.raises(NotFound, match="no body"):
        council_representation(snap, body_id="w")
    # a new office has no council yet: a normal answer that says what to add
    without = council_representation(snapshot([n for n in nodes if n.id != "rat"], ties))
    assert without["body"] is None and without["seats"] == 0 and without["kinds"] == []
    assert without["message"]["code"] == "no_council"
    assert (
        "Gremien" in worded(without["message"])["de"]
        and "Bodies" in worded(without["message"])["en"]
    )
    # a council without members: the kinds of the network, no shares of seats
    seatless = [t for t in ties if not (isinstance(t, MemberOf) and t.to_id == "rat")]
    empty = council_representation(snapshot(nodes, seatless))
    assert empty["body"]["id"] == "rat" and empty["message"]["code"] == "no_seats"
    assert all(k["seat_share"] is None for k in empty["kinds"])


def test_a_shared_region_reads_im_gebiet() -> None:
    """German needs an article before a Land or region: "im Gebiet Saarland", while a
    municipality stays "in Lindenau"."""
    nodes = [
        Area(id="SL", name="Saarland", kind="region"),
        FieldOfAction(id="housing", name_de="Wohnen", name_en="Housing"),
        Organisation(id="a", name="AWO", kind="welfare_association"),
        Organisation(id="m", name="Kulturverein", kind="migrant_organisation"),
    ]
    ties: list[Tie] = []
    for o in ("a", "m"):
        ties.append(ActiveIn(id=f"in-{o}", from_id=o, to_id="SL"))
        ties.append(WorksOn(id=f"on-{o}", from_id=o, to_id="housing"))
    snap = snapshot(nodes, ties)
    [row] = missing_cooperations(snap, cooperation_graph(snap), limit=None)
    assert worded(row["reason"])["de"].startswith(
        "Beide arbeiten im Gebiet Saarland am Handlungsfeld"
    )
    assert worded(row["reason"])["en"].startswith("Both work on housing in Saarland")
