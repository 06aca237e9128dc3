"""One error shape everywhere: ``{"detail": "..."}`` with the domain error's status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_schema.errors import NetzwerkatlasError

__all__ = ["CatchUnexpected", "install_error_handlers"]

log = logging.getLogger("netzwerkatlas")


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(str(x) for x in error.get("loc", ()) if x not in ("body", "query", "path"))
    msg = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


INTERNAL = {"detail": "Internal error: the server log has the details."}


class CatchUnexpected:
    """Pure ASGI middleware: an unexpected error ends as a logged 500 answer, not as an
    exception raised into the server (uvicorn would then close the connection, and the
    client's next request on it would fail too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await JSONResponse(INTERNAL, status_code=500)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NetzwerkatlasError)
    async def domain_error(request: Request, exc: NetzwerkatlasError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:  # a sign-in throttle (429) says how long to wait
            headers = {"Retry-After": str(retry_after)}
        return JSONResponse({"detail": exc.message}, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = "; ".join(_describe(e) for e in exc.errors())
        return JSONResponse({"detail": f"Invalid request: {detail}"}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        # FastAPI answers 400 for a body it cannot decode at all (e.g. not UTF-8), but 422
        # for malformed JSON; both are invalid input, so both get the documented 422.
        if exc.status_code == 400:
            return JSONResponse(
                {"detail": "Invalid request: the body is not valid JSON."}, status_code=422
            )
        return await http_exception_handler(request, exc)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(INTERNAL, status_code=500)

    app.add_middleware(CatchUnexpected)
