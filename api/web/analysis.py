"""``/analyse``: gaps, field × area coverage, mixing, centralities, change between dates.

The numbers come from the analysis service (:mod:`api.services.analysis`); the charts from
:mod:`viz.charts`, drawn on the server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.security import User
from api.services.analysis import MISSING_LIMIT, analysis_of, whole
from api.web import lookups
from api.web.i18n import N_
from api.web.render import WebRoute, gettext_for, page_user, render
from graph_schema import clock
from graph_schema.model import NodeLabel, RelType
from graph_schema.vocab import ORGANISATION_KINDS, label_for
from viz.charts import HEAT_LEVELS, Bar, bar_chart, diverging_bars, heat_level

__all__ = ["router"]

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
    analysis = analysis_of(request.app)
    gaps = analysis.gaps(whole(day), MISSING_LIMIT)
    council = gaps["council_representation"]
    names = {v: a.get("name") for v, a in analysis.graph(whole(day)).nodes(data=True)}
    duplicates = [
        {**d, "provider_names": [(p, names.get(p, p)) for p in d["providers"]]}
        for d in gaps["duplicate_offers"]
        if not d.get("coordinated")
    ]
    lists: dict[str, list[Any]] = {
        "missing": gaps["missing_cooperations"],
        "offer_gaps": gaps["offer_gaps"],
        "duplicates": duplicates,
        "peripheral": gaps["peripheral_actors"],
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
        1 for r in gaps["peripheral_actors"] if r["kind"] == "migrant_organisation"
    )
    return render(request, "analysis_gaps.html", context)


@router.get("/analyse/abdeckung")
def coverage_page(request: Request, user: PageUser, stichtag: Day = None) -> Response:
    day = stichtag or clock.today()
    data = analysis_of(request.app).coverage(whole(day))
    field_names = lookups.names(request.app.state.store, NodeLabel.FIELD, user.language)
    rows: list[dict[str, Any]] = []
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
    attribute = merkmal if merkmal in MIXING else "kind"
    day = stichtag or clock.today()
    result = analysis_of(request.app).mixing(whole(day))
    matrix, ei = result["matrices"][attribute], result["ei"][attribute]
    mso = result["migrant_organisations"]
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
            "mso": mso["answer"].get("en" if lang == "en" else "de", ""),
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
    rows: list[Mapping[str, Any]] = [*analysis_of(request.app).metrics(whole(day))]
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
    today = clock.today()
    after = bis or today
    before = von or after.replace(year=after.year - 1)
    if before > after:
        before, after = after, before
    analysis = analysis_of(request.app)
    result = analysis.change(whole(before), whole(after))
    lang = user.language
    _ = gettext_for(lang)
    figures = []
    bars = []
    for key, title in CHANGE_FIGURES.items():
        before_figures: Mapping[str, Any] = result["before"]
        after_figures: Mapping[str, Any] = result["after"]
        differences: Mapping[str, Any] = result["difference"]
        a, b, diff = before_figures.get(key), after_figures.get(key), differences.get(key)
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
    g_after = analysis.graph(whole(after))
    g_before = analysis.graph(whole(before))
    names = {**{v: g_before.nodes[v].get("name") for v in g_before}}
    names.update({v: g_after.nodes[v].get("name") for v in g_after})
    snap_a = analysis.graph_snapshot(whole(before))
    snap_b = analysis.graph_snapshot(whole(after))
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
