"""``/konten``: accounts and roles, for administrators (the rules:
:mod:`api.services.accounts`, as for ``/api/users``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.security import MIN_PASSWORD_LENGTH, Role, User
from api.services import accounts
from api.services.accounts import AccountRuleBroken, UserCreate, UserUpdate
from api.web import lookups
from api.web.i18n import LANGUAGES
from api.web.render import WebRoute, gettext_for, page_admin, page_user, render
from api.web.session import posted_form
from graph_schema.errors import AlreadyExists, NotFound
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


Admin = Annotated[User, Depends(page_admin)]


def _page(
    request: Request,
    user: User,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Response:
    store: GraphStore = request.app.state.store
    org_names = lookups.names(store, NodeLabel.ORGANISATION)
    return render(
        request,
        "accounts.html",
        {
            "accounts": accounts.list_accounts(store),
            "org_names": org_names,
            "organisations": lookups.choices(store, NodeLabel.ORGANISATION),
            "roles": [r.value for r in Role],
            "languages": LANGUAGES,
            "values": values or {"role": "viewer", "language": "de"},
            "errors": errors or {},
            "message": message,
            "throttles": accounts.list_throttles(request.app.state.limiter),
            "sign_ins": accounts.list_sign_in_events(store),
        },
        status=status,
    )


@router.get("/konten")
def accounts_page(request: Request, user: Admin) -> Response:
    return _page(request, user)


def _field_errors(e: ValidationError, _: Any) -> dict[str, str]:
    out = {}
    for err in e.errors():
        name = str(err["loc"][0]) if err.get("loc") else ""
        if name == "username":
            out[name] = _("2 bis 60 Zeichen: Buchstaben, Ziffern, '.', '_', '@' oder '-'.")
        elif name == "password":
            out[name] = _("Mindestens %(n)s Zeichen.") % {"n": MIN_PASSWORD_LENGTH}
        else:
            out[name] = _("Ungültiger Wert.")
    return out


def _rule_message(e: AccountRuleBroken | NotFound, _: Any) -> str:
    """A broken account rule (or an unknown organisation), for people."""
    if isinstance(e, AccountRuleBroken) and e.rule == "own_admin_role":
        return str(_("Sie können sich die Administration nicht selbst entziehen."))
    if isinstance(e, AccountRuleBroken) and e.rule == "own_account":
        return str(_("Das eigene Konto kann nicht gelöscht werden."))
    return str(_("Partner-Konten brauchen ihre Organisation; andere Rollen keine."))


@router.post("/konten")
async def create_account(request: Request) -> Response:
    form, user = await posted_form(request, page_admin)
    values = {
        k: str(form.get(k, ""))[:200].strip()
        for k in ("username", "role", "organisation_id", "language")
    }
    password = str(form.get("password", ""))[:200]

    def run() -> Response:
        _ = gettext_for(user.language)
        try:
            body = UserCreate(
                username=values["username"],
                password=password,
                role=values["role"] or "viewer",  # type: ignore[arg-type]
                organisation_id=values["organisation_id"] or None,
                language=values["language"] or "de",
            )
        except ValidationError as e:
            return _page(request, user, values=values, errors=_field_errors(e, _), status=422)
        try:
            accounts.create_account(request.app.state.store, body)
        except AlreadyExists:
            errors = {"username": _("Dieser Benutzername ist vergeben.")}
            return _page(request, user, values=values, errors=errors, status=422)
        except (AccountRuleBroken, NotFound) as e:
            errors = {"organisation_id": _rule_message(e, _)}
            return _page(request, user, values=values, errors=errors, status=422)
        return RedirectResponse("/konten?angelegt=1", status_code=303)

    return await run_in_threadpool(run)


@router.post("/konten/wartezeiten/aufheben")
async def lift_throttle(request: Request) -> Response:
    """Lift one sign-in throttle (``kind``: account or address, ``key``) or, without, all."""
    form, user = await posted_form(request, page_admin)
    kind, key = str(form.get("kind", "")), str(form.get("key", ""))[:100] or None
    state = request.app.state
    await run_in_threadpool(
        accounts.lift_throttles,
        state.store,
        state.limiter,
        user,
        account=key if kind == "account" else None,
        address=key if kind == "address" else None,
    )
    return RedirectResponse("/konten?aufgehoben=1#h-throttles", status_code=303)


@router.post("/konten/{username}")
async def change_account(request: Request, username: str) -> Response:
    form, user = await posted_form(request, page_admin)
    action = str(form.get("action", "save"))

    def run() -> Response:
        store: GraphStore = request.app.state.store
        _ = gettext_for(user.language)
        account = accounts.get_account(store, username)
        try:
            if action == "delete":
                accounts.delete_account(store, user, username)
                return RedirectResponse("/konten?geloescht=1", status_code=303)
            role = str(form.get("role", account.role))
            org = str(form.get("organisation_id", "")).strip() or None
            try:
                changes = UserUpdate(
                    role=role,  # type: ignore[arg-type]
                    # the form offers an organisation to every role: only partners keep one
                    organisation_id=org if role == Role.PARTNER else None,
                    language=str(form.get("language", account.language or "de")),
                    password=str(form.get("password", ""))[:200] or None,
                )
            except ValidationError as e:
                fields = {str(err["loc"][0]) for err in e.errors() if err.get("loc")}
                message = (
                    _("Mindestens %(n)s Zeichen.") % {"n": MIN_PASSWORD_LENGTH}
                    if fields == {"password"}
                    else _("Ungültige Angaben.")
                )
                return _page(request, user, message=message, status=422)
            accounts.change_account(store, request.app.state.settings, user, username, changes)
        except (AccountRuleBroken, NotFound) as e:
            return _page(request, user, message=_rule_message(e, _), status=422)
        return RedirectResponse("/konten?gespeichert=1", status_code=303)

    return await run_in_threadpool(run)
