"""Views as data: text stays text, sizes and colours follow the metrics, the standalone file
loads nothing from elsewhere."""

from __future__ import annotations

import json
import re

import networkx as nx

from viz.charts import Bar, bar_chart, diverging_bars, heat_level
from viz.labels import map_label
from viz.network_view import (
    KIND_COLOURS,
    MAX_SIZE,
    MIN_SIZE,
    build_view,
    page_data,
    render_standalone,
    script_json,
    to_pyvis,
)

XSS = "<img src=x onerror=alert(1)>"


def _graph() -> nx.Graph:
    g = nx.Graph()
    g.add_node("a", name="AWO", kind="welfare_association")
    g.add_node("b", name=XSS, kind="migrant_organisation")
    g.add_node("c", name="Stadt", kind="municipality")
    g.add_edge("a", "b", weight=2, kinds=["referral"])
    g.add_edge("a", "c", weight=1, kinds=[])
    return g


POS = {"a": (0.0, 0.0), "b": (90.0, 0.0), "c": (0.0, 90.0)}


def test_nodes_carry_names_as_plain_text_and_colours_by_kind() -> None:
    view = build_view(_graph(), POS, kind_label=str, metric={"a": 2, "b": 1, "c": 1})
    nodes = {n["id"]: n for n in view.nodes}
    # the map wraps a long name; the text stays text, and the full name is the tooltip's
    assert nodes["b"]["label"] == map_label(XSS) and nodes["b"]["tooltip"][0] == XSS
    assert nodes["b"]["name"] == XSS
    assert "title" not in nodes["b"]  # the browser builds the tooltip from text nodes
    assert nodes["a"]["color"]["background"] == KIND_COLOURS["welfare_association"]
    assert nodes["a"]["size"] == MAX_SIZE and nodes["b"]["size"] == MIN_SIZE
    assert view.options["physics"]["enabled"] is False
    assert [item["kind"] for item in view.legend] == [
        "welfare_association",
        "migrant_organisation",
        "municipality",
    ]


def test_communities_and_highlight() -> None:
    view = build_view(
        _graph(),
        POS,
        kind_label=str,
        colour_by="community",
        community_of={"a": 1, "b": 1, "c": 2},
        highlight={"a"},
        highlight_label="im Rat",
    )
    nodes = {n["id"]: n for n in view.nodes}
    assert nodes["a"]["borderWidth"] == 4 and "im Rat" in nodes["a"]["tooltip"]
    assert nodes["c"]["color"]["background"] != nodes["a"]["color"]["background"]
    assert [x["count"] for x in view.legend] == [2, 1]


def _expand(data: dict) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    """What ``api/static/js/netview.js``'s ``expand`` does, in Python."""
    nodes, edges = [], []
    for n in data["nodes"]:
        n = dict(n)
        n.setdefault("name", n.get("label"))
        n.update(data["styles"][n.pop("s")] if "s" in n else {})
        if "t" in n:
            n["tooltip"] = [n["name"], *data["tips"][n.pop("t")]]
        if "url" not in n and data["meta"].get("node_url"):
            n["url"] = data["meta"]["node_url"] + n["id"]
        nodes.append(n)
    for e in data["edges"]:
        e = dict(e)
        e["from"] = nodes[e["from"]]["id"] if isinstance(e["from"], int) else e["from"]
        e["to"] = nodes[e["to"]]["id"] if isinstance(e["to"], int) else e["to"]
        e.setdefault("id", f"{e['from']}|{e['to']}")
        e.update(data["styles"][e.pop("s")] if "s" in e else {})
        if "t" in e:
            e["tooltip"] = data["tips"][e.pop("t")]
        edges.append(e)
    return nodes, edges


def _large() -> nx.Graph:
    """1,200 organisations of four kinds in a ring with chords (above LARGE: few names)."""
    g = nx.cycle_graph(1200)
    g.add_edges_from((i, (i * 7) % 1200) for i in range(0, 1200, 3))
    g = nx.relabel_nodes(g, {i: f"org-{i:05d}" for i in g})
    kinds = list(KIND_COLOURS)[:4]
    for i, v in enumerate(sorted(g)):
        g.nodes[v].update(name=f"Verein {i} für Integration e.V.", kind=kinds[i % 4])
    for a, b in g.edges:
        g.edges[a, b].update(weight=1 + (hash((a, b)) % 2), kinds=["referral"])
    return g


def test_the_page_carries_each_fact_once_and_the_viewer_gets_the_view_back() -> None:
    g = _large()
    positions = {v: (float(i), float(i % 37)) for i, v in enumerate(sorted(g))}
    view = build_view(
        g,
        positions,
        kind_label=lambda k: f"Art {k}",
        metric={v: float(d) for v, d in g.degree()},
        metric_label="Grad",
        edge_label=lambda attrs: ["Kooperation", f"Intensität: {attrs['weight']}"],
        highlight=["org-00001"],
        highlight_label="Mittelpunkt",
        extra_edges=[{"id": "gap|org-00002|org-00500", "from": "org-00002", "to": "org-00500"}],
    )
    data = page_data(view)
    text = script_json(data)
    # every name once (no label/name/tooltip copies), nothing pretty-printed
    for n in view.nodes[:50]:
        assert text.count(json.dumps(n["name"], ensure_ascii=False)) == 1, n["name"]
    assert '": ' not in text and '", "' not in text and "\n" not in text
    # styles and tooltips once each; the common size and width once, in the options
    assert len(data["styles"]) <= 6 and len(data["tips"]) < len(view.nodes) / 10
    assert data["options"]["nodes"]["size"] in {n["size"] for n in view.nodes}
    assert not any("kind" in n or "tooltip" in n or "url" in n for n in data["nodes"])
    assert len(text) < len(json.dumps(view.nodes)) / 2  # the page's data before issue 16
    # what the viewer expands is the view again
    nodes, edges = _expand(data)
    size, width = data["options"]["nodes"]["size"], data["options"]["edges"]["width"]
    for got, want in zip(nodes, view.nodes, strict=True):
        assert got.get("size", size) == want["size"]
        assert got.get("size", size) is not None
        for key in ("id", "x", "y", "color", "font", "tooltip", "url", "name"):
            assert got.get(key) == want.get(key), (key, want["id"])
        assert got.get("label") == (want["label"] or None)
    for got, want in zip(edges, view.edges, strict=True):
        assert got.get("width", width) == want.get("width", 1)  # vis-network's own width
        for key in ("id", "from", "to", "color", "tooltip"):
            assert got.get(key) == (want.get(key) or None if key == "tooltip" else want.get(key))
    assert edges[-1]["id"] == "gap|org-00002|org-00500"


def test_the_page_keeps_what_it_cannot_share() -> None:
    """Group nodes (their own links, counts) and nodes without a link keep theirs."""
    view = build_view(
        _graph(),
        POS,
        kind_label=str,
        extra_nodes=[{"id": "p", "label": "Person", "x": 1, "y": 2, "tooltip": ["Ada", "x"]}],
    )
    view.nodes[0]["members"] = 7
    data = page_data(view)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["a"]["members"] == 7
    assert nodes["p"]["url"] == "" and nodes["p"]["tooltip"] == ["Ada", "x"]
    assert "name" not in nodes["p"]  # its label is its name
    assert nodes["b"]["name"] == XSS and nodes["b"]["label"] == map_label(XSS)


def test_script_json_cannot_close_the_script_element() -> None:
    text = script_json({"x": "</script><script>alert(1)</script>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["x"].startswith("</script>")


def test_pyvis_holds_the_view_without_quadratic_adds() -> None:
    view = build_view(_graph(), POS, kind_label=str)
    net = to_pyvis(view)
    assert len(net.nodes) == 3 and len(net.edges) == 2
    assert net.get_network_data()[0][0]["id"] == "a"


def test_standalone_html_is_offline_and_escaped() -> None:
    view = build_view(_graph(), POS, kind_label=str)
    html = render_standalone(
        view,
        title=f"Netz {XSS}",
        scripts=["var vis = {};", "console.log('</script>')"],
        stylesheet="body{}",
        strings={"details": "Details"},
    )
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # title and heading as text
    assert "<\\/script>" in html  # an inlined source cannot end its element early
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "default-src 'none'" in html


def test_charts_escape_and_scale() -> None:
    svg = bar_chart([Bar(XSS, 4.0, href="/x?a=1&b=2"), Bar("b", 2.0)], title="t")
    assert "<img" not in svg and "&lt;img" in svg and "&amp;b=2" in svg
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1]
    assert "negative" in diverging_bars([Bar("x", -1.0)], title="t")
    assert [heat_level(v, 6) for v in (0, 1, 6)] == [0, 1, 6]
