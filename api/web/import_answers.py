"""The import page's answers to the dry run's questions, as a form.

The dry run asks (:class:`api.transfer.importer.ImportReport`): what an unknown value
stands for (``value_questions``), one value for a required field the sheet has no column
for (``default_questions``), and whether a date column writes day or month first
(``date_questions``). The form names its fields by position: ``v-<i>`` (a value),
``v-<i>-x`` (another target typed in), ``d-<i>`` (a default), ``dt-<i>`` (a date order);
sheet, column and value come from the keys kept with the upload
(:func:`api.services.transfer.preview.question_keys`), never from the browser.

:func:`read_answers` turns the form into the mapping's ``values``, ``defaults`` and
``dates`` per sheet; :func:`with_answers` puts them into a mapping.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process

from api.transfer.importer import ImportReport
from api.web.import_mapping import MappingChoiceError

__all__ = [
    "AnswerForm",
    "answer_form",
    "answers_of",
    "read_answers",
    "with_answers",
]

#: a kind with more targets than this gets the closest ones and a field to type another
MAX_OPTIONS = 300
#: how many of the closest targets such a kind offers
CLOSEST = 25
#: what a value's select sends: the suggestion, a new entry (named like the value, or
#: another name), leave out, the target typed in, a target
SUGGESTION, NEW, OUT, TYPED, TARGET, NAMED = "s", "n", "o", "x", "t:", "n:"
ORDERS = ("DMY", "MDY")
#: the sections of a sheet's mapping the form answers
SECTIONS = ("values", "defaults", "dates")

Answers = dict[str, dict[str, dict[str, Any]]]


@dataclass
class ValueRow:
    """One unknown value: its select (options as (value, label)) and what is selected."""

    index: int
    value: str
    rows: int
    first_rows: list[int]
    options: list[tuple[str, str]]
    selected: str
    #: a field to type another target in (a kind with many targets)
    typed: bool = False


@dataclass
class ValueTable:
    """The unknown values of one column."""

    sheet: str
    column: str
    kind: str
    rows: list[ValueRow] = field(default_factory=list)


@dataclass
class DefaultRow:
    index: int
    sheet: str
    field: str
    header: str
    rows: int
    options: list[tuple[str, str]]
    selected: str


@dataclass
class DateRow:
    index: int
    sheet: str
    column: str
    examples: list[str]
    rows: int
    selected: str


@dataclass
class AnswerForm:
    values: list[ValueTable] = field(default_factory=list)
    defaults: list[DefaultRow] = field(default_factory=list)
    dates: list[DateRow] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.values or self.defaults or self.dates)


def _given_of(q: Any) -> str | None:
    """A question's answer as the select's value (None: no answer)."""
    if q.choice is None:
        return None
    target = q.choice.as_mapping()
    if target is None:
        return OUT
    if isinstance(target, dict):
        name = str(target.get("new", ""))
        return NEW if name == q.value else NAMED + name
    return TARGET + str(target)


def _selected(q: Any, options: list[tuple[str, str]], _: Callable[[str], str]) -> str:
    """What the select shows chosen: the answer given, else the suggestion, else nothing.
    An answer given that is not among ``options`` is added to them."""
    given = _given_of(q) if q.decided == "given" else None
    if given is None:
        return SUGGESTION if q.suggestion is not None else ""
    if given.startswith(TARGET) and given not in dict(options):
        options.append((given, q.choice.name or given[len(TARGET) :]))
    elif given.startswith(NAMED):
        label = _("Neu anlegen als „%(name)s“") % {"name": given[len(NAMED) :]}
        options.append((given, label))
    return given


def _targets_for(value: str, targets: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], bool]:
    """The targets to offer for ``value``: all, or the closest ones and a typed field."""
    if len(targets) <= MAX_OPTIONS:
        return targets, False
    names = [n for _t, n in targets]
    closest = process.extract(value, names, limit=CLOSEST)
    return [targets[i] for _n, _s, i in closest], True


def _value_row(
    i: int,
    q: Any,
    targets: list[tuple[str, str]],
    _: Callable[[str], str],
) -> ValueRow:
    options: list[tuple[str, str]] = [("", _("– offen: die Zeilen werden abgelehnt –"))]
    # a vocabulary's words are German msgids; an entry's name is shown as it is
    word = _ if q.kind[:1].islower() else str
    s = q.suggestion
    if s is not None:
        if s.new:
            label = _("Vorschlag: neu anlegen als „%(name)s“") % {"name": s.name}
        elif not s.name:
            label = _("Vorschlag: auslassen")
        else:
            label = _("Vorschlag: %(name)s") % {"name": word(s.name)}
        options.append((SUGGESTION, label))
    offered, typed = _targets_for(q.value, targets)
    chosen: list[tuple[str, str]] = [(TARGET + t, word(n)) for t, n in offered]
    selected = _selected(q, chosen, _)
    options += chosen
    if q.can_create:
        options.append((NEW, _("Neu anlegen als „%(name)s“") % {"name": q.value}))
    if typed:
        options.append((TYPED, _("anderer Eintrag (Name oder ID unten eingeben)")))
    options.append((OUT, _("Auslassen")))
    return ValueRow(i, q.value, len(q.rows), q.rows[:5], options, selected, typed)


def answer_form(
    report: ImportReport,
    keys: Mapping[str, Any],
    targets: Callable[[str], list[tuple[str, str]]],
    _: Callable[[str], str],
) -> AnswerForm:
    """The form of the dry run ``report``'s questions, in the order of ``keys``.

    ``targets(kind)`` gives (target, name) of what a value of ``kind`` may be mapped to.
    """
    form = AnswerForm()
    tables: dict[tuple[str, str], ValueTable] = {}
    cache: dict[str, list[tuple[str, str]]] = {}
    for i, q in enumerate(report.value_questions):
        if q.kind not in cache:
            cache[q.kind] = targets(q.kind)
        table = tables.get((q.sheet, q.column))
        if table is None:
            table = tables[(q.sheet, q.column)] = ValueTable(q.sheet, q.column, q.kind)
            form.values.append(table)
        table.rows.append(_value_row(i, q, cache[q.kind], _))
    given = _given_defaults(report)
    for j, d in enumerate(keys.get("defaults") or []):
        options = [("", _("– bitte wählen –"))] + [(str(c), str(n)) for c, n in d["choices"]]
        selected = str(given.get((d["sheet"], d["field"]), ""))
        form.defaults.append(
            DefaultRow(j, d["sheet"], d["field"], d["header"], d["rows"], options, selected)
        )
    for k, dq in enumerate(report.date_questions):
        if not dq.choice and (dq.decided or not dq.rows):
            continue  # the column's own values decide it: nothing to ask
        form.dates.append(
            DateRow(k, dq.sheet, dq.column, list(dq.examples), dq.rows, dq.choice or "")
        )
    return form


def _given_defaults(report: ImportReport) -> dict[tuple[str, str], Any]:
    return {
        (sheet, f): v
        for sheet, m in (report.mapping.get("sheets") or {}).items()
        for f, v in (m.get("defaults") or {}).items()
    }


# --------------------------------------------------------------------------- reading


def _value_answer(
    form: Mapping[str, Any], i: int, key: Mapping[str, Any], _: Callable[[str], str]
) -> tuple[bool, Any]:
    """The answer of value ``i``: (answered, target as the mapping holds it)."""
    sent = str(form.get(f"v-{i}", ""))[:300]
    if sent == "":
        return False, None
    if sent == SUGGESTION and key.get("has_suggestion"):
        return True, key.get("suggestion")
    if sent == NEW and key.get("can_create"):
        return True, {"new": key["value"]}
    if sent == OUT:
        return True, None
    if sent == TYPED:
        typed = " ".join(str(form.get(f"v-{i}-x", "")).split())[:300]
        return (True, typed) if typed else (False, None)
    if sent.startswith(TARGET) and sent[len(TARGET) :].strip():
        return True, sent[len(TARGET) :].strip()
    if sent.startswith(NAMED) and key.get("can_create") and sent[len(NAMED) :].strip():
        return True, {"new": sent[len(NAMED) :].strip()}
    raise MappingChoiceError(
        _(
            "Unbekannte Auswahl für den Wert „%(value)s“ der Spalte „%(column)s“: bitte "
            "wählen Sie aus der Liste."
        )
        % {"value": key["value"], "column": key["column"]}
    )


def read_answers(
    form: Mapping[str, Any], keys: Mapping[str, Any], _: Callable[[str], str]
) -> Answers:
    """The form's answers per sheet: ``values``, ``defaults``, ``dates`` as the mapping
    holds them; a :class:`MappingChoiceError` for a choice the form did not offer."""
    out: Answers = {}
    for i, key in enumerate(keys.get("values") or []):
        answered, target = _value_answer(form, i, key, _)
        if answered:
            sheet = out.setdefault(key["sheet"], {})
            sheet.setdefault("values", {}).setdefault(key["column"], {})[key["value"]] = target
    for j, d in enumerate(keys.get("defaults") or []):
        sent = str(form.get(f"d-{j}", ""))
        if not sent:
            continue
        if sent not in {str(c) for c, _n in d["choices"]}:
            raise MappingChoiceError(
                _("Unbekannte Auswahl für „%(header)s“: bitte wählen Sie aus der Liste.")
                % {"header": d["header"]}
            )
        out.setdefault(d["sheet"], {}).setdefault("defaults", {})[d["field"]] = sent
    for k, dq in enumerate(keys.get("dates") or []):
        sent = str(form.get(f"dt-{k}", ""))
        if not sent:
            continue
        if sent not in ORDERS:
            raise MappingChoiceError(
                _(
                    "Unbekannte Auswahl für die Spalte „%(column)s“: bitte Tag/Monat oder "
                    "Monat/Tag wählen."
                )
                % {"column": dq["column"]}
            )
        out.setdefault(dq["sheet"], {}).setdefault("dates", {})[dq["column"]] = sent
    return out


def answers_of(mapping: Any) -> Answers:
    """The answers a mapping holds, in the form :func:`read_answers` gives them."""
    out: Answers = {}
    sheets = mapping.get("sheets") if isinstance(mapping, Mapping) else None
    for name, m in (sheets or {}).items():
        if not isinstance(m, Mapping):
            continue
        found = {s: dict(m[s]) for s in SECTIONS if isinstance(m.get(s), Mapping) and m[s]}
        if found:
            out[name] = found
    return out


def with_answers(
    mapping: Mapping[str, Any], answers: Answers, kept_sheets: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """``mapping`` (the columns chosen) with ``answers`` for each sheet still read as the
    entity the dry run read it as (a sheet given another entity starts afresh)."""
    result = copy.deepcopy(dict(mapping))
    entities = {str(s.get("sheet")): s.get("entity") for s in kept_sheets}
    for name, m in (result.get("sheets") or {}).items():
        for section in SECTIONS:
            m.pop(section, None)
        if m.get("entity") and m.get("entity") == entities.get(name):
            m.update(copy.deepcopy(answers.get(name, {})))
    return result
