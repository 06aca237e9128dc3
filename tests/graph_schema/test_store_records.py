"""Accounts, tokens and the audit history: part of the store's contract on both backends."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from graph_schema.errors import AlreadyExists, InvalidValue, NotFound
from graph_schema.model import NodeLabel, RelType
from graph_schema.store import GraphStore
from graph_schema.store.records import Account, StoredToken


def test_accounts_create_change_delete(store: GraphStore) -> None:
    accounts = store.accounts
    assert accounts.count() == 0
    accounts.create(Account("ada", "hash-1", "editor"))
    with pytest.raises(AlreadyExists, match="taken"):
        accounts.create(Account("ada", "hash-2", "viewer"))
    partner = accounts.create(Account("caritas", "hash-3", "partner", organisation_id="org-1"))
    assert partner.created_at
    ada = accounts.get("ada")
    assert (ada.role, ada.organisation_id, ada.language) == ("editor", None, "de")
    ada.role = "admin"
    accounts.save(ada)
    assert accounts.get("ada").role == "admin"
    assert [a.username for a in accounts.list()] == ["ada", "caritas"]
    accounts.add_token(StoredToken("t-hash", "ada", "api", int(time.time()) + 60))
    accounts.delete("ada")
    assert accounts.get_token("t-hash") is None
    with pytest.raises(NotFound):
        accounts.get("ada")


def test_tokens_expire_and_revoke(store: GraphStore) -> None:
    accounts = store.accounts
    now = int(time.time())
    accounts.add_token(StoredToken("old", "ada", "api", now - 10))
    accounts.add_token(StoredToken("new", "ada", "api", now + 3600))
    accounts.add_token(StoredToken("other", "bob", "session", now + 3600))
    assert accounts.get_token("new").username == "ada"  # type: ignore[union-attr]
    accounts.purge_expired(now)
    assert accounts.get_token("old") is None
    accounts.revoke_token("new")
    assert accounts.get_token("new") is None
    accounts.revoke_tokens_of("bob")
    assert accounts.get_token("other") is None


def test_every_change_is_in_the_history(store: GraphStore) -> None:
    start = dt.datetime.now(dt.UTC)
    org = store.create(
        NodeLabel.ORGANISATION,
        {"id": "o-1", "name": "AWO", "kind": "welfare_association"},
        actor="ada",
    )
    store.create(NodeLabel.ORGANISATION, {"id": "o-2", "name": "MSO", "kind": "other"}, actor="bo")
    store.update(NodeLabel.ORGANISATION, org.id, {"name": "AWO KV"}, actor="ada")
    tie = store.link(
        RelType.COOPERATES_WITH, "o-1", "o-2", id="c-1", since="2020-01-01", actor="ada"
    )
    store.end_tie(tie.id, "2024-12-31", actor="ada")
    with pytest.raises(InvalidValue):
        store.update(NodeLabel.ORGANISATION, org.id, {"kind": "nonsense"}, actor="ada")
    store.delete(NodeLabel.ORGANISATION, "o-2", actor="bo")

    entries, total = store.audit.list(username="ada")
    assert total == 4
    assert [e.action for e in entries] == ["update_tie", "link", "update", "create"]
    update = entries[2]
    assert update.before["name"] == "AWO" and update.after["name"] == "AWO KV"  # type: ignore[index]
    assert entries[0].after["until"] == "2024-12-31"  # type: ignore[index]
    assert entries[0].entity_type == "COOPERATES_WITH"
    by_bo, _ = store.audit.list(username="bo")
    assert [e.action for e in by_bo] == ["delete", "unlink", "create"]
    assert by_bo[1].entity_id == "c-1"
    assert [e.action for e in store.audit.list(entity_id="o-1")[0]] == ["update", "create"]
    assert store.audit.list(since=start)[1] == 7
    assert store.audit.list(since=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))[1] == 0


def test_a_failed_change_leaves_no_history(store: GraphStore) -> None:
    store.create(NodeLabel.ORGANISATION, {"id": "o-1", "name": "A", "kind": "other"}, actor="x")
    with pytest.raises(AlreadyExists):
        store.create(NodeLabel.ORGANISATION, {"id": "o-1", "name": "B", "kind": "other"}, actor="x")
    with pytest.raises(NotFound):
        store.link(RelType.COOPERATES_WITH, "o-1", "missing", actor="x")
    assert store.audit.list(username="x")[1] == 1


def test_person_export_and_erase(store: GraphStore) -> None:
    store.create(NodeLabel.ORGANISATION, {"id": "o-1", "name": "AWO", "kind": "other"})
    store.create(
        NodeLabel.PERSON,
        {"id": "p-1", "name": "Aylin Beispiel", "email": "aylin@example.org", "phone": "0000 1"},
        actor="ada",
    )
    store.update(NodeLabel.PERSON, "p-1", {"phone": "0000 2"}, actor="ada")
    store.link(RelType.REPRESENTS, "p-1", "o-1", id="r-1", function="Beratung", actor="ada")
    export = store.export_person("p-1")
    assert export["person"]["email"] == "aylin@example.org"
    assert [t["id"] for t in export["ties"]] == ["r-1"]
    assert [e["action"] for e in export["history"]] == ["create", "update", "link"]

    store.erase_person("p-1", actor="admin")
    with pytest.raises(NotFound):
        store.get(NodeLabel.PERSON, "p-1")
    assert store.list_ties(node_id="p-1") == []
    for entry in store.audit.list(entity_id="p-1")[0]:
        text = f"{entry.before} {entry.after}"
        assert "aylin" not in text.lower() and "0000" not in text
    assert store.get(NodeLabel.ORGANISATION, "o-1").name == "AWO"
