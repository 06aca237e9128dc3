"""Sign-in: argon2 password hashes, expiring access tokens stored as hashes, login limits.

The API takes a bearer token; the web UI (later) a session cookie carrying a token of kind
``session`` from the same table, so both share accounts, roles and revocation.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from graph_schema.errors import NetzwerkatlasError, NotFound
from graph_schema.store import GraphStore
from graph_schema.store.records import Account, StoredToken

__all__ = [
    "AccountRole",
    "CurrentUser",
    "LoginLimiter",
    "Role",
    "TooManyAttempts",
    "Unauthorized",
    "User",
    "authenticate",
    "current_user",
    "hash_password",
    "issue_token",
    "require",
]

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# A hash to verify against when the account does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AccountRole(StrEnum):
    """What an account may do: administer, edit, edit its own organisation, or read."""

    ADMIN = "admin"
    EDITOR = "editor"
    PARTNER = "partner"
    VIEWER = "viewer"


#: the short name used across ``api/``; the OpenAPI document knows it as ``AccountRole``
#: (``MembershipRole`` is a member's role in a body)
Role = AccountRole


class Unauthorized(NetzwerkatlasError):
    """Not signed in, or the token is unknown or expired."""

    status = 401


class Forbidden(NetzwerkatlasError):
    """Signed in, but the role does not allow this."""

    status = 403


class TooManyAttempts(NetzwerkatlasError):
    """Too many failed sign-ins; try again later."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    organisation_id: str | None = None
    language: str = "de"
    token_hash: str | None = None

    @property
    def sees_personal_data(self) -> bool:
        return self.role in (Role.ADMIN, Role.EDITOR)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        from graph_schema.errors import InvalidValue

        raise InvalidValue(
            f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters."
        )
    return _hasher.hash(password)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginLimiter:
    """Failed sign-ins per account and per address within a sliding window."""

    def __init__(self, per_account: int = 5, per_address: int = 20, window_s: int = 900) -> None:
        self.per_account = per_account
        self.per_address = per_address
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def check(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key, limit in (
                (f"u:{username.lower()}", self.per_account),
                (f"a:{address}", self.per_address),
            ):
                times = self._recent(key, now)
                if len(times) >= limit:
                    wait = int(times[0] + self.window_s - now) + 1
                    raise TooManyAttempts(
                        f"Too many failed sign-ins: wait {wait // 60 + 1} minutes and try again, "
                        "or ask an administrator to reset the password.",
                        retry_after=wait,
                    )

    def failed(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._failures[f"u:{username.lower()}"].append(now)
            self._failures[f"a:{address}"].append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"u:{username.lower()}", None)


def authenticate(
    store: GraphStore, limiter: LoginLimiter, username: str, password: str, address: str
) -> Account:
    """The account if the password is right; raises Unauthorized or TooManyAttempts."""
    limiter.check(username, address)
    try:
        account: Account | None = store.accounts.get(username)
    except NotFound:
        account = None
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
        ok = account is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or account is None:
        limiter.failed(username, address)
        raise Unauthorized("Wrong user name or password.")
    limiter.succeeded(username)
    return account


def issue_token(store: GraphStore, account: Account, *, ttl_s: int, kind: str = "api") -> str:
    """A new random token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    store.accounts.purge_expired()
    store.accounts.add_token(
        StoredToken(token_hash(token), account.username, kind, int(time.time()) + ttl_s)
    )
    return token


_bearer = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def current_user(request: Request, token: Annotated[str | None, Depends(_bearer)]) -> User:
    """The signed-in account (bearer token); 401 without a valid one."""
    if not token:
        raise Unauthorized(
            "Sign in first: send 'Authorization: Bearer <token>' from /api/auth/token."
        )
    store: GraphStore = request.app.state.store
    digest = token_hash(token)
    stored = store.accounts.get_token(digest)
    if stored is None or stored.expires_at < time.time():
        raise Unauthorized("The token is unknown or expired: sign in again at /api/auth/token.")
    try:
        account = store.accounts.get(stored.username)
    except NotFound as e:
        raise Unauthorized("The account of this token no longer exists.") from e
    return User(
        account.username,
        Role(account.role),
        account.organisation_id,
        account.language or "de",
        digest,
    )


CurrentUser = Annotated[User, Depends(current_user)]


def require(*roles: Role):  # type: ignore[no-untyped-def]
    """A dependency that lets only the given roles through (403 for the others)."""
    allowed = frozenset(roles)

    def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise Forbidden(f"Your role ({user.role}) may not do this; it needs: {names}.")
        return user

    return Depends(check)
