"""Spreadsheet files as plain tables: XLSX workbooks, LibreOffice spreadsheets (.ods,
:mod:`api.transfer.ods`), CSV files and ZIPs of CSV files.

CSV comes in whatever encoding an office's software wrote: UTF-8 with or without byte order
mark, UTF-16 (Excel's "Unicode text"), or Windows-1252 (Excel's "CSV" on a German
Windows); the separator is ``;``, ``,``, tab or ``|``, whichever splits the lines
consistently. In a workbook, merged cells are filled with their value in every cell they
cover, and a formula cell gives the value Excel stored with it (or none, when the file was
never opened in a spreadsheet program).

Whatever the upload's size, what a file unpacks to and holds is bounded
(:mod:`api.transfer.limits`): a ZIP's directory is checked before anything is unpacked, and
rows are read one at a time and checked as they come, so a file over a limit is refused
early, with the limit named, instead of exhausting memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import PurePath
from typing import IO

from api.i18n import N_, Text
from api.transfer import limits as _limits
from api.transfer.archive import open_archive, unpack_errors
from api.transfer.limits import LIMITS, MAX_BYTES, Budget, FileTooLarge, InvalidFile, Limits
from api.transfer.ods import MIMETYPE as ODS
from api.transfer.ods import is_opendocument, ods_tables
from api.transfer.table import Table, as_text, cell_name, is_blank
from api.transfer.xlsx import xlsx_tables

__all__ = [
    "LIMITS",
    "MAX_BYTES",
    "FileTooLarge",
    "InvalidFile",
    "Limits",
    "Table",
    "as_text",
    "cell_name",
    "check_size",
    "decode",
    "is_blank",
    "read_tables",
    "sniff_delimiter",
]

_DELIMITERS = (";", ",", "\t", "|")
#: how much of a CSV file the separator is guessed from
_SNIFF_CHARS = 64 * 1024
_CHUNK = 2**20

Opener = Callable[[], IO[bytes]]


def _bad_utf8(offset: int) -> InvalidFile:
    return InvalidFile(
        Text(
            N_(
                "Die Datei beginnt wie UTF-8, aber Byte %(n)s ist es nicht: bitte "
                "noch einmal als „CSV UTF-8“ speichern."
            ),
            {"n": offset},
        )
    )


def _decodes(open_bytes: Opener, encoding: str) -> int | None:
    """None if the whole file decodes as ``encoding``, else the offset of the first bad byte
    (read in chunks: the text is never held whole)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with open_bytes() as f:
        while True:
            chunk = f.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                return offset + max(e.start, 0)
            if not chunk:
                return None
            offset += len(chunk)


def detect_encoding(open_bytes: Opener) -> str:
    """The encoding a CSV file is read with: its byte order mark's, else UTF-8, else
    Windows-1252, else Latin-1 (see :func:`decode`)."""
    with open_bytes() as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        bad = _decodes(open_bytes, "utf-8-sig")
        if bad is not None:
            raise _bad_utf8(bad)
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "cp1252"):
        if _decodes(open_bytes, encoding) is None:
            return encoding
    return "latin-1"


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with.

    Examples:
        >>> decode("Träger".encode("cp1252"))
        ('Träger', 'cp1252')
        >>> decode(codecs.BOM_UTF8 + "Träger".encode())
        ('Träger', 'utf-8-sig')
    """
    encoding = detect_encoding(lambda: io.BytesIO(data))
    return data.decode(encoding), encoding


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


def _unreadable_text() -> InvalidFile:
    return InvalidFile(
        Text(
            N_(
                "Die Datei lässt sich nicht als Text lesen: bitte noch einmal als „CSV UTF-8“ "
                "speichern."
            )
        )
    )


def _csv_error(name: str, row: int, e: csv.Error, limits: Limits) -> InvalidFile:
    if "field larger than field limit" in str(e):
        return InvalidFile(
            Text(
                N_(
                    "Blatt „%(sheet)s“, Zeile %(row)s: ein Feld ist länger als %(n)s Zeichen "
                    "(mehr fasst auch Excel nicht; oder ein Anführungszeichen ist nicht "
                    "geschlossen): bitte kürzen bzw. das Anführungszeichen schließen."
                ),
                {"sheet": name, "row": row, "n": limits.cell_chars},
            )
        )
    return InvalidFile(
        Text(
            N_(
                "Die CSV-Datei „%(sheet)s“ ist in Zeile %(row)s fehlerhaft (%(error)s): bitte "
                "noch einmal als CSV speichern."
            ),
            {"sheet": name, "row": row, "error": str(e)},
        )
    )


def _csv_table(name: str, open_bytes: Opener, budget: Budget) -> Table:
    """A CSV file read row by row: each row is checked before it is kept."""
    encoding = detect_encoding(open_bytes)
    limits = budget.limits
    rows: list[list[str]] = []
    try:
        with open_bytes() as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            delimiter = sniff_delimiter(text.read(_SNIFF_CHARS))
        with open_bytes() as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            reader = csv.reader(text, delimiter=delimiter)
            for row in reader:
                width = len(row)
                while width and not row[width - 1].strip():
                    width -= 1
                budget.check_width(name, reader.line_num, width)
                budget.take_rows(1)
                budget.check_cells(name, len(rows) + 1, row[:width])
                rows.append(row)
    except csv.Error as e:
        raise _csv_error(name, len(rows) + 1, e, limits) from e
    except UnicodeError as e:
        raise _unreadable_text() from e
    return Table(name, rows, encoding=encoding, delimiter=delimiter)


def _stem(filename: str) -> str:
    return PurePath(filename).stem or filename


def _zip_tables(data: bytes, budget: Budget) -> list[Table]:
    """The CSV files of a ZIP, each read as it is unpacked."""

    def is_csv(info: zipfile.ZipInfo) -> bool:
        return info.filename.lower().endswith(".csv")

    with open_archive(data, budget.limits, is_csv) as archive:
        members = [m for m in archive.infolist() if is_csv(m) and not m.is_dir()]
        if not members:
            raise InvalidFile(
                Text(
                    N_(
                        "Die ZIP-Datei enthält keine .csv-Datei: bitte eine CSV-Datei je Blatt "
                        "hineinlegen."
                    )
                )
            )
        tables = []
        for m in members:
            try:
                tables.append(_csv_table(_stem(m.filename), partial(archive.open, m), budget))
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError) as e:
                raise unpack_errors(e) from e
        return tables


def check_size(size: int) -> None:
    """Refuse a file of more than :data:`MAX_BYTES` bytes, saying what to do instead."""
    _limits.check_size(size, MAX_BYTES)


_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _refuse_by_name_or_start(data: bytes, lower: str) -> None:
    """Refuse what is known not to be readable by its name or its first bytes."""
    if data.startswith(b"\xd0\xcf\x11\xe0") and _ENCRYPTED in data[:1_000_000]:
        raise InvalidFile(
            Text(
                N_(
                    "Die Datei ist mit einem Passwort verschlüsselt: bitte ohne Passwort "
                    "speichern und diese Kopie importieren."
                )
            )
        )
    if lower.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidFile(
            Text(
                N_(
                    "Alte Excel-Dateien (.xls) können nicht gelesen werden: bitte die Datei als "
                    ".xlsx (Excel-Arbeitsmappe) oder als CSV speichern und diese importieren."
                )
            )
        )
    if lower.endswith(".ods") and not data.startswith(b"PK"):
        raise InvalidFile(
            Text(
                N_(
                    "Die Datei heißt .ods, ist aber keine LibreOffice-Tabelle: bitte noch "
                    "einmal in LibreOffice Calc als .ods oder .xlsx speichern."
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


def _not_a_spreadsheet() -> InvalidFile:
    return InvalidFile(
        Text(
            N_(
                "Die Datei ist ein OpenDocument-Dokument, aber keine Tabelle: bitte die Liste "
                "in LibreOffice Calc als .ods oder .xlsx speichern und diese importieren."
            )
        )
    )


def read_tables(
    data: bytes,
    filename: str,
    *,
    limits: Limits | None = None,
    interrupt: Callable[[], None] | None = None,
) -> list[Table]:
    """The tables of an uploaded file, by its content (XLSX, ODS, ZIP of CSVs) or else as CSV.

    Args:
        data: the file.
        filename: its name.
        limits: what the file may unpack to and hold (default: :data:`LIMITS`).
        interrupt: called every thousand rows; raises to stop the reading (a client gone).

    Raises:
        FileTooLarge: over one of the limits (HTTP 413).
        InvalidFile: a file that cannot be read, with what to do (HTTP 422).
    """
    check_size(len(data))
    budget = Budget(limits or LIMITS, interrupt)
    if not data.strip():
        raise InvalidFile(
            Text(N_("Die Datei ist leer: bitte die XLSX- oder CSV-Datei mit Ihrer Liste wählen."))
        )
    lower = filename.lower()
    _refuse_by_name_or_start(data, lower)
    if data.startswith(b"PK"):
        with open_archive(data, budget.limits, lambda info: False) as archive:
            names = archive.namelist()
            opendocument = is_opendocument(archive)
        # a spreadsheet or its template (.ots); an .ods named so without a ``mimetype``
        if (opendocument or "").startswith(ODS) or (not opendocument and lower.endswith(".ods")):
            return ods_tables(data, budget.limits, budget)
        if opendocument is not None:
            raise _not_a_spreadsheet()
        if "xl/workbook.xml" in names or lower.endswith((".xlsx", ".xlsm")):
            return xlsx_tables(data, budget.limits, budget)
        return _zip_tables(data, budget)
    return [_csv_table(_stem(filename), lambda: io.BytesIO(data), budget)]
