"""Hostile and oversized import files (issue 14, item 4): refused early, with the limit named.

Each file is built small in the test; limits are lowered where a real file over the
default would be slow to build. Every test stops well within a few seconds and without
unpacking what it refuses.
"""

from __future__ import annotations

import asyncio
import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from api.services.transfer import Cancel, ImportCancelled, run_while_connected
from api.transfer import reader
from api.transfer.importer import import_file
from api.transfer.limits import FileTooLarge, InvalidFile, Limits
from api.transfer.reader import read_tables
from graph_schema.store import GraphStore
from tests.api.conftest import Api
from tests.transfer import hostile
from tests.transfer.conftest import DATA
from tests.transfer.test_cli import _run

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refused(data: bytes, name: str, limits: Limits | None = None) -> InvalidFile:
    """What reading ``data`` raises; it must take well under a few seconds and little memory."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InvalidFile) as refused:
            read_tables(data, name, limits=limits)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert time.perf_counter() - started < 3
    assert peak < 40 * 2**20, f"{peak / 2**20:.0f} MB"
    return refused.value


def test_a_zip_bomb_workbook_is_refused_from_its_directory() -> None:
    bomb = hostile.zip_bomb_xlsx(100 * 2**20)
    assert len(bomb) < 600_000  # a few hundred KB that would unpack to 100 MB
    error = _refused(bomb, "bombe.xlsx")
    assert isinstance(error, FileTooLarge) and error.status == 413
    assert "xl/worksheets/sheet1.xml" in error.message and "100 times" in error.message


def test_unpacked_size_per_entry_and_in_total_are_bounded() -> None:
    data = hostile.workbook([["Name"], *([f"Verein {i}"] for i in range(2000))])
    error = _refused(data, "gross.xlsx", Limits(member_bytes=20_000))
    assert isinstance(error, FileTooLarge) and "sheet1.xml" in error.message
    assert "split" in error.message
    error = _refused(data, "gross.xlsx", Limits(unpacked_bytes=20_000))
    assert isinstance(error, FileTooLarge) and "unpacks to more than 0 MB" in error.message


def test_a_zip_of_too_many_files_is_refused_before_it_is_opened() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(20):
            z.writestr(f"blatt{i}.csv", "Name\nx\n")
    error = _refused(buf.getvalue(), "viele.zip", Limits(entries=10))
    assert isinstance(error, FileTooLarge) and "more than 10" in error.message


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (hostile.xxe_xlsx, "XML entities"),
        (hostile.billion_laughs_xlsx, "XML entities"),
        (hostile.bad_crc_xlsx, "checksum"),
        (hostile.encrypted_xlsx, "password"),
        (hostile.encrypted_zip, "password"),
    ],
)
def test_malformed_files_are_422_with_what_to_do(build: Callable[[], bytes], words: str) -> None:
    name = "liste.zip" if build is hostile.encrypted_zip else "liste.xlsx"
    error = _refused(build(), name)
    assert type(error) is InvalidFile and error.status == 422
    assert words in error.message and "root:" not in error.message


def test_a_field_longer_than_a_cell_may_be_is_422_not_a_crash() -> None:
    # 128 KB: above csv's own field limit (it raised _csv.Error, a 500)
    error = _refused(hostile.long_field_csv(128 * 1024), "lang.csv")
    assert type(error) is InvalidFile and "32767 characters" in error.message
    # 40 KB: csv reads it, the cell limit refuses it and names the cell
    error = _refused(hostile.long_field_csv(40_000), "lang.csv")
    assert "cell A2" in error.message and "32767 characters" in error.message


def test_rows_columns_and_cells_are_bounded_while_reading() -> None:
    error = _refused(hostile.many_rows_csv(1000), "viele.csv", Limits(rows=100))
    assert isinstance(error, FileTooLarge) and "more than 100 rows" in error.message
    wide = ("Name" + ";x" * 300 + "\n").encode()
    error = _refused(wide, "breit.csv", Limits(columns=200))
    assert isinstance(error, FileTooLarge) and "more than 200 columns" in error.message
    # empty cells after the last value do not count
    assert read_tables(("Name" + ";" * 300 + "\nx\n").encode(), "leer.csv")[0].rows[1] == ["x"]
    error = _refused(hostile.many_rows_csv(300), "viele.csv", Limits(cells=500))
    assert isinstance(error, FileTooLarge) and "more than 500 filled cells" in error.message


def test_workbook_rows_count_up_to_the_last_value_and_never_pad_to_the_stated_size() -> None:
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD1048576"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>AWO</t></is></c></row>'
        b'<row r="1048576" s="1"><c r="XFD1048576" s="1"/></row>'
        b'</sheetData><mergeCells count="1"><mergeCell ref="B1:XFD1048576"/></mergeCells>'
        b"</worksheet>"
    )
    data = hostile.xlsx_with({hostile.SHEET: sheet})
    (table,) = read_tables(data, "weit.xlsx", limits=Limits(cells=10_000))
    assert len(table.rows) == 2 and len(table.rows[1]) == 200  # merged, up to the limit
    far = sheet.replace(b's="1"><c r="XFD1048576" s="1"/>', b'><c r="A1048576"><v>1</v></c>')
    error = _refused(hostile.xlsx_with({hostile.SHEET: far}), "weit.xlsx")
    assert isinstance(error, FileTooLarge) and "more than 100000 rows" in error.message


def test_the_samples_read_as_before() -> None:
    (table,) = [t for t in read_tables((DATA / "messy.xlsx").read_bytes(), "m.xlsx")][:1]
    assert table.merged and table.rows


def test_an_import_stops_between_rows_when_interrupted(store: GraphStore) -> None:
    calls = 0

    def interrupt() -> None:
        nonlocal calls
        calls += 1
        if calls > 3:
            raise ImportCancelled("stop")

    before = store.counts()
    with pytest.raises(ImportCancelled):
        import_file(store, hostile.many_rows_csv(5000), "o.csv", dry_run=False, interrupt=interrupt)
    assert calls == 4 and store.counts() == before


def test_the_work_is_cancelled_when_the_client_disconnects() -> None:
    checked = []

    def work(cancel: Cancel) -> str:
        for _ in range(500):  # at most 5 s
            cancel.check()
            checked.append(1)
            time.sleep(0.01)
        return "finished"

    async def gone() -> bool:
        return True

    async def there() -> bool:
        return False

    with pytest.raises(ImportCancelled):
        asyncio.run(run_while_connected(work, gone, poll_s=0.05))
    assert 0 < len(checked) < 100
    checked.clear()

    def short(cancel: Cancel) -> str:
        return "finished"

    assert asyncio.run(run_while_connected(short, there, poll_s=0.05)) == "finished"


# --------------------------------------------------------------------------- over HTTP


def _post(api: Api, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return api.as_("editor", "POST", "/api/import", files={"file": (name, data, XLSX)})


def test_the_api_answers_413_for_too_large_and_422_for_malformed(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = _post(api, "bombe.xlsx", hostile.zip_bomb_xlsx(100 * 2**20))
    assert r.status_code == 413 and "100 times" in r.json()["detail"]
    for name, data, words in [
        ("xxe.xlsx", hostile.xxe_xlsx(), "XML entities"),
        ("lol.xlsx", hostile.billion_laughs_xlsx(), "XML entities"),
        ("crc.xlsx", hostile.bad_crc_xlsx(), "checksum"),
        ("lang.csv", hostile.long_field_csv(), "32767 characters"),
    ]:
        r = _post(api, name, data)
        assert r.status_code == 422 and words in r.json()["detail"], (name, r.text)
    monkeypatch.setattr(reader, "LIMITS", Limits(rows=100))
    r = _post(api, "viele.csv", hostile.many_rows_csv(1000))
    assert r.status_code == 413
    assert r.json()["detail"] == (
        "The file has more than 100 rows: split it into files of at most 100 rows and "
        "import them one after the other."
    )


def test_the_cli_says_it_in_one_line_and_exits_with_1(tmp_path: Path) -> None:
    bomb = tmp_path / "bombe.xlsx"
    bomb.write_bytes(hostile.zip_bomb_xlsx(100 * 2**20))
    out = _run(tmp_path / "data", "import", str(bomb), "--dry-run")
    assert out.returncode == 1, out.stderr
    assert out.stderr.count("\n") == 1 and "100 times" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_openpyxl_reads_every_workbook_part_through_defusedxml() -> None:
    import openpyxl
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML
    assert functions.iterparse.__module__.startswith("defusedxml")
