"""Offer coverage: how many offers of each field of action reach each municipality."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from typing_extensions import TypedDict

from graph_schema.model import NodeLabel, RelType
from network.graphs import offer_graph

if TYPE_CHECKING:
    from graph_schema.snapshot import Snapshot

__all__ = ["CoverageTable", "coverage"]


class CoverageTable(TypedDict):
    """Offers per municipality and field (:func:`coverage`)."""

    #: (id, name, population), the largest first
    areas: list[tuple[str, str, int | None]]
    fields: list[str]
    #: (area, field) -> offers reaching it
    counts: dict[tuple[str, str], int]
    top: int


def _cells(areas: list[Any]) -> list[Any]:
    """The areas a coverage table has rows for: municipalities, else districts."""
    return [a for a in areas if getattr(a, "kind", None) == "municipality"] or [
        a for a in areas if getattr(a, "kind", None) == "district"
    ]


def _covering(snapshot: Snapshot, areas: list[Any], cell_ids: set[str]) -> dict[str, set[str]]:
    """Cell area -> the areas whose offers reach it: itself, every area it lies in, and
    the areas that lie in it (a district's offer covers its municipalities, a
    municipality's offer counts for the district row too)."""
    children: dict[str, set[str]] = defaultdict(set)
    for t in snapshot.ties_of(RelType.PART_OF):
        children[t.to_id].add(t.from_id)

    def below(area: str) -> set[str]:
        seen, todo = {area}, [area]
        while todo:
            for c in children.get(todo.pop(), ()):
                if c not in seen:
                    seen.add(c)
                    todo.append(c)
        return seen

    parents: dict[str, set[str]] = defaultdict(set)
    for a in areas:
        for inner in below(a.id) & cell_ids:
            parents[inner].add(a.id)
    for t in snapshot.ties_of(RelType.PART_OF):
        if t.to_id in cell_ids:
            parents[t.to_id].add(t.from_id)
    return parents


def _count(
    offers: Iterable[dict[str, Any]], parents: dict[str, set[str]]
) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for attrs in offers:
        offer_areas = set(attrs.get("areas", ()))
        for cell, covering in parents.items():
            if covering & offer_areas:
                for f in attrs.get("fields", ()):
                    counts[cell, f] += 1
    return dict(counts)


def coverage(snapshot: Snapshot) -> CoverageTable:
    """Offers per area × field on the snapshot's date; an offer available in an area also
    covers the areas inside it (as :func:`network.gaps.offer_gaps` counts them).

    Returns ``{"areas": [(id, name, population)], "fields": [id], "counts": {(area,
    field): n}, "top": max}`` with the municipalities (districts if there are none),
    largest first.

    Examples:
        >>> import datetime as dt
        >>> from graph_schema.model import (Area, AvailableIn, FieldOfAction, Offer,
        ...     PartOf, Addresses)
        >>> from graph_schema.snapshot import Snapshot
        >>> nodes = [Area(id="k", name="Kreis", kind="district"),
        ...     Area(id="a", name="Altdorf", kind="municipality", population=900),
        ...     Area(id="b", name="Bergen", kind="municipality", population=4000),
        ...     FieldOfAction(id="language", name_de="Sprache", name_en="Language"),
        ...     Offer(id="o", title="Sprachcafé")]
        >>> ties = [PartOf(id="p1", from_id="a", to_id="k"), PartOf(id="p2", from_id="b",
        ...     to_id="k"), AvailableIn(id="i", from_id="o", to_id="k"),
        ...     Addresses(id="s", from_id="o", to_id="language")]
        >>> c = coverage(Snapshot(dt.date(2025, 1, 1), nodes, ties))
        >>> [a[1] for a in c["areas"]], c["counts"], c["top"]
        (['Bergen', 'Altdorf'], {('a', 'language'): 1, ('b', 'language'): 1}, 1)
    """
    areas = snapshot.nodes_with(NodeLabel.AREA)
    cells = _cells(areas)
    parents = _covering(snapshot, areas, {a.id for a in cells})
    g = offer_graph(snapshot)
    offers = (attrs for _o, attrs in g.nodes(data=True) if attrs.get("bipartite") == 1)
    counts = _count(offers, {c.id: parents.get(c.id, set()) for c in cells})
    ordered = sorted(
        cells, key=lambda a: (-(getattr(a, "population", None) or -1), a.display_name.lower())
    )
    return {
        "areas": [(a.id, a.display_name, getattr(a, "population", None)) for a in ordered],
        "fields": sorted({n.id for n in snapshot.nodes_with(NodeLabel.FIELD)}),
        "counts": counts,
        "top": max(counts.values(), default=0),
    }
