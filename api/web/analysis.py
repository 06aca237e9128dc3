"""``/analyse``: gaps, field × area coverage, mixing, centralities, change between dates.

The numbers come from :mod:`network` (through the page cache); the charts from
:mod:`viz.charts`, drawn on the server.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.security import User
from api.web import lookups
from api.web.cache import MISSING_LIMIT, analysis_cache
from api.web.i18n import N_
from api.web.render import WebRoute, gettext_for, page_user, render
from graph_schema import clock
from graph_schema.model import NodeLabel, RelType
from graph_schema.vocab import ORGANISATION_KINDS, label_for
from viz.charts import HEAT_LEVELS, Bar, bar_chart, diverging_bars, heat_level

__all__ = ["coverage", "router"]

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]
Day = Annotated[dt.date | None, Query()]

CENTRALITIES: dict[str, str] = {
    "degree": N_("Anzahl Kooperationen (Grad)"),
    "weighted_degree": N_("Kooperationen nach Intensität"),
    "betweenness": N_("Vermittlung (Betweenness)"),
    "closeness": N_("Nähe (Closeness)"),
    "pagerank": N_("PageRank"),
    "eigenvector": N_("Eigenvektor-Zentralität"),
    "constraint": N_("Abhängigkeit (Burts Constraint)"),
}
MIXING: dict[str, str] = {
    "kind": N_("Art der Organisation"),
    "areas": N_("Gebiet"),
    "fields": N_("Handlungsfeld"),
}


def _fmt(value: float | None, lang: str, digits: int = 3) -> str:
    if value is None:
        return "–"
    if float(value).is_integer() and digits == 0:
        text = f"{int(value):,}"
        return text.replace(",", ".") if lang == "de" else text
    text = f"{value:,.{digits}f}"
    if lang == "de":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


@router.get("/analyse")
def analysis_index(request: Request, user: PageUser) -> Response:
    return RedirectResponse("/analyse/luecken", status_code=303)


#: rows per page of each list on the gaps page
PER_PAGE = 40
#: the lists of the gaps page: query parameter of its page and the section's anchor
GAP_LISTS = {
    "missing": ("seite_vorschlaege", "h-missing"),
    "offer_gaps": ("seite_angebote", "h-offers"),
    "duplicates": ("seite_mehrfach", "h-dup"),
    "peripheral": ("seite_rand", "periphery"),
}


def _page_of(request: Request, rows: list[Any], name: str) -> tuple[list[Any], dict[str, Any]]:
    """One page of a list and how to reach the others: never a silent cut."""
    param, anchor = GAP_LISTS[name]
    try:
        page = max(1, int(request.query_params.get(param, "1")))
    except ValueError:
        page = 1
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(page, pages)
    start = (page - 1) * PER_PAGE

    def link(n: int) -> str:
        query = {**request.query_params, param: str(n)}
        return f"{request.url.path}?{urlencode(query)}#{anchor}"

    return rows[start : start + PER_PAGE], {
        "first": start + 1 if rows else 0,
        "last": min(start + PER_PAGE, len(rows)),
        "total": len(rows),
        "page": page,
        "pages": pages,
        "prev": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
    }


@router.get("/analyse/luecken")
def gaps_page(request: Request, user: PageUser, stichtag: Day = None) -> Response:
    day = stichtag or clock.today()
    cache = analysis_cache(request)
    gaps = cache.gaps(day)
    council = cache.council(day)
    names = {v: a.get("name") for v, a in cache.cooperation_graph(day).nodes(data=True)}
    duplicates = [
        {**d, "provider_names": [(p, names.get(p, p)) for p in d["providers"]]}
        for d in gaps["duplicates"]
        if not d.get("coordinated")
    ]
    lists = {
        "missing": gaps["missing"],
        "offer_gaps": gaps["offer_gaps"],
        "duplicates": duplicates,
        "peripheral": gaps["peripheral"],
    }
    context: dict[str, Any] = {
        "day": day,
        "stichtag": stichtag,
        "notes": gaps["notes"],
        "council": council,
        "missing_limit": MISSING_LIMIT,
    }
    for name, rows in lists.items():
        context[name], context[f"{name}_pager"] = _page_of(request, rows, name)
        context[f"{name}_total"] = len(rows)
    context["peripheral_msos"] = sum(
        1 for r in gaps["peripheral"] if r["kind"] == "migrant_organisation"
    )
    return render(request, "analysis_gaps.html", context)


def coverage(snapshot: Any) -> dict[str, Any]:
    """Offers per area × field on the snapshot's date; an offer available in an area also
    covers the areas inside it (as :func:`network.gaps.offer_gaps` counts them).

    Returns ``{"areas": [(id, name, population)], "fields": [id], "counts": {(area,
    field): n}, "top": max}`` with the municipalities (districts if there are none),
    largest first.
    """
    from network.graphs import offer_graph

    areas = snapshot.nodes_with(NodeLabel.AREA)
    cells = [a for a in areas if getattr(a, "kind", None) == "municipality"] or [
        a for a in areas if getattr(a, "kind", None) == "district"
    ]
    children: dict[str, set[str]] = defaultdict(set)
    for t in snapshot.ties_of(RelType.PART_OF):
        children[t.to_id].add(t.from_id)

    def below(area: str) -> set[str]:
        seen, todo = {area}, [area]
        while todo:
            for c in children.get(todo.pop(), ()):
                if c not in seen:
                    seen.add(c)
                    todo.append(c)
        return seen

    parents: dict[str, set[str]] = defaultdict(set)  # cell area -> areas that cover it
    cell_ids = {a.id for a in cells}
    for a in areas:
        for inner in below(a.id):
            if inner in cell_ids:
                parents[inner].add(a.id)
    # a district covers its municipality too
    for t in snapshot.ties_of(RelType.PART_OF):
        if t.to_id in cell_ids:
            parents[t.to_id].add(t.from_id)
    g = offer_graph(snapshot)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    fields = sorted({n.id for n in snapshot.nodes_with(NodeLabel.FIELD)})
    for _offer, attrs in g.nodes(data=True):
        if attrs.get("bipartite") != 1:
            continue
        offer_areas = set(attrs.get("areas", ()))
        for cell in cell_ids:
            if parents[cell] & offer_areas:
                for f in attrs.get("fields", ()):
                    counts[cell, f] += 1
    ordered = sorted(
        cells, key=lambda a: (-(getattr(a, "population", None) or -1), a.display_name.lower())
    )
    return {
        "areas": [(a.id, a.display_name, getattr(a, "population", None)) for a in ordered],
        "fields": fields,
        "counts": dict(counts),
        "top": max(counts.values(), default=0),
    }


@router.get("/analyse/abdeckung")
def coverage_page(request: Request, user: PageUser, stichtag: Day = None) -> Response:
    day = stichtag or clock.today()
    cache = analysis_cache(request)
    data = cache.get(("coverage", day), lambda: coverage(cache.full_snapshot(day)))
    field_names = lookups.names(request.app.state.store, NodeLabel.FIELD, user.language)
    rows = []
    for area_id, name, population in data["areas"]:
        cells = []
        for f in data["fields"]:
            n = data["counts"].get((area_id, f), 0)
            cells.append({"field": f, "count": n, "level": heat_level(n, data["top"])})
        rows.append({"id": area_id, "name": name, "population": population, "cells": cells})
    gaps = sum(1 for r in rows for c in r["cells"] if c["count"] == 0)
    return render(
        request,
        "analysis_coverage.html",
        {
            "day": day,
            "stichtag": stichtag,
            "rows": rows,
            "fields": [
                (f, field_names.get(f, label_for(f, user.language))) for f in data["fields"]
            ],
            "top": data["top"],
            "levels": HEAT_LEVELS,
            "gaps": gaps,
        },
    )


@router.get("/analyse/mischung")
def mixing_page(
    request: Request,
    user: PageUser,
    stichtag: Day = None,
    merkmal: Annotated[str, Query(max_length=20)] = "kind",
) -> Response:
    from network.mixing import ei_index, mixing_matrix, mso_cooperation

    attribute = merkmal if merkmal in MIXING else "kind"
    day = stichtag or clock.today()
    cache = analysis_cache(request)
    g = cache.cooperation_graph(day)
    result = cache.get(
        ("mixing", day, attribute),
        lambda: (mixing_matrix(g, attribute), ei_index(g, attribute), mso_cooperation(g)),
    )
    matrix, ei, mso = result
    store = request.app.state.store
    lang = user.language
    if attribute == "areas":
        names = lookups.names(store, NodeLabel.AREA, lang)
    elif attribute == "fields":
        names = lookups.names(store, NodeLabel.FIELD, lang)
    else:
        names = {str(k): label_for(str(k), lang) for k in ORGANISATION_KINDS}
    values = [str(v) for v in matrix["values"]]
    top = max((max(r) for r in matrix["matrix"]), default=0)
    rows = [
        {
            "name": names.get(v, v),
            "cells": [{"count": n, "level": heat_level(n, top)} for n in matrix["matrix"][i]],
        }
        for i, v in enumerate(values)
    ]
    groups = [
        {**grp, "name": names.get(str(grp.get("value")), str(grp.get("value")))}
        for grp in ei.get("groups", [])
    ]
    return render(
        request,
        "analysis_mixing.html",
        {
            "day": day,
            "stichtag": stichtag,
            "attribute": attribute,
            "attributes": MIXING,
            "columns": [names.get(v, v) for v in values],
            "rows": rows,
            "ei": ei,
            "groups": groups,
            "mso": mso["answer"][lang if lang in ("de", "en") else "de"],
            "fmt": lambda x, d=2: _fmt(x, lang, d),
        },
    )


@router.get("/analyse/zentralitaet")
def centrality_page(
    request: Request,
    user: PageUser,
    stichtag: Day = None,
    mass: Annotated[str, Query(max_length=30)] = "betweenness",
    art: Annotated[str, Query(max_length=60)] = "",
    anzahl: Annotated[int, Query(ge=5, le=200)] = 25,
) -> Response:
    measure = mass if mass in CENTRALITIES else "betweenness"
    day = stichtag or clock.today()
    rows = analysis_cache(request).actor_metrics(day)
    if art:
        rows = [r for r in rows if r.get("kind") == art]
    ranked = sorted(
        (r for r in rows if r.get(measure) is not None),
        key=lambda r: (-float(r[measure]), str(r.get("name", "")).lower()),
    )[:anzahl]
    lang = user.language
    _ = gettext_for(lang)
    digits = 0 if measure in ("degree", "weighted_degree") else 3
    chart = bar_chart(
        [
            Bar(
                str(r.get("name") or r["id"]),
                float(r[measure]),
                _fmt(float(r[measure]), lang, digits),
                f"/organisationen/{r['id']}",
            )
            for r in ranked
        ],
        title=_(CENTRALITIES[measure]),
    )
    return render(
        request,
        "analysis_centrality.html",
        {
            "day": day,
            "stichtag": stichtag,
            "measure": measure,
            "measures": CENTRALITIES,
            "ranked": ranked,
            "chart": chart,
            "art": art,
            "anzahl": anzahl,
            "kinds": [(str(k), label_for(str(k), lang)) for k in ORGANISATION_KINDS],
            "estimated": any(r.get("estimated") for r in rows),
            "fmt": lambda x: _fmt(x, lang, digits),
        },
    )


CHANGE_FIGURES: dict[str, str] = {
    "organisations": N_("Organisationen"),
    "ties": N_("Kooperationsbeziehungen (Paare)"),
    "density": N_("Dichte"),
    "degree_centralisation": N_("Zentralisierung (Grad)"),
    "betweenness_centralisation": N_("Zentralisierung (Vermittlung)"),
    "components": N_("Teilnetze (Komponenten)"),
    "largest_component": N_("Größtes Teilnetz"),
}


@router.get("/analyse/veraenderung")
def change_page(
    request: Request,
    user: PageUser,
    von: Day = None,
    bis: Day = None,
) -> Response:
    from network.change import compare

    today = clock.today()
    after = bis or today
    before = von or after.replace(year=after.year - 1)
    if before > after:
        before, after = after, before
    cache = analysis_cache(request)
    result = cache.get(
        ("change", before, after),
        lambda: compare(cache.graph_snapshot(before), cache.graph_snapshot(after)),
    )
    lang = user.language
    _ = gettext_for(lang)
    figures = []
    bars = []
    for key, title in CHANGE_FIGURES.items():
        a, b = result["before"].get(key), result["after"].get(key)
        diff = result["difference"].get(key)
        digits = 0 if key in ("organisations", "ties", "components", "largest_component") else 3
        relative = (diff / a) if (diff is not None and a) else None
        figures.append(
            {
                "name": title,
                "before": _fmt(a, lang, digits),
                "after": _fmt(b, lang, digits),
                "diff": ("+" if (diff or 0) > 0 else "") + _fmt(diff, lang, digits),
                "relative": relative,
            }
        )
        if relative is not None:
            pct = _fmt(relative * 100, lang, 1) + " %"
            bars.append(Bar(_(title), relative, ("+" if relative > 0 else "") + pct))
    g_after = cache.cooperation_graph(after)
    g_before = cache.cooperation_graph(before)
    names = {**{v: g_before.nodes[v].get("name") for v in g_before}}
    names.update({v: g_after.nodes[v].get("name") for v in g_after})
    snap_a, snap_b = cache.graph_snapshot(before), cache.graph_snapshot(after)
    ties = {
        t.id: t
        for t in (
            *snap_a.ties_of(RelType.COOPERATES_WITH),
            *snap_b.ties_of(RelType.COOPERATES_WITH),
        )
    }

    def tie_rows(ids: list[str]) -> list[dict[str, Any]]:
        out = []
        for i in ids[:60]:
            t = ties.get(i)
            if t is None:
                continue
            out.append(
                {
                    "a": t.from_id,
                    "b": t.to_id,
                    "a_name": names.get(t.from_id, t.from_id),
                    "b_name": names.get(t.to_id, t.to_id),
                    "since": t.since,
                    "until": t.until,
                    "kind": label_for(str(getattr(t, "kind", "") or ""), lang),
                }
            )
        return out

    return render(
        request,
        "analysis_change.html",
        {
            "before": before,
            "after": after,
            "figures": figures,
            "chart": diverging_bars(bars, title=_("Veränderung in Prozent")) if bars else "",
            "added": tie_rows(result["ties_added"]),
            "ended": tie_rows(result["ties_ended"]),
            "added_total": len(result["ties_added"]),
            "ended_total": len(result["ties_ended"]),
            "orgs_added": len(result["organisations_added"]),
        },
    )
