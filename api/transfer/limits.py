"""What an import file may be and unpack to: every limit in one place.

The size of an upload alone says little: 200 KB of XLSX can unpack to gigabytes (a "zip
bomb"), and a valid CSV of 45 MB holds a million rows whose import runs for an hour. So the
import bounds what a file unpacks to and holds, and checks each bound before the work it
saves: the ZIP directory (entries, sizes, compression ratios) before anything is unpacked,
then rows, columns, filled cells and cell length while the file is read row by row.

A file over a limit that splitting it would cure is :class:`FileTooLarge` (HTTP 413, "please
split the file"); a file that cannot or must not be read (a bad checksum, XML entities, an
encrypted workbook, a cell longer than Excel allows) is :class:`InvalidFile` (HTTP 422).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from api.i18n import N_, Text
from api.transfer.table import cell_name, is_blank
from graph_schema.errors import InvalidValue

__all__ = [
    "LIMITS",
    "MAX_BYTES",
    "Budget",
    "FileTooLarge",
    "InvalidFile",
    "Limits",
    "MiB",
    "check_size",
]

MiB = 2**20

#: the largest upload (bytes) the import reads
MAX_BYTES = 50 * MiB


@dataclass(frozen=True)
class Limits:
    """Bounds of what one import file may unpack to and hold (the upload: :data:`MAX_BYTES`).

    The defaults let the full XLSX export of a 3,000-organisation network (68,548 rows in
    14 sheets) come back in; the benchmark's import of 10,000 rows takes 5 s (dry run).
    """

    #: entries in a ZIP (an XLSX holds about 10-30; a ZIP of CSVs one per sheet)
    entries: int = 1_000
    #: all entries together, unpacked
    unpacked_bytes: int = 256 * MiB
    #: one entry unpacked: a sheet's XML, one CSV file of a ZIP (100,000 rows of 20 text
    #: columns written inline are about 130 MB of XML)
    member_bytes: int = 160 * MiB
    #: the shared strings of a workbook, which are read whole before the first row
    shared_strings_bytes: int = 64 * MiB
    #: unpacked / packed size of an entry above :attr:`ratio_from_bytes` (spreadsheets pack
    #: 5-20 times; a zip bomb 100-1,000 times)
    ratio: int = 100
    ratio_from_bytes: int = 1 * MiB
    #: rows of all sheets together, up to the last row with a value
    rows: int = 100_000
    #: columns of a row, up to its last cell with a value
    columns: int = 200
    #: cells with a value, all sheets together
    cells: int = 2_000_000
    #: characters in one cell (Excel's own limit)
    cell_chars: int = 32_767
    #: XML elements in one row or one other part of a sheet (a row holds at most 16,384
    #: cells of a few elements each)
    row_elements: int = 100_000


#: the limits in force (tests may replace them with smaller ones)
LIMITS = Limits()


class InvalidFile(InvalidValue):
    """A file (or mapping) the import cannot read: ``text`` says what to change.

    ``message`` is the text in English, as the API and the CLI give it.
    """

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


class FileTooLarge(InvalidFile):
    """A file over one of the :class:`Limits` (or :data:`MAX_BYTES`): split it and import
    the parts."""

    status = 413


def mb(n: int) -> str:
    """Bytes as whole megabytes for a message (``0`` below one)."""
    return str(n // MiB)


def check_size(size: int, limit: int | None = None) -> None:
    """Refuse a file of more than :data:`MAX_BYTES` bytes, saying what to do instead."""
    limit = MAX_BYTES if limit is None else limit
    if size > limit:
        raise FileTooLarge(
            Text(
                N_("Die Datei ist größer als %(n)s MB: bitte in Teilen importieren."),
                {"n": mb(limit)},
            )
        )


class Budget:
    """Rows and filled cells still allowed, over all sheets (or CSV files) of one file."""

    def __init__(self, limits: Limits, interrupt: Callable[[], None] | None = None) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0
        self._ticks = 0
        self._interrupt = interrupt

    def take_rows(self, n: int) -> None:
        """Count ``n`` more rows; refuse past the limit; let a cancelled import stop."""
        self.rows += n
        if self.rows > self.limits.rows:
            raise FileTooLarge(
                Text(
                    N_(
                        "Die Datei hat mehr als %(n)s Zeilen: bitte auf mehrere Dateien mit "
                        "höchstens %(n)s Zeilen aufteilen und diese nacheinander importieren."
                    ),
                    {"n": self.limits.rows},
                )
            )
        if self._interrupt is not None and self.rows % 1000 < n:
            self._interrupt()

    def tick(self) -> None:
        """One more row of the file read, kept or not (an empty one): every thousand, let a
        cancelled import stop."""
        self._ticks += 1
        if self._interrupt is not None and self._ticks % 1000 == 0:
            self._interrupt()

    def take_cells(self, n: int) -> None:
        self.cells += n
        if self.cells > self.limits.cells:
            raise FileTooLarge(
                Text(
                    N_(
                        "Die Datei hat mehr als %(n)s gefüllte Zellen: bitte auf mehrere "
                        "Dateien aufteilen und diese nacheinander importieren."
                    ),
                    {"n": self.limits.cells},
                )
            )

    def check_width(self, sheet: str, number: int, width: int) -> None:
        """Refuse row ``number`` (1-based) if its last value is beyond the column limit."""
        if width > self.limits.columns:
            raise FileTooLarge(
                Text(
                    N_(
                        "Blatt „%(sheet)s“, Zeile %(row)s hat mehr als %(n)s Spalten mit "
                        "Werten: bitte überzählige Spalten löschen oder die Datei aufteilen."
                    ),
                    {"sheet": sheet, "row": number, "n": self.limits.columns},
                )
            )

    def check_cells(self, sheet: str, number: int, values: Sequence[Any]) -> None:
        """Count row ``number``'s filled cells; refuse one longer than the limit."""
        filled = 0
        for j, value in enumerate(values):
            if is_blank(value):
                continue
            filled += 1
            if isinstance(value, str) and len(value) > self.limits.cell_chars:
                raise InvalidFile(
                    Text(
                        N_(
                            "Blatt „%(sheet)s“, Zelle %(cell)s ist länger als %(n)s Zeichen "
                            "(mehr fasst auch Excel nicht): bitte kürzen."
                        ),
                        {
                            "sheet": sheet,
                            "cell": cell_name(number - 1, j),
                            "n": self.limits.cell_chars,
                        },
                    )
                )
        self.take_cells(filled)
