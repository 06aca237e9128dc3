"""Exports: GraphML and GEXF open in networkx and igraph, JSON and sheets, filters."""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import igraph
import networkx as nx
import openpyxl

from api.services.policy import PUBLIC
from api.transfer import exporter
from api.transfer.columns import SHEETS, ColumnKind, norm
from graph_schema import clock
from graph_schema.model import CooperatesWith, NodeLabel, RelType
from graph_schema.store import GraphStore
from graph_schema.vocab import label_for
from tests.transfer.conftest import TODAY, fill

GEXF = "{http://gexf.net/1.3}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
#: the attributes GEXF 1.3 (with its dynamics) allows on an edge
GEXF_EDGE_ATTRIBUTES = {
    *("id", "type", "label", "source", "target", "weight", "kind"),
    *("start", "end", "intervals", "timestamp", "timestamps"),
}


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
    g = nx.read_gexf(io.BytesIO(exporter.export(data, "gexf")), version=exporter.GEXF_VERSION)
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


def renewed_pair(store: GraphStore) -> tuple[str, str]:
    """Two organisations tied by BELONGS_TO and by two cooperations in the same direction,
    an ended one and its renewal: three ties Gephi must keep apart. Returns the new ties' ids.
    """
    belongs = next(t for t in store.list_ties(RelType.BELONGS_TO))
    old = CooperatesWith(
        id="tie-old",
        from_id=belongs.from_id,
        to_id=belongs.to_id,
        since=dt.date(2015, 3, 1),
        until=dt.date(2019, 6, 30),
    )
    new = CooperatesWith(
        id="tie-new", from_id=belongs.from_id, to_id=belongs.to_id, since=dt.date(2020, 1, 1)
    )
    store.bulk_upsert(ties=[old, new], actor="test")
    return old.id, new.id


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def test_gexf_gives_each_edge_its_relation_as_kind_and_its_validity(store: GraphStore) -> None:
    fill(store)
    old, new = renewed_pair(store)
    data = exporter.collect(store)
    root = ET.fromstring(exporter.export(data, "gexf"))
    assert root.get("version") == "1.3"
    graph = root.find(f"{GEXF}graph")
    assert graph is not None and "name" not in graph.attrib
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    edges = {e.get("id"): e for e in root.iter(f"{GEXF}edge")}
    assert set(edges) == {t.id for t in data.ties}
    for t in data.ties:
        e = edges[t.id]
        assert set(e.attrib) <= GEXF_EDGE_ATTRIBUTES, t.id
        assert e.get("kind", "").split(" ")[0] == str(t.type), t.id
        assert (e.get("start"), e.get("end")) == (_iso(t.since), _iso(t.until)), t.id
    # nothing Gephi would merge: one edge per start, end and kind
    assert len({(e.get("source"), e.get("target"), e.get("kind")) for e in edges.values()}) == (
        len(edges)
    )
    assert (edges[old].get("kind"), edges[new].get("kind")) == (
        "COOPERATES_WITH",
        "COOPERATES_WITH 2",
    )
    meta = root.find(f"{GEXF}meta")
    assert meta is not None and meta.get("lastmodifieddate") == clock.today().isoformat()
    assert f"as of {clock.today().isoformat()}" in (meta.findtext(f"{GEXF}description") or "")
    g = nx.read_gexf(io.BytesIO(exporter.export(data, "gexf")), version="1.3")
    assert g.number_of_edges() == len(data.ties)


def test_graphml_gives_each_edge_its_relation_as_gephis_label(store: GraphStore) -> None:
    fill(store)
    old, new = renewed_pair(store)
    data = exporter.collect(store)
    root = ET.fromstring(exporter.export(data, "graphml"))
    edges = {e.get("id"): e.get("label") for e in root.iter(f"{GRAPHML}edge")}
    kinds = exporter.edge_kinds(data.ties)
    assert edges == kinds
    assert {k.split(" ")[0] for k in kinds.values()} == {str(t.type) for t in data.ties}
    assert (edges[old], edges[new]) == ("COOPERATES_WITH", "COOPERATES_WITH 2")
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(f"{GRAPHML}key")}
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None
    said = {keys[d.get("key")]: d.text for d in graph.findall(f"{GRAPHML}data")}
    assert said["as_of"] == said["metrics_as_of"] == clock.today().isoformat()
    assert said["all_dates"] == "True"


def test_a_graph_export_is_of_one_day_its_metrics_and_edges_alike(store: GraphStore) -> None:
    fill(store)
    today = clock.today()
    data = exporter.collect(store)
    g = exporter.to_graph(data)
    assert (g.graph["as_of"], g.graph["all_dates"]) == (today.isoformat(), True)
    ties = {t.id: t for t in data.ties}
    current = {k: a["current"] for _, _, k, a in g.edges(keys=True, data=True)}
    assert current == {k: t.valid_on(today) for k, t in ties.items()}
    assert set(current.values()) == {True, False}  # ended ties are there, marked as such
    # each organisation's degree counts its partners among the current cooperations
    partners: dict[str, set[str]] = {}
    for u, v, a in g.edges(data=True):
        if a["relation"] == "COOPERATES_WITH" and a["current"] and u != v:
            partners.setdefault(u, set()).add(v)
            partners.setdefault(v, set()).add(u)
    orgs = [n for n, a in g.nodes(data=True) if a["entity"] == "Organisation"]
    assert orgs and all(g.nodes[n]["degree"] == len(partners.get(n, ())) for n in orgs)

    day = dt.date(2016, 1, 1)
    then = exporter.collect(store, as_of=day)
    g = exporter.to_graph(then)
    assert (g.graph["as_of"], g.graph["all_dates"]) == (day.isoformat(), False)
    assert all(a["current"] for _, _, a in g.edges(data=True))
    meta = ET.fromstring(exporter.export(then, "gexf")).find(f"{GEXF}meta")
    assert meta is not None and meta.get("lastmodifieddate") == day.isoformat()


def _names_columns(headers: list[str]) -> dict[str, str]:
    """Each "X (Bezeichnung)" header -> the header before it."""
    return {h: headers[k - 1] for k, h in enumerate(headers) if h and h.endswith(" (Bezeichnung)")}


def test_spreadsheets_give_the_german_names_beside_the_codes(store: GraphStore) -> None:
    fill(store)
    data = exporter.collect(store)
    book = openpyxl.load_workbook(io.BytesIO(exporter.export(data, "xlsx")))
    vocab_sheets = 0
    for spec in SHEETS:
        ws = book[spec.title]
        headers = [c.value for c in ws[1]]
        names = _names_columns(headers)
        vocab = [c.header for c in spec.columns if c.kind == ColumnKind.VOCAB]
        assert sorted(names.values()) == sorted(vocab), spec.title
        for named, code in names.items():
            i, j = headers.index(code), headers.index(named)
            pairs = [(r[i], r[j]) for r in ws.iter_rows(min_row=2, values_only=True)]
            assert all(n == (label_for(c) if c else None) for c, n in pairs), spec.title
            assert any(c and n != c for c, n in pairs), spec.title
            vocab_sheets += 1
    assert vocab_sheets == 5
    orgs = book["Organisationen"]
    headers = [c.value for c in orgs[1]]
    assert headers[headers.index("Art") + 1] == "Art (Bezeichnung)"
    row = next(orgs.iter_rows(min_row=2, values_only=True))
    kind = row[headers.index("Art")]
    assert row[headers.index("Art (Bezeichnung)")] == label_for(kind) != kind
    csv_text = _all_text(exporter.export(data, "csv"), "csv")
    assert "Art;Art (Bezeichnung)" in csv_text and "Rolle;Rolle (Bezeichnung)" in csv_text


def test_no_import_column_reads_the_names_columns() -> None:
    for spec in SHEETS:
        keys = {k for c in spec.columns for k in c.keys}
        for c in spec.columns:
            if c.kind == ColumnKind.VOCAB:
                header = exporter.NAMES_HEADER.format(header=c.header)
                assert norm(header) not in keys, (spec.title, header)
