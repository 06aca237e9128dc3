"""One sheet or CSV file as a plain table of cells, and how cells are named and shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Table", "Verbatim", "as_text", "cell_name", "is_blank"]


class Verbatim(str):
    """A cell's text exactly as the file holds it: a leading ``'`` is part of the value.

    A workbook keeps text as text, so an XLSX export writes a value such as ``'+49`` as it
    is, without the ``'`` a CSV export puts before a formula start; the XLSX reader marks
    such texts so that the import keeps their ``'`` (issue 14, item 7).
    """

    __slots__ = ()


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
