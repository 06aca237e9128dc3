"""The database schema as numbered, frozen migrations, one list of statements per backend.

Each migration states the literal DDL it ran when it was released and never reads today's
model: a database written by an earlier release is upgraded by applying the migrations it
lacks, in order, and ends with the same schema as a new one. LadybugDB needs typed node and
relationship tables (the node's ``id`` is the primary key); Neo4j gets uniqueness
constraints on every ``id`` and indexes on the filtered properties. Each applied migration
is recorded as a ``SchemaMigration`` node, so ``init`` applies only what is missing and may
run any number of times.

Changing the model (a property, a label, a tie type) therefore means adding a migration at
the end of :data:`MIGRATIONS`: on LadybugDB e.g. ``ALTER TABLE Area ADD IF NOT EXISTS note
STRING``, or ``CREATE NODE TABLE`` / ``CREATE REL TABLE`` for a new label or tie type; on
Neo4j the uniqueness constraint on a new label's ``id`` (and an index where lists filter),
nothing for a new property that is not filtered on (migration 5).
Never edit a released migration. ``tests/graph_schema/test_migrations.py`` compares what a
fresh ``init`` creates with what the model needs (:mod:`graph_schema.store.schema`) and
fails until the migration is there.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ACCOUNT_TABLE",
    "AUDIT_TABLE",
    "MIGRATIONS",
    "MIGRATION_TABLE",
    "PROPOSAL_TABLE",
    "SETTING_TABLE",
    "TOKEN_TABLE",
    "Migration",
    "migration_table_ddl",
    "schema_version",
]

MIGRATION_TABLE = "SchemaMigration"
SETTING_TABLE = "StoreSetting"
ACCOUNT_TABLE = "Account"
TOKEN_TABLE = "AccessToken"
AUDIT_TABLE = "AuditEntry"
PROPOSAL_TABLE = "TieProposal"


def migration_table_ddl(backend: str) -> list[str]:
    """The table that records the applied migrations (created before any migration)."""
    if backend == "ladybug":
        return [
            "CREATE NODE TABLE IF NOT EXISTS SchemaMigration"
            "(version INT64 PRIMARY KEY, name STRING, applied_at STRING)"
        ]
    return [
        "CREATE CONSTRAINT schema_migration_version IF NOT EXISTS "
        "FOR (m:SchemaMigration) REQUIRE m.version IS UNIQUE"
    ]


@dataclass(frozen=True)
class Migration:
    """One released schema change: its number, what it does, its statements per backend."""

    version: int
    name: str
    ladybug: tuple[str, ...]
    neo4j: tuple[str, ...]

    def statements(self, backend: str) -> list[str]:
        """The statements for ``backend`` ("ladybug" or "neo4j")."""
        if backend == "ladybug":
            return list(self.ladybug)
        if backend == "neo4j":
            return list(self.neo4j)
        raise ValueError(f"no backend {backend!r}: use 'ladybug' or 'neo4j'")


# Frozen: the graph model as it was released with the first store (commit a0e5911).
_INITIAL_GRAPH_MODEL = Migration(
    1,
    "initial graph model",
    ladybug=(
        "CREATE NODE TABLE IF NOT EXISTS Organisation(id STRING PRIMARY KEY, name STRING, "
        "short_name STRING, kind STRING, description STRING, website STRING, email STRING, "
        "phone STRING, address STRING, languages STRING[], tags STRING[], founded DATE)",
        "CREATE NODE TABLE IF NOT EXISTS Person(id STRING PRIMARY KEY, name STRING, "
        "function STRING, email STRING, phone STRING, consent_given_on DATE)",
        "CREATE NODE TABLE IF NOT EXISTS Body(id STRING PRIMARY KEY, name STRING, kind STRING, "
        "description STRING)",
        "CREATE NODE TABLE IF NOT EXISTS Offer(id STRING PRIMARY KEY, title STRING, "
        "description STRING, languages STRING[], starts_on DATE, ends_on DATE, "
        "programme STRING, cost STRING)",
        "CREATE NODE TABLE IF NOT EXISTS Area(id STRING PRIMARY KEY, name STRING, kind STRING, "
        "population INT64)",
        "CREATE NODE TABLE IF NOT EXISTS Field(id STRING PRIMARY KEY, name_de STRING, "
        "name_en STRING)",
        "CREATE NODE TABLE IF NOT EXISTS TargetGroup(id STRING PRIMARY KEY, name_de STRING, "
        "name_en STRING)",
        "CREATE NODE TABLE IF NOT EXISTS Event(id STRING PRIMARY KEY, title STRING, held_on DATE)",
        "CREATE REL TABLE IF NOT EXISTS COOPERATES_WITH(FROM Organisation TO Organisation, "
        "id STRING, since DATE, until DATE, kind STRING, intensity INT64, note STRING, "
        "source STRING)",
        "CREATE REL TABLE IF NOT EXISTS BELONGS_TO(FROM Organisation TO Organisation, "
        "id STRING, since DATE, until DATE)",
        "CREATE REL TABLE IF NOT EXISTS MEMBER_OF(FROM Organisation TO Body, FROM Person TO Body, "
        "id STRING, since DATE, until DATE, role STRING, seat STRING)",
        "CREATE REL TABLE IF NOT EXISTS REPRESENTS(FROM Person TO Organisation, id STRING, "
        "since DATE, until DATE, function STRING)",
        "CREATE REL TABLE IF NOT EXISTS PROVIDES(FROM Organisation TO Offer, id STRING, "
        "since DATE, until DATE)",
        "CREATE REL TABLE IF NOT EXISTS ADDRESSES(FROM Offer TO Field, id STRING, since DATE, "
        "until DATE)",
        "CREATE REL TABLE IF NOT EXISTS SERVES(FROM Offer TO TargetGroup, id STRING, since DATE, "
        "until DATE)",
        "CREATE REL TABLE IF NOT EXISTS AVAILABLE_IN(FROM Offer TO Area, id STRING, since DATE, "
        "until DATE)",
        "CREATE REL TABLE IF NOT EXISTS ACTIVE_IN(FROM Organisation TO Area, id STRING, "
        "since DATE, until DATE)",
        "CREATE REL TABLE IF NOT EXISTS WORKS_ON(FROM Organisation TO Field, id STRING, "
        "since DATE, until DATE)",
        "CREATE REL TABLE IF NOT EXISTS PART_OF(FROM Area TO Area, id STRING, since DATE, "
        "until DATE)",
        "CREATE REL TABLE IF NOT EXISTS ATTENDED(FROM Organisation TO Event, FROM Person TO Event, "
        "id STRING, since DATE, until DATE)",
    ),
    neo4j=(
        "CREATE CONSTRAINT organisation_id IF NOT EXISTS "
        "FOR (n:Organisation) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX organisation_name IF NOT EXISTS FOR (n:Organisation) ON (n.name)",
        "CREATE INDEX organisation_kind IF NOT EXISTS FOR (n:Organisation) ON (n.kind)",
        "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name)",
        "CREATE CONSTRAINT body_id IF NOT EXISTS FOR (n:Body) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX body_name IF NOT EXISTS FOR (n:Body) ON (n.name)",
        "CREATE INDEX body_kind IF NOT EXISTS FOR (n:Body) ON (n.kind)",
        "CREATE CONSTRAINT offer_id IF NOT EXISTS FOR (n:Offer) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX offer_title IF NOT EXISTS FOR (n:Offer) ON (n.title)",
        "CREATE INDEX offer_programme IF NOT EXISTS FOR (n:Offer) ON (n.programme)",
        "CREATE CONSTRAINT area_id IF NOT EXISTS FOR (n:Area) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX area_name IF NOT EXISTS FOR (n:Area) ON (n.name)",
        "CREATE INDEX area_kind IF NOT EXISTS FOR (n:Area) ON (n.kind)",
        "CREATE CONSTRAINT field_id IF NOT EXISTS FOR (n:Field) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT targetgroup_id IF NOT EXISTS FOR (n:TargetGroup) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX event_title IF NOT EXISTS FOR (n:Event) ON (n.title)",
        "CREATE CONSTRAINT cooperates_with_id IF NOT EXISTS "
        "FOR ()-[r:COOPERATES_WITH]-() REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT belongs_to_id IF NOT EXISTS "
        "FOR ()-[r:BELONGS_TO]-() REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT member_of_id IF NOT EXISTS "
        "FOR ()-[r:MEMBER_OF]-() REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT represents_id IF NOT EXISTS "
        "FOR ()-[r:REPRESENTS]-() REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT provides_id IF NOT EXISTS FOR ()-[r:PROVIDES]-() REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT addresses_id IF NOT EXISTS "
        "FOR ()-[r:ADDRESSES]-() REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT serves_id IF NOT EXISTS FOR ()-[r:SERVES]-() REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT available_in_id IF NOT EXISTS "
        "FOR ()-[r:AVAILABLE_IN]-() REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT active_in_id IF NOT EXISTS "
        "FOR ()-[r:ACTIVE_IN]-() REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT works_on_id IF NOT EXISTS FOR ()-[r:WORKS_ON]-() REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT part_of_id IF NOT EXISTS FOR ()-[r:PART_OF]-() REQUIRE r.id IS UNIQUE",
        "CREATE CONSTRAINT attended_id IF NOT EXISTS FOR ()-[r:ATTENDED]-() REQUIRE r.id IS UNIQUE",
    ),
)

# Frozen: a key-value table for facts about the store itself (commit fa6ec21).
_STORE_SETTINGS = Migration(
    2,
    "store settings",
    ladybug=("CREATE NODE TABLE IF NOT EXISTS StoreSetting(key STRING PRIMARY KEY, value STRING)",),
    neo4j=(
        "CREATE CONSTRAINT store_setting_key IF NOT EXISTS "
        "FOR (s:StoreSetting) REQUIRE s.key IS UNIQUE",
    ),
)

# Frozen: accounts, access tokens (hashes only) and the audit history (commit 58c24d2).
_ACCOUNTS_AND_AUDIT = Migration(
    3,
    "accounts, tokens and audit history",
    ladybug=(
        "CREATE NODE TABLE IF NOT EXISTS Account(username STRING PRIMARY KEY, "
        "password_hash STRING, role STRING, organisation_id STRING, language STRING, "
        "created_at STRING, password_changed_at STRING)",
        "CREATE NODE TABLE IF NOT EXISTS AccessToken(token_hash STRING PRIMARY KEY, "
        "username STRING, kind STRING, expires_at INT64, created_at STRING)",
        "CREATE NODE TABLE IF NOT EXISTS AuditEntry(id STRING PRIMARY KEY, seq INT64, at STRING, "
        "username STRING, action STRING, entity_type STRING, entity_id STRING, before STRING, "
        "after STRING)",
    ),
    neo4j=(
        "CREATE CONSTRAINT account_username IF NOT EXISTS "
        "FOR (n:Account) REQUIRE n.username IS UNIQUE",
        "CREATE CONSTRAINT accesstoken_token_hash IF NOT EXISTS "
        "FOR (n:AccessToken) REQUIRE n.token_hash IS UNIQUE",
        "CREATE CONSTRAINT auditentry_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX auditentry_entity IF NOT EXISTS FOR (n:AuditEntry) ON (n.entity_id)",
        "CREATE INDEX auditentry_seq IF NOT EXISTS FOR (n:AuditEntry) ON (n.seq)",
    ),
)

# Frozen: ties proposed by partners, waiting for an editor's confirmation (issue 14).
_TIE_PROPOSALS = Migration(
    4,
    "tie proposals",
    ladybug=(
        "CREATE NODE TABLE IF NOT EXISTS TieProposal(id STRING PRIMARY KEY, seq INT64, "
        "action STRING, type STRING, from_id STRING, to_id STRING, tie_id STRING, "
        "data STRING, organisation_id STRING, proposed_by STRING, proposed_at STRING, "
        "status STRING, decided_by STRING, decided_at STRING, reason STRING)",
    ),
    neo4j=(
        "CREATE CONSTRAINT tieproposal_id IF NOT EXISTS FOR (n:TieProposal) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX tieproposal_status IF NOT EXISTS FOR (n:TieProposal) ON (n.status)",
    ),
)

# Frozen: what real office lists hold (issue 15): an area's population date and source,
# an organisation's source, a note on the ties to areas, fields and target groups (and the
# level "state" of an area, a value only). Neo4j stores a new property without any schema
# and none of them is filtered on: nothing to do there.
_LIST_SOURCES_AND_NOTES = Migration(
    5,
    "population dates, sources and notes on ties",
    ladybug=(
        "ALTER TABLE Area ADD IF NOT EXISTS population_as_of DATE",
        "ALTER TABLE Area ADD IF NOT EXISTS source STRING",
        "ALTER TABLE Organisation ADD IF NOT EXISTS source STRING",
        "ALTER TABLE ACTIVE_IN ADD IF NOT EXISTS note STRING",
        "ALTER TABLE AVAILABLE_IN ADD IF NOT EXISTS note STRING",
        "ALTER TABLE WORKS_ON ADD IF NOT EXISTS note STRING",
        "ALTER TABLE ADDRESSES ADD IF NOT EXISTS note STRING",
        "ALTER TABLE SERVES ADD IF NOT EXISTS note STRING",
    ),
    neo4j=(),
)

#: every released migration, in order; append only (see the module's docstring)
MIGRATIONS: tuple[Migration, ...] = (
    _INITIAL_GRAPH_MODEL,
    _STORE_SETTINGS,
    _ACCOUNTS_AND_AUDIT,
    _TIE_PROPOSALS,
    _LIST_SOURCES_AND_NOTES,
)


def schema_version() -> int:
    """The version a fully migrated database has."""
    return MIGRATIONS[-1].version
