"""Gephi imports the GEXF and GraphML exports with every tie: checked with Gephi's own toolkit.

tests/gephi_check imports a file the way Gephi desktop does (importer by file extension,
default processor, the default edge merge) and prints what arrived. Before edge kinds were
written, Gephi merged the ties of different types between the same two organisations (a
cooperation and an umbrella tie) and lost 4 of 405 cooperations of the demo region.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from api.transfer import exporter
from graph_schema.model import Tie
from graph_schema.store import open_ladybug
from tests.transfer.conftest import fill
from tests.transfer.test_exporter import renewed_pair

pytestmark = pytest.mark.gephi

CHECK = Path(__file__).parents[1] / "gephi_check"
CLASSPATH_FILE = CHECK / "target" / "classpath.txt"
CLASSES = CHECK / "target" / "classes"
MAIN_CLASS = "netzwerkatlas.GephiCheck"


def build_check() -> None:
    """Compile the check and resolve Gephi's toolkit from Maven Central (once; `make test`
    builds it beforehand)."""
    if CLASSPATH_FILE.exists() and (CLASSES / "netzwerkatlas" / "GephiCheck.class").exists():
        return
    subprocess.run(
        [
            *("mvn", "-q", "-B", "-f", str(CHECK / "pom.xml")),
            *("compile", "dependency:build-classpath", f"-Dmdep.outputFile={CLASSPATH_FILE}"),
        ],
        check=True,
    )


def gephi_import(*files: Path) -> dict[str, Any]:
    """What Gephi made of each file: nodes, edges, their types and intervals, its issues."""
    build_check()
    classpath = f"{CLASSES}{os.pathsep}{CLASSPATH_FILE.read_text().strip()}"
    done = subprocess.run(
        ["java", "-Xmx1g", "-Djava.awt.headless=true", "-cp", classpath, MAIN_CLASS]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _interval(t: Tie) -> list[list[str]]:
    """The interval Gephi should give the tie's edge: none without since and until."""
    if t.since is None and t.until is None:
        return []
    start = t.since.isoformat() if t.since else "-inf"
    return [[start, t.until.isoformat() if t.until else "inf"]]


def test_gephi_imports_every_tie_of_both_graph_exports(tmp_path: Path) -> None:
    store = open_ladybug(tmp_path / "data")
    store.init()
    try:
        fill(store)
        old, new = renewed_pair(store)
        data = exporter.collect(store)
    finally:
        store.close()
    ties = {t.id: t for t in data.ties}
    # the case Gephi used to lose: two organisations with a cooperation and an umbrella tie
    pairs: dict[frozenset[str], set[str]] = {}
    for t in data.ties:
        pairs.setdefault(frozenset((t.from_id, t.to_id)), set()).add(str(t.type))
    assert sum({"COOPERATES_WITH", "BELONGS_TO"} <= types for types in pairs.values()) >= 2
    gexf, graphml = tmp_path / "network.gexf", tmp_path / "network.graphml"
    gexf.write_bytes(exporter.export(data, "gexf"))
    graphml.write_bytes(exporter.export(data, "graphml"))

    found = gephi_import(gexf, graphml)

    kinds = exporter.edge_kinds(data.ties)
    for path in (gexf, graphml):
        got = found[str(path)]
        severe = [i["message"] for i in got["issues"] if i["level"] in ("SEVERE", "CRITICAL")]
        assert severe == [], path.name
        assert (got["nodes"], got["edges"]) == (len(data.nodes), len(data.ties)), path.name
        edges = {e["id"]: e for e in got["edge_list"]}
        assert set(edges) == set(ties), path.name
        assert {i: e["type"] for i, e in edges.items()} == kinds, path.name
        assert got["types"] == dict(Counter(kinds.values())), path.name
        assert all(e["type"].split(" ")[0] == str(ties[i].type) for i, e in edges.items())
        assert all(
            (e["source"], e["target"]) == (ties[i].from_id, ties[i].to_id) for i, e in edges.items()
        )
        assert (edges[old]["type"], edges[new]["type"]) == ("COOPERATES_WITH", "COOPERATES_WITH 2")
    # GEXF: Gephi's timeline knows each tie's validity, as dates
    got = found[str(gexf)]
    assert (got["dynamic"], got["time_format"]) == (True, "DATE")
    intervals = {e["id"]: e["intervals"] for e in got["edge_list"]}
    assert intervals == {i: _interval(t) for i, t in ties.items()}
    assert intervals[old] == [["2015-03-01", "2019-06-30"]]
    assert any(t.until for t in ties.values()) and any(not t.until for t in ties.values())
