"""The import template (issue 15, item 7): every sheet an office needs, German headers,
drop-down lists, an example row per sheet and a sheet "Anleitung"; it imports as it is,
opens in LibreOffice and is downloaded by editors only."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from api.transfer import template
from api.transfer.columns import sheet_by_key
from api.transfer.importer import ImportReport, import_file
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore
from graph_schema.vocab import BODY_KINDS, FIELDS, ORGANISATION_KINDS, ROLES, TARGET_GROUPS
from tests.api.conftest import Api
from tests.transfer.test_ods import _AWO, _ORGS, convert, ods, sheet
from tests.web.conftest import Web, csrf_of
from tests.web.conftest import web as web  # noqa: F401 - the web fixture, shared

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLES = [
    "Organisationen",
    "Angebote",
    "Personen",
    "Gremien",
    "Gebiete",
    "Kooperationen",
    "Mitgliedschaften",
]


def _book(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def _list(book: Any, ws: Any, header: str) -> list[str]:
    """The terms of the drop-down list on ``ws``'s column ``header`` (from "Listen")."""
    letter = next(c.column_letter for c in ws[1] if c.value == header)
    (check,) = [v for v in ws.data_validations.dataValidation if f"{letter}2" in str(v.sqref)]
    assert check.type == "list" and f"{letter}2:{letter}1001" == str(check.sqref)
    match = re.fullmatch(r"Listen!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", check.formula1)
    assert match, check.formula1
    column, first, last = match[1], int(match[2]), int(match[4])
    return [book["Listen"][f"{column}{i}"].value for i in range(first, last + 1)]


def test_the_template_has_every_sheet_with_headers_lists_and_an_example() -> None:
    data = template.build_template()
    book = _book(data)
    assert book.sheetnames == ["Anleitung", *TITLES, "Listen"]
    assert book["Listen"].sheet_state == "hidden" and book.active.title == "Anleitung"
    for key, title in zip(template.SHEETS, TITLES, strict=True):
        ws, spec = book[title], sheet_by_key(key)
        headers = [c.value for c in ws[1]]
        assert headers == [
            c.header for c in spec.columns if c.prop not in ("id", "from_id", "to_id")
        ]
        assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
        assert ws.max_row >= 2 and ws.cell(2, 1).value  # an example row, named
    orgs, offers = book["Organisationen"], book["Angebote"]
    assert {"Gebiete", "Handlungsfelder"} <= {c.value for c in orgs[1]}
    assert {"Träger", "Zielgruppen", "Handlungsfelder", "Gebiete"} <= {c.value for c in offers[1]}
    # drop-down lists: the vocabularies' German terms, fields and target groups
    assert _list(book, orgs, "Art") == [label.de for label in ORGANISATION_KINDS.values()]
    assert _list(book, book["Gremien"], "Art") == [label.de for label in BODY_KINDS.values()]
    assert _list(book, book["Mitgliedschaften"], "Rolle") == [x.de for x in ROLES.values()]
    assert _list(book, offers, "Handlungsfelder") == [label.de for label in FIELDS.values()]
    assert "Kooperationsvereinbarung" in _list(book, book["Kooperationen"], "Art")
    assert "Stadtteil" in _list(book, book["Gebiete"], "Art")
    assert len(",".join(_list(book, offers, "Handlungsfelder"))) > 255  # no inline list
    # an example's date is a date, shown as 31.12.2024 is
    founded = orgs.cell(2, [c.value for c in orgs[1]].index("Gegründet") + 1)
    assert founded.is_date and founded.number_format == "DD.MM.YYYY"
    guide = " ".join(str(c.value) for c in book["Anleitung"]["A"] if c.value)
    for words in (
        "eine Zeile je Eintrag",
        "Semikolon",
        "31.12.2024",
        "so, wie sie ist",
        "Vorschau",
    ):
        assert words in guide
    for title in TITLES:
        assert title in guide


def _outcomes(report: ImportReport) -> list[tuple[str, int, str, str | None]]:
    return [(r.sheet, r.row, r.status, r.name) for r in report.rows]


def test_the_template_imports_as_it_is(store: GraphStore) -> None:
    report = import_file(store, template.template(), template.FILENAME, dry_run=True)
    assert report.counts["rejected"] == 0 and report.counts["created"] == 8
    assert {r.status for r in report.rows} == {"created"}
    assert not [w for r in report.rows for w in r.warnings]
    sheets = {s.sheet: s for s in report.sheets}
    for key, title in zip(template.SHEETS, TITLES, strict=True):
        assert sheets[title].entity == key and sheets[title].header_row == 1
        assert None not in sheets[title].columns.values()  # every header is known
    # the guide and the lists are read as nothing: no entity, no row
    for extra in ("Anleitung", "Listen"):
        assert sheets[extra].entity is None and sheets[extra].skipped
        assert "template" in (sheets[extra].note or "")
        assert not [r for r in report.rows if r.sheet == extra]
    assert (
        "Kooperationen",
        2,
        "created",
        "Beispielverein Musterstadt e. V. → Bildungswerk Musterstadt",
    ) in _outcomes(report)
    written = import_file(store, template.template(), template.FILENAME, dry_run=False)
    assert written.applied
    area = store.list(NodeLabel.AREA, q="Musterstadt").items[0]
    assert area.kind == "municipality" and area.population == 12345


def test_libreoffice_opens_the_template_and_keeps_its_lists(
    store: GraphStore, tmp_path: Path
) -> None:
    source = tmp_path / template.FILENAME
    source.write_bytes(template.build_template())
    ods = convert(source, "ods", tmp_path / "out")
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    conditions = re.findall(r'table:condition="([^"]+)"', content)
    assert any("cell-content-is-in-list" in c and "$Listen." in c for c in conditions)
    expected = import_file(store, source.read_bytes(), source.name, dry_run=True)
    report = import_file(store, ods.read_bytes(), ods.name, dry_run=True)
    assert _outcomes(report) == _outcomes(expected) and not report.rejected


def test_the_lists_offer_the_store_s_fields_and_target_groups(api: Api) -> None:
    r = api.as_("editor", "GET", "/api/import/template")
    assert r.status_code == 200
    book = _book(r.content)
    offers = book["Angebote"]
    assert _list(book, offers, "Handlungsfelder") == ["Wohnen"]  # the seeded field only
    # no target group in the store: the vocabulary's
    assert _list(book, offers, "Zielgruppen") == [label.de for label in TARGET_GROUPS.values()]


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("editor", 200), ("partner", 403), ("viewer", 403), (None, 401)],
)
def test_the_api_gives_the_template_to_admins_and_editors(
    api: Api, role: str | None, status: int
) -> None:
    r = api.as_(role, "GET", "/api/import/template")  # type: ignore[arg-type]
    assert r.status_code == status
    if status == 200:
        assert r.headers["content-type"] == XLSX
        assert r.headers["content-disposition"] == (
            'attachment; filename="Netzwerkatlas-Importvorlage.xlsx"'
        )
        assert _book(r.content).sheetnames[0] == "Anleitung"


def test_the_import_page_links_the_template_and_takes_ods(web: Web) -> None:  # noqa: F811
    page = web["editor"].get("/import")
    assert 'href="/import/vorlage"' in page.text and "Vorlage herunterladen" in page.text
    assert 'accept=".xlsx,.ods,.csv,.zip"' in page.text and "ODS" in page.text
    r = web["editor"].get("/import/vorlage")
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert "Netzwerkatlas-Importvorlage.xlsx" in r.headers["content-disposition"]
    for role in ("viewer", "partner"):
        assert web[role].get("/import/vorlage").status_code == 403
    assert web["anonymous"].get("/import/vorlage", follow_redirects=False).status_code == 303
    # the template, uploaded as it is, is previewed with its examples to create
    r = web["editor"].post(
        "/import",
        data={"csrf_token": csrf_of(page.text), "action": "preview"},
        files={"file": (template.FILENAME, r.content, XLSX)},
    )
    assert r.status_code == 200, r.text
    assert "Vorschau (Probelauf)" in r.text and "Sprachcafé Musterstadt" in r.text
    assert "abgelehnt" not in r.text.split("import-rows")[1].split("</table>")[0]
    # an .ods goes through the same preview
    r = web["editor"].post(
        "/import",
        data={"csrf_token": csrf_of(page.text), "action": "preview"},
        files={"file": ("liste.ods", ods(sheet("Organisationen", _ORGS + _AWO)), "")},
    )
    assert r.status_code == 200 and "AWO Lindenau" in r.text and "1 angelegt" in r.text


def test_names_a_worksheet_cannot_hold_or_would_run_are_plain_text(store: GraphStore) -> None:
    """A field named like a formula, with a control character: the template is still made
    (schemathesis found a 500), and the name is text, not a formula."""
    import io as _io

    import openpyxl as _openpyxl

    from graph_schema.model import NodeLabel as _Label

    store.create(_Label.FIELD, {"id": "fld-x", "name_de": '=HYPERLINK("x") \x01 Beratung'})
    book = _openpyxl.load_workbook(_io.BytesIO(template.template(store)))
    cells = [c for row in book["Listen"].iter_rows() for c in row if "HYPERLINK" in str(c.value)]
    assert [(c.value, c.data_type) for c in cells] == [('=HYPERLINK("x")  Beratung', "s")]
