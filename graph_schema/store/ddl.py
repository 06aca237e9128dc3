"""Schema statements per backend, generated from the model, and the numbered migrations.

LadybugDB needs typed node and relationship tables (the node's ``id`` is the primary key);
Neo4j gets uniqueness constraints on every ``id`` and indexes on the filtered properties.
Each migration is recorded as a ``SchemaMigration`` node, so ``init`` applies only what is
missing and may run any number of times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graph_schema.model import NODE_MODELS, REL_SPECS, PropKind, property_kinds

__all__ = ["MIGRATIONS", "Migration", "ladybug_schema", "neo4j_schema", "schema_version"]

_LADYBUG_TYPES = {
    PropKind.STRING: "STRING",
    PropKind.INT: "INT64",
    PropKind.DATE: "DATE",
    PropKind.STRING_LIST: "STRING[]",
}

# Properties filtered or sorted on often enough to deserve a Neo4j index.
_NEO4J_INDEXED = ("name", "kind", "title", "programme")

MIGRATION_TABLE = "SchemaMigration"


def migration_table_ddl(backend: str) -> list[str]:
    if backend == "ladybug":
        return [
            f"CREATE NODE TABLE IF NOT EXISTS {MIGRATION_TABLE}"
            "(version INT64 PRIMARY KEY, name STRING, applied_at STRING)"
        ]
    return [
        f"CREATE CONSTRAINT schema_migration_version IF NOT EXISTS "
        f"FOR (m:{MIGRATION_TABLE}) REQUIRE m.version IS UNIQUE"
    ]


def ladybug_schema() -> list[str]:
    """Node and relationship tables for every label and type of the model."""
    statements = []
    for label, model in NODE_MODELS.items():
        columns = ", ".join(
            f"{name} {_LADYBUG_TYPES[kind]}" + (" PRIMARY KEY" if name == "id" else "")
            for name, kind in property_kinds(model).items()
        )
        statements.append(f"CREATE NODE TABLE IF NOT EXISTS {label}({columns})")
    for rel_type, spec in REL_SPECS.items():
        ends = ", ".join(f"FROM {a} TO {b}" for a, b in spec.endpoints)
        columns = ", ".join(
            f"{name} {_LADYBUG_TYPES[kind]}" for name, kind in property_kinds(spec.model).items()
        )
        statements.append(f"CREATE REL TABLE IF NOT EXISTS {rel_type}({ends}, {columns})")
    return statements


def neo4j_schema() -> list[str]:
    """Uniqueness constraints on every ``id`` and indexes on filtered properties."""
    statements = []
    for label, model in NODE_MODELS.items():
        statements.append(
            f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        )
        for prop in property_kinds(model):
            if prop in _NEO4J_INDEXED:
                statements.append(
                    f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS "
                    f"FOR (n:{label}) ON (n.{prop})"
                )
    for rel_type in REL_SPECS:
        statements.append(
            f"CREATE CONSTRAINT {rel_type.lower()}_id IF NOT EXISTS "
            f"FOR ()-[r:{rel_type}]-() REQUIRE r.id IS UNIQUE"
        )
    return statements


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: Callable[[str], list[str]]


def _initial(backend: str) -> list[str]:
    return ladybug_schema() if backend == "ladybug" else neo4j_schema()


SETTING_TABLE = "StoreSetting"


def _settings_table(backend: str) -> list[str]:
    """A key-value table for facts about the store itself (e.g. demo region loaded)."""
    if backend == "ladybug":
        return [
            f"CREATE NODE TABLE IF NOT EXISTS {SETTING_TABLE}(key STRING PRIMARY KEY, value STRING)"
        ]
    return [
        f"CREATE CONSTRAINT store_setting_key IF NOT EXISTS "
        f"FOR (s:{SETTING_TABLE}) REQUIRE s.key IS UNIQUE"
    ]


ACCOUNT_TABLE = "Account"
TOKEN_TABLE = "AccessToken"
AUDIT_TABLE = "AuditEntry"

#: the app's own tables beside the graph model: (table, key, columns)
_INTERNAL_TABLES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        ACCOUNT_TABLE,
        "username",
        (
            ("username", "STRING"),
            ("password_hash", "STRING"),
            ("role", "STRING"),
            ("organisation_id", "STRING"),
            ("language", "STRING"),
            ("created_at", "STRING"),
            ("password_changed_at", "STRING"),
        ),
    ),
    (
        TOKEN_TABLE,
        "token_hash",
        (
            ("token_hash", "STRING"),
            ("username", "STRING"),
            ("kind", "STRING"),
            ("expires_at", "INT64"),
            ("created_at", "STRING"),
        ),
    ),
    (
        AUDIT_TABLE,
        "id",
        (
            ("id", "STRING"),
            ("seq", "INT64"),
            ("at", "STRING"),
            ("username", "STRING"),
            ("action", "STRING"),
            ("entity_type", "STRING"),
            ("entity_id", "STRING"),
            ("before", "STRING"),
            ("after", "STRING"),
        ),
    ),
)


def _accounts_and_audit(backend: str) -> list[str]:
    """Accounts, access tokens (hashes only) and the audit history."""
    statements = []
    for table, key, columns in _INTERNAL_TABLES:
        if backend == "ladybug":
            cols = ", ".join(
                f"{name} {kind}" + (" PRIMARY KEY" if name == key else "") for name, kind in columns
            )
            statements.append(f"CREATE NODE TABLE IF NOT EXISTS {table}({cols})")
        else:
            statements.append(
                f"CREATE CONSTRAINT {table.lower()}_{key} IF NOT EXISTS "
                f"FOR (n:{table}) REQUIRE n.{key} IS UNIQUE"
            )
    if backend == "neo4j":
        statements += [
            f"CREATE INDEX auditentry_entity IF NOT EXISTS FOR (n:{AUDIT_TABLE}) ON (n.entity_id)",
            f"CREATE INDEX auditentry_seq IF NOT EXISTS FOR (n:{AUDIT_TABLE}) ON (n.seq)",
        ]
    return statements


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial graph model", _initial),
    Migration(2, "store settings", _settings_table),
    Migration(3, "accounts, tokens and audit history", _accounts_and_audit),
)


def schema_version() -> int:
    """The version a fully migrated database has."""
    return MIGRATIONS[-1].version
