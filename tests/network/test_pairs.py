"""The analysis counts cooperating pairs, not ties.

Office lists often hold a cooperation twice: once from each side (A → B and B → A), or
once per kind (a joint project and a referral between the same two). Every figure of the
analysis is about who cooperates with whom, so a second tie between the same pair must
change no degree, no density, no count of cooperations and no gap; the pair's intensity
is the highest of its ties.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graph_schema.model import (
    ActiveIn,
    Addresses,
    Area,
    AvailableIn,
    CooperatesWith,
    FieldOfAction,
    Node,
    Offer,
    Organisation,
    Provides,
    Tie,
    WorksOn,
)
from network.actors import actor_metrics
from network.brokerage import brokerage
from network.change import compare, network_figures
from network.figures import summary
from network.gaps import duplicate_offers, missing_cooperations, peripheral_actors
from network.graphs import cooperation_graph
from network.mixing import ei_index, mso_cooperation
from tests.network.helpers import DAY, snapshot

#: (from, to, intensity, kind): one tie per cooperating pair
PAIRS = [
    ("mso", "hub", 2, "joint_project"),
    ("awo", "hub", 3, "formal_agreement"),
    ("ini", "hub", 1, "exchange"),
    ("ver", "hub", 1, None),
    ("ini", "ver", 2, "referral"),
    ("ini", "abh", 1, "exchange"),
    ("ver", "abh", 1, "referral"),
    ("mso", "ini", 3, "joint_project"),
]


def world() -> list[Node | Tie]:
    """Six organisations in one place and field, two offers of two of them, no ties."""
    items: list[Node | Tie] = [
        Area(id="A", name="Lindenau", kind="municipality", population=9000),
        FieldOfAction(id="housing", name_de="Wohnen", name_en="Housing"),
        Organisation(id="mso", name="Kulturverein", kind="migrant_organisation"),
        Organisation(id="awo", name="AWO", kind="welfare_association"),
        Organisation(id="abh", name="Ausländerbehörde", kind="authority"),
        Organisation(id="ini", name="Helferkreis", kind="initiative"),
        Organisation(id="ver", name="Mieterverein", kind="association"),
        Organisation(id="hub", name="Integrationsbüro", kind="municipality"),
    ]
    for o in ("mso", "awo", "abh", "ini", "ver"):
        items.append(ActiveIn(id=f"in-{o}", from_id=o, to_id="A"))
        items.append(WorksOn(id=f"on-{o}", from_id=o, to_id="housing"))
    for o in ("ini", "ver"):  # two providers of the same cell, cooperating
        items.append(Offer(id=f"off-{o}", title=f"Wohnungssuche {o}"))
        items.append(Provides(id=f"pr-{o}", from_id=o, to_id=f"off-{o}"))
        items.append(Addresses(id=f"ad-{o}", from_id=f"off-{o}", to_id="housing"))
        items.append(AvailableIn(id=f"av-{o}", from_id=f"off-{o}", to_id="A"))
    return items


def _snapshot(ties: list[CooperatesWith], day: dt.date = DAY):  # type: ignore[no-untyped-def]
    items = world()
    nodes = [x for x in items if isinstance(x, Node)]
    other = [x for x in items if isinstance(x, Tie)]
    return snapshot(nodes, [*other, *ties], as_of=day)


def single() -> list[CooperatesWith]:
    return [
        CooperatesWith(id=f"c{i}", from_id=a, to_id=b, intensity=w, kind=k)
        for i, (a, b, w, k) in enumerate(PAIRS)
    ]


def doubled() -> list[CooperatesWith]:
    """Every pair twice: the same tie, and a weaker one the other way round of another
    kind (as a list of each side's partners writes it)."""
    back = [
        CooperatesWith(id=f"r{i}", from_id=b, to_id=a, intensity=1, kind="exchange")
        for i, (a, b, _w, _k) in enumerate(PAIRS)
    ]
    return [*single(), *back]


def test_two_ties_of_a_pair_make_one_cooperation() -> None:
    one, two = cooperation_graph(_snapshot(single())), cooperation_graph(_snapshot(doubled()))
    assert len(doubled()) == 2 * len(PAIRS)
    assert one.number_of_edges() == two.number_of_edges() == len(PAIRS)
    assert dict(one.degree()) == dict(two.degree())
    assert dict(two.degree())["hub"] == 4 and dict(two.degree())["awo"] == 1
    assert dict(one.degree(weight="weight")) == dict(two.degree(weight="weight"))
    for a, b, w, _k in PAIRS:
        assert two.edges[a, b]["weight"] == w  # the highest intensity of the pair's ties
        assert (one.edges[a, b]["ties"], two.edges[a, b]["ties"]) == (1, 2)


def test_the_stronger_tie_of_a_pair_sets_its_intensity() -> None:
    ties = [
        CooperatesWith(id="t1", from_id="mso", to_id="awo", intensity=1, kind="referral"),
        CooperatesWith(id="t2", from_id="awo", to_id="mso", intensity=3, kind="joint_project"),
    ]
    g = cooperation_graph(_snapshot(ties))
    edge = g.edges["awo", "mso"]
    assert (edge["weight"], edge["distance"], edge["ties"]) == (3, 2, 2)
    assert edge["kinds"] == ["joint_project", "referral"]
    # the pair counts once when only one of its ties is valid on the day, too
    ended = [ties[0], ties[1].model_copy(update={"until": DAY - dt.timedelta(days=1)})]
    g = cooperation_graph(_snapshot(ended))
    assert (g.number_of_edges(), g.edges["awo", "mso"]["weight"]) == (1, 1)


def test_the_figures_count_pairs() -> None:
    one, two = cooperation_graph(_snapshot(single())), cooperation_graph(_snapshot(doubled()))
    s1, s2 = summary(one), summary(two)
    assert s1 == s2
    assert s2["edges"] == len(PAIRS)
    assert s2["density"] == pytest.approx(len(PAIRS) / (6 * 5 / 2))
    f1, f2 = network_figures(one), network_figures(two)
    assert f1 == f2 and f2["ties"] == len(PAIRS)


def test_actors_mixing_and_brokerage_are_those_of_the_pairs() -> None:
    one, two = cooperation_graph(_snapshot(single())), cooperation_graph(_snapshot(doubled()))
    assert actor_metrics(one) == actor_metrics(two)
    hub = next(r for r in actor_metrics(two) if r["id"] == "hub")
    assert hub["degree"] == 4
    assert ei_index(one) == ei_index(two)
    assert ei_index(two)["internal"] + ei_index(two)["external"] == len(PAIRS)
    assert mso_cooperation(one) == mso_cooperation(two)
    assert brokerage(one) == brokerage(two)


def test_the_gaps_are_those_of_the_pairs() -> None:
    snap1, snap2 = _snapshot(single()), _snapshot(doubled())
    one, two = cooperation_graph(snap1), cooperation_graph(snap2)
    missing = missing_cooperations(snap2, two, limit=None)
    assert missing == missing_cooperations(snap1, one, limit=None)
    assert {(r["a"], r["b"]) for r in missing} == {
        ("abh", "awo"),
        ("abh", "mso"),
        ("awo", "ini"),
        ("awo", "mso"),
        ("awo", "ver"),
        ("mso", "ver"),
    }
    assert peripheral_actors(one) == peripheral_actors(two)
    assert duplicate_offers(snap1) == duplicate_offers(snap2)
    [cell] = duplicate_offers(snap2)
    assert cell["coordinated"] is True


def test_a_second_tie_of_a_pair_is_a_new_tie_but_no_new_cooperation() -> None:
    """The change report lists the tie it added by id; its figures count pairs."""
    later = DAY + dt.timedelta(days=365)
    extra = CooperatesWith(
        id="again", from_id="hub", to_id="mso", kind="referral", since=DAY + dt.timedelta(1)
    )
    before, after = _snapshot(single()), _snapshot([*single(), extra], later)
    change = compare(before, after)
    assert change["ties_added"] == ["again"]
    assert change["difference"]["ties"] == 0
    assert change["difference"]["density"] == 0
