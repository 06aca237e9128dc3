"""LibreOffice spreadsheets (.ods) read like workbooks (issue 15, item 7).

A real-shaped office list is written with openpyxl, converted by a real LibreOffice
(``soffice --headless``, Debian's ``libreoffice-calc-nogui``) and imported: the same rows,
values and outcomes as the XLSX it came from. Hostile ODS files (zip bomb, XML entities, a
million repeated rows) are refused early, as their XLSX counterparts are.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Alignment

from api.services.transfer import ImportCancelled
from api.transfer.importer import ImportReport, detect_mapping, import_file
from api.transfer.limits import FileTooLarge, InvalidFile, Limits
from api.transfer.ods import MIMETYPE
from api.transfer.reader import Table, as_text, read_tables
from graph_schema.store import GraphStore
from tests.api.conftest import Api
from tests.transfer.test_cli import _run
from tests.transfer.test_limits import _refused

ODS_MEDIA = "application/vnd.oasis.opendocument.spreadsheet"
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


# --------------------------------------------------------------------------- LibreOffice


def soffice() -> str:
    """LibreOffice's command; the test fails (never skips) without it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail(
            "LibreOffice is missing: install Debian's libreoffice-calc-nogui "
            "(apt-get install libreoffice-calc-nogui); .ci/run installs it."
        )
    return found


def convert(source: Path, fmt: str, out: Path) -> Path:
    """``source`` converted by LibreOffice to ``fmt`` (e.g. ``ods``) in ``out``, with a
    private profile so that parallel runs do not collide."""
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / "lo-profile").resolve()
    done = subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    target = out / f"{source.stem}.{fmt.split(':')[0]}"
    assert done.returncode == 0 and target.exists(), (done.stdout, done.stderr)
    return target


# --------------------------------------------------------------------------- hand-built ODS


def ods(body: str | bytes, *, mime: str = MIMETYPE, manifest: str | None = None) -> bytes:
    """An ODS file whose ``content.xml`` is ``body`` (bytes: as it is; text: wrapped as a
    document's spreadsheet)."""
    content = body if isinstance(body, bytes) else document(body)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mime, compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest or _MANIFEST.format(mime=mime))
        z.writestr("content.xml", content)
    return buf.getvalue()


def document(tables: str, doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<office:document-content {_NS}>'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        f"</office:document-content>"
    ).encode()


def sheet(name: str, rows: str) -> str:
    return f'<table:table table:name="{name}">{rows}</table:table>'


def text(value: str, extra: str = "") -> str:
    """A text cell (``extra``: more attributes)."""
    return (
        f'<table:table-cell office:value-type="string"{extra}><text:p>{value}</text:p>'
        "</table:table-cell>"
    )


_ORGS = "<table:table-row>" + text("Name") + text("Art") + "</table:table-row>"
_AWO = "<table:table-row>" + text("AWO Lindenau") + text("Verein") + "</table:table-row>"


def _plain(table: Table) -> list[list[str]]:
    """The rows as text, without trailing empty cells or rows."""
    rows = []
    for row in table.rows:
        cells = ["" if v is None else as_text(v) for v in row]
        while cells and not cells[-1].strip():
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


# --------------------------------------------------------------------------- a real list

_TITLE = "Träger der Integrationsarbeit im Landkreis Märkisch-Süd – Stand März 2025"
_ORGANISATIONS: list[list[Any]] = [
    [
        "Arbeiterwohlfahrt Kreisverband Märkisch-Süd e. V.",
        "Wohlfahrtsverband",
        "Bahnhofstraße 12\n15344 Strausberg",
        dt.date(1990, 3, 1),
        "03341 123456",
        "Deutsch, Russisch, Ukrainisch",
    ],
    [
        "Interkultureller Förderverein „Brücken bauen“ Müllrose e. V.",
        "Migrantenorganisation",
        "Marktplatz 3\nHinterhaus, 2. OG\n15299 Müllrose",
        dt.date(2016, 11, 30),
        "033606 7788",
        "Arabisch; Dari; Tigrinya",
    ],
    [
        "Volkshochschule des Landkreises Märkisch-Süd – Außenstelle Fürstenwalde/Spree",
        "Bildungsträger",
        "Schloßstraße 1, 15517 Fürstenwalde",
        dt.date(1946, 1, 15),
        "03361 5555-0",
        "Deutsch",
    ],
]
_AREAS: list[list[Any]] = [
    ["Strausberg", "Gemeinde", 27110],
    ["Müllrose", "Gemeinde", 4707],
    ["Fürstenwalde/Spree", "Gemeinde", 32893],
]


def office_list(path: Path) -> Path:
    """A list as an office keeps it: a merged title above the header, German long names,
    umlauts, dates, numbers, a cell of several lines; and a second sheet of areas."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Organisationen"
    ws.append([_TITLE])
    ws.merge_cells("A1:F1")
    ws.append(
        ["Name der Organisation", "Art", "Anschrift", "Gründungsdatum", "Telefon", "Sprachen"]
    )
    for row in _ORGANISATIONS:
        ws.append(row)
    for r in range(3, 3 + len(_ORGANISATIONS)):
        ws.cell(r, 4).number_format = "DD.MM.YYYY"
        ws.cell(r, 3).alignment = Alignment(wrap_text=True)
    areas = book.create_sheet("Gebiete")
    areas.append(["Gebiet", "Art", "Einwohner"])
    for row in _AREAS:
        areas.append(row)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """The office list as XLSX and as LibreOffice saved it as ODS."""
    folder = tmp_path_factory.mktemp("ods")
    xlsx = office_list(folder / "Traegerliste.xlsx")
    return xlsx.read_bytes(), convert(xlsx, "ods", folder / "out").read_bytes()


def test_libreoffice_s_ods_reads_as_the_workbook_it_came_from(
    converted: tuple[bytes, bytes],
) -> None:
    xlsx, data = converted
    assert zipfile.ZipFile(io.BytesIO(data)).read("mimetype").decode() == MIMETYPE
    from_xlsx = read_tables(xlsx, "Trägerliste.xlsx")
    from_ods = read_tables(data, "Trägerliste.ods")
    assert [t.name for t in from_ods] == ["Organisationen", "Gebiete"]
    for a, b in zip(from_xlsx, from_ods, strict=True):
        assert _plain(b) == _plain(a)
        assert b.merge_origins == a.merge_origins
        assert b.merged == a.merged
    orgs, areas = from_ods
    assert orgs.merge_origins == {(0, 0): "A1:F1"} and orgs.rows[0][0] == _TITLE
    assert orgs.rows[2][:4] == _ORGANISATIONS[0][:4]  # the date is a date, lines are lines
    assert orgs.rows[3][2] == "Marktplatz 3\nHinterhaus, 2. OG\n15299 Müllrose"
    assert [r[2] for r in areas.rows[1:]] == [27110, 4707, 32893]
    assert all(type(r[2]) is int for r in areas.rows[1:])


def _outcomes(report: ImportReport) -> list[dict[str, Any]]:
    return [r.as_dict() for r in report.rows]


def test_the_ods_imports_as_the_xlsx_does(
    store: GraphStore, converted: tuple[bytes, bytes]
) -> None:
    xlsx, data = converted
    expected = import_file(store, xlsx, "Trägerliste.xlsx", dry_run=True)
    report = import_file(store, data, "Trägerliste.ods", dry_run=True)
    assert report.counts == expected.counts
    assert report.counts["created"] == 6 and report.counts["rejected"] == 0
    assert _outcomes(report) == _outcomes(expected)
    assert [s.as_dict() for s in report.sheets] == [s.as_dict() for s in expected.sheets]
    assert report.sheets[0].header_row == 2  # the merged title row is skipped
    written = import_file(store, data, "Trägerliste.ods", dry_run=False)
    assert written.applied and not written.rejected
    names = {o.name for o in store.list("Organisation", limit=10).items}
    assert {r[0] for r in _ORGANISATIONS} <= names
    vhs = next(o for o in store.list("Organisation", limit=10).items if "Volkshochschule" in o.name)
    assert vhs.founded == dt.date(1946, 1, 15) and vhs.kind == "education_provider"


# --------------------------------------------------------------------------- cells


def test_cell_types_repeats_spans_and_formulas() -> None:
    rows = (
        "<table:table-header-rows><table:table-row>"
        + text("Name")
        + text("Zahl")
        + text("Datum")
        + text("Ja")
        + "</table:table-row></table:table-header-rows>"
        "<table:table-row>"
        '<table:table-cell office:value-type="string"><text:p>Erste<text:s text:c="3"/>Zeile'
        "<text:tab/>x</text:p><text:p>zweite <text:span>Zeile</text:span><text:line-break/>"
        "dritte</text:p><office:annotation><text:p>Kommentar</text:p></office:annotation>"
        "</table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="1990"><text:p>1.990</text:p>'
        "</table:table-cell>"
        '<table:table-cell office:value-type="date" office:date-value="2024-12-31">'
        "<text:p>31.12.24</text:p></table:table-cell>"
        '<table:table-cell office:value-type="boolean" office:boolean-value="true">'
        "<text:p>WAHR</text:p></table:table-cell>"
        "</table:table-row>"
        '<table:table-row><table:table-cell office:value-type="percentage" office:value="0.15"/>'
        '<table:table-cell office:value-type="currency" office:value="12.5"/>'
        '<table:table-cell office:value-type="date" office:date-value="2024-12-31T10:30:00"/>'
        '<table:table-cell office:value-type="time" office:time-value="PT10H30M00S"/>'
        '<table:table-cell table:formula="of:=SUM([.B2:.B3])" office:value-type="float" '
        'office:value="2002.5"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="2">'
        '<table:table-cell table:number-columns-repeated="2" office:value-type="string">'
        "<text:p>'+49</text:p></table:table-cell>"
        '<table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="1" '
        'office:value-type="string"><text:p>verbunden</text:p></table:table-cell>'
        "<table:covered-table-cell/>"
        '<table:table-cell table:number-columns-repeated="16379"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    data = ods(sheet("Organisationen", rows) + sheet("Leer", "<table:table-row/>"))
    started = time.perf_counter()
    table, empty = read_tables(data, "liste.ods")
    assert time.perf_counter() - started < 2
    assert empty.rows == [] and table.name == "Organisationen"
    first = table.rows[1]
    assert first[0] == "Erste   Zeile\tx\nzweite Zeile\ndritte"  # no comment
    assert first[1:] == [1990, dt.date(2024, 12, 31), True] and type(first[1]) is int
    assert table.rows[2][:4] == [0.15, 12.5, dt.datetime(2024, 12, 31, 10, 30), dt.time(10, 30)]
    assert table.rows[2][4] == 2002.5 and table.formulas == {(2, 4): "=SUM([.B2:.B3])"}
    assert len(table.rows) == 5  # the repeated row twice; the million empty ones never
    for i in (3, 4):
        assert table.rows[i] == ["'+49", "'+49", "verbunden", "verbunden"]
        assert table.merged[(i, 3)] == f"C{i + 1}:D{i + 1}"
    assert table.merge_origins == {(3, 2): "C4:D4", (4, 2): "C5:D5"}
    mapping, empty_mapping = detect_mapping(data, "liste.ods")
    assert mapping.entity == "Organisation" and mapping.header_row == 1
    assert empty_mapping.entity is None


def test_a_merged_range_over_rows_fills_each_row() -> None:
    rows = (
        _ORGS + '<table:table-row><table:table-cell table:number-rows-spanned="2" '
        'office:value-type="string"><text:p>Caritas</text:p></table:table-cell>'
        + text("Wohlfahrtsverband")
        + "</table:table-row><table:table-row><table:covered-table-cell/>"
        + text("Verein")
        + "</table:table-row>"
    )
    (table,) = read_tables(ods(sheet("Organisationen", rows)), "x.ods")
    assert table.rows[1:] == [["Caritas", "Wohlfahrtsverband"], ["Caritas", "Verein"]]
    assert table.merge_origins == {(1, 0): "A2:A3"} and table.merged == {(2, 0): "A2:A3"}


def test_an_ods_is_known_by_its_mimetype_or_its_name() -> None:
    data = ods(sheet("Organisationen", _ORGS + _AWO))
    for name in ("liste.ods", "liste.zip", "upload"):
        (table,) = read_tables(data, name)
        assert table.rows == [["Name", "Art"], ["AWO Lindenau", "Verein"]]
    without = io.BytesIO()
    with zipfile.ZipFile(without, "w") as z:
        z.writestr("content.xml", document(sheet("Organisationen", _ORGS + _AWO)))
    assert read_tables(without.getvalue(), "liste.ods")[0].rows[1] == ["AWO Lindenau", "Verein"]


# --------------------------------------------------------------------------- refused


def _bomb(unpacked: int) -> bytes:
    """An ODS whose content.xml unpacks to about ``unpacked`` bytes (written in chunks)."""
    row = ("<table:table-row>" + text("Verein") * 20 + "</table:table-row>").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        with z.open("content.xml", "w", force_zip64=False) as f:
            head, tail = document(sheet("Organisationen", "\0")).split(b"\0")
            f.write(head)
            chunk = row * 256
            for _ in range(unpacked // len(chunk) + 1):
                f.write(chunk)
            f.write(tail)
    return buf.getvalue()


def _with_doctype(doctype: str, value: str) -> bytes:
    rows = _ORGS + "<table:table-row>" + text(value) + text("Verein") + "</table:table-row>"
    return ods(document(sheet("Organisationen", rows), doctype))


def _xxe() -> bytes:
    return _with_doctype(
        '<!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"
    )


def _laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return _with_doctype(f"<!DOCTYPE office:document-content [{''.join(entities)}]>", "&lol9;")


def _repeated(rows: int, value: bool = True) -> bytes:
    """A header, then one row repeated ``rows`` times (with a value or empty), then AWO."""
    cell = text("Verein") if value else "<table:table-cell/>"
    body = (
        _ORGS
        + f'<table:table-row table:number-rows-repeated="{rows}">{cell}</table:table-row>'
        + _AWO
    )
    return ods(sheet("Organisationen", body))


def test_a_zip_bomb_content_is_refused_from_the_directory() -> None:
    bomb = _bomb(100 * 2**20)
    assert len(bomb) < 600_000
    error = _refused(bomb, "bombe.ods")
    assert isinstance(error, FileTooLarge) and error.status == 413
    assert "content.xml" in error.message and "100 times" in error.message


@pytest.mark.parametrize("build", [_xxe, _laughs])
def test_xml_entities_are_refused(build: Any) -> None:
    error = _refused(build(), "liste.ods")
    assert type(error) is InvalidFile and error.status == 422
    assert "XML entities" in error.message and "root:" not in error.message


def test_a_million_repeated_rows_cost_nothing_or_are_refused() -> None:
    # LibreOffice's empty rows up to the sheet's end: counted, never kept
    tracemalloc.start()
    try:
        empty = ods(
            sheet(
                "Organisationen",
                _ORGS + _AWO + '<table:table-row table:number-rows-repeated="1048574">'
                '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>',
            )
        )
        (table,) = read_tables(empty, "liste.ods")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table.rows == [["Name", "Art"], ["AWO Lindenau", "Verein"]]
    assert peak < 5 * 2**20
    # a value repeated a million times, or a value after a million empty rows: too many rows
    for data in (_repeated(1_048_576), _repeated(1_048_576, value=False)):
        error = _refused(data, "liste.ods")
        assert isinstance(error, FileTooLarge) and "more than 100000 rows" in error.message
    # within the limit the repeats are rows of their own
    (table,) = read_tables(_repeated(3), "liste.ods")
    assert table.rows[1:] == [["Verein"]] * 3 + [["AWO Lindenau", "Verein"]]


def test_repeated_columns_spaces_and_elements_are_bounded() -> None:
    wide = (
        "<table:table-row>"
        + text("x", ' table:number-columns-repeated="16384"')
        + "</table:table-row>"
    )
    error = _refused(ods(sheet("Organisationen", _ORGS + wide)), "breit.ods")
    assert isinstance(error, FileTooLarge) and "more than 200 columns" in error.message
    spaces = "<table:table-row>" + text('a<text:s text:c="1000000000"/>') + "</table:table-row>"
    error = _refused(ods(sheet("Organisationen", _ORGS + spaces)), "lang.ods")
    assert type(error) is InvalidFile and "cell A2" in error.message
    assert "32767 characters" in error.message
    many = "<table:table-row>" + "<table:table-cell/>" * 2000 + "</table:table-row>"
    error = _refused(ods(sheet("Organisationen", many)), "x.ods", Limits(row_elements=1000))
    assert isinstance(error, FileTooLarge) and "1000 XML elements" in error.message
    cells = ods(sheet("Organisationen", _ORGS + _AWO * 300))
    error = _refused(cells, "x.ods", Limits(cells=500))
    assert isinstance(error, FileTooLarge) and "more than 500 filled cells" in error.message


def test_other_odf_documents_broken_and_encrypted_files_are_422() -> None:
    text_document = ods(
        sheet("Organisationen", _ORGS), mime="application/vnd.oasis.opendocument.text"
    )
    error = _refused(text_document, "brief.odt")
    assert type(error) is InvalidFile and "not a spreadsheet" in error.message
    error = _refused(b"Name;Art\nAWO;Verein\n", "liste.ods")
    assert type(error) is InvalidFile and ".ods" in error.message
    error = _refused(ods(b"<office:document-content"), "kaputt.ods")
    assert type(error) is InvalidFile and "LibreOffice" in error.message
    manifest = _MANIFEST.format(mime=MIMETYPE).replace(
        "</manifest:manifest>", "<manifest:encryption-data/></manifest:manifest>"
    )
    error = _refused(ods(sheet("Organisationen", _ORGS), manifest=manifest), "geheim.ods")
    assert type(error) is InvalidFile and "password" in error.message


def test_reading_an_ods_stops_when_interrupted(store: GraphStore) -> None:
    calls = 0

    def interrupt() -> None:
        nonlocal calls
        calls += 1
        if calls > 3:
            raise ImportCancelled("stop")

    rows = "".join(
        "<table:table-row>" + text(f"Verein {i}") + text("Verein") + "</table:table-row>"
        for i in range(5000)
    )
    before = store.counts()
    with pytest.raises(ImportCancelled):
        import_file(
            store,
            ods(sheet("Organisationen", _ORGS + rows)),
            "o.ods",
            dry_run=False,
            interrupt=interrupt,
        )
    assert calls == 4 and store.counts() == before
    # empty rows are no rows of the table, but reading them may be stopped as well
    calls = 0
    empty = "<table:table-row><table:table-cell/></table:table-row>" * 5000
    with pytest.raises(ImportCancelled):
        read_tables(ods(sheet("Organisationen", _ORGS + empty)), "o.ods", interrupt=interrupt)
    assert calls == 4


# --------------------------------------------------------------------------- API, CLI


def test_the_api_imports_an_ods_and_refuses_hostile_ones(
    api: Api, converted: tuple[bytes, bytes]
) -> None:
    def post(name: str, data: bytes):  # type: ignore[no-untyped-def]
        files = {"file": (name, data, ODS_MEDIA)}
        return api.as_("editor", "POST", "/api/import", files=files)

    r = post("Trägerliste.ods", converted[1])
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["created"] == 6 and r.json()["counts"]["rejected"] == 0
    r = post("bombe.ods", _bomb(100 * 2**20))
    assert r.status_code == 413 and "100 times" in r.json()["detail"]
    for name, data in (("xxe.ods", _xxe()), ("lol.ods", _laughs())):
        r = post(name, data)
        assert r.status_code == 422 and "XML entities" in r.json()["detail"], r.text
    r = post("viel.ods", _repeated(1_048_576))
    assert r.status_code == 413 and "100000 rows" in r.json()["detail"]


def test_the_cli_imports_an_ods(tmp_path: Path, converted: tuple[bytes, bytes]) -> None:
    path = tmp_path / "Trägerliste.ods"
    path.write_bytes(converted[1])
    out = _run(tmp_path / "data", "import", str(path), "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "Dry run: 6 created" in out.stdout, out.stdout
