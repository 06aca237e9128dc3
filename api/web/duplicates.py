"""``/dubletten`` (admin, editor): near-duplicate entries and merging two into one.

The list shows each flagged pair with the reason (same name but for case, spacing or legal
form; or a similar name with its similarity); the user picks the entry to keep, sees both
with their ties on a confirmation page, and merges with a CSRF-protected form through
:func:`api.transfer.duplicates.merge` (every tie and the history of both are kept).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.security import User
from api.services.entities import Entities
from api.services.transfer import duplicates
from api.web.entities import entity_url
from api.web.render import WebRoute, gettext_for, page_editor, page_user, render
from api.web.session import posted_form
from graph_schema.errors import NetzwerkatlasError, NotFound

__all__ = ["reason", "router"]

router = APIRouter(route_class=WebRoute, include_in_schema=False)
#: pairs shown at most
LIMIT = 200


Editor = Annotated[User, Depends(page_editor)]
Id = Annotated[str, Query(min_length=1, max_length=100)]


def reason(a: str, b: str, score: float, _: Any) -> str:
    """Why two names are flagged, for people."""
    if duplicates.loose_key(a) == duplicates.loose_key(b):
        return str(_("gleicher Name bis auf Schreibweise, Leerzeichen oder Rechtsform"))
    return str(_("ähnlicher Name (Tippfehler?), Ähnlichkeit %(n)s %%") % {"n": f"{score:.0f}"})


def _entry(service: Entities, node_id: str) -> dict[str, Any]:
    """An entry with what the user may see of it and how many ties it has."""
    store = service.store
    label = store.label_of(node_id)
    node = service.get(label, node_id)
    ties = store.list_ties(node_id=node_id)
    return {
        "id": node_id,
        "label": str(label),
        "name": node.display_name,
        "url": entity_url(label, node_id),
        "ties": len(ties),
        "properties": {
            k: v
            for k, v in service.values(node).items()
            if v not in (None, [], "") and k not in ("id",)
        },
    }


@router.get("/dubletten")
def duplicates_page(request: Request, user: Editor) -> Response:
    _ = gettext_for(user.language)
    pairs = duplicates.find_duplicates(request.app.state.store)
    rows = [
        {
            "label": c.label,
            "a": (c.a_id, c.a_name, entity_url(c.label, c.a_id)),
            "b": (c.b_id, c.b_name, entity_url(c.label, c.b_id)),
            "score": c.score,
            "reason": reason(c.a_name, c.b_name, c.score, _),
        }
        for c in pairs[:LIMIT]
    ]
    merged = None
    merged_id = request.query_params.get("zusammengefuehrt", "")[:100]
    if merged_id:
        try:
            merged = _entry(Entities(request.app.state.store, user), merged_id)
        except NotFound:
            merged = None
    return render(request, "duplicates.html", {"rows": rows, "total": len(pairs), "merged": merged})


def _confirm_page(
    request: Request, keep: str, drop: str, *, message: str = "", status: int = 200
) -> Response:
    user = page_user(request)
    service = Entities(request.app.state.store, user)
    try:
        kept, dropped = _entry(service, keep), _entry(service, drop)
    except NotFound:
        _ = gettext_for(user.language)
        return render(
            request,
            "duplicates.html",
            {
                "rows": [],
                "total": 0,
                "merged": None,
                "message": _(
                    "Einer der beiden Einträge existiert nicht mehr (schon zusammengeführt "
                    "oder gelöscht). Die Liste zeigt den aktuellen Stand."
                ),
                "reload": True,
            },
            status=404,
        )
    return render(
        request,
        "duplicates_merge.html",
        {"keep": kept, "drop": dropped, "message": message},
        status=status,
    )


@router.get("/dubletten/zusammenfuehren")
def merge_confirmation(request: Request, user: Editor, keep: Id, drop: Id) -> Response:
    return _confirm_page(request, keep, drop)


@router.post("/dubletten/zusammenfuehren")
async def merge_entries(request: Request) -> Response:
    form, user = await posted_form(request, page_editor)
    _ = gettext_for(user.language)
    keep = str(form.get("keep", ""))[:100]
    drop = str(form.get("drop", ""))[:100]

    def run() -> Response:
        store = request.app.state.store
        try:
            result = duplicates.merge(store, keep, drop, actor=user.username)
        except NotFound:
            return _confirm_page(request, keep, drop)
        except NetzwerkatlasError as e:
            return _confirm_page(
                request,
                keep,
                drop,
                message=_("Die Einträge wurden nicht zusammengeführt: %(why)s")
                % {"why": e.message},
                status=422,
            )
        del result
        return RedirectResponse(f"/dubletten?zusammengefuehrt={quote(keep)}", status_code=303)

    return await run_in_threadpool(run)
