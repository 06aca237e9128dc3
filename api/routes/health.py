"""``GET /api/health``: is the app up, which store, which schema, how much data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

router = APIRouter(tags=["health"])


@router.get("/api/health")
def get_health(request: Request) -> dict[str, Any]:
    store = request.app.state.store
    return {
        "status": "ok",
        "store": store.backend_name,
        "schema_version": store.schema_version(),
        "counts": store.counts(),
    }
