"""``/api/ties``: every relationship type, with validity dates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import JSONResponse

from api.routes.proposals import ProposalOut
from api.routes.resources import ERRORS, WRITE_ERRORS, IdPath, entities
from api.schemas import TieCreate, TieOut, TiePageOut, TieUpdate
from api.security import CurrentUser, Role, require
from api.services.proposals import proposal_out
from graph_schema.model import RelType, Tie
from graph_schema.store.proposals import Proposal

router = APIRouter(prefix="/api/ties", tags=["Ties"])
readers = require(Role.ADMIN, Role.EDITOR, Role.PARTNER, Role.VIEWER)
writers = require(Role.ADMIN, Role.EDITOR, Role.PARTNER)


def tie_out(tie: Tie) -> dict[str, Any]:
    return {"type": tie.type, **tie.model_dump(mode="json")}


@router.get("", response_model=TiePageOut, responses=ERRORS, dependencies=[readers])
def list_ties(
    request: Request,
    user: CurrentUser,
    type: Annotated[RelType | None, Query(description="Relationship type")] = None,  # noqa: A002
    from_id: Annotated[str | None, Query(max_length=100)] = None,
    to_id: Annotated[str | None, Query(max_length=100)] = None,
    as_of: Annotated[dt.date | None, Query(description="Only ties valid on this day")] = None,
) -> dict[str, Any]:
    """Ties filtered by type, ends and validity date."""
    ties = entities(request, user).list_ties(type, from_id=from_id, to_id=to_id, as_of=as_of)
    return {"items": [tie_out(t) for t in ties], "total": len(ties)}


@router.post(
    "",
    response_model=TieOut,
    status_code=201,
    responses={
        **WRITE_ERRORS,
        202: {
            "model": ProposalOut,
            "description": "A partner's tie to someone else's entry, of a type partners may "
            "propose: kept as a proposal until an editor confirms it (not yet in the graph)",
        },
    },
    dependencies=[writers],
)
def create_tie(
    request: Request,
    user: CurrentUser,
    body: Annotated[TieCreate, Body()],  # type: ignore[valid-type]
) -> Any:
    """Create a tie; the ends must exist with the labels the type joins, until >= since.

    A partner ties only its own entries (its organisation, offers, contact persons; also
    to areas, fields and target groups); a tie to another organisation's entry of a type
    the office lets partners propose answers 202 with the proposal (``/api/proposals``).
    """
    data = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    rel = RelType(data.pop("type"))
    made = entities(request, user).create_tie(rel, data)
    if isinstance(made, Proposal):
        content = ProposalOut.model_validate(proposal_out(made)).model_dump(mode="json")
        return JSONResponse(content, status_code=202)
    return tie_out(made)


@router.get("/{tie_id}", response_model=TieOut, responses=ERRORS, dependencies=[readers])
def get_tie(request: Request, user: CurrentUser, tie_id: IdPath) -> dict[str, Any]:
    return tie_out(entities(request, user).get_tie(tie_id))


@router.patch("/{tie_id}", response_model=TieOut, responses=ERRORS, dependencies=[writers])
def update_tie(
    request: Request,
    user: CurrentUser,
    tie_id: IdPath,
    body: Annotated[TieUpdate, Body()],  # type: ignore[valid-type]
) -> dict[str, Any]:
    """Change a tie's dates or properties, e.g. set ``until`` to end a cooperation."""
    changes = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    return tie_out(entities(request, user).update_tie(tie_id, changes))


@router.delete("/{tie_id}", status_code=204, responses=ERRORS, dependencies=[writers])
def delete_tie(request: Request, user: CurrentUser, tie_id: IdPath) -> Response:
    """Delete a tie entirely (to keep it in the history as ended, PATCH ``until``)."""
    entities(request, user).delete_tie(tie_id)
    return Response(status_code=204)
