"""Reading and writing every record of a store, for backups, restores and full exports.

A dump holds the graph (every node and tie, whatever its dates), the accounts, the audit
history, the store settings and the applied migrations. Access tokens are left out on
purpose: they are short-lived sign-ins, and a restored store should make everyone sign in
again. Records come out in a fixed order (nodes by label and id, ties by type and id,
accounts by user name, history by sequence number) with values in a plain JSON form, so
the same content gives the same dump on LadybugDB and on Neo4j.

The Cypher here follows the store's rules: labels and tables only from the model and the
DDL, every value a ``$parameter``, the same text on both backends.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from graph_schema.errors import NotFound
from graph_schema.model import NODE_MODELS, REL_SPECS, Node, NodeLabel, RelType, Tie
from graph_schema.store.backend import Runner, iter_batches
from graph_schema.store.ddl import (
    ACCOUNT_TABLE,
    AUDIT_TABLE,
    MIGRATION_TABLE,
    PROPOSAL_TABLE,
    SETTING_TABLE,
    TOKEN_TABLE,
)
from graph_schema.store.graph_store import GraphStore
from graph_schema.store.proposals import COLUMNS as PROPOSAL_COLUMNS

__all__ = [
    "RECORD_TABLES",
    "all_nodes",
    "all_ties",
    "clear_everything",
    "is_empty",
    "read_records",
    "record_history",
    "tie_model",
    "write_graph",
    "write_records",
]

BATCH_SIZE = 5000

#: the app's own tables in a dump: table -> (key column, columns in order, sort order)
RECORD_TABLES: dict[str, tuple[str, tuple[str, ...], str]] = {
    MIGRATION_TABLE: ("version", ("version", "name", "applied_at"), "n.version"),
    SETTING_TABLE: ("key", ("key", "value"), "n.key"),
    ACCOUNT_TABLE: (
        "username",
        (
            "username",
            "password_hash",
            "role",
            "organisation_id",
            "language",
            "created_at",
            "password_changed_at",
        ),
        "n.username",
    ),
    AUDIT_TABLE: (
        "id",
        (
            "id",
            "seq",
            "at",
            "username",
            "action",
            "entity_type",
            "entity_id",
            "before",
            "after",
        ),
        "n.seq, n.id",
    ),
    PROPOSAL_TABLE: ("id", PROPOSAL_COLUMNS, "n.seq, n.id"),
}


# --------------------------------------------------------------------------- Cypher


def nodes_by_id(label: NodeLabel) -> str:
    """Rows ``{n}``: every node with ``label``, ordered by id."""
    return f"MATCH (n:{label}) RETURN n ORDER BY n.id"


def ties_by_id(rel: RelType, a: NodeLabel, b: NodeLabel) -> str:
    """Rows ``{from_id, to_id, r}``: every tie of ``rel`` from ``a`` to ``b``, ordered by id."""
    return (
        f"MATCH (a:{a})-[r:{rel}]->(b:{b}) RETURN a.id AS from_id, b.id AS to_id, r ORDER BY r.id"
    )


def records_ordered(table: str, order: str) -> str:
    """Rows ``{n}``: every record of an app table, in ``order``."""
    return f"MATCH (n:{table}) RETURN n ORDER BY {order}"


def count_records(table: str) -> str:
    """Row ``{total}``: how many records an app table holds."""
    return f"MATCH (n:{table}) RETURN count(n) AS total"


def upsert_records(table: str, key: str, columns: Sequence[str], nulls: Sequence[str]) -> str:
    """Creates or replaces one record of an app table per row of ``$rows`` by its key."""
    sets = [f"n.{c} = r.{c}" for c in columns if c != key and c not in nulls]
    # A column empty in every row of the batch is written as a literal NULL: LadybugDB
    # cannot infer a type from a parameter that is only nulls.
    sets += [f"n.{c} = NULL" for c in nulls if c != key]
    set_clause = f" SET {', '.join(sets)}" if sets else ""
    return f"UNWIND $rows AS r MERGE (n:{table} {{{key}: r.{key}}}){set_clause}"


def delete_records(table: str) -> str:
    """Deletes every record of an app table."""
    return f"MATCH (n:{table}) DELETE n"


def delete_label(label: NodeLabel) -> str:
    """Deletes every node with ``label`` and its ties."""
    return f"MATCH (n:{label}) DETACH DELETE n"


def tie_ends(rel: RelType, a: NodeLabel, b: NodeLabel) -> str:
    """Rows ``{id, from_id, to_id}``: the ties of ``rel`` from ``a`` to ``b`` with an id in
    ``$ids``."""
    return (
        f"MATCH (a:{a})-[t:{rel}]->(b:{b}) WHERE t.id IN $ids "
        "RETURN t.id AS id, a.id AS from_id, b.id AS to_id"
    )


def delete_ties_in(rel: RelType, a: NodeLabel, b: NodeLabel) -> str:
    """Deletes the ties of ``rel`` from ``a`` to ``b`` whose id is in ``$ids``."""
    return f"MATCH (:{a})-[t:{rel}]->(:{b}) WHERE t.id IN $ids DELETE t"


def delete_ties_not_in(rel: RelType, a: NodeLabel, b: NodeLabel) -> str:
    """Deletes the ties of ``rel`` from ``a`` to ``b`` whose id is not in ``$keep``."""
    return f"MATCH (:{a})-[t:{rel}]->(:{b}) WHERE NOT t.id IN $keep DELETE t"


def delete_nodes_not_in(label: NodeLabel) -> str:
    """Deletes the nodes with ``label`` whose id is not in ``$keep``, with their ties."""
    return f"MATCH (n:{label}) WHERE NOT n.id IN $keep DETACH DELETE n"


def delete_records_not_in(table: str, key: str) -> str:
    """Deletes the records of an app table whose key is not in ``$keep``."""
    return f"MATCH (n:{table}) WHERE NOT n.{key} IN $keep DELETE n"


# --------------------------------------------------------------------------- reading


def tie_model(rel: RelType | str) -> type[Tie]:
    """The model class of a relationship type."""
    model: type[Tie] = REL_SPECS[RelType(rel)].model  # type: ignore[valid-type]
    return model


def _combos() -> list[tuple[RelType, NodeLabel, NodeLabel]]:
    return [(s.type, a, b) for s in REL_SPECS.values() for a, b in s.endpoints]


def all_nodes(store: GraphStore, labels: Iterable[NodeLabel] = tuple(NodeLabel)) -> Iterator[Node]:
    """Every node of the given labels, whatever its dates: by label (model order), then id."""
    for label in labels:
        model = NODE_MODELS[label]
        for row in store.backend.run(nodes_by_id(label)):
            props = {k: v for k, v in row["n"].items() if v is not None}
            yield model.model_validate(props)


def all_ties(store: GraphStore, types: Iterable[RelType] = tuple(RelType)) -> Iterator[Tie]:
    """Every tie of the given types, ended ones included: by type (model order), then id."""
    wanted = set(types)
    for rel in RelType:
        if rel not in wanted:
            continue
        model = tie_model(rel)
        found: list[Tie] = []
        for t, a, b in _combos():
            if t != rel:
                continue
            for row in store.backend.run(ties_by_id(t, a, b)):
                props = {k: v for k, v in row["r"].items() if v is not None}
                found.append(
                    model.model_validate(
                        {**props, "from_id": row["from_id"], "to_id": row["to_id"]}
                    )
                )
        yield from sorted(found, key=lambda tie: tie.id)


def read_records(store: GraphStore, table: str) -> list[dict[str, Any]]:
    """Every record of an app table with all its columns (missing ones as None), in order."""
    _, columns, order = RECORD_TABLES[table]
    rows = store.backend.run(records_ordered(table, order))
    return [{c: row["n"].get(c) for c in columns} for row in rows]


def is_empty(store: GraphStore) -> bool:
    """Whether the store holds no node, no account and no history (settings may exist)."""
    if any(store.counts().get(label.value) for label in NodeLabel):
        return False
    for table in (ACCOUNT_TABLE, AUDIT_TABLE):
        if int(store.backend.run(count_records(table))[0]["total"]):
            return False
    return True


# --------------------------------------------------------------------------- writing


def clear_everything(tx: Runner) -> None:
    """Deletes every node, tie, account, token, history entry, setting and proposal (not
    migrations)."""
    for label in NodeLabel:
        tx.run(delete_label(label))
    for table in (ACCOUNT_TABLE, TOKEN_TABLE, AUDIT_TABLE, SETTING_TABLE, PROPOSAL_TABLE):
        tx.run(delete_records(table))


def write_records(tx: Runner, table: str, records: Sequence[Mapping[str, Any]]) -> None:
    """Creates or replaces records of an app table (all its columns, None for empty)."""
    key, columns, _ = RECORD_TABLES[table]
    for batch in iter_batches(list(records), BATCH_SIZE):
        rows = [{c: r.get(c) for c in columns} for r in batch]
        nulls = [c for c in columns if c != key and all(r[c] is None for r in rows)]
        for r in rows:
            for c in nulls:
                del r[c]
        tx.run(upsert_records(table, key, columns, nulls), {"rows": rows})


def write_graph(
    store: GraphStore,
    tx: Runner,
    nodes: Sequence[Node],
    ties: Sequence[Tie],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Writes nodes and ties exactly as given, inside ``tx``, without a history entry.

    Used by a restore, whose history comes from the backup itself.
    """
    by_label: dict[NodeLabel, list[Node]] = {}
    for node in nodes:
        by_label.setdefault(node.label, []).append(node)
    label_of: dict[str, NodeLabel] = {}
    for label, items in by_label.items():
        label_of.update((n.id, label) for n in items)
        store._write_nodes(tx, label, items)
        if progress:
            progress(len(items))
    by_type: dict[RelType, list[Tie]] = {}
    for tie in ties:
        by_type.setdefault(tie.type, []).append(tie)
    for rel, group_ties in by_type.items():
        for pair, group in store._group_by_endpoints(tx, rel, group_ties, label_of).items():
            store._write_ties(tx, rel, pair, group)
        if progress:
            progress(len(group_ties))


def restore_all(
    store: GraphStore,
    nodes: Sequence[Node],
    ties: Sequence[Tie],
    records: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Writes a whole dump in one transaction: all of it or nothing.

    With ``replace`` everything the store held (nodes, ties, accounts, tokens, history,
    settings) is deleted, in the same transaction: first on LadybugDB; on Neo4j the dump is
    written over the store and what it does not hold deleted afterwards. Migrations recorded
    in the dump replace the store's records of the same versions.
    """
    # Neo4j: an index lookup in a transaction that has deleted entries costs time in
    # proportion to all of them, so clearing first and then writing (a lookup per node and
    # tie) grows with the square of the store (3,000 organisations: minutes, past the
    # transaction timeout). There the dump is written over what is there (same ids are
    # updated in place) and only what the dump does not hold is deleted, at the end.
    in_place = replace and store.backend.name == "neo4j"
    with store.backend.transaction() as tx:
        if replace and not in_place:
            clear_everything(tx)
        if in_place:
            delete_moved_ties(tx, nodes, ties)
        write_graph(store, tx, nodes, ties, progress)
        for table in RECORD_TABLES:
            rows = records.get(table, ())
            write_records(tx, table, rows)
            if progress and rows:
                progress(len(rows))
        if in_place:
            delete_all_but(tx, nodes, ties, records)
    store._changed()


def _pairs(
    nodes: Sequence[Node], ties: Sequence[Tie]
) -> dict[tuple[RelType, NodeLabel, NodeLabel], list[Tie]]:
    """The ties by type and end labels; every end must be one of ``nodes`` (what replaces a
    store cannot point to what it deletes)."""
    label_of = {n.id: n.label for n in nodes}
    groups: dict[tuple[RelType, NodeLabel, NodeLabel], list[Tie]] = {}
    for t in ties:
        a, b = label_of.get(t.from_id), label_of.get(t.to_id)
        if a is None or b is None:
            missing = t.from_id if a is None else t.to_id
            raise NotFound(
                f"Tie {t.id!r} ({t.type}) points to {missing!r}, which the data to restore "
                "does not hold. Nothing was written."
            )
        groups.setdefault((t.type, a, b), []).append(t)
    return groups


def delete_moved_ties(tx: Runner, nodes: Sequence[Node], ties: Sequence[Tie]) -> None:
    """Deletes the ties that have the id of a tie in ``ties`` but other ends: writing the
    dump updates a tie in place only where type, ends and id all match."""
    groups = _pairs(nodes, ties)
    ids_of: dict[RelType, list[str]] = {}
    for t in ties:
        ids_of.setdefault(t.type, []).append(t.id)
    for rel, a, b in _combos():
        ids = ids_of.get(rel)
        if not ids:
            continue
        wanted = {t.id: (t.from_id, t.to_id) for t in groups.get((rel, a, b), ())}
        moved: list[str] = []
        for batch in iter_batches(ids, BATCH_SIZE):
            for row in tx.run(tie_ends(rel, a, b), {"ids": batch}):
                if wanted.get(row["id"]) != (row["from_id"], row["to_id"]):
                    moved.append(row["id"])
        for batch in iter_batches(moved, BATCH_SIZE):
            tx.run(delete_ties_in(rel, a, b), {"ids": batch})


def delete_all_but(
    tx: Runner,
    nodes: Sequence[Node],
    ties: Sequence[Tie],
    records: Mapping[str, Sequence[Mapping[str, Any]]],
) -> None:
    """Deletes every tie, node and record (not migrations) that the dump does not hold, and
    every access token: after writing the dump over a store, what is left is the dump."""
    groups = _pairs(nodes, ties)
    for rel, a, b in _combos():
        keep = [t.id for t in groups.get((rel, a, b), ())]
        tx.run(delete_ties_not_in(rel, a, b), {"keep": keep})
    for label in NodeLabel:
        keep = [n.id for n in nodes if n.label == label]
        tx.run(delete_nodes_not_in(label), {"keep": keep})
    tx.run(delete_records(TOKEN_TABLE))
    for table in (ACCOUNT_TABLE, AUDIT_TABLE, SETTING_TABLE, PROPOSAL_TABLE):
        key = RECORD_TABLES[table][0]
        keep = [r[key] for r in records.get(table, ())]
        tx.run(delete_records_not_in(table, key), {"keep": keep})


def record_history(
    store: GraphStore,
    tx: Runner,
    entries: Sequence[tuple[str, str, str, Mapping[str, Any] | None, Mapping[str, Any] | None]],
    *,
    username: str | None,
) -> None:
    """Write many history entries ``(action, entity_type, entity_id, before, after)`` at once.

    The same records :meth:`AuditLog.record` writes one by one (and with sequence numbers
    from the same counter, so the order stays right), batched for imports of thousands of
    rows.
    """
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    rows = [
        {
            "id": uuid.uuid4().hex,
            "seq": store.audit._next_seq(),
            "at": at,
            "username": username or "system",
            "action": action,
            "entity_type": str(entity_type),
            "entity_id": entity_id,
            "before": None if before is None else json.dumps(before, default=str),
            "after": None if after is None else json.dumps(after, default=str),
        }
        for action, entity_type, entity_id, before, after in entries
    ]
    write_records(tx, AUDIT_TABLE, rows)
