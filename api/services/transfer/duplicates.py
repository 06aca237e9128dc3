"""Near-duplicate entries (names differing in case, spacing, legal form, a typo), merging."""

from __future__ import annotations

from typing import Any

from api.transfer import duplicates
from api.transfer.duplicates import Candidate
from graph_schema.model import NodeLabel
from graph_schema.store import GraphStore, dump

__all__ = ["THRESHOLD", "Candidate", "find_duplicates", "loose_key", "merge"]

THRESHOLD = duplicates.THRESHOLD
#: a name without case, spacing, punctuation and legal form (why two names are one)
loose_key = duplicates.loose_key


def find_duplicates(
    store: GraphStore, label: NodeLabel | None = None, threshold: float = THRESHOLD
) -> list[Candidate]:
    """Pairs of entries of ``label`` (default: every label that has them), best first."""
    labels = [label] if label else list(duplicates.DUPLICATE_LABELS)
    return duplicates.find_duplicates(dump.all_nodes(store, labels), threshold)


def merge(store: GraphStore, keep: str, drop: str, *, actor: str | None) -> dict[str, Any]:
    """Move every tie of ``drop`` to ``keep``, fill ``keep``'s empty values, delete ``drop``."""
    return duplicates.merge(store, keep, drop, actor=actor)
