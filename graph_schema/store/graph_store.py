"""GraphStore: the one repository over both backends, domain methods only."""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import hmac
import json
import secrets
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from pydantic import ValidationError

from graph_schema import clock
from graph_schema.errors import (
    AlreadyExists,
    Conflict,
    InvalidRelationship,
    InvalidValue,
    NotFound,
    SchemaMismatch,
)
from graph_schema.model import (
    NODE_MODELS,
    NODE_VALIDITY,
    REL_SPECS,
    Node,
    NodeLabel,
    PropKind,
    RelType,
    Tie,
    is_valid_id,
    new_id,
    property_kinds,
)
from graph_schema.snapshot import Page, Snapshot
from graph_schema.store import queries as Q
from graph_schema.store.backend import Backend, Runner, iter_batches, stream
from graph_schema.store.ddl import (
    MIGRATION_TABLE,
    MIGRATIONS,
    SETTING_TABLE,
    migration_table_ddl,
    schema_version,
)
from graph_schema.store.proposals import ProposalStore
from graph_schema.store.records import AccountStore, AuditLog

__all__ = ["GraphStore", "share_fields"]

BATCH_SIZE = 5000
MAX_LIMIT = 10_000

#: the store setting holding the secret key of entry versions (made on first use)
VERSION_KEY_SETTING = "entry_version_key"

T = TypeVar("T", bound=Node)

#: how each label's list is narrowed by area, field and target group (relationship, end label)
_AREA_TIE = {
    NodeLabel.ORGANISATION: RelType.ACTIVE_IN,
    NodeLabel.OFFER: RelType.AVAILABLE_IN,
}
_FIELD_TIE = {
    NodeLabel.ORGANISATION: RelType.WORKS_ON,
    NodeLabel.OFFER: RelType.ADDRESSES,
}
_TARGET_GROUP_TIE = {NodeLabel.OFFER: RelType.SERVES}


def _explain(error: ValidationError, what: str) -> str:
    parts = []
    for err in error.errors():
        loc = ".".join(str(x) for x in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "string_pattern_mismatch":
            msg = (
                "use 1 to 100 letters, digits, '-', '_', '.' or ':', "
                "starting with one of the first two"
            )
        parts.append(f"{loc}: {msg}" if loc else msg)
    return f"Invalid {what}: " + "; ".join(parts)


def _validate_node(model: type[T], data: Mapping[str, Any]) -> T:
    try:
        return model.model_validate(dict(data))
    except ValidationError as e:
        raise InvalidValue(_explain(e, model.label)) from e


def _validate_tie(model: type[Tie], data: Mapping[str, Any]) -> Tie:
    try:
        return model.model_validate(dict(data))
    except ValidationError as e:
        message = _explain(e, model.type)
        if "before since" in message:
            raise InvalidRelationship(message) from e
        raise InvalidValue(message) from e


def _check_id(value: str, what: str = "id") -> None:
    if not isinstance(value, str) or not is_valid_id(value):
        raise InvalidValue(
            f"Invalid {what} {value!r}: use 1 to 100 letters, digits, '-', '_', '.' or ':', "
            "starting with one of the first two."
        )


def _rows(
    items: Sequence[Node | Tie], props: Sequence[str], extra: Sequence[str] = ()
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Rows for an UNWIND batch, and which properties are empty in every row."""
    keys = [*extra, *props]
    rows = [{k: getattr(item, k) for k in keys} for item in items]
    nulls = [p for p in props if p != "id" and all(r[p] is None for r in rows)]
    for r in rows:
        for p in nulls:
            del r[p]
    return rows, [p for p in props if p not in nulls], nulls


class GraphStore:
    """The domain repository. Every method runs the same Cypher on either backend.

    Args:
        backend: a :class:`LadybugBackend` or :class:`Neo4jBackend`.
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.accounts = AccountStore(backend)
        self.audit = AuditLog(backend)
        self.proposals = ProposalStore(backend)
        self._version = 0
        self._listeners: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ lifecycle

    @property
    def backend_name(self) -> str:
        return self.backend.name

    @property
    def version(self) -> int:
        """A counter that changes with every write through this store (for caches)."""
        return self._version

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        self._version += 1
        for listener in self._listeners:
            listener()

    def close(self) -> None:
        self.backend.close()

    def init(self) -> list[int]:
        """Create the schema and apply every missing migration; returns the versions applied.

        Idempotent: a second call applies nothing. A database written by an earlier release
        is upgraded (its missing migrations applied in order); one written by a newer
        release is refused with :class:`SchemaMismatch` before anything changes.
        """
        self.check_schema()
        self.backend.apply_ddl(migration_table_ddl(self.backend.name))
        applied = set(self.applied_migrations())
        new = []
        for migration in MIGRATIONS:
            if migration.version in applied:
                continue
            self.backend.apply_ddl(migration.statements(self.backend.name))
            self.backend.run(
                Q.record_migration(MIGRATION_TABLE),
                {
                    "version": migration.version,
                    "name": migration.name,
                    "applied_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                },
            )
            new.append(migration.version)
        if new:
            self._changed()
        return new

    def applied_migrations(self) -> list[int]:
        rows = self.backend.run(Q.applied_migrations(MIGRATION_TABLE))
        return [int(r["version"]) for r in rows]

    def schema_version(self) -> int:
        """The highest migration recorded in the database (0 when not initialised)."""
        try:
            versions = self.applied_migrations()
        except Exception:  # noqa: BLE001 - a missing table means "not initialised"
            return 0
        return max(versions, default=0)

    def check_schema(self, *, require_current: bool = False) -> int:
        """The database's schema version, refused when this code cannot work with it.

        A version above the code's latest migration means a newer release wrote the
        database: this one must neither read nor change it. With ``require_current`` (a store
        opened read-only, which cannot apply migrations) an older version is refused too.

        Raises:
            SchemaMismatch: with a sentence that says what to do.
        """
        version, latest = self.schema_version(), schema_version()
        if version > latest:
            raise SchemaMismatch(
                f"The database has schema version {version}, but this Netzwerkatlas knows "
                f"versions up to {latest}: a newer release wrote it. Run that release (or a "
                "newer one) again, or restore a backup made with this one."
            )
        if require_current and version < latest:
            raise SchemaMismatch(
                f"The database has schema version {version}, this Netzwerkatlas needs "
                f"{latest}: run `netzwerkatlas init` (or start the server) once to upgrade it."
            )
        return version

    def get_setting(self, key: str) -> str | None:
        """A fact about the store itself, e.g. when the demo region was loaded."""
        rows = self.backend.run(Q.get_setting(SETTING_TABLE), {"key": key})
        return rows[0]["value"] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        self.backend.run(Q.set_setting(SETTING_TABLE), {"key": key, "value": value})

    def clear(self, *, actor: str | None = None) -> None:
        """Delete every node and tie of the graph model (accounts, history and settings stay)."""
        with self.backend.transaction() as tx:
            before = self.counts()
            for label in NodeLabel:
                tx.run(Q.delete_all(label))
            self.audit.record(
                tx,
                username=actor,
                action="clear",
                entity_type="all",
                entity_id=new_id("clear"),
                before={"counts": before},
                after=None,
            )
        self._changed()

    # ------------------------------------------------------------------ nodes

    def _labels_of(
        self, node_id: str, labels: Sequence[NodeLabel] = tuple(NodeLabel)
    ) -> list[NodeLabel]:
        rows = self.backend.run(Q.find_node_labels(labels), {"id": node_id})
        return [NodeLabel(r["label"]) for r in rows]

    def label_of(self, node_id: str) -> NodeLabel:
        """The label of the node with this id (any label)."""
        _check_id(node_id)
        labels = self._labels_of(node_id)
        if not labels:
            raise NotFound(f"There is no node with id {node_id!r}: check the id.")
        return labels[0]

    def create(
        self, label: NodeLabel | str, data: Mapping[str, Any] | Node, *, actor: str | None = None
    ) -> Node:
        """Create a node; a missing ``id`` is generated. Raises AlreadyExists for a used id."""
        model = NODE_MODELS[NodeLabel(label)]
        node = data if isinstance(data, Node) else _validate_node(model, data)
        if not isinstance(node, model):
            raise InvalidValue(f"Expected a {model.label}, got a {type(node).__name__}.")
        with self.backend.transaction() as tx:
            taken = self._labels_of_tx(tx, node.id)
            if taken:
                raise AlreadyExists(
                    f"The id {node.id!r} is already used by a {taken[0]}: choose another id "
                    "or update the existing entry."
                )
            self._write_nodes(tx, model.label, [node])
            self.audit.record(
                tx,
                username=actor,
                action="create",
                entity_type=model.label,
                entity_id=node.id,
                before=None,
                after=node.model_dump(mode="json"),
            )
        self._changed()
        return node

    def create_linked(
        self,
        label: NodeLabel | str,
        data: Mapping[str, Any],
        rel_type: RelType,
        other_id: str,
        *,
        outgoing: bool,
        actor: str | None = None,
    ) -> Node:
        """Create a node and tie it to ``other_id`` in one transaction (both or neither)."""
        with self.backend.transaction():
            node = self.create(label, data, actor=actor)
            ends = (node.id, other_id) if outgoing else (other_id, node.id)
            self.link(rel_type, *ends, actor=actor)
        return node

    def _labels_of_tx(self, tx: Runner, node_id: str) -> list[str]:
        return [r["label"] for r in tx.run(Q.find_node_labels(tuple(NodeLabel)), {"id": node_id})]

    def get(self, label: NodeLabel | str, node_id: str) -> Node:
        """The node with this id. Raises NotFound."""
        label = NodeLabel(label)
        _check_id(node_id)
        rows = self.backend.run(Q.get_node(label), {"id": node_id})
        if not rows:
            raise NotFound(f"There is no {label} with id {node_id!r}: check the id.")
        return self._node(label, rows[0]["n"])

    def names_of(self, ids: Iterable[str]) -> dict[str, tuple[NodeLabel, str]]:
        """Label and display name of each of ``ids`` that is a node (any label).

        One query per label whatever the number of ids; ids of no node are left out.
        """
        wanted = sorted({i for i in ids if is_valid_id(i)})
        found: dict[str, tuple[NodeLabel, str]] = {}
        if not wanted:
            return found
        for label in NodeLabel:
            name_property = NODE_MODELS[label].name_property
            for batch in iter_batches(wanted, BATCH_SIZE):
                for r in self.backend.run(Q.node_names(label, name_property), {"ids": batch}):
                    found[r["id"]] = (label, str(r["name"] or r["id"]))
        return found

    def update(
        self,
        label: NodeLabel | str,
        node_id: str,
        changes: Mapping[str, Any],
        *,
        actor: str | None = None,
        expected_version: str | Iterable[str] | None = None,
    ) -> Node:
        """Change some properties of a node; the result is validated as a whole.

        With ``expected_version`` (one of :meth:`entry_version`'s answers, or several) the
        change is made only if the entry is still at that version: compared in the write's
        own transaction, with the node held, so no change can come in between.

        Raises:
            Conflict: the entry is at another version now; nothing was written.
        """
        label = NodeLabel(label)
        model = NODE_MODELS[label]
        if "id" in changes and changes["id"] != node_id:
            raise InvalidValue("The id of an entry cannot be changed: create a new entry instead.")
        unknown = sorted(set(changes) - set(model.model_fields))
        if unknown:
            raise InvalidValue(
                f"Unknown properties for {label}: {', '.join(unknown)}. "
                f"Allowed: {', '.join(p for p in model.model_fields if p != 'id')}."
            )
        with self.backend.transaction() as tx:
            tx.run(Q.lock_node(label, self.backend.name), {"id": node_id})
            current = self.get(label, node_id)
            if expected_version is not None:
                self._check_version(current, expected_version)
            merged = {**current.model_dump(), **changes, "id": node_id}
            node = _validate_node(model, merged)
            self._write_nodes(tx, label, [node])
            self.audit.record(
                tx,
                username=actor,
                action="update",
                entity_type=label,
                entity_id=node_id,
                before=current.model_dump(mode="json"),
                after=node.model_dump(mode="json"),
            )
        self._changed()
        return node

    def entry_version(self, node: Node) -> str:
        """The version of an entry as read: a keyed hash of all its stored values (an ETag).

        Any change of a value changes it. The key is the store's own secret (a setting made
        on first use), so a version tells nothing about values withheld from its reader.
        """
        values = json.dumps(
            [str(node.label), node.model_dump(mode="json")],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hmac.new(self._version_key(), values.encode(), hashlib.sha256).hexdigest()

    def _version_key(self) -> bytes:
        rows = self.backend.run(Q.get_setting(SETTING_TABLE), {"key": VERSION_KEY_SETTING})
        if not rows or not rows[0]["value"]:
            params = {"key": VERSION_KEY_SETTING, "value": secrets.token_hex(32)}
            rows = self.backend.run(Q.ensure_setting(SETTING_TABLE), params)
        return str(rows[0]["value"]).encode()

    def _check_version(self, current: Node, expected: str | Iterable[str]) -> None:
        wanted = {expected} if isinstance(expected, str) else set(expected)
        if self.entry_version(current) not in wanted:
            raise Conflict(
                f"The {current.label} {current.id!r} was changed after you read it: read it "
                "again and apply your change to what is stored now. Nothing was written."
            )

    def delete(self, label: NodeLabel | str, node_id: str, *, actor: str | None = None) -> None:
        """Delete a node and every tie it has (each recorded in the history). Raises NotFound."""
        label = NodeLabel(label)
        with self.backend.transaction() as tx:
            current = self.get(label, node_id)
            for tie in self.list_ties(node_id=node_id):
                self._audit_tie(tx, actor, "unlink", tie, before=tie, after=None)
            tx.run(Q.delete_node(label), {"id": node_id})
            self.audit.record(
                tx,
                username=actor,
                action="delete",
                entity_type=label,
                entity_id=node_id,
                before=current.model_dump(mode="json"),
                after=None,
            )
        self._changed()

    def _audit_tie(
        self,
        tx: Runner,
        actor: str | None,
        action: str,
        tie: Tie,
        *,
        before: Tie | None,
        after: Tie | None,
    ) -> None:
        self.audit.record(
            tx,
            username=actor,
            action=action,
            entity_type=tie.type,
            entity_id=tie.id,
            before=None if before is None else {"type": tie.type, **before.model_dump(mode="json")},
            after=None if after is None else {"type": tie.type, **after.model_dump(mode="json")},
        )

    def list(
        self,
        label: NodeLabel | str,
        *,
        q: str | None = None,
        kind: str | None = None,
        area: str | None = None,
        field: str | None = None,
        target_group: str | None = None,
        filters: Mapping[str, Any] | None = None,
        as_of: dt.date | None = None,
        sort: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Node]:
        """One page of nodes matching every filter given, with the total.

        Args:
            q: case-insensitive text searched in the name/title/description properties.
            kind: the ``kind`` property (labels that have one).
            area: an Area id; organisations active there, offers available there, including
                the areas inside it.
            field: a Field id; organisations working on it, offers addressing it.
            target_group: a TargetGroup id; offers serving it.
            filters: exact values of other properties, e.g. ``{"programme": "MBE"}``.
            as_of: only nodes that existed then (and ties valid then for area/field).
            sort: a property name, ``-`` in front for descending; default by name.
        """
        label = NodeLabel(label)
        model = NODE_MODELS[label]
        if not 0 <= limit <= MAX_LIMIT:
            raise InvalidValue(f"limit must be between 0 and {MAX_LIMIT}, not {limit}.")
        if offset < 0:
            raise InvalidValue(f"offset must be 0 or more, not {offset}.")
        where, params = self._node_filters(
            label,
            q=q,
            kind=kind,
            area=area,
            field=field,
            target_group=target_group,
            filters=filters,
            as_of=as_of,
        )
        order = self._order(model, sort)
        total = int(self.backend.run(Q.count_nodes(label, where), params)[0]["total"])
        # Never ask for rows past the end: LadybugDB 0.22 crashes the process on
        # ORDER BY ... SKIP far beyond the last row.
        window = min(limit, total - offset)
        if window <= 0:
            return Page([], total, limit, offset)
        rows = self.backend.run(
            Q.list_nodes(label, where, order), {**params, "offset": offset, "limit": window}
        )
        return Page([self._node(label, r["n"]) for r in rows], total, limit, offset)

    def _order(self, model: type[Node], sort: str | None) -> str:
        kinds = property_kinds(model)
        prop = (sort or model.name_property).strip()
        descending = prop.startswith("-")
        prop = prop.lstrip("-")
        if prop not in kinds or kinds[prop] == PropKind.STRING_LIST:
            allowed = ", ".join(p for p, k in kinds.items() if k != PropKind.STRING_LIST)
            raise InvalidValue(
                f"Cannot sort {model.label} by {prop!r}: use one of {allowed} "
                "(with '-' in front for descending)."
            )
        direction = "DESC" if descending else "ASC"
        key = f"toLower(n.{prop})" if kinds[prop] == PropKind.STRING else f"n.{prop}"
        # Empty values last in either direction, the same on both backends.
        return f"n.{prop} IS NULL, {key} {direction}, n.id {direction}"

    def _node_filters(
        self,
        label: NodeLabel,
        *,
        q: str | None = None,
        kind: str | None = None,
        area: str | None = None,
        field: str | None = None,
        target_group: str | None = None,
        filters: Mapping[str, Any] | None = None,
        as_of: dt.date | None = None,
    ) -> tuple[builtins.list[str], dict[str, Any]]:
        model = NODE_MODELS[label]
        kinds = property_kinds(model)
        where: list[str] = []
        params: dict[str, Any] = {}
        if as_of is not None:
            params["as_of"] = as_of
            start, end = NODE_VALIDITY.get(label, (None, None))
            if start:
                where.append(f"(n.{start} IS NULL OR n.{start} <= $as_of)")
            if end:
                where.append(f"(n.{end} IS NULL OR n.{end} >= $as_of)")
        if q:
            params["q"] = q.strip()
            where.append(
                "("
                + " OR ".join(f"toLower(n.{p}) CONTAINS toLower($q)" for p in model.text_properties)
                + ")"
            )
        if kind:
            if "kind" not in kinds:
                raise InvalidValue(f"{label} has no kind: remove the kind filter.")
            params["kind"] = kind
            where.append("n.kind = $kind")
        for name, value in (filters or {}).items():
            if name not in kinds or name == "kind":
                raise InvalidValue(f"Cannot filter {label} by {name!r}.")
            params[f"f_{name}"] = value
            where.append(f"n.{name} = $f_{name}")
        ties = (
            (area, _AREA_TIE, "area", "Area"),
            (field, _FIELD_TIE, "field", "Field"),
            (target_group, _TARGET_GROUP_TIE, "target_group", "TargetGroup"),
        )
        for value, table, name, end_label in ties:
            if value is None:
                continue
            rel = table.get(label)
            if rel is None:
                raise InvalidValue(f"{label} cannot be filtered by {name}: remove that filter.")
            _check_id(value, name)
            ids = self.area_with_parts(value) if name == "area" else [value]
            params[f"{name}_ids"] = ids
            validity = f" AND {Q.valid_on('t')}" if as_of is not None else ""
            where.append(
                f"EXISTS {{ MATCH (n)-[t:{rel}]->(x:{end_label}) "
                f"WHERE x.id IN ${name}_ids{validity} }}"
            )
        return where, params

    def area_with_parts(self, area_id: str) -> builtins.list[str]:
        """The area's id and the ids of every area inside it (PART_OF, transitively)."""
        rows = self.backend.run(Q.part_of_descendants(), {"id": area_id})
        return [area_id, *sorted(r["id"] for r in rows)]

    def _node(self, label: NodeLabel, props: Mapping[str, Any]) -> Node:
        model = NODE_MODELS[label]
        data = {k: v for k, v in props.items() if v is not None}
        return model.model_validate(data)

    def _write_nodes(self, tx: Runner, label: NodeLabel, nodes: Sequence[Node]) -> None:
        props = list(property_kinds(NODE_MODELS[label]))
        for batch in iter_batches(list(nodes), BATCH_SIZE):
            rows, present, nulls = _rows(batch, props)
            tx.run(Q.upsert_nodes(label, present, nulls), {"rows": rows})

    # ------------------------------------------------------------------ ties

    def _combos(
        self, rel: RelType | None = None
    ) -> builtins.list[tuple[RelType, NodeLabel, NodeLabel]]:
        specs = [REL_SPECS[rel]] if rel else list(REL_SPECS.values())
        return [(s.type, a, b) for s in specs for a, b in s.endpoints]

    def _find_tie(self, tie_id: str) -> tuple[RelType, NodeLabel, NodeLabel]:
        _check_id(tie_id, "tie id")
        rows = self.backend.run(Q.find_tie_kind(self._combos()), {"id": tie_id})
        if not rows:
            raise NotFound(f"There is no tie with id {tie_id!r}: check the id.")
        r = rows[0]
        return RelType(r["type"]), NodeLabel(r["from_label"]), NodeLabel(r["to_label"])

    def _tie(self, rel: RelType, row: Mapping[str, Any]) -> Tie:
        props = {k: v for k, v in row["r"].items() if v is not None}
        return REL_SPECS[rel].model.model_validate(
            {**props, "from_id": row["from_id"], "to_id": row["to_id"]}
        )

    def get_tie(self, tie_id: str) -> Tie:
        """The tie with this id, of any type. Raises NotFound."""
        rel, a, b = self._find_tie(tie_id)
        rows = self.backend.run(Q.get_tie(rel, a, b), {"id": tie_id})
        return self._tie(rel, rows[0])

    def link(
        self,
        rel_type: RelType | str,
        from_id: str,
        to_id: str,
        *,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        id: str | None = None,  # noqa: A002 - the domain's name for it
        actor: str | None = None,
        **properties: Any,
    ) -> Tie:
        """Create a tie between two existing nodes, checking labels and dates."""
        try:
            rel = RelType(rel_type)
        except ValueError as e:
            raise InvalidRelationship(
                f"Unknown relationship type {rel_type!r}: use one of "
                f"{', '.join(t.value for t in RelType)}."
            ) from e
        spec = REL_SPECS[rel]
        tie = _validate_tie(
            spec.model,
            {
                **properties,
                "id": id,
                "from_id": from_id,
                "to_id": to_id,
                "since": since,
                "until": until,
            },
        )
        with self.backend.transaction() as tx:
            pair = self._endpoint_labels(tie)
            if tx.run(Q.find_tie_kind(self._combos()), {"id": tie.id}):
                raise AlreadyExists(
                    f"A tie with id {tie.id!r} exists already: choose another id or change "
                    "the existing tie."
                )
            self._write_ties(tx, rel, pair, [tie])
            self._audit_tie(tx, actor, "link", tie, before=None, after=tie)
        self._changed()
        return tie

    def _endpoint_labels(self, tie: Tie) -> tuple[NodeLabel, NodeLabel]:
        spec = REL_SPECS[tie.type]
        found = []
        for end, node_id, allowed in (
            ("from", tie.from_id, spec.from_labels),
            ("to", tie.to_id, spec.to_labels),
        ):
            labels = self._labels_of(node_id)
            if not labels:
                raise NotFound(
                    f"There is no node with id {node_id!r} (the tie's {end} end): "
                    "check the id or create that entry first."
                )
            if labels[0] not in allowed:
                verb = "start at" if end == "from" else "end at"
                pairs = ", ".join(f"{a} → {b}" for a, b in spec.endpoints)
                raise InvalidRelationship(
                    f"{spec.type} cannot {verb} {labels[0]} {node_id!r}: it joins {pairs}."
                )
            found.append(labels[0])
        pair = (found[0], found[1])
        if pair not in spec.endpoints:
            allowed_pairs = ", ".join(f"{a} → {b}" for a, b in spec.endpoints)
            raise InvalidRelationship(
                f"{spec.type} cannot join {pair[0]} {tie.from_id!r} to {pair[1]} {tie.to_id!r}: "
                f"it joins {allowed_pairs}."
            )
        return pair

    def update_tie(
        self, tie_id: str, changes: Mapping[str, Any], *, actor: str | None = None
    ) -> Tie:
        """Change properties of a tie (not its ends or type); validated as a whole."""
        blocked = sorted(set(changes) & {"id", "from_id", "to_id", "type"})
        if blocked:
            raise InvalidValue(
                f"A tie's {', '.join(blocked)} cannot change: end this tie and create a new one."
            )
        rel, a, b = self._find_tie(tie_id)
        with self.backend.transaction() as tx:
            # the tie's write lock first: two changes of one tie must not both start from
            # the same values (each writes the whole tie back)
            tx.run(Q.lock_tie(rel, a, b, self.backend.name), {"id": tie_id})
            current = self.get_tie(tie_id)
            unknown = sorted(set(changes) - set(type(current).model_fields))
            if unknown:
                raise InvalidValue(f"Unknown properties for {current.type}: {', '.join(unknown)}.")
            tie = _validate_tie(type(current), {**current.model_dump(), **changes})
            self._write_ties(tx, rel, (a, b), [tie])
            self._audit_tie(tx, actor, "update_tie", tie, before=current, after=tie)
        self._changed()
        return tie

    def end_tie(self, tie_id: str, until: dt.date | str, *, actor: str | None = None) -> Tie:
        """End a tie at a date; it stays in the history (as of earlier dates)."""
        return self.update_tie(tie_id, {"until": until}, actor=actor)

    def unlink(self, tie_id: str, *, actor: str | None = None) -> None:
        """Delete a tie entirely (use :meth:`end_tie` to keep its history)."""
        with self.backend.transaction() as tx:
            current = self.get_tie(tie_id)
            rel, a, b = self._find_tie(tie_id)
            tx.run(Q.delete_tie(rel, a, b), {"id": tie_id})
            self._audit_tie(tx, actor, "unlink", current, before=current, after=None)
        self._changed()

    def list_ties(
        self,
        rel_type: RelType | str | None = None,
        *,
        from_id: str | None = None,
        to_id: str | None = None,
        node_id: str | None = None,
        as_of: dt.date | None = None,
    ) -> builtins.list[Tie]:
        """Ties filtered by type, ends (``node_id``: either end) and validity date."""
        rel = RelType(rel_type) if rel_type else None
        where: list[str] = []
        params: dict[str, Any] = {}
        for name, value, clause in (
            ("from_id", from_id, "a.id = $from_id"),
            ("to_id", to_id, "b.id = $to_id"),
            ("node_id", node_id, "(a.id = $node_id OR b.id = $node_id)"),
        ):
            if value is not None:
                _check_id(value, name)
                params[name] = value
                where.append(clause)
        if as_of is not None:
            params["as_of"] = as_of
            where.append(Q.valid_on("r"))
        ties: list[Tie] = []
        for t, a, b in self._combos(rel):
            for row in self.backend.run(Q.list_ties(t, a, b, where), params):
                ties.append(self._tie(t, row))
        return ties

    def _write_ties(
        self, tx: Runner, rel: RelType, pair: tuple[NodeLabel, NodeLabel], ties: Sequence[Tie]
    ) -> None:
        props = list(property_kinds(REL_SPECS[rel].model))
        for batch in iter_batches(list(ties), BATCH_SIZE):
            rows, present, nulls = _rows(batch, props, extra=("from_id", "to_id"))
            tx.run(Q.upsert_ties(rel, pair[0], pair[1], present, nulls), {"rows": rows})

    def ties_with_names(self, node_id: str) -> builtins.list[tuple[Tie, str, str, str | None]]:
        """Every tie of a node with the other end: (tie, direction, other label, other name)."""
        _check_id(node_id)
        result: list[tuple[Tie, str, str, str | None]] = []
        for t, a, b in self._combos():
            name_a = NODE_MODELS[a].name_property
            name_b = NODE_MODELS[b].name_property
            rows = self.backend.run(Q.ties_with_names(t, a, b, name_a, name_b), {"id": node_id})
            for row in rows:
                tie = self._tie(t, row)
                if tie.from_id == node_id:
                    result.append((tie, "out", b, row["b_name"]))
                if tie.to_id == node_id:
                    result.append((tie, "in", a, row["a_name"]))
        return result

    # ------------------------------------------------------------------ bulk

    def bulk_upsert(
        self,
        nodes: Iterable[Node] = (),
        ties: Iterable[Tie] = (),
        *,
        progress: Callable[[int], None] | None = None,
        actor: str | None = None,
    ) -> dict[str, int]:
        """Create or update many nodes and ties by id, in one transaction.

        Idempotent: the same input twice leaves the same graph. Every tie's ends must exist
        (in the input or the store) with the labels its type allows; otherwise nothing is
        written. ``progress`` is called with the number of items written after each batch.

        Returns:
            How many items of each label and type were written.
        """
        by_label: dict[NodeLabel, list[Node]] = {}
        for node in nodes:
            by_label.setdefault(node.label, []).append(node)
        by_type: dict[RelType, list[Tie]] = {}
        for tie in ties:
            by_type.setdefault(tie.type, []).append(tie)
        written: dict[str, int] = {}
        with self.backend.transaction() as tx:
            label_of: dict[str, NodeLabel] = {}
            for label, items in by_label.items():
                for n in items:
                    label_of[n.id] = label
                self._write_nodes(tx, label, items)
                written[label] = len(items)
                if progress:
                    progress(len(items))
            for rel, rel_ties in by_type.items():
                spec = REL_SPECS[rel]
                groups = self._group_by_endpoints(tx, spec.type, rel_ties, label_of)
                for pair, group in groups.items():
                    self._write_ties(tx, rel, pair, group)
                written[rel] = len(rel_ties)
                if progress:
                    progress(len(rel_ties))
            self.audit.record(
                tx,
                username=actor,
                action="bulk_upsert",
                entity_type="bulk",
                entity_id=new_id("bulk"),
                before=None,
                after={"written": written},
            )
        self._changed()
        return written

    def _group_by_endpoints(
        self, tx: Runner, rel: RelType, ties: builtins.list[Tie], label_of: dict[str, NodeLabel]
    ) -> dict[tuple[NodeLabel, NodeLabel], builtins.list[Tie]]:
        spec = REL_SPECS[rel]
        unknown = sorted({i for t in ties for i in (t.from_id, t.to_id) if i not in label_of})
        allowed = [*spec.from_labels, *(x for x in spec.to_labels if x not in spec.from_labels)]
        # Look in the labels the type allows first; what is still unknown may be a node of
        # another label (an InvalidRelationship) or none at all (NotFound).
        for label in [*allowed, *(x for x in NodeLabel if x not in allowed)]:
            unknown = [i for i in unknown if i not in label_of]
            for batch in iter_batches(unknown, BATCH_SIZE):
                for r in tx.run(Q.existing_ids(label), {"ids": batch}):
                    label_of.setdefault(r["id"], label)
        groups: dict[tuple[NodeLabel, NodeLabel], list[Tie]] = {}
        for t in ties:
            a, b = label_of.get(t.from_id), label_of.get(t.to_id)
            if a is None or b is None:
                missing = t.from_id if a is None else t.to_id
                raise NotFound(
                    f"Tie {t.id!r} ({rel}) points to {missing!r}, which does not exist: "
                    "add that entry or remove the tie. Nothing was written."
                )
            if (a, b) not in spec.endpoints:
                raise InvalidRelationship(
                    f"Tie {t.id!r}: {rel} cannot join {a} to {b}. Nothing was written."
                )
            groups.setdefault((a, b), []).append(t)
        return groups

    # ------------------------------------------------------------------ snapshot & counts

    def snapshot(
        self,
        as_of: dt.date | None = None,
        *,
        area: str | None = None,
        field: str | None = None,
        kind: str | None = None,
        labels: Iterable[NodeLabel | str] | None = None,
        types: Iterable[RelType | str] | None = None,
    ) -> Snapshot:
        """The network as of a date: the nodes that existed and the ties valid then.

        ``area``, ``field`` and ``kind`` narrow the organisations; offers and people then
        follow their organisations, and ties are kept only where both ends are kept.
        """
        day = as_of or clock.today()
        share = _FieldSharing()
        wanted = {NodeLabel(x) for x in labels} if labels is not None else set(NodeLabel)
        wanted_types = {RelType(x) for x in types} if types is not None else set(RelType)
        filtered = any(v is not None for v in (area, field, kind))
        nodes: dict[str, Node] = {}
        for label in NodeLabel:
            if label not in wanted and not (filtered and label == NodeLabel.ORGANISATION):
                continue
            org = label == NodeLabel.ORGANISATION
            where, params = self._node_filters(
                label,
                as_of=day,
                area=area if org else None,
                field=field if org else None,
                kind=kind if org else None,
            )
            params["as_of"] = day
            query = Q.list_nodes(label, where, None, paged=False)
            for row in stream(self.backend, query, params):
                node = share(self._node(label, row["n"]))
                nodes[node.id] = node
        ties: list[Tie] = []
        for t, a, b in self._combos():
            if t not in wanted_types and not filtered:
                continue
            query = Q.list_ties(t, a, b, [Q.valid_on("r")])
            rows = stream(self.backend, query, {"as_of": day})
            ties.extend(share(self._tie(t, r)) for r in rows)
        if filtered:
            nodes = self._follow_organisations(nodes, ties)
        kept = [n for n in nodes.values() if n.label in wanted]
        kept_ids = {n.id for n in kept}
        ties = [
            t
            for t in ties
            if t.type in wanted_types and t.from_id in kept_ids and t.to_id in kept_ids
        ]
        return Snapshot(day, kept, ties)

    @staticmethod
    def _follow_organisations(nodes: dict[str, Node], ties: builtins.list[Tie]) -> dict[str, Node]:
        orgs = {i for i, n in nodes.items() if n.label == NodeLabel.ORGANISATION}
        offers = {t.to_id for t in ties if t.type == RelType.PROVIDES and t.from_id in orgs}
        people = {t.from_id for t in ties if t.type == RelType.REPRESENTS and t.to_id in orgs}
        dependent = {NodeLabel.OFFER: offers, NodeLabel.PERSON: people}
        return {
            i: n for i, n in nodes.items() if (n.label not in dependent or i in dependent[n.label])
        }

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and ties per type (ended ties included)."""
        result: dict[str, int] = {}
        for label in NodeLabel:
            result[label.value] = int(self.backend.run(Q.count_label(label))[0]["count"])
        for rel in RelType:
            result[rel.value] = int(self.backend.run(Q.count_type(rel))[0]["count"])
        return result

    # ------------------------------------------------------------------ data protection

    def export_person(self, person_id: str) -> dict[str, Any]:
        """Everything stored about a person: the entry, its ties and its history."""
        person = self.get(NodeLabel.PERSON, person_id)
        ties = self.list_ties(node_id=person_id)
        entries, _ = self.audit.list(entity_id=person_id, limit=MAX_LIMIT)
        tie_entries = []
        for tie in ties:
            tie_entries += self.audit.list(entity_id=tie.id, limit=MAX_LIMIT)[0]
        return {
            "person": person.model_dump(mode="json"),
            "ties": [{"type": t.type, **t.model_dump(mode="json")} for t in ties],
            "history": [e.__dict__ for e in sorted(entries + tie_entries, key=lambda e: e.seq)],
        }

    def erase_person(self, person_id: str, *, actor: str | None = None) -> None:
        """Delete a person with all ties and remove their personal values from the history."""
        with self.backend.transaction() as tx:
            self.get(NodeLabel.PERSON, person_id)
            ties = self.list_ties(node_id=person_id)
            tx.run(Q.delete_node(NodeLabel.PERSON), {"id": person_id})
            self.audit.redact(tx, person_id, {"id": person_id, "erased": True})
            for tie in ties:
                self._audit_tie(tx, actor, "unlink", tie, before=tie, after=None)
            self.audit.record(
                tx,
                username=actor,
                action="erase",
                entity_type=NodeLabel.PERSON,
                entity_id=person_id,
                before={"id": person_id, "erased": True},
                after=None,
            )
        self._changed()

    # ------------------------------------------------------------------ transactions

    def transaction(self) -> AbstractContextManager[Runner]:
        """One transaction around several store calls: all of them or none.

        The store's own methods join it (their transactions nest), so e.g. a merge can move
        ties, delete a node and write history entries (``audit.record(tx, ...)``) atomically.
        """
        return self.backend.transaction()


M = TypeVar("M", bound="Node | Tie")


class _FieldSharing:
    """Shrinks the model objects of a snapshot as they are made (hundreds of thousands of
    them at scale).

    Each pydantic object keeps its own set of the fields it was given: 728 of its about
    1,370 bytes. Objects of one class given the same fields share one set here (pydantic
    copies the set before changing it in ``model_copy``; nothing assigns to snapshot
    objects), and the ids at the ends of ties are interned. Done per object, so the
    separate sets never pile up: on the 30,000-organisation demo the full snapshot's
    Python objects take 268 MB instead of 760 MB.
    """

    def __init__(self) -> None:
        self._sets: dict[tuple[type, frozenset[str]], set[str]] = {}

    def __call__(self, item: M) -> M:
        fields = item.__pydantic_fields_set__
        one = self._sets.setdefault((type(item), frozenset(fields)), fields)
        if one is not fields:
            object.__setattr__(item, "__pydantic_fields_set__", one)
        values = item.__dict__
        for end in ("from_id", "to_id"):
            if end in values:
                values[end] = sys.intern(values[end])
        return item


def share_fields(items: Iterable[Node] | Iterable[Tie]) -> None:
    """:class:`_FieldSharing` for objects made elsewhere (e.g. the demo generator's)."""
    share = _FieldSharing()
    for item in items:
        share(item)
