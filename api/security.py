"""Sign-in: argon2 password hashes, expiring access tokens stored as hashes, sign-in throttles.

The API takes a bearer token; the web UI (later) a session cookie carrying a token of kind
``session`` from the same table, so both share accounts, roles and revocation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from math import ceil
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
    "ACCOUNT_ENTITY",
    "SIGN_IN_FAILED",
    "Throttle",
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


#: the longest wait one account's failures impose on an address; well under a minute, so
#: the right password gets in within a minute whatever an attacker elsewhere does
ACCOUNT_DELAY_CAP_S = 30.0
#: the longest wait one address's failures (on any accounts) impose on that address
ADDRESS_DELAY_CAP_S = 30.0
#: failures an address may make (in any accounts) before it waits at all: colleagues
#: behind one proxy mistype too
ADDRESS_ALLOWANCE = 5
#: failures older than this (seconds without a new one) are forgotten
FORGET_AFTER_S = 900.0


def _delay(failures: int, cap: float) -> float:
    """1 s after the first failure, doubling with each further one, at most ``cap``."""
    if failures <= 0:
        return 0.0
    return min(cap, 2.0 ** min(failures - 1, 16))


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0  # clock time of the latest failure
    at: float = 0.0  # wall time of the latest failure, for the administrators' list


@dataclass(frozen=True)
class Throttle:
    """A current throttle, as administrators see it."""

    kind: str  # "account" or "address"
    key: str  # the user name (lower case) or the address
    failures: int
    retry_after: int  # seconds until the next attempt is answered (0: now)
    last_failure_at: str


class LoginLimiter:
    """Throttles sign-ins: a growing, capped delay per account and per address; no lockout.

    - **Per account**: after the n-th failure in a row the account's next attempt waits
      ``min(2**(n-1), 30)`` seconds. The wait is handed to each address as its own turn:
      an address that arrives during a wait gets 429 with the wait left and may try once
      that time has come, whatever failures other addresses add meanwhile. So an attacker
      elsewhere cannot keep pushing a person's turn forward: the right password gets in
      at most 30 s after the first refused try.
    - **Per address**: beyond ``ADDRESS_ALLOWANCE`` failures (any accounts) the address
      itself waits, doubling from 1 s, at most 30 s; other addresses are not affected.
    - Refused attempts (429) are not checked and add no failure. An admitted attempt counts
      as failed until :meth:`succeeded` says otherwise, so parallel requests cannot slip
      past a wait. Failures are forgotten after 15 minutes without a new one.

    ``clock`` (monotonic seconds) is injectable, so tests need no sleeps.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        account_cap_s: float = ACCOUNT_DELAY_CAP_S,
        address_cap_s: float = ADDRESS_DELAY_CAP_S,
        address_allowance: int = ADDRESS_ALLOWANCE,
        forget_after_s: float = FORGET_AFTER_S,
    ) -> None:
        self.clock = clock
        self.account_cap_s = account_cap_s
        self.address_cap_s = address_cap_s
        self.address_allowance = address_allowance
        self.forget_after_s = forget_after_s
        self._accounts: dict[str, _Failures] = {}
        self._addresses: dict[str, _Failures] = {}
        #: (account, address) -> clock time from which that address may try that account
        self._turns: dict[tuple[str, str], float] = {}
        self._pruned = 0.0
        self._lock = threading.Lock()

    def _account_until(self, f: _Failures) -> float:
        return f.last + _delay(f.count, self.account_cap_s)

    def _address_until(self, f: _Failures) -> float:
        return f.last + _delay(f.count - self.address_allowance, self.address_cap_s)

    def _prune(self, now: float) -> None:
        if now - self._pruned < 60:
            return
        self._pruned = now
        for table in (self._accounts, self._addresses):
            for key in [k for k, f in table.items() if now - f.last > self.forget_after_s]:
                del table[key]
        for turn in [t for t, at in self._turns.items() if at < now]:
            del self._turns[turn]

    def admit(self, username: str, address: str) -> None:
        """Let this attempt be checked, or raise TooManyAttempts with the wait left."""
        user = _key(username)
        with self._lock:
            now = self.clock()
            self._prune(now)
            wait = self._wait(user, address, now)
            if wait > 0:
                raise TooManyAttempts(
                    f"Too many failed sign-ins: wait {ceil(wait)} seconds and try again.",
                    retry_after=max(1, ceil(wait)),
                )
            # counted as failed until succeeded() says otherwise (see the class doc)
            for table, key in ((self._accounts, user), (self._addresses, address)):
                f = table.setdefault(key, _Failures())
                fresh = now - f.last <= self.forget_after_s
                f.count, f.last, f.at = (f.count if fresh else 0) + 1, now, time.time()
            self._turns[(user, address)] = self._account_until(self._accounts[user])

    def _wait(self, user: str, address: str, now: float) -> float:
        """Seconds this address must still wait for this account (0: may try now)."""
        own = self._addresses.get(address)
        address_wait = self._address_until(own) - now if own is not None else 0.0
        turn = self._turns.get((user, address))
        if turn is None:
            account = self._accounts.get(user)
            if account is None or now >= self._account_until(account):
                return max(0.0, address_wait)
            # arriving during the account's wait: this address's turn is when it ends
            turn = self._turns[(user, address)] = self._account_until(account)
        return max(0.0, address_wait, turn - now)

    def succeeded(self, username: str, address: str) -> None:
        """The admitted attempt had the right password: undo its failure."""
        user = _key(username)
        with self._lock:
            self._accounts.pop(user, None)
            self._turns.pop((user, address), None)
            f = self._addresses.get(address)
            if f is not None:
                f.count = max(0, f.count - 1)

    def throttles(self) -> list[Throttle]:
        """Accounts and addresses with failures not yet forgotten, longest wait first."""
        with self._lock:
            now = self.clock()
            rows = [
                Throttle(kind, key, f.count, max(0, ceil(until(f) - now)), _iso(f.at))
                for kind, table, until in (
                    ("account", self._accounts, self._account_until),
                    ("address", self._addresses, self._address_until),
                )
                for key, f in table.items()
                if f.count > 0 and now - f.last <= self.forget_after_s
            ]
        return sorted(rows, key=lambda t: (-t.retry_after, t.kind, t.key))

    def lift(self, *, account: str | None = None, address: str | None = None) -> int:
        """Forget the failures of an account and/or an address (neither: all); how many."""
        with self._lock:
            if account is None and address is None:
                lifted = len(self._accounts) + len(self._addresses)
                self._accounts.clear()
                self._addresses.clear()
                self._turns.clear()
                return lifted
            lifted = 0
            if account is not None:
                user = _key(account)
                lifted += self._accounts.pop(user, None) is not None
                for turn in [t for t in self._turns if t[0] == user]:
                    del self._turns[turn]
            if address is not None:
                lifted += self._addresses.pop(address, None) is not None
                for turn in [t for t in self._turns if t[1] == address]:
                    del self._turns[turn]
            return lifted


def _key(username: str) -> str:
    """The throttle's key of a user name (bounded: the API does not limit its length)."""
    return username.lower()[:100]


def _iso(wall: float) -> str:
    return dt.datetime.fromtimestamp(wall, dt.UTC).isoformat(timespec="seconds")


#: the history action of a failed sign-in (user name and address, never the password)
SIGN_IN_FAILED = "sign_in_failed"
#: the history's entity type of sign-in entries (entity id: the user name tried)
ACCOUNT_ENTITY = "account"


def _record_failure(store: GraphStore, username: str, address: str) -> None:
    name = username[:100]
    with store.transaction() as tx:
        store.audit.record(
            tx,
            username=name,
            action=SIGN_IN_FAILED,
            entity_type=ACCOUNT_ENTITY,
            entity_id=name,
            before=None,
            after={"username": name, "address": address},
        )


def authenticate(
    store: GraphStore, limiter: LoginLimiter, username: str, password: str, address: str
) -> Account:
    """The account if the password is right; raises Unauthorized or TooManyAttempts.

    A wrong password (or an unknown user name) is written to the history as
    ``sign_in_failed``; an attempt refused by the throttle (429) is not checked.
    """
    limiter.admit(username, address)
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
        _record_failure(store, username, address)
        raise Unauthorized("Wrong user name or password.")
    limiter.succeeded(username, address)
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
