"""``/api/users``: accounts, for administrators."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from api.routes.resources import ERRORS, WRITE_ERRORS
from api.security import CurrentUser, Role, hash_password, require
from graph_schema.errors import InvalidValue
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore
from graph_schema.store.records import Account

router = APIRouter(prefix="/api/users", tags=["Accounts"], dependencies=[require(Role.ADMIN)])

Username = Annotated[str, Path(min_length=1, max_length=60)]


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=60, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=10, max_length=200)
    role: Role
    organisation_id: str | None = Field(None, description="Partners only: their organisation")
    language: str = Field("de", pattern="^(de|en)$")


class UserUpdate(BaseModel):
    password: str | None = Field(None, min_length=10, max_length=200)
    role: Role | None = None
    organisation_id: str | None = None
    language: str | None = Field(None, pattern="^(de|en)$")


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


def _check_partner(store: GraphStore, role: str, organisation_id: str | None) -> None:
    if role == Role.PARTNER:
        if not organisation_id:
            raise InvalidValue("organisation_id: a partner account needs its organisation's id.")
        store.get(NodeLabel.ORGANISATION, organisation_id)
    elif organisation_id:
        raise InvalidValue("organisation_id: only partner accounts belong to an organisation.")


@router.get("", response_model=UserListOut, responses=ERRORS)
def list_users(request: Request) -> dict[str, Any]:
    accounts = request.app.state.store.accounts.list()
    return {"items": [_out(a) for a in accounts], "total": len(accounts)}


@router.post("", response_model=UserOut, status_code=201, responses=WRITE_ERRORS)
def create_user(request: Request, body: UserCreate) -> dict[str, Any]:
    store: GraphStore = request.app.state.store
    _check_partner(store, body.role, body.organisation_id)
    account = Account(
        username=body.username,
        password_hash=hash_password(body.password),
        role=body.role.value,
        organisation_id=body.organisation_id,
        language=body.language,
        password_changed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    return _out(store.accounts.create(account))


@router.get("/{username}", response_model=UserOut, responses=ERRORS)
def get_user(request: Request, username: Username) -> dict[str, Any]:
    return _out(request.app.state.store.accounts.get(username))


@router.patch("/{username}", response_model=UserOut, responses=ERRORS)
def update_user(
    request: Request, user: CurrentUser, username: Username, body: UserUpdate
) -> dict[str, Any]:
    from api.bootstrap import password_changed

    store: GraphStore = request.app.state.store
    account = store.accounts.get(username)
    changes = body.model_dump(exclude_unset=True)
    role = changes.get("role") or account.role  # "role": null changes nothing
    org = changes["organisation_id"] if "organisation_id" in changes else account.organisation_id
    if role != Role.PARTNER and "organisation_id" not in changes:
        org = None
    _check_partner(store, role, org)
    if username == user.username and role != Role.ADMIN:
        raise InvalidValue("role: you cannot take the admin role from your own account.")
    account.role, account.organisation_id = str(role), org
    if changes.get("language"):
        account.language = changes["language"]
    if changes.get("password"):
        account.password_hash = hash_password(changes["password"])
        account.password_changed_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        store.accounts.revoke_tokens_of(username)
        password_changed(request.app.state.settings, username)
    store.accounts.save(account)
    return _out(account)


@router.delete("/{username}", status_code=204, responses=ERRORS)
def delete_user(request: Request, user: CurrentUser, username: Username) -> Response:
    if username == user.username:
        raise InvalidValue("You cannot delete your own account: ask another administrator.")
    request.app.state.store.accounts.delete(username)
    return Response(status_code=204)
