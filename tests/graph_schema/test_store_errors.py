"""Store errors keep their meaning: the driver's error classified once (invalid value,
existing id, busy, unavailable), the original kept as the cause, a failed rollback never
in its place, and no file path in any message. Contract tests run on both backends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graph_schema.errors import (
    AlreadyExists,
    InvalidValue,
    NotFound,
    StoreBusy,
    StoreUnavailable,
)
from graph_schema.model import NODE_MODELS, NodeLabel
from graph_schema.store import GraphStore, open_ladybug

AREA = NODE_MODELS[NodeLabel.AREA]
HUGE = 10**20


def _area(area_id: str, population: int | None = None) -> dict[str, object]:
    return {"id": area_id, "name": "Lindenau", "kind": "municipality", "population": population}


def test_a_number_too_large_for_the_database_is_an_invalid_value(store: GraphStore) -> None:
    # model_construct skips the model's own bounds: the store must classify what the driver says
    unchecked = AREA.model_construct(**_area("are-huge", HUGE))  # type: ignore[arg-type]
    for write in (
        lambda: store.create(NodeLabel.AREA, unchecked),
        lambda: store.bulk_upsert([unchecked]),
    ):
        with pytest.raises(InvalidValue, match="too large") as err:
            write()
        assert err.value.status == 422
        assert "9,223,372,036,854,775,807" in err.value.message  # what to enter instead
        assert "ROLLBACK" not in err.value.message
        assert err.value.__cause__ is not None  # the driver's error, for the log
    with pytest.raises(NotFound):
        store.get(NodeLabel.AREA, "are-huge")
    assert store.audit.list(limit=1)[1] == 0  # nothing half-written, not even history
    store.create(NodeLabel.AREA, _area("are-ok", 12000))  # the store goes on working
    assert store.get(NodeLabel.AREA, "are-ok").population == 12000  # type: ignore[attr-defined]


def test_the_model_refuses_a_number_too_large_first(store: GraphStore) -> None:
    store.create(NodeLabel.AREA, _area("are-1", 1))
    with pytest.raises(InvalidValue, match="population"):
        store.update(NodeLabel.AREA, "are-1", {"population": HUGE})
    with pytest.raises(InvalidValue, match="population"):
        store.create(NodeLabel.AREA, _area("are-2", HUGE))
    assert store.get(NodeLabel.AREA, "are-1").population == 1  # type: ignore[attr-defined]


def test_an_error_inside_a_transaction_keeps_its_meaning(store: GraphStore) -> None:
    with pytest.raises(AlreadyExists) as err:
        with store.transaction() as tx:
            store.create(NodeLabel.AREA, _area("are-1"))
            tx.run("CREATE (a:Area {id: $id, name: 'again'})", {"id": "are-1"})
    assert "ROLLBACK" not in err.value.message and "transaction" not in err.value.message
    assert err.value.__cause__ is not None
    with pytest.raises(NotFound):  # the whole transaction was rolled back
        store.get(NodeLabel.AREA, "are-1")
    store.create(NodeLabel.AREA, _area("are-1"))  # and the next one starts cleanly


def test_a_python_error_inside_a_transaction_is_raised_unchanged(store: GraphStore) -> None:
    with pytest.raises(KeyError, match="mistake"):
        with store.transaction():
            store.create(NodeLabel.AREA, _area("are-1"))
            raise KeyError("mistake")
    with pytest.raises(NotFound):
        store.get(NodeLabel.AREA, "are-1")


def test_a_statement_failing_in_a_transaction_is_not_reported_as_rollback(
    store: GraphStore,
) -> None:
    with pytest.raises(InvalidValue) as err:
        with store.transaction() as tx:
            store.create(NodeLabel.AREA, _area("are-1"))
            tx.run("RETURN 9223372036854775807 + $one AS n", {"one": 1})
    assert "ROLLBACK" not in err.value.message
    with pytest.raises(NotFound):
        store.get(NodeLabel.AREA, "are-1")


# ---------------------------------------------------------------------- no paths (LadybugDB)


def _assert_no_path(error: BaseException, data_dir: Path) -> None:
    text = str(error)
    assert str(data_dir) not in text, text
    assert "netzwerkatlas.lbdb" not in text, text
    assert str(data_dir.parent) not in text, text


def test_no_message_of_the_embedded_store_names_a_path(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with pytest.raises(StoreUnavailable, match="netzwerkatlas init") as missing:
        open_ladybug(data_dir, read_only=True)
    _assert_no_path(missing.value, data_dir)
    store = open_ladybug(data_dir)
    store.init()
    try:
        failures = []
        unchecked = AREA.model_construct(**_area("are-huge", HUGE))  # type: ignore[arg-type]
        for write, kind in (
            (lambda: store.create(NodeLabel.AREA, unchecked), InvalidValue),
            (lambda: store.backend.run("RETURN CAST('abc' AS INT64) AS n"), InvalidValue),
            (lambda: store.backend.run("RETURN date('2020-13-45') AS d"), InvalidValue),
            (lambda: store.backend.run("CREATE (a:Area {id: NULL})"), InvalidValue),
            (
                lambda: store.backend.run("CREATE (a:Area {id: 'x'}) CREATE (b:Area {id: 'x'})"),
                AlreadyExists,
            ),
        ):
            with pytest.raises(kind) as err:
                write()
            failures.append(err.value)
        for failure in failures:
            _assert_no_path(failure, data_dir)
    finally:
        store.close()


def test_a_second_writer_is_told_the_store_is_busy_without_a_path(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    open_ladybug(data_dir).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from graph_schema.store import open_ladybug; "
            f"s = open_ladybug(Path({str(data_dir)!r})); print('ready', flush=True); "
            "sys.stdin.read()",
        ],
        cwd=Path(__file__).parents[2],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreBusy, match="in use by another Netzwerkatlas process") as busy:
            open_ladybug(data_dir)
        assert busy.value.status == 503
        _assert_no_path(busy.value, data_dir)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    open_ladybug(data_dir).close()  # the holder is gone: the store opens again
