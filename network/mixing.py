"""Who cooperates with whom: E-I index and mixing matrices by kind, area and field.

Krackhardt and Stern's E-I index is (E − I) / (E + I) over the ties: −1 when all ties stay
inside a group, +1 when all cross. Ties are counted once per tied pair, whatever their
intensity.

``kind`` has one value per organisation. ``areas`` and ``fields`` have several, so:

* overall, a tie is internal when the two organisations share **at least one** value;
* for a group x, a tie of a member is internal when the partner has x too, external when
  it does not;
* ties with an organisation without any value (no ACTIVE_IN / WORKS_ON tie) are left out
  everywhere, as unknown.

``expected_ei`` is the E-I index if each organisation's partners were drawn at random
from all other organisations with a value: a group of 10 % of the network is expected to
reach E-I ≈ 0.8 without any preference, so E-I = 0.3 would still mean strong in-group
preference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from typing import Any

import networkx as nx
from typing_extensions import TypedDict

from graph_schema.vocab import OrganisationKind
from network.results import Reason, result_type

__all__ = [
    "ATTRIBUTES",
    "EIGroup",
    "EIIndex",
    "MixingMatrix",
    "MsoCooperation",
    "ei_index",
    "mixing_matrix",
    "mso_cooperation",
]

#: the node attributes mixing is measured by: organisation kind, areas, fields of action
ATTRIBUTES = ("kind", "areas", "fields")

_KIND_ORDER = {k.value: i for i, k in enumerate(OrganisationKind)}


def _values(g: nx.Graph, attribute: str) -> tuple[dict[Hashable, frozenset[Any]], bool]:
    """node -> its set of values (empty when unknown); and whether the attribute is multi."""
    out = {}
    multi = False
    for v, x in g.nodes(data=attribute):
        if isinstance(x, list | tuple | set | frozenset):
            multi = True
            out[v] = frozenset(x)
        else:
            out[v] = frozenset() if x is None else frozenset([x])
    return out, multi


def _ordered(values: set[Any], attribute: str) -> list[Any]:
    if attribute == "kind":
        return sorted(values, key=lambda x: (_KIND_ORDER.get(x, len(_KIND_ORDER)), str(x)))
    return sorted(values, key=str)


def _ei(external: int, internal: int) -> float | None:
    total = external + internal
    return (external - internal) / total if total else None


@result_type
class EIGroup(TypedDict):
    """The E-I index of one value of the attribute (:func:`ei_index`)."""

    value: str
    organisations: int
    internal: int
    external: int
    ei: float | None
    expected_ei: float | None


@result_type
class EIIndex(TypedDict):
    """The E-I index of the cooperation ties, overall and per group (:func:`ei_index`)."""

    attribute: str
    multi_valued: bool
    internal: int
    external: int
    ei: float | None
    expected_ei: float | None
    groups: list[EIGroup]


def ei_index(g: nx.Graph, attribute: str = "kind") -> EIIndex:
    """E-I index of the cooperation ties, overall and per group of ``attribute``.

    Args:
        g: cooperation graph.
        attribute: ``"kind"`` (one value), or ``"areas"`` / ``"fields"`` (lists).

    Returns:
        ``{"attribute", "multi_valued", "internal", "external", "ei", "expected_ei",
        "groups"}``; each group ``{"value", "organisations", "internal", "external",
        "ei", "expected_ei"}``. ``ei`` is None without ties, ``expected_ei`` None where
        it is not defined (overall for multi-valued attributes).

    Examples:
        >>> g = nx.Graph([("m1", "m2"), ("m1", "w"), ("w", "a")])
        >>> nx.set_node_attributes(g, {"m1": "migrant_organisation",
        ...     "m2": "migrant_organisation", "w": "welfare_association", "a": "authority"},
        ...     "kind")
        >>> result = ei_index(g)
        >>> result["internal"], result["external"], round(result["ei"], 3)
        (1, 2, 0.333)
        >>> [(x["value"], x["internal"], x["external"], x["ei"]) for x in result["groups"]]
        ... # doctest: +NORMALIZE_WHITESPACE
        [('welfare_association', 0, 2, 1.0), ('migrant_organisation', 1, 1, 0.0),
         ('authority', 0, 1, 1.0)]
    """
    values, multi = _values(g, attribute)
    internal = external = 0
    group_in: Counter[Any] = Counter()
    group_ex: Counter[Any] = Counter()
    for u, v in g.edges():
        a, b = values[u], values[v]
        if not a or not b or u == v:
            continue
        if a & b:
            internal += 1
        else:
            external += 1
        for x in a & b:
            group_in[x] += 1
        for x in a ^ b:
            group_ex[x] += 1
    members: Counter[Any] = Counter(x for vals in values.values() for x in vals)
    known = sum(1 for vals in values.values() if vals)
    expected = None
    if not multi and known > 1:
        same = sum(c * (c - 1) for c in members.values()) / (known * (known - 1))
        expected = 1 - 2 * same
    groups: list[EIGroup] = []
    for x in _ordered(set(members), attribute):
        n_x = members[x]
        groups.append(
            {
                "value": x,
                "organisations": n_x,
                "internal": group_in[x],
                "external": group_ex[x],
                "ei": _ei(group_ex[x], group_in[x]),
                "expected_ei": ((known - n_x) - (n_x - 1)) / (known - 1) if known > 1 else None,
            }
        )
    return {
        "attribute": attribute,
        "multi_valued": multi,
        "internal": internal,
        "external": external,
        "ei": _ei(external, internal),
        "expected_ei": expected,
        "groups": groups,
    }


@result_type
class MixingMatrix(TypedDict):
    """Ties between each pair of values of the attribute (:func:`mixing_matrix`):
    ``matrix[i][j]`` for ``values[i]``, ``values[j]``."""

    attribute: str
    values: list[str]
    matrix: list[list[int]]


def mixing_matrix(g: nx.Graph, attribute: str = "kind") -> MixingMatrix:
    """How many ties join each pair of values of ``attribute`` (a symmetric matrix).

    Cell (x, y) counts the ties between an organisation with x and one with y; the
    diagonal counts ties inside a value. With several values per organisation (areas,
    fields) a tie counts once in every cell its two ends span, so the cells add up to
    more than the number of ties.

    Args:
        g: cooperation graph.
        attribute: ``"kind"``, ``"areas"`` or ``"fields"``.

    Returns:
        ``{"attribute", "values", "matrix"}``: ``matrix[i][j]`` for ``values[i]``,
        ``values[j]`` (kinds in vocabulary order, other values sorted).

    Examples:
        >>> g = nx.Graph([("m1", "m2"), ("m1", "w"), ("w", "a")])
        >>> nx.set_node_attributes(g, {"m1": "migrant_organisation",
        ...     "m2": "migrant_organisation", "w": "welfare_association", "a": "authority"},
        ...     "kind")
        >>> m = mixing_matrix(g)
        >>> m["values"]
        ['welfare_association', 'migrant_organisation', 'authority']
        >>> m["matrix"]
        [[0, 1, 1], [1, 1, 0], [1, 0, 0]]
    """
    values, _ = _values(g, attribute)
    order = _ordered({x for vals in values.values() for x in vals}, attribute)
    pos = {x: i for i, x in enumerate(order)}
    matrix = [[0] * len(order) for _ in order]
    for u, v in g.edges():
        cells = {(min(pos[x], pos[y]), max(pos[x], pos[y])) for x in values[u] for y in values[v]}
        for i, j in cells:
            matrix[i][j] += 1
            if i != j:
                matrix[j][i] += 1
    return {"attribute": attribute, "values": order, "matrix": matrix}


@result_type
class MsoCooperation(TypedDict):
    """Whether migrant organisations mostly cooperate among themselves
    (:func:`mso_cooperation`); the booleans are None without MSO ties."""

    organisations: int
    internal: int
    external: int
    ei: float | None
    expected_ei: float | None
    mostly_among_themselves: bool | None
    more_than_chance: bool | None
    answer: Reason


def mso_cooperation(g: nx.Graph) -> MsoCooperation:
    """Do migrant organisations (MSO) mostly cooperate among themselves?

    The E-I index of the MSO group by kind: below 0 most of their ties are with other
    MSOs; below ``expected_ei`` they prefer each other more than chance would.

    Returns:
        ``{"organisations", "internal", "external", "ei", "expected_ei",
        "mostly_among_themselves", "more_than_chance", "answer"}``; the two booleans are
        None without MSO ties; ``answer`` is ``{"code", "params"}`` (``mso_cooperation``
        or ``mso_no_ties``), put in words by :mod:`api.services.wording`.

    Examples:
        >>> g = nx.Graph([("m1", "m2"), ("m2", "m3"), ("m3", "w"), ("w", "a")])
        >>> nx.set_node_attributes(g, {"m1": "migrant_organisation",
        ...     "m2": "migrant_organisation", "m3": "migrant_organisation",
        ...     "w": "welfare_association", "a": "authority"}, "kind")
        >>> r = mso_cooperation(g)
        >>> r["internal"], r["external"], round(r["ei"], 3), r["mostly_among_themselves"]
        (2, 1, -0.333, True)
        >>> r["answer"]["code"], r["answer"]["params"]["internal"]
        ('mso_cooperation', 2)
    """
    kind = OrganisationKind.MIGRANT_ORGANISATION.value
    found = next((x for x in ei_index(g, "kind")["groups"] if x["value"] == kind), None)
    if found is None:
        found = {
            "value": kind,
            "organisations": 0,
            "internal": 0,
            "external": 0,
            "ei": None,
            "expected_ei": None,
        }
    ei, expected = found["ei"], found["expected_ei"]
    mostly = None if ei is None else ei < 0
    more = None if ei is None or expected is None else ei < expected
    total = found["internal"] + found["external"]

    answer: Reason = (
        {"code": "mso_no_ties", "params": {}}
        if ei is None
        else {
            "code": "mso_cooperation",
            "params": {
                "internal": found["internal"],
                "total": total,
                "ei": ei,
                "expected_ei": expected,
                "mostly": mostly,
            },
        }
    )
    return {
        "organisations": found["organisations"],
        "internal": found["internal"],
        "external": found["external"],
        "ei": ei,
        "expected_ei": expected,
        "mostly_among_themselves": mostly,
        "more_than_chance": more,
        "answer": answer,
    }
