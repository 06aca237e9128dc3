"""Spreadsheet files as plain tables: XLSX workbooks, CSV files and ZIPs of CSV files.

CSV comes in whatever encoding an office's software wrote: UTF-8 with or without byte order
mark, UTF-16 (Excel's "Unicode text"), or Windows-1252 (Excel's "CSV" on a German
Windows); the separator is ``;``, ``,``, tab or ``|``, whichever splits the lines
consistently. In a workbook, merged cells are filled with their value in every cell they
cover, and a formula cell gives the value Excel stored with it (or none, when the file was
never opened in a spreadsheet program).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from api.i18n import N_, Text
from graph_schema.errors import InvalidValue

__all__ = [
    "MAX_BYTES",
    "InvalidFile",
    "Table",
    "cell_name",
    "check_size",
    "decode",
    "read_tables",
    "sniff_delimiter",
]

#: the largest file (and the largest unpacked ZIP) the import reads
MAX_BYTES = 50 * 2**20

_DELIMITERS = (";", ",", "\t", "|")


class InvalidFile(InvalidValue):
    """A file (or mapping) the import cannot read: ``text`` says what to change.

    ``message`` is the text in English, as the API and the CLI give it.
    """

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


@dataclass
class Table:
    """One sheet or CSV file. ``rows[i][j]`` is the cell in row ``i + 1``, column ``j + 1``."""

    name: str
    rows: list[list[Any]]
    #: (row index, column index) -> formula text, for cells that held a formula
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    #: (row index, column index) -> the merged range (e.g. "A5:A7") the value was copied from
    merged: dict[tuple[int, int], str] = field(default_factory=dict)
    #: merged ranges whose first cell is this one (row index, column index) -> range
    merge_origins: dict[tuple[int, int], str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None


def cell_name(row: int, col: int) -> str:
    """Spreadsheet name of a cell from 0-based indexes.

    Examples:
        >>> cell_name(0, 0), cell_name(6, 27)
        ('A1', 'AB7')
    """
    letters = ""
    n = col + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return f"{letters}{row + 1}"


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with.

    Examples:
        >>> decode("Träger".encode("cp1252"))
        ('Träger', 'cp1252')
        >>> decode(codecs.BOM_UTF8 + "Träger".encode())
        ('Träger', 'utf-8-sig')
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise InvalidFile(
                Text(
                    N_(
                        "Die Datei beginnt wie UTF-8, aber Byte %(n)s ist es nicht: bitte "
                        "noch einmal als „CSV UTF-8“ speichern."
                    ),
                    {"n": e.start + 3},
                )
            ) from e
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines into the same number of fields (most often).

    Examples:
        >>> sniff_delimiter("Name;Art\\nAWO, Kreisverband;Wohlfahrtsverband\\n")
        ';'
        >>> sniff_delimiter("name,kind\\nAWO,welfare_association\\n")
        ','
    """
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    sample = "\n".join(lines)
    best, best_score = ",", (-1, 0)
    for d in _DELIMITERS:
        widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=d) if r]
        if not widths:
            continue
        width, times = Counter(widths).most_common(1)[0]
        score = (times if width > 1 else 0, width)
        if score > best_score:
            best, best_score = d, score
    return best


def _csv_table(name: str, data: bytes) -> Table:
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return Table(name, rows, encoding=encoding, delimiter=delimiter)


def _stem(filename: str) -> str:
    return PurePath(filename).stem or filename


def _xlsx_tables(data: bytes) -> list[Table]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as e:
        raise InvalidFile(
            Text(
                N_(
                    "Die Datei ist keine lesbare XLSX-Arbeitsmappe: bitte noch einmal als .xlsx "
                    "(Excel-Arbeitsmappe) oder als CSV speichern."
                )
            )
        ) from e
    cached: Any = None
    tables = []
    for ws in book.worksheets:
        rows: list[list[Any]] = []
        formulas: dict[tuple[int, int], str] = {}
        for i, row in enumerate(ws.iter_rows()):
            values = []
            for j, cell in enumerate(row):
                value = cell.value
                if cell.data_type == "f":
                    formulas[(i, j)] = str(getattr(value, "text", value))
                    value = None
                values.append(value)
            rows.append(values)
        if formulas:
            if cached is None:
                cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            cws = cached[ws.title]
            for i, j in formulas:
                rows[i][j] = cws.cell(row=i + 1, column=j + 1).value
        merged: dict[tuple[int, int], str] = {}
        origins: dict[tuple[int, int], str] = {}
        for rng in ws.merged_cells.ranges:
            top, left = rng.min_row - 1, rng.min_col - 1
            if top >= len(rows):
                continue
            origins[(top, left)] = rng.coord
            value = rows[top][left] if left < len(rows[top]) else None
            for i in range(top, min(rng.max_row, len(rows))):
                for j in range(left, rng.max_col):
                    if (i, j) == (top, left):
                        continue
                    while len(rows[i]) <= j:
                        rows[i].append(None)
                    rows[i][j] = value
                    merged[(i, j)] = rng.coord
        tables.append(Table(ws.title, rows, formulas, merged, origins))
    return tables


def _zip_tables(data: bytes) -> list[Table]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise InvalidFile(
            Text(N_("Die ZIP-Datei ist beschädigt: bitte die CSV-Dateien neu packen."))
        ) from e
    members = [
        m for m in archive.infolist() if m.filename.lower().endswith(".csv") and not m.is_dir()
    ]
    if sum(m.file_size for m in members) > MAX_BYTES:
        raise InvalidFile(
            Text(
                N_("Die ZIP-Datei wird entpackt größer als %(n)s MB: bitte in Teilen importieren."),
                {"n": MAX_BYTES // 2**20},
            )
        )
    if not members:
        raise InvalidFile(
            Text(
                N_(
                    "Die ZIP-Datei enthält keine .csv-Datei: bitte eine CSV-Datei je Blatt "
                    "hineinlegen."
                )
            )
        )
    return [_csv_table(_stem(m.filename), archive.read(m)) for m in members]


def check_size(size: int) -> None:
    """Refuse a file of more than :data:`MAX_BYTES` bytes, saying what to do instead."""
    if size > MAX_BYTES:
        raise InvalidFile(
            Text(
                N_("Die Datei ist größer als %(n)s MB: bitte in Teilen importieren."),
                {"n": MAX_BYTES // 2**20},
            )
        )


def read_tables(data: bytes, filename: str) -> list[Table]:
    """The tables of an uploaded file, by its content (XLSX, ZIP of CSVs) or else as CSV."""
    check_size(len(data))
    if not data.strip():
        raise InvalidFile(
            Text(N_("Die Datei ist leer: bitte die XLSX- oder CSV-Datei mit Ihrer Liste wählen."))
        )
    lower = filename.lower()
    if lower.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidFile(
            Text(
                N_(
                    "Alte Excel-Dateien (.xls) können nicht gelesen werden: bitte die Datei als "
                    ".xlsx (Excel-Arbeitsmappe) oder als CSV speichern und diese importieren."
                )
            )
        )
    if lower.endswith((".xlsx", ".xlsm")) and not data.startswith(b"PK"):
        raise InvalidFile(
            Text(
                N_(
                    "Die Datei heißt .xlsx, ist aber keine Excel-Arbeitsmappe: bitte noch einmal "
                    "als .xlsx (Excel-Arbeitsmappe) oder als CSV speichern."
                )
            )
        )
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
        except zipfile.BadZipFile as e:
            raise InvalidFile(
                Text(
                    N_(
                        "Die Datei ist beschädigt (eine XLSX- oder ZIP-Datei, die sich nicht "
                        "öffnen lässt): bitte noch einmal speichern."
                    )
                )
            ) from e
        if "xl/workbook.xml" in names or lower.endswith((".xlsx", ".xlsm")):
            return _xlsx_tables(data)
        return _zip_tables(data)
    return [_csv_table(_stem(filename), data)]


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any) -> str:
    """A cell as text: whole numbers without ``.0``, dates as ISO."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
