"""The German web UI: server-rendered pages (Jinja2) under ``/``, beside the JSON API.

``create_app`` adds :data:`router`, :func:`static_files` under ``/static``, the
:class:`SecurityHeaders` middleware and :func:`install_error_pages`.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from api.web import (
    accounts,
    analysis,
    auth,
    duplicates,
    entities,
    network,
    proposals,
    start,
    transfer,
)
from api.web.headers import SecurityHeaders
from api.web.render import error_page

__all__ = ["SecurityHeaders", "install_error_pages", "router", "static_files"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)
for _module in (
    auth,
    start,
    entities,
    network,
    analysis,
    accounts,
    transfer,
    duplicates,
    proposals,
):
    router.include_router(_module.router)


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC_DIR)


def install_error_pages(app: FastAPI) -> None:
    """Unknown pages outside ``/api`` get the UI's error page; ``/api`` keeps its JSON."""
    from graph_schema.errors import NotFound

    api_handler = app.exception_handlers[HTTPException]

    async def http_error(request: Request, exc: Exception) -> Response:
        path = request.url.path
        ui = not path.startswith(("/api", "/static", "/openapi.json"))
        if ui and isinstance(exc, HTTPException) and exc.status_code == 404:
            return error_page(request, NotFound("page"))
        answer = api_handler(request, exc)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(HTTPException, http_error)
