"""Exports: XLSX and CSV (the layout the import reads), GraphML and GEXF (Gephi, yEd), JSON.

Without a date or filter an export holds everything, ended ties and closed offers included,
so that a workbook exported, edited and imported again changes exactly what was edited.
With ``as_of`` (or a filter: area, field, kind, as in ``/api/network``) it holds the
network valid on that day (today when only filters are given).

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from api.services.policy import EVERYTHING, Access
from api.transfer.columns import SHEETS, Column, ColumnKind, SheetSpec
from graph_schema import clock
from graph_schema.errors import InvalidValue
from graph_schema.model import Node, NodeLabel, Tie
from graph_schema.snapshot import Snapshot
from graph_schema.store import GraphStore, dump

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
    nodes = [access.redact(n) for n in nodes]
    dropped = access.columns_withheld(NodeLabel.PERSON)
    return ExportData(nodes, ties, as_of, filters, dropped)


# --------------------------------------------------------------------------- sheets


def _columns(spec: SheetSpec, dropped: Sequence[str]) -> list[Column]:
    skip = set(dropped) if spec.label == NodeLabel.PERSON else set()
    return [c for c in spec.columns if c.exported and c.prop not in skip]


#: characters XML 1.0 (so XLSX, GraphML, GEXF) cannot hold: C0 controls but tab, LF, CR
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: Any) -> Any:
    return _ILLEGAL.sub("", value) if isinstance(value, str) else value


def _cell(col: Column, value: Any) -> Any:
    if value is None:
        return None
    if col.kind == ColumnKind.LIST:
        return ", ".join(value)
    return value


def _sheet_rows(data: ExportData) -> Iterable[tuple[SheetSpec, list[Column], list[list[Any]]]]:
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
                rows.append([_cell(c, getattr(n, c.prop)) for c in cols])
        else:
            for t in by_type.get(spec.key, []):
                values = {
                    **{c.prop: getattr(t, c.prop, None) for c in cols},
                    "from_name": names.get(t.from_id),
                    "to_name": names.get(t.to_id),
                }
                rows.append([_cell(c, values.get(c.prop)) for c in cols])
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
            row = [_xml_text(v) for v in row]
            out: list[Any] = list(row)
            for k in dates:
                if out[k] is not None:
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


def to_csv_zip(data: ExportData) -> bytes:
    """A ZIP with one CSV per sheet (UTF-8 with BOM, ``;``, ISO dates), as Excel opens it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for spec, cols, rows in _sheet_rows(data):
            text = io.StringIO()
            writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
            writer.writerow([c.header for c in cols])
            for row in rows:
                writer.writerow(["" if v is None else _safe(_plain(v)) for v in row])
            info = zipfile.ZipInfo(f"{spec.title}.csv", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, "\ufeff" + text.getvalue())
    return buf.getvalue()


#: first characters that make a spreadsheet program read a CSV cell as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet program shows as text: ``'`` before a formula start.

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


def _metrics(data: ExportData) -> tuple[dict[str, Mapping[str, Any]], str]:
    """Per-organisation metrics of the cooperation network on the export's date (or today)."""
    from network.actors import actor_metrics
    from network.graphs import cooperation_graph

    day = data.as_of or clock.today()
    g = cooperation_graph(Snapshot(day, data.nodes, data.ties))
    rows = actor_metrics(g)
    return {r["id"]: r for r in rows}, day.isoformat()


def _attr(value: Any) -> Any:
    if isinstance(value, list):
        return _xml_text("; ".join(str(v) for v in value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return _xml_text(value)


def to_graph(data: ExportData, *, metrics: bool = True) -> nx.MultiDiGraph:
    """Every node and tie as a directed multigraph with flat attributes (no None, no lists).

    Nodes: ``label`` (display name), ``entity`` (node label), their properties and, for
    organisations, the metrics of :data:`METRICS`. Edges are keyed by tie id, with
    ``relation`` (tie type), ``weight`` (a cooperation's intensity, else 1) and properties.
    """
    per_org, day = _metrics(data) if metrics else ({}, "")
    g = nx.MultiDiGraph(name="Netzwerkatlas", as_of=data.as_of.isoformat() if data.as_of else "all")
    if metrics:
        g.graph["metrics_as_of"] = day
    for n in data.nodes:
        attrs: dict[str, Any] = {"label": _xml_text(n.display_name), "entity": str(n.label)}
        for prop, value in n.model_dump().items():
            if prop in ("id", "label") or prop in (data.dropped if n.label == "Person" else ()):
                continue
            if value is not None and value != []:
                attrs[prop] = _attr(value)
        row = per_org.get(n.id)
        if row:
            for key, cast in METRICS.items():
                if row.get(key) is not None:
                    attrs[key] = cast(row[key])
        g.add_node(n.id, **attrs)
    for t in data.ties:
        attrs = {"relation": str(t.type), "tie_id": t.id}
        for prop, value in t.model_dump().items():
            if prop in ("id", "from_id", "to_id") or value is None:
                continue
            attrs[prop] = _attr(value)
        attrs["weight"] = int(getattr(t, "intensity", 1) or 1)
        g.add_edge(t.from_id, t.to_id, key=t.id, **attrs)
    return g


def to_graphml(data: ExportData) -> bytes:
    """GraphML for yEd, Gephi, networkx and igraph."""
    buf = io.BytesIO()
    nx.write_graphml(to_graph(data), buf, encoding="utf-8")
    return buf.getvalue()


def to_gexf(data: ExportData) -> bytes:
    """GEXF 1.2 for Gephi (edge ids are the tie ids)."""
    g = to_graph(data)
    for _, _, key, attrs in g.edges(keys=True, data=True):
        attrs["id"] = key
    buf = io.BytesIO()
    nx.write_gexf(g, buf, encoding="utf-8", version="1.2draft")
    return buf.getvalue()


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
