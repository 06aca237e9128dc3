"""The app's own records beside the graph: accounts, access tokens and the audit history.

They live in the same database as the graph (so a backup holds them, and an audit entry is
written in the same transaction as the change it records).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph_schema.errors import AlreadyExists, NotFound
from graph_schema.store import queries as Q
from graph_schema.store.backend import Backend, Runner
from graph_schema.store.ddl import ACCOUNT_TABLE, AUDIT_TABLE, TOKEN_TABLE

__all__ = ["Account", "AccountStore", "AuditEntry", "AuditLog", "StoredToken"]

_ACCOUNT_COLUMNS = (
    "username",
    "password_hash",
    "role",
    "organisation_id",
    "language",
    "created_at",
    "password_changed_at",
)
_TOKEN_COLUMNS = ("token_hash", "username", "kind", "expires_at", "created_at")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@dataclass
class Account:
    username: str
    password_hash: str
    role: str
    organisation_id: str | None = None
    language: str = "de"
    created_at: str | None = None
    password_changed_at: str | None = None


@dataclass
class StoredToken:
    token_hash: str
    username: str
    kind: str
    expires_at: int
    created_at: str | None = None


@dataclass
class AuditEntry:
    id: str
    seq: int
    at: str
    username: str
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AccountStore:
    """Accounts and their access tokens (stored as hashes only)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def get(self, username: str) -> Account:
        rows = self.backend.run(Q.record_get(ACCOUNT_TABLE, "username"), {"key": username})
        if not rows:
            raise NotFound(f"There is no account {username!r}: check the user name.")
        return Account(**{k: rows[0]["n"].get(k) for k in _ACCOUNT_COLUMNS})

    def exists(self, username: str) -> bool:
        return bool(self.backend.run(Q.record_get(ACCOUNT_TABLE, "username"), {"key": username}))

    def list(self) -> list[Account]:
        rows = self.backend.run(Q.record_list(ACCOUNT_TABLE, [], "n.username"))
        return [Account(**{k: r["n"].get(k) for k in _ACCOUNT_COLUMNS}) for r in rows]

    def count(self) -> int:
        return int(self.backend.run(Q.record_count(ACCOUNT_TABLE, []))[0]["total"])

    def create(self, account: Account) -> Account:
        with self.backend.transaction() as tx:
            if tx.run(Q.record_get(ACCOUNT_TABLE, "username"), {"key": account.username}):
                raise AlreadyExists(
                    f"The user name {account.username!r} is taken: choose another one."
                )
            account.created_at = account.created_at or _now()
            self._write(tx, account)
        return account

    def save(self, account: Account) -> Account:
        """Write back a changed account (it must exist)."""
        with self.backend.transaction() as tx:
            self.get(account.username)
            self._write(tx, account)
        return account

    def _write(self, tx: Runner, account: Account) -> None:
        params = {k: getattr(account, k) for k in _ACCOUNT_COLUMNS}
        tx.run(Q.record_upsert(ACCOUNT_TABLE, "username", _ACCOUNT_COLUMNS), params)

    def delete(self, username: str) -> None:
        with self.backend.transaction() as tx:
            self.get(username)
            tx.run(Q.record_delete(ACCOUNT_TABLE, "username"), {"key": username})
            tx.run(Q.record_delete_where(TOKEN_TABLE, ["n.username = $u"]), {"u": username})

    # tokens

    def add_token(self, token: StoredToken) -> None:
        token.created_at = token.created_at or _now()
        params = {k: getattr(token, k) for k in _TOKEN_COLUMNS}
        self.backend.run(Q.record_upsert(TOKEN_TABLE, "token_hash", _TOKEN_COLUMNS), params)

    def get_token(self, token_hash: str) -> StoredToken | None:
        rows = self.backend.run(Q.record_get(TOKEN_TABLE, "token_hash"), {"key": token_hash})
        if not rows:
            return None
        return StoredToken(**{k: rows[0]["n"].get(k) for k in _TOKEN_COLUMNS})

    def revoke_token(self, token_hash: str) -> None:
        self.backend.run(Q.record_delete(TOKEN_TABLE, "token_hash"), {"key": token_hash})

    def revoke_tokens_of(self, username: str) -> None:
        self.backend.run(Q.record_delete_where(TOKEN_TABLE, ["n.username = $u"]), {"u": username})

    def purge_expired(self, now: int | None = None) -> None:
        self.backend.run(
            Q.record_delete_where(TOKEN_TABLE, ["n.expires_at < $now"]),
            {"now": int(now if now is not None else time.time())},
        )


class AuditLog:
    """Who changed what when, with the values before and after."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._seq_lock = threading.Lock()
        self._last_seq = 0

    def _next_seq(self) -> int:
        with self._seq_lock:
            self._last_seq = max(self._last_seq + 1, time.time_ns() // 1000)
            return self._last_seq

    def record(
        self,
        tx: Runner,
        *,
        username: str | None,
        action: str,
        entity_type: str,
        entity_id: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        """Write one entry inside the caller's transaction."""
        tx.run(
            Q.insert_audit(AUDIT_TABLE),
            {
                "id": uuid.uuid4().hex,
                "seq": self._next_seq(),
                "at": _now(),
                "username": username or "system",
                "action": action,
                "entity_type": str(entity_type),
                "entity_id": entity_id,
                "before": None if before is None else json.dumps(before, default=str),
                "after": None if after is None else json.dumps(after, default=str),
            },
        )

    def list(
        self,
        *,
        entity_id: str | None = None,
        username: str | None = None,
        since: dt.datetime | dt.date | None = None,
        limit: int = 100,
        offset: int = 0,
        entity_type: str | None = None,
        exclude_type: str | None = None,
    ) -> tuple[list[AuditEntry], int]:
        """Entries matching every filter given, newest first, and their total
        (``exclude_type``: leave out entries of this entity type)."""
        where: list[str] = []
        params: dict[str, Any] = {}
        if entity_type:
            where.append("n.entity_type = $entity_type")
            params["entity_type"] = entity_type
        if exclude_type:
            where.append("n.entity_type <> $exclude_type")
            params["exclude_type"] = exclude_type
        if entity_id:
            where.append("n.entity_id = $entity_id")
            params["entity_id"] = entity_id
        if username:
            where.append("n.username = $username")
            params["username"] = username
        if since is not None:
            where.append("n.at >= $since")
            params["since"] = since.isoformat()
        total = int(self.backend.run(Q.record_count(AUDIT_TABLE, where), params)[0]["total"])
        window = min(limit, total - offset)  # never SKIP past the end (see GraphStore.list)
        if window <= 0:
            return [], total
        rows = self.backend.run(
            Q.record_list(AUDIT_TABLE, where, "n.seq DESC", paged=True),
            {**params, "limit": window, "offset": offset},
        )
        return [self._entry(r["n"]) for r in rows], total

    @staticmethod
    def _entry(n: Mapping[str, Any]) -> AuditEntry:
        return AuditEntry(
            id=n["id"],
            seq=int(n["seq"]),
            at=n["at"],
            username=n["username"],
            action=n["action"],
            entity_type=n["entity_type"],
            entity_id=n["entity_id"],
            before=json.loads(n["before"]) if n.get("before") else None,
            after=json.loads(n["after"]) if n.get("after") else None,
        )

    def redact(self, tx: Runner, entity_id: str, replacement: Mapping[str, Any]) -> None:
        """Replace every recorded value of an entity (for erasure on request)."""
        tx.run(
            Q.redact_audit(AUDIT_TABLE),
            {"entity_id": entity_id, "redacted": json.dumps(replacement)},
        )
