"""Frozen migrations: what a fresh ``init`` creates is what the model needs, a database of
an earlier release is upgraded with nothing lost, and one of a newer release is refused."""

from __future__ import annotations

import ast
import datetime as dt
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graph_schema import clock
from graph_schema.errors import SchemaMismatch
from graph_schema.model import NodeLabel, RelType
from graph_schema.store import DATABASE_FILE, GraphStore, ddl, graph_store, open_ladybug
from graph_schema.store import queries as Q
from graph_schema.store.ddl import MIGRATION_TABLE, MIGRATIONS, Migration, schema_version
from graph_schema.store.records import Account
from graph_schema.store.schema import missing_schema, present_schema

RELEASES_DIR = Path(__file__).parent / "releases"
#: databases written by earlier releases (see releases/README.md), newest first
RELEASES = ["release-e0e5e23", "release-c8b0755", "release-a0e5911"]
ROOT = Path(__file__).parents[2]

ADD_A_MIGRATION = (
    "a fresh `init` does not create what the current model needs. Add a migration at the "
    "end of MIGRATIONS in graph_schema/store/ddl.py with the literal DDL for both backends "
    "(LadybugDB e.g. `ALTER TABLE Area ADD IF NOT EXISTS note STRING` or `CREATE NODE TABLE "
    "...`; Neo4j the `id` constraint and indexes); never edit a released migration. Missing: "
)


# ---------------------------------------------------------------------- the migrations


def test_migrations_state_their_own_ddl() -> None:
    """No migration reads today's model: ddl.py imports nothing of it, every step is text."""
    tree = ast.parse(Path(ddl.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not {m for m in imported if m.startswith("graph_schema")}, imported
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    for migration in MIGRATIONS:
        # LadybugDB's tables are typed: every change of the model changes them. Neo4j
        # needs nothing for a new property (migration 5), so its part may be empty.
        assert migration.statements("ladybug"), migration.name
        for backend in ("ladybug", "neo4j"):
            statements = migration.statements(backend)
            assert all(isinstance(s, str) and s.strip() for s in statements)
    with pytest.raises(ValueError, match="ladybug"):
        MIGRATIONS[0].statements("sqlite")


def test_fresh_init_creates_what_the_model_needs(store: GraphStore) -> None:
    missing = missing_schema(store.backend)
    assert not missing, ADD_A_MIGRATION + "; ".join(missing)


def test_the_check_names_what_an_old_schema_lacks(tmp_path: Path) -> None:
    store = open_ladybug(tmp_path / "data")
    try:
        store.backend.apply_ddl(MIGRATIONS[0].statements("ladybug"))
        missing = missing_schema(store.backend)
    finally:
        store.close()
    assert "node table Account" in missing
    assert "node table StoreSetting" in missing
    # the table of migration 1 is there; only the column migration 5 adds is not
    assert [m for m in missing if "Organisation" in m] == ["column Organisation.source STRING"]
    assert "column ACTIVE_IN.note STRING" in missing


# ---------------------------------------------------------------------- older databases


def _unpack(name: str, data_dir: Path) -> dict[str, Any]:
    """A copy of a release's database in ``data_dir``; returns what the release counted."""
    data_dir.mkdir(parents=True)
    with gzip.open(RELEASES_DIR / f"{name}.lbdb.gz", "rb") as src:
        with (data_dir / DATABASE_FILE).open("wb") as out:
            shutil.copyfileobj(src, out)
    facts: dict[str, Any] = json.loads((RELEASES_DIR / f"{name}.json").read_text())
    return facts


def _assert_unchanged(store: GraphStore, facts: dict[str, Any]) -> None:
    assert store.counts() == facts["counts"]
    if "accounts" in facts:
        assert sorted(a.username for a in store.accounts.list()) == facts["accounts"]
        assert store.audit.list(limit=1)[1] == facts["audit_entries"]
        assert store.get_setting("fixture") == facts["settings"]["fixture"]


@pytest.mark.parametrize("release", RELEASES)
def test_a_database_of_an_earlier_release_is_upgraded_with_nothing_lost(
    tmp_path: Path, release: str
) -> None:
    facts = _unpack(release, tmp_path / "data")
    assert facts["counts"][NodeLabel.ORGANISATION] == 4  # the fixture is what it says
    store = open_ladybug(tmp_path / "data")
    try:
        assert store.schema_version() == facts["schema_version"]
        applied = store.init()
        assert applied == list(range(facts["schema_version"] + 1, schema_version() + 1))
        assert store.applied_migrations() == list(range(1, schema_version() + 1))
        assert missing_schema(store.backend) == []
        _assert_unchanged(store, facts)
        audit_before = store.audit.list(limit=1)[1]

        # writes of today's model, and into the tables later migrations added
        store.create(NodeLabel.FIELD, {"id": "fld-neu", "name_de": "Gesundheit"}, actor="t")
        assert store.get(NodeLabel.FIELD, "fld-neu").name_en is None  # type: ignore[attr-defined]
        store.update(NodeLabel.AREA, "are-birkfeld", {"population": 4100}, actor="t")
        store.link(RelType.WORKS_ON, "org-amt", "fld-neu", since=dt.date(2026, 1, 1), actor="t")
        store.accounts.create(Account("neu", "$argon2id$x", "viewer"))
        store.set_setting("upgraded", "yes")
        counts = store.counts()
        assert counts[NodeLabel.FIELD] == facts["counts"][NodeLabel.FIELD] + 1
        assert counts[RelType.WORKS_ON] == facts["counts"][RelType.WORKS_ON] + 1
        assert store.audit.list(limit=1)[1] == audit_before + 3

        # the properties of migration 5 on the release's own entries and ties
        sources = " ".join(f"https://example.org/quelle/{i}" for i in range(60))
        store.update(
            NodeLabel.AREA,
            "are-lindenau",
            {"population_as_of": dt.date(2024, 12, 31), "source": sources},
            actor="t",
        )
        area = store.get(NodeLabel.AREA, "are-lindenau")
        assert (area.population, area.population_as_of) == (12000, dt.date(2024, 12, 31))  # type: ignore[attr-defined]
        assert area.source == sources and len(sources) > 300  # type: ignore[attr-defined]
        tie = store.link(
            RelType.ACTIVE_IN, "org-awo", "are-birkfeld", note="Einsatzort Nord", actor="t"
        )
        assert store.get_tie(tie.id).note == "Einsatzort Nord"  # type: ignore[attr-defined]
        assert store.get(NodeLabel.ORGANISATION, "org-caritas").source is None  # type: ignore[attr-defined]
        assert store.init() == []
    finally:
        store.close()


def test_a_later_column_reaches_an_existing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The way a future property arrives: its own migration, applied to a release's data."""
    facts = _unpack(RELEASES[0], tmp_path / "data")
    extra = Migration(
        len(MIGRATIONS) + 1,
        "test: a note on areas",
        ladybug=("ALTER TABLE Area ADD IF NOT EXISTS note STRING",),
        neo4j=(),
    )
    monkeypatch.setattr(ddl, "MIGRATIONS", (*MIGRATIONS, extra))
    monkeypatch.setattr(graph_store, "MIGRATIONS", (*MIGRATIONS, extra))
    store = open_ladybug(tmp_path / "data")
    try:
        assert "column Area.note STRING" not in present_schema(store.backend)
        # the release's missing migrations (those released after it), then the new one
        assert store.init() == list(range(facts["schema_version"] + 1, extra.version + 1))
        assert "column Area.note STRING" in present_schema(store.backend)
        _assert_unchanged(store, facts)
        store.backend.run("MATCH (a:Area {id: 'are-lindenau'}) SET a.note = 'am Fluss'")
        rows = store.backend.run("MATCH (a:Area {id: 'are-lindenau'}) RETURN a.note AS note")
        assert rows == [{"note": "am Fluss"}]
    finally:
        store.close()


@pytest.mark.parametrize(
    "release", [r for r in RELEASES if (RELEASES_DIR / f"{r}.backup.jsonl.gz").exists()]
)
def test_a_backup_of_an_earlier_release_restores(store: GraphStore, release: str) -> None:
    """A backup written by a release restores into today's store (either backend), and
    the entries it holds take today's properties afterwards."""
    from api.transfer.backup import read_backup, restore, write_backup

    facts: dict[str, Any] = json.loads((RELEASES_DIR / f"{release}.json").read_text())
    with gzip.open(RELEASES_DIR / f"{release}.backup.jsonl.gz", "rb") as f:
        backup = read_backup(f)
    assert backup.schema_version == facts["schema_version"] < schema_version()
    store.init()
    restore(store, backup)
    _assert_unchanged(store, facts)
    assert store.schema_version() == schema_version()  # its older records change nothing
    store.update(NodeLabel.AREA, "are-region", {"population_as_of": dt.date(2025, 1, 1)})
    tie = store.list_ties(RelType.ACTIVE_IN, from_id="org-mso")[0]
    store.update_tie(tie.id, {"note": "Einsatzort Lindenau-Nord"})
    assert store.get_tie(tie.id).note == "Einsatzort Lindenau-Nord"  # type: ignore[attr-defined]
    again = io.BytesIO()
    write_backup(store, again)
    assert b'"population_as_of":"2025-01-01"' in again.getvalue()


# ---------------------------------------------------------------------- newer databases


def _record_future_migration(store: GraphStore) -> int:
    future = schema_version() + 1
    store.backend.run(
        Q.record_migration(MIGRATION_TABLE),
        {"version": future, "name": "from a newer release", "applied_at": "2099-01-01"},
    )
    return future


def test_a_database_of_a_newer_release_is_refused(store: GraphStore) -> None:
    future = _record_future_migration(store)
    with pytest.raises(SchemaMismatch, match=f"schema version {future}.*newer release"):
        store.init()
    assert store.schema_version() == future


def test_opening_checks_the_version(tmp_path: Path) -> None:
    _unpack(RELEASES[-1], tmp_path / "old")
    with pytest.raises(SchemaMismatch, match="netzwerkatlas init"):
        open_ladybug(tmp_path / "old", read_only=True)  # cannot upgrade itself
    open_ladybug(tmp_path / "old").close()  # a writer may open it: its init upgrades
    store = open_ladybug(tmp_path / "new")
    store.init()
    _record_future_migration(store)
    store.close()
    for read_only in (True, False):
        with pytest.raises(SchemaMismatch, match="newer release") as refused:
            open_ladybug(tmp_path / "new", read_only=read_only)
        assert str(tmp_path) not in str(refused.value)


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETZWERKATLAS_")}
    env.update({clock.ENV: clock.today().isoformat(), "NETZWERKATLAS_DATA_DIR": str(data_dir)})
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_line_upgrades_or_refuses_in_one_line(tmp_path: Path) -> None:
    old = tmp_path / "old"
    _unpack(RELEASES[-1], old)
    stale = _cli(old, "stats")
    assert stale.returncode == 1 and "netzwerkatlas init" in stale.stderr
    assert len(stale.stderr.strip().splitlines()) == 1, stale.stderr
    upgraded = _cli(old, "init")
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"migrations {list(range(2, schema_version() + 1))} applied" in upgraded.stdout
    assert _cli(old, "stats").returncode == 0

    new = tmp_path / "new"
    store = open_ladybug(new)
    store.init()
    _record_future_migration(store)
    store.close()
    for command in ("init", "stats", "serve"):  # serve: refused before it listens
        refused = _cli(new, command)
        assert refused.returncode == 1
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert "newer release" in refused.stderr
        assert "Traceback" not in refused.stderr + refused.stdout
        assert str(tmp_path) not in refused.stderr
