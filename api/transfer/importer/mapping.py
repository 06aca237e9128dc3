"""Which sheet holds what, and which column fills which field.

Each sheet is matched to a node label or relationship type by its name or, failing that,
by its headers; the header row is the one among the first :data:`HEADER_SCAN` whose cells
name the most known columns (title rows and merged group headers above it are skipped). An
explicit mapping (:attr:`ImportReport.mapping`'s form) overrides any part of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from api.i18n import N_, Text
from api.transfer.columns import SHEETS, Column, SheetSpec, norm, sheet_by_key
from api.transfer.importer.report import SheetMapping
from api.transfer.reader import InvalidFile, Table, is_blank, read_tables
from api.transfer.values import parse_text
from graph_schema.model import NODE_MODELS

__all__ = ["HEADER_SCAN", "Plan", "detect_mapping", "plan_sheet", "sheets_of"]

HEADER_SCAN = 10
#: the sheets of the import template (:mod:`api.transfer.template`) that hold no entries
TEMPLATE_SHEETS = frozenset({"Anleitung", "Listen"})
#: what a sheet's mapping may say: what it holds, where its header is, which column fills
#: which field, which value stands for which entry (``values``), one value for a field the
#: sheet has no column for (``defaults``) and how a column's dates are written (``dates``)
SHEET_KEYS = frozenset({"entity", "header_row", "columns", "values", "defaults", "dates"})


@dataclass
class Plan:
    table: Table
    spec: SheetSpec
    header: int
    columns: dict[int, Column]
    headers: dict[int, str]
    #: the sheet's part of the mapping given (``values``, ``defaults``, ``dates``, ...), or {}
    given: Mapping[str, Any] = field(default_factory=dict)

    def header_of(self, prop: str) -> str:
        for j, col in self.columns.items():
            if col.prop == prop:
                return self.headers[j]
        return self.spec.column(prop).header

    def has(self, prop: str) -> bool:
        return any(c.prop == prop for c in self.columns.values())


def _header_cells(table: Table, i: int) -> dict[int, str]:
    cells = {}
    for j, value in enumerate(table.rows[i]):
        # A merged header's copies are no headers of their own.
        if is_blank(value) or (i, j) in table.merged:
            continue
        cells[j] = parse_text(value) or ""
    return cells


def _field(spec: SheetSpec, text: str, prop: Any) -> Column | None:
    """The column of ``spec`` that a mapping's field names: a property or one of its headers."""
    if prop is None:
        return None
    if not isinstance(prop, str):
        raise InvalidFile(
            Text(
                N_(
                    "Die Zuordnung gibt der Spalte „%(column)s“ das Feld %(field)s: bitte einen "
                    "Feldnamen als Text angeben (oder null, um die Spalte auszulassen)."
                ),
                {"column": text, "field": repr(prop)},
            )
        )
    for col in spec.columns:
        if col.prop == prop:
            return col
    key = norm(prop)
    for col in spec.columns:
        if key and key in col.keys:
            return col
    raise InvalidFile(
        Text(
            N_(
                "Die Zuordnung legt die Spalte „%(column)s“ auf „%(field)s“, das %(entity)s nicht "
                "hat: bitte eines dieser Felder verwenden: %(allowed)s (oder null, um die Spalte "
                "auszulassen)."
            ),
            {
                "column": text,
                "field": prop,
                "entity": spec.key,
                "allowed": ", ".join(c.prop for c in spec.columns),
            },
        )
    )


def _match(
    spec: SheetSpec, cells: Mapping[int, str], explicit: Mapping[str, Any]
) -> dict[int, Column]:
    result: dict[int, Column] = {}
    used: dict[str, str] = {}
    for j, text in cells.items():
        if text in explicit:
            col = _field(spec, text, explicit[text])
            if col is None:
                continue
            if col.prop in used and used[col.prop] != text:
                raise InvalidFile(
                    Text(
                        N_(
                            "Die Zuordnung legt die Spalten „%(a)s“ und „%(b)s“ beide auf "
                            "„%(field)s“: bitte eine davon einem anderen Feld zuordnen oder "
                            "auslassen (null)."
                        ),
                        {"a": used[col.prop], "b": text, "field": col.prop},
                    )
                )
            result[j] = col
            used[col.prop] = text
    for j, text in cells.items():
        if j in result or text in explicit:
            continue
        key = norm(text)
        for col in spec.columns:
            if col.prop not in used and key in col.keys:
                result[j] = col
                used[col.prop] = text
                break
    return result


def _identified(spec: SheetSpec, columns: Mapping[int, Column]) -> bool:
    props = {c.prop for c in columns.values()}
    if spec.rel:
        return bool(props & {"from_id", "from_name"}) and bool(props & {"to_id", "to_name"})
    assert spec.label is not None
    return NODE_MODELS[spec.label].name_property in props or "id" in props


def plan_sheet(table: Table, explicit: Mapping[str, Any]) -> tuple[Plan | None, SheetMapping]:
    """How ``table`` is read (None if it cannot be), and its mapping for the report.

    Args:
        table: the sheet.
        explicit: the mapping given for it (``entity``, ``header_row``, ``columns``), or {}.
    """
    if "entity" in explicit and not explicit.get("entity"):
        note = Text(N_("nicht importiert: die Zuordnung lässt dieses Blatt aus"))
        return None, SheetMapping(table.name, None, None, note_text=note, skipped=True)
    named = _named_spec(table, explicit.get("entity"))
    columns_given = _columns_given(table, explicit.get("columns") or {})
    header_row = _header_row_given(table, explicit.get("header_row"))
    rows = [header_row - 1] if header_row else range(min(HEADER_SCAN, len(table.rows)))
    best = _best_plan(table, rows, [named] if named else list(SHEETS), columns_given)
    if best is None and named is None and table.name in TEMPLATE_SHEETS:
        note = Text(N_("nicht importiert: Anleitung oder Auswahllisten der Importvorlage"))
        return None, SheetMapping(table.name, None, None, note_text=note, skipped=True)
    if best is None:
        return None, _not_read(table, named, rows)
    _check_columns_given(best, columns_given)
    best.given = explicit
    mapping = {
        text: (best.columns[j].prop if j in best.columns else None)
        for j, text in sorted(best.headers.items())
    }
    return best, SheetMapping(table.name, best.spec.key, best.header + 1, mapping)


def _named_spec(table: Table, entity: Any) -> SheetSpec | None:
    """The sheet the mapping's ``entity`` or else the sheet's own name names, if any."""
    if entity is not None and not isinstance(entity, str):
        raise InvalidFile(
            Text(
                N_(
                    "Die Zuordnung gibt dem Blatt „%(sheet)s“ den Inhalt %(entity)s: bitte den "
                    "Namen als Text angeben, z. B. Organisation (oder null, um das Blatt "
                    "auszulassen)."
                ),
                {"sheet": table.name, "entity": repr(entity)},
            )
        )
    try:
        return sheet_by_key(entity) if entity else sheet_by_key(table.name)
    except KeyError:
        if entity:
            raise InvalidFile(
                Text(
                    N_(
                        "Die Zuordnung gibt dem Blatt „%(sheet)s“ den Inhalt „%(entity)s“: bitte "
                        "einen dieser Inhalte verwenden: %(keys)s."
                    ),
                    {
                        "sheet": table.name,
                        "entity": entity,
                        "keys": ", ".join(s.key for s in SHEETS),
                    },
                )
            ) from None
        return None


def _columns_given(table: Table, columns: Any) -> Mapping[str, Any]:
    """The mapping's columns (header -> field or None), checked to be an object."""
    if not isinstance(columns, Mapping):
        raise InvalidFile(
            Text(
                N_(
                    "Die Spalten der Zuordnung des Blatts „%(sheet)s“ müssen ein Objekt sein: "
                    '{"<Spaltenkopf>": "<Feld>" oder null}.'
                ),
                {"sheet": table.name},
            )
        )
    return columns


def _header_row_given(table: Table, header_row: Any) -> int | None:
    """The mapping's header row (from 1), checked; None when not given."""
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1
    ):
        raise InvalidFile(
            Text(
                N_(
                    "Die header_row der Zuordnung des Blatts „%(sheet)s“ muss eine Zeilennummer "
                    "ab 1 sein."
                ),
                {"sheet": table.name},
            )
        )
    return header_row


def _best_plan(
    table: Table,
    rows: Sequence[int],
    candidates: list[SheetSpec],
    columns_given: Mapping[str, Any],
) -> Plan | None:
    """The header row and sheet spec among ``rows`` and ``candidates`` naming most columns."""
    best: Plan | None = None
    for i in rows:
        if i < 0 or i >= len(table.rows):
            continue
        cells = _header_cells(table, i)
        for spec in candidates:
            cols = _match(spec, cells, columns_given)
            if not _identified(spec, cols):
                continue
            if best is None or len(cols) > len(best.columns):
                best = Plan(table, spec, i, cols, cells)
    return best


def _not_read(table: Table, named: SheetSpec | None, rows: Sequence[int]) -> SheetMapping:
    """The mapping of a sheet that cannot be read: why, and its first row's headers."""
    note = (
        Text(
            N_(
                "nicht importiert: keine Kopfzeile gefunden, die die Spalten von %(title)s "
                "nennt (z. B. %(headers)s)"
            ),
            {"title": named.title, "headers": ", ".join(c.header for c in named.columns[:4])},
        )
        if named
        else Text(
            N_(
                "nicht importiert: Name und Spaltenköpfe des Blatts passen zu keinem "
                "bekannten Blatt; bitte das Blatt z. B. Organisationen, Personen, Angebote, "
                "Kooperationen oder Mitgliedschaften nennen oder die Zuordnung angeben"
            )
        )
    )
    # the first row with text, so that the user can map its columns
    first = next((i for i in rows if 0 <= i < len(table.rows) and _header_cells(table, i)), None)
    cells = _header_cells(table, first) if first is not None else {}
    return SheetMapping(
        table.name,
        None,
        None,
        columns={text: None for _, text in sorted(cells.items())},
        note_text=note,
        tried=named.key if named else None,
    )


def _check_columns_given(best: Plan, columns_given: Mapping[str, Any]) -> None:
    """Refuse a mapping that names a column the header row does not have."""
    found = set(best.headers.values())
    unknown = [h for h in columns_given if h not in found]
    if unknown:
        raise InvalidFile(
            Text(
                N_(
                    "Die Zuordnung nennt die Spalte „%(column)s“, die das Blatt „%(sheet)s“ in "
                    "seiner Kopfzeile (Zeile %(row)s) nicht hat: bitte eine dieser Spalten "
                    "verwenden: %(have)s."
                ),
                {
                    "column": unknown[0],
                    "sheet": best.table.name,
                    "row": best.header + 1,
                    "have": ", ".join(f"'{h}'" for _, h in sorted(best.headers.items())),
                },
            )
        )


def sheets_of(mapping: Mapping[str, Any] | None, tables: list[Table]) -> dict[str, Any]:
    """The mapping's sheets, checked against the file's: sheet name -> its mapping."""
    if not mapping:
        return {}
    if not isinstance(mapping, Mapping):
        raise InvalidFile(Text(N_('Die Zuordnung muss ein JSON-Objekt sein: {"sheets": {...}}.')))
    sheets = mapping.get("sheets", mapping)
    if not isinstance(sheets, Mapping):
        raise InvalidFile(
            Text(N_('Die Zuordnung muss die Form {"sheets": {"<Blatt>": {...}}} haben.'))
        )
    names = [t.name for t in tables]
    out: dict[str, Any] = {}
    for name, given in sheets.items():
        if given is not None and not isinstance(given, Mapping):
            raise InvalidFile(
                Text(
                    N_(
                        "Die Zuordnung des Blatts „%(sheet)s“ muss ein Objekt mit entity, "
                        "header_row und columns sein."
                    ),
                    {"sheet": name},
                )
            )
        extra = sorted(set(given or {}) - SHEET_KEYS)
        if extra:
            raise InvalidFile(
                Text(
                    N_(
                        "Die Zuordnung des Blatts „%(sheet)s“ hat den unbekannten Schlüssel "
                        "„%(key)s“: bitte entity, header_row, columns, values, defaults und "
                        "dates verwenden."
                    ),
                    {"sheet": name, "key": extra[0]},
                )
            )
        if name in names:
            out[name] = dict(given or {})
        elif len(tables) == 1 and len(sheets) == 1:
            # a CSV file's "sheet" is named after the file, which the user may have renamed
            out[names[0]] = dict(given or {})
        else:
            raise InvalidFile(
                Text(
                    N_(
                        "Die Zuordnung nennt das Blatt „%(sheet)s“, das die Datei nicht hat: "
                        "bitte eines dieser Blätter verwenden: %(have)s."
                    ),
                    {"sheet": name, "have": ", ".join(f"'{n}'" for n in names)},
                )
            )
    return out


def detect_mapping(
    data: bytes, filename: str, mapping: Mapping[str, Any] | None = None
) -> list[SheetMapping]:
    """How each sheet of a file would be read (with ``mapping`` where given), without a store."""
    tables = read_tables(data, filename)
    given = sheets_of(mapping, tables)
    return [plan_sheet(t, given.get(t.name, {}))[1] for t in tables]
