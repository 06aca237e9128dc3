"""``/api/users``: accounts, for administrators (the rules: :mod:`api.services.accounts`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel

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
