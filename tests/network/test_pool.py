"""The analysis worker process ends with the process that started it, even when that one
is killed without stopping it (a killed server must not leave processes behind)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

STARTER = """
import os, sys
from network import pool
assert pool.warm(), "no worker"
pool = pool._get()
print(" ".join(str(p) for p in pool._processes), flush=True)
sys.stdin.read()  # until killed
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purposes
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
def test_a_killed_starter_takes_its_worker_and_fork_server_along() -> None:
    env = {**os.environ, "NETZWERKATLAS_ANALYSIS_PROCESSES": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", STARTER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        assert proc.stdout is not None
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert workers, "the starter reported no worker"
        fork_server = _parent(workers[0])
        assert fork_server != proc.pid and _alive(fork_server)
        proc.send_signal(signal.SIGKILL)  # no shutdown, no atexit
        proc.wait(timeout=10)
        deadline = time.monotonic() + 15
        left = [workers[0], fork_server]
        while time.monotonic() < deadline and any(_alive(p) for p in left):
            time.sleep(0.1)
        assert not any(_alive(p) for p in left), f"left behind: {[p for p in left if _alive(p)]}"
    finally:
        if proc.poll() is None:
            proc.kill()
