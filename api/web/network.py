"""``/netzwerk``: the interactive network view, its table, downloads and saved positions.

The route reads the view's parameters, asks the analysis service for the graph and the
results, the layout store for positions, and :mod:`viz.network_view` for the drawing data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from api.security import Forbidden, Role, User
from api.services.analysis import MISSING_LIMIT, AnalysisService, analysis_of, whole
from api.services.layouts import layouts  # moved to the service layer
from api.web import lookups
from api.web.i18n import N_
from api.web.labels import choices_for
from api.web.render import WebRoute, gettext_for, page_user, render
from api.web.session import CSRF_HEADER, check_csrf
from graph_schema import clock
from graph_schema.model import NodeLabel, RelType
from graph_schema.vocab import BodyKind, label_for
from viz.aggregate import (
    OTHERS,
    build_group_view,
    group_graph,
    group_layout,
    merge_small_groups,
)
from viz.layout import add_nodes, ego_layout, names_above
from viz.network_view import (
    COMMUNITY_COLOURS,
    OTHER_COLOUR,
    NetworkView,
    build_view,
    render_standalone,
    script_json,
)

__all__ = ["GROUP_ABOVE", "WARM_ABOVE", "ViewParams", "router", "start_warm_up", "warm_up"]

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]

STATIC = Path(__file__).resolve().parent.parent / "static"
VIEWS = ("netz", "ego", "projektrat", "luecken")
COLOURS = ("art", "gemeinschaft")
METRICS: dict[str, str] = {
    "keine": N_("gleich groß"),
    "grad": N_("Anzahl Kooperationen (Grad)"),
    "zwischen": N_("Vermittlung (Betweenness)"),
    "pagerank": N_("PageRank"),
    "eigenvektor": N_("Eigenvektor-Zentralität"),
}
MAX_GAP_EDGES = 150
#: above this many organisations the map opens grouped (by area, or by community when
#: coloured by community) unless a filter narrows it or the whole map is asked for.
#: Measured (benchmarks/bench_web.py): 5,000 organisations are built in 0.07 s (0.7 s the
#: first time, with the layout) and interactive in Chromium in 1.3 s; 30,000 would take
#: many seconds and show a grey disc, grouped they are interactive in 0.2 s
GROUP_ABOVE = 5000
#: above this many organisations the view, its layout and the start page's figures are
#: prepared in the background at start and after changes (:func:`start_warm_up`)
WARM_ABOVE = 1000
#: ``gebiet`` value of the organisations without any area
NO_AREA = "-"
#: groups drawn by name; the smaller ones are drawn as one circle (and listed in the table)
MAX_GROUPS = 40
AREA_COLOUR = "#5B8DB8"


@dataclass(frozen=True)
class ViewParams:
    ansicht: str = "netz"
    farbe: str = "art"
    groesse: str = "grad"
    art: str = ""
    gebiet: str = ""
    feld: str = ""
    kooperation: str = ""
    stichtag: dt.date | None = None
    fokus: tuple[str, ...] = ()
    schritte: int = 1
    gemeinschaft: int | None = None
    direkt: bool = False
    alle: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def day(self) -> dt.date:
        return self.stichtag or clock.today()

    def query(self) -> list[tuple[str, str]]:
        out = [
            ("ansicht", self.ansicht),
            ("farbe", self.farbe),
            ("groesse", self.groesse),
            ("art", self.art),
            ("gebiet", self.gebiet),
            ("feld", self.feld),
            ("kooperation", self.kooperation),
            ("stichtag", self.stichtag.isoformat() if self.stichtag else ""),
            ("schritte", str(self.schritte)),
            ("gemeinschaft", str(self.gemeinschaft) if self.gemeinschaft is not None else ""),
            ("direkt", "1" if self.direkt else ""),
            ("alle", "1" if self.alle else ""),
        ]
        out += [("fokus", f) for f in self.fokus]
        return [(k, v) for k, v in out if v]


def view_params(
    ansicht: Annotated[str, Query(max_length=20)] = "netz",
    farbe: Annotated[str, Query(max_length=20)] = "art",
    groesse: Annotated[str, Query(max_length=20)] = "grad",
    art: Annotated[str, Query(max_length=60)] = "",
    gebiet: Annotated[str, Query(max_length=100)] = "",
    feld: Annotated[str, Query(max_length=100)] = "",
    kooperation: Annotated[str, Query(max_length=60)] = "",
    stichtag: Annotated[dt.date | None, Query()] = None,
    fokus: Annotated[list[str] | None, Query(max_length=20)] = None,
    schritte: Annotated[int, Query(ge=1, le=2)] = 1,
    gemeinschaft: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    direkt: Annotated[bool, Query()] = False,
    alle: Annotated[bool, Query()] = False,
) -> ViewParams:
    return ViewParams(
        ansicht=ansicht if ansicht in VIEWS else "netz",
        farbe=farbe if farbe in COLOURS else "art",
        groesse=groesse if groesse in METRICS else "grad",
        art=art.strip(),
        gebiet=gebiet.strip(),
        feld=feld.strip(),
        kooperation=kooperation.strip(),
        stichtag=stichtag,
        fokus=tuple(f.strip()[:100] for f in (fokus or []) if f.strip())[:20],
        schritte=schritte,
        gemeinschaft=gemeinschaft,
        direkt=direkt,
        alle=alle,
    )


Params = Annotated[ViewParams, Depends(view_params)]


# --------------------------------------------------------------------------- building


def _filtered(request: Request, cache: AnalysisService, p: ViewParams) -> nx.Graph:
    g = cache.graph(whole(p.day))
    if not (p.art or p.gebiet or p.feld or p.kooperation or p.gemeinschaft is not None):
        return g
    areas: set[str] | None = None
    if p.gebiet and p.gebiet != NO_AREA:
        areas = {p.gebiet} if p.direkt else set(request.app.state.store.area_with_parts(p.gebiet))
    community = cache.community_of(whole(p.day)) if p.gemeinschaft is not None else {}

    def in_community(v: str) -> bool:
        c = community.get(v, 0)
        # 0 stands for every community too small to be drawn on its own when grouped
        return c == p.gemeinschaft or (p.gemeinschaft == 0 and c > MAX_GROUPS)

    keep = [
        v
        for v, a in g.nodes(data=True)
        if (not p.art or a.get("kind") == p.art)
        and (areas is None or areas & set(a.get("areas", ())))
        and (p.gebiet != NO_AREA or not a.get("areas"))
        and (not p.feld or p.feld in a.get("fields", ()))
        and (p.gemeinschaft is None or in_community(v))
    ]
    sub = g.subgraph(keep).copy()
    if p.kooperation:
        sub.remove_edges_from(
            [(a, b) for a, b, k in sub.edges(data="kinds") if p.kooperation not in (k or ())]
        )
    return sub


def _metric(g: nx.Graph, name: str) -> dict[Any, float | None] | None:
    from network.actors import betweenness, eigenvector, pagerank

    if name == "keine" or g.number_of_nodes() == 0:
        return None
    if name == "grad":
        return {v: float(d) for v, d in g.degree()}
    if name == "zwischen":
        k = 256 if g.number_of_nodes() > 5000 else None
        return dict(betweenness(g, k=k))
    if name == "pagerank":
        return dict(pagerank(g, "weight"))
    return dict(eigenvector(g, "weight"))


def _council(cache: AnalysisService, day: dt.date) -> dict[str, Any] | None:
    """The project council: its body, member organisations and seated people."""
    snap = cache.council_snapshot(whole(day))
    body = next(
        (
            b
            for b in sorted(snap.nodes_with(NodeLabel.BODY), key=lambda b: b.id)
            if getattr(b, "kind", None) == BodyKind.PROJECT_COUNCIL
        ),
        None,
    )
    if body is None:
        return None
    seats = [t for t in snap.ties_of(RelType.MEMBER_OF) if t.to_id == body.id]
    names = {n.id: n.display_name for n in snap.nodes}
    labels = {n.id: n.label for n in snap.nodes}
    represents: dict[str, list[str]] = {}
    for t in snap.ties_of(RelType.REPRESENTS):
        represents.setdefault(t.from_id, []).append(t.to_id)
    orgs: set[str] = set()
    people = []
    for t in seats:
        role = str(getattr(t, "role", "member"))
        if labels.get(t.from_id) == NodeLabel.ORGANISATION:
            orgs.add(t.from_id)
        elif labels.get(t.from_id) == NodeLabel.PERSON:
            reps = represents.get(t.from_id, [])
            orgs.update(reps)
            people.append({"id": t.from_id, "name": names[t.from_id], "role": role, "orgs": reps})
    return {
        "body": body,
        "organisations": orgs,
        "people": people,
        "direct": {t.from_id: str(getattr(t, "role", "member")) for t in seats},
    }


@dataclass
class Grouping:
    """How a large network is grouped: by ``gebiet`` (the areas one level below ``root``)
    or by ``gemeinschaft``; each organisation's groups, and the groups' names and links."""

    mode: str
    root: str | None
    groups_of: dict[str, list[str]]
    names: dict[str, str]
    urls: dict[str, str]
    colours: dict[str, str]
    #: members of every group, also of those merged into "others" in the picture
    all_counts: Counter[str]


def _area_tree(
    request: Request, cache: AnalysisService, day: dt.date
) -> tuple[dict[str, str], dict[str, list[str]], dict[str, str]]:
    """Each area's parent (PART_OF), each area's children and every area's name."""

    def compute() -> tuple[dict[str, str], dict[str, list[str]], dict[str, str]]:
        snap = cache.graph_snapshot(whole(day))
        names = {a.id: a.display_name for a in snap.nodes_with(NodeLabel.AREA)}
        parent = {
            t.from_id: t.to_id
            for t in request.app.state.store.list_ties(RelType.PART_OF, as_of=day)
            if t.from_id in names and t.to_id in names and t.from_id != t.to_id
        }
        children: dict[str, list[str]] = {}
        for child, above in sorted(parent.items()):
            children.setdefault(above, []).append(child)
        return parent, children, names

    return cache.remember(("area_tree", day), compute)


def _link(p: ViewParams, **changes: Any) -> str:
    """The network view's address with ``p`` changed (and never asking for the whole map)."""
    from urllib.parse import urlencode

    base = {"alle": False, "fokus": (), "ansicht": "netz", **changes}
    q = ViewParams(**{**{f: getattr(p, f) for f in _FIELDS}, **base}).query()
    return "/netzwerk?" + urlencode(q)


_FIELDS = (
    "ansicht farbe groesse art gebiet feld kooperation stichtag fokus schritte gemeinschaft "
    "direkt alle"
).split()


def _grouping(
    request: Request, cache: AnalysisService, g: nx.Graph, p: ViewParams, lang: str
) -> Grouping | None:
    """How to group the view of ``g``, or None to draw every organisation."""
    if (
        g.number_of_nodes() <= GROUP_ABOVE
        or p.alle
        or p.ansicht != "netz"
        or p.fokus
        or p.direkt
        or p.gemeinschaft is not None
        or p.gebiet == NO_AREA
    ):
        return None
    if p.farbe == "gemeinschaft":
        return _community_grouping(cache, g, p, lang)
    return _area_grouping(request, cache, g, p, lang)


def _community_grouping(cache: AnalysisService, g: nx.Graph, p: ViewParams, lang: str) -> Grouping:
    """One group per community, the smallest ones merged into one."""
    _ = gettext_for(lang)
    community = cache.community_of(whole(p.day))
    top = len(COMMUNITY_COLOURS)
    shown, counts = merge_small_groups({v: [str(community.get(v, 0))] for v in g}, MAX_GROUPS)
    keys = {k for ks in shown.values() for k in ks}
    names = {k: _("Gruppe %(n)s") % {"n": k} for k in keys if k != OTHERS}
    urls = {k: _link(p, gemeinschaft=int(k), gebiet=p.gebiet) for k in keys if k != OTHERS}
    colours = {
        k: COMMUNITY_COLOURS[int(k) - 1] if k != OTHERS and 0 < int(k) <= top else OTHER_COLOUR
        for k in keys
    }
    if OTHERS in keys:
        names[OTHERS] = _("%(n)s kleinere Gruppen") % {"n": _n(len(counts) - MAX_GROUPS, lang)}
        urls[OTHERS] = _link(p, gemeinschaft=0, gebiet=p.gebiet)
    for k in counts:
        names.setdefault(k, _("Gruppe %(n)s") % {"n": k})
        urls.setdefault(k, _link(p, gemeinschaft=int(k), gebiet=p.gebiet))
    return Grouping("gemeinschaft", None, shown, names, urls, colours, counts)


def _area_grouping(
    request: Request, cache: AnalysisService, g: nx.Graph, p: ViewParams, lang: str
) -> Grouping | None:
    """One group per area one level below the chosen one (or the top), None without any."""
    _ = gettext_for(lang)
    parent, children, area_names = _area_tree(request, cache, p.day)
    root: str | None
    if p.gebiet:
        root, level = p.gebiet, children.get(p.gebiet, [])
    else:
        roots = sorted(a for a in area_names if a not in parent)
        root = roots[0] if len(roots) == 1 else None
        level = children.get(roots[0], []) if root else roots
    if not level:
        return None
    at_level = set(level)
    top_of: dict[str, str | None] = {}

    def group_of(area: str) -> str | None:
        if area not in top_of:
            seen, a = set(), area
            while a not in at_level and a != root and a in parent and a not in seen:
                seen.add(a)
                a = parent[a]
            top_of[area] = a if a in at_level else ("=" + a if a == root else None)
        return top_of[area]

    groups_of = {}
    for v, areas in g.nodes(data="areas"):
        found = [k for k in (group_of(a) for a in areas or ()) if k is not None]
        groups_of[v] = sorted(set(found)) if found else ([] if areas else [NO_AREA])
    keys = {k for ks in groups_of.values() for k in ks}
    names, urls = {}, {}
    shown, all_counts = merge_small_groups(groups_of, MAX_GROUPS)
    if len(keys) > MAX_GROUPS:
        rest = len(keys) - MAX_GROUPS
        names[OTHERS] = _("%(n)s weitere Gebiete") % {"n": _n(rest, lang)}
        urls[OTHERS] = "/netzwerk/tabelle?" + _link(p).split("?", 1)[1]
        keys.add(OTHERS)
    for k in keys - {OTHERS}:
        if k == NO_AREA:
            names[k], urls[k] = _("ohne Gebiet"), _link(p, gebiet=NO_AREA)
        elif k.startswith("="):
            names[k] = _("%(name)s (gesamtes Gebiet)") % {"name": area_names.get(k[1:], k[1:])}
            urls[k] = _link(p, gebiet=k[1:], direkt=True)
        else:
            names[k], urls[k] = area_names.get(k, k), _link(p, gebiet=k)
    colours = dict.fromkeys(keys, AREA_COLOUR)
    if OTHERS in keys:
        colours[OTHERS] = OTHER_COLOUR
    return Grouping("gebiet", root, shown, names, urls, colours, all_counts)


def _build_grouped(
    request: Request,
    lang: str,
    p: ViewParams,
    g: nx.Graph,
    grouping: Grouping,
    started: float,
) -> tuple[NetworkView, dict[str, Any]]:
    _ = gettext_for(lang)
    # the same grouping of the same graph (store version, parameters) is counted once
    h = analysis_of(request.app).remember(
        ("group_graph", p, p.day, lang), lambda: group_graph(g, grouping.groups_of)
    )
    key = f"groups|{grouping.mode}|{grouping.root or ''}"
    laid = time.perf_counter()
    positions = analysis_of(request.app).remember(
        ("group_layout", p, p.day, lang), lambda: group_layout(h)
    )
    layout_info = {"source": "computed", "seconds": round(time.perf_counter() - laid, 3)}
    view = build_group_view(
        h,
        positions,
        name_of=lambda k: grouping.names[str(k)],
        url_of=lambda k: grouping.urls[str(k)],
        colour_of=lambda k: grouping.colours[str(k)],
        count_label=lambda n: _("%(n)s Organisationen") % {"n": _n(n, lang)},
        internal_label=lambda n: _("%(n)s Kooperationen innerhalb") % {"n": _n(n, lang)},
        edge_label=lambda a, b, n: (
            _("%(n)s Kooperationen zwischen %(a)s und %(b)s") % {"n": _n(n, lang), "a": a, "b": b}
        ),
        open_label=_("Klicken öffnet das Netzwerk dieser Gruppe."),
        lang=lang,
        max_edges=max(60, 3 * h.number_of_nodes()),
    )
    if grouping.mode == "gebiet":
        areas = sum(1 for k in h if k != OTHERS)
        view.legend = [{"label": _("Gebiet"), "colour": AREA_COLOUR, "count": areas}]
        if OTHERS in h:
            view.legend.append(
                {
                    "label": _("kleinere Gebiete, zusammen"),
                    "colour": OTHER_COLOUR,
                    "count": len(grouping.all_counts) - areas,
                }
            )
    else:
        view.legend = [
            {"label": grouping.names[str(k)], "colour": grouping.colours[str(k)], "count": n}
            for k, n in sorted(
                h.nodes(data="members"), key=lambda e: int(e[0]) if e[0] != OTHERS else 10**9
            )
            if k == OTHERS or int(k) <= len(COMMUNITY_COLOURS)
        ]
    view.meta.update(
        {
            "focus": [],
            "layout_key": key,
            "png_name": f"netzwerk-gruppen-{p.day.isoformat()}.png",
            "grouped": True,
        }
    )
    info = {
        "center": None,
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "groups": h.number_of_nodes(),
        "group_ties": h.number_of_edges(),
        "edges_left_out": view.meta.get("edges_left_out", 0),
        "grouping": grouping,
        "group_graph": h,
        "layout": layout_info,
        "server_ms": round((time.perf_counter() - started) * 1000),
        "key": key,
        "graph": g,
        "metric": None,
        "communities": None,
        "gap_edges": [],
        "full_url": _link(p, alle=True, fokus=p.fokus),
    }
    return view, info


def _n(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "de" else text


def build(request: Request, user: User, p: ViewParams) -> tuple[NetworkView, dict[str, Any]]:
    """The view for the parameters, and facts about it (sizes, timings, layout source)."""
    started = time.perf_counter()
    lang = user.language
    _ = gettext_for(lang)
    cache = analysis_of(request.app)
    g = _filtered(request, cache, p)
    grouping = cache.remember(
        ("grouping", p, p.day, lang), lambda: _grouping(request, cache, g, p, lang)
    )
    if grouping is not None:
        return _build_grouped(request, lang, p, g, grouping, started)
    info: dict[str, Any] = {"center": None, "grouping": None}
    g = _narrowed(cache, g, p, lang, info)
    today = clock.today()
    layout_store = layouts(request)
    extra_nodes: list[dict[str, Any]] = []
    extra_edges: list[dict[str, Any]] = []
    highlight: set[str] | None = None
    highlight_label = ""
    above: set[Any] = set()
    focus = [f for f in p.fokus if f in g]

    if p.ansicht == "ego" and focus:
        center = focus[0]
        g = nx.ego_graph(g, center, radius=p.schritte)
        key = f"ego|{center}|{p.schritte}"
        positions, layout_info = layout_store.positions_for(
            key, g, compute=lambda h: ego_layout(h, center)
        )
        above = names_above(positions, center)
        highlight, highlight_label = {center}, _("Mittelpunkt")
        info["center"] = center
    elif p.ansicht == "projektrat":
        council = _council(cache, p.day)
        if council is None or not council["direct"]:
            # nothing to show: the network without a council is not the council's view
            info["notice"] = (
                _(
                    "Es ist kein Projektrat erfasst: unter Gremien ein Gremium der Art "
                    "„Projektrat“ anlegen und seine Mitglieder eintragen."
                )
                if council is None
                else _(
                    "%(name)s hat noch keine Mitglieder: beim Gremium unter Gremien "
                    "Mitglieder eintragen."
                )
                % {"name": council["body"].display_name}
            )
            council = None
            g = g.subgraph(()).copy()
        positions, layout_info = _base_positions(request, cache, g, today)
        if council is not None:
            highlight = {o for o in council["organisations"] if o in g}
            highlight_label = _("im Projektrat vertreten")
            extra_nodes, extra_edges = _council_marks(council, highlight, g, positions, lang)
        key = "cooperation"
    else:
        positions, layout_info = _base_positions(request, cache, g, today)
        key = "cooperation"
        if p.ansicht == "luecken":
            highlight, extra_edges = _gap_marks(cache, g, p, lang)
            highlight_label = _("Vorschlag: fehlende Kooperation")
    metric = _metric(g, p.groesse)
    communities: Mapping[Any, int] | None = (
        cache.community_of(whole(p.day)) if p.farbe == "gemeinschaft" else None
    )

    def edge_label(attrs: Mapping[str, Any]) -> list[str]:
        lines = [_("Kooperation")]
        kinds = [label_for(k, lang) for k in attrs.get("kinds", ())]
        if kinds:
            lines.append(", ".join(kinds))
        lines.append(_("Intensität: %(n)s") % {"n": attrs.get("weight", 1)})
        return lines

    view = build_view(
        g,
        positions,
        kind_label=lambda k: label_for(k, lang),
        colour_by="community" if p.farbe == "gemeinschaft" else "kind",
        community_of=communities,
        community_label=lambda c: _("Gruppe %(n)s") % {"n": c},
        metric=metric,
        metric_label=_(METRICS[p.groesse]),
        edge_label=edge_label,
        highlight=highlight,
        highlight_label=highlight_label,
        extra_nodes=extra_nodes,
        extra_edges=extra_edges,
        lang=lang,
        other_label=_("kleinere Gruppen"),
        names_above=above,
    )
    view.meta.update(
        {
            "focus": focus,
            "layout_key": key,
            "png_name": f"netzwerk-{p.day.isoformat()}.png",
            "ego_url": "/netzwerk?ansicht=ego&schritte=1&fokus=",
        }
    )
    info.update(
        {
            "nodes": g.number_of_nodes(),
            "edges": g.number_of_edges(),
            "layout": layout_info,
            "server_ms": round((time.perf_counter() - started) * 1000),
            "key": key,
            "graph": g,
            "metric": metric,
            "communities": communities,
            "gap_edges": [e for e in extra_edges if str(e["id"]).startswith("gap|")],
        }
    )
    return view, info


def _narrowed(
    cache: AnalysisService, g: nx.Graph, p: ViewParams, lang: str, info: dict[str, Any]
) -> nx.Graph:
    """A large map narrowed to what the view is about and their direct partners (noted in
    ``info``), else ``g`` itself."""
    _ = gettext_for(lang)
    if p.ansicht == "netz" and p.fokus and not p.alle and g.number_of_nodes() > GROUP_ABOVE:
        # a large map with organisations to focus on: they and their direct partners
        near = {f for f in p.fokus if f in g}
        near |= {u for f in list(near) for u in g.neighbors(f)}
        if near:
            info["narrowed"] = True
            info["full_url"] = _link(p, alle=True, fokus=p.fokus)
            return g.subgraph(near).copy()
        return g
    if p.ansicht in ("projektrat", "luecken") and not p.alle and len(g) > GROUP_ABOVE:
        # the council and gap views of a large map: the organisations they are about and
        # their direct partners (30,000 organisations at once would be a hairball)
        if p.ansicht == "projektrat":
            council = _council(cache, p.day)
            core = {o for o in council["organisations"] if o in g} if council else set()
            info["narrowed_text"] = _(
                "Gezeigt werden die im Projektrat vertretenen Organisationen und ihre "
                "direkten Partner."
            )
        else:
            rows = [
                r
                for r in cache.gaps(whole(p.day), MISSING_LIMIT)["missing_cooperations"]
                if r["a"] in g and r["b"] in g
            ]
            core = {v for r in rows[:MAX_GAP_EDGES] for v in (r["a"], r["b"])}
            info["narrowed_text"] = _(
                "Gezeigt werden die Organisationen der vorgeschlagenen Kooperationen und "
                "ihre direkten Partner."
            )
        near = core | {u for v in core for u in g.neighbors(v)}
        info["narrowed"] = True
        info["full_url"] = _link(p, alle=True, ansicht=p.ansicht)
        return g.subgraph(near).copy()  # nothing to show: an empty map with the hint
    return g


def _council_marks(
    council: dict[str, Any],
    seated: set[str],
    g: nx.Graph,
    positions: Mapping[Any, tuple[float, float]],
    lang: str,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The council drawn over the map: its body amid the ``seated`` organisations, the
    people on it beside the organisations they represent, and their seats (nodes, edges)."""
    _ = gettext_for(lang)
    extra_nodes: list[dict[str, Any]] = []
    extra_edges: list[dict[str, Any]] = []
    body = council["body"]
    members = [o for o in seated]
    bx = sum(positions[o][0] for o in members) / len(members) if members else 0.0
    by = sum(positions[o][1] for o in members) / len(members) if members else 0.0
    extra_nodes.append(
        {
            "id": body.id,
            "label": body.display_name,
            "x": bx,
            "y": by,
            "shape": "box",
            "color": {"background": "#FFF4C2", "border": "#000000"},
            "font": {"size": 18},
            "tooltip": [body.display_name, label_for("project_council", lang)],
            "url": f"/gremien/{body.id}",
        }
    )
    for org, role in council["direct"].items():
        if org in g:
            extra_edges.append(
                {
                    "id": f"seat|{org}",
                    "from": org,
                    "to": body.id,
                    "color": {"color": "#B8860B"},
                    "width": 2,
                    "tooltip": [_("Sitz im Projektrat"), label_for(role, lang)],
                }
            )
    for i, person in enumerate(council["people"]):
        orgs = [o for o in person["orgs"] if o in g]
        anchor = positions[orgs[0]] if orgs else (bx, by)
        angle = 2 * math.pi * i / max(1, len(council["people"]))
        pid = person["id"]
        extra_nodes.append(
            {
                "id": pid,
                "label": person["name"],
                "x": round(anchor[0] + 40 * math.cos(angle), 1),
                "y": round(anchor[1] + 40 * math.sin(angle), 1),
                "shape": "diamond",
                "size": 9,
                "color": {"background": "#FFD54F", "border": "#000000"},
                "tooltip": [person["name"], label_for(person["role"], lang)],
                "url": f"/personen/{pid}",
            }
        )
        extra_edges.append(
            {
                "id": f"seat|{pid}",
                "from": pid,
                "to": body.id,
                "color": {"color": "#B8860B"},
                "width": 2,
                "tooltip": [_("Sitz im Projektrat"), label_for(person["role"], lang)],
            }
        )
        for org in orgs:
            extra_edges.append(
                {
                    "id": f"rep|{pid}|{org}",
                    "from": pid,
                    "to": org,
                    "dashes": [2, 4],
                    "color": {"color": "#B8860B"},
                    "tooltip": [_("vertritt")],
                }
            )
    return extra_nodes, extra_edges


def _gap_marks(
    cache: AnalysisService, g: nx.Graph, p: ViewParams, lang: str
) -> tuple[set[str], list[dict[str, Any]]]:
    """The suggested cooperations between organisations on the map: their ends and the
    dashed edges drawn for them."""
    _ = gettext_for(lang)
    suggested = [
        row
        for row in cache.gaps(whole(p.day), MISSING_LIMIT)["missing_cooperations"]
        if row["a"] in g and row["b"] in g
    ][:MAX_GAP_EDGES]
    highlight = {r["a"] for r in suggested} | {r["b"] for r in suggested}
    extra_edges = []
    for row in suggested:
        extra_edges.append(
            {
                "id": f"gap|{row['a']}|{row['b']}",
                "from": row["a"],
                "to": row["b"],
                "dashes": [8, 6],
                "width": 2,
                "color": {"color": "#E4572E", "highlight": "#E4572E"},
                "tooltip": [_("Vorschlag: fehlende Kooperation"), row["reason"].get(lang, "")],
            }
        )
    return highlight, extra_edges


def _base_positions(
    request: Request, cache: AnalysisService, g: nx.Graph, today: dt.date
) -> tuple[dict[Any, tuple[float, float]], dict[str, Any]]:
    """Positions from the one layout of today's whole network, so that filtered views and
    earlier dates show every organisation where it always is."""
    base = cache.graph(whole(today))
    positions, info = layouts(request).positions_for("cooperation", base)
    missing = [v for v in g if v not in positions]
    if missing:
        positions = {
            **positions,
            **add_nodes(g, {v: positions[v] for v in g if v in positions}),
        }
    return positions, info


def _strings(lang: str) -> dict[str, str]:
    _ = gettext_for(lang)
    return {
        "details": _("Details öffnen"),
        "ego": _("Ego-Netzwerk"),
        "close": _("Schließen"),
        "found": _("Gefunden"),
        "not_found": _("Nichts gefunden"),
        "ready": _("Bereit"),
        "saved": _("Positionen gespeichert"),
        "save_failed": _("Positionen nicht gespeichert"),
        "open_group": _("Netzwerk dieser Gruppe öffnen"),
        "opening": _("Öffne"),
    }


def _years(cache: AnalysisService) -> tuple[int, int]:
    today = clock.today()
    snap = cache.graph_snapshot(whole(today))
    first = min(
        (t.since.year for t in snap.ties if t.since is not None),
        default=today.year - 10,
    )
    return max(first, today.year - 50), today.year


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class PageParts:
    """What a network page shows that does not depend on its reader: the view's data as
    the page carries it (JSON without ``meta``), its meta, legend and facts (``info``)."""

    data_json: str
    meta: dict[str, Any]
    legend: list[dict[str, Any]]
    info: dict[str, Any]


def _layouts_stamp(request: Request) -> tuple[int, int]:
    """How many layouts are stored and when the last was written: saved positions change
    the view without changing the store."""
    count, newest = 0, 0
    try:
        with os.scandir(layouts(request).directory) as entries:
            for entry in entries:
                count, newest = count + 1, max(newest, entry.stat().st_mtime_ns)
    except OSError:
        pass
    return count, newest


def page_parts(request: Request, user: User, p: ViewParams) -> PageParts:
    """The view of :func:`build` as the page carries it, built and serialised once per
    store version, parameters, day, language and stored layouts (at 5,000 organisations
    building and writing it takes about 0.15 s of the page's request)."""
    started = time.perf_counter()
    cache = analysis_of(request.app)
    stamp = _layouts_stamp(request)
    key = ("page", p, p.day, user.language, stamp)

    def compute() -> PageParts:
        view, info = build(request, user, p)
        data = view.data()
        meta = data.pop("meta")
        return PageParts(script_json(data), meta, view.legend, info)

    known = cache.is_cached(key)
    parts = cache.remember(key, compute)
    if not known:
        after = _layouts_stamp(request)
        if after != stamp:  # the build stored its layout: the next request asks with this
            cache.remember(("page", p, p.day, user.language, after), lambda: parts)
        return parts
    # built before: this request's own time, and the layout is the stored one by now
    layout = {**parts.info["layout"], "source": "stored", "seconds": 0.0}
    ms = round((time.perf_counter() - started) * 1000)
    return PageParts(
        parts.data_json, parts.meta, parts.legend, {**parts.info, "server_ms": ms, "layout": layout}
    )


@router.get("/netzwerk")
def network_page(request: Request, user: PageUser, p: Params) -> Response:
    parts = page_parts(request, user, p)
    info = parts.info
    can_save = (
        user.role in (Role.ADMIN, Role.EDITOR)
        and p.ansicht != "projektrat"
        and info["grouping"] is None
    )
    from api.web.session import csrf_token

    meta = {
        **parts.meta,
        "can_save": can_save,
        "save_url": "/netzwerk/positionen",
        "csrf": csrf_token(request, user) if can_save else "",
    }
    # the shared part as written once, then this reader's meta and the viewer's texts
    data_json = Markup(
        parts.data_json[:-1]
        + f',"meta":{script_json(meta)},"strings":{script_json(_strings(user.language))}}}'
    )
    store = request.app.state.store
    lang = user.language
    first, last = _years(analysis_of(request.app))
    return render(
        request,
        "network.html",
        {
            "p": p,
            "data_json": data_json,
            "can_save": can_save,
            "info": info,
            "legend": parts.legend,
            "metrics": METRICS,
            "kinds": choices_for(NodeLabel.ORGANISATION, "kind", lang),
            "coop_kinds": choices_for(RelType.COOPERATES_WITH, "kind", lang),
            "areas": lookups.choices(store, NodeLabel.AREA, lang),
            "fields": lookups.choices(store, NodeLabel.FIELD, lang),
            "center_name": (
                info["graph"].nodes[info["center"]].get("name") if info["center"] else None
            ),
            "first_year": first,
            "last_year": last,
            "query_string": "&".join(f"{k}={v}" for k, v in _encoded(p)),
            "scripts": [
                static_url(path)
                for path in (
                    "vendor/vis-network/vis-network.min.js",
                    "js/netview.js",
                    "js/network-page.js",
                )
            ],
        },
    )


def _encoded(p: ViewParams) -> list[tuple[str, str]]:
    from urllib.parse import quote

    return [(k, quote(v, safe="")) for k, v in p.query()]


@router.get("/netzwerk/tabelle")
def network_table(request: Request, user: PageUser, p: Params) -> Response:
    view, info = build(request, user, p)
    if info["grouping"] is not None:
        return _group_table(request, p, view, info)
    g: nx.Graph = info["graph"]
    metric = info["metric"] or {}
    communities = info["communities"] or {}
    lang = user.language
    names = {v: g.nodes[v].get("name") or v for v in g}
    rows = [
        {
            "id": v,
            "name": names[v],
            "kind": g.nodes[v].get("kind"),
            "degree": g.degree(v),
            "metric": metric.get(v),
            "community": communities.get(v),
        }
        for v in sorted(g, key=lambda v: str(names[v]).lower())
    ]
    ties = [
        {
            "a": a,
            "b": b,
            "a_name": names[a],
            "b_name": names[b],
            "kinds": ", ".join(label_for(k, lang) for k in attrs.get("kinds", ())),
            "weight": attrs.get("weight", 1),
            "suggested": False,
            "reason": "",
        }
        for a, b, attrs in g.edges(data=True)
    ]
    _ = gettext_for(lang)
    for e in info["gap_edges"]:
        ties.append(
            {
                "a": e["from"],
                "b": e["to"],
                "a_name": names.get(e["from"], e["from"]),
                "b_name": names.get(e["to"], e["to"]),
                "kinds": _("Vorschlag"),
                "weight": "",
                "suggested": True,
                "reason": e["tooltip"][-1],
            }
        )
    ties.sort(key=lambda t: (str(t["a_name"]).lower(), str(t["b_name"]).lower()))
    return render(
        request,
        "network_table.html",
        {
            "p": p,
            "rows": rows,
            "ties": ties,
            "metric_name": METRICS[p.groesse],
            "has_metric": bool(metric),
            "has_communities": bool(communities),
            "query_string": "&".join(f"{k}={v}" for k, v in _encoded(p)),
        },
    )


def _group_table(
    request: Request, p: ViewParams, view: NetworkView, info: dict[str, Any]
) -> Response:
    """The grouped view as tables: its groups, and the ties between groups as drawn."""
    grouping: Grouping = info["grouping"]
    names = {n["id"]: n["name"] for n in view.nodes if n.get("is_group")}
    h: nx.Graph = info["group_graph"]
    internal = dict(h.nodes(data="internal"))
    # every group, also those drawn together as "others"
    counts = grouping.all_counts or Counter(dict(h.nodes(data="members")))
    rows = [
        {
            "name": grouping.names[str(k)],
            "url": grouping.urls[str(k)],
            "members": n,
            "internal": internal.get(k),
        }
        for k, n in sorted(counts.items(), key=lambda e: (-e[1], grouping.names[str(e[0])]))
        if k != OTHERS
    ]
    ties = [
        {"a": names[e["from"]], "b": names[e["to"]], "ties": e["ties"]}
        for e in view.edges
        if e["from"] in names and e["to"] in names
    ]
    return render(
        request,
        "network_table.html",
        {
            "p": p,
            "grouped": True,
            "info": info,
            "group_rows": rows,
            "group_ties": ties,
            "query_string": "&".join(f"{k}={v}" for k, v in _encoded(p)),
        },
    )


@cache
def _asset(path: str) -> str:
    return (STATIC / path).read_text(encoding="utf-8")


@cache
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:12]


def static_url(path: str) -> str:
    """``/static/<path>`` with its content's digest as the version (``?v=``): the app
    serves versioned static files as cacheable for a year (``api/app.py``), and a changed
    file gets a new address."""
    info = (STATIC / path).stat()
    return f"/static/{path}?v={_digest(path, info.st_mtime_ns, info.st_size)}"


@router.get("/netzwerk/download.html")
def network_download(request: Request, user: PageUser, p: Params) -> Response:
    view, info = build(request, user, p)
    _ = gettext_for(user.language)
    view.meta.update({"standalone": True, "can_save": False})
    title = _("Netzwerkatlas – Netzwerk am %(day)s") % {"day": p.day.strftime("%d.%m.%Y")}
    html = render_standalone(
        view,
        title=title,
        scripts=[_asset("vendor/vis-network/vis-network.min.js"), _asset("js/netview.js")],
        stylesheet=_asset("css/app.css"),
        strings=_strings(user.language),
        lang=user.language,
    )
    name = f"netzwerk-{p.day.isoformat()}.html"
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


MAX_POSITIONS = 100_000


@router.post("/netzwerk/positionen")
async def save_positions(request: Request) -> Response:
    user = await run_in_threadpool(page_user, request)
    check_csrf(request, user, request.headers.get(CSRF_HEADER))
    if user.role not in (Role.ADMIN, Role.EDITOR):
        raise Forbidden("positions")
    try:
        body = json.loads(await request.body())
        key = str(body["key"])
        raw = body["positions"]
        if not isinstance(raw, dict) or len(raw) > MAX_POSITIONS or len(key) > 200:
            raise ValueError
        positions = {}
        for node, xy in raw.items():
            x, y = float(xy[0]), float(xy[1])
            if not (math.isfinite(x) and math.isfinite(y) and abs(x) < 1e7 and abs(y) < 1e7):
                raise ValueError
            positions[str(node)[:100]] = (x, y)
    except (ValueError, KeyError, TypeError, IndexError):
        return JSONResponse({"detail": "invalid positions"}, status_code=422)
    if not (key == "cooperation" or key.startswith("ego|")):
        return JSONResponse({"detail": "unknown layout"}, status_code=422)
    saved = await run_in_threadpool(layouts(request).save_positions, key, positions)
    return JSONResponse({"saved": saved})


def start_warm_up(app: Any) -> None:
    """Warm up (:func:`warm_up`) in a background thread, at start and after changes, when
    the network is large enough for its first view to take noticeably long (the layout of
    5,000 organisations takes 0.7 s, the snapshot of 30,000 about 10 s); small networks are
    built at once anyway."""
    try:
        organisations = int(app.state.store.counts().get(NodeLabel.ORGANISATION.value, 0))
    except Exception:  # noqa: BLE001 - an unreadable store shows its error on the first page
        return
    if organisations > WARM_ABOVE:
        threading.Thread(target=warm_up, args=(app,), name="warm-up", daemon=True).start()
        app.state.store.on_change(lambda: _warm_up_later(app))


#: seconds after the last change before a large network is warmed up again (a burst of
#: edits or an import warms up once, after it)
REWARM_DELAY = 5.0
_rewarm_lock = threading.Lock()


def _warm_up_later(app: Any) -> None:
    """After a change the cached network is gone: build it again in the background, so the
    next visitor of a large network does not wait for the snapshot (about 10 s at 30,000
    organisations)."""
    with _rewarm_lock:
        pending = getattr(app.state, "web_rewarm", None)
        if pending is not None:
            pending.cancel()
        timer = threading.Timer(REWARM_DELAY, warm_up, args=(app,))
        timer.daemon = True
        timer.name = "warm-up-after-change"
        app.state.web_rewarm = timer
        timer.start()


def warm_up(app: Any) -> None:
    """Compute today's network, the default view, the base layout, the communities and the
    start page's figures once, so that the first visitors of a large network do not wait
    for them (run in a thread at start)."""
    from types import SimpleNamespace

    request: Any = SimpleNamespace(app=app)
    user: Any = SimpleNamespace(language="de", role=Role.VIEWER)
    try:
        started = time.perf_counter()
        page_parts(request, user, ViewParams())
        # the positions every filtered view takes its organisations' places from
        cache = analysis_of(request.app)
        today = clock.today()
        _base_positions(request, cache, cache.graph(whole(today)), today)
        cache.community_of(whole(today))  # for the grouping by community
        # the start page's figures and gaps (the same questions as api/web/start.py asks)
        cache.figures(whole(today))
        cache.gaps(whole(today), MISSING_LIMIT)
        import logging

        logging.getLogger(__name__).info(
            "network view warmed up in %.1f s", time.perf_counter() - started
        )
    except Exception:  # noqa: BLE001 - a failed warm-up only means a slower first page
        import logging

        logging.getLogger(__name__).warning("warming up the network view failed", exc_info=True)
