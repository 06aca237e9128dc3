"""NetworkX graphs built from a snapshot: cooperation, council co-membership, offers.

Every graph adds its nodes and edges sorted by id, so algorithms that depend on the order
(Louvain, sampling) give the same answer for the same snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import TYPE_CHECKING

import networkx as nx

from graph_schema.model import NodeLabel, RelType
from network._snapshot import SnapshotIndex, gc_paused

if TYPE_CHECKING:
    from graph_schema.snapshot import Snapshot

__all__ = [
    "COOPERATION_LABELS",
    "COOPERATION_TYPES",
    "DISTANCE",
    "cooperation_graph",
    "council_graph",
    "offer_graph",
]

#: what :func:`cooperation_graph` reads from a snapshot: a snapshot of only these
#: (``store.snapshot(labels=..., types=...)``) gives the same graph at a third of the cost
COOPERATION_LABELS = (NodeLabel.ORGANISATION, NodeLabel.AREA, NodeLabel.FIELD)
COOPERATION_TYPES = (RelType.COOPERATES_WITH, RelType.ACTIVE_IN, RelType.WORKS_ON)

#: path length of a cooperation tie by intensity: 6 / intensity in whole numbers. With
#: 1 / intensity, sums of floats that should be equal are not (1/3 + 1/3 + 1/3 != 1), so
#: weighted shortest paths of equal length are taken as different and betweenness shifts.
DISTANCE: dict[int, int] = {1: 6, 2: 3, 3: 2}


@gc_paused
def cooperation_graph(snapshot: Snapshot) -> nx.Graph:
    """The undirected cooperation network of the organisations on the snapshot's date.

    Nodes are the organisations that exist on ``snapshot.as_of`` with attributes ``name``,
    ``kind``, ``areas`` and ``fields`` (sorted ids from the valid ACTIVE_IN / WORKS_ON
    ties). Edges are the valid COOPERATES_WITH ties, direction ignored. Several ties
    between the same pair make one edge: ``weight`` is the highest intensity (1-3),
    ``ties`` how many ties there are, ``kinds`` their cooperation kinds and ``distance``
    the path length :data:`DISTANCE` of that intensity (6, 3 or 2), for weighted path
    metrics. Ties of an organisation with itself are left out. ``graph["as_of"]`` is the
    date as ISO string.

    Args:
        snapshot: the network as of a date.

    Returns:
        The cooperation graph.

    Examples:
        >>> import datetime as dt
        >>> from graph_schema.model import CooperatesWith, Organisation
        >>> from graph_schema.snapshot import Snapshot
        >>> orgs = [
        ...     Organisation(id="a", name="AWO", kind="welfare_association"),
        ...     Organisation(id="b", name="Kulturverein", kind="migrant_organisation"),
        ... ]
        >>> ties = [
        ...     CooperatesWith(id="t1", from_id="a", to_id="b", intensity=1),
        ...     CooperatesWith(id="t2", from_id="b", to_id="a", intensity=3),
        ...     CooperatesWith(id="t3", from_id="a", to_id="b", until=dt.date(2020, 1, 1)),
        ... ]
        >>> g = cooperation_graph(Snapshot(dt.date(2025, 1, 1), orgs, ties))
        >>> g.edges["a", "b"]["weight"], g.edges["a", "b"]["ties"], g.edges["a", "b"]["distance"]
        (3, 2, 2)
        >>> g.nodes["b"]["kind"]
        'migrant_organisation'
    """
    idx = SnapshotIndex(snapshot)
    areas = idx.targets(RelType.ACTIVE_IN)
    fields = idx.targets(RelType.WORKS_ON)
    g = nx.Graph(as_of=idx.day.isoformat())
    for org in idx.of(NodeLabel.ORGANISATION):
        g.add_node(
            org.id,
            name=org.display_name,
            kind=str(getattr(org, "kind", "other")),
            areas=areas.get(org.id, []),
            fields=fields.get(org.id, []),
        )
        short = getattr(org, "short_name", None)
        if short:
            g.nodes[org.id]["short_name"] = short
    pairs: dict[tuple[str, str], list[tuple[int, str | None]]] = defaultdict(list)
    for t in idx.ties(RelType.COOPERATES_WITH):
        if t.from_id == t.to_id or t.from_id not in g or t.to_id not in g:
            continue
        a, b = (t.from_id, t.to_id) if t.from_id < t.to_id else (t.to_id, t.from_id)
        pairs[a, b].append((int(getattr(t, "intensity", 1)), getattr(t, "kind", None)))
    for (a, b), found in sorted(pairs.items()):
        weight = max(i for i, _ in found)
        g.add_edge(
            a,
            b,
            weight=weight,
            distance=DISTANCE[weight],
            ties=len(found),
            kinds=sorted({str(k) for _, k in found if k is not None}),
        )
    return g


@gc_paused
def council_graph(snapshot: Snapshot) -> nx.Graph:
    """Organisations joined by sitting on the same body (Gremium).

    An organisation sits on a body when it is a member itself or a person who represents
    it is (valid MEMBER_OF and REPRESENTS ties). A person representing several
    organisations counts for each of them; a person representing none is left out. Nodes
    are the organisations with at least one seat (attributes ``name``, ``kind``,
    ``bodies``); an edge joins two organisations sharing a body, ``weight`` the number of
    shared bodies and ``bodies`` their ids.

    Args:
        snapshot: the network as of a date.

    Returns:
        The co-membership graph.

    Examples:
        >>> import datetime as dt
        >>> from graph_schema.model import Body, MemberOf, Organisation, Person, Represents
        >>> from graph_schema.snapshot import Snapshot
        >>> nodes = [
        ...     Organisation(id="a", name="AWO", kind="welfare_association"),
        ...     Organisation(id="b", name="Kulturverein", kind="migrant_organisation"),
        ...     Person(id="p", name="Anna Weber"),
        ...     Body(id="rat", name="Projektrat", kind="project_council"),
        ... ]
        >>> ties = [
        ...     MemberOf(id="m1", from_id="a", to_id="rat"),
        ...     MemberOf(id="m2", from_id="p", to_id="rat"),
        ...     Represents(id="r1", from_id="p", to_id="b"),
        ... ]
        >>> g = council_graph(Snapshot(dt.date(2025, 1, 1), nodes, ties))
        >>> list(g.edges(data="bodies"))
        [('a', 'b', ['rat'])]
    """
    idx = SnapshotIndex(snapshot)
    orgs = {o.id: o for o in idx.of(NodeLabel.ORGANISATION)}
    represents = idx.targets(RelType.REPRESENTS)
    bodies: dict[str, set[str]] = defaultdict(set)
    for t in idx.ties(RelType.MEMBER_OF):
        if idx.nodes[t.to_id].label != NodeLabel.BODY:
            continue
        who = [t.from_id] if t.from_id in orgs else represents.get(t.from_id, [])
        bodies[t.to_id].update(o for o in who if o in orgs)
    seats: dict[str, set[str]] = defaultdict(set)
    for body, members in bodies.items():
        for o in members:
            seats[o].add(body)
    g = nx.Graph(as_of=idx.day.isoformat())
    for o in sorted(seats):
        g.add_node(
            o,
            name=orgs[o].display_name,
            kind=str(getattr(orgs[o], "kind", "other")),
            bodies=sorted(seats[o]),
        )
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for body, members in sorted(bodies.items()):
        for a, b in combinations(sorted(members), 2):
            shared[a, b].add(body)
    for (a, b), common in sorted(shared.items()):
        g.add_edge(a, b, weight=len(common), bodies=sorted(common))
    return g


@gc_paused
def offer_graph(snapshot: Snapshot) -> nx.Graph:
    """The two-mode graph of organisations and the offers they provide.

    Organisation nodes have ``bipartite=0``, ``label="Organisation"``, ``name`` and
    ``kind``; offer nodes (those valid on the date) have ``bipartite=1``,
    ``label="Offer"``, ``name`` (the title), ``fields``, ``areas``, ``target_groups`` and
    ``languages``. Edges are the valid PROVIDES ties. Every organisation is a node, also
    one without offers.

    Args:
        snapshot: the network as of a date.

    Returns:
        The bipartite organisation-offer graph.

    Examples:
        >>> import datetime as dt
        >>> from graph_schema.model import Offer, Organisation, Provides
        >>> from graph_schema.snapshot import Snapshot
        >>> nodes = [
        ...     Organisation(id="a", name="AWO", kind="welfare_association"),
        ...     Offer(id="o1", title="Sprachcafé"),
        ...     Offer(id="o2", title="Alter Kurs", ends_on=dt.date(2020, 1, 1)),
        ... ]
        >>> ties = [Provides(id="p1", from_id="a", to_id="o1")]
        >>> g = offer_graph(Snapshot(dt.date(2025, 1, 1), nodes, ties))
        >>> sorted(g.nodes(data="bipartite")), list(g.edges())
        ([('a', 0), ('o1', 1)], [('a', 'o1')])
    """
    idx = SnapshotIndex(snapshot)
    g = nx.Graph(as_of=idx.day.isoformat())
    for org in idx.of(NodeLabel.ORGANISATION):
        g.add_node(
            org.id,
            bipartite=0,
            label=str(NodeLabel.ORGANISATION),
            name=org.display_name,
            kind=str(getattr(org, "kind", "other")),
        )
    offers = idx.offers
    for rec in offers.values():
        g.add_node(
            rec.id,
            bipartite=1,
            label=str(NodeLabel.OFFER),
            name=rec.title,
            fields=rec.fields,
            areas=rec.areas,
            target_groups=rec.target_groups,
            languages=sorted(rec.languages),
        )
    for rec in offers.values():
        for p in rec.providers:
            if p in g and g.nodes[p].get("bipartite") == 0:
                g.add_edge(p, rec.id)
    return g
