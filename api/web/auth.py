"""Sign-in (``/login``), sign-out and the own account (``/konto``: language, password)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.security import (
    MIN_PASSWORD_LENGTH,
    TooManyAttempts,
    Unauthorized,
    User,
    authenticate,
    hash_password,
    issue_token,
)
from api.web.i18n import LANGUAGES
from api.web.render import WebRoute, gettext_for, page_user, render
from api.web.session import (
    SESSION_KIND,
    check_csrf,
    check_login_csrf,
    clear_session_cookie,
    login_csrf_pair,
    posted_form,
    session_user,
    set_login_cookie,
    set_session_cookie,
)
from graph_schema.store import GraphStore

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PageUser = Annotated[User, Depends(page_user)]


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if target.startswith("/login"):
        return "/"
    return target


def _login_form(
    request: Request, *, username: str = "", error: str = "", status: int = 200
) -> Response:
    value, token = login_csrf_pair(request)
    response = render(
        request,
        "login.html",
        {
            "username": username,
            "error": error,
            "login_csrf": token,
            "next": safe_next(request.query_params.get("next")),
        },
        status=status,
    )
    set_login_cookie(request, response, value)
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    if session_user(request) is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return _login_form(request)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username", ""))[:100].strip()
    password = str(form.get("password", ""))[:200]
    target = safe_next(str(form.get("next", "")) or None)
    check_login_csrf(request, str(form.get("csrf_token", "")) or None)
    _ = gettext_for(None)
    if not username or not password:
        return _login_form(
            request,
            username=username,
            error=_("Bitte Benutzername und Passwort eingeben."),
            status=400,
        )
    store: GraphStore = request.app.state.store
    address = request.client.host if request.client else "unknown"
    try:
        account = await run_in_threadpool(
            authenticate, store, request.app.state.limiter, username, password, address
        )
    except TooManyAttempts as e:
        response = _login_form(
            request,
            username=username,
            error=_(
                "Zu viele fehlgeschlagene Anmeldungen: bitte in %(seconds)s Sekunden erneut "
                "versuchen."
            )
            % {"seconds": e.retry_after},
            status=429,
        )
        response.headers["Retry-After"] = str(e.retry_after)
        return response
    except Unauthorized:
        return _login_form(
            request,
            username=username,
            error=_("Benutzername oder Passwort ist falsch."),
            status=401,
        )
    ttl = request.app.state.settings.token_ttl_minutes * 60
    token = await run_in_threadpool(issue_token, store, account, ttl_s=ttl, kind=SESSION_KIND)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token, ttl)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    user = session_user(request)
    if user is not None:
        check_csrf(request, user, str(form.get("csrf_token", "")) or None)
        if user.token_hash:
            await run_in_threadpool(request.app.state.store.accounts.revoke_token, user.token_hash)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.get("/konto")
def account_page(request: Request, user: PageUser) -> Response:
    return render(request, "account.html", {"languages": LANGUAGES, "errors": {}, "saved": ""})


@router.post("/konto")
async def account_save(request: Request) -> Response:
    form, user = await posted_form(request, page_user)
    store: GraphStore = request.app.state.store
    action = str(form.get("action", "language"))
    errors: dict[str, str] = {}
    if action == "language":
        language = str(form.get("language", "de"))
        if language not in LANGUAGES:
            errors["language"] = gettext_for(user.language)("Bitte eine Sprache wählen.")
        else:
            account = await run_in_threadpool(store.accounts.get, user.username)
            account.language = language
            await run_in_threadpool(store.accounts.save, account)
            return RedirectResponse("/konto?gespeichert=1", status_code=303)
    else:
        errors = await run_in_threadpool(_change_password, request, user, form)
        if not errors:
            response = RedirectResponse("/login", status_code=303)
            clear_session_cookie(request, response)
            return response
    return render(
        request,
        "account.html",
        {"languages": LANGUAGES, "errors": errors, "saved": ""},
        status=422,
    )


def _change_password(request: Request, user: User, form: object) -> dict[str, str]:
    from api.bootstrap import password_changed

    _ = gettext_for(user.language)
    get = form.get  # type: ignore[attr-defined]
    current = str(get("current_password", ""))[:200]
    new = str(get("new_password", ""))[:200]
    repeat = str(get("new_password_repeat", ""))[:200]
    store: GraphStore = request.app.state.store
    errors: dict[str, str] = {}
    try:
        authenticate(
            store,
            request.app.state.limiter,
            user.username,
            current,
            request.client.host if request.client else "unknown",
        )
    except Unauthorized:
        errors["current_password"] = _("Das ist nicht Ihr aktuelles Passwort.")
    except TooManyAttempts as e:
        errors["current_password"] = _(
            "Zu viele fehlgeschlagene Anmeldungen: bitte in %(seconds)s Sekunden erneut versuchen."
        ) % {"seconds": e.retry_after}
    if len(new) < MIN_PASSWORD_LENGTH:
        errors["new_password"] = _("Mindestens %(n)s Zeichen.") % {"n": MIN_PASSWORD_LENGTH}
    elif new != repeat:
        errors["new_password_repeat"] = _("Die beiden Eingaben stimmen nicht überein.")
    if errors:
        return errors
    account = store.accounts.get(user.username)
    account.password_hash = hash_password(new)
    store.accounts.save(account)
    store.accounts.revoke_tokens_of(user.username)
    password_changed(request.app.state.settings, account.username)
    return {}
