"""The FastAPI application: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import health
from api.settings import Settings, open_store
from graph_schema.store import GraphStore

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app. Without ``store`` it opens (and initialises) the one the settings name,
    and closes it on shutdown; a given store stays the caller's to close."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        app.state.store = store if store is not None else open_store(settings)
        if own:
            app.state.store.init()
        try:
            yield
        finally:
            if own:
                app.state.store.close()

    app = FastAPI(
        title="Netzwerkatlas",
        summary="Stakeholder network and cooperation manager for regional integration work",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    return app
