"""Sign-in (``/api/auth/token``), sign-out and the signed-in account (``/api/me``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.routes.resources import ERRORS
from api.schemas import ErrorOut
from api.security import (
    CurrentUser,
    TooManyAttempts,
    authenticate,
    hash_password,
    issue_token,
)
from graph_schema.errors import InvalidValue
from graph_schema.store import GraphStore

router = APIRouter(tags=["Accounts"])


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires")


class MeOut(BaseModel):
    username: str
    role: str
    organisation_id: str | None = None
    language: str = "de"


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(min_length=10, max_length=200)


class MeUpdate(BaseModel):
    language: Literal["de", "en"] | None = None


@router.post(
    "/api/auth/token",
    response_model=TokenOut,
    responses={
        401: {"model": ErrorOut, "description": "Wrong user name or password"},
        429: {"model": ErrorOut, "description": "Too many failed sign-ins"},
        422: {"model": ErrorOut, "description": "Missing form fields"},
    },
)
def sign_in(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> dict[str, Any] | JSONResponse:
    """OAuth2 password flow: form fields ``username`` and ``password``."""
    store: GraphStore = request.app.state.store
    address = request.client.host if request.client else "unknown"
    try:
        account = authenticate(
            store, request.app.state.limiter, form.username, form.password, address
        )
    except TooManyAttempts as e:
        return JSONResponse(
            {"detail": e.message}, status_code=429, headers={"Retry-After": str(e.retry_after)}
        )
    ttl = request.app.state.settings.token_ttl_minutes * 60
    token = issue_token(store, account, ttl_s=ttl)
    return {"access_token": token, "token_type": "bearer", "expires_in": ttl}


@router.post("/api/auth/logout", status_code=204, responses=ERRORS)
def sign_out(request: Request, user: CurrentUser) -> Response:
    """Revoke the token this request was made with."""
    if user.token_hash:
        request.app.state.store.accounts.revoke_token(user.token_hash)
    return Response(status_code=204)


@router.get("/api/me", response_model=MeOut, responses=ERRORS)
def get_me(user: CurrentUser) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "organisation_id": user.organisation_id,
        "language": user.language,
    }


@router.patch("/api/me", response_model=MeOut, responses=ERRORS)
def update_me(request: Request, user: CurrentUser, body: MeUpdate) -> dict[str, Any]:
    """Change the signed-in account's language."""
    store: GraphStore = request.app.state.store
    account = store.accounts.get(user.username)
    if body.language:
        account.language = body.language
    store.accounts.save(account)
    return {
        "username": account.username,
        "role": account.role,
        "organisation_id": account.organisation_id,
        "language": account.language,
    }


@router.post(
    "/api/me/password",
    status_code=204,
    responses={**ERRORS, 429: {"model": ErrorOut, "description": "Too many failed sign-ins"}},
)
def change_password(request: Request, user: CurrentUser, body: PasswordChange) -> Response:
    """Change the own password; every other token of the account is revoked."""
    from api.bootstrap import password_changed
    from api.security import Unauthorized

    store: GraphStore = request.app.state.store
    try:
        authenticate(
            store,
            request.app.state.limiter,
            user.username,
            body.current_password,
            request.client.host if request.client else "unknown",
        )
    except Unauthorized as e:
        raise InvalidValue("current_password: this is not your current password.") from e
    account = store.accounts.get(user.username)
    account.password_hash = hash_password(body.new_password)
    store.accounts.save(account)
    store.accounts.revoke_tokens_of(user.username)
    password_changed(request.app.state.settings, account.username)
    return Response(status_code=204)
