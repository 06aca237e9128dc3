"""The web UI's sign-in state: a session cookie and CSRF tokens.

The cookie carries a random token of kind ``session`` from the same table as the API's bearer
tokens (only its hash is stored), so accounts, roles, expiry and revocation are shared. Every
form carries a CSRF token: for a signed-in account an HMAC of its session token under the
app's secret key (bound to the session, nothing stored); on the sign-in form, where there is
no session yet, a double-submit pair: a random cookie value and its HMAC in the form.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.security import Role, User, token_hash
from graph_schema.errors import NetzwerkatlasError, NotFound
from graph_schema.store import GraphStore

__all__ = [
    "COOKIE",
    "LOGIN_COOKIE",
    "SESSION_KIND",
    "CsrfFailed",
    "LoginRequired",
    "check_csrf",
    "clear_session_cookie",
    "csrf_token",
    "login_csrf_pair",
    "posted_form",
    "check_login_csrf",
    "session_user",
    "set_session_cookie",
]

COOKIE = "netzwerkatlas_session"
LOGIN_COOKIE = "netzwerkatlas_login"
SESSION_KIND = "session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class LoginRequired(NetzwerkatlasError):
    """No valid session: the page sends the browser to the sign-in form."""

    status = 401


class CsrfFailed(NetzwerkatlasError):
    """A form or request without the right CSRF token (e.g. an old tab or another site)."""

    status = 403


def _secure(request: Request) -> bool:
    setting = request.app.state.settings.cookie_secure
    if setting is not None:
        return bool(setting)
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"


def _sign(request: Request, purpose: str, value: str) -> str:
    key = str(request.app.state.secret_key).encode()
    return hmac.new(key, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()


def session_user(request: Request) -> User | None:
    """The account of the request's session cookie, or None (no cookie, unknown, expired)."""
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 200:
        return None
    store: GraphStore = request.app.state.store
    digest = token_hash(token)
    stored = store.accounts.get_token(digest)
    if stored is None or stored.kind != SESSION_KIND or stored.expires_at < time.time():
        return None
    try:
        account = store.accounts.get(stored.username)
    except NotFound:
        return None
    return User(
        account.username,
        Role(account.role),
        account.organisation_id,
        account.language or "de",
        digest,
    )


def set_session_cookie(request: Request, response: Response, token: str, ttl_s: int) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=ttl_s,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request))


def csrf_token(request: Request, user: User) -> str:
    """The CSRF token of the user's session (the same on every form of the session)."""
    return _sign(request, "csrf", user.token_hash or "")


def check_csrf(request: Request, user: User, submitted: str | None) -> None:
    """Raise CsrfFailed unless ``submitted`` is the session's token."""
    if not submitted or not hmac.compare_digest(submitted, csrf_token(request, user)):
        raise CsrfFailed("csrf")


async def posted_form(request: Request, who: Callable[[Request], User]) -> tuple[FormData, User]:
    """A form posted to the web UI and who posted it, its CSRF token checked.

    ``who`` is the page's user check (e.g. signed in, or an editor); it reads the store, so
    it runs in a worker thread, after the form is read (a form is read once).
    """
    form = await request.form()
    user = await run_in_threadpool(who, request)
    check_csrf(request, user, str(form.get(CSRF_FIELD, "")) or None)
    return form, user


def login_csrf_pair(request: Request) -> tuple[str, str]:
    """(cookie value, form token) for the sign-in form; an existing cookie is reused."""
    value = request.cookies.get(LOGIN_COOKIE)
    if not value or len(value) > 100:
        value = secrets.token_urlsafe(24)
    return value, _sign(request, "login", value)


def check_login_csrf(request: Request, submitted: str | None) -> None:
    value = request.cookies.get(LOGIN_COOKIE)
    if not value or not submitted:
        raise CsrfFailed("csrf")
    if not hmac.compare_digest(submitted, _sign(request, "login", value)):
        raise CsrfFailed("csrf")


def set_login_cookie(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE,
        value,
        max_age=3600,
        path="/login",
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
