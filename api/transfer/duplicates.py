"""Near-duplicate names, and merging two entries into one.

Two names are near-duplicates when they differ only in case, spacing, punctuation, a legal
form (``e.V.``, ``gGmbH``, ``gUG``, ...) or a small typo. The comparison strips legal forms
and everything but letters and digits, then scores with rapidfuzz's normalised Indel
similarity; names whose numbers differ ("Sprachkurs 1", "Sprachkurs 2") are never flagged.

A merge keeps one entry and moves every tie of the other to it (each tie keeps its id, so
its history goes on), fills the kept entry's empty properties from the other one, deletes
the other and records the merge in the history of both, all in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from api.transfer.columns import norm
from graph_schema.errors import InvalidValue
from graph_schema.model import Node, NodeLabel, Tie
from graph_schema.store import GraphStore

__all__ = [
    "DUPLICATE_LABELS",
    "THRESHOLD",
    "Candidate",
    "find_duplicates",
    "loose_key",
    "merge",
    "similar_pairs",
    "similar_to",
]

#: labels whose names should be unique (offer titles repeat across providers on purpose)
DUPLICATE_LABELS = (NodeLabel.ORGANISATION, NodeLabel.PERSON, NodeLabel.BODY, NodeLabel.AREA)
#: lowest similarity (0-100) that is flagged
THRESHOLD = 90.0
_CHUNK = 1000

_LEGAL_FORMS = re.compile(
    r"(?<![\w])(?:"
    r"e\.?\s?v\.?|g?gmbh|g?ug(?:\s?\(haftungsbeschränkt\))?|ggmbh|mbh|gbr|ag|kg|kdör|"
    r"gemeinnützige[rs]?|eingetragener\s+verein|stiftung\s+bürgerlichen\s+rechts"
    r")(?![\w])",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")


def loose_key(name: str) -> str:
    """A name without case, spacing, punctuation and legal form.

    Examples:
        >>> loose_key("Caritasverband  Beispielregion e.V.")
        'caritasverbandbeispielregion'
        >>> loose_key("Kulturbrücke gGmbH") == loose_key("kulturbrücke")
        True
    """
    return norm(_LEGAL_FORMS.sub(" ", name))


def _score(a: str, b: str) -> float:
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return 0.0
    return float(fuzz.ratio(a, b))


@dataclass(frozen=True)
class Candidate:
    """A pair of entries that may be the same: ids, names and similarity (0-100)."""

    label: str
    a_id: str
    a_name: str
    b_id: str
    b_name: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "a": {"id": self.a_id, "name": self.a_name},
            "b": {"id": self.b_id, "name": self.b_name},
            "score": round(self.score, 1),
        }


def _pairs(
    queries: Sequence[str], choices: Sequence[str], threshold: float
) -> Iterator[tuple[int, int, float]]:
    """(query index, choice index, score) of every pair at or above ``threshold``."""
    if not queries or not choices:
        return
    for start in range(0, len(queries), _CHUNK):
        chunk = queries[start : start + _CHUNK]
        # uint8 keeps the matrix small (chunk x choices bytes); hits are re-scored exactly.
        matrix = process.cdist(
            chunk,
            choices,
            scorer=fuzz.ratio,
            score_cutoff=max(threshold - 1, 0),
            dtype=np.uint8,
            workers=-1,
        )
        rows, cols = matrix.nonzero()
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            q, c = chunk[i], choices[j]
            if not q or not c:
                continue
            score = _score(q, c)
            if score >= threshold:
                yield start + i, j, score


def similar_to(
    name: str, others: Sequence[tuple[str, str]], threshold: float = THRESHOLD
) -> list[tuple[str, str, float]]:
    """The ``(id, name, score)`` of ``others`` (``(id, name)`` pairs) similar to ``name``."""
    keys = [loose_key(n) for _, n in others]
    hits = sorted(
        (
            (others[j][0], others[j][1], score)
            for _, j, score in _pairs([loose_key(name)], keys, threshold)
        ),
        key=lambda h: (-h[2], h[0]),
    )
    return hits


def similar_pairs(
    queries: Sequence[tuple[str, str]],
    choices: Sequence[tuple[str, str]],
    threshold: float = THRESHOLD,
) -> list[tuple[int, int, float]]:
    """(query index, choice index, score) for every near-duplicate pair, ids differing."""
    q_keys = [loose_key(n) for _, n in queries]
    c_keys = [loose_key(n) for _, n in choices]
    return [
        (i, j, score)
        for i, j, score in _pairs(q_keys, c_keys, threshold)
        if queries[i][0] != choices[j][0]
    ]


def find_duplicates(nodes: Iterable[Node], threshold: float = THRESHOLD) -> list[Candidate]:
    """Every pair of nodes of one label whose names are near-duplicates, best first."""
    by_label: dict[NodeLabel, list[Node]] = {}
    for n in nodes:
        if n.label in DUPLICATE_LABELS:
            by_label.setdefault(n.label, []).append(n)
    found: list[Candidate] = []
    for label, items in by_label.items():
        items.sort(key=lambda n: n.id)
        pairs = [(n.id, n.display_name) for n in items]
        for i, j, score in similar_pairs(pairs, pairs, threshold):
            if i < j:
                a, b = items[i], items[j]
                found.append(Candidate(label, a.id, a.display_name, b.id, b.display_name, score))
    return sorted(found, key=lambda c: (-c.score, c.label, c.a_id, c.b_id))


def _filled(keep: Node, drop: Node) -> dict[str, Any]:
    """Properties the kept node lacks and the dropped one has; lists are joined."""
    changes: dict[str, Any] = {}
    for prop in type(keep).model_fields:
        if prop == "id":
            continue
        mine, theirs = getattr(keep, prop), getattr(drop, prop)
        if isinstance(mine, list):
            joined = mine + [x for x in theirs if x not in mine]
            if joined != mine:
                changes[prop] = joined
        elif mine is None and theirs is not None:
            changes[prop] = theirs
    return changes


def merge(
    store: GraphStore, keep_id: str, drop_id: str, *, actor: str | None = None
) -> dict[str, Any]:
    """Merge ``drop_id`` into ``keep_id`` (same label) in one transaction.

    Every tie of the dropped entry is moved to the kept one with its id, dates and
    properties (a tie between the two becomes pointless and is removed, recorded as such);
    empty properties of the kept entry are filled from the dropped one; the dropped entry is
    deleted. The history records each step and a ``merge`` entry on both ids, so the history
    of both stays readable.

    Returns:
        ``{"kept": id, "merged": id, "moved_ties": n, "removed_ties": n, "filled": [props]}``.
    """
    if keep_id == drop_id:
        raise InvalidValue("Choose two different entries to merge.")
    label = store.label_of(keep_id)
    other = store.label_of(drop_id)
    if label != other:
        raise InvalidValue(
            f"Only entries of one kind can be merged: {keep_id!r} is a {label}, "
            f"{drop_id!r} a {other}."
        )
    moved = removed = 0
    with store.transaction() as tx:
        keep = store.get(label, keep_id)
        drop = store.get(label, drop_id)
        ties: Sequence[Tie] = store.list_ties(node_id=drop_id)
        for tie in ties:
            start = keep_id if tie.from_id == drop_id else tie.from_id
            end = keep_id if tie.to_id == drop_id else tie.to_id
            store.unlink(tie.id, actor=actor)
            if start == end:
                removed += 1
                continue
            props = tie.model_dump(exclude={"id", "from_id", "to_id", "since", "until"})
            store.link(
                tie.type,
                start,
                end,
                id=tie.id,
                since=tie.since,
                until=tie.until,
                actor=actor,
                **props,
            )
            moved += 1
        filled = _filled(keep, drop)
        if filled:
            store.update(label, keep_id, filled, actor=actor)
        before = {"kept": keep.model_dump(mode="json"), "merged": drop.model_dump(mode="json")}
        store.delete(label, drop_id, actor=actor)
        for entity_id in (keep_id, drop_id):
            store.audit.record(
                tx,
                username=actor,
                action="merge",
                entity_type=label,
                entity_id=entity_id,
                before=before,
                after={"kept": keep_id, "merged": drop_id, "moved_ties": moved},
            )
    return {
        "kept": keep_id,
        "merged": drop_id,
        "moved_ties": moved,
        "removed_ties": removed,
        "filled": sorted(filled),
    }
