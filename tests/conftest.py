"""Shared fixtures: a store per backend (LadybugDB and a real Neo4j 5), counted per backend.

The contract suite (every test using the ``store`` fixture) runs once on LadybugDB and once
on Neo4j. Neo4j is the launcher's throw-away server unless ``NEO4J_URI`` points elsewhere.
At the end the number of contract tests per backend is printed and written to
``test-artifacts/contract-counts.json``; ``.ci/run`` fails when the Neo4j half is missing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_schema import clock
from graph_schema.store import GraphStore, open_ladybug, open_neo4j
from tests import neo4j_server

#: the day every test takes as today (the demo region, snapshots, pages, reports): the
#: answers must not change with the calendar. Servers started by the tests inherit it.
TODAY = dt.date(2026, 11, 20)
os.environ[clock.ENV] = TODAY.isoformat()


def _cheap_argon2() -> None:
    """In this process, argon2 with its smallest cost: the suites create and sign in a few
    hundred accounts, each hash costing 0.1-0.2 s at the real parameters. The servers the
    browser and command-line tests start run the real ones."""
    from argon2 import PasswordHasher

    import api.security

    api.security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


_cheap_argon2()

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
BACKENDS = ["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)]

_contract_results: Counter[tuple[str, str]] = Counter()


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """Bolt URI of a Neo4j 5: ``NEO4J_URI`` if set, otherwise the launcher's server."""
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    server = neo4j_server.start()
    try:
        yield server.uri
    finally:
        server.stop()


def _neo4j_credentials() -> tuple[str, str, str]:
    return (
        os.environ.get("NEO4J_USER", "neo4j"),
        os.environ.get("NEO4J_PASSWORD", "unused-auth-is-off"),
        os.environ.get("NEO4J_DATABASE", "neo4j"),
    )


@pytest.fixture(scope="session")
def _neo4j_store(neo4j_uri: str) -> Iterator[GraphStore]:
    user, password, database = _neo4j_credentials()
    store = open_neo4j(neo4j_uri, user, password, database)
    yield store
    store.close()


def _empty_neo4j(store: GraphStore) -> None:
    store.backend.run("MATCH (n) DETACH DELETE n")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An initialised, empty store on each backend (the contract suite's fixture)."""
    request.node.user_properties.append(("store_backend", request.param))
    if request.param == "ladybug":
        s = open_ladybug(tmp_path / "data")
        s.init()
        yield s
        s.close()
    else:
        s = request.getfixturevalue("_neo4j_store")
        _empty_neo4j(s)
        s.init()
        yield s
        _empty_neo4j(s)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    backend = dict(report.user_properties).get("store_backend")
    if backend is None:
        return
    _contract_results[(backend, report.outcome)] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _contract_results:
        return
    counts = {
        backend: {
            outcome: _contract_results[(backend, outcome)]
            for outcome in ("passed", "failed", "skipped")
        }
        for backend in ("ladybug", "neo4j")
    }
    terminalreporter.section("store contract tests per backend")
    for backend, c in counts.items():
        terminalreporter.write_line(
            f"{backend}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped"
        )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "contract-counts.json").write_text(json.dumps(counts, indent=2) + "\n")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With NETZWERKATLAS_REQUIRE_NEO4J=1 (``make test``, CI) a run without the Neo4j half
    of the contract suite fails, even if everything else passed."""
    if os.environ.get("NETZWERKATLAS_REQUIRE_NEO4J") != "1" or exitstatus != 0:
        return
    ladybug = _contract_results[("ladybug", "passed")]
    neo4j = _contract_results[("neo4j", "passed")]
    neo4j_ran = neo4j + _contract_results[("neo4j", "skipped")]
    if ladybug == 0 or neo4j == 0 or neo4j_ran < ladybug:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(
            f"\nThe store contract suite must run on both backends: {ladybug} passed on "
            f"LadybugDB, {neo4j} on Neo4j.",
            file=sys.stderr,
        )
