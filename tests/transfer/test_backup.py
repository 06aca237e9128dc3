"""Backup and restore: complete, versioned, byte-identical round trips on both backends."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from api.transfer import backup
from graph_schema.errors import AlreadyExists, InvalidValue
from graph_schema.store import GraphStore, open_ladybug
from graph_schema.store.records import StoredToken
from tests.transfer.conftest import fill, fresh_like


def _backup(store: GraphStore) -> bytes:
    buf = io.BytesIO()
    backup.write_backup(store, buf)
    return buf.getvalue()


def _restore(store: GraphStore, data: bytes, **kw: bool) -> None:
    backup.restore(store, backup.read_backup(io.BytesIO(data)), **kw)


def test_backup_restore_backup_is_identical(store: GraphStore, tmp_path: Path) -> None:
    fill(store)
    store.accounts.add_token(StoredToken("hash-1", "admin", "api", 2**40))
    first = _backup(store)
    counts_before = store.counts()
    accounts_before = store.accounts.list()
    history_before = store.audit.list(limit=10_000)[1]

    target = fresh_like(store, tmp_path, "other")
    try:
        _restore(target, first)
        assert _backup(target) == first
        assert target.counts() == counts_before
        assert target.accounts.list() == accounts_before
        assert target.audit.list(limit=10_000)[1] == history_before
        assert target.get_setting("demo_loaded") == "2025-01-15T00:00:00Z size=60"
        assert target.accounts.get_token("hash-1") is None  # tokens are not backed up
    finally:
        if target is not store:
            target.close()


def test_backup_is_versioned_and_complete(store: GraphStore) -> None:
    fill(store)
    lines = _backup(store).decode().splitlines()
    header = backup.json.loads(lines[0])
    assert header["format"] == "netzwerkatlas-backup"
    assert header["format_version"] == backup.FORMAT_VERSION
    assert header["schema_version"] == store.schema_version()
    kinds = {backup.json.loads(line).get("kind") for line in lines[1:]}
    assert kinds == {"node", "tie", "record", "end"}
    tables = {backup.json.loads(x).get("table") for x in lines[1:]}
    assert {"Account", "AuditEntry", "StoreSetting", "SchemaMigration"} <= tables
    assert "AccessToken" not in tables


def test_restore_refuses_a_store_with_data_unless_replace(store: GraphStore) -> None:
    fill(store)
    data = _backup(store)
    with pytest.raises(AlreadyExists, match="--replace"):
        _restore(store, data)
    store.accounts.add_token(StoredToken("hash-2", "admin", "api", 2**40))
    store.create("Area", {"id": "extra", "name": "Nicht im Backup", "kind": "district"})
    _restore(store, data, replace=True)
    assert _backup(store) == data
    assert store.accounts.get_token("hash-2") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],
        lambda b: b.replace(b'"Organisation"', b'"Organisatiox"', 1),
        lambda b: b.replace(b"netzwerkatlas-backup", b"something-else", 1),
        lambda b: b"",
    ],
)
def test_a_damaged_backup_is_refused_and_nothing_written(
    store: GraphStore, tmp_path: Path, damage
) -> None:  # type: ignore[no-untyped-def]
    fill(store)
    data = damage(_backup(store))
    target = fresh_like(store, tmp_path, "other")
    try:
        with pytest.raises(InvalidValue):
            _restore(target, data)
        assert sum(target.counts().values()) == 0
    finally:
        if target is not store:
            target.close()


@pytest.mark.neo4j
def test_ladybug_to_neo4j_and_back(_neo4j_store: GraphStore, tmp_path: Path) -> None:
    source = open_ladybug(tmp_path / "source")
    source.init()
    fill(source)
    first = _backup(source)
    source.close()

    neo = _neo4j_store
    neo.backend.run("MATCH (n) DETACH DELETE n")
    neo.init()
    try:
        _restore(neo, first)
        assert _backup(neo) == first
        back = open_ladybug(tmp_path / "back")
        back.init()
        _restore(back, _backup(neo))
        assert _backup(back) == first
        back.close()
    finally:
        neo.backend.run("MATCH (n) DETACH DELETE n")


def test_a_backup_with_a_tie_whose_end_is_missing_is_refused_before_writing(
    store: GraphStore,
) -> None:
    """A tie made while the nodes were read is left out of the backup; a file that holds
    such a tie anyway (another tool, an old release) is refused as unusable, not with a
    store error halfway through the restore."""
    import hashlib
    import json

    fill(store)
    lines = _backup(store).splitlines(keepends=True)
    objs = [json.loads(x) for x in lines[:-1]]
    tie = next(o for o in objs if o.get("kind") == "tie")
    kept = [
        o
        for o in objs
        if not (o.get("kind") == "node" and o["data"]["id"] == tie["data"]["from_id"])
    ]
    body = [backup._line(o) for o in kept]
    # the digest covers every line before the end record
    digest = hashlib.sha256(b"".join(body)).hexdigest()
    data = b"".join(body) + backup._line({"kind": "end", "lines": len(body), "sha256": digest})
    with pytest.raises(InvalidValue, match="does not hold"):
        backup.read_backup(io.BytesIO(data))


def test_replace_leaves_exactly_the_backup(store: GraphStore) -> None:
    """A restore with replace over a store that changed since the backup: a tie moved to
    other ends under the same id, an id now of another label, entries, accounts, settings
    and tokens the backup does not hold. Afterwards the store is the backup, nothing else
    (on Neo4j the dump is written over the store and the rest deleted at the end)."""
    from graph_schema.model import NodeLabel, RelType
    from graph_schema.store.records import Account

    fill(store)
    data = _backup(store)
    tie = store.list_ties(RelType.COOPERATES_WITH)[0]
    store.unlink(tie.id)
    store.link(tie.type, tie.to_id, tie.from_id, id=tie.id)  # same id, ends swapped
    event = store.list(NodeLabel.EVENT, limit=1).items[0]
    store.delete(NodeLabel.EVENT, event.id)
    store.create("Field", {"id": event.id, "name_de": "Jetzt ein Handlungsfeld"})
    store.create("Area", {"id": "extra", "name": "Nicht im Backup", "kind": "district"})
    store.accounts.create(Account("extra-user", "x" * 20, "viewer"))
    store.accounts.add_token(StoredToken("hash-3", "admin", "api", 2**40))
    store.set_setting("extra_setting", "weg damit")
    assert _backup(store) != data

    _restore(store, data, replace=True)
    assert _backup(store) == data
    assert store.accounts.get_token("hash-3") is None
    assert store.get_setting("extra_setting") is None
    moved = store.get_tie(tie.id)
    assert (moved.from_id, moved.to_id) == (tie.from_id, tie.to_id)
    assert store.label_of(event.id) == NodeLabel.EVENT


@pytest.mark.parametrize("replace", [False, True])
def test_a_restore_that_fails_at_its_last_record_writes_nothing(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replace: bool
) -> None:
    """The database refuses the very last record (a history entry with a number too large
    to store), after every node, tie, account and setting went out in many small batches:
    the store is as it was before, empty or holding its own data."""
    from graph_schema.store import dump, graph_store
    from graph_schema.store.ddl import AUDIT_TABLE

    monkeypatch.setattr(dump, "BATCH_SIZE", 7)
    monkeypatch.setattr(graph_store, "BATCH_SIZE", 7)
    fill(store)
    parsed = backup.read_backup(io.BytesIO(_backup(store)))
    parsed.nodes.append(parsed.nodes[0].model_copy(update={"id": "late-new-entry"}))
    last = dict(parsed.records[AUDIT_TABLE][-1])
    parsed.records[AUDIT_TABLE].append({**last, "id": "broken", "seq": 2**70})

    target = store if replace else fresh_like(store, tmp_path, "other")
    try:
        before = _backup(target)
        with pytest.raises(InvalidValue):
            backup.restore(target, parsed, replace=replace)
        assert _backup(target) == before
        if not replace:
            assert sum(target.counts().values()) == 0
            assert target.accounts.list() == []
    finally:
        if target is not store:
            target.close()
