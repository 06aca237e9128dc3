"""The grouped overview of a large network: one node per area or community, opened on click.

The threshold is lowered for these tests (a network of a handful of organisations stands in
for one of tens of thousands); everything else runs as in the app.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from api.web import network
from graph_schema import clock
from graph_schema.model import NodeLabel, RelType
from tests.web.conftest import XSS, Web


def _data(html: str) -> dict[str, Any]:
    found = re.search(r'id="network-data">(.*?)</script>', html, re.S)
    assert found, "no network data in the page"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


@pytest.fixture
def grouped(web: Web, monkeypatch: pytest.MonkeyPatch) -> Web:
    """The region (09999) with two towns, one named like an attack; every organisation
    active in one of them; the map grouped above one organisation."""
    store = web.store
    store.create(NodeLabel.AREA, {"id": "09998", "name": "Region", "kind": "region"})
    store.create(NodeLabel.AREA, {"id": "09998001", "name": XSS, "kind": "municipality"})
    store.link(RelType.PART_OF, "09998001", "09998", id="po-1")
    store.link(RelType.PART_OF, "09999001", "09998", id="po-2")
    store.link(RelType.ACTIVE_IN, "org-xss", "09998001", id="act-x")
    store.link(RelType.ACTIVE_IN, "org-other", "09998001", id="act-o")
    store.link(RelType.ACTIVE_IN, "org-other", "09999001", id="act-o2")
    monkeypatch.setattr(network, "GROUP_ABOVE", 1)
    return web


def test_a_large_map_opens_grouped_by_area(grouped: Web) -> None:
    html = grouped["viewer"].get("/netzwerk").text
    assert "Zusammengefasste Übersicht." in html
    assert "<img src=x onerror" not in html
    data = _data(html)
    groups = {n["name"]: n for n in data["nodes"]}
    assert set(groups) == {"Lindenau", XSS}
    assert all(n["is_group"] for n in data["nodes"])
    # org-own and org-other in Lindenau; org-xss and org-other in the attack-named town
    assert groups["Lindenau"]["members"] == 2 and groups[XSS]["members"] == 2
    assert groups["Lindenau"]["label"] == "Lindenau (2)"
    # coop-1 (own-other) lies inside Lindenau; coop-2 (xss-own) runs between the towns,
    # and so does coop-1 seen from org-other's second town
    (edge,) = data["edges"]
    assert edge["ties"] == 2
    assert groups[XSS]["url"] == (
        "/netzwerk?ansicht=netz&farbe=art&groesse=grad&gebiet=09998001&schritte=1"
    )
    # a click opens the group: its network is drawn organisation by organisation
    opened = _data(grouped["viewer"].get(groups[XSS]["url"]).text)
    assert {n["id"] for n in opened["nodes"]} == {"org-xss", "org-other"}
    assert not any(n.get("is_group") for n in opened["nodes"])


def test_the_whole_map_can_be_asked_for_and_focus_narrows(grouped: Web) -> None:
    html = grouped["viewer"].get("/netzwerk").text
    link = re.search(r'<a href="([^"]*alle=1[^"]*)">Trotzdem das ganze Netz zeigen', html)
    assert link
    full = _data(grouped["viewer"].get(link.group(1).replace("&amp;", "&")).text)
    assert {"org-own", "org-other", "org-xss"} <= {n["id"] for n in full["nodes"]}
    focused = grouped["viewer"].get("/netzwerk?fokus=org-xss").text
    assert "ihre direkten Partner" in focused
    assert {n["id"] for n in _data(focused)["nodes"]} == {"org-xss", "org-own"}


def test_table_and_download_of_the_grouped_map(grouped: Web) -> None:
    table = grouped["viewer"].get("/netzwerk/tabelle")
    assert table.status_code == 200
    assert "<img src=x onerror" not in table.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in table.text
    assert (
        'href="/netzwerk?ansicht=netz&amp;farbe=art&amp;groesse=grad&amp;gebiet=09999001&amp;schritte=1"'
        in (table.text)
    )
    assert 'id="groups-table"' in table.text and 'id="group-ties-table"' in table.text
    r = grouped["viewer"].get("/netzwerk/download.html")
    assert r.status_code == 200 and "<img src=x onerror" not in r.text
    assert '"is_group":true' in r.text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", r.text)


def test_grouped_by_community_opens_one_community(grouped: Web) -> None:
    data = _data(grouped["viewer"].get("/netzwerk?farbe=gemeinschaft").text)
    assert all(n["is_group"] for n in data["nodes"])
    biggest = max(data["nodes"], key=lambda n: n["members"])
    assert "gemeinschaft=1" in biggest["url"]
    opened = _data(grouped["viewer"].get(biggest["url"]).text)
    assert len(opened["nodes"]) == biggest["members"]


def test_grouped_pages_need_a_sign_in(grouped: Web) -> None:
    for url in ("/netzwerk", "/netzwerk/tabelle", "/netzwerk/download.html"):
        r = grouped["anonymous"].get(url, follow_redirects=False)
        assert r.status_code in (303, 401), url


def test_a_large_network_is_built_again_in_the_background_after_a_change(
    grouped: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a change the next visitor should not wait for the snapshot of a large network:
    a few seconds after the last change the view is rebuilt without any request."""
    import time

    from api.services.analysis import analysis_of, whole

    monkeypatch.setattr(network, "REWARM_DELAY", 0.05)
    monkeypatch.setattr(network, "WARM_ABOVE", 1)
    app: Any = grouped.app
    network.start_warm_up(app)
    store = grouped.store
    store.create(
        NodeLabel.ORGANISATION, {"id": "org-new", "name": "Neuer Verein", "kind": "initiative"}
    )
    version = store.version
    cache = analysis_of(app)
    key = (version, ("graph", whole(clock.today())))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and key not in cache._cache:
        time.sleep(0.05)
    assert key in cache._cache, "the changed network was not built again"
    assert "org-new" in cache._cache[key]


@pytest.mark.parametrize("view", ["projektrat", "luecken"])
def test_council_and_gap_views_of_a_large_map_show_whom_they_are_about(
    grouped: Web, view: str
) -> None:
    """Not grouped, not everything: the organisations the view is about and their partners."""
    store = grouped.store
    for i in range(6):  # organisations far from the council and from any suggestion
        store.create(
            NodeLabel.ORGANISATION,
            {"id": f"org-far{i}", "name": f"Fern {i}", "kind": "initiative"},
        )
    for i in (1, 2):  # two on the same field in the same town, without a tie: a suggestion
        store.create(
            NodeLabel.ORGANISATION,
            {"id": f"org-near{i}", "name": f"Nah {i}", "kind": "welfare_association"},
        )
        store.link(RelType.WORKS_ON, f"org-near{i}", "housing", id=f"wo-near{i}")
        store.link(RelType.ACTIVE_IN, f"org-near{i}", "09999001", id=f"act-near{i}")
    html = grouped["viewer"].get(f"/netzwerk?ansicht={view}").text
    data = _data(html)
    shown = {n["id"] for n in data["nodes"]}
    assert not any(n.get("is_group") for n in data["nodes"])
    assert not shown & {f"org-far{i}" for i in range(6)}
    assert 'id="group-hint"' in html and "alle=1" in html
    if view == "projektrat":
        assert "im Projektrat vertretenen Organisationen" in html
        assert "org-other" in shown  # the council's chair organisation
    else:
        assert "vorgeschlagenen Kooperationen" in html
        assert {"org-near1", "org-near2"} <= shown  # the suggested pair
        assert any(e.get("id") == "gap|org-near1|org-near2" for e in data["edges"])
    full = _data(grouped["viewer"].get(f"/netzwerk?ansicht={view}&alle=1").text)
    assert {f"org-far{i}" for i in range(6)} <= {n["id"] for n in full["nodes"]}
