"""Backup and restore: one complete, versioned file of everything a store holds.

The file is UTF-8 JSON lines, one record per line, keys sorted, no time stamp inside:

1. a header ``{"format": "netzwerkatlas-backup", "format_version": 1, "schema_version": N,
   "counts": {...}}``;
2. every node (``{"kind": "node", "label": ..., "data": {...}}``) by label and id;
3. every tie, ended ones included (``{"kind": "tie", "type": ..., "data": {...}}``) by type
   and id;
4. the app's records (``{"kind": "record", "table": ..., "data": {...}}``): applied
   migrations, store settings, accounts (with password hashes) and the whole audit history;
5. a trailer ``{"kind": "end", "lines": n, "sha256": ...}`` over the lines before it, so a
   cut or altered file is refused instead of half restored.

Access tokens are not backed up: after a restore everyone signs in again. The same store
content gives the same bytes on either backend, so backup → restore → backup is identical
and the pair moves a network between the embedded store and Neo4j.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from pydantic import ValidationError

from graph_schema.errors import AlreadyExists, InvalidValue
from graph_schema.model import NODE_MODELS, Node, NodeLabel, Tie
from graph_schema.store import GraphStore, dump
from graph_schema.store.ddl import MIGRATION_TABLE, schema_version

__all__ = ["FORMAT", "FORMAT_VERSION", "BackupSummary", "read_backup", "restore", "write_backup"]

FORMAT = "netzwerkatlas-backup"
FORMAT_VERSION = 1


@dataclass
class BackupSummary:
    """What a backup file holds (or a restore wrote)."""

    schema_version: int
    counts: dict[str, int] = field(default_factory=dict)
    nodes: list[Node] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.nodes) + len(self.ties) + sum(len(r) for r in self.records.values())


def _line(obj: dict[str, Any]) -> bytes:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def _lines(store: GraphStore) -> Iterator[dict[str, Any]]:
    nodes = list(dump.all_nodes(store))
    # read after the nodes: a tie made meanwhile may join a node the backup does not hold;
    # left out, the backup is the store as it was when the nodes were read (a tie's ends
    # deleted meanwhile take the tie with them, so no other mismatch can arise)
    ids = {n.id for n in nodes}
    ties = [t for t in dump.all_ties(store) if t.from_id in ids and t.to_id in ids]
    records = {table: dump.read_records(store, table) for table in dump.RECORD_TABLES}
    counts: dict[str, int] = {}
    for n in nodes:
        counts[str(n.label)] = counts.get(str(n.label), 0) + 1
    for t in ties:
        counts[str(t.type)] = counts.get(str(t.type), 0) + 1
    counts.update({table: len(rows) for table, rows in records.items()})
    versions = [int(r["version"]) for r in records[MIGRATION_TABLE]]
    yield {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": max(versions, default=0),
        "counts": counts,
    }
    for n in nodes:
        yield {"kind": "node", "label": str(n.label), "data": n.model_dump(mode="json")}
    for t in ties:
        yield {"kind": "tie", "type": str(t.type), "data": t.model_dump(mode="json")}
    for table, rows in records.items():
        for row in rows:
            yield {"kind": "record", "table": table, "data": row}


def write_backup(store: GraphStore, out: IO[bytes]) -> dict[str, int]:
    """Write the backup of ``store`` to a binary stream; returns the counts per kind."""
    digest = hashlib.sha256()
    lines = 0
    counts: dict[str, int] = {}
    for i, obj in enumerate(_lines(store)):
        if i == 0:
            counts = obj["counts"]
        data = _line(obj)
        digest.update(data)
        out.write(data)
        lines += 1
    out.write(_line({"kind": "end", "lines": lines, "sha256": digest.hexdigest()}))
    return counts


def _bad(line_no: int, message: str) -> InvalidValue:
    return InvalidValue(f"This is not a usable Netzwerkatlas backup (line {line_no}): {message}")


def read_backup(source: IO[bytes] | Iterable[bytes]) -> BackupSummary:
    """Parse and check a backup file; raises InvalidValue saying what is wrong with it."""
    digest = hashlib.sha256()
    summary: BackupSummary | None = None
    lines = 0
    ended = False
    for line_no, raw in enumerate(source, start=1):
        if ended:
            raise _bad(line_no, "there is data after the end record.")
        try:
            obj = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise _bad(line_no, f"not a JSON line ({e}).") from e
        if not isinstance(obj, dict):
            raise _bad(line_no, "not a JSON object.")
        if line_no == 1:
            if obj.get("format") != FORMAT:
                raise _bad(
                    1, "the header is missing: choose a file made by `netzwerkatlas backup`."
                )
            version = obj.get("format_version")
            if not isinstance(version, int) or version > FORMAT_VERSION:
                raise _bad(
                    1,
                    f"format version {version} is newer than this Netzwerkatlas reads "
                    f"({FORMAT_VERSION}): update Netzwerkatlas first.",
                )
            summary = BackupSummary(int(obj.get("schema_version", 0)), dict(obj.get("counts", {})))
        elif obj.get("kind") == "end":
            if obj.get("lines") != lines or obj.get("sha256") != digest.hexdigest():
                raise _bad(line_no, "the file was cut or changed after it was written.")
            ended = True
            continue
        else:
            assert summary is not None
            _add(summary, obj, line_no)
        digest.update(raw if raw.endswith(b"\n") else raw + b"\n")
        lines += 1
    if summary is None:
        raise InvalidValue(
            "The backup file is empty: choose a file made by `netzwerkatlas backup`."
        )
    if not ended:
        raise _bad(lines + 1, "the end record is missing: the file was cut short.")
    _check_ends(summary)
    return summary


def _check_ends(summary: BackupSummary) -> None:
    """Every tie joins two entries of the backup (a restore would fail on it otherwise)."""
    ids = {n.id for n in summary.nodes}
    for t in summary.ties:
        missing = [end for end in (t.from_id, t.to_id) if end not in ids]
        if missing:
            raise InvalidValue(
                f"This is not a usable Netzwerkatlas backup: the tie {t.id} joins "
                f"{', '.join(missing)}, which the backup does not hold. Make a new backup."
            )


def _add(summary: BackupSummary, obj: dict[str, Any], line_no: int) -> None:
    kind = obj.get("kind")
    data = obj.get("data")
    if not isinstance(data, dict):
        raise _bad(line_no, "the record has no data.")
    try:
        if kind == "node":
            summary.nodes.append(NODE_MODELS[NodeLabel(obj["label"])].model_validate(data))
        elif kind == "tie":
            summary.ties.append(dump.tie_model(obj["type"]).model_validate(data))
        elif kind == "record" and obj.get("table") in dump.RECORD_TABLES:
            summary.records.setdefault(obj["table"], []).append(data)
        else:
            raise _bad(line_no, f"unknown record kind {kind!r}.")
    except (KeyError, ValueError, ValidationError) as e:
        raise _bad(line_no, f"invalid {kind}: {e}".splitlines()[0]) from e


def restore(
    store: GraphStore,
    backup: BackupSummary,
    *,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a parsed backup into ``store`` in one transaction; returns the counts.

    The store is initialised first. A store that holds data (nodes, accounts or history)
    is refused unless ``replace`` is set, which deletes everything in the same transaction.
    """
    store.init()
    current = store.schema_version()
    if backup.schema_version > current:
        raise InvalidValue(
            f"The backup has schema version {backup.schema_version}, this Netzwerkatlas "
            f"knows {current} (latest {schema_version()}): update Netzwerkatlas first."
        )
    if not replace and not dump.is_empty(store):
        raise AlreadyExists(
            "The store is not empty: restore into an empty store, or use --replace to "
            "delete everything it holds and put the backup in its place."
        )
    dump.restore_all(
        store, backup.nodes, backup.ties, backup.records, replace=replace, progress=progress
    )
    return backup.counts
