"""Server-side layouts: deterministic, stored, extended for new nodes, editable."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx

from viz.layout import EDGE_LENGTH, LayoutStore, compute_layout, place_new_nodes


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
