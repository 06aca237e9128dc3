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
