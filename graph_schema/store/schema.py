"""What the current model needs from a database's schema, and what a database lacks.

The migrations (:mod:`graph_schema.store.ddl`) are frozen; this module is their check. It
reads today's model and the app's own records and lists each fact the schema must have:
on LadybugDB the node and relationship tables, their columns with types and the label
pairs each relationship table joins; on Neo4j the uniqueness constraints on every ``id``
(and the keys of the app's own tables) and the indexes on filtered properties. A test runs
:func:`missing_schema` on a freshly initialised store of each backend, so a model change
without its migration fails there.
"""

from __future__ import annotations

import dataclasses

from graph_schema.model import NODE_MODELS, REL_SPECS, PropKind, property_kinds
from graph_schema.store.backend import Backend
from graph_schema.store.ddl import (
    ACCOUNT_TABLE,
    AUDIT_TABLE,
    MIGRATION_TABLE,
    PROPOSAL_TABLE,
    SETTING_TABLE,
    TOKEN_TABLE,
)

__all__ = ["missing_schema", "present_schema", "required_schema"]

LADYBUG_TYPES = {
    PropKind.STRING: "STRING",
    PropKind.INT: "INT64",
    PropKind.DATE: "DATE",
    PropKind.STRING_LIST: "STRING[]",
}

#: properties filtered or sorted on often enough to deserve a Neo4j index
NEO4J_INDEXED = ("name", "kind", "title", "programme")

# The catalogue of each backend (not shared Cypher: each runs on its own backend only).
#: LadybugDB: rows {name, type} of every table, type NODE or REL
_LADYBUG_TABLES = "CALL show_tables() RETURN name, type"
#: LadybugDB: rows {name, type, primary key} of a table's columns
_LADYBUG_COLUMNS = "CALL table_info('{table}') RETURN *"
#: LadybugDB: rows {source table name, destination table name} a relationship table joins
_LADYBUG_CONNECTIONS = "CALL show_connection('{table}') RETURN *"
#: Neo4j: rows {type, labelsOrTypes, properties} of every constraint
_NEO4J_CONSTRAINTS = (
    "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties RETURN type, labelsOrTypes, properties"
)
#: Neo4j: rows {type, labelsOrTypes, properties} of every index
_NEO4J_INDEXES = (
    "SHOW INDEXES YIELD type, labelsOrTypes, properties RETURN type, labelsOrTypes, properties"
)


def _records() -> dict[str, tuple[str, tuple[str, ...]]]:
    """The app's own tables beside the graph: table -> (key, columns the store writes)."""
    from graph_schema.store import proposals, records

    return {
        MIGRATION_TABLE: ("version", ("version", "name", "applied_at")),
        SETTING_TABLE: ("key", ("key", "value")),
        ACCOUNT_TABLE: ("username", records._ACCOUNT_COLUMNS),
        TOKEN_TABLE: ("token_hash", records._TOKEN_COLUMNS),
        AUDIT_TABLE: ("id", tuple(f.name for f in dataclasses.fields(records.AuditEntry))),
        PROPOSAL_TABLE: ("id", proposals.COLUMNS),
    }


def required_schema(backend: str) -> set[str]:
    """Every schema fact today's model and records need on ``backend``, one line each.

    Examples:
        >>> "column Area.population INT64" in required_schema("ladybug")
        True
        >>> "unique Area.id" in required_schema("neo4j")
        True
    """
    facts: set[str] = set()
    if backend == "ladybug":
        for label, model in NODE_MODELS.items():
            facts.add(f"node table {label}")
            for name, kind in property_kinds(model).items():
                facts.add(f"column {label}.{name} {LADYBUG_TYPES[kind]}")
            facts.add(f"primary key {label}.id")
        for rel_type, spec in REL_SPECS.items():
            facts.add(f"rel table {rel_type}")
            facts.update(f"connection {rel_type} {a}->{b}" for a, b in spec.endpoints)
            for name, kind in property_kinds(spec.model).items():
                facts.add(f"column {rel_type}.{name} {LADYBUG_TYPES[kind]}")
        for table, (key, columns) in _records().items():
            facts.add(f"node table {table}")
            facts.add(f"primary key {table}.{key}")
            facts.update(f"column {table}.{name}" for name in columns)
        return facts
    for label, model in NODE_MODELS.items():
        facts.add(f"unique {label}.id")
        facts.update(f"index {label}.{p}" for p in property_kinds(model) if p in NEO4J_INDEXED)
    facts.update(f"unique {rel_type}.id" for rel_type in REL_SPECS)
    facts.update(f"unique {table}.{key}" for table, (key, _) in _records().items())
    facts.update({f"index {AUDIT_TABLE}.entity_id", f"index {AUDIT_TABLE}.seq"})
    return facts


def present_schema(backend: Backend) -> set[str]:
    """The schema facts the database behind ``backend`` has (same lines as required)."""
    facts: set[str] = set()
    if backend.name == "ladybug":
        for table in backend.run(_LADYBUG_TABLES):
            name = table["name"]
            kind = "node" if table["type"] == "NODE" else "rel"
            facts.add(f"{kind} table {name}")
            for col in backend.run(_LADYBUG_COLUMNS.format(table=name)):
                facts.add(f"column {name}.{col['name']} {col['type']}")
                facts.add(f"column {name}.{col['name']}")  # for tables checked by name only
                if col.get("primary key"):
                    facts.add(f"primary key {name}.{col['name']}")
            if kind == "rel":
                for c in backend.run(_LADYBUG_CONNECTIONS.format(table=name)):
                    src, dst = c["source table name"], c["destination table name"]
                    facts.add(f"connection {name} {src}->{dst}")
        return facts
    for c in backend.run(_NEO4J_CONSTRAINTS):
        if "UNIQUENESS" in c["type"] and len(c["properties"]) == 1:
            facts.update(f"unique {x}.{c['properties'][0]}" for x in c["labelsOrTypes"])
    for i in backend.run(_NEO4J_INDEXES):
        if i["labelsOrTypes"] and i["properties"] and len(i["properties"]) == 1:
            facts.update(f"index {x}.{i['properties'][0]}" for x in i["labelsOrTypes"])
    return facts


def missing_schema(backend: Backend) -> list[str]:
    """What today's model needs and the database lacks, sorted (empty when all there)."""
    return sorted(required_schema(backend.name) - present_schema(backend))
