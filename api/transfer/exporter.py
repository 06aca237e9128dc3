"""Exports: XLSX and CSV (the layout the import reads), GraphML and GEXF (Gephi, yEd), JSON.

Without a date or filter an export holds everything, ended ties and closed offers included,
so that a workbook exported, edited and imported again changes exactly what was edited.
With ``as_of`` (or a filter: area, field, kind, as in ``/api/network``) it holds the
network valid on that day (today when only filters are given).

A graph export (GraphML, GEXF) is of one day, stated in the file: ``as_of``, else today. Its
metrics are of the network valid on that day and each edge says whether it is (``current``);
without a date it also holds the ties of other dates, each with its validity (in GEXF as
``start`` and ``end`` for Gephi's timeline). Spreadsheets give each vocabulary column's
German names beside the codes ("Art (Bezeichnung)"), a column the import does not read.

Personal data: the data-protection policy (:mod:`api.services.policy`) decides, through the
``access`` of the user who exports; a viewer's export has no e-mail, phone or consent-date
column at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, SubElement

import networkx as nx

from api.services.policy import EVERYTHING, Access
from api.transfer.columns import SHEETS, Column, ColumnKind, SheetSpec
from api.transfer.values import WITHHELD, format_list
from graph_schema import clock
from graph_schema.errors import InvalidValue
from graph_schema.model import Node, NodeLabel, Tie
from graph_schema.snapshot import Snapshot
from graph_schema.store import GraphStore, dump
from graph_schema.vocab import label_for

__all__ = [
    "FORMATS",
    "ExportData",
    "collect",
    "export",
    "to_csv_zip",
    "to_gexf",
    "to_graph",
    "to_graphml",
    "to_json",
    "to_xlsx",
]

#: format -> (media type, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("application/zip", "zip"),
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "json": ("application/json", "json"),
}
#: the metrics of organisations written into GraphML and GEXF, and their types
METRICS: dict[str, type] = {
    "degree": int,
    "weighted_degree": float,
    "betweenness": float,
    "closeness": float,
    "pagerank": float,
    "eigenvector": float,
    "core_number": int,
    "clustering": float,
    "constraint": float,
    "articulation_point": bool,
}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class ExportData:
    """What an export holds: nodes and ties, the date and filters, what was left out."""

    nodes: list[Node]
    ties: list[Tie]
    as_of: dt.date | None = None
    filters: dict[str, str] = field(default_factory=dict)
    #: personal properties left out as columns altogether (a viewer's export)
    dropped: tuple[str, ...] = ()
    #: entry id -> its properties withheld from the user in columns the export has (a
    #: partner's: other organisations' contact people); their cells say :data:`WITHHELD`
    withheld: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def names(self) -> dict[str, str]:
        return {n.id: n.display_name for n in self.nodes}


def collect(
    store: GraphStore,
    *,
    as_of: dt.date | None = None,
    area: str | None = None,
    field: str | None = None,
    kind: str | None = None,
    access: Access = EVERYTHING,
) -> ExportData:
    """The nodes and ties to export, with what ``access`` may see (default: everything:
    the command line and backups)."""
    filters = {k: v for k, v in {"area": area, "field": field, "kind": kind}.items() if v}
    if as_of is None and not filters:
        nodes = list(dump.all_nodes(store))
        ties = list(dump.all_ties(store))
    else:
        snap = store.snapshot(as_of, area=area, field=field, kind=kind)
        as_of = snap.as_of
        nodes = sorted(snap.nodes, key=lambda n: (list(NodeLabel).index(n.label), n.id))
        ties = sorted(snap.ties, key=lambda t: (t.type, t.id))
    dropped = access.columns_withheld(NodeLabel.PERSON)
    withheld = {
        n.id: hide
        for n in nodes
        if (hide := tuple(p for p in access.hidden(n.label, n.id) if p not in dropped))
    }
    nodes = [access.redact(n) for n in nodes]
    return ExportData(nodes, ties, as_of, filters, dropped, withheld)


# --------------------------------------------------------------------------- sheets


#: the header of a vocabulary column's German names, after the column's own: "Art
#: (Bezeichnung)" beside "Art". No column of the import has that header: it reads the codes.
NAMES_HEADER = "{header} (Bezeichnung)"


@dataclass(frozen=True)
class NamesColumn(Column):
    """Export only: the German names of the codes in the vocabulary column before it."""


def _columns(spec: SheetSpec, dropped: Sequence[str]) -> list[Column]:
    """The sheet's exported columns, each vocabulary column followed by its German names."""
    skip = set(dropped) if spec.label == NodeLabel.PERSON else set()
    cols: list[Column] = []
    for c in spec.columns:
        if not c.exported or c.prop in skip:
            continue
        cols.append(c)
        if c.kind == ColumnKind.VOCAB:
            header = NAMES_HEADER.format(header=c.header)
            cols.append(NamesColumn(c.prop, header, ColumnKind.STRING, vocab=c.vocab))
    return cols


#: characters XML 1.0 (so XLSX, GraphML, GEXF) cannot hold: C0 controls but tab, LF, CR
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: Any) -> Any:
    return _ILLEGAL.sub("", value) if isinstance(value, str) else value


def _same(value: Any) -> Any:
    return value


def _cell(col: Column, value: Any, escape: Callable[[Any], Any]) -> Any:
    """A cell's value; ``escape`` is applied to each text (each item, in a list)."""
    if value is None:
        return None
    if isinstance(col, NamesColumn):
        return escape(label_for(str(value)))
    if col.kind == ColumnKind.LIST:
        return format_list(escape(item) for item in value) if value else None
    return escape(value)


def _sheet_rows(
    data: ExportData, escape: Callable[[Any], Any] = _same
) -> Iterable[tuple[SheetSpec, list[Column], list[list[Any]]]]:
    names = data.names()
    by_label: dict[str, list[Node]] = {}
    for n in data.nodes:
        by_label.setdefault(str(n.label), []).append(n)
    by_type: dict[str, list[Tie]] = {}
    for t in data.ties:
        by_type.setdefault(str(t.type), []).append(t)
    for spec in SHEETS:
        cols = _columns(spec, data.dropped)
        rows = []
        if spec.label:
            for n in by_label.get(spec.key, []):
                hide = data.withheld.get(n.id, ())
                rows.append(
                    [
                        WITHHELD if c.prop in hide else _cell(c, getattr(n, c.prop), escape)
                        for c in cols
                    ]
                )
        else:
            for t in by_type.get(spec.key, []):
                values = {
                    **{c.prop: getattr(t, c.prop, None) for c in cols},
                    "from_name": names.get(t.from_id),
                    "to_name": names.get(t.to_id),
                }
                rows.append([_cell(c, values.get(c.prop), escape) for c in cols])
        yield spec, cols, rows


def to_xlsx(data: ExportData) -> bytes:
    """One sheet per label and per tie type, German headers, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    book.properties.title = "Netzwerkatlas"
    book.properties.description = _describe(data)
    bold = Font(bold=True)
    for spec, cols, rows in _sheet_rows(data):
        ws = book.create_sheet(spec.title)
        ws.freeze_panes = "A2"
        for k, col in enumerate(cols, start=1):
            wide = col.prop in ("name", "title", "description", "from_name", "to_name", "note")
            ws.column_dimensions[get_column_letter(k)].width = 40 if wide else 16
        header = []
        for col in cols:
            cell = WriteOnlyCell(ws, value=col.header)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        dates = [k for k, c in enumerate(cols) if c.kind == ColumnKind.DATE]
        for row in rows:
            row = [_xml_text(_excel_safe(v)) for v in row]
            out: list[Any] = list(row)
            for k in dates:
                if isinstance(out[k], dt.date):
                    cell = WriteOnlyCell(ws, value=out[k])
                    cell.number_format = "DD.MM.YYYY"
                    out[k] = cell
            for k, value in enumerate(row):
                if isinstance(value, str) and value.startswith("="):
                    # text, never a formula: a name must not run in the reader's Excel
                    cell = WriteOnlyCell(ws, value=value)
                    cell.data_type = "s"
                    out[k] = cell
            ws.append(out)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


#: the first day a spreadsheet program holds as a date (Excel's serial 1)
EXCEL_FIRST_DAY = dt.date(1900, 1, 1)
#: the largest whole number a spreadsheet program holds exactly (15 significant digits)
EXCEL_LARGEST_INT = 10**15 - 1


def _excel_safe(value: Any) -> Any:
    """A value Excel keeps as it is: a date before 1900 or a number over 15 digits as text
    (``09.11.1897``, the way the import reads it), anything else unchanged."""
    if isinstance(value, dt.date) and value < EXCEL_FIRST_DAY:
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > EXCEL_LARGEST_INT:
        return str(value)
    return value


def to_csv_zip(data: ExportData) -> bytes:
    """A ZIP with one CSV per sheet (UTF-8 with BOM, ``;``, ISO dates), as Excel opens it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for spec, cols, rows in _sheet_rows(data, _safe):
            text = io.StringIO()
            writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
            writer.writerow([c.header for c in cols])
            for row in rows:
                writer.writerow(["" if v is None else _plain(v) for v in row])
            info = zipfile.ZipInfo(f"{spec.title}.csv", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, "\ufeff" + text.getvalue())
    return buf.getvalue()


#: first characters that make a spreadsheet program read a CSV cell as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    """A CSV cell (or a list cell's item) that a spreadsheet program shows as text: ``'``
    before a formula start.

    The import removes that ``'`` again, so the round trip keeps the value; a value that
    itself starts with such a ``'`` (``'+49``) gets one more, for the import to remove.
    """
    if isinstance(value, str) and (
        value.startswith(FORMULA_START) or (value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"))
    ):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _describe(data: ExportData) -> str:
    parts = [f"as of {data.as_of.isoformat()}" if data.as_of else "everything"]
    parts += [f"{k}={v}" for k, v in data.filters.items()]
    if data.dropped:
        parts.append("without personal contact data")
    return "Netzwerkatlas export: " + ", ".join(parts)


# --------------------------------------------------------------------------- graphs


def _day(data: ExportData) -> dt.date:
    """The day a graph export is of: its ``as_of``, else today."""
    return data.as_of or clock.today()


def _metrics(data: ExportData, day: dt.date) -> dict[str, Mapping[str, Any]]:
    """Per-organisation metrics of the cooperation network valid on ``day``."""
    from network.actors import actor_metrics
    from network.graphs import cooperation_graph

    g = cooperation_graph(Snapshot(day, data.nodes, data.ties))
    return {r["id"]: r for r in actor_metrics(g)}


def _attr(value: Any) -> Any:
    if isinstance(value, list):
        return _xml_text("; ".join(str(v) for v in value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return _xml_text(value)


def _node_attrs(data: ExportData, n: Node, row: Mapping[str, Any] | None) -> dict[str, Any]:
    attrs: dict[str, Any] = {"label": _xml_text(n.display_name), "entity": str(n.label)}
    for prop, value in n.model_dump().items():
        if prop in ("id", "label") or prop in (data.dropped if n.label == "Person" else ()):
            continue
        if value is not None and value != []:
            attrs[prop] = _attr(value)
    if row:
        for key, cast in METRICS.items():
            if row.get(key) is not None:
                attrs[key] = cast(row[key])
    return attrs


def _edge_attrs(t: Tie, day: dt.date) -> dict[str, Any]:
    attrs: dict[str, Any] = {"relation": str(t.type), "tie_id": t.id}
    for prop, value in t.model_dump().items():
        if prop in ("id", "from_id", "to_id") or value is None:
            continue
        attrs[prop] = _attr(value)
    attrs["weight"] = int(getattr(t, "intensity", 1) or 1)
    attrs["current"] = t.valid_on(day)
    return attrs


def to_graph(data: ExportData, *, metrics: bool = True) -> nx.MultiDiGraph:
    """Every node and tie as a directed multigraph with flat attributes (no None, no lists).

    The graph is of one day, ``as_of`` (the export's date, else today): the metrics are of
    the network valid on that day, and so is each edge's ``current``. ``all_dates`` says
    whether the graph holds the ties of every date (an export without date or filter: the
    ended and the future ones too, each with its ``since`` and ``until``) or only those
    valid on ``as_of``.

    Nodes: ``label`` (display name), ``entity`` (node label), their properties and, for
    organisations, the metrics of :data:`METRICS`. Edges are keyed by tie id, with
    ``relation`` (tie type), ``weight`` (a cooperation's intensity, else 1), ``current``
    (valid on ``as_of``) and properties.
    """
    day = _day(data)
    per_org = _metrics(data, day) if metrics else {}
    g = nx.MultiDiGraph(name="Netzwerkatlas", as_of=day.isoformat(), all_dates=data.as_of is None)
    if metrics:
        g.graph["metrics_as_of"] = day.isoformat()
    for n in data.nodes:
        g.add_node(n.id, **_node_attrs(data, n, per_org.get(n.id)))
    for t in data.ties:
        g.add_edge(t.from_id, t.to_id, key=t.id, **_edge_attrs(t, day))
    return g


def edge_kinds(ties: Iterable[Tie]) -> dict[str, str]:
    """Tie id -> its edge kind for Gephi: the relation type (``COOPERATES_WITH``).

    Gephi keeps one edge per source, target and kind and merges the others into it (its
    import's default). So where several ties of one type run from the same node to the same
    other (an ended cooperation and its renewal), the second and later, by ``since``, get
    the kind ``COOPERATES_WITH 2``, ``COOPERATES_WITH 3``: every tie arrives as an edge.

    Examples:
        >>> from graph_schema.model import BelongsTo, CooperatesWith
        >>> old = CooperatesWith(id="t1", from_id="a", to_id="b", until=dt.date(2020, 1, 1))
        >>> new = CooperatesWith(id="t2", from_id="a", to_id="b", since=dt.date(2021, 1, 1))
        >>> edge_kinds([new, old, BelongsTo(id="t3", from_id="a", to_id="b")])
        {'t2': 'COOPERATES_WITH 2', 't1': 'COOPERATES_WITH', 't3': 'BELONGS_TO'}
    """
    ties = list(ties)
    seen: Counter[tuple[str, str, str]] = Counter()
    kinds: dict[str, str] = {}
    for t in sorted(ties, key=lambda t: (t.since or dt.date.min, t.id)):
        key = (t.from_id, t.to_id, str(t.type))
        seen[key] += 1
        kinds[t.id] = str(t.type) if seen[key] == 1 else f"{t.type} {seen[key]}"
    return {t.id: kinds[t.id] for t in ties}


def to_graphml(data: ExportData) -> bytes:
    """GraphML for yEd, Gephi, networkx and igraph; edge ids are the tie ids.

    Each ``<edge>`` carries its relation type (:func:`edge_kinds`) as the XML attribute
    ``label``, which Gephi (0.9 and later) reads as the edge's type, as its own GraphML
    export writes it: ties of different types between the same two nodes stay apart instead
    of being merged. The graph's data ``as_of`` and ``all_dates`` state its day (see
    :func:`to_graph`; Gephi ignores graph data); dates are ISO strings (GraphML has no date
    type).
    """
    from networkx.readwrite.graphml import GraphMLWriter

    g = to_graph(data)
    writer = GraphMLWriter(encoding="utf-8")
    writer.add_graph_element(g)
    kinds = edge_kinds(data.ties)
    for edge in writer.xml.iter("edge"):
        edge.set("label", kinds[edge.attrib["id"]])
    buf = io.BytesIO()
    writer.dump(buf)
    return buf.getvalue()


#: the GEXF version written: Gephi 0.10 reads and writes it (1.2 is "deprecated" there)
GEXF_VERSION = "1.3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def to_gexf(data: ExportData) -> bytes:
    """GEXF 1.3 for Gephi; edge ids are the tie ids.

    Each edge's ``kind`` is its relation type (:func:`edge_kinds`), which Gephi reads as the
    edge's type, so ties of different types between the same two nodes stay apart. A tie's
    ``since`` and ``until`` are also its ``start`` and ``end`` (``timeformat="date"``,
    dynamic mode), so Gephi's timeline shows the network of any day; the metrics and each
    edge's ``current`` are of the day in the meta data (``lastmodifieddate`` and the
    description).
    """
    from networkx.readwrite.gexf import GEXFWriter

    g = to_graph(data)
    for _, _, key, attrs in g.edges(keys=True, data=True):
        attrs["id"] = key
        if "since" in attrs:
            attrs["start"] = attrs["since"]
        if "until" in attrs:
            attrs["end"] = attrs["until"]
    writer = GEXFWriter(encoding="utf-8", version=GEXF_VERSION)
    writer.xml.set("xmlns:xsi", XSI)  # networkx 3.6 misspells it for GEXF 1.3
    writer.add_graph(g)
    graph = writer.graph_element
    graph.attrib.pop("name", None)  # not in GEXF 1.3
    kinds = edge_kinds(data.ties)
    for edge in graph.iter("edge"):
        edge.set("kind", kinds[edge.attrib["id"]])
    _gexf_meta(writer.xml, data)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _gexf_meta(root: Element, data: ExportData) -> None:
    """The meta data: Netzwerkatlas as creator, the export's day, what the graph holds."""
    day = _day(data).isoformat()
    meta = Element("meta", lastmodifieddate=day)
    SubElement(meta, "creator").text = "Netzwerkatlas"
    holds = (
        f"the ties valid on {day}"
        if data.as_of
        else "the ties of every date, each from its start (since) to its end (until)"
    )
    SubElement(meta, "description").text = (
        f"{_describe(data)}. Metrics and the edge attribute 'current' as of {day}; "
        f"the graph holds {holds}."
    )
    for old in root.findall("meta"):
        root.remove(old)
    root.insert(0, meta)


def to_json(data: ExportData) -> bytes:
    """``{"format", "version", "as_of", "filters", "nodes", "ties"}`` as UTF-8 JSON."""
    doc = {
        "format": "netzwerkatlas-export",
        "version": 1,
        "as_of": data.as_of.isoformat() if data.as_of else None,
        "filters": data.filters,
        "nodes": [
            {
                "label": str(n.label),
                **{
                    k: v
                    for k, v in n.model_dump(mode="json").items()
                    if not (n.label == NodeLabel.PERSON and k in data.dropped)
                },
            }
            for n in data.nodes
        ],
        "ties": [{"type": str(t.type), **t.model_dump(mode="json")} for t in data.ties],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


_WRITERS = {
    "xlsx": to_xlsx,
    "csv": to_csv_zip,
    "graphml": to_graphml,
    "gexf": to_gexf,
    "json": to_json,
}


def export(data: ExportData, fmt: str) -> bytes:
    """The export in one of :data:`FORMATS`."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise InvalidValue(f"Unknown export format {fmt!r}: use one of {', '.join(FORMATS)}.")
    return writer(data)
