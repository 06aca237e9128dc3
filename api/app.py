"""The FastAPI application: ``create_app(settings)``."""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

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

__all__ = ["create_app"]


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
    app.mount("/static", web.static_files(), name="static")
    web.install_error_pages(app)
    app.add_middleware(web.SecurityHeaders)
    return app
