"""Network views: a NetworkX graph with positions and metrics as vis-network data, and the
standalone offline HTML of a view through pyvis with the project's own template.

Nothing here writes HTML from data: labels and tooltips travel as JSON strings and the
viewer script (``api/static/js/netview.js``) puts them into the page as text nodes. The
standalone file inlines vis-network and the viewer, so it opens offline and loads nothing
from any host.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from viz.labels import (
    FONT,
    ONE_LINE_ABOVE,
    Footprint,
    cull,
    footprint,
    label_box,
    lines_for,
    map_label,
)

__all__ = [
    "COMMUNITY_COLOURS",
    "KIND_COLOURS",
    "NetworkView",
    "build_view",
    "node_sizes",
    "page_data",
    "render_standalone",
    "script_json",
    "to_pyvis",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: colours of organisation kinds (Okabe-Ito first, distinguishable with colour blindness)
KIND_COLOURS: dict[str, str] = {
    "welfare_association": "#0072B2",
    "migrant_organisation": "#D55E00",
    "authority": "#009E73",
    "municipality": "#CC79A7",
    "education_provider": "#E69F00",
    "initiative": "#56B4E9",
    "association": "#8C6D31",
    "religious_community": "#7B3294",
    "employer": "#4D4D4D",
    "other": "#A6A6A6",
}
COMMUNITY_COLOURS: tuple[str, ...] = (
    "#1F77B4",
    "#FF7F0E",
    "#2CA02C",
    "#D62728",
    "#9467BD",
    "#8C564B",
    "#E377C2",
    "#17BECF",
    "#BCBD22",
    "#393B79",
    "#AD494A",
    "#637939",
)
OTHER_COLOUR = "#C8C8C8"
FADED_COLOUR = "#DDDDDD"
GAP_COLOUR = "#E4572E"
MIN_SIZE, MAX_SIZE, SMALLER_MIN, SMALLER_MAX = 6.0, 24.0, 5.0, 12.0
#: font of the names without room at first sight, and vis-network's drawThreshold: such a
#: name is drawn from zoom 1.25 on, every other name (viz.labels.FONT) at any usual zoom
HIDDEN_FONT, DRAW_THRESHOLD = 4, 6
#: names considered for drawing at most (the best connected first)
CULL_LIMIT = 1000
#: above this many nodes the browser hides ties while dragging or zooming
LARGE = 1000


@dataclass
class NetworkView:
    """What the browser draws: vis-network nodes and edges, the legend and the options."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[dict[str, Any]]
    options: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        """What the page carries (:func:`page_data`): each fact once, expanded by the viewer."""
        return page_data(self)


#: node and edge keys that style the drawing: each combination is written once (``styles``)
STYLE_KEYS = ("color", "font", "borderWidth", "shape", "dashes")
#: vis-network's own node size and edge width, of the nodes and edges without one
VIS_SIZE, VIS_WIDTH = 25, 1
#: keys :func:`page_data` writes in its own way (or leaves out: ``kind`` is drawn as colour)
_NODE_KEYS = {"id", "x", "y", "label", "name", "size", "tooltip", "url", "kind", *STYLE_KEYS}
_EDGE_KEYS = {"id", "from", "to", "width", "tooltip", *STYLE_KEYS}


def _most_common(values: Iterable[Any]) -> Any:
    counts: dict[Any, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def _plain(value: Any) -> Any:
    """A whole float as an int (``3.0`` -> ``3``: two bytes less, the same number)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class _Table:
    """Distinct values, each written once; items refer to them by position."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._index: dict[Hashable, int] = {}

    def ref(self, value: Any) -> int:
        # the text of a style (a small dict) or the lines of a tooltip as the key: a few
        # microseconds for each of thousands of nodes and edges
        key = tuple(value) if isinstance(value, list) else repr(value)
        found = self._index.get(key)
        if found is None:
            found = self._index[key] = len(self.items)
            self.items.append(value)
        return found


def _page_node(
    n: Mapping[str, Any], size: Any, node_url: str, tables: tuple[_Table, _Table]
) -> dict[str, Any]:
    styles, tips = tables
    out: dict[str, Any] = {"id": n["id"], "x": _plain(n["x"]), "y": _plain(n["y"])}
    label = n.get("label") or ""
    name = n.get("name", label)
    if label:
        out["label"] = label
    if name != label:
        out["name"] = name
    if n.get("size", VIS_SIZE) != size:
        out["size"] = _plain(n.get("size", VIS_SIZE))
    style = {k: n[k] for k in STYLE_KEYS if k in n}
    if style:
        out["s"] = styles.ref(style)
    tooltip = n.get("tooltip")
    if tooltip and tooltip[0] == name:
        out["t"] = tips.ref(list(tooltip[1:]))
    elif tooltip:
        out["tooltip"] = tooltip
    if n.get("url") != node_url + str(n["id"]):
        out["url"] = n.get("url") or ""
    out.update((k, v) for k, v in n.items() if k not in _NODE_KEYS)
    return out


def _page_edge(
    e: Mapping[str, Any], index: Mapping[str, int], width: Any, tables: tuple[_Table, _Table]
) -> dict[str, Any]:
    styles, tips = tables
    out: dict[str, Any] = {
        "from": index.get(e["from"], e["from"]),
        "to": index.get(e["to"], e["to"]),
    }
    if e.get("id", f"{e['from']}|{e['to']}") != f"{e['from']}|{e['to']}":
        out["id"] = e["id"]
    if e.get("width", VIS_WIDTH) != width:
        out["width"] = _plain(e.get("width", VIS_WIDTH))
    style = {k: e[k] for k in STYLE_KEYS if k in e}
    if style:
        out["s"] = styles.ref(style)
    if e.get("tooltip"):
        out["t"] = tips.ref(list(e["tooltip"]))
    out.update((k, v) for k, v in e.items() if k not in _EDGE_KEYS)
    return out


def page_data(view: NetworkView) -> dict[str, Any]:
    """The view as the page carries it, every fact once (``api/static/js/netview.js``
    expands it to vis-network's nodes and edges):

    - a node's ``name`` only where it differs from its ``label`` (no ``label``: none is
      drawn), its ``url`` only where it is not ``meta.node_url`` + id, its ``kind`` not
      at all (it is drawn as the colour, and named in the tooltip);
    - the most common node size and edge width once, in ``options``;
    - styles (colour, font, border, shape, dashes) and tooltips once each, in ``styles``
      and ``tips``; a node or edge refers to them by position (``s``, ``t``); a node's
      tooltip is its name and then the lines of ``tips[t]``;
    - an edge's ends as positions in ``nodes``, its id only where it is not
      ``from|to``;
    - written without spaces (:func:`script_json`).

    Examples:
        >>> g = nx.Graph([("a", "b")])
        >>> nx.set_node_attributes(g, {"a": "AWO", "b": "Verein"}, "name")
        >>> d = page_data(build_view(g, {"a": (0, 0), "b": (60, 0)}, kind_label=str))
        >>> d["nodes"][0]
        {'id': 'a', 'x': 0, 'y': 0, 'label': 'AWO', 's': 0, 't': 0}
        >>> d["edges"], d["tips"][0], d["options"]["nodes"]["size"]
        ([{'from': 0, 'to': 1}], ['other'], 12)
    """
    node_url = str(view.meta.get("node_url", ""))
    tables = (_Table(), _Table())
    size = _most_common(n.get("size", VIS_SIZE) for n in view.nodes)
    width = _most_common(e.get("width", VIS_WIDTH) for e in view.edges)
    index = {str(n["id"]): i for i, n in enumerate(view.nodes)}
    options = json.loads(json.dumps(view.options))
    if size is not None:
        options.setdefault("nodes", {})["size"] = _plain(size)
    if width is not None:
        options.setdefault("edges", {})["width"] = _plain(width)
    return {
        "nodes": [_page_node(n, size, node_url, tables) for n in view.nodes],
        "edges": [_page_edge(e, index, width, tables) for e in view.edges],
        "styles": tables[0].items,
        "tips": tables[1].items,
        "legend": view.legend,
        "options": options,
        "meta": view.meta,
    }


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (no ``<``, ``>``, ``&``).

    Examples:
        >>> script_json({"name": "</script><img src=x onerror=alert(1)>"})
        '{"name":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def node_sizes(
    values: Mapping[Hashable, float | None], nodes: int | None = None
) -> dict[Hashable, float]:
    """Sizes from ``MIN_SIZE`` to ``MAX_SIZE`` with area proportional to the value; on a
    map of more than :data:`viz.labels.ONE_LINE_ABOVE` ``nodes`` the largest is
    :data:`SMALLER_MAX` (more room for names).

    Examples:
        >>> node_sizes({"a": 0, "b": 1, "c": 4})
        {'a': 6.0, 'b': 15.0, 'c': 24.0}
    """
    large = nodes is not None and nodes > ONE_LINE_ABOVE
    smallest, largest = (SMALLER_MIN, SMALLER_MAX) if large else (MIN_SIZE, MAX_SIZE)
    clean = {k: float(v) for k, v in values.items() if v is not None and math.isfinite(v)}
    top = max(clean.values(), default=0.0)
    low = min(clean.values(), default=0.0)
    out: dict[Hashable, float] = {}
    for k in values:
        v = clean.get(k)
        if v is None or top <= low:
            out[k] = smallest
        else:
            share = math.sqrt((v - low) / (top - low))
            out[k] = round(smallest + share * (largest - smallest), 1)
    return out


def _number(value: float | int | None, lang: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        text = f"{int(value):,}"
        return text.replace(",", ".") if lang == "de" else text
    text = f"{value:.3f}"
    return text.replace(".", ",") if lang == "de" else text


def build_view(
    g: nx.Graph,
    positions: Mapping[Hashable, tuple[float, float]],
    *,
    kind_label: Callable[[str], str],
    colour_by: str = "kind",
    community_of: Mapping[Hashable, int] | None = None,
    community_label: Callable[[int], str] = lambda c: f"#{c}",
    metric: Mapping[Hashable, float | None] | None = None,
    metric_label: str = "",
    edge_label: Callable[[Mapping[str, Any]], list[str]] = lambda attrs: [],
    highlight: Iterable[Hashable] | None = None,
    highlight_label: str = "",
    extra_nodes: Sequence[dict[str, Any]] = (),
    extra_edges: Sequence[dict[str, Any]] = (),
    lang: str = "de",
    node_url: str = "/organisationen/",
    other_label: str = "other",
    names_above: Iterable[Hashable] = (),
) -> NetworkView:
    """The vis-network data of a view of ``g`` (organisations as nodes).

    Args:
        g: the graph to draw (node attributes ``name`` and ``kind``).
        positions: a position for every node of ``g`` and of ``extra_nodes``.
        kind_label: name of an organisation kind in the reader's language.
        colour_by: ``"kind"`` or ``"community"`` (then ``community_of`` is needed).
        community_of: node -> community number (1 = largest).
        community_label: name of a community in the legend.
        metric: node -> value that sizes the node (None: all the same size).
        metric_label: the metric's name in tooltips.
        edge_label: tooltip lines of a tie from its attributes.
        highlight: nodes drawn emphasised (others faded), e.g. council members.
        highlight_label: legend entry of the emphasised nodes.
        extra_nodes: further vis-network nodes (e.g. a body, people), already shaped.
        extra_edges: further edges, e.g. suggested cooperations (``dashes``).
        lang: language of numbers in tooltips.
        node_url: link target prefix of an organisation's detail page.
        other_label: legend entry of the small communities.
        names_above: nodes whose name is written above the dot (e.g. the upper half of
            an ego network, so that names point away from the focus).

    Examples:
        >>> g = nx.Graph([("a", "b")])
        >>> nx.set_node_attributes(g, {"a": "AWO", "b": "<b>Verein</b>"}, "name")
        >>> nx.set_node_attributes(g, "initiative", "kind")
        >>> v = build_view(g, {"a": (0, 0), "b": (60, 0)}, kind_label=str)
        >>> [n["label"] for n in v.nodes], v.nodes[1]["tooltip"][0]
        (['AWO', '<b>Verein</b>'], '<b>Verein</b>')
    """
    strong = set(highlight) if highlight is not None else None
    sizes = node_sizes(metric, len(g)) if metric is not None else {}
    lines = lines_for(len(g))
    small = len(g) <= LARGE  # larger maps name only a few hubs, when zoomed in
    legend: list[dict[str, Any]] = []
    used_kinds: dict[str, int] = {}
    used_communities: dict[int, int] = {}
    nodes = []
    for v in sorted(g, key=str):
        attrs = g.nodes[v]
        kind = str(attrs.get("kind") or "other")
        if colour_by == "community" and community_of is not None:
            c = community_of.get(v, 0)
            colour = COMMUNITY_COLOURS[c - 1] if 0 < c <= len(COMMUNITY_COLOURS) else OTHER_COLOUR
            used_communities[c] = used_communities.get(c, 0) + 1
        else:
            colour = KIND_COLOURS.get(kind, OTHER_COLOUR)
            used_kinds[kind] = used_kinds.get(kind, 0) + 1
        name = str(attrs.get("name") or v)
        tooltip = [name, kind_label(kind)]
        if metric is not None:
            tooltip.append(f"{metric_label}: {_number(metric.get(v), lang)}")
        if community_of is not None and v in community_of:
            tooltip.append(community_label(community_of[v]))
        x, y = positions[v]
        node: dict[str, Any] = {
            "id": str(v),
            "label": map_label(name, attrs.get("short_name"), *lines) if small else name,
            "name": name,
            "x": x,
            "y": y,
            "size": sizes.get(v, 12.0 if metric is None else MIN_SIZE),
            "color": {"background": colour, "border": "#333333"},
            "kind": kind,
            "tooltip": tooltip,
            "url": node_url + str(v),
        }
        node["font"] = {"size": FONT}
        if strong is not None:
            if v in strong:
                node["borderWidth"] = 4
                node["color"] = {"background": colour, "border": "#000000"}
                node["size"] = max(node["size"], 18.0)
                tooltip.append(highlight_label)
            else:
                node["color"] = {"background": FADED_COLOUR, "border": "#BBBBBB"}
                node["font"] = {**node["font"], "color": "#767676"}
        nodes.append(node)
    # every name that has room is drawn at a readable size; the others only appear when
    # zooming in (their font is below vis-network's drawThreshold at zoom 1), and every
    # node keeps its full name in the tooltip, the panel and the search
    _cull_names(g, nodes, strong, {str(v) for v in names_above}, list(extra_nodes))
    nodes.extend(extra_nodes)
    edges = []
    for a, b, attrs in sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        edge: dict[str, Any] = {
            "id": f"{a}|{b}",
            "from": str(a),
            "to": str(b),
            "width": float(attrs.get("weight", 1)),
            "tooltip": edge_label(attrs),
        }
        if strong is not None and not (a in strong and b in strong):
            edge["color"] = {"color": "#E3E3E3"}
        edges.append(edge)
    edges.extend(extra_edges)
    if colour_by == "community" and community_of is not None:
        for c in sorted(used_communities):
            if 0 < c <= len(COMMUNITY_COLOURS):
                legend.append(
                    {
                        "label": community_label(c),
                        "colour": COMMUNITY_COLOURS[c - 1],
                        "count": used_communities[c],
                    }
                )
        rest = sum(n for c, n in used_communities.items() if not 0 < c <= len(COMMUNITY_COLOURS))
        if rest:
            legend.append({"label": other_label, "colour": OTHER_COLOUR, "count": rest})
    else:
        for kind in KIND_COLOURS:
            if kind in used_kinds:
                legend.append(
                    {
                        "label": kind_label(kind),
                        "colour": KIND_COLOURS[kind],
                        "count": used_kinds[kind],
                        "kind": kind,
                    }
                )
    return NetworkView(nodes, edges, legend, vis_options(len(nodes)), {"node_url": node_url})


def _cull_names(
    g: nx.Graph,
    nodes: list[dict[str, Any]],
    strong: set[Hashable] | None,
    above: set[str],
    extra: list[dict[str, Any]],
) -> None:
    """Give the names that fit :data:`viz.labels.FONT`, the rest :data:`HIDDEN_FONT`:
    emphasised nodes first, then the best connected (:func:`viz.layout.name_order`), then
    the extra nodes' (e.g. the council's people). An extra node drawn as a box (a body)
    has its name inside: it is always drawn and takes its room first."""
    from viz.layout import name_order

    index = {n["id"]: i for i, n in enumerate(nodes)}
    first = {str(v) for v in strong} if strong is not None else None
    ranked = sorted(
        (index[str(v)] for v in name_order(g)),
        key=lambda i: first is not None and nodes[i]["id"] not in first,
    )[:CULL_LIMIT]
    if len(nodes) > LARGE:
        # thousands of overlapping names are unreadable and slow to draw: the emphasised
        # and the best connected are named (without the costly test for room); every node
        # keeps its name in the tooltip, the panel and the search
        keep = set(ranked[: max(60, len(nodes) // 25)])
        for i, n in enumerate(nodes):
            if i not in keep and (first is None or n["id"] not in first):
                n["label"] = ""
        return
    prints = [footprint(n["label"], n["size"], above=n["id"] in above) for n in nodes]
    boxes, others = [], []
    for n in extra:
        if n.get("shape") == "box":  # the name is the box: room for it, a dot that big
            w, h = label_box(str(n.get("label", "")), n.get("font", {}).get("size", FONT))
            prints.append(Footprint(0.0, w + 12, h + 12, inside=True))
            boxes.append(len(prints) - 1)
        else:
            prints.append(footprint(str(n.get("label", "")), float(n.get("size", MIN_SIZE))))
            others.append(len(prints) - 1)
    everyone = nodes + extra
    # in a view that fades all but some nodes, a name may lie over a faded dot
    solid = None if first is None else [n["id"] in first for n in nodes] + [True] * len(extra)
    shown = cull([(n["x"], n["y"]) for n in everyone], prints, [*ranked, *others], solid=solid)
    for i in boxes:
        shown[i] = True
    for n, fp, ok in zip(everyone, prints, shown, strict=True):
        if fp.above:
            n["font"] = {**n.get("font", {}), "vadjust": round(fp.vadjust, 1)}
        if not ok:
            n["font"] = {**n.get("font", {}), "size": HIDDEN_FONT}


def vis_options(n: int) -> dict[str, Any]:
    """vis-network options: positions come from the server, so physics stays off."""
    large = n > LARGE
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 42},
        "interaction": {
            "hover": not large,
            "tooltipDelay": 200,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": True,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "navigationButtons": False,
        },
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            # a white halo keeps a name readable where ties run behind it
            "font": {
                "size": 14,
                "face": "sans-serif",
                "color": "#1A1A1A",
                "strokeWidth": 3,
                "strokeColor": "#FFFFFF",
            },
            # a label is drawn once it would be drawThreshold - 1 pixels high: the names
            # without room at first sight (HIDDEN_FONT) appear when zooming in
            "scaling": {"label": {"drawThreshold": DRAW_THRESHOLD}},
        },
        "edges": {
            "smooth": False,
            "color": {"color": "#8C99A6", "highlight": "#1F4E79", "hover": "#1F4E79"},
            "selectionWidth": 2,
        },
    }


def to_pyvis(view: NetworkView, *, height: str = "100vh", heading: str = "") -> Any:
    """The view as a pyvis ``Network`` (nodes, edges and options filled in).

    pyvis's ``add_node``/``add_edge`` look through every node and edge already added for a
    duplicate (quadratic: seconds at a few thousand nodes), so the view's lists, which are
    free of duplicates by construction, are handed over as they are.
    """
    from pyvis.network import Network

    net = Network(height=height, width="100%", heading=heading, cdn_resources="local")
    net.nodes = [dict(n) for n in view.nodes]
    net.edges = [dict(e) for e in view.edges]
    net.node_ids = [n["id"] for n in view.nodes]
    net.node_map = {n["id"]: n for n in net.nodes}
    net.options = dict(view.options)
    return net


def render_standalone(
    view: NetworkView,
    *,
    title: str,
    scripts: Sequence[str],
    stylesheet: str,
    strings: Mapping[str, str],
    lang: str = "de",
) -> str:
    """A single offline HTML file of the view, rendered by pyvis with our template.

    Args:
        view: the view.
        title: the document's title (text).
        scripts: JavaScript sources inlined in order (vis-network, then the viewer).
        stylesheet: CSS inlined into the page.
        strings: the viewer's interface texts in the reader's language.
        lang: the document's language.
    """
    net = to_pyvis(view, heading=title)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.globals.update(
        title=title,
        lang=lang,
        # inlined sources: a closing script tag inside them would end the element early
        scripts=[Markup(s.replace("</script", "<\\/script")) for s in scripts],
        stylesheet=Markup(stylesheet.replace("</style", "<\\/style")),
        view_json=Markup(script_json({**view.data(), "strings": dict(strings)})),
        legend=view.legend,
    )
    net.templateEnv = env
    net.path = "standalone.html"
    return str(net.generate_html(name="standalone.html"))
