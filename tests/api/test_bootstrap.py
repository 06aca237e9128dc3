"""A new store's first start: the shipped vocabularies once, then (maybe) the demo region."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.bootstrap import VOCABULARY_MARK, first_start, load_demo
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore, open_ladybug
from graph_schema.vocab import FIELDS, TARGET_GROUPS


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GraphStore]:
    s = open_ladybug(tmp_path / "data")
    s.init()
    yield s
    s.close()


def _ids(store: GraphStore, label: NodeLabel) -> set[str]:
    return {n.id for n in store.list(label, limit=1000).items}


def test_first_start_gives_an_empty_store_the_shipped_vocabularies(store: GraphStore) -> None:
    assert not first_start(store, size=60, seed=1, enabled=False)
    assert _ids(store, NodeLabel.FIELD) == set(FIELDS)
    assert _ids(store, NodeLabel.TARGET_GROUP) == set(TARGET_GROUPS)
    housing = store.get(NodeLabel.FIELD, "housing")
    assert (housing.name_de, housing.name_en) == (FIELDS["housing"].de, FIELDS["housing"].en)
    assert store.get_setting(VOCABULARY_MARK)
    assert store.counts()[NodeLabel.ORGANISATION] == 0


def test_a_second_start_creates_nothing(store: GraphStore) -> None:
    first_start(store, size=60, seed=1, enabled=False)
    version, entries = store.version, store.audit.list()[1]
    first_start(store, size=60, seed=1, enabled=False)
    assert store.version == version and store.audit.list()[1] == entries


def test_a_deleted_field_stays_deleted(store: GraphStore) -> None:
    first_start(store, size=60, seed=1, enabled=False)
    store.delete(NodeLabel.FIELD, "housing", actor="admin")
    store.delete(NodeLabel.TARGET_GROUP, "women", actor="admin")
    first_start(store, size=60, seed=1, enabled=False)
    assert "housing" not in _ids(store, NodeLabel.FIELD)
    assert "women" not in _ids(store, NodeLabel.TARGET_GROUP)
    assert len(_ids(store, NodeLabel.FIELD)) == len(FIELDS) - 1


def test_a_store_with_its_own_fields_is_only_marked(store: GraphStore) -> None:
    store.create(NodeLabel.FIELD, {"id": "own", "name_de": "Eigenes Feld"})
    first_start(store, size=60, seed=1, enabled=False)
    assert _ids(store, NodeLabel.FIELD) == {"own"}
    assert _ids(store, NodeLabel.TARGET_GROUP) == set()
    assert store.get_setting(VOCABULARY_MARK)


def test_the_demo_loads_on_top_of_the_vocabularies_and_replaces(store: GraphStore) -> None:
    assert first_start(store, size=60, seed=7)
    counts = store.counts()
    assert counts[NodeLabel.ORGANISATION] == 60
    assert _ids(store, NodeLabel.FIELD) == set(FIELDS)
    assert _ids(store, NodeLabel.TARGET_GROUP) == set(TARGET_GROUPS)
    load_demo(store, size=60, seed=7, replace=True)
    assert store.counts() == counts


def test_init_on_the_command_line_gives_a_new_store_the_vocabularies(tmp_path: Path) -> None:
    """An office that starts with ``netzwerkatlas init`` and imports its list right away
    has the fields of action its list names."""
    import subprocess
    import sys

    from graph_schema import clock

    env = {k: v for k, v in os.environ.items() if not k.startswith("NETZWERKATLAS_")}
    env.update({"NETZWERKATLAS_DATA_DIR": str(tmp_path / "data"), clock.ENV: "2026-11-20"})
    root = Path(__file__).parents[2]
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "api.cli", "init"],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    store = open_ladybug(tmp_path / "data", read_only=True)
    try:
        counts = store.counts()
        assert counts[NodeLabel.FIELD] == len(FIELDS)
        assert counts[NodeLabel.TARGET_GROUP] == len(TARGET_GROUPS)
    finally:
        store.close()
