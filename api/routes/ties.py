"""``/api/ties``: every relationship type, with validity dates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response

from api.permissions import check_tie_change
from api.routes.resources import ERRORS, WRITE_ERRORS, IdPath
from api.schemas import TieCreate, TieOut, TiePageOut, TieUpdate
from api.security import CurrentUser, Role, require
from graph_schema.model import REL_SPECS, RelType, Tie
from graph_schema.store import GraphStore

router = APIRouter(prefix="/api/ties", tags=["Ties"])
readers = require(Role.ADMIN, Role.EDITOR, Role.PARTNER, Role.VIEWER)
writers = require(Role.ADMIN, Role.EDITOR, Role.PARTNER)


def _store(request: Request) -> GraphStore:
    return request.app.state.store  # type: ignore[no-any-return]


def tie_out(tie: Tie) -> dict[str, Any]:
    return {"type": tie.type, **tie.model_dump(mode="json")}


@router.get("", response_model=TiePageOut, responses=ERRORS, dependencies=[readers])
def list_ties(
    request: Request,
    type: Annotated[RelType | None, Query(description="Relationship type")] = None,  # noqa: A002
    from_id: Annotated[str | None, Query(max_length=100)] = None,
    to_id: Annotated[str | None, Query(max_length=100)] = None,
    as_of: Annotated[dt.date | None, Query(description="Only ties valid on this day")] = None,
) -> dict[str, Any]:
    """Ties filtered by type, ends and validity date."""
    ties = _store(request).list_ties(type, from_id=from_id, to_id=to_id, as_of=as_of)
    return {"items": [tie_out(t) for t in ties], "total": len(ties)}


@router.post(
    "", response_model=TieOut, status_code=201, responses=WRITE_ERRORS, dependencies=[writers]
)
def create_tie(
    request: Request,
    user: CurrentUser,
    body: Annotated[TieCreate, Body()],  # type: ignore[valid-type]
) -> dict[str, Any]:
    """Create a tie; the ends must exist with the labels the type joins, until >= since."""
    store = _store(request)
    data = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    rel = RelType(data.pop("type"))
    allowed = set(REL_SPECS[rel].model.model_fields)
    extra = sorted(k for k in data if k not in allowed)
    if extra:
        from graph_schema.errors import InvalidValue

        raise InvalidValue(f"{rel} ties have no {', '.join(extra)}: remove them.")
    probe = REL_SPECS[rel].model.model_construct(**data)
    check_tie_change(store, user, probe)
    tie = store.link(rel, actor=user.username, **data)
    return tie_out(tie)


@router.get("/{tie_id}", response_model=TieOut, responses=ERRORS, dependencies=[readers])
def get_tie(request: Request, tie_id: IdPath) -> dict[str, Any]:
    return tie_out(_store(request).get_tie(tie_id))


@router.patch("/{tie_id}", response_model=TieOut, responses=ERRORS, dependencies=[writers])
def update_tie(
    request: Request,
    user: CurrentUser,
    tie_id: IdPath,
    body: Annotated[TieUpdate, Body()],  # type: ignore[valid-type]
) -> dict[str, Any]:
    """Change a tie's dates or properties, e.g. set ``until`` to end a cooperation."""
    store = _store(request)
    current = store.get_tie(tie_id)
    check_tie_change(store, user, current)
    changes = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    return tie_out(store.update_tie(tie_id, changes, actor=user.username))


@router.delete("/{tie_id}", status_code=204, responses=ERRORS, dependencies=[writers])
def delete_tie(request: Request, user: CurrentUser, tie_id: IdPath) -> Response:
    """Delete a tie entirely (to keep it in the history as ended, PATCH ``until``)."""
    store = _store(request)
    check_tie_change(store, user, store.get_tie(tie_id))
    store.unlink(tie_id, actor=user.username)
    return Response(status_code=204)
