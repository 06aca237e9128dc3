"""The import's report: each row's outcome, each sheet's mapping, the summary.

Every message is an :class:`api.i18n.Text`: German, translated where it is shown; the API
and the CLI give it in English.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from api.i18n import N_, NP_, Text
from graph_schema.model import NodeLabel

__all__ = [
    "STATUSES",
    "WORD",
    "DateQuestion",
    "ImportReport",
    "Problem",
    "RowOutcome",
    "SheetMapping",
    "report_lines",
]

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


def label_words(labels: tuple[NodeLabel, ...]) -> Text:
    """The words of ``labels`` joined with "or"."""
    text = WORD[labels[0]]
    for label in labels[1:]:
        text = Text(N_("%(a)s oder %(b)s"), {"a": text, "b": WORD[label]})
    return text


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
class DateQuestion:
    """How a date column writes dates like 10/12/2018: day or month first (see
    :mod:`.dates`); asked once per column, given in the mapping or decided by its values."""

    sheet: str
    column: str
    #: up to three of its cells that can be read both ways
    examples: list[str]
    #: how many of its cells can be read both ways
    rows: int
    #: the order the mapping gives ("DMY" or "MDY"), or None
    choice: str | None = None
    #: the order the column's own values show, when not given
    decided: str | None = None
    #: the cell that shows it (e.g. 31/12/2018)
    reason: str | None = None

    @property
    def text(self) -> Text:
        """The question, or what was chosen or decided, for the preview."""
        order = self.choice or self.decided
        if order is not None:
            form = Text(N_("Tag/Monat") if order == "DMY" else N_("Monat/Tag"))
            if self.choice:
                return Text(
                    N_("Spalte „%(column)s“: %(form)s (in der Zuordnung angegeben)"),
                    {"column": self.column, "form": form},
                )
            return Text(
                N_("Spalte „%(column)s“: %(form)s (aus %(reason)s erkannt)"),
                {"column": self.column, "form": form, "reason": self.reason},
            )
        return Text(
            N_(
                "Spalte „%(column)s“: Daten wie „%(example)s“ können Tag/Monat oder Monat/Tag "
                "sein (Zeilen: %(rows)s): bitte in der Zuordnung angeben, welche Reihenfolge "
                'die Spalte schreibt (Befehlszeile: --date-order "%(column)s=TMJ" oder '
                '"%(column)s=MTJ")'
            ),
            {
                "column": self.column,
                "example": self.examples[0] if self.examples else "",
                "rows": self.rows,
            },
        )

    def as_dict(self) -> dict[str, Any]:
        """As the API gives it (the message in English)."""
        return {
            "sheet": self.sheet,
            "column": self.column,
            "examples": list(self.examples),
            "rows": self.rows,
            "choice": self.choice,
            "decided": self.decided,
            "reason": self.reason,
            "message": str(self.text),
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
    #: how the date columns write dates like 10/12/2018 (asked, given or decided)
    date_questions: list[DateQuestion] = field(default_factory=list)
    #: each distinct value that matches nothing known, per sheet and column, with its
    #: suggestion and answer (:class:`~api.transfer.importer.choices.ValueQuestion`)
    value_questions: list[Any] = field(default_factory=list)
    #: fields the rows need but the sheet has no column for: one value for all rows
    default_questions: list[dict[str, Any]] = field(default_factory=list)
    #: the mapping's answers used, per sheet: ``values`` and ``defaults``
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: only the valid rows were to be imported; the others are left out
    skip_invalid: bool = False
    #: the rows left out (rejected) when only the valid rows are imported
    left_out: list[RowOutcome] = field(default_factory=list)
    #: where the mapping came from when it was not given: a saved mapping (its file, day)
    mapping_source: dict[str, Any] | None = None

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
                    **self.answers.get(s.sheet, {}),
                }
                dates = {
                    q.column: q.choice
                    for q in self.date_questions
                    if q.sheet == s.sheet and q.choice
                }
                if dates:
                    sheets[s.sheet]["dates"] = dates
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
        if self.left_out and (self.applied or self.dry_run):
            return Text(
                N_(
                    "%(what)s: %(counts)s – die %(n)s abgelehnten Zeilen sind ausgelassen; bitte "
                    "sie in der Datei der ausgelassenen Zeilen korrigieren und diese importieren."
                ),
                {"what": what, "counts": counts, "n": len(self.left_out)},
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
            "date_questions": [q.as_dict() for q in self.date_questions],
            "values": [q.as_dict() for q in self.value_questions],
            "default_questions": self.default_questions,
            "skip_invalid": self.skip_invalid,
            "left_out": [r.row for r in self.left_out],
            "left_out_rows": [{"sheet": r.sheet, "row": r.row} for r in self.left_out],
            "mapping_source": self.mapping_source,
        }


def report_lines(report: ImportReport, limit: int = 200) -> list[str]:
    """The report as lines of text: the mapping, then every row that is not unchanged."""
    lines = []
    for s in report.sheets:
        if s.entity is None:
            lines.append(f"Sheet '{s.sheet}': {s.note}")
            continue
        cols = ", ".join(f"{h} → {p or '(not imported)'}" for h, p in s.columns.items())
        lines.append(f"Sheet '{s.sheet}' → {s.entity} (header row {s.header_row}): {cols}")
    lines += [f"Sheet '{q.sheet}', dates: {q.text}" for q in report.date_questions]
    lines += _question_lines(report)
    told = [r for r in report.rows if r.status != "unchanged" or r.warnings]
    for r in told[:limit]:
        lines += _row_lines(r)
    if len(told) > limit:
        lines.append(f"... and {len(told) - limit} more rows (write them all with --report FILE).")
    return lines


def _row_lines(r: RowOutcome) -> list[str]:
    """One row's outcome: a head line, then its problems, changes and warnings."""
    head = f"{r.sheet} row {r.row}: {r.status}"
    if r.name:
        head += f" {r.name}"
    if r.id and r.status != "rejected":
        head += f" ({r.id})"
    lines = [head]
    for p in r.problems:
        where = f"{p.column} ({p.cell})" if p.cell else (p.column or "row")
        lines.append(f"    ✗ {where}: {p.message}")
    for c in r.changes:
        lines.append(f"    {c['column']}: {c['old']!r} → {c['new']!r}")
    for p in r.warnings:
        lines.append(f"    ! {p.column or 'row'}: {p.message}")
    return lines


def _question_lines(report: ImportReport) -> list[str]:
    """The value mapping's questions: one line per distinct unknown value."""
    lines = []
    for q in report.value_questions:
        head = f"Sheet '{q.sheet}', {q.column} '{q.value}' ({len(q.rows)} rows)"
        if q.choice is not None:
            target = "left out" if q.choice.as_mapping() is None else q.choice.name
            how = "given" if q.decided == "given" else "suggestion accepted"
            lines.append(f"{head}: → {target} ({how})")
            continue
        hint = (
            f"suggestion: {q.suggestion.name or 'leave out'}; "
            if q.suggestion is not None
            else "no suggestion; "
        )
        lines.append(
            f'{head}: unknown – {hint}answer with --map-value "{q.column}:{q.value}=TARGET"'
            + (
                " (or =+ to create it, =- to leave it out)"
                if q.can_create
                else " (=- leaves it out)"
            )
        )
    for d in report.default_questions:
        lines.append(
            f"Sheet '{d['sheet']}': no column for {d['field']} ({d['rows']} rows): give one value "
            f'for all rows with --default "{d["sheet"]}:{d["field"]}=VALUE"'
        )
    if report.left_out:
        lines.append(f"{len(report.left_out)} rejected rows left out (--skip-invalid).")
    return lines
