"""The start page: key figures, the largest gaps and the latest changes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.security import User
from api.web.cache import analysis_cache
from api.web.entities import entity_url
from api.web.render import WebRoute, page_user, render
from graph_schema import clock
from graph_schema.model import NodeLabel

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


def _entry_name(entry: Any) -> str:
    for side in (entry.after, entry.before):
        if side:
            for key in ("name", "title", "name_de"):
                if side.get(key):
                    return str(side[key])
    return str(entry.entity_id)


@router.get("/")
def start_page(request: Request, user: PageUser) -> Response:
    from network.change import network_figures

    store = request.app.state.store
    cache = analysis_cache(request)
    today = clock.today()
    counts = cache.get(("counts",), store.counts)
    g = cache.cooperation_graph(today)
    figures = cache.get(("figures", today), lambda: network_figures(g))
    gaps = cache.gaps(today)
    entries, _ = store.audit.list(limit=10)
    changes = []
    for e in entries:
        person = e.entity_type == NodeLabel.PERSON
        changes.append(
            {
                "at": e.at,
                "action": e.action,
                "type": e.entity_type,
                "name": _entry_name(e) if e.action != "erase" else "",
                "url": entity_url(e.entity_type, e.entity_id)
                if e.entity_type in tuple(NodeLabel) and e.action != "delete"
                else None,
                "username": e.username if user.sees_personal_data else "",
                "person": person,
            }
        )
    return render(
        request,
        "start.html",
        {
            "counts": counts,
            "figures": figures,
            "offer_gaps": gaps["offer_gaps"][:5],
            "offer_gaps_total": len(gaps["offer_gaps"]),
            "missing": gaps["missing"][:5],
            "duplicates_total": len(gaps["duplicates"]),
            "peripheral_total": len(gaps["peripheral"]),
            "changes": changes,
        },
    )
