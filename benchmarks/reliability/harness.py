"""Processes for the reliability runs: the app server, the Neo4j JVM, their memory.

``AppServer`` is ``python -m api.cli serve`` on a free port of 127.0.0.1 with a data
directory that outlives it (so it can be killed and started again on the same data);
``Neo4jProcess`` is the test launcher's Neo4j 5 (``tests/neo4j_launcher``) with a data
directory and a Bolt port that stay the same across a kill -9 and a restart.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.neo4j_server import CLASSPATH_FILE, LAUNCHER, MAIN_CLASS, build_launcher

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int | None) -> float | None:
    """The process' peak resident set (VmHWM) in MB, or None when it is gone."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Calls:
    """Latencies and answers of a group of requests, shared by threads."""

    latencies_s: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int | str, elapsed_s: float | None) -> None:
        with self.lock:
            key = str(status)
            self.statuses[key] = self.statuses.get(key, 0) + 1
            if elapsed_s is not None:
                self.latencies_s.append(elapsed_s)

    def count_5xx(self) -> int:
        return sum(n for k, n in self.statuses.items() if k.isdigit() and int(k) >= 500)

    def summary(self) -> dict[str, Any]:
        p50, p95 = percentile(self.latencies_s, 50), percentile(self.latencies_s, 95)
        return {
            "requests": sum(self.statuses.values()),
            "statuses": dict(sorted(self.statuses.items())),
            "5xx": self.count_5xx(),
            "p50_ms": None if p50 is None else round(p50 * 1000, 1),
            "p95_ms": None if p95 is None else round(p95 * 1000, 1),
        }


class Neo4jProcess:
    """The launcher's Neo4j 5 on a fixed port and data directory (restartable)."""

    def __init__(self, data_dir: Path, start_timeout_s: float = 240) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.uri = f"bolt://{HOST}:{self.port}"
        self.start_timeout_s = start_timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self.started_s = 0.0

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        build_launcher()
        classes = LAUNCHER / "target" / "classes"
        classpath = f"{classes}{os.pathsep}{CLASSPATH_FILE.read_text().strip()}"
        log = (self.data_dir.parent / "neo4j.log").open("ab")
        begun = time.perf_counter()
        self.process = subprocess.Popen(
            ["java", "-Xmx1g", "-cp", classpath, MAIN_CLASS, str(self.data_dir), str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
        assert self.process.stdout is not None
        deadline = begun + self.start_timeout_s
        while time.perf_counter() < deadline:
            line = self.process.stdout.readline().decode().strip()
            if line.startswith("READY "):
                self.started_s = time.perf_counter() - begun
                return
            if not line and self.process.poll() is not None:
                break
        self.kill9()
        raise RuntimeError(f"Neo4j did not start; see {self.data_dir.parent / 'neo4j.log'}")

    def kill9(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill9()


class AppServer:
    """``python -m api.cli serve`` on a free port; the data directory outlives it."""

    def __init__(
        self,
        data_dir: Path,
        *,
        size: int,
        neo4j_uri: str | None,
        start_timeout_s: float = 600,
        app_root: Path = ROOT,
    ) -> None:
        self.data_dir = data_dir
        self.app_root = app_root
        self.size = size
        self.neo4j_uri = neo4j_uri
        self.start_timeout_s = start_timeout_s
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log_path = data_dir.parent / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.started_s = 0.0

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def _env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "NETZWERKATLAS_DATA_DIR": str(self.data_dir),
            "NETZWERKATLAS_STORE": "neo4j" if self.neo4j_uri else "ladybug",
            "NETZWERKATLAS_DEMO_SIZE": str(self.size),
            "NETZWERKATLAS_LOAD_DEMO": "true",
            "NETZWERKATLAS_HOST": HOST,
            "NETZWERKATLAS_LOG_LEVEL": "warning",
        }
        if self.neo4j_uri:
            env |= {"NEO4J_URI": self.neo4j_uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": ""}
        return env

    def start(self) -> None:
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        log = self.log_path.open("ab")
        begun = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", HOST, "--port", str(self.port)],
            cwd=self.app_root,
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = begun + self.start_timeout_s
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/api/health", timeout=2).status_code == 200:
                    self.started_s = time.perf_counter() - begun
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"The server did not answer within {self.start_timeout_s:.0f} s")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def health(self) -> dict[str, Any]:
        r = httpx.get(f"{self.base_url}/api/health", timeout=30)
        r.raise_for_status()
        return dict(r.json())

    def token(self) -> str:
        password = (self.data_dir / "initial-admin-password").read_text().strip()
        r = httpx.post(
            f"{self.base_url}/api/auth/token",
            data={"username": "admin", "password": password},
            timeout=60,
        )
        r.raise_for_status()
        return str(r.json()["access_token"])

    def client(self, token: str, timeout_s: float = 60) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout_s,
        )

    def kill9(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> int | None:
        """SIGINT, then harder; the exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill9()
            return self.process.returncode
