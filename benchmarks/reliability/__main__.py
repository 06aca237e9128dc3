"""Crash, concurrency and restore checks against the real server on LadybugDB and Neo4j.

``make reliability`` (``.venv/bin/python -m benchmarks.reliability``) runs, per backend,
with the demo region of ``--size`` organisations: 8 concurrent writers on the same
entries, a restore of a backup while clients read, and kill -9 during writes (on Neo4j
once the app server only, once the Neo4j JVM and the app server), each against
``python -m api.cli serve`` on a free port; it writes the figures into the section
between the markers of ``docs/RELIABILITY.md`` and into ``--json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.reliability import backup, crash, restore, writers
from benchmarks.reliability.harness import ROOT, AppServer, Neo4jProcess, peak_rss_mb
from benchmarks.reliability.report import write_report

DOC = ROOT / "docs" / "RELIABILITY.md"


def _machine() -> dict[str, Any]:
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    return {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "cpu": model,
        "cores": os.cpu_count() or 1,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "load_average_1min": round(os.getloadavg()[0], 1),
    }


def _scenario(
    name: str,
    app: AppServer,
    neo4j: Neo4jProcess | None,
    step: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Run one scenario on a freshly started app server (so its peak RSS is its own)."""
    app.stop()
    app.start()
    print(f"  {name} ...", flush=True)
    began = time.perf_counter()
    try:
        result = step()
    except Exception as e:  # one failed scenario must not hide the others' figures
        result = {"failed": f"{type(e).__name__}: {e}"}
    result["wall_s"] = round(time.perf_counter() - began, 1)
    result.setdefault(
        "peak_rss_mb",
        {"app": peak_rss_mb(app.pid), "neo4j": peak_rss_mb(neo4j.pid if neo4j else None)},
    )
    print(f"    {json.dumps(result)}", flush=True)
    return result


def _scenarios(
    args: argparse.Namespace, app: AppServer, neo4j: Neo4jProcess | None
) -> dict[str, Any]:
    """The scenarios ``--only`` names (all by default), in a fixed order."""
    only = {x.strip() for x in (getattr(args, "only", "") or "").split(",") if x.strip()}
    steps: dict[str, Callable[[], dict[str, Any]]] = {
        "writers": lambda: writers.concurrent_writers(
            app, writers=args.writers, seconds=args.seconds
        ),
        "restore": lambda: restore.restore_while_reading(
            app, readers=args.readers, extra=args.extra, before_s=1.0, after_s=1.0
        ),
        "backup": lambda: backup.backups_while_writing(
            app, writers=args.clients, seconds=args.seconds
        ),
    }
    out: dict[str, Any] = {
        name: _scenario(name, app, neo4j, step)
        for name, step in steps.items()
        if not only or name in only
    }
    if not only or "kill" in only:
        modes = ["app", "both", "neo4j"] if neo4j is not None else ["app"]
        out["kill"] = [
            _scenario(
                f"kill -9 ({crash.KILLED[mode]})",
                app,
                neo4j,
                partial(
                    crash.kill_during_writes,
                    app,
                    neo4j,
                    clients=args.clients,
                    seconds=args.seconds,
                    mode=mode,
                ),
            )
            for mode in modes
        ]
    return out


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"netzwerkatlas-reliability-{backend}-"))
    neo4j = Neo4jProcess(work / "neo4j") if backend == "neo4j" else None
    app = AppServer(
        work / "data",
        size=args.size,
        neo4j_uri=neo4j.uri if neo4j else None,
        app_root=Path(getattr(args, "app_root", None) or ROOT),
    )
    result: dict[str, Any] = {"backend": backend}
    began = time.perf_counter()
    try:
        if neo4j is not None:
            neo4j.start()
            result["neo4j_start_s"] = round(neo4j.started_s, 1)
        app.start()
        result["first_start_s"] = round(app.started_s, 1)
        print(f"{backend}: up after {app.started_s:.1f} s, {app.health()['counts']}", flush=True)
        result["first_start_peak_rss_mb"] = {
            "app": peak_rss_mb(app.pid),
            "neo4j": peak_rss_mb(neo4j.pid if neo4j else None),
        }
        result |= _scenarios(args, app, neo4j)
    finally:
        app.stop()
        if neo4j is not None:
            neo4j.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    result["wall_s"] = round(time.perf_counter() - began, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="ladybug,neo4j", help="comma-separated")
    parser.add_argument("--size", type=int, default=150, help="demo organisations")
    parser.add_argument("--clients", type=int, default=8, help="writers before a kill")
    parser.add_argument("--writers", type=int, default=8, help="concurrent PATCH writers")
    parser.add_argument("--readers", type=int, default=4, help="readers during a restore")
    parser.add_argument("--extra", type=int, default=40, help="organisations added after backup")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per write phase")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "reliability.json")
    parser.add_argument("--doc", type=Path, default=DOC, help="'-' writes no document")
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument(
        "--app-root", type=Path, default=ROOT, help="serve the app of another checkout"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated: writers,restore,backup,kill (default all)"
    )
    args = parser.parse_args()
    began = time.perf_counter()
    results: dict[str, Any] = {
        "machine": _machine(),
        "settings": {k: str(v) for k, v in vars(args).items()},
    }
    for backend in args.backends.split(","):
        results[backend] = run_backend(backend.strip(), args)
    results["runtime_s"] = round(time.perf_counter() - began, 1)
    results["machine"]["load_average_1min_end"] = round(os.getloadavg()[0], 1)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    if str(args.doc) != "-":
        write_report(results, args.doc)
        print(f"wrote {args.doc}")
    print(f"runtime {results['runtime_s']} s")


if __name__ == "__main__":
    main()
