"""The FastAPI application: ``create_app(settings)``."""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import openapi, web
from api.bootstrap import ensure_secret_key, secure_data_dir
from api.errors import install_error_handlers
from api.routes import (
    analysis,
    auth,
    health,
    history,
    network,
    proposals,
    resources,
    ties,
    transfer,
    users,
)
from api.security import LoginLimiter
from api.services.analysis import AnalysisService
from api.settings import Settings, open_store
from graph_schema.files import PRIVATE_UMASK
from graph_schema.store import GraphStore
from network import pool

__all__ = ["CacheStatic", "create_app"]

#: a static file asked for with its version (``?v=``, :func:`api.web.network.static_url`)
#: never changes under that address; without one (the stylesheet every page loads) it is
#: used for five minutes, then revalidated with its ETag (304 when unchanged): a new
#: release's stylesheet is seen within five minutes, and no page waits for a revalidation
#: of its render-blocking stylesheet on every visit
VERSIONED_CACHE = "public, max-age=31536000, immutable"
UNVERSIONED_CACHE = "public, max-age=300"


class CacheStatic:
    """The static files with ``Cache-Control``: a year for versioned addresses, else five
    minutes and then revalidation with the ETag that Starlette's ``StaticFiles`` sends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        value = VERSIONED_CACHE if query.get("v", [""])[0] else UNVERSIONED_CACHE

        async def send_with_cache(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                MutableHeaders(scope=message)["Cache-Control"] = value
            await send(message)

        await self.app(scope, receive, send_with_cache)


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app. Without ``store`` it opens (and initialises) the one the settings name,
    and closes it on shutdown; a given store stays the caller's to close."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        if own:  # all it writes while serving (database log, uploads, layouts): private
            secure_data_dir(settings.data_dir)
            umask = os.umask(PRIVATE_UMASK)
        app.state.store = store if store is not None else open_store(settings)
        app.state.analysis = AnalysisService(app.state.store)
        # the analysis' worker process takes a second to start: not on the first request
        threading.Thread(target=pool.warm, name="analysis-worker", daemon=True).start()
        if own:
            app.state.store.init()
        from api.web.network import start_warm_up

        start_warm_up(app)
        try:
            yield
        finally:
            app.state.analysis.clear()  # a running background job stops at its next step
            if own:
                pool.shutdown()
                app.state.store.close()
                os.umask(umask)

    app = FastAPI(
        title="Netzwerkatlas",
        summary="Stakeholder network and cooperation manager for regional integration work",
        version="0.1.0",
        lifespan=lifespan,
        # FastAPI's Swagger UI and ReDoc load their scripts from a CDN: not here (offline,
        # no leaks); openapi.install serves the document and /docs to signed-in accounts
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        generate_unique_id_function=openapi.operation_id,
    )
    app.state.settings = settings
    app.state.limiter = LoginLimiter()
    app.state.secret_key = ensure_secret_key(settings)
    install_error_handlers(app)
    if settings.cors_origins.strip():
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=[o.strip() for o in settings.cors_origins.split(",") if o.strip()],
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.include_router(health.router)
    openapi.install(app)
    app.include_router(auth.router)
    app.include_router(users.router)
    for resource in resources.RESOURCES:
        app.include_router(
            resources.build_router(resource),
            generate_unique_id_function=openapi.resource_operation_id(resource),
        )
    app.include_router(ties.router)
    app.include_router(proposals.router)
    app.include_router(network.router)
    app.include_router(history.router)
    app.include_router(analysis.router)
    app.include_router(transfer.router)
    # the web UI: pages, their static files, HTML error pages, security headers (CSP)
    app.include_router(web.router)
    app.mount("/static", CacheStatic(web.static_files()), name="static")
    web.install_error_pages(app)
    app.add_middleware(web.SecurityHeaders)
    return app
