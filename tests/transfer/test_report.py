"""The network report: German sections, figures from network/, HTML offline, PDF renders."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest

from api.transfer import report
from graph_schema import clock
from graph_schema.store import GraphStore
from tests.api.conftest import Api
from tests.transfer.conftest import TODAY, fill
from tests.web.conftest import XSS


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.urls: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2"):
            self._in = tag
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_endtag(self, tag: str) -> None:
        self._in = None if tag in ("h1", "h2") else self._in

    def handle_data(self, data: str) -> None:
        if self._in:
            self.headings.append(data.strip())


def test_report_has_every_section_in_german_and_loads_nothing(store: GraphStore) -> None:
    fill(store)
    data = report.build_report(store, as_of=TODAY, compare_to=dt.date(2022, 1, 1))
    html = report.render_html(data)
    page = _Page()
    page.feed(html)
    assert page.headings[0] == "Netzwerkbericht"
    for title in (
        "1. Kennzahlen",
        "2. Netzwerkbild",
        "3. Angebotslücken und Mehrfachstrukturen",
        "4. Fehlende Kooperationen",
        "5. Vermittler und Knotenpunkte",
        "6. Akteure am Rand",
        "7. Vertretung im Projektrat",
        "8. Veränderung seit dem 01.01.2022",
    ):
        assert title in page.headings
    assert page.urls == []
    assert data.figures["nodes"] == 60
    assert data.change is not None and data.change["after"]["organisations"] == 60
    assert html.count("<circle") == 60
    emails = [p.email for p in store.list("Person", limit=500).items if p.email]
    assert emails and not any(e in html for e in emails)


def test_pdf_renders(store: GraphStore) -> None:
    if store.backend_name != "ladybug":
        pytest.skip("the PDF does not depend on the backend; rendered once")
    fill(store)
    html = report.render_html(report.build_report(store, as_of=TODAY))
    try:
        pdf = report.render_pdf(html)
    except report.PdfUnavailable as e:
        pytest.skip(str(e))
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


def test_report_download_for_every_role(api: Api) -> None:
    for role in ("admin", "editor", "partner", "viewer"):
        r = api.as_(role, "GET", "/api/report?as_of=2025-01-15")
        assert r.status_code == 200 and "Netzwerkbericht" in r.text
        assert "a@example.org" not in r.text
    assert api.as_(None, "GET", "/api/report").status_code == 401


def test_report_uses_the_analysis_charts_and_the_network_views_layout(
    store: GraphStore, tmp_path: Path
) -> None:
    from graph_schema.model import NodeLabel
    from network.graphs import cooperation_graph
    from viz.layout import LayoutStore
    from viz.network_view import KIND_COLOURS

    fill(store)
    org = store.list(NodeLabel.ORGANISATION, limit=1).items[0]
    store.update(NodeLabel.ORGANISATION, org.id, {"name": XSS})
    layouts = LayoutStore(tmp_path / "layouts")
    data = report.build_report(
        store, as_of=clock.today(), compare_to=dt.date(2022, 1, 1), layouts=layouts
    )
    html = report.render_html(data)
    # the charts of viz.charts: bars and diverging bars, with their styles inside
    assert html.count('class="chart bars"') == 2 and 'class="chart diverging"' in html
    assert html.count(report.CHART_STYLE) >= 3
    # the picture uses the network view's colours and the stored layout of /netzwerk
    stored = layouts.get("cooperation")
    assert stored is not None and org.id in stored.positions
    g = cooperation_graph(store.snapshot(clock.today()))
    assert html.count("<circle") == g.number_of_nodes()
    assert KIND_COLOURS[g.nodes[org.id]["kind"]] in html
    # names are text, never markup
    assert XSS not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert (
        report.network_picture(g, stored.positions)[0]
        == report.network_picture(g, stored.positions)[0]
    )


def test_report_of_a_council_without_seats(store: GraphStore) -> None:
    """A Projektrat without members: the shares are undefined, the report still renders."""
    from graph_schema.model import Body, Organisation

    store.bulk_upsert(
        [
            Organisation(id="org-00001", name="Caritas Beispielstadt", kind="welfare_association"),
            Body(id="bdy-00001", name="Projektrat", kind="project_council"),
        ],
        [],
    )
    data = report.build_report(store, as_of=TODAY)
    html = report.render_html(data)
    assert "Projektrat" in html and "Caritas Beispielstadt" in html
