"""``/api/proposals``: ties partners proposed, for editors to confirm or reject; and which
tie types partners may propose (administrators choose)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel, Field

from api.routes.resources import ERRORS
from api.security import CurrentUser, Role, User, require
from api.services.proposals import Proposals

__all__ = ["ProposalOut", "router"]

router = APIRouter(prefix="/api/proposals", tags=["Proposals"])
editors = require(Role.ADMIN, Role.EDITOR)
proposers = require(Role.ADMIN, Role.EDITOR, Role.PARTNER)
ProposalId = Annotated[str, Path(min_length=1, max_length=100, description="The proposal's id")]
DECISION_ERRORS = {**ERRORS, 409: ERRORS[404] | {"description": "Already decided"}}


class ProposalOut(BaseModel):
    """A tie a partner proposed; it is part of the graph only once confirmed."""

    id: str
    status: Literal["open", "confirmed", "rejected"]
    action: str = Field(description="What is proposed: create (a new tie)")
    type: str = Field(description="The tie's relationship type")
    from_id: str
    to_id: str
    properties: dict[str, Any] = Field(description="Dates and the type's properties")
    organisation_id: str | None = Field(description="The proposing partner's organisation")
    proposed_by: str
    proposed_at: str
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    tie_id: str | None = Field(None, description="The tie made by the confirmation")
    from_label: str | None = None
    from_name: str | None = None
    to_label: str | None = None
    to_name: str | None = None


class ProposalPageOut(BaseModel):
    items: list[ProposalOut]
    total: int


class DecisionIn(BaseModel):
    reason: str | None = Field(None, max_length=2000, description="A note for the partner")


class ProposableTypesOut(BaseModel):
    types: list[str] = Field(description="Tie types partners may propose")


class ProposableTypesIn(BaseModel):
    types: list[str] = Field(max_length=20, description="Tie types partners may propose")


def _service(request: Request, user: User) -> Proposals:
    return Proposals(request.app.state.store, user)


@router.get("", response_model=ProposalPageOut, responses=ERRORS, dependencies=[proposers])
def list_proposals(
    request: Request,
    user: CurrentUser,
    status: Annotated[
        Literal["open", "confirmed", "rejected", "all"], Query(description="Which proposals")
    ] = "open",
) -> dict[str, Any]:
    """Proposals newest first: editors and administrators see all, a partner its own."""
    items = _service(request, user).list(status=None if status == "all" else status)
    return {"items": items, "total": len(items)}


@router.get("/types", response_model=ProposableTypesOut, responses=ERRORS, dependencies=[proposers])
def get_proposable_types(request: Request, user: CurrentUser) -> dict[str, Any]:
    """The tie types partners may propose (by default COOPERATES_WITH)."""
    return {"types": _service(request, user).types()}


@router.put(
    "/types",
    response_model=ProposableTypesOut,
    responses=ERRORS,
    dependencies=[require(Role.ADMIN)],
)
def set_proposable_types(
    request: Request, user: CurrentUser, body: Annotated[ProposableTypesIn, Body()]
) -> dict[str, Any]:
    """Choose the tie types partners may propose (never MEMBER_OF: seats on a body)."""
    return {"types": _service(request, user).set_types(body.types)}


@router.post(
    "/{proposal_id}/confirm",
    response_model=ProposalOut,
    responses=DECISION_ERRORS,
    dependencies=[editors],
)
def confirm_proposal(
    request: Request,
    user: CurrentUser,
    proposal_id: ProposalId,
    body: Annotated[DecisionIn | None, Body()] = None,
) -> dict[str, Any]:
    """Make the proposed tie (with its history entry) and close the proposal."""
    reason = body.reason if body else None
    return _service(request, user).confirm(proposal_id, reason=reason)


@router.post(
    "/{proposal_id}/reject",
    response_model=ProposalOut,
    responses=DECISION_ERRORS,
    dependencies=[editors],
)
def reject_proposal(
    request: Request,
    user: CurrentUser,
    proposal_id: ProposalId,
    body: Annotated[DecisionIn | None, Body()] = None,
) -> dict[str, Any]:
    """Close the proposal without a tie."""
    reason = body.reason if body else None
    return _service(request, user).reject(proposal_id, reason=reason)
