"""``GET /api/health``: is the app up, which store, which schema, how much data."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: str = Field(description="'ok' when the app answers")
    store: str = Field(description="The backend: ladybug or neo4j")
    schema_version: int = Field(description="The highest migration applied to the database")
    counts: dict[str, int] = Field(description="Entries per label and ties per type")


@router.get("/api/health")
def get_health(request: Request) -> HealthOut:
    store = request.app.state.store
    return HealthOut(
        status="ok",
        store=store.backend_name,
        schema_version=store.schema_version(),
        counts=store.counts(),
    )
