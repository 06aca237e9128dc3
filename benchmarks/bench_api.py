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

**Warm.** Above 1,000 organisations the server warms up in the background after its start
(the network view, its layout, the communities, the start page's figures and gaps, the
analysis worker process): requests during it compete with it for the cores. Before any
timing the benchmark waits until the server and its child processes have been idle (under
10 % of a core for two seconds in a row, read from ``/proc``), then sends rounds of the
list request from all clients until the median of a round settles (within 20 % of the
round before); both are reported.

**Reference** (issue 16): a bare FastAPI endpoint that returns the same 50 items (the
real server's answer, read once) as its JSON, served the same way (``uvicorn``, one
process, log level warning, 127.0.0.1) and asked the same way (the same clients and
number of requests, after the same settling), in the same run. The ratios go to
``results.json`` and the section "Against the references".
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

from benchmarks.results import RESULTS, record_reference, write_json, write_section

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


def _cpu_seconds(root: int) -> float:
    """CPU time (user + system) of ``root`` and every process below it, from ``/proc``."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the command: state ppid ... utime (14th field) stime (15th)
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [c for c, p in parents.items() if p == pid and c not in tree]
    return sum(times.get(pid, 0.0) for pid in tree)


def wait_until_idle(pid: int, timeout_s: float, share: float = 0.1, quiet_s: float = 2.0) -> float:
    """Seconds until ``pid`` and its children used under ``share`` of a core for
    ``quiet_s`` seconds in a row (the server's background warm-up is over)."""
    began = time.perf_counter()
    quiet_since = began
    last, last_at = _cpu_seconds(pid), began
    while time.perf_counter() - began < timeout_s:
        time.sleep(0.5)
        now, now_at = _cpu_seconds(pid), time.perf_counter()
        if (now - last) / (now_at - last_at) > share:
            quiet_since = now_at
        elif now_at - quiet_since >= quiet_s:
            return round(quiet_since - began, 1)
        last, last_at = now, now_at
    return round(time.perf_counter() - began, 1)


def settle(
    base_url: str,
    headers: dict[str, str],
    clients: int,
    request: Callable[[httpx.Client, int], httpx.Response],
    rounds: int = 10,
) -> list[float]:
    """Rounds of ``5 * clients`` requests until a round's median is within 20 % of the
    round before (connections, caches and query plans warm); the medians in ms."""
    medians: list[float] = []
    for _ in range(rounds):
        phase = run_phase("settle", base_url, headers, 5 * clients, clients, 60, request, 200)
        medians.append(round(statistics.median(phase.latencies_s) * 1000, 1))
        if len(medians) >= 2 and abs(medians[-1] - medians[-2]) <= 0.2 * medians[-2]:
            break
    return medians


#: the reference server: uvicorn serving :func:`bare_app` (``python -m benchmarks.bench_api
#: --bare ITEMS.json --port N``)
def bare_app(items: Any) -> Any:
    """A bare FastAPI app whose one endpoint returns ``items`` (no store, no sign-in)."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/api/organisations")
    def organisations(limit: int = 50) -> Any:
        return items

    return app


class BareServer:
    """:func:`bare_app` with the real server's answer, in its own uvicorn process."""

    def __init__(self, items: Any, work: Path) -> None:
        self.items_path = work / "bare-items.json"
        self.items_path.write_text(json.dumps(items), encoding="utf-8")
        self.port = _free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 60) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_api", "--bare", str(self.items_path)]
            + ["--port", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            try:
                if httpx.get(f"{self.base_url}/api/organisations", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the bare reference server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _serve_bare(items_path: Path, port: int) -> None:
    import uvicorn

    items = json.loads(items_path.read_text(encoding="utf-8"))
    uvicorn.run(bare_app(items), host=HOST, port=port, log_level="warning")


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

        def get(client: httpx.Client, i: int) -> httpx.Response:
            return client.get("/api/organisations", params={"limit": 50})

        # not measured: the server's background warm-up, then connections, caches and the
        # first queries' plans until the latency settles
        assert server.process is not None
        print("waiting for the server's warm-up ...", flush=True)
        warm_wait_s = wait_until_idle(server.process.pid, args.warm_timeout)
        medians = settle(server.base_url, headers, args.clients, get)
        print(f"  idle after {warm_wait_s} s; settling medians (ms): {medians}", flush=True)

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
        items = httpx.get(
            f"{server.base_url}/api/organisations", params={"limit": 50}, headers=headers
        ).json()
    except BaseException:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        code = server.stop()
        log = server.log() if server.log_path.exists() else ""
    # the reference, with the real server stopped: the same clients against a bare endpoint
    # returning the same 50 items
    bare = BareServer(items, work)
    try:
        bare.start()
        wait_until_idle(bare.process.pid if bare.process else 0, 30)
        bare_medians = settle(bare.base_url, {}, args.clients, get)
        print(f"bare endpoint: settling medians (ms): {bare_medians}", flush=True)
        reference = run_phase(
            "bare", bare.base_url, {}, args.gets, args.clients, args.phase_timeout, get, 200
        )
        print(f"  {reference.summary()}", flush=True)
    finally:
        bare.stop()
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
        "warm_wait_s": warm_wait_s,
        "settle_medians_ms": medians,
        "reference": reference.summary(),
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
    rows = [*result["phases"].items(), ("reference: bare endpoint, same 50 items", None)]
    for name, s in rows:
        s = s or result["reference"]
        lines.append(
            f"| `{name}` | {s['requests']} | {s['errors']} | {s.get('p50_ms', '-')} "
            f"| {s.get('p95_ms', '-')} | {s.get('max_ms', '-')} | {s.get('mean_ms', '-')} "
            f"| {s.get('throughput_rps', '-')} |"
        )
    lines += [
        "",
        f"Timed once warm: the server and its processes idle (background warm-up over) "
        f"after {result['warm_wait_s']} s, then rounds of {5 * result['clients']} list "
        f"requests until the median settled (medians in ms: "
        f"{', '.join(str(m) for m in result['settle_medians_ms'])}). The reference is a "
        "bare FastAPI endpoint returning the same 50 items, served and asked the same way "
        'in the same run (section "Against the references").',
    ]
    return "\n".join(lines) + "\n"


def _record(result: dict[str, Any]) -> None:
    ours = result["phases"]["GET /api/organisations?limit=50"]
    ref = result["reference"]
    at = f"{result['size']:,} organisations, {result['clients']} clients"
    record_reference(
        "api_list",
        [
            {
                "what": f"p50 at {at}",
                "unit": "ms",
                "ours": ours["p50_ms"],
                "reference": ref["p50_ms"],
            },
            {
                "what": f"p95 at {at}",
                "unit": "ms",
                "ours": ours["p95_ms"],
                "reference": ref["p95_ms"],
            },
            {
                "what": f"requests per second at {at} (lower is worse)",
                "unit": "1/s",
                "ours": ours["throughput_rps"],
                "reference": ref["throughput_rps"],
            },
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=3_000, help="demo organisations")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--gets", type=int, default=400, help="GET requests in all")
    parser.add_argument("--posts", type=int, default=200, help="POST requests in all")
    parser.add_argument("--phase-timeout", type=float, default=180, help="seconds per phase")
    parser.add_argument("--start-timeout", type=float, default=600, help="seconds to start")
    parser.add_argument("--warm-timeout", type=float, default=600, help="seconds to warm up")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--bare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:  # the reference server's own process
        _serve_bare(args.bare, args.port)
        return
    result = bench(args)
    text = section(result)
    write_section(heading(args.size, args.clients), text, args.output)
    if args.output == RESULTS:
        write_json("api", result)
        _record(result)
    print(json.dumps(result, indent=2))
    print(f"\n{text}\nwrote {args.output}")


if __name__ == "__main__":
    main()
