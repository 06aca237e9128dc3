"""API latency under load: the real server (``netzwerkatlas serve``) on loopback.

Starts the server as a subprocess on a free port of 127.0.0.1 with a throw-away data
directory and the demo region of ``--size`` organisations (3,000 by default), signs in as
the first-start admin, and then lets ``--clients`` concurrent clients (8; one thread and
one keep-alive connection each) send a fixed number of requests:

- ``GET /api/organisations?limit=50`` (``--gets``, 400 in all),
- ``POST /api/organisations`` creating one organisation each (``--posts``, 200 in all).

Each phase is bounded in count and in time (``--phase-timeout``). It reports p50, p95 and
the maximum latency and the throughput per phase, stops the server with SIGINT, and
writes the section "## API latency (...)" of ``benchmarks/RESULTS.md`` (replacing that
section if it is there, keeping everything else). Run with
``.venv/bin/python -m benchmarks.bench_api``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.results import RESULTS, write_section

HERE = Path(__file__).parent
ROOT = HERE.parent
HOST = "127.0.0.1"


@dataclass
class Phase:
    name: str
    latencies_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies_s)
        if not lat:
            return {"requests": 0, "errors": len(self.errors)}
        return {
            "requests": len(lat),
            "errors": len(self.errors),
            "p50_ms": round(_percentile(lat, 50) * 1000, 1),
            "p95_ms": round(_percentile(lat, 95) * 1000, 1),
            "max_ms": round(lat[-1] * 1000, 1),
            "mean_ms": round(statistics.fmean(lat) * 1000, 1),
            "throughput_rps": round(len(lat) / self.wall_s, 1) if self.wall_s else 0.0,
            "wall_s": round(self.wall_s, 2),
        }


def _percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, round(pct / 100 * len(sorted_values) + 0.4999))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class Server:
    """``python -m api.cli serve`` in a fresh data directory, stopped with SIGINT."""

    def __init__(self, size: int, data_dir: Path, start_timeout_s: float) -> None:
        self.size = size
        self.data_dir = data_dir
        self.port = _free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.start_timeout_s = start_timeout_s
        self.log_path = data_dir.parent / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.started_s = 0.0

    def start(self) -> None:
        env = {
            **os.environ,
            "NETZWERKATLAS_DATA_DIR": str(self.data_dir),
            "NETZWERKATLAS_STORE": "ladybug",
            "NETZWERKATLAS_DEMO_SIZE": str(self.size),
            "NETZWERKATLAS_LOAD_DEMO": "true",
            "NETZWERKATLAS_HOST": HOST,
            # no access log line per request: the latency is the app's, not the terminal's
            "NETZWERKATLAS_LOG_LEVEL": "warning",
        }
        log = self.log_path.open("wb")
        begun = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", HOST, "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = begun + self.start_timeout_s
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server exited early; see {self.log_path}:\n{self.log()}")
            try:
                r = httpx.get(f"{self.base_url}/api/health", timeout=2)
                if r.status_code == 200:
                    self.started_s = time.perf_counter() - begun
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"The server did not answer within {self.start_timeout_s:.0f} s")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            try:
                return self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                return self.process.wait(timeout=10)


def run_phase(
    name: str,
    base_url: str,
    headers: dict[str, str],
    total: int,
    clients: int,
    timeout_s: float,
    request: Callable[[httpx.Client, int], httpx.Response],
    expected: int,
) -> Phase:
    """``total`` requests, numbered 0..total-1, shared by ``clients`` threads."""
    phase = Phase(name)
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.perf_counter() + timeout_s
    start = threading.Barrier(clients + 1)

    def worker() -> None:
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
            start.wait()
            while time.perf_counter() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                began = time.perf_counter()
                try:
                    r = request(client, i)
                except httpx.HTTPError as e:
                    with lock:
                        phase.errors.append(f"{type(e).__name__}: {e}")
                    continue
                elapsed = time.perf_counter() - began
                with lock:
                    if r.status_code == expected:
                        phase.latencies_s.append(elapsed)
                    else:
                        phase.errors.append(f"{r.status_code}: {r.text[:200]}")

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join(timeout=max(1.0, deadline - time.perf_counter() + 35))
    phase.wall_s = time.perf_counter() - began
    return phase


def bench(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="netzwerkatlas-bench-api-"))
    server = Server(args.size, work / "data", args.start_timeout)
    try:
        print(f"starting the server with {args.size:,} demo organisations ...", flush=True)
        server.start()
        health = httpx.get(f"{server.base_url}/api/health", timeout=10).json()
        print(f"  up after {server.started_s:.1f} s: {health['counts']}", flush=True)
        password = (server.data_dir / "initial-admin-password").read_text().strip()
        r = httpx.post(
            f"{server.base_url}/api/auth/token",
            data={"username": "admin", "password": password},
            timeout=30,
        )
        r.raise_for_status()
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}

        # warm-up, not measured: connections, caches, the first queries' plans
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as c:
            for _ in range(10):
                c.get("/api/organisations", params={"limit": 50}).raise_for_status()

        def get(client: httpx.Client, i: int) -> httpx.Response:
            return client.get("/api/organisations", params={"limit": 50})

        def post(client: httpx.Client, i: int) -> httpx.Response:
            return client.post(
                "/api/organisations",
                json={"name": f"Benchmark-Verein {i:04d}", "kind": "association"},
            )

        phases = []
        for name, total, request, expected in (
            ("GET /api/organisations?limit=50", args.gets, get, 200),
            ("POST /api/organisations", args.posts, post, 201),
        ):
            print(f"{name}: {total} requests, {args.clients} clients ...", flush=True)
            phase = run_phase(
                name,
                server.base_url,
                headers,
                total,
                args.clients,
                args.phase_timeout,
                request,
                expected,
            )
            print(f"  {phase.summary()}", flush=True)
            if phase.errors:
                print(f"  first errors: {phase.errors[:3]}", flush=True)
            phases.append(phase)
        organisations = httpx.get(f"{server.base_url}/api/health", timeout=10).json()["counts"]
    finally:
        code = server.stop()
        log = server.log() if server.log_path.exists() else ""
        shutil.rmtree(work, ignore_errors=True)
    if code not in (0, None, -signal.SIGINT, 130):
        print(f"warning: the server ended with exit code {code}:\n{log}", file=sys.stderr)
    return {
        "size": args.size,
        "clients": args.clients,
        "startup_s": round(server.started_s, 1),
        "counts_after": organisations,
        "phases": {p.name: p.summary() for p in phases},
        "server_exit_code": code,
    }


def heading(size: int, clients: int) -> str:
    return f"## API latency ({size:,} organisations, {clients} concurrent clients)"


def section(result: dict[str, Any]) -> str:
    lines = [
        heading(result["size"], result["clients"]),
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"Python {platform.python_version()}, {os.cpu_count() or 1} cores, embedded "
        "LadybugDB. `python -m benchmarks.bench_api` writes this section.",
        "",
        f"The real server (`netzwerkatlas serve`, uvicorn, one process, log level warning) "
        f"on 127.0.0.1 with the demo region of {result['size']:,} organisations (started "
        f"and loaded in {result['startup_s']} s), signed in as admin. "
        f"{result['clients']} clients, one thread and one keep-alive connection each, send "
        "the requests of a phase as fast as the answers come; latency is per request as "
        "the client sees it, throughput is answered requests per second of the phase's wall "
        "time. Each POST creates one organisation.",
        "",
        "| request | requests | errors | p50 (ms) | p95 (ms) | max (ms) | mean (ms) "
        "| throughput (req/s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in result["phases"].items():
        lines.append(
            f"| `{name}` | {s['requests']} | {s['errors']} | {s.get('p50_ms', '-')} "
            f"| {s.get('p95_ms', '-')} | {s.get('max_ms', '-')} | {s.get('mean_ms', '-')} "
            f"| {s.get('throughput_rps', '-')} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=3_000, help="demo organisations")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--gets", type=int, default=400, help="GET requests in all")
    parser.add_argument("--posts", type=int, default=200, help="POST requests in all")
    parser.add_argument("--phase-timeout", type=float, default=180, help="seconds per phase")
    parser.add_argument("--start-timeout", type=float, default=600, help="seconds to start")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = bench(args)
    text = section(result)
    write_section(heading(args.size, args.clients), text, args.output)
    print(json.dumps(result, indent=2))
    print(f"\n{text}\nwrote {args.output}")


if __name__ == "__main__":
    main()
