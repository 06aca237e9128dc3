"""The network report: German sections, figures from network/, HTML offline, PDF renders."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest

from api.transfer import report
from graph_schema.store import GraphStore
from tests.api.conftest import Api
from tests.transfer.conftest import TODAY, fill


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
