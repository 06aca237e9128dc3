"""Times demo generation and bulk load on the embedded store at the benchmark tiers.

Each tier runs in its own process so its peak memory (max RSS) is its own. Results go to
``benchmarks/RESULTS.md`` (and JSON beside it). Run with ``make bench``; by default the
300 and 3,000 tiers, ``--tiers 300 3000 30000`` for the large one too.

**Reference** (issue 16): in the same tier process the same nodes and ties go through
LadybugDB's own bulk path, ``COPY FROM`` CSV files, into a fresh database with the same
schema (made by the same ``GraphStore.init``, i.e. ``graph_schema/store/ddl.py``'s
migrations): one CSV file per node table and per (tie type, end labels), columns in the
table's order (``CALL table_info``). Writing the CSV files is timed apart from the
``COPY`` statements; the ratio is our load / the ``COPY`` statements. The row nearest to
3,000 organisations goes to ``results.json`` and the section "Against the references".
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.results import record_reference, write_json, write_section

TIERS = (300, 3_000)
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
        db_mb = round(_size(work) / 2**20, 1)
        copy = copy_from(nodes, ties, work / "copy")
        return {
            **copy,
            "organisations": counts["Organisation"],
            "nodes": len(nodes),
            "ties": len(ties),
            "generate_s": round(generate_s, 3),
            "load_s": round(load_s, 3),
            "load_items_per_s": round(items / load_s),
            "reload_s": round(reload_s, 3),
            "snapshot_s": round(snapshot_s, 3),
            "snapshot_nodes": len(snap.nodes),
            "db_mb": db_mb,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "[" + ",".join(str(v) for v in value) + "]"
    if isinstance(value, enum.Enum):
        return value.value
    return value.isoformat() if isinstance(value, dt.date) else value


def copy_from(nodes: list[Any], ties: list[Any], folder: Path) -> dict[str, float | int]:
    """The same nodes and ties through ``COPY FROM`` CSV into a fresh database with the
    same schema: seconds to write the CSV files, seconds of the ``COPY`` statements, and
    how many organisations the database then holds."""
    import csv

    from graph_schema.store import open_ladybug

    store = open_ladybug(folder)
    store.init()  # the same DDL (migrations) as the store our load writes into
    run = store.backend.run  # the store's own connection: no second driver here

    def columns(table: str) -> list[str]:
        return [str(r["name"]) for r in run(f"CALL table_info('{table}') RETURN name")]

    started = time.perf_counter()
    label_of = {n.id: str(n.label) for n in nodes}
    files: list[tuple[str, Path, str]] = []
    by_label: dict[str, list[Any]] = {}
    for n in nodes:
        by_label.setdefault(str(n.label), []).append(n)
    for label, items in by_label.items():
        cols = columns(label)
        file = folder / f"node-{label}.csv"
        with file.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(cols)
            w.writerows([_csv_value(getattr(n, c, None)) for c in cols] for n in items)
        files.append((label, file, ""))
    by_pair: dict[tuple[str, str, str], list[Any]] = {}
    for t in ties:
        by_pair.setdefault((str(t.type), label_of[t.from_id], label_of[t.to_id]), []).append(t)
    for (rel, a, b), items in by_pair.items():
        cols = [c for c in columns(rel) if c not in ("from", "to")]
        file = folder / f"tie-{rel}-{a}-{b}.csv"
        with file.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["from", "to", *cols])
            w.writerows(
                [t.from_id, t.to_id, *(_csv_value(getattr(t, c, None)) for c in cols)]
                for t in items
            )
        files.append((rel, file, f", from='{a}', to='{b}'"))
    csv_s = time.perf_counter() - started
    started = time.perf_counter()
    for table, file, pair in files:
        run(f"COPY {table} FROM '{file}' (header=true{pair})")
    copy_s = time.perf_counter() - started
    organisations = int(run("MATCH (o:Organisation) RETURN count(o) AS n")[0]["n"])
    store.close()
    return {"copy_csv_s": round(csv_s, 3), "copy_s": round(copy_s, 3), "copy_orgs": organisations}


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
        "| snapshot (s) | database (MB) | peak memory (MB) | COPY FROM (s) | CSV files (s) "
        "| load / COPY |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, r in results.items():
        lines.append(
            f"| {size:,} | {r['nodes']:,} | {r['ties']:,} | {r['generate_s']} | {r['load_s']} "
            f"| {r['load_items_per_s']:,} | {r['reload_s']} | {r['snapshot_s']} | {r['db_mb']} "
            f"| {r['peak_rss_mb']} | {r['copy_s']} | {r['copy_csv_s']} "
            f"| {r['load_s'] / r['copy_s']:.1f} |"
        )
    lines += [
        "",
        "Reference (issue 16): the same nodes and ties through LadybugDB's `COPY FROM` CSV "
        "files into a fresh database with the same schema, in the same tier process; "
        "**COPY FROM** times the statements, **CSV files** the writing of the files.",
    ]
    path = write_section(TITLE, "\n".join(lines) + "\n")
    write_json("load", {str(k): v for k, v in results.items()})
    size, r = min(results.items(), key=lambda kv: abs(kv[0] - 3000))
    record_reference(
        "load",
        [
            {
                "what": f"seconds at {size:,} organisations",
                "unit": "s",
                "ours": float(r["load_s"]),
                "reference": float(r["copy_s"]),
            }
        ],
        note=f"COPY FROM without writing the CSV files ({r['copy_csv_s']} s more with them).",
    )
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
