"""Times the full analysis of ``network/`` on the demo region beside igraph.

Each tier (300, 3,000 and 30,000 organisations) runs in two fresh subprocesses, one for
our analysis and one for igraph, so that each peak memory (``ru_maxrss``) is that
engine's alone. Both build the same snapshot from the generator's data (the region as
the store would return it on :data:`TODAY`) and the same cooperation graph.

* ours: the full analysis as :class:`api.services.analysis.AnalysisService` runs it: cooperation
  graph, actor metrics, summary (with bridges), communities, brokerage, mixing, gaps.
* igraph: the same set of actor metrics on the same graph: betweenness unweighted and
  weighted (distance 6 / intensity), closeness, PageRank and eigenvector (weighted by
  intensity), coreness, local transitivity, Burt's constraint.

The ratio compares our actor metrics with igraph's. Above
:data:`network.actors.EXACT_LIMIT` organisations our betweenness and closeness are
estimated from :data:`network.actors.SAMPLES` sources / pivots, so igraph is timed on the
same estimate (betweenness from the same sources, ``sources=``; closeness from distances
to the same pivots); igraph's exact betweenness at 30,000 takes minutes (measured 89 s
unweighted and 505 s weighted) and is only timed with ``--exact-large``.

Writes its section of ``benchmarks/RESULTS.md``. Run with
``.venv/bin/python -m benchmarks.bench_analysis [--sizes 300 3000 30000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.results import write_section

SIZES = (300, 3_000, 30_000)
TODAY = dt.date(2026, 1, 15)
TITLE = "## Network analysis beside igraph"


def demo_snapshot(size: int, seed: int = 20240901, today: dt.date = TODAY) -> Any:
    """The demo region as the store would return it on ``today``: valid nodes and ties."""
    from graph_schema.demo import generate_region
    from graph_schema.snapshot import Snapshot
    from graph_schema.store.graph_store import share_fields

    region = generate_region(size, seed=seed, today=today)
    nodes = [n for items in region.nodes.values() for n in items if n.exists_on(today)]
    ids = {n.id for n in nodes}
    ties = [
        t
        for items in region.ties.values()
        for t in items
        if t.valid_on(today) and t.from_id in ids and t.to_id in ids
    ]
    share_fields(nodes)  # as the store's snapshot does
    share_fields(ties)
    return Snapshot(today, nodes, ties)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def repeats(size: int) -> int:
    """Runs per step: the median of 5 (up to 1,000 organisations) or 3 runs, so a first
    call's one-off costs (lazy imports, caches) do not decide a step of a few milliseconds,
    and one slow run does not decide a large tier (igraph's sampled weighted betweenness at
    30,000 took 1.4 s to 2.9 s in runs of the same graph here)."""
    return 5 if size <= 1_000 else 3


def timed_median(fn: Callable[[], Any], times: int) -> tuple[Any, float]:
    """The last run's result and the median time; an earlier result is let go before the
    next run, so repeating a step does not raise the peak memory."""
    seconds = []
    result = None
    for _ in range(times):
        result = None
        result, t = timed(fn)
        seconds.append(t)
    return result, sorted(seconds)[len(seconds) // 2]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


# --------------------------------------------------------------------------- ours


def run_ours(size: int, exact_large: bool) -> dict[str, Any]:
    from network import actors, brokerage, figures, gaps, graphs, mixing, pool

    snap, t_gen = timed(lambda: demo_snapshot(size))
    base_mb = peak_mb()
    # the service starts its worker process at start-up; so does the bench, untimed
    workers, t_warm = timed(pool.warm)
    g, t_graph = timed(lambda: graphs.cooperation_graph(snap))
    row: dict[str, Any] = {
        "organisations": g.number_of_nodes(),
        "ties": g.number_of_edges(),
        "generate_s": t_gen,
        "baseline_mb": base_mb,
        "graph_s": t_graph,
        "worker": bool(workers),
        "worker_start_s": t_warm,
    }
    metrics: list[dict[str, Any]] = []

    def metric_rows() -> None:
        metrics.clear()  # the rows of an earlier run go first (peak memory)
        metrics.extend(actors.actor_metrics(g))

    def mix() -> Any:
        attrs = ("kind", "areas", "fields")
        return (
            {a: mixing.ei_index(g, a) for a in attrs},
            {a: mixing.mixing_matrix(g, a) for a in attrs},
            mixing.mso_cooperation(g),
        )

    def gap() -> Any:
        return (
            gaps.offer_gaps(snap),
            gaps.duplicate_offers(snap),
            gaps.missing_cooperations(snap, g, limit=100),
            gaps.peripheral_actors(g),
            gaps.council_representation(snap),
        )

    steps: list[tuple[str, Callable[[], Any]]] = [
        ("actor_metrics_s", metric_rows),
        (
            "summary_s",
            lambda: (
                figures.summary(g, betweenness=[r["betweenness"] for r in metrics]),
                actors.bridges(g),
            ),
        ),
        ("communities_s", lambda: figures.communities(g)),
        ("brokerage_s", lambda: brokerage.brokerage(g)),
        ("mixing_s", mix),
        ("gaps_s", gap),
    ]
    for name, fn in steps:
        _, row[name] = timed_median(fn, repeats(size))
    row["estimated"] = bool(metrics[0]["estimated"])
    row["total_s"] = t_graph + sum(row[name] for name, _ in steps)
    row["peak_mb"] = peak_mb()
    row["worker_peak_mb"] = pool.peak_mb()
    if row["estimated"] and exact_large:
        _, row["actor_metrics_exact_s"] = timed(lambda: actors.actor_metrics(g, exact_limit=size))
    return row


# --------------------------------------------------------------------------- igraph


def run_igraph(size: int, exact_large: bool) -> dict[str, Any]:
    import igraph as ig
    import numpy as np

    from network import actors, graphs
    from network.engine import IGraphView, sample_indices

    snap = demo_snapshot(size)
    g = graphs.cooperation_graph(snap)
    del snap
    base_mb = peak_mb()

    def build() -> Any:
        nodes = list(g)
        index = {v: i for i, v in enumerate(nodes)}
        edges = [(index[u], index[v]) for u, v in g.edges()]
        h = ig.Graph(n=len(nodes), edges=edges, directed=False)
        h.es["weight"] = [d.get("weight", 1) for _, _, d in g.edges(data=True)]
        h.es["distance"] = [d.get("distance", 1) for _, _, d in g.edges(data=True)]
        return h

    h, t_build = timed_median(build, repeats(size))
    n = h.vcount()
    estimated = n > actors.EXACT_LIMIT and actors.SAMPLES < n
    sources = sample_indices(n, actors.SAMPLES, 42) if estimated else None
    pivots: list[int] | None = None
    if estimated:
        lcc = IGraphView(g, ()).largest_component()
        pivots = [lcc[i] for i in sample_indices(len(lcc), actors.SAMPLES, 42)]

    def closeness() -> Any:
        if pivots is None:
            return h.closeness(mode="all", normalized=True)
        total = np.zeros(n)
        for start in range(0, len(pivots), 64):
            d = np.asarray(h.distances(source=pivots[start : start + 64]))
            total += np.where(np.isfinite(d), d, 0).sum(axis=0)
        return total

    steps: list[tuple[str, Callable[[], Any]]] = [
        ("betweenness_s", lambda: h.betweenness(directed=False, sources=sources)),
        (
            "betweenness_weighted_s",
            lambda: h.betweenness(directed=False, weights="distance", sources=sources),
        ),
        ("closeness_s", closeness),
        ("pagerank_s", lambda: h.pagerank(weights="weight")),
        ("eigenvector_s", lambda: h.eigenvector_centrality(scale=False, weights="weight")),
        ("coreness_s", lambda: h.coreness()),
        ("transitivity_s", lambda: h.transitivity_local_undirected(mode="zero")),
        ("constraint_s", lambda: h.constraint(weights="weight")),
    ]
    row: dict[str, Any] = {"build_s": t_build, "baseline_mb": base_mb, "estimated": estimated}
    for name, fn in steps:
        row[name] = timed_median(fn, repeats(size))[1]
    row["total_s"] = t_build + sum(row[name] for name, _ in steps)
    row["peak_mb"] = peak_mb()
    if estimated and exact_large:
        row["betweenness_exact_s"] = timed(lambda: h.betweenness(directed=False))[1]
        row["betweenness_weighted_exact_s"] = timed(
            lambda: h.betweenness(directed=False, weights="distance")
        )[1]
    return row


# --------------------------------------------------------------------------- service


def service_dir(size: int) -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / f"netzwerkatlas-bench-service-{size}"


def prepare_store(size: int) -> dict[str, Any]:
    """The demo region of ``size`` loaded into an embedded store (kept for reruns)."""
    from graph_schema.demo import generate_region
    from graph_schema.store import open_ladybug

    folder = service_dir(size)
    store = open_ladybug(folder)
    try:
        store.init()
        if store.counts().get("Organisation", 0) != size:
            region = generate_region(size=size, today=TODAY)
            nodes = [n for items in region.nodes.values() for n in items]
            ties = [t for items in region.ties.values() for t in items]
            del region
            store.bulk_upsert(nodes, ties)
        return {"organisations": store.counts()["Organisation"]}
    finally:
        store.close()


def run_service(size: int, exact_large: bool) -> dict[str, Any]:
    """As the server answers after a start or a change: the store opened afresh, then the
    first ``/api/analysis/metrics`` and ``/summary`` (snapshot, graph, figures)."""
    from api.services.analysis import AnalysisService
    from graph_schema.store import open_ladybug
    from network import pool

    store = open_ladybug(service_dir(size), read_only=True)
    service = AnalysisService(store)
    pool.warm()
    base_mb = peak_mb()
    f = (TODAY, None, None, None)
    rows, t_metrics = timed(lambda: service.metrics(f))
    summary, t_summary = timed(lambda: service.summary(f))
    row: dict[str, Any] = {
        "organisations": len(rows),
        "estimated": bool(rows[0]["estimated"]),
        "baseline_mb": base_mb,
        "first_metrics_s": t_metrics,
        "first_summary_s": t_summary,
    }
    _, row["communities_s"] = timed(lambda: service.communities(f))
    _, row["brokerage_s"] = timed(lambda: service.brokerage(f))
    _, row["mixing_s"] = timed(lambda: service.mixing(f))
    row["graph_peak_mb"] = peak_mb()
    _, row["gaps_s"] = timed(lambda: service.gaps(f))
    row["peak_mb"] = peak_mb()
    row["worker_peak_mb"] = pool.peak_mb()
    if row["estimated"] and exact_large:
        started = time.perf_counter()
        state = service.wait(f, timeout=3600)
        row["exact_s"] = time.perf_counter() - started + t_metrics
        row["exact_state"] = state["state"]
        row["peak_mb"] = peak_mb()
        row["worker_peak_mb"] = pool.peak_mb()
    service.clear()  # stops the background job
    pool.shutdown()
    store.close()
    return row


# --------------------------------------------------------------------------- driver


def child(size: int, engine: str, exact_large: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.bench_analysis", "--child", engine, str(size)]
    if exact_large:
        cmd.append("--exact-large")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"{engine} at {size} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _f(x: float, digits: int = 2) -> str:
    return f"{x:,.{digits}f}"


Row = tuple[int, dict[str, Any], dict[str, Any], dict[str, Any] | None]


def write_results(rows: list[Row]) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    import os

    lines = [
        TITLE,
        "",
        f"Run {now} on {platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores. `make bench` (`python -m benchmarks.bench_analysis`) "
        "writes this section.",
        "",
        "Demo region from `generate_region(size=N)` as of "
        f"{TODAY.isoformat()}, snapshot built from the generator's data. Each engine runs "
        "in its own subprocess; peak memory is that process's maximum resident set size, "
        "including the generated region (baseline: the peak before any analysis); ours "
        "also uses a worker process (`network.pool`, started before the timing as the "
        "service starts it with the app), whose own peak is the worker column. Each step's "
        "time is the median of 5 runs up to 1,000 organisations and of 3 above (on both sides "
        "alike), so one-off costs of a first call (lazy imports) do not decide steps of a "
        "few milliseconds, nor one slow run a large tier; the service table below is first "
        "calls only.",
        "",
        "* **ours, full analysis**: cooperation graph, actor metrics, summary with bridges, "
        "communities, brokerage, mixing (E-I, matrices, MSO cooperation), gaps (all five).",
        "* **ours, actor metrics**: `network.actors.actor_metrics` alone (it also computes "
        "degree, effective size and articulation points, which the igraph set lacks).",
        "* **igraph**: the same actor metrics on the same graph: betweenness unweighted and "
        "weighted, closeness, PageRank, eigenvector, coreness, transitivity, constraint "
        "(graph conversion included).",
        "* **ratio** = ours actor metrics / igraph.",
        "",
        "| organisations | ties | betweenness/closeness | ours full analysis (s) | "
        "ours actor metrics (s) | igraph same set (s) | ratio | ours peak (MB) | "
        "worker peak (MB) | igraph peak (MB) | baseline (MB) |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for _, ours, ref, _ in rows:
        mode = "sampled (both engines)" if ours["estimated"] else "exact"
        lines.append(
            f"| {ours['organisations']:,} | {ours['ties']:,} | {mode} | {_f(ours['total_s'])} | "
            f"{_f(ours['actor_metrics_s'], 3)} | {_f(ref['total_s'], 3)} | "
            f"{ours['actor_metrics_s'] / ref['total_s']:.2f} | {_f(ours['peak_mb'], 0)} | "
            f"{_f(ours.get('worker_peak_mb', 0), 0)} | "
            f"{_f(ref['peak_mb'], 0)} | {_f(ours['baseline_mb'], 0)} |"
        )
    lines += ["", "### Our steps (s)", ""]
    keys = [
        "graph_s",
        "actor_metrics_s",
        "summary_s",
        "communities_s",
        "brokerage_s",
        "mixing_s",
        "gaps_s",
    ]
    lines.append("| organisations | " + " | ".join(k.removesuffix("_s") for k in keys) + " |")
    lines.append("|---:|" + "---:|" * len(keys))
    for _, ours, _, _ in rows:
        lines.append(
            f"| {ours['organisations']:,} | " + " | ".join(_f(ours[k], 3) for k in keys) + " |"
        )
    ikeys = [
        "build_s",
        "betweenness_s",
        "betweenness_weighted_s",
        "closeness_s",
        "pagerank_s",
        "eigenvector_s",
        "coreness_s",
        "transitivity_s",
        "constraint_s",
    ]
    lines += ["", "### igraph steps (s)", ""]
    lines.append("| organisations | " + " | ".join(k.removesuffix("_s") for k in ikeys) + " |")
    lines.append("|---:|" + "---:|" * len(ikeys))
    for _, ours, ref, _ in rows:
        lines.append(
            f"| {ours['organisations']:,} | " + " | ".join(_f(ref[k], 3) for k in ikeys) + " |"
        )
    services = [svc for _, _, _, svc in rows if svc is not None]
    if services:
        lines += [
            "",
            "### The service after a start or a change",
            "",
            "`api.services.analysis.AnalysisService` over the embedded store holding the demo "
            "region (opened afresh, read-only, in its own process): the first answer of "
            "`/api/analysis/metrics` (snapshot of organisations, areas, fields and their "
            "ties from the store, cooperation graph, actor metrics; on large graphs the "
            "sampled estimates while the exact figures are computed in the background), "
            "then `/summary` (reusing the metrics), communities, brokerage and mixing: peak "
            "memory after these (graph figures), then the gaps, which need the full "
            "snapshot (offers, people, council): peak after all.",
            "",
            "| organisations | first metrics (s) | estimated | summary (s) | communities (s) "
            "| brokerage (s) | mixing (s) | gaps (s) | peak, graph figures (MB) "
            "| peak, all (MB) | worker peak (MB) |",
            "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for svc in services:
            lines.append(
                f"| {svc['organisations']:,} | {_f(svc['first_metrics_s'])} | "
                f"{'yes' if svc['estimated'] else 'no'} | {_f(svc['first_summary_s'], 3)} | "
                f"{_f(svc['communities_s'])} | {_f(svc['brokerage_s'])} | "
                f"{_f(svc['mixing_s'])} | {_f(svc['gaps_s'])} | "
                f"{_f(svc['graph_peak_mb'], 0)} | {_f(svc['peak_mb'], 0)} | "
                f"{_f(svc['worker_peak_mb'], 0)} |"
            )
    lines += ["", "### Exact versus sampled at large tiers", ""]
    for _, ours, ref, _ in rows:
        if not ours["estimated"]:
            continue
        n = ours["organisations"]
        if "betweenness_exact_s" in ref:
            lines.append(
                f"* {n:,}: igraph exact betweenness {_f(ref['betweenness_exact_s'])} s "
                f"unweighted, {_f(ref['betweenness_weighted_exact_s'])} s weighted; our exact "
                f"actor metrics {_f(ours['actor_metrics_exact_s'])} s."
            )
        else:
            lines.append(
                f"* {n:,}: the rows above are the **sampled** figures on both sides "
                "(256 seeded sources for betweenness, 256 pivots for closeness; our "
                "betweenness adds the Geisberger-Sanders-Schultes linear scaling). Exact "
                "betweenness was not timed in this run: our exact path is igraph's own "
                "`betweenness` (ratio 1 by construction) and takes minutes (measured "
                "earlier on this machine: 89 s unweighted, 505 s weighted), beyond the "
                "bench's five-minute budget; `--exact-large` times it. In the service the "
                "exact figures are computed in the background after a change, in chunks "
                "of sources sent to the worker process (`GET /api/analysis/status`)."
            )
    text = "\n".join(lines) + "\n"
    write_section(TITLE, text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--exact-large", action="store_true", help="also time exact at 30,000")
    parser.add_argument(
        "--no-service", action="store_true", help="skip the service tier (loads each size)"
    )
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, size = args.child[0], int(args.child[1])
        if engine == "prepare":
            print(json.dumps(prepare_store(size)))
            return
        fn = {"ours": run_ours, "igraph": run_igraph, "service": run_service}[engine]
        print(json.dumps(fn(size, args.exact_large)))
        return
    rows = []
    for size in args.sizes:
        ours = child(size, "ours", args.exact_large)
        ref = child(size, "igraph", args.exact_large)
        svc = None
        if not args.no_service:
            child(size, "prepare", False)
            svc = child(size, "service", False)
        rows.append((size, ours, ref, svc))
        print(
            f"{size:>6}: ours {ours['total_s']:.2f} s full, {ours['actor_metrics_s']:.2f} s "
            f"metrics, {ours['peak_mb']:.0f} MB; igraph {ref['total_s']:.2f} s, "
            f"{ref['peak_mb']:.0f} MB",
            flush=True,
        )
    print(write_results(rows))


if __name__ == "__main__":
    main()
