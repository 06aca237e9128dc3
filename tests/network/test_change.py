"""Comparing the network at two dates."""

from __future__ import annotations

import datetime as dt

import pytest

from graph_schema.model import CooperatesWith, Organisation
from network.change import compare, network_figures
from network.graphs import cooperation_graph
from tests.network.helpers import snapshot

BEFORE, AFTER = dt.date(2023, 6, 1), dt.date(2025, 6, 1)


def test_compare_lists_what_came_and_went() -> None:
    orgs = [
        Organisation(id="hub", name="Integrationsbüro", kind="municipality"),
        Organisation(id="a", name="AWO", kind="welfare_association"),
        Organisation(id="b", name="Kulturverein", kind="migrant_organisation"),
        Organisation(id="c", name="Helferkreis", kind="initiative"),
        Organisation(id="new", name="Neu", kind="initiative", founded=dt.date(2024, 3, 1)),
    ]
    ties = [
        CooperatesWith(id="t1", from_id="hub", to_id="a"),
        CooperatesWith(id="t2", from_id="hub", to_id="b", until=dt.date(2024, 1, 1)),
        CooperatesWith(id="t3", from_id="hub", to_id="c", since=dt.date(2024, 1, 1)),
        CooperatesWith(id="t4", from_id="hub", to_id="new", since=dt.date(2024, 6, 1)),
        CooperatesWith(id="t5", from_id="a", to_id="c", since=dt.date(2024, 6, 1)),
    ]
    # an organisation that existed before but is gone now
    gone = Organisation(id="gone", name="Aufgelöst", kind="association")
    before = snapshot([*orgs, gone], ties, as_of=BEFORE)
    after = snapshot(orgs, ties, as_of=AFTER)
    c = compare(before, after)
    assert c["organisations_added"] == ["new"]
    assert c["organisations_ended"] == ["gone"]
    assert c["ties_added"] == ["t3", "t4", "t5"]
    assert c["ties_ended"] == ["t2"]
    assert c["before"]["as_of"] == "2023-06-01" and c["after"]["as_of"] == "2025-06-01"
    assert (c["before"]["organisations"], c["before"]["ties"]) == (5, 2)
    assert (c["after"]["organisations"], c["after"]["ties"]) == (5, 4)
    assert c["before"]["components"] == 3  # hub-a-b, c, gone
    assert c["after"]["components"] == 2  # hub-a-c-new, b
    assert c["difference"]["ties"] == 2
    assert c["difference"]["components"] == -1
    assert c["difference"]["density"] == pytest.approx(4 / 10 - 2 / 10)
    assert c["difference"]["largest_component"] == 4 - 3
    assert c["after"]["degree_centralisation"] == pytest.approx(
        ((3 - 3) + (3 - 2) + (3 - 2) + (3 - 1) + (3 - 0)) / (4 * 3)
    )


def test_network_figures_of_an_empty_network() -> None:
    f = network_figures(cooperation_graph(snapshot([], [])))
    assert f["organisations"] == 0 and f["components"] == 0
    assert f["degree_centralisation"] is None and f["betweenness_centralisation"] is None
    c = compare(snapshot([], [], as_of=BEFORE), snapshot([], [], as_of=AFTER))
    assert c["difference"]["degree_centralisation"] is None
    assert c["difference"]["organisations"] == 0
