"""Times the analysis functions of ``network/`` on the demo region at benchmark sizes.

Prints one table row per size: the graph's size and the seconds each function took.
Run with ``.venv/bin/python -m benchmarks.bench_analysis [--sizes 3000 30000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from graph_schema.demo import generate_region
from graph_schema.store.graph_store import Snapshot
from network import actors, brokerage, figures, gaps, graphs, mixing
from network._snapshot import exists_on

SIZES = (3_000, 30_000)
TODAY = dt.date(2026, 1, 15)


def demo_snapshot(size: int, seed: int = 20240901, today: dt.date = TODAY) -> Snapshot:
    """The demo region as the store would return it on ``today``: valid nodes and ties."""
    region = generate_region(size, seed=seed, today=today)
    nodes = [n for items in region.nodes.values() for n in items if exists_on(n, today)]
    ids = {n.id for n in nodes}
    ties = [
        t
        for items in region.ties.values()
        for t in items
        if t.valid_on(today) and t.from_id in ids and t.to_id in ids
    ]
    return Snapshot(today, nodes, ties)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def run(size: int) -> dict[str, Any]:
    snap, t_snap = timed(lambda: demo_snapshot(size))
    g, t_graph = timed(lambda: graphs.cooperation_graph(snap))
    row: dict[str, Any] = {
        "organisations": g.number_of_nodes(),
        "ties": g.number_of_edges(),
        "generate_s": t_snap,
        "cooperation_graph_s": t_graph,
    }
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("actor_metrics_s", lambda: actors.actor_metrics(g)),
        ("summary_s", lambda: figures.summary(g)),
        ("communities_s", lambda: figures.communities(g)),
        ("brokerage_s", lambda: brokerage.brokerage(g)),
        ("ei_index_s", lambda: mixing.ei_index(g, "kind")),
        ("missing_cooperations_s", lambda: gaps.missing_cooperations(snap, g)),
        ("peripheral_actors_s", lambda: gaps.peripheral_actors(g)),
        ("offer_gaps_s", lambda: gaps.offer_gaps(snap)),
        ("duplicate_offers_s", lambda: gaps.duplicate_offers(snap)),
    ]
    for name, fn in steps:
        result, seconds = timed(fn)
        row[name] = seconds
        if name == "actor_metrics_s":
            row["estimated"] = result[0]["estimated"]
        if name == "summary_s":
            row["path_estimated"] = result["path_metrics_estimated"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        rows.append(run(size))
        print(f"size {size} done", flush=True)
    keys = list(rows[0])
    width = max(len(k) for k in keys)
    print()
    print(f"{'':<{width}}  " + "  ".join(f"{r['organisations']:>10,}" for r in rows))
    for k in keys[1:]:
        cells = []
        for r in rows:
            v = r[k]
            cells.append(f"{v:>10.3f}" if isinstance(v, float) else f"{v!s:>10}")
        print(f"{k:<{width}}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
