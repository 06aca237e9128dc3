"""Accounts: create, change (role, partner binding, language, password) and delete, with
the rules that keep them sound, for ``/api/users`` and the page ``/konten`` alike:

- a partner account belongs to one existing organisation; other roles to none;
- administrators can neither take the admin role from their own account nor delete it, so
  one administrator is always left;
- a new password ends every session and token of the account;
- administrators see the sign-in throttles (:class:`api.security.LoginLimiter`) and lift
  them; lifting is written to the history.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.security import (
    ACCOUNT_ENTITY,
    LoginLimiter,
    Role,
    Throttle,
    User,
    hash_password,
)
from api.settings import Settings
from graph_schema.errors import InvalidValue
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore
from graph_schema.store.records import Account, AuditEntry

__all__ = [
    "AccountRuleBroken",
    "UserCreate",
    "UserUpdate",
    "change_account",
    "create_account",
    "delete_account",
    "get_account",
    "lift_throttles",
    "list_accounts",
    "list_sign_in_events",
    "list_throttles",
]


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


class AccountRuleBroken(InvalidValue):
    """A change an account rule forbids; ``rule`` names which (pages word it themselves).

    Rules: ``partner_needs_organisation``, ``organisation_only_for_partners``,
    ``own_admin_role``, ``own_account``.
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _check_partner(store: GraphStore, role: str, organisation_id: str | None) -> None:
    """A partner names an existing organisation (NotFound otherwise); no one else does."""
    if role == Role.PARTNER:
        if not organisation_id:
            raise AccountRuleBroken(
                "partner_needs_organisation",
                "organisation_id: a partner account needs its organisation's id.",
            )
        store.get(NodeLabel.ORGANISATION, organisation_id)
    elif organisation_id:
        raise AccountRuleBroken(
            "organisation_only_for_partners",
            "organisation_id: only partner accounts belong to an organisation.",
        )


def list_accounts(store: GraphStore) -> list[Account]:
    return list(store.accounts.list())


def get_account(store: GraphStore, username: str) -> Account:
    return store.accounts.get(username)


def create_account(store: GraphStore, new: UserCreate) -> Account:
    """A new account (AlreadyExists for a taken username)."""
    _check_partner(store, new.role, new.organisation_id)
    account = Account(
        username=new.username,
        password_hash=hash_password(new.password),
        role=new.role.value,
        organisation_id=new.organisation_id,
        language=new.language,
        password_changed_at=_now(),
    )
    return store.accounts.create(account)


def change_account(
    store: GraphStore, settings: Settings, actor: User, username: str, changes: UserUpdate
) -> Account:
    """Apply the fields set in ``changes``; a role other than partner drops the
    organisation unless one is given (which is then an error)."""
    from api.bootstrap import password_changed

    account = store.accounts.get(username)
    given = changes.model_dump(exclude_unset=True)
    role = given.get("role") or account.role  # "role": null changes nothing
    org = given["organisation_id"] if "organisation_id" in given else account.organisation_id
    if role != Role.PARTNER and "organisation_id" not in given:
        org = None
    _check_partner(store, role, org)
    if username == actor.username and role != Role.ADMIN:
        raise AccountRuleBroken(
            "own_admin_role", "role: you cannot take the admin role from your own account."
        )
    account.role, account.organisation_id = str(role), org
    if given.get("language"):
        account.language = given["language"]
    if given.get("password"):
        account.password_hash = hash_password(given["password"])
        account.password_changed_at = _now()
        store.accounts.revoke_tokens_of(username)
        password_changed(settings, username)
    store.accounts.save(account)
    return account


def delete_account(store: GraphStore, actor: User, username: str) -> None:
    if username == actor.username:
        raise AccountRuleBroken(
            "own_account", "You cannot delete your own account: ask another administrator."
        )
    store.accounts.delete(username)


def list_throttles(limiter: LoginLimiter) -> list[Throttle]:
    """Accounts and addresses with recent failed sign-ins, longest wait first."""
    return limiter.throttles()


def lift_throttles(
    store: GraphStore,
    limiter: LoginLimiter,
    actor: User,
    *,
    account: str | None = None,
    address: str | None = None,
) -> int:
    """Forget the failed sign-ins of an account and/or an address (neither: all)."""
    lifted = limiter.lift(account=account, address=address)
    with store.transaction() as tx:
        store.audit.record(
            tx,
            username=actor.username,
            action="throttle_lifted",
            entity_type=ACCOUNT_ENTITY,
            entity_id=account or "",
            before=None,
            after={"account": account, "address": address, "lifted": lifted},
        )
    return lifted


def list_sign_in_events(store: GraphStore, limit: int = 20) -> list[AuditEntry]:
    """The latest failed sign-ins (user name, address) and lifted throttles, newest first."""
    return store.audit.list(entity_type=ACCOUNT_ENTITY, limit=limit)[0]
