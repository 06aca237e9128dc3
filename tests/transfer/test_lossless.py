"""Exports that lose nothing (issue 15, item 9): awkward values through export and import.

An XLSX or CSV export imported again changes nothing and loses nothing: list items that hold
a separator, text with indentation, tabs, double spaces or Windows line breaks, dates that
Excel cannot hold as dates, numbers longer than Excel keeps exactly.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.services.policy import Access
from api.transfer import exporter
from api.transfer.importer import ImportReport, import_file
from api.transfer.table import Verbatim
from api.transfer.values import WITHHELD, clean_text, format_list, parse_list
from graph_schema.model import NodeLabel, RelType
from graph_schema.store import GraphStore, dump
from tests.transfer.conftest import fill

ORGANISATIONS: dict[str, dict[str, Any]] = {
    "o1": {
        "name": "Caritasverband Lindenau",
        "kind": "welfare_association",
        "founded": dt.date(1897, 11, 9),
        "tags": ["Beratung, Begleitung", "Sprache; Kultur", "A|B", '"zitiert"', "=SUMME(1)"],
        "languages": ["de", "'+49"],
    },
    "o2": {
        "name": "Diakonie  Lindenau",
        "kind": "welfare_association",
        "founded": dt.date(1848, 9, 22),
        "description": "Angebote:\r\n  - Beratung\tdienstags\n\n  - Sprachcafé",
    },
    "o3": {"name": "Verein\x01 mit Steuerzeichen", "kind": "association", "tags": [" "]},
}
#: an offer that began on the day before Excel's first date (its serial 0)
OFFER = {"id": "f1", "title": "Sprachkurs", "starts_on": dt.date(1899, 12, 31)}
AREA = {"id": "09999001", "name": "Ahornhausen", "kind": "municipality", "population": 2**62}


def _awkward(store: GraphStore) -> None:
    for key, values in ORGANISATIONS.items():
        store.create(NodeLabel.ORGANISATION, {"id": key, **values})
    store.create(NodeLabel.OFFER, OFFER)
    store.create(NodeLabel.AREA, AREA)
    store.link(
        RelType.COOPERATES_WITH, "o1", "o2", id="t1", since="1850-01-01", note="a, b; c\r\n  d"
    )
    store.link(RelType.ACTIVE_IN, "o1", "09999001", id="t2")


def _everything(store: GraphStore) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes = [n.model_dump(mode="json") for n in dump.all_nodes(store)]
    ties = [t.model_dump(mode="json") for t in dump.all_ties(store)]
    return nodes, ties


def _changed(report: ImportReport) -> list[tuple[str, int, str, Any]]:
    return [
        (r.sheet, r.row, r.status, r.changes or [p.message for p in r.problems])
        for r in report.rows
        if r.status != "unchanged"
    ]


def _name(fmt: str) -> str:
    return "export.zip" if fmt == "csv" else f"export.{fmt}"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imported_again_changes_and_loses_nothing(store: GraphStore, fmt: str) -> None:
    _awkward(store)
    before = _everything(store)
    data = exporter.export(exporter.collect(store), fmt)
    dry = import_file(store, data, _name(fmt), dry_run=True)
    assert _changed(dry) == []
    real = import_file(store, data, _name(fmt), dry_run=False, actor="office")
    assert _changed(real) == [] and not real.applied
    assert _everything(store) == before


def test_list_items_with_separators_survive_an_edit_of_the_same_row(store: GraphStore) -> None:
    _awkward(store)
    book = openpyxl.load_workbook(io.BytesIO(exporter.export(exporter.collect(store), "xlsx")))
    orgs = book["Organisationen"]
    headers = [c.value for c in orgs[1]]
    row = next(r for r in orgs.iter_rows(min_row=2) if r[0].value == "o1")
    assert row[headers.index("Schlagworte")].value == (
        '"Beratung, Begleitung", "Sprache; Kultur", "A|B", """zitiert""", =SUMME(1)'
    )
    row[headers.index("Schlagworte")].value += ", Neu"
    row[headers.index("Kurzname")].value = "Caritas"
    buf = io.BytesIO()
    book.save(buf)
    report = import_file(store, buf.getvalue(), "edited.xlsx", dry_run=False)
    assert [(r.row, [c["property"] for c in r.changes]) for r in report.rows if r.changes] == [
        (row[0].row, ["short_name", "tags"])
    ]
    org = store.get(NodeLabel.ORGANISATION, "o1")
    assert org.tags == [*ORGANISATIONS["o1"]["tags"], "Neu"] and org.short_name == "Caritas"
    assert org.languages == ["de", "'+49"]
    # the other rows kept their values exactly, spaces, tabs and line breaks included
    diakonie = store.get(NodeLabel.ORGANISATION, "o2")
    assert diakonie.description == ORGANISATIONS["o2"]["description"]


def test_a_cell_edited_to_other_text_is_still_an_edit(store: GraphStore) -> None:
    _awkward(store)
    book = openpyxl.load_workbook(io.BytesIO(exporter.export(exporter.collect(store), "xlsx")))
    orgs = book["Organisationen"]
    headers = [c.value for c in orgs[1]]
    row = next(r for r in orgs.iter_rows(min_row=2) if r[0].value == "o2")
    row[headers.index("Name")].value = "Diakonie  Lindenau-Süd"
    buf = io.BytesIO()
    book.save(buf)
    import_file(store, buf.getvalue(), "edited.xlsx", dry_run=False)
    # a new value is written in the import's normal form
    assert store.get(NodeLabel.ORGANISATION, "o2").name == "Diakonie Lindenau-Süd"


def test_excel_sees_dates_before_1900_and_long_numbers_as_text(store: GraphStore) -> None:
    _awkward(store)
    book = openpyxl.load_workbook(io.BytesIO(exporter.export(exporter.collect(store), "xlsx")))

    def cell(sheet: str, key: str, header: str) -> Any:
        ws = book[sheet]
        headers = [c.value for c in ws[1]]
        row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == key)
        return row[headers.index(header)]

    founded = cell("Organisationen", "o1", "Gegründet")
    assert founded.data_type == "s" and founded.value == "09.11.1897"
    assert cell("Angebote", "f1", "Beginn").value == "31.12.1899"
    assert cell("Gebiete", "09999001", "Einwohner").value == str(2**62)
    assert cell("Gebiete", "09999001", "ID").data_type == "s"
    store.update(NodeLabel.ORGANISATION, "o1", {"founded": "1900-01-01"}, actor="t")
    book = openpyxl.load_workbook(io.BytesIO(exporter.export(exporter.collect(store), "xlsx")))
    assert cell("Organisationen", "o1", "Gegründet").value == dt.datetime(1900, 1, 1)


_ITEMS = st.lists(
    st.text(st.characters(min_codepoint=32, max_codepoint=0x24F), min_size=1, max_size=20)
    .map(clean_text)
    .filter(bool),
    max_size=6,
    unique=True,
)


@given(items=_ITEMS)
def test_any_list_cell_reads_back_as_the_list(items: list[str]) -> None:
    # a workbook's text is verbatim; a CSV's items are marked as the CSV export does
    assert parse_list(Verbatim(format_list(items))) == items
    assert parse_list(format_list(exporter._safe(i) for i in items)) == items


def test_ids_whose_leading_zeros_a_spreadsheet_program_dropped_are_found(
    store: GraphStore,
) -> None:
    """A CSV export opened and saved in Excel or LibreOffice has 9999001 for "09999001"."""
    _awkward(store)
    areas = "ID;Name;Art\n9999001;Ahornhausen;municipality\n"
    active = "Organisation (ID);Gebiet (ID)\no1;9999001\n"
    for name, text in (("Gebiete.csv", areas), ("Organisationen-Gebiete.csv", active)):
        report = import_file(store, text.encode(), name, dry_run=False)
        assert _changed(report) == [], name
    assert store.counts()["Area"] == 1 and store.counts()["ACTIVE_IN"] == 1


def _libreoffice(tmp_path: Path, files: list[Path], target: str, *options: str) -> Path:
    """Open ``files`` in LibreOffice and save them again as ``target``; the folder they are in."""
    out = tmp_path / "saved"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            *options,
            "--convert-to",
            target,
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out


_NO_LIBREOFFICE = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed"
)


@pytest.mark.slow
@_NO_LIBREOFFICE
def test_a_workbook_saved_again_by_libreoffice_imports_unchanged(
    store: GraphStore, tmp_path: Path
) -> None:
    """The office's own round trip: export, open and save in a spreadsheet program, import."""
    _awkward(store)
    source = tmp_path / "export.xlsx"
    source.write_bytes(exporter.export(exporter.collect(store), "xlsx"))
    saved = _libreoffice(tmp_path, [source], "xlsx:Calc MS Excel 2007 XML")
    data = (saved / "export.xlsx").read_bytes()
    assert _changed(import_file(store, data, "export.xlsx", dry_run=True)) == []


@pytest.mark.slow
@_NO_LIBREOFFICE
def test_csv_files_saved_again_by_libreoffice_import_unchanged(
    store: GraphStore, tmp_path: Path
) -> None:
    """LibreOffice reads "09999001" as a number and "2020-01-01" as a date, and saves them
    so; the import still finds every entry and changes nothing."""
    fill(store)
    zipfile.ZipFile(io.BytesIO(exporter.export(exporter.collect(store), "csv"))).extractall(
        tmp_path / "export"
    )
    files = sorted((tmp_path / "export").glob("*.csv"))
    # separator ;, text in ", UTF-8 (76), from line 1: as the export writes them
    saved = _libreoffice(
        tmp_path,
        files,
        "csv:Text - txt - csv (StarCalc):59,34,76,1",
        "--infilter=CSV:59,34,76,1",
    )
    area = next(saved.glob("Gebiete.csv")).read_text(encoding="utf-8-sig")
    assert "\n9999001;" in area  # the zeros LibreOffice drops
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for path in sorted(saved.glob("*.csv")):
            archive.write(path, path.name)
    before = store.counts()
    report = import_file(store, buf.getvalue(), "export.zip", dry_run=False)
    assert _changed(report) == [] and store.counts() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_partners_export_imported_by_the_office_erases_no_hidden_value(
    store: GraphStore, fmt: str
) -> None:
    """A partner sees its own contact people's e-mail, not the others': those cells say
    "(verborgen)", and the office's import of the partner's edited file keeps them."""
    _awkward(store)
    own = {"id": "p1", "name": "Ada Eigen", "email": "ada@example.org"}
    other = {"id": "p2", "name": "Bea Fremd", "email": "bea@example.org", "phone": "0521 1"}
    other["consent_given_on"] = dt.date(2024, 5, 1)
    for person in (own, other):
        store.create(NodeLabel.PERSON, person)
    store.link(RelType.REPRESENTS, "p1", "o1", id="r1")
    partner = Access("partner", own={"o1", "p1"})
    data = exporter.collect(store, access=partner)
    assert data.withheld == {"p2": ("email", "phone", "consent_given_on")}
    raw = exporter.export(data, fmt)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(raw))
        rows = {r[0]: r for r in book["Personen"].iter_rows(min_row=2, values_only=True)}
        assert "bea@example.org" not in str(rows["p2"]) and WITHHELD in rows["p2"]
        assert "ada@example.org" in rows["p1"]
    else:
        people = zipfile.ZipFile(io.BytesIO(raw)).read("Personen.csv").decode("utf-8-sig")
        assert "bea@example.org" not in people and f"p2;Bea Fremd;;{WITHHELD}" in people
        assert "ada@example.org" in people
    before = _everything(store)
    report = import_file(store, raw, _name(fmt), dry_run=False, actor="office")
    assert _changed(report) == []
    assert _everything(store) == before
