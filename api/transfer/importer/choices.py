"""Values that must match something: each distinct unknown value asked once, with a suggestion.

A column whose values must name a vocabulary term (kinds, roles, cooperation kinds) or an
entry (areas, fields of action, target groups, organisations) may hold words the store
does not know ("Teilhabe", "landesweit", "Mitgliedschaft/Dachverband"). Each such value
becomes one :class:`ValueQuestion` per sheet and column, with the rows it is in and a
:class:`Target` suggested from the synonym list (:mod:`api.transfer.synonyms`) or the
closest name. The sheet's mapping answers it (``values``: column -> value -> target):

- a code or entry id or name: use that target;
- ``null``: leave the value out (the rest of the row is imported);
- ``{"new": "Name"}``: create an entry of that name (areas, fields, target groups).

Unanswered, the rows holding the value are rejected, unless the import accepts the
suggestions (``accept_suggestions``). An answer is reported back in the mapping, so that a
saved report (or a saved mapping) imports the next file the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from rapidfuzz import fuzz, process

from api.i18n import N_, Text
from api.transfer.importer.mapping import Plan
from api.transfer.reader import InvalidFile
from api.transfer.synonyms import LEAVE_OUT, STATE, synonym
from api.transfer.values import name_key

__all__ = [
    "LEFT_OUT",
    "Choice",
    "Target",
    "ValueBook",
    "ValueQuestion",
    "looks_like_fact",
    "split_items",
    "strip_note",
]


@dataclass(frozen=True)
class Target:
    """What a value stands for: a code or entry id (``target``), or a new entry (``new``)."""

    target: str | None
    name: str
    #: where the suggestion comes from: "synonym", "similar", "state", "fact", "given"
    why: str = ""
    new: bool = False

    @classmethod
    def created(cls, name: str, why: str = "") -> Target:
        return cls(None, name, why, new=True)

    def as_mapping(self) -> Any:
        """As the mapping's ``values`` hold it."""
        return {"new": self.name} if self.new else self.target

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target, "name": self.name, "why": self.why, "new": self.new}


class _LeftOut:
    """The value is left out."""

    def __repr__(self) -> str:
        return "LEFT_OUT"

    def as_mapping(self) -> None:
        return None


LEFT_OUT = _LeftOut()
#: an answer: a target, or left out
Choice = Target | _LeftOut


@dataclass
class ValueQuestion:
    """One distinct value of a column that matches nothing known, and its answer."""

    sheet: str
    column: str
    value: str
    #: what it must match: a node label ("Area", "Field", ...) or a vocabulary name
    kind: str
    rows: list[int] = field(default_factory=list)
    suggestion: Target | None = None
    #: the answer used: given in the mapping, or the suggestion accepted; None: open
    choice: Choice | None = None
    #: "given" (the mapping's), "suggestion" (accepted) or None (open)
    decided: Literal["given", "suggestion"] | None = None
    can_create: bool = False

    @property
    def text(self) -> Text:
        """The question for the preview's summary."""
        return Text(
            N_("%(column)s „%(value)s“ unbekannt: %(rows)s Zeilen"),
            {"column": self.column, "value": self.value, "rows": len(self.rows)},
        )

    def as_dict(self) -> dict[str, Any]:
        choice = self.choice
        return {
            "sheet": self.sheet,
            "column": self.column,
            "value": self.value,
            "kind": self.kind,
            "rows": len(self.rows),
            "row_numbers": self.rows[:50],
            "suggestion": self.suggestion.as_dict() if self.suggestion else None,
            "choice": (
                None
                if choice is None
                else {"left_out": True}
                if choice is LEFT_OUT
                else choice.as_dict()  # type: ignore[union-attr]
            ),
            "decided": self.decided,
            "can_create": self.can_create,
        }


#: labels an import may create an entry of from a value
CREATABLE = frozenset({"Area", "Field", "TargetGroup"})

_NOTE = re.compile(r"^(?P<name>.*?\S)\s*\((?P<note>[^()]*)\)\s*$", re.S)


def strip_note(text: str) -> tuple[str, str | None]:
    """A value and the note in brackets at its end, if any.

    Examples:
        >>> strip_note("Püttlingen (Einsatzort Köllerbach)")
        ('Püttlingen', 'Einsatzort Köllerbach')
        >>> strip_note("Saarbrücken")
        ('Saarbrücken', None)
        >>> strip_note("bundesweit (Dachverband) (Einsatzort Köllerbach)")
        ('bundesweit', 'Dachverband; Einsatzort Köllerbach')
    """
    name, notes = text.strip(), list[str]()
    while (m := _NOTE.match(name)) and m.group("note").strip():
        name = m.group("name").strip()
        notes.insert(0, m.group("note").strip())
    return name, "; ".join(notes) or None


def split_items(text: str, separators: str = ";|\n") -> list[str]:
    """The items of a cell, split at ``separators`` outside brackets (and quotes).

    Examples:
        >>> split_items("Saarbrücken (Sitz; Kommunalverband); Völklingen")
        ['Saarbrücken (Sitz; Kommunalverband)', 'Völklingen']
    """
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}" and depth:
            depth -= 1
        if ch in separators and depth == 0:
            items.append("".join(current))
            current = []
            continue
        current.append(ch)
    items.append("".join(current))
    out: list[str] = []
    for item in items:
        item = " ".join(item.split())
        if item and item not in out:
            out.append(item)
    return out


_FACT = re.compile(
    r"^(gegr(\.|ündet)|gründung|seit|mitglied|e\.\s?v\.|tel\.?|fax|www\.|https?://)"
    r"|\b(1[89]|20)\d\d\b|@",
    re.I,
)


def looks_like_fact(item: str) -> bool:
    """Whether an item of an offers list looks like a fact rather than an offer.

    Examples:
        >>> looks_like_fact("gegr. 1998"), looks_like_fact("Sprachkurs für Frauen")
        (True, False)
    """
    return bool(_FACT.search(item))


def _answer(sheet: str, column: str, value: str, given: Any) -> Choice:
    """A mapping's answer for ``value`` as a :data:`Choice`; a message if malformed."""
    if given is None:
        return LEFT_OUT
    if isinstance(given, str) and given.strip():
        return Target(given.strip(), given.strip(), "given")
    if isinstance(given, Mapping) and set(given) == {"new"} and isinstance(given["new"], str):
        name = given["new"].strip()
        if name:
            return Target.created(name, "given")
    raise InvalidFile(
        Text(
            N_(
                "Die Zuordnung gibt dem Wert „%(value)s“ der Spalte „%(column)s“ (Blatt "
                "„%(sheet)s“) das Ziel %(given)s: bitte einen Code, eine ID oder einen Namen "
                'angeben, null zum Auslassen oder {"new": "Name"} für einen neuen Eintrag.'
            ),
            {"value": value, "column": column, "sheet": sheet, "given": repr(given)},
        )
    )


def _given_values(plan: Plan) -> dict[str, dict[str, Choice]]:
    """The sheet mapping's ``values``: column -> value key -> answer, checked."""
    values = plan.given.get("values") or {}
    if not isinstance(values, Mapping) or not all(isinstance(v, Mapping) for v in values.values()):
        raise InvalidFile(
            Text(
                N_(
                    "Die Werte der Zuordnung des Blatts „%(sheet)s“ müssen die Form "
                    '{"<Spalte>": {"<Wert>": "<Ziel>"}} haben.'
                ),
                {"sheet": plan.table.name},
            )
        )
    return {
        column: {
            name_key(str(value)): _answer(plan.table.name, column, str(value), target)
            for value, target in answers.items()
        }
        for column, answers in values.items()
    }


#: candidates of a kind: (target, name) pairs to suggest from
Candidates = Callable[[str], list[tuple[str, str]]]


class ValueBook:
    """The questions of one import and the answers to them."""

    def __init__(
        self,
        candidates: Candidates,
        *,
        accept_suggestions: bool = False,
        state: Callable[[], Target | None] = lambda: None,
    ) -> None:
        self.candidates = candidates
        self.state = state
        self.accept = accept_suggestions
        self.questions: dict[tuple[str, str, str], ValueQuestion] = {}
        self._given: dict[int, dict[str, dict[str, Choice]]] = {}
        self._names: dict[str, tuple[list[str], list[str]]] = {}

    def given(self, plan: Plan, column: str, value: str) -> Choice | None:
        """The mapping's answer for ``value`` in ``column``, if it gives one."""
        if id(plan) not in self._given:
            self._given[id(plan)] = _given_values(plan)
        return self._given[id(plan)].get(column, {}).get(name_key(value))

    def decide(self, plan: Plan, column: str, value: str, kind: str, row: int) -> Choice | None:
        """The answer for an unknown ``value`` in ``column`` of row ``row`` (from 1): the
        mapping's, else the suggestion when suggestions are accepted; None when open. The
        question is recorded either way."""
        key = (plan.table.name, column, name_key(value))
        q = self.questions.get(key)
        if q is None:
            q = ValueQuestion(plan.table.name, column, value, kind, can_create=kind in CREATABLE)
            q.suggestion = self.suggest(kind, value)
            given = self.given(plan, column, value)
            if given is not None:
                q.choice, q.decided = given, "given"
            elif self.accept and q.suggestion is not None:
                q.choice = LEFT_OUT if q.suggestion.target == LEAVE_OUT else q.suggestion
                q.decided = "suggestion"
            self.questions[key] = q
        if row not in q.rows:
            q.rows.append(row)
        return q.choice

    def suggest(self, kind: str, value: str) -> Target | None:
        """A target for ``value``: from the synonym list, else the closest name."""
        if kind == "offer_item":
            return Target(LEAVE_OUT, "", "fact") if looks_like_fact(value) else None
        names, targets = self._candidates(kind)
        word = synonym(kind, value)
        if word == LEAVE_OUT:
            return Target(LEAVE_OUT, "", "synonym")
        if word == STATE:
            return self.state()
        if word is not None:
            for target, name in zip(targets, names, strict=True):
                if target == word:
                    return Target(target, name, "synonym")
        if not names:
            return None
        # vocabularies are short lists of distinct words: a looser match helps there
        cutoff = 86 if kind[:1].isupper() else 75
        best = process.extractOne(value, names, scorer=fuzz.WRatio, score_cutoff=cutoff)
        if best is None:
            return None
        return Target(targets[best[2]], best[0], "similar")

    def _candidates(self, kind: str) -> tuple[list[str], list[str]]:
        if kind not in self._names:
            pairs = self.candidates(kind)
            self._names[kind] = ([n for _, n in pairs], [t for t, _ in pairs])
        return self._names[kind]

    def forget(self, kind: str) -> None:
        """Candidates of ``kind`` changed (an entry was created): look them up again."""
        self._names.pop(kind, None)

    def answered(self) -> dict[str, dict[str, dict[str, Any]]]:
        """The answers used, as the mapping's ``values`` per sheet."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for q in self.questions.values():
            if q.choice is not None:
                target = q.choice.as_mapping()
                out.setdefault(q.sheet, {}).setdefault(q.column, {})[q.value] = target
        return out

    def open(self) -> list[ValueQuestion]:
        return [q for q in self.questions.values() if q.choice is None]
