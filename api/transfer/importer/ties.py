"""Tie rows: a relationship between two entries named by id or name, created or updated."""

from __future__ import annotations

import re

from pydantic import ValidationError

from api.i18n import N_, Text
from api.transfer.importer.reading import Row
from api.transfer.importer.report import Problem
from api.transfer.importer.validation import (
    Changes,
    changed_values,
    derived_id,
    explain,
    unedited,
)
from api.transfer.reader import cell_name
from api.transfer.values import CellError
from graph_schema.model import REL_SPECS, NodeLabel, RelType, Tie
from graph_schema.store import dump

__all__ = ["TieRows"]

#: tie types without a direction: A–B and B–A are one tie
_UNDIRECTED = frozenset({RelType.COOPERATES_WITH})
_UMBRELLA_WORDS = re.compile(
    r"verband|liga|arbeitsgemeinschaft|\bag\b|\blag\b|netzwerk|bündnis|dach|forum|bund\b",
    re.I,
)


def _is_umbrella(name: str) -> bool:
    """Whether a name sounds like an umbrella organisation.

    Examples:
        >>> _is_umbrella("Diakonisches Werk"), _is_umbrella("Paritätischer Wohlfahrtsverband")
        (False, True)
    """
    return bool(_UMBRELLA_WORDS.search(name))


class TieRows(Changes):
    """The rows of relationship sheets (COOPERATES_WITH, MEMBER_OF, ...)."""

    def _end(self, row: Row, end: str, labels: tuple[NodeLabel, ...]) -> str | None:
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
        if given:
            try:
                return self._resolve(text, labels)
            except CellError as e:
                outcome.reject(column, None, e.text)
                return None
        j = next(j for j, c in plan.columns.items() if c.prop == f"{end}_name")
        found = self._link_item(row, j, text, labels)
        if not found and outcome.status != "rejected":
            outcome.status = "skipped"
            outcome.warnings.append(
                Problem(
                    column,
                    cell_name(row.index, j),
                    Text(
                        N_("„%(name)s“ wird laut Zuordnung ausgelassen: die Zeile auch"),
                        {"name": text},
                    ),
                )
            )
        return found[0][0] if found else None

    def tie_row(self, row: Row) -> None:
        """The outcome of one tie row: its ends found, then created or updated."""
        plan, outcome = row.plan, row.outcome
        rel = plan.spec.rel
        assert rel is not None
        ends = self._ends(row, rel)
        if ends is None:
            return
        a, b = ends
        if row.relation == RelType.BELONGS_TO:
            rel, (a, b) = RelType.BELONGS_TO, self._umbrella(row, a, b)
        outcome.name = f"{self.index.nodes[a].display_name} → {self.index.nodes[b].display_name}"
        found = self._find_tie(row, rel, a, b)
        if found is None:
            return
        tie_id, existing = found
        if existing is not None:
            a, b = existing.from_id, existing.to_id
        first = self.claimed.get(tie_id)
        if first is not None and rel in _UNDIRECTED:
            outcome.status = "skipped"
            outcome.warnings.append(
                Problem(
                    None,
                    None,
                    Text(
                        N_(
                            "dieselbe Kooperation wie Zeile %(row)s im Blatt „%(sheet)s“ (eine "
                            "Kooperation hat keine Richtung): einmal übernommen"
                        ),
                        {"row": first.row, "sheet": first.sheet},
                    ),
                )
            )
            return
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
        model = dump.tie_model(rel)
        props = {
            k: v
            for k, v in row.values.items()
            if k not in ("id", "from_id", "from_name", "to_id", "to_name")
            and k in model.model_fields
        }
        base = existing.model_dump() if existing is not None else {}
        data = {**base, **unedited(base, props), "id": tie_id, "from_id": a, "to_id": b}
        if data.get("intensity") is None:
            data.pop("intensity", None)
        if rel == RelType.MEMBER_OF and data.get("role") is None:
            data.pop("role", None)
        try:
            tie = model.model_validate(data)
        except ValidationError as e:
            explain(e, plan, outcome, row.index)
            return
        self._record_tie(row, tie, existing)

    def _ends(self, row: Row, rel: RelType) -> tuple[str, str] | None:
        """The ids of the tie's two ends, if both are found and ``rel`` may join them."""
        spec = REL_SPECS[rel]
        a = self._end(row, "from", spec.from_labels)
        b = self._end(row, "to", spec.to_labels)
        if a is None or b is None or row.outcome.status == "rejected":
            return None
        label_a, label_b = self.index.nodes[a].label, self.index.nodes[b].label
        if (label_a, label_b) not in spec.endpoints:
            row.outcome.reject(
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
            return None
        return a, b

    def _find_tie(self, row: Row, rel: RelType, a: str, b: str) -> tuple[str, Tie | None] | None:
        """The row's tie id and the tie it names (None: new); None if the row is rejected."""
        given_id = row.values.get("id")
        if given_id:
            existing = self.index.ties.get(given_id)
            if existing is not None and (
                existing.type != rel or (existing.from_id, existing.to_id) != (a, b)
            ):
                row.outcome.reject(
                    row.plan.header_of("id"),
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
                return None
            return given_id, existing
        found = list(self.index.between.get((rel, a, b), []))
        kind = row.values.get("kind") if rel in _UNDIRECTED else None
        if rel in _UNDIRECTED:  # written either way; one tie per kind
            found += self.index.between.get((rel, b, a), [])
            if row.plan.has("kind") and kind is not None:
                same = [t for t in found if getattr(t, "kind", None) == kind]
                found = same or [t for t in found if getattr(t, "kind", None) is None]
        since = row.values.get("since")
        if len(found) > 1 and row.plan.has("since"):
            found = [t for t in found if t.since == since]
        if len(found) > 1:
            row.outcome.reject(
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
            return None
        if found:
            return found[0].id, found[0]
        if rel in _UNDIRECTED:
            first, second = sorted((a, b))
            return derived_id("tie", rel, first, second, since or "", kind or ""), None
        return derived_id("tie", rel, a, b, since or ""), None

    def _umbrella(self, row: Row, a: str, b: str) -> tuple[str, str]:
        """The member and the umbrella of a cooperation row whose kind is an umbrella tie:
        the end whose name says "Verband", "Liga", ... is the umbrella, else the second."""
        name_a, name_b = self.index.nodes[a].display_name, self.index.nodes[b].display_name
        member, umbrella = (b, a) if _is_umbrella(name_a) and not _is_umbrella(name_b) else (a, b)
        row.outcome.warnings.append(
            Problem(
                None,
                None,
                Text(
                    N_(
                        "als Zugehörigkeit übernommen, nicht als Kooperation: „%(member)s“ gehört "
                        "zu „%(umbrella)s“ (Dachverband)"
                    ),
                    {
                        "member": self.index.nodes[member].display_name,
                        "umbrella": self.index.nodes[umbrella].display_name,
                    },
                ),
            )
        )
        return member, umbrella

    def _record_tie(self, row: Row, tie: Tie, existing: Tie | None) -> None:
        """The row created ``tie`` or updated ``existing`` to it (or changed nothing)."""
        outcome = row.outcome
        if existing is None:
            outcome.status = "created"
            self._new_tie(tie)
            return
        rel = row.plan.spec.rel
        assert rel is not None
        before, after = existing.model_dump(mode="json"), tie.model_dump(mode="json")
        changes = changed_values(row.plan, before, after)
        outcome.changes = changes
        outcome.status = "updated" if changes else "unchanged"
        if changes:
            self.ties[tie.id] = tie
            self.index.add_tie(tie)
            self.history.append((rel, tie.id, {"type": rel, **before}, {"type": rel, **after}))
