"""Rendering pages: one Jinja2 environment per language, the page context, error pages.

Templates autoescape everything; values reach the page as text unless a template marks
them otherwise (only server-built SVG charts are, see :mod:`viz.charts`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Coroutine, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from api.i18n import Text
from api.security import Forbidden, Role, User
from api.services.proposals import count_open
from api.web import labels
from api.web.i18n import LANGUAGES, language_of, translations
from api.web.session import CsrfFailed, LoginRequired, csrf_token, session_user
from graph_schema.errors import NetzwerkatlasError, NotFound, StoreBusy, StoreUnavailable
from graph_schema.vocab import label_for

__all__ = [
    "TEMPLATES_DIR",
    "WebRoute",
    "environment",
    "error_message",
    "error_page",
    "gettext_for",
    "page_admin",
    "page_editor",
    "page_user",
    "render",
    "require_roles",
]

log = logging.getLogger("netzwerkatlas.web")

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def _json_for_script(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


@cache
def environment(lang: str) -> Environment:
    """The template environment of one language (translations installed once)."""
    lang = language_of(lang)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    locale = "de_DE" if lang == "de" else "en_GB"

    def date_filter(value: Any) -> str:
        if value in (None, ""):
            return ""
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value[:10])
            except ValueError:
                return value
        return format_date(value, format="medium", locale=locale)

    def datetime_filter(value: Any) -> str:
        if not value:
            return ""
        try:
            when = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return format_datetime(when, format="short", locale=locale, tzinfo=dt.UTC)

    def number_filter(value: Any, digits: int = 0) -> str:
        if value is None:
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=locale)

    t = translations(lang)
    env.filters.update(
        date=date_filter,
        datetime=datetime_filter,
        number=number_filter,
        vocab=lambda code: label_for(str(code), lang) if code is not None else "",
        tr=lambda msg: _translated(msg, t.gettext),
        script_json=_json_for_script,
    )
    env.globals.update(
        lang=lang,
        LANGUAGES=LANGUAGES,
        PROPERTIES=labels.PROPERTIES,
        NODE_LABELS=labels.NODE_LABELS,
        REL_TYPES=labels.REL_TYPES,
        LIST_PAGES=labels.LIST_PAGES,
        ACCOUNT_ROLES=labels.ACCOUNT_ROLES,
        ACTIONS=labels.ACTIONS,
    )
    return env


def _translated(msg: str | Text | None, _: Callable[[str], str]) -> str:
    """The ``tr`` filter: a msgid or a :class:`Text` in the page's language."""
    if isinstance(msg, Text):
        return msg.render(_)
    return _(msg) if msg else ""


def gettext_for(lang: str | None) -> Callable[[str], str]:
    return translations(language_of(lang)).gettext


def error_message(exc: NetzwerkatlasError, _: Callable[[str], str]) -> str:
    """The error's message, in the reader's language where it carries a :class:`Text`."""
    text = getattr(exc, "text", None)
    return text.render(_) if isinstance(text, Text) else exc.message


def _query(request: Request, **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    for k, v in changes.items():
        if v is None:
            continue
        if isinstance(v, list | tuple):
            params += [(k, str(x)) for x in v]
        else:
            params.append((k, str(v)))
    return "?" + urlencode(params) if params else "?"


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """A page: the template with the user, their CSRF token and the navigation."""
    user: User | None = getattr(request.state, "user", None)
    lang = language_of(user.language if user else None)
    env = environment(lang)
    ctx: dict[str, Any] = {
        "request": request,
        "user": user,
        "csrf": csrf_token(request, user) if user else "",
        "path": request.url.path,
        "query": lambda **kw: _query(request, **kw),
        "is_admin": bool(user and user.role == Role.ADMIN),
        "is_editor": bool(user and user.role in (Role.ADMIN, Role.EDITOR)),
        "open_proposals": lambda: _open_proposals(request),
    }
    ctx.update(context or {})
    html = env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status, headers=dict(headers or {}))


def _open_proposals(request: Request) -> int | None:
    """How many proposals wait for an editor (the navigation's count); None when unknown."""
    try:
        return count_open(request.app.state.store)
    except NetzwerkatlasError:  # e.g. the store is down: the navigation shows no count
        return None


def page_user(request: Request) -> User:
    """Dependency of every page: the signed-in account, else LoginRequired."""
    user = session_user(request)
    if user is None:
        raise LoginRequired("login")
    request.state.user = user
    return user


def require_roles(user: User, *roles: Role) -> None:
    if user.role not in roles:
        raise Forbidden("role")


def page_editor(request: Request) -> User:
    """Dependency of the editors' pages: a signed-in administrator or editor."""
    user = page_user(request)
    require_roles(user, Role.ADMIN, Role.EDITOR)
    return user


def page_admin(request: Request) -> User:
    """Dependency of the administrators' pages."""
    user = page_user(request)
    require_roles(user, Role.ADMIN)
    return user


def error_page(request: Request, exc: BaseException) -> Response:
    """The German (or English) page for an error; never a stack trace."""
    if isinstance(exc, LoginRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = request.headers.get("referer", "/") or "/"
            if not target.startswith("/"):
                from urllib.parse import urlsplit

                parts = urlsplit(target)
                target = parts.path + (f"?{parts.query}" if parts.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    user: User | None = getattr(request.state, "user", None)
    if user is None:
        try:
            user = session_user(request)
        except Exception:  # noqa: BLE001 - e.g. the store is down: render without a user
            user = None
        request.state.user = user
    _ = gettext_for(user.language if user else None)
    detail = ""
    if isinstance(exc, CsrfFailed):
        status = 403
        title = _("Formular abgelaufen")
        text = _(
            "Das Formular ist abgelaufen oder kam nicht von dieser Seite. "
            "Bitte laden Sie die Seite neu und versuchen Sie es noch einmal."
        )
    elif isinstance(exc, Forbidden):
        status = 403
        title = _("Keine Berechtigung")
        text = _("Ihre Rolle erlaubt diese Seite oder Aktion nicht.")
    elif isinstance(exc, NotFound):
        status = 404
        title = _("Nicht gefunden")
        text = _("Diesen Eintrag oder diese Seite gibt es nicht (mehr).")
    elif isinstance(exc, RequestValidationError):
        status = 400
        title = _("Ungültige Anfrage")
        text = _("Die Adresse enthält ungültige Angaben. Bitte prüfen Sie Filter und Datum.")
        detail = "; ".join(
            ".".join(str(x) for x in e.get("loc", ()) if x != "query") for e in exc.errors()
        )
    elif isinstance(exc, StoreBusy | StoreUnavailable):
        status = 503
        title = _("Datenbank nicht erreichbar")
        text = _("Die Datenbank ist gerade belegt oder nicht erreichbar. Bitte später erneut.")
    elif isinstance(exc, NetzwerkatlasError):
        status = exc.status if 400 <= exc.status < 600 else 500
        title = _("Das ging nicht")
        text = _("Die Aktion wurde nicht ausgeführt.")
        detail = error_message(exc, _)
    else:
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        status = 500
        title = _("Interner Fehler")
        text = _(
            "Etwas ist schiefgegangen. Die Einzelheiten stehen im Protokoll des Servers; "
            "bitte versuchen Sie es noch einmal."
        )
    try:
        return render(
            request,
            "error.html",
            {"title": title, "text": text, "detail": detail, "status": status},
            status=status,
        )
    except Exception:  # noqa: BLE001 - the error page itself must never fail loudly
        log.exception("error page failed")
        return HTMLResponse(f"<!doctype html><title>{status}</title><p>{status}</p>", status)


class WebRoute(APIRoute):
    """A page route: every exception becomes an error page (or the way to the sign-in)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # noqa: BLE001 - turned into a page
                return error_page(request, exc)

        return route
