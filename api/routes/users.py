"""``/api/users``: accounts and sign-in throttles, for administrators (the rules:
:mod:`api.services.accounts`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from api.routes.resources import ERRORS, WRITE_ERRORS
from api.security import CurrentUser, Role, require
from api.services import accounts
from api.services.accounts import UserCreate, UserUpdate
from graph_schema.store.records import Account

router = APIRouter(prefix="/api/users", tags=["Accounts"], dependencies=[require(Role.ADMIN)])

Username = Annotated[str, Path(min_length=1, max_length=60)]


class UserOut(BaseModel):
    username: str
    role: Role
    organisation_id: str | None = None
    language: str = "de"
    created_at: str | None = None


class UserListOut(BaseModel):
    items: list[UserOut]
    total: int


def _out(a: Account) -> dict[str, Any]:
    return {
        "username": a.username,
        "role": a.role,
        "organisation_id": a.organisation_id,
        "language": a.language or "de",
        "created_at": a.created_at,
    }


@router.get("", response_model=UserListOut, responses=ERRORS)
def list_users(request: Request) -> dict[str, Any]:
    found = accounts.list_accounts(request.app.state.store)
    return {"items": [_out(a) for a in found], "total": len(found)}


@router.post("", response_model=UserOut, status_code=201, responses=WRITE_ERRORS)
def create_user(request: Request, body: UserCreate) -> dict[str, Any]:
    return _out(accounts.create_account(request.app.state.store, body))


class ThrottleOut(BaseModel):
    kind: Literal["account", "address"]
    key: str = Field(description="The user name tried (lower case) or the address")
    failures: int = Field(description="Failed sign-ins in a row, not yet forgotten")
    retry_after: int = Field(description="Seconds until the next attempt is checked (0: now)")
    last_failure_at: str


class ThrottleListOut(BaseModel):
    items: list[ThrottleOut]
    total: int


# before "/{username}": these paths would otherwise be read as a user name
@router.get("/throttles", response_model=ThrottleListOut, responses=ERRORS)
def list_throttles(request: Request) -> dict[str, Any]:
    """Sign-in throttles: accounts and addresses with recent failed sign-ins."""
    found = accounts.list_throttles(request.app.state.limiter)
    return {"items": [asdict(t) for t in found], "total": len(found)}


@router.delete("/throttles", status_code=204, responses=ERRORS)
def lift_throttles(
    request: Request,
    user: CurrentUser,
    account: Annotated[str | None, Query(max_length=100)] = None,
    address: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """Lift the throttle of an account and/or an address; neither given: every throttle."""
    state = request.app.state
    accounts.lift_throttles(state.store, state.limiter, user, account=account, address=address)
    return Response(status_code=204)


@router.get("/{username}", response_model=UserOut, responses=ERRORS)
def get_user(request: Request, username: Username) -> dict[str, Any]:
    return _out(accounts.get_account(request.app.state.store, username))


@router.patch("/{username}", response_model=UserOut, responses=ERRORS)
def update_user(
    request: Request, user: CurrentUser, username: Username, body: UserUpdate
) -> dict[str, Any]:
    state = request.app.state
    return _out(accounts.change_account(state.store, state.settings, user, username, body))


@router.delete("/{username}", status_code=204, responses=ERRORS)
def delete_user(request: Request, user: CurrentUser, username: Username) -> Response:
    accounts.delete_account(request.app.state.store, user, username)
    return Response(status_code=204)
