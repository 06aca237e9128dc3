"""Every Cypher statement the store sends, as small builder functions.

Labels, relationship types and property names come only from the model (enums and
``property_kinds``), never from input; every value is a ``$parameter``. The same text runs
on LadybugDB and on Neo4j: bind each node with its own ``MATCH`` when batching, spell out
property lists instead of ``SET n += $map``, no ``labels()``/``type()``/``elementId()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from graph_schema.model import NodeLabel, RelType

__all__ = [
    "count_label",
    "count_nodes",
    "count_type",
    "delete_node",
    "delete_tie",
    "ensure_setting",
    "find_node_labels",
    "find_tie_kind",
    "get_node",
    "get_tie",
    "list_nodes",
    "list_ties",
    "lock_node",
    "lock_tie",
    "node_names",
    "part_of_descendants",
    "upsert_nodes",
    "upsert_ties",
    "valid_on",
]


def valid_on(var: str, param: str = "as_of") -> str:
    """Predicate: the tie ``var`` is valid on the date ``$param`` (either end may be open)."""
    return (
        f"({var}.since IS NULL OR {var}.since <= ${param}) "
        f"AND ({var}.until IS NULL OR {var}.until >= ${param})"
    )


def _set_list(var: str, props: Iterable[str], nulls: Iterable[str]) -> str:
    parts = [f"{var}.{p} = r.{p}" for p in props]
    # A column that is empty in every row of a batch is written as a literal NULL: LadybugDB
    # cannot infer a type for it from the parameter.
    parts += [f"{var}.{p} = NULL" for p in nulls]
    return ", ".join(parts)


def find_node_labels(labels: Sequence[NodeLabel]) -> str:
    """Rows ``{label}`` for every label among ``labels`` that has a node with id ``$id``."""
    return " UNION ALL ".join(
        f"MATCH (n:{label} {{id: $id}}) RETURN '{label}' AS label" for label in labels
    )


def get_node(label: NodeLabel) -> str:
    """Row ``{n}``: the node with id ``$id``."""
    return f"MATCH (n:{label} {{id: $id}}) RETURN n"


def lock_tie(rel: RelType, a: NodeLabel, b: NodeLabel, backend: str) -> str:
    """Row ``{count}`` (0 or 1); holds the tie with id ``$id`` until the transaction ends
    (as :func:`lock_node` holds a node: Neo4j reads committed values without waiting)."""
    if backend == "neo4j":
        return (
            f"MATCH (:{a})-[r:{rel} {{id: $id}}]->(:{b}) SET r.id = r.id RETURN count(r) AS count"
        )
    return f"MATCH (:{a})-[r:{rel} {{id: $id}}]->(:{b}) RETURN count(r) AS count"


def lock_node(label: NodeLabel, backend: str) -> str:
    """Row ``{count}`` (0 or 1); holds the node with id ``$id`` until the transaction ends.

    Neo4j reads what others committed without waiting (read committed): a value compared
    before a change must be read after taking the node's write lock, which setting a
    property takes (``id``, the one property that never changes, so the value evaluated
    before the lock is still right). LadybugDB refuses to set a primary key and needs no
    lock: its one writing process runs one transaction at a time.
    """
    if backend == "neo4j":
        return f"MATCH (n:{label} {{id: $id}}) SET n.id = n.id RETURN count(n) AS count"
    return f"MATCH (n:{label} {{id: $id}}) RETURN count(n) AS count"


def upsert_nodes(label: NodeLabel, props: Sequence[str], nulls: Sequence[str]) -> str:
    """Create or update one node per row of ``$rows`` by its id; returns ``{count}``."""
    sets = _set_list("n", [p for p in props if p != "id"], nulls)
    set_clause = f" SET {sets}" if sets else ""
    return f"UNWIND $rows AS r MERGE (n:{label} {{id: r.id}}){set_clause} RETURN count(n) AS count"


def delete_node(label: NodeLabel) -> str:
    """Deletes the node with id ``$id`` and all its ties."""
    return f"MATCH (n:{label} {{id: $id}}) DETACH DELETE n"


def list_nodes(
    label: NodeLabel, where: Sequence[str], order: str | None, *, paged: bool = True
) -> str:
    """Rows ``{n}`` matching every condition in ``where``; ``$offset``/``$limit`` if paged."""
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    order_by = f" ORDER BY {order}" if order else ""
    window = " SKIP $offset LIMIT $limit" if paged else ""
    return f"MATCH (n:{label}){clause} RETURN n{order_by}{window}"


def existing_ids(label: NodeLabel) -> str:
    """Rows ``{id}``: those of ``$ids`` that are nodes with ``label``."""
    return f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN n.id AS id"


def node_names(label: NodeLabel, name_property: str) -> str:
    """Rows ``{id, name}``: those of ``$ids`` that are nodes with ``label``, with their name."""
    return (
        f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN n.id AS id, n.{name_property} AS name"
    )


def count_nodes(label: NodeLabel, where: Sequence[str]) -> str:
    """Row ``{total}``: how many nodes match every condition in ``where``."""
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"MATCH (n:{label}){clause} RETURN count(n) AS total"


def find_tie_kind(combos: Sequence[tuple[RelType, NodeLabel, NodeLabel]]) -> str:
    """Rows ``{type, from_label, to_label}`` of the tie with id ``$id``."""
    return " UNION ALL ".join(
        f"MATCH (a:{a})-[r:{t}]->(b:{b}) WHERE r.id = $id "
        f"RETURN '{t}' AS type, '{a}' AS from_label, '{b}' AS to_label"
        for t, a, b in combos
    )


def get_tie(rel: RelType, a: NodeLabel, b: NodeLabel) -> str:
    """Row ``{from_id, to_id, r}``: the tie with id ``$id``."""
    return (
        f"MATCH (a:{a})-[r:{rel}]->(b:{b}) WHERE r.id = $id "
        "RETURN a.id AS from_id, b.id AS to_id, r"
    )


def upsert_ties(
    rel: RelType, a: NodeLabel, b: NodeLabel, props: Sequence[str], nulls: Sequence[str]
) -> str:
    """Create or update one tie per row of ``$rows`` (``from_id``, ``to_id``, properties)."""
    sets = _set_list("t", [p for p in props if p != "id"], nulls)
    set_clause = f" SET {sets}" if sets else ""
    return (
        f"UNWIND $rows AS r MATCH (a:{a} {{id: r.from_id}}) MATCH (b:{b} {{id: r.to_id}}) "
        f"MERGE (a)-[t:{rel} {{id: r.id}}]->(b){set_clause} RETURN count(t) AS count"
    )


def delete_tie(rel: RelType, a: NodeLabel, b: NodeLabel) -> str:
    """Deletes the tie with id ``$id``."""
    return f"MATCH (a:{a})-[r:{rel}]->(b:{b}) WHERE r.id = $id DELETE r"


def list_ties(rel: RelType, a: NodeLabel, b: NodeLabel, where: Sequence[str]) -> str:
    """Rows ``{from_id, to_id, r}`` of the ties matching ``where``, ordered by id."""
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return (
        f"MATCH (a:{a})-[r:{rel}]->(b:{b}){clause} "
        "RETURN a.id AS from_id, b.id AS to_id, r ORDER BY r.id"
    )


def count_label(label: NodeLabel) -> str:
    """Row ``{count}``: number of nodes with ``label``."""
    return f"MATCH (n:{label}) RETURN count(n) AS count"


def count_type(rel: RelType) -> str:
    """Row ``{count}``: number of ties of type ``rel`` (ended ones included)."""
    return f"MATCH ()-[r:{rel}]->() RETURN count(r) AS count"


def part_of_descendants() -> str:
    """Rows ``{id}``: every area inside the area ``$id`` (PART_OF, up to 5 levels)."""
    return "MATCH (c:Area)-[:PART_OF*1..5]->(p:Area {id: $id}) RETURN DISTINCT c.id AS id"


def ties_from(rel: RelType, a: NodeLabel, b: NodeLabel) -> str:
    """Rows ``{from_id, to_id}`` of ties valid on ``$as_of`` whose target is in ``$ids``."""
    return (
        f"MATCH (a:{a})-[r:{rel}]->(b:{b}) WHERE b.id IN $ids AND {valid_on('r')} "
        "RETURN DISTINCT a.id AS from_id"
    )


def applied_migrations(table: str) -> str:
    """Rows ``{version}`` of the migrations recorded in the database."""
    return f"MATCH (m:{table}) RETURN m.version AS version ORDER BY version"


def record_migration(table: str) -> str:
    """Records migration ``$version`` (``$name``, ``$applied_at``)."""
    return f"MERGE (m:{table} {{version: $version}}) SET m.name = $name, m.applied_at = $applied_at"


def get_setting(table: str) -> str:
    """Row ``{value}`` of the store setting ``$key``."""
    return f"MATCH (s:{table} {{key: $key}}) RETURN s.value AS value"


def set_setting(table: str) -> str:
    """Sets the store setting ``$key`` to ``$value``."""
    return f"MERGE (s:{table} {{key: $key}}) SET s.value = $value"


def ensure_setting(table: str) -> str:
    """Row ``{value}`` of the store setting ``$key``, set to ``$value`` first if it has none."""
    return f"MERGE (s:{table} {{key: $key}}) ON CREATE SET s.value = $value RETURN s.value AS value"


def delete_all(label: NodeLabel) -> str:
    """Deletes every node with ``label`` and its ties."""
    return f"MATCH (n:{label}) DETACH DELETE n"


def record_get(table: str, key: str) -> str:
    """Row ``{n}``: the record of the app table ``table`` whose ``key`` is ``$key``."""
    return f"MATCH (n:{table} {{{key}: $key}}) RETURN n"


def record_upsert(table: str, key: str, columns: Sequence[str]) -> str:
    """Creates or replaces a record of an app table from the parameters named as its columns."""
    sets = ", ".join(f"n.{c} = ${c}" for c in columns if c != key)
    return f"MERGE (n:{table} {{{key}: ${key}}}) SET {sets}"


def record_delete(table: str, key: str) -> str:
    """Deletes the record whose ``key`` is ``$key``."""
    return f"MATCH (n:{table} {{{key}: $key}}) DELETE n"


def record_list(table: str, where: Sequence[str], order: str, *, paged: bool = False) -> str:
    """Rows ``{n}`` of an app table matching ``where``, in ``order``."""
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    window = " SKIP $offset LIMIT $limit" if paged else ""
    return f"MATCH (n:{table}){clause} RETURN n ORDER BY {order}{window}"


def record_count(table: str, where: Sequence[str]) -> str:
    """Row ``{total}``: records of an app table matching ``where``."""
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"MATCH (n:{table}){clause} RETURN count(n) AS total"


def record_delete_where(table: str, where: Sequence[str]) -> str:
    """Deletes the records of an app table matching ``where``."""
    return f"MATCH (n:{table}) WHERE {' AND '.join(where)} DELETE n"


def insert_audit(table: str) -> str:
    """Records one change in the audit history."""
    return (
        f"CREATE (e:{table} {{id: $id, seq: $seq, at: $at, username: $username, "
        "action: $action, entity_type: $entity_type, entity_id: $entity_id, "
        "before: $before, after: $after})"
    )


def redact_audit(table: str) -> str:
    """Replaces the values recorded for entity ``$entity_id`` by ``$redacted``."""
    return (
        f"MATCH (e:{table} {{entity_id: $entity_id}}) "
        "SET e.before = CASE WHEN e.before IS NULL THEN NULL ELSE $redacted END, "
        "e.after = CASE WHEN e.after IS NULL THEN NULL ELSE $redacted END"
    )


def ties_with_names(rel: RelType, a: NodeLabel, b: NodeLabel, name_a: str, name_b: str) -> str:
    """Rows ``{from_id, to_id, r, a_name, b_name}`` of the ties at node ``$id``."""
    return (
        f"MATCH (a:{a})-[r:{rel}]->(b:{b}) WHERE a.id = $id OR b.id = $id "
        f"RETURN a.id AS from_id, b.id AS to_id, r, a.{name_a} AS a_name, b.{name_b} AS b_name "
        "ORDER BY r.id"
    )
