"""``GET /api/history``: every change, for admins and editors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.routes.resources import ERRORS, HistoryItemPageOut, entities
from api.security import CurrentUser, Role, require

router = APIRouter(tags=["History"])


@router.get(
    "/api/history",
    response_model=HistoryItemPageOut,
    responses=ERRORS,
    dependencies=[require(Role.ADMIN, Role.EDITOR)],
)
def list_history(
    request: Request,
    user: CurrentUser,
    entity: Annotated[str | None, Query(max_length=100, description="An entity or tie id")] = None,
    username: Annotated[str | None, Query(alias="user", max_length=100)] = None,
    since: Annotated[dt.datetime | None, Query(description="ISO date or date-time")] = None,
    limit: Annotated[int, Query(ge=0, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Changes newest first: who, when, which entity or tie, values before and after."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    rows = entities(request, user).history(
        entity_id=entity, username=username, since=since, limit=limit, offset=offset
    )
    return rows.as_dict()
