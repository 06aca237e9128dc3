"""``/vorschlaege``: ties partners proposed, for editors to confirm or reject.

Editors and administrators see the open proposals with a confirm and a reject button (each a
CSRF-protected form) and the ones decided last; administrators also choose which tie types
partners may propose. A partner sees its own proposals and what became of them. Every
decision goes through :class:`api.services.proposals.Proposals`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.permissions import NEVER_PROPOSABLE
from api.security import Role, User
from api.services.proposals import Proposals
from api.web.entities import entity_url
from api.web.render import (
    WebRoute,
    gettext_for,
    page_admin,
    page_editor,
    page_user,
    render,
    require_roles,
)
from api.web.session import posted_form
from graph_schema.errors import NetzwerkatlasError
from graph_schema.model import NodeLabel, RelType

__all__ = ["router"]

router = APIRouter(route_class=WebRoute, include_in_schema=False)
#: decided proposals shown at most
DECIDED_SHOWN = 30


def _reader(request: Request) -> User:
    user = page_user(request)
    require_roles(user, Role.ADMIN, Role.EDITOR, Role.PARTNER)
    return user


Reader = Annotated[User, Depends(_reader)]


def _with_links(item: dict[str, Any]) -> dict[str, Any]:
    for end in ("from", "to"):
        label = item.get(f"{end}_label")
        item[f"{end}_url"] = entity_url(NodeLabel(label), item[f"{end}_id"]) if label else None
    return item


def _page(request: Request, user: User, *, message: str = "", status: int = 200) -> Response:
    service = Proposals(request.app.state.store, user)
    everything = service.list(status=None)
    open_ = [_with_links(p) for p in everything if p["status"] == "open"]
    decided = [_with_links(p) for p in everything if p["status"] != "open"][:DECIDED_SHOWN]
    context = {
        "open": open_,
        "decided": decided,
        "decides": service.decides,
        "message": message,
        "done": request.query_params.get("erledigt", "")[:20],
        "proposable": service.types(),
        "choosable": [t.value for t in RelType if t not in NEVER_PROPOSABLE],
    }
    return render(request, "proposals.html", context, status=status)


@router.get("/vorschlaege")
def proposals_page(request: Request, user: Reader) -> Response:
    return _page(request, user)


@router.post("/vorschlaege/{proposal_id}/{decision}")
async def decide(request: Request, proposal_id: str, decision: str) -> Response:
    form, user = await posted_form(request, page_editor)
    reason = str(form.get("reason", ""))[:2000]
    _ = gettext_for(user.language)

    def run() -> Response:
        service = Proposals(request.app.state.store, user)
        try:
            if decision == "bestaetigen":
                service.confirm(proposal_id[:100], reason=reason)
                return RedirectResponse("/vorschlaege?erledigt=bestaetigt", status_code=303)
            if decision == "ablehnen":
                service.reject(proposal_id[:100], reason=reason)
                return RedirectResponse("/vorschlaege?erledigt=abgelehnt", status_code=303)
        except NetzwerkatlasError as e:
            if e.status == 403:
                raise
            message = _("Der Vorschlag wurde nicht übernommen: %(why)s") % {"why": e.message}
            return _page(request, user, message=message, status=e.status)
        return _page(request, user, message=_("Ungültige Angaben."), status=400)

    return await run_in_threadpool(run)


@router.post("/vorschlaege/arten")
async def choose_types(request: Request) -> Response:
    form, user = await posted_form(request, page_admin)
    chosen = [str(v) for v in form.getlist("types")][:20]

    def run() -> Response:
        Proposals(request.app.state.store, user).set_types(chosen)
        return RedirectResponse("/vorschlaege?erledigt=arten", status_code=303)

    return await run_in_threadpool(run)
