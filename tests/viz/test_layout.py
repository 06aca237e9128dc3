"""Server-side layouts: deterministic, stored, extended for new nodes, editable."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pytest

from viz.layout import CANVAS, EDGE_LENGTH, LayoutStore, compute_layout, footprints, place_new_nodes


def test_same_graph_same_positions() -> None:
    g = nx.krackhardt_kite_graph()
    assert compute_layout(g) == compute_layout(g)
    assert compute_layout(g, seed=1) != compute_layout(g, seed=2)


def test_ties_have_about_the_chosen_length() -> None:
    g = nx.florentine_families_graph()
    pos = compute_layout(g)
    lengths = sorted(math.dist(pos[a], pos[b]) for a, b in g.edges())
    assert 0.7 * EDGE_LENGTH < lengths[len(lengths) // 2] < 1.3 * EDGE_LENGTH


def test_isolates_do_not_sit_inside_the_network() -> None:
    g = nx.krackhardt_kite_graph()
    g.add_nodes_from(["x", "y"])
    pos = compute_layout(g)
    lowest = max(pos[v][1] for v in range(10))
    assert pos["x"][1] > lowest and pos["y"][1] > lowest


def test_new_nodes_go_next_to_their_neighbours() -> None:
    g = nx.Graph([("a", "b"), ("b", "c"), ("c", "new")])
    pos = {"a": (0.0, 0.0), "b": (90.0, 0.0), "c": (180.0, 0.0)}
    new = place_new_nodes(g, pos)
    assert set(new) == {"new"}
    assert math.dist(new["new"], pos["c"]) <= 1.6 * EDGE_LENGTH


def test_layout_store_computes_once_then_reuses(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path / "layouts")
    g = nx.les_miserables_graph()
    first, info = store.positions_for("cooperation", g)
    assert info["source"] == "computed"
    again, info = LayoutStore(tmp_path / "layouts").positions_for("cooperation", g)
    assert info["source"] == "stored" and again == first
    g.add_edge("Valjean", "Neuling")
    extended, info = store.positions_for("cooperation", g)
    assert info["source"] == "extended"
    assert all(extended[v] == first[v] for v in first)


def test_editors_positions_are_kept(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    g = nx.path_graph(["a", "b", "c"])
    store.positions_for("k", g)
    assert store.save_positions("k", {"a": (5.0, 6.0), "unknown": (1.0, 1.0)}) == 1
    pos, info = store.positions_for("k", g)
    assert pos["a"] == (5.0, 6.0) and info["source"] == "stored"
    assert store.save_positions("never-computed", {"a": (1.0, 1.0)}) == 0


def test_a_damaged_file_is_computed_anew(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    g = nx.path_graph(3)
    store.positions_for("k", g)
    for f in tmp_path.glob("*.json"):
        f.write_text("{not json")
    fresh = LayoutStore(tmp_path)
    _, info = fresh.positions_for("k", g)
    assert info["source"] == "computed"


def test_a_layout_of_an_earlier_algorithm_is_computed_anew_unless_arranged(
    tmp_path: Path,
) -> None:
    import json

    g = nx.connected_watts_strogatz_graph(40, 4, 0.2, seed=1)
    store = LayoutStore(tmp_path)
    store.positions_for("cooperation", g)
    store.positions_for("ego|x|1", g)
    for path in tmp_path.glob("*.json"):  # as an earlier version wrote them
        raw = json.loads(path.read_text())
        del raw["algorithm"]
        raw["positions"] = {k: [1.0, 2.0] for k in raw["positions"]}
        path.write_text(json.dumps(raw))
    fresh = LayoutStore(tmp_path)
    fresh.save_positions("ego|x|1", {"0": (5.0, 5.0)})  # an editor arranged this one
    computed, info = fresh.positions_for("cooperation", g)
    assert info["source"] == "computed" and computed[1] != (1.0, 2.0)
    kept, info = fresh.positions_for("ego|x|1", g)
    assert info["source"] == "stored" and kept[0] == (5.0, 5.0) and kept[1] == (1.0, 2.0)
    _, info = LayoutStore(tmp_path).positions_for("cooperation", g)
    assert info["source"] == "stored"


def _real_shaped_graph(organisations: int, cooperations: int, seed: int) -> nx.Graph:
    from tests.web.real_shaped import real_shaped

    region = real_shaped(organisations, cooperations, seed=seed)
    g = nx.Graph()
    for o in region.organisations:
        g.add_node(o["id"], name=o["name"], short_name=o.get("short_name"), kind=o["kind"])
    g.add_edges_from(region.cooperations)
    return g


def _clashes(g: nx.Graph, pos: dict[object, tuple[float, float]]) -> list[tuple[object, object]]:
    """Pairs of nodes whose dot or name boxes overlap, with the map's own footprints."""
    prints = footprints(g)
    rects = {v: prints[v].rects(*pos[v]) for v in g}
    nodes = sorted(g, key=str)
    return [
        (a, b)
        for i, a in enumerate(nodes)
        for b in nodes[i + 1 :]
        if any(
            r[0] < q[2] and q[0] < r[2] and r[1] < q[3] and q[1] < r[3]
            for r in rects[a]
            for q in rects[b]
        )
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_long_name_network_gets_room_for_every_name_inside_the_canvas(seed: int) -> None:
    g = _real_shaped_graph(68, 54, seed)
    pos = compute_layout(g)
    assert not _clashes(g, pos)
    prints = footprints(g)
    for v in g:
        for left, top, right, bottom in prints[v].rects(*pos[v]):
            assert -CANVAS[0] / 2 <= left and right <= CANVAS[0] / 2, v
            assert -CANVAS[1] / 2 <= top and bottom <= CANVAS[1] / 2, v


def test_new_organisations_find_room_inside_the_canvas(tmp_path: Path) -> None:
    """An office adds organisations after the first look at the map: they are placed
    where their name has room, and the map keeps its size (no ring outside it)."""
    store = LayoutStore(tmp_path)
    g = _real_shaped_graph(68, 54, 1)
    first, _ = store.positions_for("cooperation", g)
    g.add_node("neu-1", name="Neuer Verein für Begegnung und Integration e.V.", kind="initiative")
    g.add_node("neu-2", name="Syrischer Elternverein", kind="migrant_organisation")
    g.add_edge("neu-2", "org-001")
    pos, info = store.positions_for("cooperation", g)
    assert info["source"] == "extended"
    assert all(pos[v] == first[v] for v in first)
    assert not _clashes(g, pos)
    for v in ("neu-1", "neu-2"):
        assert abs(pos[v][0]) < CANVAS[0] / 2 and abs(pos[v][1]) < CANVAS[1] / 2
