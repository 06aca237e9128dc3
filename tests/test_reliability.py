"""A small run of ``make reliability`` on each backend: kill -9, 8 writers, restore.

Each backend gets its own servers (the app server; on Neo4j also its own launcher JVM,
which the crash scenario kills and starts again on the same data), with the smallest demo
region and one second per write phase. ``docs/RELIABILITY.md`` has the full run.
"""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from benchmarks.reliability.__main__ import run_backend

pytestmark = pytest.mark.slow


def _small() -> argparse.Namespace:
    return argparse.Namespace(
        size=60, clients=4, writers=8, readers=2, extra=10, seconds=1.0, keep=False
    )


@pytest.fixture(scope="module", params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def run(request: pytest.FixtureRequest) -> dict[str, Any]:
    return run_backend(request.param, _small())


def test_no_acknowledged_write_is_lost_after_kill_9(run: dict[str, Any]) -> None:
    kills = run["kill"]
    assert kills and all("failed" not in k for k in kills), kills
    for k in kills:
        assert k["acknowledged"] > 0, k
        assert k["lost"] == 0, k
        assert k["present_not_acknowledged"] >= 0, k


def test_restore_under_reads_is_all_or_nothing(run: dict[str, Any]) -> None:
    r = run["restore"]
    assert "failed" not in r, r
    assert r["restore_status"] == 200, r
    assert r["organisations_after"] == r["organisations_a_b"][0], r
    assert r["half_restored_counts"] == 0, r
    assert r["entry_in_both_404"] == 0, r
    assert r["reads"]["5xx"] == 0, r


@pytest.mark.parametrize("entries", ["disjoint_fields", "tie_fields"])
def test_concurrent_patches_of_different_properties_keep_each_other(
    run: dict[str, Any], entries: str
) -> None:
    w = run["writers"]
    assert "failed" not in w, w
    fields = w[entries]
    assert fields["patches"]["5xx"] == 0, fields
    assert fields["acknowledged"] > 0, fields
    # entries and ties are held (write lock) before they are read and written back
    assert fields["undone_by_other_field"] + fields["final_fields_wrong"] == 0, fields


def test_read_modify_write_with_if_match_loses_no_increment(run: dict[str, Any]) -> None:
    m = run["writers"]["read_modify_write"]
    assert m["etag_offered"], m
    assert m["acknowledged_increments"] > 0, m
    assert m["lost_increments"] == 0, m


def test_a_backup_taken_during_writes_is_consistent(run: dict[str, Any]) -> None:
    b = run["backup"]
    assert "failed" not in b, b
    assert b["backups"] > 0, b
    # ties read after the nodes are kept only when both ends are in the backup
    assert b["inconsistent_backups"] == 0, b
