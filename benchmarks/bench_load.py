"""Times demo generation and bulk load on the embedded store at the benchmark tiers.

Each tier runs in its own process so its peak memory (max RSS) is its own. Results go to
``benchmarks/RESULTS.md`` (and JSON beside it). Run with ``make bench``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.results import write_section

TIERS = (300, 3_000, 30_000)
HERE = Path(__file__).parent
TITLE = "## Demo generation and bulk load (embedded LadybugDB)"


def run_tier(size: int) -> dict[str, float | int]:
    """Generate the region of ``size`` organisations and load it into a fresh store."""
    from graph_schema.demo import generate_region
    from graph_schema.store import open_ladybug

    work = Path(tempfile.mkdtemp(prefix="netzwerkatlas-bench-"))
    try:
        started = time.perf_counter()
        region = generate_region(size=size)
        generate_s = time.perf_counter() - started
        nodes = [n for items in region.nodes.values() for n in items]
        ties = [t for items in region.ties.values() for t in items]

        store = open_ladybug(work)
        store.init()
        started = time.perf_counter()
        store.bulk_upsert(nodes, ties)
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        store.bulk_upsert(nodes, ties)
        reload_s = time.perf_counter() - started
        counts = store.counts()
        started = time.perf_counter()
        snap = store.snapshot()
        snapshot_s = time.perf_counter() - started
        store.close()
        items = len(nodes) + len(ties)
        return {
            "organisations": counts["Organisation"],
            "nodes": len(nodes),
            "ties": len(ties),
            "generate_s": round(generate_s, 3),
            "load_s": round(load_s, 3),
            "load_items_per_s": round(items / load_s),
            "reload_s": round(reload_s, 3),
            "snapshot_s": round(snapshot_s, 3),
            "snapshot_nodes": len(snap.nodes),
            "db_mb": round(
                sum(f.stat().st_size for f in work.rglob("*") if f.is_file()) / 2**20, 1
            ),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_results(results: dict[int, dict[str, float | int]]) -> Path:
    lines = [
        TITLE,
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"Python {platform.python_version()}, {_cores()} cores. `make bench` writes this section.",
        "",
        "Load: one `GraphStore.bulk_upsert` transaction of every node and tie into a fresh "
        "store; reload: the same again (idempotent upsert, nothing changes); snapshot: the "
        "whole network as of today read back as model objects. Peak memory is the tier "
        "process's maximum resident set size.",
        "",
        "| organisations | nodes | ties | generate (s) | load (s) | items/s | reload (s) "
        "| snapshot (s) | database (MB) | peak memory (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, r in results.items():
        lines.append(
            f"| {size:,} | {r['nodes']:,} | {r['ties']:,} | {r['generate_s']} | {r['load_s']} "
            f"| {r['load_items_per_s']:,} | {r['reload_s']} | {r['snapshot_s']} | {r['db_mb']} "
            f"| {r['peak_rss_mb']} |"
        )
    path = write_section(TITLE, "\n".join(lines) + "\n")
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return path


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def _cores() -> int:
    import os

    return os.cpu_count() or 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tier", type=int, help="run one tier in this process, print JSON")
    parser.add_argument("--tiers", type=int, nargs="*", default=list(TIERS))
    args = parser.parse_args()
    if args.tier:
        print(json.dumps(run_tier(args.tier)))
        return
    results = {}
    for size in args.tiers:
        print(f"tier {size:,} organisations ...", flush=True)
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_load", "--tier", str(size)],
            check=True,
            capture_output=True,
            text=True,
        )
        results[size] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"  {results[size]}", flush=True)
    print(f"wrote {write_results(results)}")


if __name__ == "__main__":
    main()
