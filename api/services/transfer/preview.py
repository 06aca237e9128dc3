"""The import's report made readable: problems grouped, rows capped, the full report as CSV.

A dry run of 10,000 rows may carry a problem in nearly every row; listed row by row, that is
a page nobody reads. :func:`problem_groups` folds the messages into one line per kind of
problem: the same sheet, column and message (with its value, so that every unknown value
is a line of its own), with the number of rows and the first of them. A message whose text
differs only by something of its row (another row's number, a similarity score) groups by
its msgid; so does one that has more than :data:`MAX_VARIANTS` texts in a column (10,000
dates that are not dates are one line, not 10,000).

:func:`listed_rows` gives, per sheet, the rows worth showing one by one (never the
unchanged ones) up to a limit; :func:`report_csv` the whole report as a file. All three
are pure, for the page and the CLI alike.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from api.i18n import N_, Text
from api.transfer.exporter import FORMULA_START
from api.transfer.importer.report import ImportReport, Problem, RowOutcome
from api.transfer.synonyms import LEAVE_OUT

__all__ = [
    "EXAMPLE_ROWS",
    "MAX_VARIANTS",
    "ROW_LIMIT",
    "ProblemGroup",
    "SheetRows",
    "group_line",
    "listed_rows",
    "problem_groups",
    "question_keys",
    "question_line",
    "report_csv",
]

#: more distinct texts of one message in one column than this: one group for all of them
MAX_VARIANTS = 20
#: the row numbers a group names before "…"
EXAMPLE_ROWS = 5
#: the rows listed one by one per sheet
ROW_LIMIT = 200
#: message parameters that belong to the row, not to the problem (another row's number,
#: the id and score of a similar entry): left out of the group key
ROW_PARAMS = frozenset({"row", "rows", "id", "ids", "score"})

Severity = Literal["problem", "warning"]


@dataclass
class ProblemGroup:
    """Rows with the same problem: where, what, how often.

    Attributes:
        sheet: the sheet.
        column: the file's column header (None: the row as a whole).
        severity: "problem" (the row is rejected) or "warning".
        text: the message (of the group's first row).
        rows: the row numbers, in file order, each once.
        variants: how many different texts the group folds (1: all rows say ``text``).
        cells: the cells of the first rows (e.g. "C7"), for a hint where to look.
    """

    sheet: str
    column: str | None
    severity: Severity
    text: Text
    rows: list[int] = field(default_factory=list)
    variants: int = 1
    cells: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)

    def example_rows(self, n: int = EXAMPLE_ROWS) -> list[int]:
        return self.rows[:n]

    @property
    def more_rows(self) -> bool:
        """More rows than :meth:`example_rows` names."""
        return len(self.rows) > EXAMPLE_ROWS


def _frozen(value: Any) -> Hashable:
    """A parameter as something to compare and hash."""
    if isinstance(value, Text):
        return (value.msgid, value.context, _frozen_params(value.params))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return str(value)


def _frozen_params(params: Mapping[str, Any], skip: frozenset[str] = frozenset()) -> Hashable:
    return tuple(sorted((k, _frozen(v)) for k, v in params.items() if k not in skip))


def _messages(rows: Iterable[RowOutcome]) -> Iterable[tuple[RowOutcome, Severity, Problem]]:
    for r in rows:
        for p in r.problems:
            yield r, "problem", p
        for p in r.warnings:
            yield r, "warning", p


def problem_groups(report: ImportReport, max_variants: int = MAX_VARIANTS) -> list[ProblemGroup]:
    """The report's problems and warnings grouped; problems first, larger groups first.

    Key: (sheet, column, severity, msgid, the parameters that are not the row's); a msgid
    with more than ``max_variants`` keys in one column is one group.
    """
    exact: dict[Hashable, ProblemGroup] = {}
    kinds: dict[Hashable, list[Hashable]] = {}
    for r, severity, p in _messages(report.rows):
        kind = (r.sheet, p.column, severity, p.text.msgid, p.text.context)
        key = (*kind, _frozen_params(p.text.params, ROW_PARAMS))
        group = exact.get(key)
        if group is None:
            group = exact[key] = ProblemGroup(r.sheet, p.column, severity, p.text)
            kinds.setdefault(kind, []).append(key)
        _add(group, r.row, p.cell)
    groups: list[ProblemGroup] = []
    for keys in kinds.values():
        if len(keys) <= max_variants:
            groups += [exact[k] for k in keys]
        else:
            groups.append(_merged([exact[k] for k in keys]))
    order = {"problem": 0, "warning": 1}
    groups.sort(key=lambda g: (order[g.severity], -g.count))
    return groups


def _add(group: ProblemGroup, row: int, cell: str | None) -> None:
    if not group.rows or group.rows[-1] != row:
        group.rows.append(row)
    if cell and len(group.cells) < EXAMPLE_ROWS and cell not in group.cells:
        group.cells.append(cell)


def _merged(parts: list[ProblemGroup]) -> ProblemGroup:
    first = parts[0]
    rows = sorted({row for g in parts for row in g.rows})
    cells = [c for g in parts for c in g.cells][:EXAMPLE_ROWS]
    return ProblemGroup(
        first.sheet, first.column, first.severity, first.text, rows, len(parts), cells
    )


def group_line(group: ProblemGroup) -> Text:
    """The group as one line: where, the message, how many rows and the first of them."""
    examples = ", ".join(str(n) for n in group.example_rows())
    if group.more_rows:
        examples += ", …"
    if group.variants > 1:
        what = Text(
            N_("%(n)s verschiedene Meldungen dieser Art, z. B. %(text)s"),
            {"n": group.variants, "text": group.text},
        )
    else:
        what = group.text
    if group.count == 1:
        rows = Text(N_("1 Zeile (%(rows)s)"), {"rows": examples})
    else:
        rows = Text(N_("%(n)s Zeilen (%(rows)s)"), {"n": group.count, "rows": examples})
    if group.column:
        return Text(
            N_("Blatt „%(sheet)s“, Spalte „%(column)s“: %(what)s – %(rows)s"),
            {"sheet": group.sheet, "column": group.column, "what": what, "rows": rows},
        )
    return Text(
        N_("Blatt „%(sheet)s“: %(what)s – %(rows)s"),
        {"sheet": group.sheet, "what": what, "rows": rows},
    )


def question_line(group: ProblemGroup, question: Any) -> Text:
    """A group whose rows a value question asks about, as the question says it: "Blatt
    „Orgs“: Handlungsfeld „Teilhabe“ unbekannt: 32 Zeilen (3, 5, 9, …)"."""
    examples = ", ".join(str(n) for n in question.rows[:EXAMPLE_ROWS])
    if len(question.rows) > EXAMPLE_ROWS:
        examples += ", …"
    return Text(
        N_("Blatt „%(sheet)s“: %(question)s (%(rows)s)"),
        {"sheet": group.sheet, "question": question.text, "rows": examples},
    )


def _listed(r: RowOutcome) -> bool:
    """Worth showing one by one: not unchanged, or with something to say."""
    return r.status != "unchanged" or bool(r.problems or r.warnings)


@dataclass
class SheetRows:
    """The rows of one sheet to list: the first ``limit`` of those worth showing."""

    sheet: str
    rows: list[RowOutcome]
    #: rows worth showing in all (more than ``rows`` when capped)
    total: int
    #: unchanged rows without a message, not listed
    unchanged: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def listed_rows(report: ImportReport, limit: int = ROW_LIMIT) -> list[SheetRows]:
    """Per sheet (in the report's order), the rows to list one by one, at most ``limit``."""
    out: dict[str, SheetRows] = {}
    for r in report.rows:
        sheet = out.get(r.sheet)
        if sheet is None:
            sheet = out[r.sheet] = SheetRows(r.sheet, [], 0, 0)
        if not _listed(r):
            sheet.unchanged += 1
            continue
        sheet.total += 1
        if len(sheet.rows) < limit:
            sheet.rows.append(r)
    return list(out.values())


#: the report file's columns (translated when written)
_CSV_COLUMNS = [
    N_("Blatt"),
    N_("Zeile"),
    N_("Eintrag"),
    N_("Ergebnis"),
    N_("Art"),
    N_("Spalte"),
    N_("Zelle"),
    N_("Meldung"),
]
_STATUS = {
    "created": N_("angelegt"),
    "updated": N_("geändert"),
    "unchanged": N_("unverändert"),
    "rejected": N_("abgelehnt"),
    "skipped": N_("übersprungen"),
}
_KIND = {"problem": N_("Fehler"), "warning": N_("Hinweis"), "change": N_("Änderung")}


def _none(value: Any) -> str:
    return "–" if value is None else str(value)


def _csv_lines(r: RowOutcome, _: Callable[[str], str]) -> Iterable[list[str]]:
    """One line per message and change of a row; one line for a row with neither."""
    head = [r.sheet, str(r.row), r.name or r.id or "", _(_STATUS.get(r.status, r.status))]
    said = False
    for severity, p in [("problem", p) for p in r.problems] + [("warning", p) for p in r.warnings]:
        said = True
        yield [*head, _(_KIND[severity]), p.column or "", p.cell or "", p.text.render(_)]
    for ch in r.changes:
        said = True
        column = str(ch.get("column") or ch.get("property") or "")
        change = f"{_none(ch.get('old'))} → {_none(ch.get('new'))}"
        yield [*head, _(_KIND["change"]), column, "", change]
    if not said:
        yield [*head, "", "", "", ""]


def _cell(text: str) -> str:
    """A cell a spreadsheet program shows as text, not as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def report_csv(report: ImportReport, _: Callable[[str], str], *, unchanged: bool = False) -> bytes:
    """The report as a CSV file (UTF-8 with BOM, ``;``, for spreadsheet programs): one line
    per message or change, in the language of ``_``; unchanged rows only if asked."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_(c) for c in _CSV_COLUMNS])
    for r in report.rows:
        if unchanged or _listed(r):
            writer.writerows([[_cell(c) for c in line] for line in _csv_lines(r, _)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------- the questions


def _suggested(q: Any) -> tuple[bool, Any]:
    """Whether a value question has a suggestion, and the suggestion as the mapping's
    ``values`` hold it (None: leave the value out)."""
    s = getattr(q, "suggestion", None)
    if s is None:
        return False, None
    if s.target == LEAVE_OUT:
        return True, None
    return True, s.as_mapping()


def question_keys(report: ImportReport, before: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What the page's answer form asks, by position, to keep with the upload: the form
    names its fields by position (``v-3``) and the server reads sheet, column and value
    from here, never from the browser.

    A default question answered (so that the dry run no longer asks it) stays on the list
    from ``before`` (the keys of the dry run before), so that the answer can be changed.
    """
    values = []
    for q in report.value_questions:
        has, suggestion = _suggested(q)
        values.append(
            {
                "sheet": q.sheet,
                "column": q.column,
                "value": q.value,
                "kind": q.kind,
                "can_create": bool(q.can_create),
                "has_suggestion": has,
                "suggestion": suggestion,
            }
        )
    defaults = [dict(d) for d in report.default_questions]
    asked = {(d["sheet"], d["field"]) for d in defaults}
    given = {
        (sheet, field)
        for sheet, m in (report.mapping.get("sheets") or {}).items()
        for field in (m.get("defaults") or {})
    }
    for d in (before or {}).get("defaults", []):
        key = (d.get("sheet"), d.get("field"))
        if key in given and key not in asked:
            defaults.append(dict(d))
            asked.add(key)
    dates = [{"sheet": q.sheet, "column": q.column} for q in report.date_questions]
    return {"values": values, "defaults": defaults, "dates": dates}
