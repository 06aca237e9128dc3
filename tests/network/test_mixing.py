"""E-I index and mixing matrices."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.services.wording import worded
from network.mixing import ei_index, mixing_matrix, mso_cooperation


def test_kite_by_kind(kite: nx.Graph) -> None:
    result = ei_index(kite, "kind")
    # internal ties: Andre-Beverly, Andre-Diane, Beverly-Diane (welfare), Fernando-Garth
    assert (result["internal"], result["external"]) == (4, 14)
    assert result["ei"] == pytest.approx(10 / 18)
    groups = {g["value"]: g for g in result["groups"]}
    welfare = groups["welfare_association"]
    assert (welfare["organisations"], welfare["internal"]) == (3, 3)
    # welfare ties to others: Andre 2, Beverly 2, Diane 4
    assert welfare["external"] == 8
    mso = groups["migrant_organisation"]
    assert (mso["internal"], mso["external"], mso["ei"]) == (0, 7, 1.0)
    # 3 of 10 organisations: a member's 9 possible partners hold 2 of its kind
    assert mso["expected_ei"] == pytest.approx((7 - 2) / 9)
    assert [g["value"] for g in result["groups"]][:3] == [
        "welfare_association",
        "migrant_organisation",
        "authority",
    ]


def test_overall_expected_ei_for_one_value_per_organisation() -> None:
    g = nx.complete_graph(4)
    nx.set_node_attributes(g, {0: "a", 1: "a", 2: "b", 3: "b"}, "kind")
    result = ei_index(g)
    assert (result["internal"], result["external"]) == (2, 4)
    # under random mixing a tie is internal with chance 2·(2·1)/(4·3) = 1/3
    assert result["expected_ei"] == pytest.approx(1 / 3)
    assert result["ei"] == pytest.approx(1 / 3)


def test_multi_valued_areas_share_at_least_one() -> None:
    g = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "x")])
    nx.set_node_attributes(
        g,
        {"a": ["L", "E"], "b": ["E"], "c": ["B"], "d": ["B", "L"], "x": []},
        "areas",
    )
    result = ei_index(g, "areas")
    assert result["multi_valued"] is True
    # a-b share E (internal), b-c none, c-d share B; a-x left out (x has no area)
    assert (result["internal"], result["external"]) == (2, 1)
    assert result["expected_ei"] is None
    groups = {g["value"]: g for g in result["groups"]}
    assert (groups["E"]["internal"], groups["E"]["external"]) == (1, 1)  # a-b; b-c
    assert (groups["L"]["internal"], groups["L"]["external"]) == (0, 2)  # a-b, c-d
    assert groups["L"]["organisations"] == 2


def test_no_ties_means_undefined() -> None:
    g = nx.empty_graph(["a", "b"])
    nx.set_node_attributes(g, "initiative", "kind")
    result = ei_index(g)
    assert result["ei"] is None and result["groups"][0]["ei"] is None


def test_mixing_matrix_by_kind(kite: nx.Graph) -> None:
    m = mixing_matrix(kite, "kind")
    pos = {v: i for i, v in enumerate(m["values"])}
    matrix = m["matrix"]
    assert matrix == [list(row) for row in zip(*matrix, strict=True)]  # symmetric
    assert matrix[pos["welfare_association"]][pos["welfare_association"]] == 3
    # Andre-Carol, Beverly-Ed, Diane-Carol, Diane-Ed
    assert matrix[pos["welfare_association"]][pos["migrant_organisation"]] == 4
    assert matrix[pos["authority"]][pos["municipality"]] == 2
    upper = sum(matrix[i][j] for i in range(len(matrix)) for j in range(i, len(matrix)))
    assert upper == kite.number_of_edges()


def test_mixing_matrix_by_field_counts_each_spanned_cell_once() -> None:
    g = nx.Graph([("a", "b")])
    nx.set_node_attributes(g, {"a": ["housing", "work"], "b": ["housing", "work"]}, "fields")
    m = mixing_matrix(g, "fields")
    assert m["values"] == ["housing", "work"]
    assert m["matrix"] == [[1, 1], [1, 1]]


def test_mso_cooperation_answers_the_question() -> None:
    g = nx.Graph([("m1", "m2"), ("m2", "m3"), ("m1", "m3"), ("m3", "w")])
    kinds = dict.fromkeys(["m1", "m2", "m3"], "migrant_organisation")
    nx.set_node_attributes(g, {**kinds, "w": "welfare_association"}, "kind")
    r = mso_cooperation(g)
    assert (r["internal"], r["external"]) == (3, 1)
    assert r["mostly_among_themselves"] is True and r["more_than_chance"] is True
    assert worded(r["answer"])["de"].startswith("Ja: 3 von 4 Kooperationsbeziehungen")
    assert "E-I -0,50" in worded(r["answer"])["de"]
    nx.set_node_attributes(g, "authority", "kind")
    none = mso_cooperation(g)
    assert none["ei"] is None and none["mostly_among_themselves"] is None
    assert worded(none["answer"])["en"] == "No cooperation ties of migrant organisations recorded."


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=20),
    density=st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(min_value=0, max_value=10_000),
    kinds=st.integers(min_value=1, max_value=5),
    multi=st.booleans(),
)
def test_ei_stays_in_bounds_and_adds_up(
    n: int, density: float, seed: int, kinds: int, multi: bool
) -> None:
    g = nx.gnm_random_graph(n, int(density * n * (n - 1) / 2), seed=seed)
    if multi:
        values = {v: [f"k{(v + j) % kinds}" for j in range(v % 3)] for v in g}
        attribute = "areas"
    else:
        values = {v: f"k{(v * 7 + seed) % kinds}" for v in g}
        attribute = "kind"
    nx.set_node_attributes(g, values, attribute)
    result = ei_index(g, attribute)
    for x in [result, *result["groups"]]:
        assert x["ei"] is None or -1.0 <= x["ei"] <= 1.0
        assert x["expected_ei"] is None or -1.0 <= x["expected_ei"] <= 1.0
    if not multi:
        assert result["internal"] + result["external"] == g.number_of_edges()
        assert sum(x["internal"] for x in result["groups"]) == result["internal"]
        assert sum(x["external"] for x in result["groups"]) == 2 * result["external"]
    m = mixing_matrix(g, attribute)["matrix"]
    assert m == [list(row) for row in zip(*m, strict=True)] if m else True
