"""Import organisations, people, offers, memberships, cooperations (and every other sheet)
from an XLSX workbook, a CSV file or a ZIP of CSV files.

How a file becomes changes:

1. **Mapping.** Each sheet is matched to a node label or relationship type by its name or,
   failing that, by its headers; the header row is the one among the first ten whose cells
   name the most known columns (title rows and merged group headers above it are skipped).
   The report states the mapping in the form :func:`import_file` accepts back
   (``mapping``), so a user can correct and confirm it.
2. **Rows.** Every row gets one outcome: ``created``, ``updated`` (with each changed
   column, old and new value), ``unchanged``, ``rejected`` (with the cell and what to
   change) or ``skipped`` (empty). Entries are found by ID, else by name (case and spacing
   do not matter; offers by title and provider); new entries without an ID get one derived
   from their name, ties one derived from their ends and start date, so the same file
   imported twice finds everything the second time and changes nothing.
3. **Near-duplicates** of new names (legal form, spacing, small typos) are flagged on the
   row and listed; :func:`api.transfer.duplicates.merge` merges them afterwards.
4. **Writing.** A dry run writes nothing. A real run writes only when no row is rejected,
   in one transaction (:meth:`GraphStore.bulk_upsert` plus one history entry per changed
   entry): all rows or none. An import never deletes: rows missing from the file leave
   their entries alone, and an empty cell clears the value only where the column exists.

Every message (a row's problems and warnings, a sheet's note, the summary, a refused mapping)
is an :class:`api.i18n.Text`: German, translated where it is shown. The API and the CLI give
it in English (``Problem.message``, ``SheetMapping.note``, :meth:`ImportReport.summary`); the
web UI renders ``Problem.text`` and the others in the user's language.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError
from rapidfuzz import process

from api.i18n import N_, NP_, Text
from api.model_errors import message_for
from api.transfer import duplicates
from api.transfer.columns import SHEETS, Column, ColumnKind, SheetSpec, norm, sheet_by_key
from api.transfer.reader import InvalidFile, Table, as_text, cell_name, is_blank, read_tables
from api.transfer.values import (
    CellError,
    comma_parts,
    did_you_mean,
    name_key,
    parse_date,
    parse_int,
    parse_list,
    parse_text,
    parse_vocab,
    split_refs,
)
from graph_schema.errors import InvalidValue
from graph_schema.model import ID_PREFIX, NODE_MODELS, REL_SPECS, Node, NodeLabel, RelType, Tie
from graph_schema.store import GraphStore, dump
from graph_schema.vocab import FIELDS, TARGET_GROUPS

__all__ = [
    "ImportReport",
    "Problem",
    "RowOutcome",
    "SheetMapping",
    "detect_mapping",
    "import_file",
    "override_mapping",
    "parse_override",
]

HEADER_SCAN = 10
STATUSES = ("created", "updated", "unchanged", "rejected", "skipped")


#: the word for an entry of each label, for messages (in English "organisation", ...)
WORD = {
    NodeLabel.ORGANISATION: NP_("Importmeldung", "Organisation"),
    NodeLabel.PERSON: NP_("Importmeldung", "Person"),
    NodeLabel.BODY: NP_("Importmeldung", "Gremium"),
    NodeLabel.OFFER: NP_("Importmeldung", "Angebot"),
    NodeLabel.AREA: NP_("Importmeldung", "Gebiet"),
    NodeLabel.FIELD: NP_("Importmeldung", "Handlungsfeld"),
    NodeLabel.TARGET_GROUP: NP_("Importmeldung", "Zielgruppe"),
    NodeLabel.EVENT: NP_("Importmeldung", "Veranstaltung"),
}


def _words(labels: tuple[NodeLabel, ...]) -> Text:
    """The words of ``labels`` joined with "or"."""
    text = WORD[labels[0]]
    for label in labels[1:]:
        text = Text(N_("%(a)s oder %(b)s"), {"a": text, "b": WORD[label]})
    return text


#: extra names an entry is found by, besides its display name and id
_ALSO_NAMED = {
    NodeLabel.ORGANISATION: ("short_name",),
    NodeLabel.FIELD: ("name_en",),
    NodeLabel.TARGET_GROUP: ("name_en",),
}


# --------------------------------------------------------------------------- the report


@dataclass
class Problem:
    """Something about one cell (or row): the file's column header, the cell, the message."""

    column: str | None
    cell: str | None
    text: Text

    @property
    def message(self) -> str:
        """The message in English."""
        return str(self.text)

    def as_dict(self) -> dict[str, Any]:
        """As the API gives it (the message in English)."""
        return {"column": self.column, "cell": self.cell, "message": self.message}


@dataclass
class RowOutcome:
    """What the import does with one row."""

    sheet: str
    row: int
    entity: str
    status: str = "unchanged"
    id: str | None = None
    name: str | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def reject(self, column: str | None, cell: str | None, text: Text) -> None:
        self.status = "rejected"
        self.problems.append(Problem(column, cell, text))

    def as_dict(self) -> dict[str, Any]:
        """As the API gives it (messages in English)."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "entity": self.entity,
            "status": self.status,
            "id": self.id,
            "name": self.name,
            "changes": [dict(c) for c in self.changes],
            "problems": [p.as_dict() for p in self.problems],
            "warnings": [p.as_dict() for p in self.warnings],
        }


@dataclass
class SheetMapping:
    """How one sheet was read: what it holds, its header row, header -> property."""

    sheet: str
    entity: str | None
    header_row: int | None
    columns: dict[str, str | None] = field(default_factory=dict)
    #: why the sheet is not imported
    note_text: Text | None = None
    #: the mapping left this sheet out
    skipped: bool = False
    #: the entity a sheet that could not be read was tried as (its name or the mapping's)
    tried: str | None = None

    @property
    def note(self) -> str | None:
        """Why the sheet is not imported, in English."""
        return str(self.note_text) if self.note_text is not None else None

    def as_dict(self, _: Callable[[str], str] | None = None) -> dict[str, Any]:
        """As the API gives it; the note rendered with ``_`` if given, else in English."""
        note = self.note_text.render(_) if _ and self.note_text is not None else self.note
        return {
            "sheet": self.sheet,
            "entity": self.entity,
            "header_row": self.header_row,
            "columns": dict(self.columns),
            "note": note,
            "skipped": self.skipped,
            "tried": self.tried,
        }


@dataclass
class ImportReport:
    """The outcome of an import or dry run, row by row."""

    source: str
    dry_run: bool
    applied: bool = False
    encoding: str | None = None
    delimiter: str | None = None
    sheets: list[SheetMapping] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(r.status for r in self.rows)
        return {s: c.get(s, 0) for s in STATUSES}

    @property
    def rejected(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.status == "rejected"]

    @property
    def mapping(self) -> dict[str, Any]:
        """The detected mapping, in the form ``import_file(mapping=...)`` accepts."""
        sheets: dict[str, Any] = {}
        for s in self.sheets:
            if s.entity:
                sheets[s.sheet] = {
                    "entity": s.entity,
                    "header_row": s.header_row,
                    "columns": s.columns,
                }
            elif s.skipped:
                sheets[s.sheet] = {"entity": None}
        return {"sheets": sheets}

    @property
    def summary_text(self) -> Text:
        """What happened and the count of each outcome."""
        c = self.counts
        if self.dry_run:
            what = Text(N_("Probelauf"))
        elif self.applied:
            what = Text(N_("Importiert"))
        else:
            what = Text(N_("Nicht importiert") if c["rejected"] else N_("Nichts zu ändern"))
        counts = Text(
            N_(
                "%(created)s angelegt, %(updated)s geändert, %(unchanged)s unverändert, "
                "%(rejected)s abgelehnt, %(skipped)s übersprungen"
            ),
            c,
        )
        if c["rejected"] and not self.applied:
            return Text(
                N_(
                    "%(what)s: %(counts)s – es wurde nichts geschrieben; bitte die abgelehnten "
                    "Zeilen korrigieren und noch einmal importieren."
                ),
                {"what": what, "counts": counts},
            )
        return Text(N_("%(what)s: %(counts)s."), {"what": what, "counts": counts})

    def summary(self) -> str:
        """:attr:`summary_text` in English."""
        return str(self.summary_text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "summary": self.summary(),
            "counts": self.counts,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "mapping": self.mapping,
            "sheets": [s.as_dict() for s in self.sheets],
            "rows": [r.as_dict() for r in self.rows],
            "duplicates": self.duplicates,
            "written": self.written,
        }


# --------------------------------------------------------------------------- mapping


@dataclass
class _Plan:
    table: Table
    spec: SheetSpec
    header: int
    columns: dict[int, Column]
    headers: dict[int, str]

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


def _plan(table: Table, explicit: Mapping[str, Any]) -> tuple[_Plan | None, SheetMapping]:
    entity = explicit.get("entity")
    if "entity" in explicit and not entity:
        note = Text(N_("nicht importiert: die Zuordnung lässt dieses Blatt aus"))
        return None, SheetMapping(table.name, None, None, note_text=note, skipped=True)
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
        named = sheet_by_key(entity) if entity else sheet_by_key(table.name)
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
        named = None
    candidates = [named] if named else list(SHEETS)
    header_row = explicit.get("header_row")
    columns_given = explicit.get("columns") or {}
    if not isinstance(columns_given, Mapping):
        raise InvalidFile(
            Text(
                N_(
                    "Die Spalten der Zuordnung des Blatts „%(sheet)s“ müssen ein Objekt sein: "
                    '{"<Spaltenkopf>": "<Feld>" oder null}.'
                ),
                {"sheet": table.name},
            )
        )
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
    rows = [header_row - 1] if header_row else range(min(HEADER_SCAN, len(table.rows)))
    best: _Plan | None = None
    for i in rows:
        if i < 0 or i >= len(table.rows):
            continue
        cells = _header_cells(table, i)
        for spec in candidates:
            cols = _match(spec, cells, columns_given)
            if not _identified(spec, cols):
                continue
            if best is None or len(cols) > len(best.columns):
                best = _Plan(table, spec, i, cols, cells)
    if best is None:
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
        first = next(
            (i for i in rows if 0 <= i < len(table.rows) and _header_cells(table, i)), None
        )
        cells = _header_cells(table, first) if first is not None else {}
        return None, SheetMapping(
            table.name,
            None,
            None,
            columns={text: None for _, text in sorted(cells.items())},
            note_text=note,
            tried=named.key if named else None,
        )
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
                    "sheet": table.name,
                    "row": best.header + 1,
                    "have": ", ".join(f"'{h}'" for _, h in sorted(best.headers.items())),
                },
            )
        )
    mapping = {
        text: (best.columns[j].prop if j in best.columns else None)
        for j, text in sorted(best.headers.items())
    }
    return best, SheetMapping(table.name, best.spec.key, best.header + 1, mapping)


# --------------------------------------------------------------------------- what exists


class _Index:
    """The entries of the store and of the file so far, found by id and by name."""

    def __init__(self, store: GraphStore) -> None:
        self.nodes: dict[str, Node] = {}
        self.file_ids: set[str] = set()
        self.names: dict[NodeLabel, dict[str, set[str]]] = {label: {} for label in NodeLabel}
        for node in dump.all_nodes(store):
            self.add(node, from_file=False)
        self.stored = dict(self.nodes)
        self.ties: dict[str, Tie] = {}
        self.between: dict[tuple[str, str, str], list[Tie]] = {}
        for tie in dump.all_ties(store):
            self.add_tie(tie)
        self.stored_ties = dict(self.ties)

    def add(self, node: Node, *, from_file: bool = True) -> None:
        old = self.nodes.get(node.id)
        if old is not None:
            for key in self._keys(old):
                self.names[old.label].get(key, set()).discard(node.id)
        self.nodes[node.id] = node
        if from_file:
            self.file_ids.add(node.id)
        for key in self._keys(node):
            self.names[node.label].setdefault(key, set()).add(node.id)

    @staticmethod
    def _keys(node: Node) -> set[str]:
        values = [node.display_name, *(getattr(node, p) for p in _ALSO_NAMED.get(node.label, ()))]
        return {name_key(v) for v in values if v}

    def add_tie(self, tie: Tie) -> None:
        old = self.ties.get(tie.id)
        if old is not None:
            self.between[(old.type, old.from_id, old.to_id)].remove(old)
        self.ties[tie.id] = tie
        self.between.setdefault((tie.type, tie.from_id, tie.to_id), []).append(tie)

    def named(self, label: NodeLabel, text: str) -> set[str]:
        return set(self.names[label].get(name_key(text), set()))

    def resolve(self, text: str, labels: tuple[NodeLabel, ...]) -> str:
        """The id of the entry of one of ``labels`` that ``text`` names (or is the id of)."""
        node = self.nodes.get(text)
        if node is not None and node.label in labels:
            return node.id
        hits: set[str] = set()
        for label in labels:
            hits |= self.named(label, text)
        if len(hits) == 1:
            return hits.pop()
        if hits:
            raise CellError(
                Text(
                    N_(
                        "mehrere Einträge heißen „%(name)s“ (%(ids)s): bitte stattdessen die ID "
                        "angeben"
                    ),
                    {"name": text, "ids": ", ".join(sorted(hits)[:5])},
                )
            )
        if node is not None:
            raise CellError(
                Text(
                    N_("„%(text)s“ ist die ID eines Eintrags (%(kind)s), gesucht ist: %(kinds)s"),
                    {"text": text, "kind": WORD[node.label], "kinds": _words(labels)},
                )
            )
        names = sorted({n.display_name for n in self.nodes.values() if n.label in labels})
        best = process.extractOne(text, names, score_cutoff=85) if names else None
        raise CellError(
            Text(
                N_(
                    "„%(text)s“ (%(kinds)s) gibt es weder in der Datei noch im Bestand%(hint)s: "
                    "bitte die Schreibweise prüfen oder den Eintrag zuerst in seinem Blatt anlegen"
                ),
                {
                    "text": text,
                    "kinds": _words(labels),
                    "hint": did_you_mean(best[0] if best else None),
                },
            )
        )


def _vocabulary_node(label: NodeLabel, text: str) -> Node | None:
    """The shipped field of action or target group that ``text`` names (code, de or en)."""
    table = {NodeLabel.FIELD: FIELDS, NodeLabel.TARGET_GROUP: TARGET_GROUPS}.get(label)
    if table is None:
        return None
    key = norm(text)
    for code, names in table.items():
        if key in (norm(code), norm(names.de), norm(names.en)):
            return NODE_MODELS[label].model_validate(
                {"id": code, "name_de": names.de, "name_en": names.en}
            )
    return None


def _derived_id(prefix: str, *parts: object) -> str:
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:12]
    return f"{prefix}-{digest}"


def _explain(error: ValidationError, plan: _Plan, outcome: RowOutcome, row: int) -> None:
    """Reject the row with a message per error of the model, naming the column where it can."""
    for err in error.errors():
        prop = str(err["loc"][0]) if err["loc"] else None
        msg = str(err["msg"]).removeprefix("Value error, ")
        # pydantic's own English stays what the API says
        text = replace(message_for(err), original=msg)
        if prop is None:
            # The model's checks across fields: name the later date's column.
            prop = next((p for p in ("until", "ends_on") if p in msg), None)
            if prop is not None:
                text = Text(N_("Das Ende darf nicht vor dem Beginn liegen."), original=msg)
            if prop is None or not plan.has(prop):
                outcome.reject(None, None, text)
                continue
        header = plan.header_of(prop)
        cell = next((cell_name(row, j) for j, c in plan.columns.items() if c.prop == prop), None)
        if err["type"] == "missing":
            text = (
                Text(N_("Pflichtfeld: bitte „%(header)s“ ausfüllen"), {"header": header})
                if plan.has(prop)
                else Text(
                    N_(
                        "Pflichtfeld, aber das Blatt hat keine Spalte dafür: bitte eine Spalte "
                        "„%(header)s“ ergänzen"
                    ),
                    {"header": header},
                )
            )
        elif err["type"] == "string_pattern_mismatch":
            text = Text(
                N_(
                    "bitte 1 bis 100 Buchstaben, Ziffern, '-', '_', '.' oder ':' verwenden, "
                    "beginnend mit Buchstabe oder Ziffer"
                )
            )
        outcome.reject(header, cell, text)


def _json(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- the import


@dataclass
class _Row:
    plan: _Plan
    index: int
    outcome: RowOutcome
    values: dict[str, Any]
    links: dict[str, list[str]]
    node: Node | None = None


class _Importer:
    def __init__(self, store: GraphStore, report: ImportReport) -> None:
        self.store = store
        self.report = report
        self.index = _Index(store)
        self.nodes: dict[str, Node] = {}
        self.ties: dict[str, Tie] = {}
        self.history: list[tuple[str, str, dict[str, Any] | None, dict[str, Any]]] = []
        self.claimed: dict[str, RowOutcome] = {}

    # -- reading cells

    def _cells(
        self, plan: _Plan, i: int, outcome: RowOutcome
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        table = plan.table
        row = table.rows[i]
        values: dict[str, Any] = {}
        links: dict[str, list[str]] = {}
        seen_merges: set[str] = set()
        for j, col in plan.columns.items():
            raw = row[j] if j < len(row) else None
            header = plan.headers[j]
            cell = cell_name(i, j)
            if (i, j) in table.formulas:
                formula = table.formulas[(i, j)]
                if raw is None:
                    outcome.reject(
                        header,
                        cell,
                        Text(
                            N_(
                                "enthält eine Formel (%(formula)s) ohne gespeichertes Ergebnis: "
                                "bitte durch ihren Wert ersetzen (Zelle kopieren, als Wert "
                                "einfügen)"
                            ),
                            {"formula": formula},
                        ),
                    )
                    continue
                outcome.warnings.append(
                    Problem(
                        header,
                        cell,
                        Text(
                            N_(
                                "Formel %(formula)s: ihr gespeichertes Ergebnis „%(value)s“ wurde "
                                "verwendet"
                            ),
                            {"formula": formula, "value": as_text(raw)},
                        ),
                    )
                )
            merged = table.merged.get((i, j)) or table.merge_origins.get((i, j))
            if merged and merged not in seen_merges and not is_blank(raw):
                seen_merges.add(merged)
                outcome.warnings.append(
                    Problem(
                        header,
                        cell,
                        Text(
                            N_(
                                "verbundene Zellen %(range)s: „%(value)s“ wurde für diese Zeile "
                                "verwendet"
                            ),
                            {"range": merged, "value": as_text(raw)},
                        ),
                    )
                )
            try:
                if col.kind == ColumnKind.LINK:
                    links[col.prop] = split_refs(raw)
                    continue
                values[col.prop] = self._parse(col, raw, outcome, header, cell)
            except CellError as e:
                outcome.reject(header, cell, e.text)
        return values, links

    @staticmethod
    def _parse(col: Column, raw: Any, outcome: RowOutcome, header: str, cell: str) -> Any:
        if col.kind == ColumnKind.INT:
            return parse_int(raw)
        if col.kind == ColumnKind.DATE:
            value, warning = parse_date(raw)
            if warning:
                outcome.warnings.append(Problem(header, cell, warning))
            return value
        if col.kind == ColumnKind.LIST:
            return parse_list(raw)
        if col.kind == ColumnKind.VOCAB:
            assert col.vocab is not None
            return parse_vocab(raw, col.vocab)
        return parse_text(raw)

    def _rows(self, plan: _Plan) -> list[_Row]:
        table = plan.table
        last = max(
            (i for i, r in enumerate(table.rows) if any(not is_blank(v) for v in r)), default=-1
        )
        out = []
        for i in range(plan.header + 1, last + 1):
            outcome = RowOutcome(table.name, i + 1, plan.spec.key)
            cells = table.rows[i]
            if all(is_blank(v) for v in cells):
                outcome.status = "skipped"
                outcome.warnings.append(Problem(None, None, Text(N_("leere Zeile"))))
                self.report.rows.append(outcome)
                continue
            if all(is_blank(cells[j]) if j < len(cells) else True for j in plan.columns):
                outcome.status = "skipped"
                outcome.warnings.append(
                    Problem(
                        None,
                        None,
                        Text(
                            N_("kein Wert in einer importierten Spalte (nur in nicht übernommenen)")
                        ),
                    )
                )
                self.report.rows.append(outcome)
                continue
            values, links = self._cells(plan, i, outcome)
            self.report.rows.append(outcome)
            out.append(_Row(plan, i, outcome, values, links))
        return out

    # -- nodes

    def node_row(self, row: _Row) -> None:
        plan, outcome = row.plan, row.outcome
        label = plan.spec.label
        assert label is not None
        model = NODE_MODELS[label]
        name_prop = model.name_property
        given_id = row.values.pop("id", None)
        name = row.values.get(name_prop)
        outcome.name = name
        providers: list[str] = []
        if label == NodeLabel.OFFER and row.links.get("provider"):
            providers = self._refs(row, "provider")
        existing: Node | None = None
        if given_id:
            found = self.index.nodes.get(given_id)
            if found is not None and found.label != label:
                outcome.reject(
                    plan.header_of("id"),
                    None,
                    Text(
                        N_(
                            "die ID %(id)s ist schon vergeben (%(kind)s): bitte eine andere ID "
                            "verwenden"
                        ),
                        {"id": given_id, "kind": WORD[found.label]},
                    ),
                )
                return
            existing = found
            node_id = given_id
        elif name:
            hits = self.index.named(label, name)
            if label == NodeLabel.OFFER and providers:
                hits = {h for h in hits if any(self._provides(p, h) for p in providers)}
            if len(hits) > 1:
                outcome.reject(
                    plan.header_of(name_prop),
                    None,
                    Text(
                        N_(
                            "mehrere Einträge (%(kind)s) heißen „%(name)s“ (%(ids)s): bitte eine "
                            "Spalte ID ergänzen, die sagt, welcher gemeint ist"
                        ),
                        {"kind": WORD[label], "name": name, "ids": ", ".join(sorted(hits)[:5])},
                    ),
                )
                return
            if hits:
                node_id = hits.pop()
                existing = self.index.nodes[node_id]
            else:
                node_id = _derived_id(ID_PREFIX[label], label, name_key(name), *sorted(providers))
        else:
            if not outcome.problems:
                outcome.reject(
                    plan.header_of(name_prop),
                    None,
                    Text(
                        N_(
                            "„%(header)s“ ist leer und eine ID fehlt: bitte den Namen eintragen "
                            "oder die Zeile löschen"
                        ),
                        {"header": plan.header_of(name_prop)},
                    ),
                )
            return
        first = self.claimed.get(node_id)
        if first is not None:
            outcome.reject(
                plan.header_of(name_prop if not given_id else "id"),
                None,
                Text(
                    N_(
                        "derselbe Eintrag (%(kind)s) wie Zeile %(row)s im Blatt „%(sheet)s“ "
                        "(gleicher Name oder gleiche ID): bitte eine der beiden Zeilen löschen "
                        "oder ihnen verschiedene Namen geben"
                    ),
                    {"kind": WORD[label], "row": first.row, "sheet": first.sheet},
                ),
            )
            return
        self.claimed[node_id] = outcome
        outcome.id = node_id
        if outcome.status == "rejected":
            return
        base = existing.model_dump() if existing is not None else {}
        data = {**base, **row.values, "id": node_id}
        try:
            node = model.model_validate(data)
        except ValidationError as e:
            _explain(e, plan, outcome, row.index)
            return
        row.node = node
        outcome.name = node.display_name
        if existing is None:
            outcome.status = "created"
            self.nodes[node.id] = node
            self.history.append((label, node.id, None, node.model_dump(mode="json")))
        else:
            before, after = existing.model_dump(mode="json"), node.model_dump(mode="json")
            changes = [
                {
                    "column": plan.header_of(p),
                    "property": p,
                    "old": before.get(p),
                    "new": after.get(p),
                }
                for p in after
                if before.get(p) != after.get(p)
            ]
            outcome.changes = changes
            outcome.status = "updated" if changes else "unchanged"
            if changes:
                self.nodes[node.id] = node
                self.history.append((label, node.id, before, after))
        self.index.add(node)

    def _resolve(self, text: str, labels: tuple[NodeLabel, ...]) -> str:
        """The id ``text`` names; a shipped field or target group is created when missing."""
        try:
            return self.index.resolve(text, labels)
        except CellError:
            for label in labels:
                node = _vocabulary_node(label, text)
                if node is not None and node.id not in self.index.nodes:
                    self.nodes[node.id] = node
                    self.index.add(node)
                    self.history.append((label, node.id, None, node.model_dump(mode="json")))
                    return node.id
            raise

    def _provides(self, org_id: str, offer_id: str) -> bool:
        return bool(self.index.between.get((RelType.PROVIDES, org_id, offer_id)))

    def _refs(self, row: _Row, prop: str) -> list[str]:
        col = row.plan.spec.column(prop)
        assert col.link is not None
        ids = []
        j = next(j for j, c in row.plan.columns.items() if c.prop == prop)
        for text in row.links.get(prop, []):
            try:
                ids.append(self._resolve(text, col.link.other))
                continue
            except CellError as e:
                parts = comma_parts(text)
                if len(parts) < 2:
                    row.outcome.reject(row.plan.headers[j], cell_name(row.index, j), e.text)
                    continue
            for part in parts:
                try:
                    ids.append(self._resolve(part, col.link.other))
                except CellError as e:
                    row.outcome.reject(row.plan.headers[j], cell_name(row.index, j), e.text)
        return list(dict.fromkeys(ids))

    # -- ties

    def link_row(self, row: _Row) -> None:
        if row.node is None or row.outcome.status == "rejected":
            return
        for prop in row.links:
            col = row.plan.spec.column(prop)
            assert col.link is not None
            for other in self._refs(row, prop):
                a, b = (row.node.id, other) if col.link.outgoing else (other, row.node.id)
                if self.index.between.get((col.link.rel, a, b)):
                    continue
                tie = dump.tie_model(col.link.rel).model_validate(
                    {"id": _derived_id("tie", col.link.rel, a, b, ""), "from_id": a, "to_id": b}
                )
                self._new_tie(tie)
                row.outcome.changes.append(
                    {
                        "column": row.plan.header_of(prop),
                        "property": str(col.link.rel),
                        "old": None,
                        "new": self.index.nodes[other].display_name,
                    }
                )
                if row.outcome.status == "unchanged":
                    row.outcome.status = "updated"

    def _new_tie(self, tie: Tie) -> None:
        self.ties[tie.id] = tie
        self.index.add_tie(tie)
        self.history.append(
            (tie.type, tie.id, None, {"type": tie.type, **tie.model_dump(mode="json")})
        )

    def _end(self, row: _Row, end: str, labels: tuple[NodeLabel, ...]) -> str | None:
        plan, outcome = row.plan, row.outcome
        given = row.values.get(f"{end}_id")
        name = row.values.get(f"{end}_name")
        column = plan.header_of(f"{end}_id" if given else f"{end}_name")
        text = given or name
        if not text:
            if not outcome.problems:
                outcome.reject(
                    column,
                    None,
                    Text(
                        N_("leer: bitte „%(end)s“ ausfüllen (Name oder ID)"),
                        {"end": plan.spec.ends[0 if end == "from" else 1]},
                    ),
                )
            return None
        try:
            return self._resolve(text, labels)
        except CellError as e:
            outcome.reject(column, None, e.text)
            return None

    def tie_row(self, row: _Row) -> None:
        plan, outcome = row.plan, row.outcome
        rel = plan.spec.rel
        assert rel is not None
        spec = REL_SPECS[rel]
        a = self._end(row, "from", spec.from_labels)
        b = self._end(row, "to", spec.to_labels)
        if a is None or b is None or outcome.status == "rejected":
            return
        label_a, label_b = self.index.nodes[a].label, self.index.nodes[b].label
        if (label_a, label_b) not in spec.endpoints:
            outcome.reject(
                None,
                None,
                Text(
                    N_("%(rel)s kann nicht %(a)s mit %(b)s verbinden, nur: %(pairs)s"),
                    {
                        "rel": rel,
                        "a": label_a,
                        "b": label_b,
                        "pairs": ", ".join(f"{x} → {y}" for x, y in spec.endpoints),
                    },
                ),
            )
            return
        outcome.name = f"{self.index.nodes[a].display_name} → {self.index.nodes[b].display_name}"
        given_id = row.values.get("id")
        existing: Tie | None = None
        if given_id:
            existing = self.index.ties.get(given_id)
            if existing is not None and (
                existing.type != rel or (existing.from_id, existing.to_id) != (a, b)
            ):
                outcome.reject(
                    plan.header_of("id"),
                    None,
                    Text(
                        N_(
                            "die Beziehung %(id)s verbindet andere Einträge (oder ist eine "
                            "%(type)s): die Enden einer Beziehung können sich nicht ändern; bitte "
                            "die ID leer lassen, um eine neue Beziehung anzulegen"
                        ),
                        {"id": given_id, "type": existing.type},
                    ),
                )
                return
            tie_id = given_id
        else:
            found = list(self.index.between.get((rel, a, b), []))
            since = row.values.get("since")
            if len(found) > 1 and plan.has("since"):
                found = [t for t in found if t.since == since]
            if len(found) > 1:
                outcome.reject(
                    None,
                    None,
                    Text(
                        N_(
                            "zwischen diesen beiden gibt es mehrere Beziehungen %(rel)s: bitte die "
                            "Spalte ID (aus einem Export) ergänzen, die sagt, welche gemeint ist"
                        ),
                        {"rel": rel},
                    ),
                )
                return
            existing = found[0] if found else None
            tie_id = existing.id if existing else _derived_id("tie", rel, a, b, since or "")
        first = self.claimed.get(tie_id)
        if first is not None:
            outcome.reject(
                None,
                None,
                Text(
                    N_(
                        "dieselbe Beziehung wie Zeile %(row)s im Blatt „%(sheet)s“: bitte nur eine "
                        "der Zeilen behalten"
                    ),
                    {"row": first.row, "sheet": first.sheet},
                ),
            )
            return
        self.claimed[tie_id] = outcome
        outcome.id = tie_id
        props = {
            k: v
            for k, v in row.values.items()
            if k not in ("id", "from_id", "from_name", "to_id", "to_name")
        }
        base = existing.model_dump() if existing is not None else {}
        data = {**base, **props, "id": tie_id, "from_id": a, "to_id": b}
        if data.get("intensity") is None:
            data.pop("intensity", None)
        if rel == RelType.MEMBER_OF and data.get("role") is None:
            data.pop("role", None)
        try:
            tie = dump.tie_model(rel).model_validate(data)
        except ValidationError as e:
            _explain(e, plan, outcome, row.index)
            return
        if existing is None:
            outcome.status = "created"
            self._new_tie(tie)
            return
        before, after = existing.model_dump(mode="json"), tie.model_dump(mode="json")
        changes = [
            {"column": plan.header_of(p), "property": p, "old": before.get(p), "new": after.get(p)}
            for p in after
            if before.get(p) != after.get(p)
        ]
        outcome.changes = changes
        outcome.status = "updated" if changes else "unchanged"
        if changes:
            self.ties[tie.id] = tie
            self.index.add_tie(tie)
            self.history.append((rel, tie.id, {"type": rel, **before}, {"type": rel, **after}))

    # -- near-duplicates

    def flag_duplicates(self, rows: list[_Row]) -> None:
        created = [
            r
            for r in rows
            if r.node is not None
            and r.outcome.status == "created"
            and r.node.label in duplicates.DUPLICATE_LABELS
        ]
        for label in duplicates.DUPLICATE_LABELS:
            mine = [r for r in created if r.node is not None and r.node.label == label]
            if not mine:
                continue
            others = sorted(
                (n.id, n.display_name) for n in self.index.nodes.values() if n.label == label
            )
            queries = [(r.node.id, r.node.display_name) for r in mine if r.node is not None]
            for i, j, score in duplicates.similar_pairs(queries, others):
                self._flag(mine[i], others[j], score)

    def _flag(self, row: _Row, other: tuple[str, str], score: float) -> None:
        assert row.node is not None
        other_id, other_name = other
        where = (
            Text(N_("in dieser Datei"))
            if other_id in self.index.file_ids
            else Text(N_("im Bestand"))
        )
        row.outcome.warnings.append(
            Problem(
                row.plan.header_of(NODE_MODELS[row.node.label].name_property),
                None,
                Text(
                    N_(
                        "sieht aus wie „%(name)s“ (%(id)s, %(where)s, Ähnlichkeit %(score)s %%): "
                        "wenn es derselbe Eintrag ist, die beiden nach dem Import zusammenführen"
                    ),
                    {"name": other_name, "id": other_id, "where": where, "score": f"{score:.0f}"},
                ),
            )
        )
        a, b = sorted([(row.node.id, row.node.display_name), other])
        entry = duplicates.Candidate(row.node.label, a[0], a[1], b[0], b[1], score).as_dict()
        if entry not in self.report.duplicates:
            self.report.duplicates.append(entry)


def _sheets_of(mapping: Mapping[str, Any] | None, tables: list[Table]) -> dict[str, Any]:
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
        extra = sorted(set(given or {}) - {"entity", "header_row", "columns"})
        if extra:
            raise InvalidFile(
                Text(
                    N_(
                        "Die Zuordnung des Blatts „%(sheet)s“ hat den unbekannten Schlüssel "
                        "„%(key)s“: bitte entity, header_row und columns verwenden."
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


def import_file(
    store: GraphStore,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = True,
    mapping: Mapping[str, Any] | None = None,
    actor: str | None = None,
    progress: Callable[[int], None] | None = None,
    empty_ok: bool = False,
) -> ImportReport:
    """Read a file and report (dry run) or write its rows; see the module docstring.

    Args:
        store: the store to compare with and write to.
        data: the file's bytes (XLSX, CSV or a ZIP of CSV files).
        filename: its name (the CSV file name may say what it holds).
        dry_run: only report.
        mapping: an explicit mapping as in :attr:`ImportReport.mapping`, for some sheets or
            all of them (``entity``, ``header_row``, ``columns`` header -> property or null).
        actor: the user name recorded in the history.
        progress: called with the number of entries written after each batch.
        empty_ok: when no sheet can be read, answer the report (its sheets say why) instead
            of raising :class:`InvalidValue`, so that the mapping can be given.

    Returns:
        The report; ``applied`` tells whether anything was written.
    """
    tables = read_tables(data, filename)
    report = ImportReport(filename, dry_run)
    csvs = [t for t in tables if t.encoding]
    if csvs:
        report.encoding = csvs[0].encoding
        report.delimiter = csvs[0].delimiter
    given = _sheets_of(mapping, tables)
    plans: list[_Plan] = []
    for table in tables:
        plan, sheet = _plan(table, given.get(table.name, {}))
        report.sheets.append(sheet)
        if plan is not None:
            plans.append(plan)
    if not plans and empty_ok:
        return report
    if not plans:
        notes = [
            Text(N_("Blatt „%(sheet)s“: %(note)s"), {"sheet": s.sheet, "note": s.note_text})
            for s in report.sheets
        ]
        raise InvalidFile(
            Text(
                N_("Nichts zu importieren in %(file)s. %(notes)s."),
                {"file": filename, "notes": notes},
            )
        )
    order = {s.key: k for k, s in enumerate(SHEETS)}
    plans.sort(key=lambda p: order[p.spec.key])
    work = _Importer(store, report)
    rows = {id(p): work._rows(p) for p in plans}
    node_rows = [r for p in plans if p.spec.label for r in rows[id(p)]]
    for r in node_rows:
        work.node_row(r)
    for r in node_rows:
        work.link_row(r)
    for p in plans:
        if p.spec.rel:
            for r in rows[id(p)]:
                work.tie_row(r)
    work.flag_duplicates(node_rows)
    position = {t.name: k for k, t in enumerate(tables)}
    report.rows.sort(key=lambda r: (position[r.sheet], r.row))
    if dry_run or report.rejected or not (work.nodes or work.ties):
        return report
    with store.transaction() as tx:
        report.written = store.bulk_upsert(
            list(work.nodes.values()), list(work.ties.values()), actor=actor, progress=progress
        )
        dump.record_history(
            store,
            tx,
            [
                ("import", kind, entity_id, before, after)
                for kind, entity_id, before, after in work.history
            ],
            username=actor,
        )
    report.applied = True
    return report


def detect_mapping(
    data: bytes, filename: str, mapping: Mapping[str, Any] | None = None
) -> list[SheetMapping]:
    """How each sheet of a file would be read (with ``mapping`` where given), without a store."""
    tables = read_tables(data, filename)
    given = _sheets_of(mapping, tables)
    return [_plan(t, given.get(t.name, {}))[1] for t in tables]


def parse_override(text: str) -> tuple[str | None, str, str | None]:
    """A ``--map`` option: ``[SHEET:]COLUMN=FIELD`` (FIELD empty or ``-``: leave it out).

    Examples:
        >>> parse_override("Träger=name")
        (None, 'Träger', 'name')
        >>> parse_override("Liste:Bemerkung=-")
        ('Liste', 'Bemerkung', None)
    """
    left, sep, right = text.rpartition("=")
    if not sep or not left.strip():
        raise InvalidValue(
            f'--map {text!r}: write COLUMN=FIELD (e.g. --map "Träger=name"), optionally '
            "SHEET:COLUMN=FIELD, and COLUMN=- to leave a column out."
        )
    sheet, colon, column = left.partition(":")
    field_name = right.strip()
    value = None if field_name in ("", "-") else field_name
    if colon and sheet.strip() and column.strip():
        return sheet.strip(), column.strip(), value
    return None, left.strip(), value


def override_mapping(
    sheets: list[SheetMapping],
    overrides: list[tuple[str | None, str, str | None]],
    entities: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """The whole mapping of ``sheets`` with some columns put on other fields.

    Args:
        sheets: the detected mapping (:func:`detect_mapping`).
        overrides: ``(sheet or None, column header, field or None)``; without a sheet, an
            override applies to every sheet that has the column. A sheet part that is no
            sheet's name is read as part of the header ("Tel.: privat").
        entities: sheet -> what it holds (a node label or tie type; None: leave it out).
    """
    by_name = {s.sheet: s for s in sheets}
    result: dict[str, Any] = {}
    for s in sheets:
        if s.entity:
            result[s.sheet] = {
                "entity": s.entity,
                "header_row": s.header_row,
                "columns": dict(s.columns),
            }
    for name, entity in (entities or {}).items():
        if name not in by_name:
            have = ", ".join(f"'{n}'" for n in by_name)
            raise InvalidValue(f"--sheet: the file has no sheet '{name}': use one of {have}.")
        if entity is None:
            result[name] = {"entity": None}
        elif result.get(name, {}).get("entity") != sheet_by_key_or_fail(entity, name):
            result[name] = {"entity": entity, "columns": {}}
    for sheet, column, value in overrides:
        if sheet is not None and sheet not in by_name:
            sheet, column = None, f"{sheet}:{column}"
        targets = [sheet] if sheet is not None else list(by_name)
        hit = [
            t
            for t in targets
            if column in by_name[t].columns or column in result.get(t, {}).get("columns", {})
        ]
        if not hit:
            where = f"sheet '{sheet}'" if sheet is not None else "any sheet"
            have = "; ".join(
                f"{s.sheet}: " + ", ".join(f"'{h}'" for h in s.columns)
                for s in sheets
                if s.columns and (sheet is None or s.sheet == sheet)
            )
            raise InvalidValue(
                f"--map: there is no column '{column}' in {where} of the file"
                + (f" (columns: {have})" if have else "")
                + ": write the header as it is in the file's header row."
            )
        for t in hit:
            if t not in result:
                tried = by_name[t].tried
                if tried is None:
                    raise InvalidValue(
                        f"--map: sheet '{t}' matches no known sheet, so its columns have no "
                        f'fields yet: say what it holds with --sheet "{t}=Organisation" '
                        "(or Person, Offer, COOPERATES_WITH, ...)."
                    )
                result[t] = {"entity": tried, "columns": {}}
            if result[t].get("entity") is None:
                continue
            result[t]["columns"][column] = value
    return {"sheets": result}


def sheet_by_key_or_fail(entity: str, sheet: str) -> str:
    """The key of the sheet spec ``entity`` names, or a message listing the choices."""
    try:
        return sheet_by_key(entity).key
    except KeyError:
        keys = ", ".join(s.key for s in SHEETS)
        raise InvalidValue(
            f"The sheet '{sheet}' cannot hold '{entity}': use one of {keys}."
        ) from None


def load_mapping(text: str) -> dict[str, Any]:
    """A mapping from JSON text: the mapping itself or a whole saved report holding one."""
    import json

    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidValue(f"The mapping is not valid JSON: {e.msg} (line {e.lineno}).") from e
    if isinstance(value, dict) and isinstance(value.get("mapping"), dict):
        value = value["mapping"]
    if not isinstance(value, dict):
        raise InvalidValue('The mapping must be a JSON object: {"sheets": {...}}.')
    return value


def report_lines(report: ImportReport, limit: int = 200) -> list[str]:
    """The report as lines of text: the mapping, then every row that is not unchanged."""
    lines = []
    for s in report.sheets:
        if s.entity is None:
            lines.append(f"Sheet '{s.sheet}': {s.note}")
            continue
        cols = ", ".join(f"{h} → {p or '(not imported)'}" for h, p in s.columns.items())
        lines.append(f"Sheet '{s.sheet}' → {s.entity} (header row {s.header_row}): {cols}")
    shown = 0
    hidden = 0
    for r in report.rows:
        if r.status == "unchanged" and not r.warnings:
            continue
        if shown >= limit:
            hidden += 1
            continue
        shown += 1
        head = f"{r.sheet} row {r.row}: {r.status}"
        if r.name:
            head += f" {r.name}"
        if r.id and r.status != "rejected":
            head += f" ({r.id})"
        lines.append(head)
        for p in r.problems:
            where = f"{p.column} ({p.cell})" if p.cell else (p.column or "row")
            lines.append(f"    ✗ {where}: {p.message}")
        for c in r.changes:
            lines.append(f"    {c['column']}: {c['old']!r} → {c['new']!r}")
        for p in r.warnings:
            lines.append(f"    ! {p.column or 'row'}: {p.message}")
    if hidden:
        lines.append(f"... and {hidden} more rows (write them all with --report FILE).")
    return lines
