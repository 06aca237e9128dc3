"""Positions of network views, computed on the server and stored per view.

A force-directed layout (igraph's Fruchterman-Reingold, seeded) is computed once per view
and kept as a JSON file, so a map looks the same on every visit and the browser draws it at
once instead of simulating physics. Later changes of the network place new nodes beside
their neighbours and keep everyone else where they were; editors' dragged positions are
stored the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import random
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx

from network.engine import seeded

__all__ = [
    "LayoutStore",
    "StoredLayout",
    "add_nodes",
    "compute_layout",
    "ego_layout",
    "footprints",
    "name_order",
    "names_above",
    "place_new_nodes",
]

Position = tuple[float, float]

#: distance between neighbours in the layout's units (vis-network pixels at zoom 1)
EDGE_LENGTH = 90.0
#: version of :func:`compute_layout`: stored layouts of an earlier one are computed anew
#: unless an editor has arranged them (2: core spread and nearest-neighbour spacing; 3:
#: room for the names; 4: pairs side by side)
ALGORITHM = 4
#: typical distance from a node to its nearest neighbour, at least (vis-network units)
SPACING = 60.0
#: share of new nodes up to which a stored layout is extended instead of recomputed
EXTEND_SHARE = 0.2
#: the map's canvas in a 1400x900 browser window (CSS pixels): layouts are made to show
#: every name at a readable size when the whole map fits into it
CANVAS = (1106.0, 683.0)
#: margin around the picture when the map is fitted to the canvas (netview.js)
FIT_MARGIN = 1.04
#: up to this many nodes the layout makes room for every name
NAMED_LIMIT = 1000
#: every name is asked for up to this many nodes; above, as many as fill this share of
#: the canvas (with the dots), most connected first
ALL_NAMED, NAMED_SHARE = 300, 0.5


#: exponent of the radial spreading of a component's core (1: none); see :func:`_spread_core`
CORE_SPREAD = 0.6


def _spread_core(coords: list[list[float]]) -> list[list[float]]:
    """Give the dense centre of a force-directed layout more room.

    Fruchterman-Reingold packs the well-connected core of a regional network (the welfare
    associations, the authorities) tightly and leaves its periphery sparse: zoomed out on a
    projector, the hubs' names overlap. Each node keeps its direction from the centroid
    while its distance r becomes R·(r/R)^:data:`CORE_SPREAD` (R the largest distance), a
    radial fisheye: the order outward stays, the core widens, the rim narrows. On the
    150-organisation demo this cut the nodes whose nearest neighbour is closer than 2 % of
    the picture's width from 19 % to 2 %.

    Examples:
        >>> [[round(c, 3) for c in p] for p in _spread_core([[0, 0], [1, 0], [4, 0], [-5, 0]])]
        [[0.0, 0.0], [1.904, 0.0], [4.373, 0.0], [-5.0, 0.0]]
    """
    if len(coords) < 3:
        return [list(c) for c in coords]
    cx = sum(c[0] for c in coords) / len(coords)
    cy = sum(c[1] for c in coords) / len(coords)
    radii = [math.hypot(c[0] - cx, c[1] - cy) for c in coords]
    top = max(radii) or 1.0
    out = []
    for (x, y), r in zip(coords, radii, strict=True):
        k = (r / top) ** CORE_SPREAD * top / r if r > 0 else 1.0
        out.append([cx + (x - cx) * k, cy + (y - cy) * k])
    return out


def _force_directed(
    g: nx.Graph,
    nodes: list[Hashable],
    seed: int,
    initial: Mapping[Hashable, Position] | None,
    iterations: int,
) -> dict[Hashable, Position]:
    """igraph's Fruchterman-Reingold on one connected component, scaled so that a typical
    tie is :data:`EDGE_LENGTH` long, with the bounding box's corner at (0, 0)."""
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    h = ig.Graph(n=n, edges=[(index[a], index[b]) for a, b in g.subgraph(nodes).edges() if a != b])
    rng = random.Random(seed)
    # igraph's grid variant is fast only from a compact start: a square of side sqrt(n)
    box = math.sqrt(n) / 2
    given = {v: initial[v] for v in nodes if initial and v in initial}
    if given:
        gx = sum(x for x, _ in given.values()) / len(given)
        gy = sum(y for _, y in given.values()) / len(given)
        spread = max(max(abs(x - gx), abs(y - gy)) for x, y in given.values()) or 1.0
    start = []
    for v in nodes:
        if v in given:
            x, y = given[v]
            start.append([(x - gx) / spread * box, (y - gy) / spread * box])
        else:
            start.append([rng.uniform(-box, box), rng.uniform(-box, box)])
    with seeded(seed):  # igraph draws from one global generator: seed it for this call
        coords = _spread_core(h.layout_fruchterman_reingold(seed=start, niter=iterations).coords)
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in h.get_edgelist())
    factor = EDGE_LENGTH / ((lengths[len(lengths) // 2] if lengths else 1.0) or 1.0)
    if n >= 3:  # and neighbours far enough apart for their dots (radius 8 to 40) and names
        from scipy.spatial import cKDTree

        nearest = sorted(cKDTree(coords).query(coords, k=2)[0][:, 1])
        median = nearest[len(nearest) // 2]
        if median > 0:
            factor = max(factor, SPACING / median)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    x0, y0 = min(xs), min(ys)
    return {
        v: ((coords[i][0] - x0) * factor, (coords[i][1] - y0) * factor) for i, v in enumerate(nodes)
    }


def compute_layout(
    g: nx.Graph,
    *,
    seed: int = 42,
    initial: Mapping[Hashable, Position] | None = None,
    iterations: int = 500,
    names: bool = True,
) -> dict[Hashable, Position]:
    """A seeded force-directed layout of ``g``, centred, in vis-network units, with room
    for the names.

    Each connected component of three or more nodes gets its own Fruchterman-Reingold
    layout (igraph); the components are packed in rows, largest first, and pairs and
    isolated nodes go into a compact block of named cells below them, so that a few
    unconnected actors do not push the network into a corner. Then (``names``, up to
    :data:`NAMED_LIMIT` nodes) the picture is fitted to the map's canvas
    (:data:`CANVAS`) and each node takes the nearest spot where its dot and name have
    room (:func:`viz.labels.place`): the browser shows the whole map at a zoom at which
    the names are readable. Nodes are taken in sorted order: the same graph and seed
    give the same positions. ``initial`` positions (e.g. of a stored layout) are the
    starting point where given.

    Examples:
        >>> g = nx.path_graph(4)
        >>> g.add_node(9)
        >>> a, b = compute_layout(g), compute_layout(g)
        >>> a == b, len(a)
        (True, 5)
    """
    if g.number_of_nodes() == 0:
        return {}
    comps = sorted(
        (sorted(c, key=str) for c in nx.connected_components(g)), key=lambda c: (-len(c), str(c[0]))
    )
    big = [c for c in comps if len(c) >= 3]
    small_comps = [c for c in comps if len(c) < 3]
    small = [v for c in small_comps for v in c]
    prints = footprints(g) if names and len(g) <= NAMED_LIMIT else None
    blocks = [_force_directed(g, c, seed, initial, iterations) for c in big]
    sizes = [(max(x for x, _ in b.values()), max(y for _, y in b.values())) for b in blocks]
    area = sum((w + EDGE_LENGTH) * (h + EDGE_LENGTH) for w, h in sizes)
    width = max([sizes[0][0] if sizes else 0.0, math.sqrt(area), EDGE_LENGTH * 8])
    out: dict[Hashable, Position] = {}
    x = y = row_height = 0.0
    gap = EDGE_LENGTH * 1.5
    for block, (w, h) in zip(blocks, sizes, strict=True):
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        for v, (bx, by) in block.items():
            out[v] = (bx + x, by + y)
        x += w + gap
        row_height = max(row_height, h)
    if small:
        y = (y + row_height + gap) if blocks else 0.0
        # cells as wide as the widest name among them: a named block, not a row of dots
        step_x = step_y = EDGE_LENGTH * 0.6
        if prints is not None:
            step_x = max(step_x, max(max(prints[v].w, 2 * prints[v].r) for v in small) + 8)
            step_y = max(step_y, max(2 * prints[v].r + prints[v].h for v in small) + 8)
        per_row = max(2, int(max(width, CANVAS[0]) // step_x))
        i = 0
        for comp in small_comps:
            if i % per_row + len(comp) > per_row:  # a pair is never split over two rows
                i += per_row - i % per_row
            for v in comp:
                out[v] = ((i % per_row) * step_x, y + (i // per_row) * step_y)
                i += 1
    if prints is not None:
        out = _fit_to_canvas(g, out, prints)
    xs = [p[0] for p in out.values()]
    ys = [p[1] for p in out.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return {v: (round(px - cx, 1), round(py - cy, 1)) for v, (px, py) in out.items()}


def footprints(g: nx.Graph, above: Iterable[Hashable] = ()) -> dict[Hashable, Any]:
    """Each node's room on the map (:class:`viz.labels.Footprint`): its dot, sized by
    degree as on the map by default, and its name as the map writes it (below the dot,
    above it for the nodes in ``above``)."""
    from viz.labels import footprint, lines_for, map_label
    from viz.network_view import node_sizes

    radius = node_sizes(dict(g.degree()), len(g))
    width, lines = lines_for(len(g))
    up = set(above)
    return {
        v: footprint(
            map_label(str(g.nodes[v].get("name") or v), g.nodes[v].get("short_name"), width, lines),
            radius[v],
            above=v in up,
        )
        for v in g
    }


def name_order(g: nx.Graph) -> list[Hashable]:
    """Whose name comes first when room is short: the best connected, and among equals the
    migrant organisations (whose place in the network is the office's question)."""
    return sorted(
        g,
        key=lambda v: (-g.degree(v), g.nodes[v].get("kind") != "migrant_organisation", str(v)),
    )


def ego_layout(g: nx.Graph, center: Hashable) -> dict[Hashable, Position]:
    """The focus in the middle, its partners on a ring around it, their partners on an
    outer ring beside them; names above the dots in the upper half (:func:`names_above`)
    and below in the lower half, so they point away from the focus. Then, as every map,
    fitted to the canvas with room for every name.

    Examples:
        >>> g = nx.star_graph(["m", "a", "b", "c"])
        >>> pos = ego_layout(g, "m")
        >>> ys = sorted(round(pos[v][1]) for v in "abc")
        >>> len(set(ys)) > 1 or len({round(pos[v][0]) for v in "abc"}) == 3
        True
    """
    if center not in g:
        return compute_layout(g)
    first = sorted((v for v in g.neighbors(center)), key=lambda v: (-g.degree(v), str(v)))
    inner = set(first) | {center}
    prints = footprints(g)
    widths = [max(prints[v].w, 2 * prints[v].r) + 16 for v in first]
    r1 = max(EDGE_LENGTH * 1.6, sum(widths) / (2 * math.pi))
    if r1 > CANVAS[0] / 2.5 and len(first) > 8:  # many partners: two rings, alternating
        r1 = max(EDGE_LENGTH * 1.6, sum(widths) / (4 * math.pi))
    out: dict[Hashable, Position] = {center: (0.0, 0.0)}
    angle_of: dict[Hashable, float] = {}
    for i, v in enumerate(first):
        a = -math.pi / 2 + 2 * math.pi * i / max(1, len(first))
        r = r1 * (1.0 if i % 2 == 0 or len(first) <= 8 else 1.35)
        out[v] = (r * math.cos(a), r * math.sin(a))
        angle_of[v] = a
    outer = sorted(
        (v for v in g if v not in inner),
        key=lambda v: (
            min((angle_of[u] for u in g.neighbors(v) if u in angle_of), default=0.0),
            str(v),
        ),
    )
    r2 = r1 * 1.35 + EDGE_LENGTH * 1.5
    for i, v in enumerate(outer):
        a = -math.pi / 2 + 2 * math.pi * (i + 0.5) / max(1, len(outer))
        near = [angle_of[u] for u in g.neighbors(v) if u in angle_of]
        if near:  # beside its partner on the inner ring
            a = (a + sum(near) / len(near)) / 2
        out[v] = (r2 * math.cos(a), r2 * math.sin(a))
    return _fit_to_canvas(g, out, footprints(g, names_above(out, center)))


def names_above(positions: Mapping[Hashable, Position], center: Hashable) -> set[Hashable]:
    """The nodes above the focus: their names are written above the dot (outwards)."""
    cy = positions[center][1]
    return {v for v, (_x, y) in positions.items() if y < cy - 1.0}


def _fit_to_canvas(
    g: nx.Graph, positions: Mapping[Hashable, Position], prints: Mapping[Hashable, Any]
) -> dict[Hashable, Position]:
    """Fit the picture to the canvas and give every node's dot and name its own room.

    The force-directed picture is scaled into the canvas (width and height separately, at
    most twice as much one way as the other, so the shape stays recognisable); then
    :func:`viz.labels.place` puts each node, most connected first, at the free spot nearest
    to its place in that picture. As many names as fit in about half of the canvas are
    asked for (every name up to :data:`ALL_NAMED` nodes); a name that finds no room
    leaves its node unnamed at first sight. ``prints`` are the nodes' footprints.
    """
    from viz.labels import place

    nodes = list(positions)
    width, height = CANVAS[0] / FIT_MARGIN, CANVAS[1] / FIT_MARGIN
    xs = [positions[v][0] for v in nodes]
    ys = [positions[v][1] for v in nodes]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    span_x, span_y = max(max(xs) - min(xs), 1.0), max(max(ys) - min(ys), 1.0)
    mean_w = sum(max(prints[v].w, 2 * prints[v].r) for v in nodes) / len(nodes)
    mean_h = sum(2 * prints[v].r + prints[v].h for v in nodes) / len(nodes)
    sx = min(1.0, max(width - mean_w, 1.0) / span_x)
    sy = min(1.0, max(height - 1.5 * mean_h, 1.0) / span_y)
    sx, sy = min(sx, 2 * sy), min(sy, 2 * sx)
    targets = [((positions[v][0] - cx) * sx, (positions[v][1] - cy) * sy) for v in nodes]
    order_of = {v: i for i, v in enumerate(nodes)}
    order = [order_of[v] for v in name_order(g)]
    budget = NAMED_SHARE * width * height
    wanted = [False] * len(nodes)
    used = sum((2 * prints[v].r) ** 2 for v in nodes)
    for i in order:
        fp = prints[nodes[i]]
        used += fp.w * fp.h
        if used > budget and len(nodes) > ALL_NAMED:
            break
        wanted[i] = True
    placed, _named = place(
        targets, [prints[v] for v in nodes], order, (width, height), named=wanted
    )
    return {v: placed[i] for i, v in enumerate(nodes)}


def _jitter(node: Hashable, salt: int = 0) -> Position:
    digest = hashlib.sha256(f"{node}|{salt}".encode()).digest()
    angle = int.from_bytes(digest[:4], "big") / 2**32 * 2 * math.pi
    radius = 0.5 + int.from_bytes(digest[4:8], "big") / 2**32
    return math.cos(angle) * radius, math.sin(angle) * radius


def place_new_nodes(
    g: nx.Graph, positions: Mapping[Hashable, Position]
) -> dict[Hashable, Position]:
    """Positions for the nodes of ``g`` without one: beside their placed neighbours, or on a
    ring around the map for nodes without any. Deterministic; placed nodes stay put.

    Examples:
        >>> g = nx.Graph([("a", "b"), ("b", "c")])
        >>> new = place_new_nodes(g, {"a": (0.0, 0.0), "b": (60.0, 0.0)})
        >>> list(new), 0.4 * EDGE_LENGTH <= math.dist(new["c"], (60.0, 0.0)) <= 1.6 * EDGE_LENGTH
        (['c'], True)
    """
    placed = dict(positions)
    missing = sorted((v for v in g if v not in placed), key=str)
    if not placed:
        return compute_layout(g.subgraph(missing)) if missing else {}
    xs = [p[0] for p in placed.values()]
    ys = [p[1] for p in placed.values()]
    cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
    radius = max(math.dist((cx, cy), p) for p in placed.values()) + 2 * EDGE_LENGTH
    out: dict[Hashable, Position] = {}
    for _round in range(3):  # nodes next to other new nodes get placed in a later round
        for v in missing:
            if v in out:
                continue
            near: list[Position] = []
            for u in g.neighbors(v):
                found = placed.get(u) or out.get(u)
                if found is not None:
                    near.append(found)
            if not near and _round < 2:
                continue
            jx, jy = _jitter(v)
            if near:
                x = sum(p[0] for p in near) / len(near) + jx * EDGE_LENGTH
                y = sum(p[1] for p in near) / len(near) + jy * EDGE_LENGTH
            else:
                angle = math.atan2(jy, jx)
                x, y = cx + math.cos(angle) * radius, cy + math.sin(angle) * radius
            out[v] = (round(x, 1), round(y, 1))
    return out


def add_nodes(g: nx.Graph, positions: Mapping[Hashable, Position]) -> dict[Hashable, Position]:
    """Positions for the nodes of ``g`` without one, beside their neighbours
    (:func:`place_new_nodes`) and, on a map with names (up to :data:`NAMED_LIMIT`
    nodes), at the nearest spot inside the canvas where the dot and the name have room:
    a new organisation neither covers a name nor widens the map.

    Examples:
        >>> g = nx.Graph([("a", "b"), ("b", "c")])
        >>> new = add_nodes(g, {"a": (0.0, 0.0), "b": (90.0, 0.0)})
        >>> list(new), abs(new["c"][0]) < CANVAS[0] / 2
        (['c'], True)
    """
    from viz.labels import place

    targets = place_new_nodes(g, positions)
    if not targets or len(g) > NAMED_LIMIT:
        return targets
    prints = footprints(g)
    placed = [v for v in g if v in positions]
    new = list(targets)
    width, height = CANVAS[0] / FIT_MARGIN, CANVAS[1] / FIT_MARGIN
    spots, _named = place(
        [targets[v] for v in new],
        [prints[v] for v in new],
        [i for i, _v in sorted(enumerate(new), key=lambda p: (-g.degree(p[1]), str(p[1])))],
        (width, height),
        fixed=[(*positions[v], prints[v]) for v in placed],
    )
    return {v: (round(x, 1), round(y, 1)) for v, (x, y) in zip(new, spots, strict=True)}


@dataclass
class StoredLayout:
    key: str
    positions: dict[str, Position] = field(default_factory=dict)
    edited: bool = False
    computed_seconds: float = 0.0
    updated_at: str = ""
    algorithm: int = 1


class LayoutStore:
    """Layouts as JSON files in one directory, one file per view key.

    Args:
        directory: e.g. ``<data dir>/layouts``; created on the first save.
        seed: seed of every computed layout.
    """

    def __init__(self, directory: Path, seed: int = 42) -> None:
        self.directory = Path(directory)
        self.seed = seed
        self._lock = threading.RLock()
        self._memory: dict[str, tuple[float, StoredLayout]] = {}

    def _path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")

    def get(self, key: str) -> StoredLayout | None:
        path = self._path(key)
        with self._lock:
            try:
                mtime = path.stat().st_mtime
            except FileNotFoundError:
                return None
            cached = self._memory.get(key)
            if cached and cached[0] == mtime:
                return cached[1]
            try:
                raw = json.loads(path.read_text())
                layout = StoredLayout(
                    key=raw["key"],
                    positions={k: (float(x), float(y)) for k, (x, y) in raw["positions"].items()},
                    edited=bool(raw.get("edited")),
                    computed_seconds=float(raw.get("computed_seconds", 0.0)),
                    updated_at=str(raw.get("updated_at", "")),
                    algorithm=int(raw.get("algorithm", 1)),
                )
            except (OSError, ValueError, KeyError, TypeError):
                return None  # a damaged file is computed anew
            self._memory[key] = (mtime, layout)
            return layout

    def save(self, layout: StoredLayout) -> None:
        layout.updated_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        path = self._path(layout.key)
        with self._lock:
            # beside the data folder's personal data: the owner's only (0700, 0600)
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if self.directory.stat().st_mode & 0o077:
                self.directory.chmod(0o700)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(
                    json.dumps(
                        {
                            "key": layout.key,
                            "positions": {k: list(p) for k, p in layout.positions.items()},
                            "edited": layout.edited,
                            "computed_seconds": layout.computed_seconds,
                            "updated_at": layout.updated_at,
                            "algorithm": layout.algorithm,
                        },
                        separators=(",", ":"),
                    )
                )
            os.replace(tmp, path)
            self._memory[layout.key] = (path.stat().st_mtime, layout)

    def positions_for(
        self,
        key: str,
        g: nx.Graph,
        compute: Callable[[nx.Graph], dict[Hashable, Position]] | None = None,
    ) -> tuple[dict[Hashable, Position], dict[str, Any]]:
        """Positions of every node of ``g`` under ``key``: stored, extended or computed
        (by ``compute``, default :func:`compute_layout`; such a layout is computed anew
        rather than extended).

        Returns the positions and what happened (``source``: stored, extended or computed;
        ``seconds``: time spent computing).
        """
        with self._lock:
            stored = self.get(key)
            if stored and not stored.edited and stored.algorithm != ALGORITHM:
                stored = None  # computed by an earlier layout algorithm: computed anew
            known = stored.positions if stored else {}
            missing = [v for v in g if str(v) not in known]
            started = time.perf_counter()
            if stored and not missing:
                source = "stored"
            elif stored and (
                stored.edited
                or (compute is None and len(missing) <= max(20, EXTEND_SHARE * len(g)))
            ):
                have = {v: known[str(v)] for v in g if str(v) in known}
                new = add_nodes(g, have)
                stored.positions.update({str(k): v for k, v in new.items()})
                self.save(stored)
                source = "extended"
            else:
                initial = {v: known[str(v)] for v in g if str(v) in known}
                if compute is not None:
                    positions = compute(g)
                else:
                    positions = compute_layout(g, seed=self.seed, initial=initial or None)
                stored = StoredLayout(
                    key=key,
                    positions={**known, **{str(k): v for k, v in positions.items()}},
                    computed_seconds=round(time.perf_counter() - started, 3),
                    algorithm=ALGORITHM,
                )
                self.save(stored)
                source = "computed"
            seconds = time.perf_counter() - started
            result = {v: stored.positions[str(v)] for v in g}
        return result, {"source": source, "seconds": round(seconds, 3)}

    def save_positions(self, key: str, positions: Mapping[str, Position]) -> int:
        """Store dragged positions (only of nodes the layout knows); returns how many."""
        with self._lock:
            stored = self.get(key)
            if stored is None:
                return 0
            changed = 0
            for node, (x, y) in positions.items():
                if node in stored.positions:
                    stored.positions[node] = (round(float(x), 1), round(float(y), 1))
                    changed += 1
            if changed:
                stored.edited = True
                self.save(stored)
            return changed
