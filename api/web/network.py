"""``/netzwerk``: the interactive network view, its table, downloads and saved positions.

The route reads the view's parameters, asks the cache for the graph and the analysis, the
layout store for positions, and :mod:`viz.network_view` for the drawing data.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.security import Forbidden, Role, User
from api.web import lookups
from api.web.cache import AnalysisCache, analysis_cache
from api.web.i18n import N_
from api.web.labels import choices_for
from api.web.render import WebRoute, gettext_for, page_user, render
from api.web.session import CSRF_HEADER, check_csrf
from graph_schema.model import NodeLabel, RelType
from graph_schema.vocab import BodyKind, label_for
from viz.layout import LayoutStore, place_new_nodes
from viz.network_view import NetworkView, build_view, render_standalone

__all__ = ["ViewParams", "router"]

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
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def day(self) -> dt.date:
        return self.stichtag or dt.date.today()

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
    )


Params = Annotated[ViewParams, Depends(view_params)]


def layouts(request: Request) -> LayoutStore:
    state = request.app.state
    store: LayoutStore | None = getattr(state, "web_layouts", None)
    if store is None:
        store = LayoutStore(Path(state.settings.data_dir) / "layouts")
        state.web_layouts = store
    return store


# --------------------------------------------------------------------------- building


def _filtered(request: Request, cache: AnalysisCache, p: ViewParams) -> nx.Graph:
    g = cache.cooperation_graph(p.day)
    if not (p.art or p.gebiet or p.feld or p.kooperation):
        return g
    areas = set(request.app.state.store.area_with_parts(p.gebiet)) if p.gebiet else None
    keep = [
        v
        for v, a in g.nodes(data=True)
        if (not p.art or a.get("kind") == p.art)
        and (areas is None or areas & set(a.get("areas", ())))
        and (not p.feld or p.feld in a.get("fields", ()))
    ]
    sub = g.subgraph(keep).copy()
    if p.kooperation:
        sub.remove_edges_from(
            [(a, b) for a, b, k in sub.edges(data="kinds") if p.kooperation not in (k or ())]
        )
    return sub


def _metric(g: nx.Graph, name: str) -> dict[Any, float | None] | None:
    from network.actors import betweenness, eigenvector

    if name == "keine" or g.number_of_nodes() == 0:
        return None
    if name == "grad":
        return {v: float(d) for v, d in g.degree()}
    if name == "zwischen":
        k = 256 if g.number_of_nodes() > 5000 else None
        return dict(betweenness(g, k=k))
    if name == "pagerank":
        if g.number_of_edges() == 0:
            return dict.fromkeys(g, 1.0 / g.number_of_nodes())
        return dict(nx.pagerank(g, weight="weight"))
    return dict(eigenvector(g, "weight"))


def _council(cache: AnalysisCache, day: dt.date) -> dict[str, Any] | None:
    """The project council: its body, member organisations and seated people."""
    snap = cache.council_snapshot(day)
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


def build(request: Request, user: User, p: ViewParams) -> tuple[NetworkView, dict[str, Any]]:
    """The view for the parameters, and facts about it (sizes, timings, layout source)."""
    started = time.perf_counter()
    lang = user.language
    _ = gettext_for(lang)
    cache = analysis_cache(request)
    g = _filtered(request, cache, p)
    info: dict[str, Any] = {"center": None}
    today = dt.date.today()
    layout_store = layouts(request)
    extra_nodes: list[dict[str, Any]] = []
    extra_edges: list[dict[str, Any]] = []
    highlight: set[str] | None = None
    highlight_label = ""
    focus = [f for f in p.fokus if f in g]

    if p.ansicht == "ego" and focus:
        center = focus[0]
        g = nx.ego_graph(g, center, radius=p.schritte)
        key = f"ego|{center}|{p.schritte}"
        positions, layout_info = layout_store.positions_for(key, g)
        highlight, highlight_label = {center}, _("Mittelpunkt")
        info["center"] = center
    elif p.ansicht == "projektrat":
        council = _council(cache, p.day)
        positions, layout_info = _base_positions(request, cache, g, today)
        if council is not None:
            highlight = {o for o in council["organisations"] if o in g}
            highlight_label = _("im Projektrat vertreten")
            body = council["body"]
            members = [o for o in highlight]
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
        key = "cooperation"
    else:
        positions, layout_info = _base_positions(request, cache, g, today)
        key = "cooperation"
        if p.ansicht == "luecken":
            suggested = [
                row for row in cache.gaps(p.day)["missing"] if row["a"] in g and row["b"] in g
            ][:MAX_GAP_EDGES]
            highlight = {r["a"] for r in suggested} | {r["b"] for r in suggested}
            highlight_label = _("Vorschlag: fehlende Kooperation")
            for row in suggested:
                extra_edges.append(
                    {
                        "id": f"gap|{row['a']}|{row['b']}",
                        "from": row["a"],
                        "to": row["b"],
                        "dashes": [8, 6],
                        "width": 2,
                        "color": {"color": "#E4572E", "highlight": "#E4572E"},
                        "tooltip": [_("Vorschlag: fehlende Kooperation"), row["reason"][lang]],
                    }
                )
    metric = _metric(g, p.groesse)
    communities: Mapping[Any, int] | None = (
        cache.communities(p.day) if p.farbe == "gemeinschaft" else None
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


def _base_positions(
    request: Request, cache: AnalysisCache, g: nx.Graph, today: dt.date
) -> tuple[dict[Any, tuple[float, float]], dict[str, Any]]:
    """Positions from the one layout of today's whole network, so that filtered views and
    earlier dates show every organisation where it always is."""
    base = cache.cooperation_graph(today)
    positions, info = layouts(request).positions_for("cooperation", base)
    missing = [v for v in g if v not in positions]
    if missing:
        positions = {
            **positions,
            **place_new_nodes(g, {v: positions[v] for v in g if v in positions}),
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
    }


def _years(cache: AnalysisCache) -> tuple[int, int]:
    today = dt.date.today()
    snap = cache.graph_snapshot(today)
    first = min(
        (t.since.year for t in snap.ties if t.since is not None),
        default=today.year - 10,
    )
    return max(first, today.year - 50), today.year


# --------------------------------------------------------------------------- pages


@router.get("/netzwerk")
def network_page(request: Request, user: PageUser, p: Params) -> Response:
    view, info = build(request, user, p)
    can_save = user.role in (Role.ADMIN, Role.EDITOR) and p.ansicht != "projektrat"
    view.meta.update(
        {
            "can_save": can_save,
            "save_url": "/netzwerk/positionen",
            "csrf": "",
        }
    )
    from api.web.session import csrf_token

    if can_save:
        view.meta["csrf"] = csrf_token(request, user)
    data = {**view.data(), "strings": _strings(user.language)}
    store = request.app.state.store
    lang = user.language
    first, last = _years(analysis_cache(request))
    return render(
        request,
        "network.html",
        {
            "p": p,
            "data": data,
            "info": info,
            "legend": view.legend,
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
        },
    )


def _encoded(p: ViewParams) -> list[tuple[str, str]]:
    from urllib.parse import quote

    return [(k, quote(v, safe="")) for k, v in p.query()]


@router.get("/netzwerk/tabelle")
def network_table(request: Request, user: PageUser, p: Params) -> Response:
    view, info = build(request, user, p)
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


@cache
def _asset(path: str) -> str:
    return (STATIC / path).read_text(encoding="utf-8")


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
