"""The network report (Netzwerkbericht): key figures, gaps, brokers and periphery, council
representation and the change since a comparison date, in German, as HTML or PDF.

The figures come from :mod:`network` (its public functions only); this module gathers them
for two dates, draws the charts and the network picture as inline SVG (no external file,
font or URL, so the HTML works offline) and renders the template ``report.html.j2``. The
PDF is WeasyPrint's rendering of the same HTML: no browser and no network needed. The
report names organisations, never people, so it holds no personal data.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import networkx as nx

from graph_schema.errors import NetzwerkatlasError
from graph_schema.store import GraphStore
from graph_schema.vocab import ORGANISATION_KINDS, OrganisationKind, label_for

__all__ = ["FORMATS", "PdfUnavailable", "ReportData", "build_report", "render_html", "render_pdf"]

FORMATS = ("html", "pdf")
TOP = 12
#: organisations drawn at most in the network picture (the best connected ones)
PICTURE_LIMIT = 400

KIND_COLOURS: dict[str, str] = {
    OrganisationKind.WELFARE_ASSOCIATION: "#1f77b4",
    OrganisationKind.MIGRANT_ORGANISATION: "#d62728",
    OrganisationKind.AUTHORITY: "#7f7f7f",
    OrganisationKind.MUNICIPALITY: "#8c564b",
    OrganisationKind.EDUCATION_PROVIDER: "#2ca02c",
    OrganisationKind.INITIATIVE: "#ff7f0e",
    OrganisationKind.ASSOCIATION: "#9467bd",
    OrganisationKind.RELIGIOUS_COMMUNITY: "#bcbd22",
    OrganisationKind.EMPLOYER: "#17becf",
    OrganisationKind.OTHER: "#c7c7c7",
}


class PdfUnavailable(NetzwerkatlasError):
    """The PDF renderer's system libraries are missing."""

    status = 503


@dataclass
class ReportData:
    """Everything the report shows, as plain values."""

    as_of: dt.date
    compare_to: dt.date | None
    created: dt.datetime
    figures: dict[str, Any]
    kinds: list[dict[str, Any]]
    picture: str
    picture_note: str | None
    offer_gaps: list[dict[str, Any]]
    offer_gap_total: int
    duplicates: list[dict[str, Any]]
    duplicate_total: int
    missing: list[dict[str, Any]]
    brokers: list[dict[str, Any]]
    peripheral: list[dict[str, Any]]
    peripheral_total: int
    council: dict[str, Any] | None
    council_chart: str | None
    change: dict[str, Any] | None
    kind_chart: str = ""
    names: dict[str, str] = field(default_factory=dict)


def _number(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        return f"{value:,.{digits}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return str(value)


def _signed(value: Any) -> str:
    if value is None:
        return "–"
    text = _number(value, 3 if isinstance(value, float) else 0)
    return text if text.startswith("-") or value == 0 else f"+{text}"


# --------------------------------------------------------------------------- charts


def bar_chart(
    rows: list[tuple[str, list[float | None], list[str]]], legend: list[tuple[str, str]]
) -> str:
    """A horizontal bar chart as SVG: rows of (label, values 0..1, colours), one bar each."""
    bars = max((len(v) for _, v, _ in rows), default=1)
    row_h = 8 + 12 * bars
    width, label_w, bar_w = 640, 230, 330
    height = row_h * len(rows) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" font-size="11">'
    ]
    for k, (label, values, colours) in enumerate(rows):
        y = k * row_h + 4
        out.append(f'<text x="0" y="{y + row_h / 2 + 2:.1f}">{escape(label)}</text>')
        for b, (value, colour) in enumerate(zip(values, colours, strict=True)):
            value = value or 0.0
            w = max(0.0, min(1.0, value)) * bar_w
            by = y + b * 12
            out.append(
                f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="10" fill="{colour}"/>'
            )
            out.append(
                f'<text x="{label_w + w + 4:.1f}" y="{by + 9}">{_number(100 * value, 1)} %</text>'
            )
    x = 0
    for text, colour in legend:
        out.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 14}" y="{height - 5}">{escape(text)}</text>')
        x += 20 + 7 * len(text)
    out.append("</svg>")
    return "".join(out)


def _layout(g: nx.Graph, size: int, seed: int) -> tuple[dict[Any, tuple[float, float]], int]:
    """Positions in pixels: the largest component in a square, the rest in rows below it."""
    components = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(map(str, c))))
    main = g.subgraph(components[0])
    raw = (
        nx.spring_layout(main, seed=seed, iterations=80)
        if len(main) > 1
        else {next(iter(main)): (0.0, 0.0)}
    )
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    pos: dict[Any, tuple[float, float]] = {
        v: (
            15 + (x - x0) / ((x1 - x0) or 1) * (size - 30),
            15 + (y - y0) / ((y1 - y0) or 1) * (size - 30),
        )
        for v, (x, y) in raw.items()
    }
    x, y, row_h = 15.0, size + 10.0, 0.0
    for comp in components[1:]:
        nodes = sorted(comp, key=str)
        radius = 0.0 if len(nodes) == 1 else 6 + 3 * len(nodes)
        cell = 2 * radius + 14
        if x + cell > size - 10:
            x, y, row_h = 15.0, y + row_h + 6, 0.0
        for k, v in enumerate(nodes):
            angle = 2 * math.pi * k / len(nodes)
            pos[v] = (
                x + cell / 2 + radius * math.cos(angle),
                y + cell / 2 + radius * math.sin(angle),
            )
        x += cell
        row_h = max(row_h, cell)
    return pos, int(y + row_h + 10) if len(components) > 1 else size


def network_picture(g: nx.Graph, seed: int = 42) -> tuple[str, str | None]:
    """The cooperation network as SVG: organisations coloured by kind, sized by degree.

    The largest connected part fills the square; smaller parts and organisations without
    any cooperation are lined up below it.
    """
    note = None
    if g.number_of_nodes() > PICTURE_LIMIT:
        keep = sorted(g, key=lambda v: (-g.degree(v), str(v)))[:PICTURE_LIMIT]
        note = (
            f"Gezeigt sind die {PICTURE_LIMIT} am besten vernetzten von "
            f"{_number(g.number_of_nodes())} Organisationen."
        )
        g = g.subgraph(keep).copy()
    size = 620
    if g.number_of_nodes() == 0:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="40"></svg>', note
    pos, height = _layout(g, size, seed)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{height}" '
        f'viewBox="0 0 {size} {height}">'
    ]
    for u, v, data in sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        (ax, ay), (bx, by) = pos[u], pos[v]
        w = 0.4 + 0.4 * int(data.get("weight", 1))
        out.append(
            f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" '
            f'stroke="#999" stroke-opacity="0.6" stroke-width="{w:.1f}"/>'
        )
    for v in sorted(g, key=str):
        x, y = pos[v]
        r = 2.5 + 1.4 * math.sqrt(g.degree(v))
        colour = KIND_COLOURS.get(g.nodes[v].get("kind", "other"), "#c7c7c7")
        name = escape(str(g.nodes[v].get("name", v)))
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" '
            f'stroke="#fff" stroke-width="0.5"><title>{name}</title></circle>'
        )
    out.append("</svg>")
    return "".join(out), note


# --------------------------------------------------------------------------- data


def build_report(
    store: GraphStore, *, as_of: dt.date | None = None, compare_to: dt.date | None = None
) -> ReportData:
    """Gather the report's figures for ``as_of`` (default today) and ``compare_to``."""
    from network.actors import actor_metrics
    from network.brokerage import brokerage
    from network.change import compare
    from network.figures import summary
    from network.gaps import (
        council_representation,
        duplicate_offers,
        missing_cooperations,
        offer_gaps,
        peripheral_actors,
    )
    from network.graphs import cooperation_graph

    day = as_of or dt.date.today()
    snap = store.snapshot(day)
    g = cooperation_graph(snap)
    names = {n: str(g.nodes[n].get("name", n)) for n in g}
    figures = summary(g)
    metrics = {r["id"]: r for r in actor_metrics(g)}

    counts: dict[str, int] = {}
    for v in g:
        counts[g.nodes[v].get("kind", "other")] = counts.get(g.nodes[v].get("kind", "other"), 0) + 1
    total = max(1, g.number_of_nodes())
    kinds = [
        {
            "kind": str(k),
            "label": lab.de,
            "count": counts.get(k, 0),
            "share": counts.get(k, 0) / total,
        }
        for k, lab in ORGANISATION_KINDS.items()
        if counts.get(k)
    ]
    kind_chart = bar_chart(
        [(k["label"], [k["share"]], [KIND_COLOURS[k["kind"]]]) for k in kinds], []
    )

    gaps = offer_gaps(snap)
    dups = [d for d in duplicate_offers(snap) if not d["coordinated"]]
    missing = missing_cooperations(snap, g, limit=TOP)
    roles = {r["id"]: r for r in brokerage(g)}
    brokers = []
    for r in sorted(metrics.values(), key=lambda r: (-r["betweenness"], r["id"]))[:TOP]:
        b = roles.get(r["id"], {})
        brokers.append(
            {
                "name": r["name"],
                "kind": label_for(r["kind"] or "other"),
                "degree": r["degree"],
                "betweenness": r["betweenness"],
                "articulation_point": r["articulation_point"],
                "brokerage": b.get("total", 0),
                "liaison": b.get("liaison", 0),
            }
        )
    peripheral = peripheral_actors(g)

    council: dict[str, Any] | None
    council_chart = None
    try:
        council = council_representation(snap)
    except ValueError:
        council = None
    if council is not None:
        council_chart = bar_chart(
            [
                (k["label_de"], [k["seat_share"], k["network_share"]], ["#1f77b4", "#bbbbbb"])
                for k in council["kinds"]
                if k["seats"] or k["organisations"]
            ],
            [("Anteil an den Sitzen", "#1f77b4"), ("Anteil im Netzwerk", "#bbbbbb")],
        )

    change = None
    if compare_to is not None:
        before = store.snapshot(compare_to)
        change = compare(before, snap)
        before_names = {n.id: n.display_name for n in before.nodes}
        change["ended_names"] = [
            before_names.get(i, i) for i in change["organisations_ended"][:TOP]
        ]
        change["added_names"] = [names.get(i, i) for i in change["organisations_added"][:TOP]]

    picture, note = network_picture(g)
    return ReportData(
        as_of=day,
        compare_to=compare_to,
        created=dt.datetime.now(),
        figures=figures,
        kinds=kinds,
        kind_chart=kind_chart,
        picture=picture,
        picture_note=note,
        offer_gaps=gaps[: TOP + 3],
        offer_gap_total=len(gaps),
        duplicates=dups[:TOP],
        duplicate_total=len(dups),
        missing=missing,
        brokers=brokers,
        peripheral=peripheral[: TOP + 3],
        peripheral_total=len(peripheral),
        council=council,
        council_chart=council_chart,
        change=change,
        names=names,
    )


# --------------------------------------------------------------------------- rendering


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["number"] = _number
    env.filters["signed"] = _signed
    env.filters["date"] = lambda d: d.strftime("%d.%m.%Y") if d else "–"
    env.filters["percent"] = lambda x: "–" if x is None else _number(100 * x, 1) + " %"
    return env


def render_html(data: ReportData) -> str:
    """The report as one self-contained HTML page (German)."""
    import markupsafe

    env = _environment()
    return str(
        env.get_template("report.html.j2").render(
            r=data,
            picture=markupsafe.Markup(data.picture),
            kind_chart=markupsafe.Markup(data.kind_chart),
            council_chart=markupsafe.Markup(data.council_chart or ""),
            colours=KIND_COLOURS,
            kind_label=lambda k: label_for(k or "other"),
        )
    )


def render_pdf(html: str) -> bytes:
    """The HTML as PDF (WeasyPrint; needs Debian's pango, no browser, no network)."""
    try:
        import weasyprint
    except OSError as e:  # the pango libraries are missing
        raise PdfUnavailable(
            "PDF needs the pango libraries (Debian: libpango-1.0-0 libpangoft2-1.0-0): "
            "install them, or choose --format html."
        ) from e

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"the report loads nothing from outside ({url})")

    return weasyprint.HTML(string=html, url_fetcher=no_fetch).write_pdf()  # type: ignore[no-any-return]
