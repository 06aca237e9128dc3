"""``/konten``: accounts and roles, for administrators (the rules of ``/api/users``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.routes.users import UserCreate, _check_partner
from api.security import MIN_PASSWORD_LENGTH, Role, User, hash_password
from api.web import lookups
from api.web.i18n import LANGUAGES
from api.web.render import WebRoute, gettext_for, page_user, render, require_roles
from api.web.session import check_csrf
from graph_schema.errors import AlreadyExists, InvalidValue, NotFound
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore
from graph_schema.store.records import Account

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


def _admin(request: Request) -> User:
    user = page_user(request)
    require_roles(user, Role.ADMIN)
    return user


Admin = Annotated[User, Depends(_admin)]


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
    accounts = store.accounts.list()
    org_names = lookups.names(store, NodeLabel.ORGANISATION)
    return render(
        request,
        "accounts.html",
        {
            "accounts": accounts,
            "org_names": org_names,
            "organisations": lookups.choices(store, NodeLabel.ORGANISATION),
            "roles": [r.value for r in Role],
            "languages": LANGUAGES,
            "values": values or {"role": "viewer", "language": "de"},
            "errors": errors or {},
            "message": message,
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


@router.post("/konten")
async def create_account(request: Request) -> Response:
    form = await request.form()
    user = await run_in_threadpool(_admin, request)
    check_csrf(request, user, str(form.get("csrf_token", "")) or None)
    values = {
        k: str(form.get(k, ""))[:200].strip()
        for k in ("username", "role", "organisation_id", "language")
    }
    password = str(form.get("password", ""))[:200]

    def run() -> Response:
        store: GraphStore = request.app.state.store
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
            _check_partner(store, body.role, body.organisation_id)
            store.accounts.create(
                Account(
                    username=body.username,
                    password_hash=hash_password(body.password),
                    role=body.role.value,
                    organisation_id=body.organisation_id,
                    language=body.language,
                    password_changed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                )
            )
        except AlreadyExists:
            return _page(
                request,
                user,
                values=values,
                errors={"username": _("Dieser Benutzername ist vergeben.")},
                status=422,
            )
        except (InvalidValue, NotFound):
            return _page(
                request,
                user,
                values=values,
                errors={
                    "organisation_id": _(
                        "Partner-Konten brauchen ihre Organisation; andere Rollen keine."
                    )
                },
                status=422,
            )
        return RedirectResponse("/konten?angelegt=1", status_code=303)

    return await run_in_threadpool(run)


@router.post("/konten/{username}")
async def change_account(request: Request, username: str) -> Response:
    form = await request.form()
    user = await run_in_threadpool(_admin, request)
    check_csrf(request, user, str(form.get("csrf_token", "")) or None)
    action = str(form.get("action", "save"))

    def run() -> Response:
        from api.bootstrap import password_changed

        store: GraphStore = request.app.state.store
        _ = gettext_for(user.language)
        account = store.accounts.get(username)
        if action == "delete":
            if username == user.username:
                return _page(
                    request,
                    user,
                    message=_("Das eigene Konto kann nicht gelöscht werden."),
                    status=422,
                )
            store.accounts.delete(username)
            return RedirectResponse("/konten?geloescht=1", status_code=303)
        role = str(form.get("role", account.role))
        org = str(form.get("organisation_id", "")).strip() or None
        language = str(form.get("language", account.language or "de"))
        password = str(form.get("password", ""))[:200]
        if role not in {r.value for r in Role} or language not in LANGUAGES:
            return _page(request, user, message=_("Ungültige Angaben."), status=422)
        if role != Role.PARTNER:
            org = None
        if username == user.username and role != Role.ADMIN:
            return _page(
                request,
                user,
                message=_("Sie können sich die Administration nicht selbst entziehen."),
                status=422,
            )
        try:
            _check_partner(store, role, org)
        except (InvalidValue, NotFound):
            return _page(
                request,
                user,
                message=_("Partner-Konten brauchen ihre Organisation; andere Rollen keine."),
                status=422,
            )
        if password and len(password) < MIN_PASSWORD_LENGTH:
            return _page(
                request,
                user,
                message=_("Mindestens %(n)s Zeichen.") % {"n": MIN_PASSWORD_LENGTH},
                status=422,
            )
        account.role, account.organisation_id, account.language = role, org, language
        if password:
            account.password_hash = hash_password(password)
            account.password_changed_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            store.accounts.revoke_tokens_of(username)
            password_changed(request.app.state.settings, username)
        store.accounts.save(account)
        return RedirectResponse("/konten?gespeichert=1", status_code=303)

    return await run_in_threadpool(run)
