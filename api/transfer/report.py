"""The network report (Netzwerkbericht): key figures, gaps, brokers and periphery, council
representation and the change since a comparison date, in German, as HTML or PDF.

The figures come from the analysis service (:mod:`api.services.analysis`), the same answers
the pages and the API give; this module gathers them for two dates and renders the
template ``report.html.j2``. The charts are the analysis
pages' own (:mod:`viz.charts`: bars and diverging bars, every text escaped there), with
their CSS put inside each SVG so that they look the same in the PDF; the network picture
uses the network view's layout (the stored layout of ``/netzwerk`` when the app gives
one, else :func:`viz.layout.compute_layout`, seeded) and its colours and sizes. All of it
is inline SVG: no external file, font or URL, so the HTML works offline. The PDF is
WeasyPrint's rendering of the same HTML: no browser and no network needed. The report names
organisations, never people, so it holds no personal data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import networkx as nx
from markupsafe import Markup

from api.services.analysis import AnalysisService, whole
from graph_schema import clock
from graph_schema.errors import NetzwerkatlasError
from graph_schema.store import GraphStore
from graph_schema.vocab import ORGANISATION_KINDS, label_for
from viz.charts import Bar, bar_chart, diverging_bars
from viz.layout import LayoutStore, add_nodes, compute_layout
from viz.network_view import KIND_COLOURS, OTHER_COLOUR, node_sizes

__all__ = ["FORMATS", "PdfUnavailable", "ReportData", "build_report", "render_html", "render_pdf"]

FORMATS = ("html", "pdf")
TOP = 12
#: organisations drawn at most in the network picture (the best connected ones)
PICTURE_LIMIT = 400


class PdfUnavailable(NetzwerkatlasError):
    """The PDF renderer's system libraries are missing."""

    status = 503


@dataclass
class ReportData:
    """Everything the report shows, as plain values."""

    as_of: dt.date
    compare_to: dt.date | None
    created: dt.datetime
    figures: Mapping[str, Any]
    kinds: list[dict[str, Any]]
    picture: str
    picture_note: str | None
    offer_gaps: Sequence[Mapping[str, Any]]
    offer_gap_total: int
    duplicates: Sequence[Mapping[str, Any]]
    duplicate_total: int
    missing: Sequence[Mapping[str, Any]]
    brokers: list[dict[str, Any]]
    peripheral: Sequence[Mapping[str, Any]]
    peripheral_total: int
    council: Mapping[str, Any] | None
    council_chart: str | None
    notes: Sequence[Mapping[str, Any]]
    change: Mapping[str, Any] | None
    kind_chart: str = ""
    change_chart: str | None = None
    broker_chart: str = ""
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

#: the analysis pages' chart styles (api/static/css/app.css), for charts outside the app
CHART_STYLE = (
    "<style>text{font:13px 'DejaVu Sans',sans-serif;fill:#1a1a1a}text.value{fill:#333}"
    ".bar{fill:#1f77b4}.bar.negative{fill:#d55e00}.bar.positive{fill:#009e73}"
    ".axis{stroke:#777}</style>"
)


def styled(chart: Markup) -> Markup:
    """A :mod:`viz.charts` chart with its styles inside, as the PDF has no app stylesheet."""
    text = str(chart)
    end = text.index(">") + 1
    return Markup(text[:end] + CHART_STYLE + text[end:])


def _percent(value: float) -> str:
    return _number(100 * value, 1) + " %"


def network_picture(
    g: nx.Graph,
    positions: dict[Any, tuple[float, float]] | None = None,
    seed: int = 42,
) -> tuple[str, str | None]:
    """The cooperation network as SVG with the network view's layout, colours, sizes and
    names: the same placement as on the map, every name that fits drawn under its dot.

    Args:
        g: the cooperation graph (nodes with ``name``, ``kind``, maybe ``short_name``).
        positions: positions in the network view's units (e.g. its stored layout); nodes
            without one are placed beside their neighbours. Default: a seeded layout.
        seed: seed of the layout when none is given.
    """
    from viz.labels import FONT, LABEL_GAP, cull, footprint, lines_for, map_label
    from viz.layout import name_order

    note = None
    if g.number_of_nodes() > PICTURE_LIMIT:
        keep = sorted(g, key=lambda v: (-g.degree(v), str(v)))[:PICTURE_LIMIT]
        note = (
            f"Gezeigt sind die {PICTURE_LIMIT} am besten vernetzten von "
            f"{_number(g.number_of_nodes())} Organisationen."
        )
        g = g.subgraph(keep).copy()
    if g.number_of_nodes() == 0:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="40"></svg>', note
    if positions is None:
        pos = compute_layout(g, seed=seed)
    else:
        pos = {v: positions[v] for v in g if v in positions}
        missing = [v for v in g if v not in pos]
        if missing:
            pos.update(add_nodes(g, pos))
    nodes = sorted(g, key=str)
    sizes = node_sizes({v: g.degree(v) for v in g}, len(g))
    width, lines = lines_for(len(g))
    labels = {
        v: map_label(str(g.nodes[v].get("name", v)), g.nodes[v].get("short_name"), width, lines)
        for v in nodes
    }
    prints = [footprint(labels[v], sizes[v]) for v in nodes]
    index = {v: i for i, v in enumerate(nodes)}
    named = cull([pos[v] for v in nodes], prints, [index[v] for v in name_order(g)])
    rects = [
        r for v, fp, ok in zip(nodes, prints, named, strict=True) for r in fp.rects(*pos[v], ok)
    ]
    margin = 8.0
    x0 = min(r[0] for r in rects) - margin
    y0 = min(r[1] for r in rects) - margin
    view_w = max(r[2] for r in rects) + margin - x0
    view_h = max(r[3] for r in rects) + margin - y0
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{view_w:.0f}" height="{view_h:.0f}" '
        f'viewBox="{x0:.1f} {y0:.1f} {view_w:.1f} {view_h:.1f}" role="img" '
        'aria-label="Netzwerkbild">'
        # the names are measured with Arial's widths; DejaVu Sans is drawn a little smaller
        f"<style>text{{font-family:Arial,Helvetica,'Liberation Sans',sans-serif;"
        f"font-size:{FONT}px;fill:#1a1a1a}}</style>"
    ]
    for u, v, data in sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        (ax, ay), (bx, by) = pos[u], pos[v]
        w = 0.6 + 0.6 * int(data.get("weight", 1))
        out.append(
            f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" '
            f'stroke="#8C99A6" stroke-opacity="0.7" stroke-width="{w:.1f}"/>'
        )
    for v, fp, ok in zip(nodes, prints, named, strict=True):
        x, y = pos[v]
        colour = KIND_COLOURS.get(g.nodes[v].get("kind") or "other", OTHER_COLOUR)
        name = escape(str(g.nodes[v].get("name", v)))
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{fp.r:.1f}" fill="{colour}" '
            f'stroke="#333" stroke-width="0.8"><title>{name}</title></circle>'
        )
        if ok:
            top = y + fp.r + LABEL_GAP
            # a light background keeps the name readable where ties run behind it
            out.append(
                f'<rect x="{x - fp.w / 2 - 1:.1f}" y="{top:.1f}" width="{fp.w + 2:.1f}" '
                f'height="{fp.h:.1f}" fill="#fff" fill-opacity="0.75"/>'
            )
            spans = "".join(
                f'<tspan x="{x:.1f}" y="{top + FONT * (i + 0.85):.1f}">{escape(line)}</tspan>'
                for i, line in enumerate(labels[v].split("\n"))
            )
            out.append(f'<text text-anchor="middle">{spans}</text>')
    out.append("</svg>")
    return "".join(out), note


#: the figures of the change chart, as on the analysis page "Veränderung"
CHANGE_FIGURES = {
    "organisations": "Organisationen",
    "ties": "Kooperationsbeziehungen (Paare)",
    "density": "Dichte",
    "degree_centralisation": "Zentralisierung (Grad)",
    "betweenness_centralisation": "Zentralisierung (Vermittlung)",
    "components": "Teilnetze (Komponenten)",
    "largest_component": "Größtes Teilnetz",
}


def change_chart(change: Mapping[str, Any]) -> Markup | None:
    """Relative change of the key figures as diverging bars (the change page's chart)."""
    bars = []
    for key, title in CHANGE_FIGURES.items():
        before = change["before"].get(key)
        diff = change["difference"].get(key)
        if diff is None or not before:
            continue
        relative = diff / before
        bars.append(Bar(title, relative, ("+" if relative > 0 else "") + _percent(relative)))
    return styled(diverging_bars(bars, title="Veränderung in Prozent")) if bars else None


# --------------------------------------------------------------------------- data


def build_report(
    source: AnalysisService | GraphStore,
    *,
    as_of: dt.date | None = None,
    compare_to: dt.date | None = None,
    layouts: LayoutStore | None = None,
) -> ReportData:
    """Gather the report's figures for ``as_of`` (default today) and ``compare_to``.

    ``source``: the app's analysis service (or a store, for a one-off report: the command
    line); the report asks it the same questions the pages and the API ask.
    ``layouts``: the network view's layout store; the picture then shows every
    organisation where ``/netzwerk`` shows it (the layout of today's network).
    """
    analysis = source if isinstance(source, AnalysisService) else AnalysisService(source)
    day = as_of or clock.today()
    f = whole(day)
    g = analysis.graph(f)
    names = {n: str(g.nodes[n].get("name", n)) for n in g}
    figures = analysis.summary(f)
    metrics = {r["id"]: r for r in analysis.metrics(f)}
    found = analysis.gaps(f, limit=TOP)

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
    kind_chart = styled(
        bar_chart(
            [
                Bar(k["label"], k["count"], f"{_number(k['count'])} ({_percent(k['share'])})")
                for k in kinds
            ],
            title="Organisationen nach Art",
            label_width=260,
        )
    )

    gaps = found["offer_gaps"]
    dups = [d for d in found["duplicate_offers"] if not d["coordinated"]]
    missing = found["missing_cooperations"]
    roles = {r["id"]: r for r in analysis.brokerage(f)}
    brokers: list[dict[str, Any]] = []
    for r in sorted(metrics.values(), key=lambda r: (-r["betweenness"], r["id"]))[:TOP]:
        b: Mapping[str, Any] = roles.get(r["id"], {})
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
    peripheral = found["peripheral_actors"]

    council_chart = None
    council = found["council_representation"]
    if council["seats"]:
        council_chart = styled(
            diverging_bars(
                [
                    Bar(
                        k["label_de"],
                        k["seat_share"] - k["network_share"],
                        f"{_signed(round(100 * (k['seat_share'] - k['network_share']), 1))} Pp.",
                    )
                    for k in council["kinds"]
                    # a share is None when there are no seats or no organisations at all
                    if (k["seats"] or k["organisations"])
                    and k["seat_share"] is not None
                    and k["network_share"] is not None
                ],
                title="Anteil an den Sitzen minus Anteil im Netzwerk",
                label_width=260,
            )
        )

    change: dict[str, Any] | None = None
    if compare_to is not None:
        change = dict(analysis.change(whole(compare_to), f))
        before_names = {
            n.id: n.display_name for n in analysis.graph_snapshot(whole(compare_to)).nodes
        }
        change["ended_names"] = [
            before_names.get(i, i) for i in change["organisations_ended"][:TOP]
        ]
        change["added_names"] = [names.get(i, i) for i in change["organisations_added"][:TOP]]

    positions = None
    if layouts is not None:
        base = g if day == clock.today() else analysis.graph(whole(clock.today()))
        positions, _info = layouts.positions_for("cooperation", base)
    picture, note = network_picture(g, positions)
    broker_chart = styled(
        bar_chart(
            [
                Bar(str(b["name"]), float(b["betweenness"]), _number(b["betweenness"], 3))
                for b in brokers
            ],
            title="Vermittlung (Betweenness)",
            label_width=260,
        )
    )
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
        # every migrant organisation on the edge (they come first), then the most cut off
        peripheral=peripheral[
            : max(TOP + 3, 5 + sum(r["kind"] == "migrant_organisation" for r in peripheral))
        ],
        peripheral_total=len(peripheral),
        council=council,
        council_chart=council_chart,
        notes=found["notes"],
        change=change,
        change_chart=change_chart(change) if change else None,
        broker_chart=broker_chart,
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
            broker_chart=markupsafe.Markup(data.broker_chart),
            change_chart=markupsafe.Markup(data.change_chart or ""),
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
