"""Cooperation gaps, measurably: offer gaps, duplicate structures, missing cooperations,
peripheral actors and the representation of the project council.

Choices where the domain leaves room (each function repeats the one it uses):

* **Cells** are field × area. The areas are the municipalities, or the districts when the
  snapshot has no municipality. Fields are the snapshot's Field nodes (the shipped
  vocabulary when it has none).
* **Offer coverage follows the area hierarchy** (PART_OF): an offer available in the
  region covers each of its municipalities, and one available in a district covers that
  district's municipality.
* **Duplicates and missing cooperations compare areas literally**: two offers are in the
  same cell when both are AVAILABLE_IN the same area, two organisations share an area when
  both are ACTIVE_IN it. A region-wide provider does not duplicate every local offer.
* Reasons come in German and English and use the vocabulary's labels.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Any, NotRequired, cast

import networkx as nx
from typing_extensions import TypedDict

from graph_schema.errors import NotFound
from graph_schema.model import NodeLabel, RelType
from graph_schema.vocab import (
    ORGANISATION_KINDS,
    TARGET_GROUPS,
    OrganisationKind,
)
from network._snapshot import SnapshotIndex, gc_paused
from network.actors import constraint
from network.engine import IGraphView, core_number
from network.figures import largest_component
from network.results import Reason, result_type

if TYPE_CHECKING:
    from graph_schema.snapshot import Snapshot

__all__ = [
    "CONSTRAINT_THRESHOLD",
    "CellOffer",
    "CouncilBody",
    "CouncilKind",
    "CouncilRepresentation",
    "DuplicateOffer",
    "MissingCooperation",
    "OfferGap",
    "PeripheralActor",
    "UncoveredArea",
    "UncoveredField",
    "council_representation",
    "duplicate_offers",
    "missing_cooperations",
    "offer_gaps",
    "peripheral_actors",
    "readiness",
]

#: Burt's constraint from which an organisation counts as dependent: 0.9 means nearly all
#: its ties lead to one partner or to partners tied to each other (one tie gives 1.0,
#: two unconnected partners of equal strength 0.5, a triangle 1.125)
CONSTRAINT_THRESHOLD = 0.9

_MSO = OrganisationKind.MIGRANT_ORGANISATION.value
#: the other side of a cross-kind pair ranked first by :func:`missing_cooperations`
_CROSS_PARTNERS = frozenset(
    {OrganisationKind.WELFARE_ASSOCIATION.value, OrganisationKind.AUTHORITY.value}
)


def _population_key(population: int | None) -> tuple[int, int]:
    return (1, 0) if population is None else (0, -population)


# --------------------------------------------------------------------------- offer gaps


@result_type
class OfferGap(TypedDict):
    """A field × area cell without a valid offer (:func:`offer_gaps`); split by target
    group and / or language when asked for."""

    field: str
    field_name_de: str
    field_name_en: str
    area: str
    area_name: str
    population: int | None
    target_group: NotRequired[str]
    target_group_name_de: NotRequired[str]
    target_group_name_en: NotRequired[str]
    language: NotRequired[str]


Cell = tuple[str, str, str | None, str | None]  # field, area, target group, language


def _offered_cells(
    idx: SnapshotIndex,
    cell_ids: set[str],
    groups: Sequence[str | None],
    by_target_group: bool,
    by_language: bool,
) -> set[Cell]:
    """The (field, area, target group, language) cells some valid offer reaches."""
    reach: dict[str, set[str]] = {}

    def covered(area: str) -> set[str]:
        if area not in reach:
            up = idx.reach(area, idx.area_parents)
            down = idx.reach(area, idx.area_children)
            reach[area] = (up | down) & cell_ids
        return reach[area]

    seen: set[Cell] = set()
    for o in idx.offers.values():
        places = set().union(*(covered(a) for a in o.areas)) if o.areas else set()
        o_groups = (o.target_groups or groups) if by_target_group else [None]
        o_langs = o.languages if by_language else [None]
        seen.update(
            (f, a, tg, lg) for f in o.fields for a in places for tg in o_groups for lg in o_langs
        )
    return seen


def _gap_row(
    idx: SnapshotIndex,
    area: Any,
    f: str,
    tg: str | None,
    lg: str | None,
    by_target_group: bool,
    by_language: bool,
) -> OfferGap:
    """One empty cell of :func:`offer_gaps`."""
    row: OfferGap = {
        "field": f,
        "field_name_de": idx.field_label(f, "de"),
        "field_name_en": idx.field_label(f, "en"),
        "area": area.id,
        "area_name": area.display_name,
        "population": getattr(area, "population", None),
    }
    if by_target_group:
        assert tg is not None
        label = TARGET_GROUPS.get(tg)
        node = idx.nodes.get(tg)
        row["target_group"] = tg
        row["target_group_name_de"] = label.de if label else getattr(node, "name_de", tg)
        row["target_group_name_en"] = label.en if label else getattr(node, "name_en", tg)
    if by_language:
        row["language"] = cast(str, lg)
    return row


@gc_paused
def offer_gaps(
    snapshot: Snapshot,
    by_target_group: bool = False,
    by_language: bool = False,
    languages: Iterable[str] | None = None,
) -> list[OfferGap]:
    """Every field × area cell without a valid offer (Angebotslücke), largest places first.

    An offer counts when it exists on ``snapshot.as_of`` (``starts_on`` / ``ends_on``) and
    through its valid ADDRESSES and AVAILABLE_IN ties. Areas are the municipalities (the
    districts if there are none); an offer available in a larger area (the region) or in
    a district covers the municipality too (PART_OF). Optionally the cells are split by
    target group (an offer without SERVES tie is open to every group) and by language (an
    offer counts for the languages it lists; ``languages`` defaults to all languages of
    valid offers).

    Args:
        snapshot: the network as of a date.
        by_target_group: split cells by target group.
        by_language: split cells by language.
        languages: the languages to check, when ``by_language``.

    Returns:
        One row per empty cell: ``field, field_name_de, field_name_en, area, area_name,
        population`` (+ ``target_group, target_group_name_de, target_group_name_en`` and
        / or ``language``), sorted by population desc (unknown last), then area and field.

    Examples:
        >>> import datetime as dt
        >>> from graph_schema.model import (Addresses, Area, AvailableIn, FieldOfAction,
        ...     Offer, PartOf)
        >>> from graph_schema.snapshot import Snapshot
        >>> nodes = [
        ...     Area(id="R", name="Region", kind="region"),
        ...     Area(id="A", name="Lindenau", kind="municipality", population=9000),
        ...     Area(id="B", name="Eichenheim", kind="municipality", population=4000),
        ...     FieldOfAction(id="housing", name_de="Wohnen", name_en="Housing"),
        ...     FieldOfAction(id="health", name_de="Gesundheit", name_en="Health"),
        ...     Offer(id="o1", title="Wohnraumvermittlung"),
        ...     Offer(id="o2", title="Gesundheitslotsen"),
        ... ]
        >>> ties = [
        ...     PartOf(id="p1", from_id="A", to_id="R"), PartOf(id="p2", from_id="B", to_id="R"),
        ...     Addresses(id="t1", from_id="o1", to_id="housing"),
        ...     AvailableIn(id="t2", from_id="o1", to_id="R"),
        ...     Addresses(id="t3", from_id="o2", to_id="health"),
        ...     AvailableIn(id="t4", from_id="o2", to_id="B"),
        ... ]
        >>> gaps = offer_gaps(Snapshot(dt.date(2025, 1, 1), nodes, ties))
        >>> [(g["area_name"], g["field_name_de"], g["population"]) for g in gaps]
        [('Lindenau', 'Gesundheit', 9000)]
    """
    idx = SnapshotIndex(snapshot)
    areas = idx.cell_areas()
    cell_ids = {a.id for a in areas}
    fields = idx.field_ids()
    groups = idx.target_group_ids() if by_target_group else [None]
    offers = idx.offers.values()
    if by_language:
        langs: Sequence[str | None] = sorted(
            set(languages) if languages is not None else {x for o in offers for x in o.languages}
        )
    else:
        langs = [None]
    seen = _offered_cells(idx, cell_ids, groups, by_target_group, by_language)
    rows = [
        _gap_row(idx, area, f, tg, lg, by_target_group, by_language)
        for area in areas
        for f in fields
        for tg in groups
        for lg in langs
        if (f, area.id, tg, lg) not in seen
    ]
    field_pos = {f: i for i, f in enumerate(fields)}
    rows.sort(
        key=lambda r: (
            _population_key(r["population"]),
            r["area"],
            field_pos[r["field"]],
            r.get("target_group") or "",
            r.get("language") or "",
        )
    )
    return rows


# --------------------------------------------------------------------------- duplicates


def _cooperating_pairs(idx: SnapshotIndex) -> set[frozenset[str]]:
    return {
        frozenset((t.from_id, t.to_id))
        for t in idx.ties(RelType.COOPERATES_WITH)
        if t.from_id != t.to_id
    }


@result_type
class CellOffer(TypedDict):
    """One offer of a :class:`DuplicateOffer` cell."""

    id: str
    title: str
    providers: list[str]


@result_type
class DuplicateOffer(TypedDict):
    """A field × area cell with two or more valid offers (:func:`duplicate_offers`)."""

    field: str
    field_name_de: str
    field_name_en: str
    area: str
    area_name: str
    offers: list[CellOffer]
    providers: list[str]
    single_provider: bool
    coordinated: bool
    #: providers without a cooperation tie, ``[a, b]`` with a < b
    untied_pairs: list[list[str]]


@gc_paused
def duplicate_offers(snapshot: Snapshot) -> list[DuplicateOffer]:
    """Cells (field × area) with two or more valid offers, coordinated or not.

    Offers share a cell when both ADDRESS the field and are AVAILABLE_IN the same area
    (literally; a region-wide offer is its own cell). The cell is ``coordinated`` when
    every two distinct providers of its offers have a valid COOPERATES_WITH tie (either
    direction); otherwise ``untied_pairs`` lists the providers that have none.

    Args:
        snapshot: the network as of a date.

    Returns:
        One row per cell: ``field, field_name_de, field_name_en, area, area_name,
        offers`` (``{"id", "title", "providers"}``), ``providers`` (ids),
        ``single_provider``, ``coordinated``, ``untied_pairs`` (``[a, b]``, a < b);
        uncoordinated cells first, then by number of offers desc, field, area.

    Examples:
        >>> import datetime as dt
        >>> from graph_schema.model import (Addresses, Area, AvailableIn, CooperatesWith,
        ...     FieldOfAction, Offer, Organisation, Provides)
        >>> from graph_schema.snapshot import Snapshot
        >>> nodes = [
        ...     Area(id="A", name="Lindenau", kind="municipality"),
        ...     Organisation(id="awo", name="AWO", kind="welfare_association"),
        ...     Organisation(id="vhs", name="VHS", kind="education_provider"),
        ...     Offer(id="o1", title="Sprachcafé"), Offer(id="o2", title="Deutschkurs"),
        ...     FieldOfAction(id="language", name_de="Sprache", name_en="Language"),
        ... ]
        >>> ties = [
        ...     Provides(id="t1", from_id="awo", to_id="o1"),
        ...     Provides(id="t2", from_id="vhs", to_id="o2"),
        ...     Addresses(id="t3", from_id="o1", to_id="language"),
        ...     Addresses(id="t4", from_id="o2", to_id="language"),
        ...     AvailableIn(id="t5", from_id="o1", to_id="A"),
        ...     AvailableIn(id="t6", from_id="o2", to_id="A"),
        ... ]
        >>> [d] = duplicate_offers(Snapshot(dt.date(2025, 1, 1), nodes, ties))
        >>> d["coordinated"], d["untied_pairs"]
        (False, [['awo', 'vhs']])
        >>> ties.append(CooperatesWith(id="t7", from_id="vhs", to_id="awo"))
        >>> duplicate_offers(Snapshot(dt.date(2025, 1, 1), nodes, ties))[0]["coordinated"]
        True
    """
    idx = SnapshotIndex(snapshot)
    tied = _cooperating_pairs(idx)
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    offers = idx.offers
    for o in offers.values():
        for f in o.fields:
            for a in o.areas:
                cells[f, a].append(o.id)
    rows: list[DuplicateOffer] = []
    for (f, a), ids in cells.items():
        if len(ids) < 2:
            continue
        providers = sorted({p for i in ids for p in offers[i].providers})
        untied = [[p, q] for p, q in combinations(providers, 2) if frozenset((p, q)) not in tied]
        rows.append(
            {
                "field": f,
                "field_name_de": idx.field_label(f, "de"),
                "field_name_en": idx.field_label(f, "en"),
                "area": a,
                "area_name": idx.name(a),
                "offers": [
                    {"id": i, "title": offers[i].title, "providers": offers[i].providers}
                    for i in sorted(ids)
                ],
                "providers": providers,
                "single_provider": len(providers) <= 1,
                "coordinated": not untied,
                "untied_pairs": untied,
            }
        )
    rows.sort(key=lambda r: (r["coordinated"], -len(r["offers"]), r["field"], r["area"]))
    return rows


# --------------------------------------------------------------------------- missing ties


def _cross_kind(a: str | None, b: str | None) -> bool:
    return (a == _MSO and b in _CROSS_PARTNERS) or (b == _MSO and a in _CROSS_PARTNERS)


def _missing_reason(
    idx: SnapshotIndex,
    fields: list[str],
    areas: list[str],
    common: int,
    kinds: tuple[str | None, str | None] | None,
) -> Reason:
    """Why two organisations could cooperate (``shared_work``): the places and fields both
    work in (names in both languages are data of the store), their common partners and,
    for a cross-kind pair, the two kinds (the migrant organisation first)."""
    return _reason(
        "shared_work",
        areas=[idx.name(a) for a in areas],
        # "in Lindenau", but "im Gebiet Saarland" (a Land or a region needs an article)
        local=all(
            getattr(idx.nodes.get(a), "kind", None) in ("municipality", "district") for a in areas
        ),
        fields={lang: [idx.field_label(f, lang) for f in fields] for lang in ("de", "en")},
        common=common,
        kinds=list(kinds) if kinds is not None else None,
    )


@result_type
class MissingCooperation(TypedDict):
    """Two organisations on the same field in the same area without a cooperation tie
    (:func:`missing_cooperations`)."""

    a: str
    b: str
    a_name: str | None
    b_name: str | None
    a_kind: str | None
    b_kind: str | None
    fields: list[str]
    areas: list[str]
    common_neighbours: int
    adamic_adar: float
    jaccard: float
    cross_kind: bool
    reason: Reason


@gc_paused
def missing_cooperations(
    snapshot: Snapshot, g: nx.Graph, limit: int | None = 100
) -> list[MissingCooperation]:
    """Pairs that work on the same field in the same area but do not cooperate.

    Candidates are generated per field × area cell (WORKS_ON × ACTIVE_IN, areas compared
    literally) instead of over all pairs; a pair is a candidate when it has no tie in
    ``g``. They are scored by common neighbours, Adamic-Adar and Jaccard (NetworkX's
    link prediction) and ranked: cross-kind pairs (a migrant organisation with a welfare
    association or an authority) first, then Adamic-Adar desc, Jaccard desc, ids. When
    there are at least ``limit`` cross-kind pairs, only those are scored.

    Args:
        snapshot: the snapshot ``g`` was built from (names of areas and fields).
        g: its cooperation graph (:func:`network.graphs.cooperation_graph`).
        limit: how many pairs to return (None: all).

    Returns:
        Rows ``a, b, a_name, b_name, a_kind, b_kind, fields, areas, common_neighbours,
        adamic_adar, jaccard, cross_kind, reason`` (``reason``: the code ``shared_work`` with its
        parameters, put in words by :mod:`api.services.wording`).

    Examples:
        >>> import datetime as dt
        >>> from graph_schema.model import (ActiveIn, Area, CooperatesWith, FieldOfAction,
        ...     Organisation, WorksOn)
        >>> from graph_schema.snapshot import Snapshot
        >>> from network.graphs import cooperation_graph
        >>> nodes = [
        ...     Area(id="A", name="Lindenau", kind="municipality"),
        ...     Organisation(id="m", name="Kulturverein", kind="migrant_organisation"),
        ...     Organisation(id="w", name="AWO", kind="welfare_association"),
        ...     Organisation(id="x", name="Stadt", kind="municipality"),
        ...     FieldOfAction(id="housing", name_de="Wohnen", name_en="Housing"),
        ... ]
        >>> ties = [ActiveIn(id=f"a{o}", from_id=o, to_id="A") for o in "mwx"]
        >>> ties += [WorksOn(id=f"w{o}", from_id=o, to_id="housing") for o in "mw"]
        >>> ties += [CooperatesWith(id="c1", from_id="m", to_id="x"),
        ...          CooperatesWith(id="c2", from_id="w", to_id="x")]
        >>> snap = Snapshot(dt.date(2025, 1, 1), nodes, ties)
        >>> [row] = missing_cooperations(snap, cooperation_graph(snap))
        >>> row["a"], row["b"], row["common_neighbours"], row["cross_kind"]
        ('m', 'w', 1, True)
        >>> row["reason"]["code"], row["reason"]["params"]  # doctest: +NORMALIZE_WHITESPACE
        ('shared_work', {'areas': ['Lindenau'], 'local': True,
         'fields': {'de': ['Wohnen'], 'en': ['Housing']}, 'common': 1,
         'kinds': ['migrant_organisation', 'welfare_association']})
    """
    idx = SnapshotIndex(snapshot)
    cells: dict[tuple[str, str], list[Hashable]] = defaultdict(list)
    for v, attrs in g.nodes(data=True):
        for f in attrs.get("fields", ()):
            for a in attrs.get("areas", ()):
                cells[f, a].append(v)
    candidates: dict[tuple[Hashable, Hashable], None] = {}
    for members in cells.values():
        for u, v in combinations(sorted(members, key=str), 2):
            if not g.has_edge(u, v):
                candidates[u, v] = None
    kind = {v: g.nodes[v].get("kind") for v in g}
    cross = [p for p in candidates if _cross_kind(kind[p[0]], kind[p[1]])]
    pairs = cross if limit is not None and len(cross) >= limit else list(candidates)
    # Adamic-Adar as NetworkX defines it, summed exactly (math.fsum): NetworkX adds in the
    # order of a set of neighbours, which varies between processes in the last digit
    adamic = {
        (u, v): math.fsum(1 / math.log(g.degree(w)) for w in nx.common_neighbors(g, u, v))
        for u, v in pairs
    }
    jaccard = {(u, v): s for u, v, s in nx.jaccard_coefficient(g, pairs)}
    ranked = sorted(
        pairs,
        key=lambda p: (
            not _cross_kind(kind[p[0]], kind[p[1]]),
            -adamic[p],
            -jaccard[p],
            str(p[0]),
            str(p[1]),
        ),
    )
    if limit is not None:
        ranked = ranked[:limit]
    rows: list[MissingCooperation] = []
    for u, v in ranked:
        au, av = g.nodes[u], g.nodes[v]
        fields = sorted(set(au.get("fields", ())) & set(av.get("fields", ())))
        areas = sorted(set(au.get("areas", ())) & set(av.get("areas", ())))
        common = sum(1 for _ in nx.common_neighbors(g, u, v))
        is_cross = _cross_kind(kind[u], kind[v])
        kinds = None
        if is_cross:
            kinds = (kind[u], kind[v]) if kind[u] == _MSO else (kind[v], kind[u])
        rows.append(
            {
                "a": cast(str, u),
                "b": cast(str, v),
                "a_name": au.get("name"),
                "b_name": av.get("name"),
                "a_kind": kind[u],
                "b_kind": kind[v],
                "fields": fields,
                "areas": areas,
                "common_neighbours": common,
                "adamic_adar": float(adamic[u, v]),
                "jaccard": float(jaccard[u, v]),
                "cross_kind": is_cross,
                "reason": _missing_reason(idx, fields, areas, common, kinds),
            }
        )
    return rows


# --------------------------------------------------------------------------- periphery


def _gateways(g: nx.Graph, nodes: list[Hashable]) -> dict[Hashable, Hashable]:
    """For the nodes of a connected component outside its largest block: the cut vertex
    through which every path of theirs into that block runs (block-cut tree, O(n + m))."""
    sub = g.subgraph(nodes)
    blocks = [set(b) for b in nx.biconnected_components(sub)]
    if not blocks:
        return {}
    main = min(range(len(blocks)), key=lambda i: (-len(blocks[i]), sorted(map(str, blocks[i]))))
    member_of: dict[Hashable, list[int]] = defaultdict(list)
    for i, b in enumerate(blocks):
        for v in b:
            member_of[v].append(i)
    gateway_of_block: dict[int, Hashable | None] = {main: None}
    out: dict[Hashable, Hashable] = {}
    queue = [main]
    for i in queue:  # breadth first: a node's first block is the one nearest the main block
        for x in sorted(blocks[i], key=str):
            if i != main and x not in out and x not in blocks[main]:
                gw = gateway_of_block[i]
                assert gw is not None
                out[x] = gw
            for j in member_of[x]:
                if j not in gateway_of_block:
                    gateway_of_block[j] = x if i == main else gateway_of_block[i]
                    queue.append(j)
    return out


def _reason(code: str, **params: Any) -> Reason:
    """A reason as its code and parameters; :mod:`api.services.wording` puts it in words."""
    return {"code": code, "params": params}


@result_type
class PeripheralActor(TypedDict):
    """An organisation on the edge of the network (:func:`peripheral_actors`)."""

    id: str
    name: str | None
    kind: str | None
    degree: int
    core_number: int
    constraint: float | None
    #: the one organisation a migrant organisation reaches the network through
    broker: str | None
    broker_name: str | None
    reasons: list[Reason]


@gc_paused
def peripheral_actors(
    g: nx.Graph, constraint_threshold: float = CONSTRAINT_THRESHOLD
) -> list[PeripheralActor]:
    """Organisations on the edge of the network or dependent on a single partner.

    Reasons (an organisation may have several):

    * ``isolate``: no cooperation tie;
    * ``outside_main_network``: tied, but not to the largest component;
    * ``low_core``: core number ≤ 1 (not part of any 2-core: a tree-like fringe);
    * ``high_constraint``: Burt's constraint (ties weighted by intensity) ≥
      ``constraint_threshold`` (default :data:`CONSTRAINT_THRESHOLD` = 0.9: nearly all
      ties run to one partner or to partners tied to each other);
    * ``single_broker`` (migrant organisations only): in the largest component, but every
      path into its core (the largest biconnected block) runs through one other
      organisation, the ``broker``: a single partner, or an articulation point that
      separates it. Where several articulation points are nested, the broker is the one
      on the core's side.

    Args:
        g: cooperation graph.
        constraint_threshold: constraint from which an organisation counts as dependent.

    Returns:
        Rows ``id, name, kind, degree, core_number, constraint, broker, broker_name,
        reasons`` (each reason ``{"code", "params"}``): migrant organisations first,
        then the most cut off first (isolate, outside the main network, single broker,
        low core, high constraint), then by degree and id.

    Examples:
        >>> g = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "m")])
        >>> g.add_node("i", name="Einzelkämpfer", kind="initiative")
        >>> nx.set_node_attributes(g, {"m": "migrant_organisation", "c": "authority"}, "kind")
        >>> g.nodes["c"]["name"] = "Ausländerbehörde"
        >>> rows = peripheral_actors(g)
        >>> [(r["id"], [x["code"] for x in r["reasons"]]) for r in rows]
        ... # doctest: +NORMALIZE_WHITESPACE
        [('m', ['low_core', 'high_constraint', 'single_broker']), ('i', ['isolate']),
         ('a', ['high_constraint']), ('b', ['high_constraint'])]

        (``a`` and ``b`` have two partners who cooperate with each other: closure, no
        structural hole, constraint 1.007.)
        >>> rows[0]["reasons"][2]
        {'code': 'single_broker', 'params': {'broker': 'Ausländerbehörde'}}
    """
    core = core_number(IGraphView(g, ()))
    cons = constraint(g, "weight")
    lcc = largest_component(g)
    in_lcc = set(lcc)
    comp_size = {v: len(c) for c in nx.connected_components(g) for v in c}
    gateways = _gateways(g, lcc)
    rows: list[PeripheralActor] = []
    for v in g:
        attrs = g.nodes[v]
        degree = g.degree(v)
        reasons = []
        if degree == 0:
            reasons.append(_reason("isolate"))
        else:
            if v not in in_lcc:
                k = comp_size[v]
                reasons.append(_reason("outside_main_network", size=k))
            if core[v] <= 1:
                reasons.append(_reason("low_core", core=core[v]))
            c = cons[v]
            if c is not None and c >= constraint_threshold:
                reasons.append(_reason("high_constraint", constraint=c))
        broker = gateways.get(v) if attrs.get("kind") == _MSO else None
        if broker is not None:
            name = g.nodes[broker].get("name") or str(broker)
            reasons.append(_reason("single_broker", broker=name))
        if reasons:
            rows.append(
                {
                    "id": v,
                    "name": attrs.get("name"),
                    "kind": attrs.get("kind"),
                    "degree": degree,
                    "core_number": core[v],
                    "constraint": cons[v],
                    "broker": cast("str | None", broker),
                    "broker_name": g.nodes[broker].get("name") if broker is not None else None,
                    "reasons": reasons,
                }
            )
    rows.sort(key=_periphery_rank)
    return rows


#: how cut off a reason says an organisation is, most first
_SEVERITY = {
    "isolate": 0,
    "outside_main_network": 1,
    "single_broker": 2,
    "low_core": 3,
    "high_constraint": 4,
}


def _periphery_rank(row: PeripheralActor) -> tuple[bool, int, int, str]:
    """Migrant organisations first (whether they are included is the office's question),
    then the most cut off (isolated, outside the main network, behind one broker, on the
    edge, dependent), then the fewest ties."""
    worst = min(_SEVERITY.get(r["code"], len(_SEVERITY)) for r in row["reasons"])
    return (row["kind"] != _MSO, worst, row["degree"], str(row["id"]))


# --------------------------------------------------------------------------- readiness


def readiness(snapshot: Snapshot) -> list[Reason]:
    """What the store still lacks for the gap analysis to say something, and what to add.

    A new office starts empty and fills the store bit by bit; until then an empty list of
    gaps would read as "no gaps". Each note ``{"code", "params"}`` names the missing
    piece (``no_organisations``, ``no_cooperations``, ``no_areas``, ``no_offers``) and
    where to add it; an empty list means every analysis has what it needs.

    Examples:
        >>> import datetime as dt
        >>> from graph_schema.model import Organisation
        >>> from graph_schema.snapshot import Snapshot
        >>> awo = Organisation(id="a", name="AWO", kind="welfare_association")
        >>> snap = Snapshot(dt.date(2025, 1, 1), [awo], [])
        >>> [n["code"] for n in readiness(snap)]
        ['no_cooperations', 'no_areas', 'no_offers']
    """
    idx = SnapshotIndex(snapshot)
    notes = []
    if not idx.of(NodeLabel.ORGANISATION):
        notes.append(_reason("no_organisations"))
    elif not idx.ties(RelType.COOPERATES_WITH):
        notes.append(_reason("no_cooperations"))
    if not idx.cell_areas():
        notes.append(_reason("no_areas"))
    if not idx.of(NodeLabel.OFFER):
        notes.append(_reason("no_offers"))
    return notes


# --------------------------------------------------------------------------- council


@result_type
class CouncilBody(TypedDict):
    """The body compared in :func:`council_representation`."""

    id: str
    name: str
    kind: str


@result_type
class CouncilKind(TypedDict):
    """One organisation kind's seats on the council and share of the network."""

    kind: str
    label_de: str
    label_en: str
    #: fractional when a person represents several organisations
    seats: int | float
    seat_share: float | None
    organisations: int
    network_share: float | None
    #: seat share − network share
    difference: float | None


@result_type
class UncoveredField(TypedDict):
    """A field of action no member organisation works on."""

    id: str
    name_de: str
    name_en: str


@result_type
class UncoveredArea(TypedDict):
    """A place no member organisation is active in."""

    id: str
    name: str
    population: int | None


@result_type
class CouncilRepresentation(TypedDict):
    """Who sits on the project council, compared with who is in the network
    (:func:`council_representation`)."""

    body: CouncilBody | None
    #: what to add while nothing can be compared (``no_council``, ``no_seats``)
    message: Reason | None
    seats: int
    unassigned_seats: int | float
    member_organisations: list[str]
    kinds: list[CouncilKind]
    uncovered_fields: list[UncoveredField]
    uncovered_areas: list[UncoveredArea]


@gc_paused
def council_representation(snapshot: Snapshot, body_id: str | None = None) -> CouncilRepresentation:
    """Who sits on the project council, compared with who is in the network.

    A seat is a valid MEMBER_OF tie to the body. An organisation's own seat counts for its
    kind; a person's seat for the kind of the organisation they REPRESENT (split equally
    when they represent several; ``unassigned_seats`` when none). Shares are of all seats
    and of all organisations of the snapshot. Uncovered fields and areas are those no
    member organisation WORKS_ON / is ACTIVE_IN; here areas are literal (a region-wide
    member does not cover a municipality; one active in a district covers its
    municipality), since the question is who brings a place's view to the council.

    Args:
        snapshot: the network as of a date.
        body_id: the body; default the first Body of kind ``project_council`` (by id).

    Returns:
        ``{"body", "message", "seats", "unassigned_seats", "member_organisations", "kinds",
        "uncovered_fields", "uncovered_areas"}``; each kind ``{"kind", "label_de",
        "label_en", "seats", "seat_share", "organisations", "network_share",
        "difference"}`` (difference = seat share − network share), in vocabulary order.
        Where nothing can be compared yet, ``message`` (``{"code", "params"}``) says what
        to add: ``no_council`` (no project council; ``body`` is None and the lists are
        empty) or ``no_seats`` (the council has no members); otherwise it is None.

    Raises:
        ValueError: if ``body_id`` is given and there is no such body in the snapshot.

    Examples:
        >>> import datetime as dt
        >>> from graph_schema.model import Body, MemberOf, Organisation, Person, Represents
        >>> from graph_schema.snapshot import Snapshot
        >>> nodes = [
        ...     Body(id="rat", name="Projektrat", kind="project_council"),
        ...     Organisation(id="w", name="AWO", kind="welfare_association"),
        ...     Organisation(id="m1", name="Kulturverein", kind="migrant_organisation"),
        ...     Organisation(id="m2", name="Elternverein", kind="migrant_organisation"),
        ...     Organisation(id="m3", name="Frauenverein", kind="migrant_organisation"),
        ...     Person(id="p", name="Leyla Kaya"),
        ... ]
        >>> ties = [MemberOf(id="s1", from_id="w", to_id="rat"),
        ...         MemberOf(id="s2", from_id="p", to_id="rat"),
        ...         Represents(id="r", from_id="p", to_id="m1")]
        >>> rep = council_representation(Snapshot(dt.date(2025, 1, 1), nodes, ties))
        >>> [(k["kind"], k["seat_share"], k["network_share"]) for k in rep["kinds"]]
        [('welfare_association', 0.5, 0.25), ('migrant_organisation', 0.5, 0.75)]
        >>> empty = council_representation(Snapshot(dt.date(2025, 1, 1), nodes[1:], []))
        >>> empty["body"], empty["message"]["code"]
        (None, 'no_council')
    """
    idx = SnapshotIndex(snapshot)
    bodies = idx.of(NodeLabel.BODY)
    if body_id is None:
        council = next((b for b in bodies if getattr(b, "kind", None) == "project_council"), None)
        if council is None:
            return _no_council(idx)
    else:
        council = idx.nodes.get(body_id)
        if council is None or council.label != NodeLabel.BODY:
            raise NotFound(f"body_id: no body with id {body_id!r} on {snapshot.as_of}")
    orgs = {o.id: o for o in idx.of(NodeLabel.ORGANISATION)}
    kind_of = {i: str(getattr(o, "kind", "other")) for i, o in orgs.items()}
    represents = idx.targets(RelType.REPRESENTS)
    seat_weight: dict[str, float] = defaultdict(float)
    unassigned = 0.0
    members: set[str] = set()
    total = 0
    for t in idx.ties(RelType.MEMBER_OF):
        if t.to_id != council.id:
            continue
        total += 1
        who = (
            [t.from_id]
            if t.from_id in orgs
            else [o for o in represents.get(t.from_id, []) if o in orgs]
        )
        if not who:
            unassigned += 1
            continue
        members.update(who)
        for o in who:
            seat_weight[kind_of[o]] += 1 / len(who)
    network = Counter(kind_of.values())
    n_orgs = len(orgs)
    present = set(network) | set(seat_weight)
    order = {k.value: i for i, k in enumerate(OrganisationKind)}
    kinds: list[CouncilKind] = []
    for k in sorted(present, key=lambda k: (order.get(k, len(order)), k)):
        label = ORGANISATION_KINDS.get(k)  # type: ignore[call-overload]
        seat_share = seat_weight[k] / total if total else None
        network_share = network[k] / n_orgs if n_orgs else None
        kinds.append(
            {
                "kind": k,
                "label_de": label.de if label else k,
                "label_en": label.en if label else k,
                "seats": _whole(seat_weight[k]),
                "seat_share": seat_share,
                "organisations": network[k],
                "network_share": network_share,
                "difference": (
                    seat_share - network_share
                    if seat_share is not None and network_share is not None
                    else None
                ),
            }
        )
    works_on = idx.targets(RelType.WORKS_ON)
    active_in = idx.targets(RelType.ACTIVE_IN)
    covered_fields = {f for o in members for f in works_on.get(o, [])}
    cells = idx.cell_areas()
    cell_ids = {a.id for a in cells}
    covered_places: set[str] = set()
    for o in members:
        for a in active_in.get(o, []):
            covered_places |= idx.reach(a, idx.area_parents) & cell_ids
    uncovered_areas: list[UncoveredArea] = [
        {"id": a.id, "name": a.display_name, "population": getattr(a, "population", None)}
        for a in cells
        if a.id not in covered_places
    ]
    uncovered_areas.sort(key=lambda r: (_population_key(r["population"]), r["id"]))
    name = council.display_name
    return {
        "body": {"id": council.id, "name": name, "kind": str(getattr(council, "kind", ""))},
        "message": None if total else _reason("no_seats", body=name),
        "seats": total,
        "unassigned_seats": _whole(unassigned),
        "member_organisations": sorted(members),
        "kinds": kinds,
        "uncovered_fields": [
            {"id": f, "name_de": idx.field_label(f, "de"), "name_en": idx.field_label(f, "en")}
            for f in idx.field_ids()
            if f not in covered_fields
        ],
        "uncovered_areas": uncovered_areas,
    }


def _no_council(idx: SnapshotIndex) -> CouncilRepresentation:
    """The answer while there is no project council: nothing to compare, and what to add."""
    return {
        "body": None,
        "message": _reason("no_council"),
        "seats": 0,
        "unassigned_seats": 0,
        "member_organisations": [],
        "kinds": [],
        "uncovered_fields": [],
        "uncovered_areas": [],
    }


def _whole(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)
