"""One error shape everywhere: ``{"detail": "..."}`` with the domain error's status."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from graph_schema.errors import NetzwerkatlasError

__all__ = ["install_error_handlers"]

log = logging.getLogger("netzwerkatlas")


def _describe(error: dict[str, object]) -> str:
    loc = ".".join(str(x) for x in error.get("loc", ()) if x not in ("body", "query", "path"))
    msg = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NetzwerkatlasError)
    async def domain_error(request: Request, exc: NetzwerkatlasError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse({"detail": exc.message}, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = "; ".join(_describe(e) for e in exc.errors())
        return JSONResponse({"detail": f"Invalid request: {detail}"}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": "Internal error: the server log has the details."}, status_code=500
        )
