"""Exports: GraphML and GEXF open in networkx and igraph, JSON and sheets, filters."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import igraph
import networkx as nx
import openpyxl

from api.services.policy import PUBLIC
from api.transfer import exporter
from api.transfer.columns import SHEETS
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore
from tests.transfer.conftest import TODAY, fill


def test_graphml_opens_in_networkx_and_igraph_with_the_same_counts(
    store: GraphStore, tmp_path: Path
) -> None:
    fill(store)
    data = exporter.collect(store)
    raw = exporter.export(data, "graphml")
    path = tmp_path / "network.graphml"
    path.write_bytes(raw)
    g = nx.read_graphml(path)
    ig = igraph.Graph.Read_GraphML(str(path))
    assert g.number_of_nodes() == ig.vcount() == len(data.nodes)
    assert g.number_of_edges() == ig.ecount() == len(data.ties)
    orgs = [n for n, a in g.nodes(data=True) if a["entity"] == "Organisation"]
    assert orgs and all("degree" in g.nodes[n] and "kind" in g.nodes[n] for n in orgs)
    assert "betweenness" in ig.vs.attributes() and "relation" in ig.es.attributes()


def test_gexf_opens_in_networkx(store: GraphStore) -> None:
    fill(store)
    data = exporter.collect(store, as_of=TODAY)
    g = nx.read_gexf(io.BytesIO(exporter.export(data, "gexf")))
    assert g.number_of_nodes() == len(data.nodes)
    assert g.number_of_edges() == len(data.ties)


def test_xlsx_has_one_sheet_per_label_and_type(store: GraphStore) -> None:
    fill(store)
    book = openpyxl.load_workbook(io.BytesIO(exporter.export(exporter.collect(store), "xlsx")))
    assert book.sheetnames == [s.title for s in SHEETS]
    counts = store.counts()
    for spec in SHEETS:
        assert book[spec.title].max_row - 1 == counts[spec.key], spec.title


def test_everything_is_exported_by_default_but_as_of_narrows(store: GraphStore) -> None:
    fill(store)
    everything = exporter.collect(store)
    assert len(everything.ties) == sum(v for k, v in store.counts().items() if k.isupper())
    then = exporter.collect(store, as_of=dt.date(2016, 1, 1))
    assert len(then.ties) < len(everything.ties)
    assert all(t.valid_on(dt.date(2016, 1, 1)) for t in then.ties)
    kind = exporter.collect(store, kind="migrant_organisation")
    orgs = [n for n in kind.nodes if n.label == NodeLabel.ORGANISATION]
    assert orgs and {o.kind for o in orgs} == {"migrant_organisation"}


def test_without_personal_data_no_person_contact_is_left(store: GraphStore) -> None:
    fill(store)
    data = exporter.collect(store, access=PUBLIC)
    people = [n for n in data.nodes if n.label == NodeLabel.PERSON]
    assert people
    emails = [p.email for p in exporter.collect(store).nodes if p.label == "Person" and p.email]
    assert emails
    for fmt in exporter.FORMATS:
        raw = exporter.export(data, fmt)
        if fmt in ("xlsx", "csv"):
            text = _all_text(raw, fmt)
        else:
            text = raw.decode()
        assert not any(e in text for e in emails), fmt
    doc = json.loads(exporter.export(data, "json"))
    person = next(n for n in doc["nodes"] if n["label"] == "Person")
    assert not {"email", "phone", "consent_given_on"} & set(person)


def _all_text(raw: bytes, fmt: str) -> str:
    if fmt == "csv":
        import zipfile

        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return "".join(z.read(n).decode("utf-8-sig") for n in z.namelist())
    book = openpyxl.load_workbook(io.BytesIO(raw))
    return " ".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )
