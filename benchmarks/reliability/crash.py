"""Scenario 1: kill -9 during writes; every acknowledged write must be there afterwards.

``clients`` threads POST organisations as fast as the answers come. After ``seconds`` the
app server gets SIGKILL (with ``kill_neo4j`` the Neo4j JVM first, then the app server),
while requests are in flight. Then everything is started again on the same data, and
every id answered with 201 is read back with ``GET /api/organisations/{id}``. Writes
present but never acknowledged (committed, answer lost in the kill) are the growth of the
organisation count beyond the acknowledged writes found.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.reliability.harness import AppServer, Calls, Neo4jProcess, peak_rss_mb

ORG = "Organisation"


@dataclass
class Writes:
    acked: list[tuple[float, str]] = field(default_factory=list)
    calls: Calls = field(default_factory=Calls)
    stop: threading.Event = field(default_factory=threading.Event)


def _writer(app: AppServer, token: str, tag: str, w: int, writes: Writes) -> None:
    # a long timeout: a write that waits for Neo4j to come back must be able to answer
    with app.client(token, timeout_s=60) as client:
        i = 0
        while not writes.stop.is_set():
            body = {"name": f"Absturz {tag} {w}-{i}", "kind": "association"}
            i += 1
            began = time.perf_counter()
            try:
                r = client.post("/api/organisations", json=body)
            except httpx.HTTPError as e:
                writes.calls.add(f"no answer ({type(e).__name__})", None)
                time.sleep(0.05)
                continue
            writes.calls.add(r.status_code, time.perf_counter() - began)
            if r.status_code >= 500:
                time.sleep(0.05)  # no database behind the app: do not spin
            if r.status_code == 201:
                with writes.calls.lock:
                    writes.acked.append((time.perf_counter(), str(r.json()["id"])))


def _count_present(app: AppServer, ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    with app.client(app.token()) as client:
        for node_id in ids:
            status = client.get(f"/api/organisations/{node_id}").status_code
            found[str(status)] = found.get(str(status), 0) + 1
    return found


#: how long the clients write on after Neo4j is back (the first writes after its crash
#: recovery take seconds)
AFTER_NEO4J_S = 10.0

KILLED = {
    "app": "app server",
    "both": "Neo4j JVM and app server",
    "neo4j": "Neo4j JVM only (app runs on)",
}


def _crash(
    app: AppServer, neo4j: Neo4jProcess | None, mode: str, writes: Writes, seconds: float
) -> dict[str, Any]:
    """Kill as ``mode`` says and bring everything back; the timings."""
    if mode == "app" or neo4j is None:
        app.kill9()
        writes.stop.set()
        began = time.perf_counter()
        app.start()
        return {"restart_s": round(time.perf_counter() - began, 1)}
    if mode == "both":
        neo4j.kill9()
        time.sleep(0.5)  # the app answers without its database for a moment
        app.kill9()
        writes.stop.set()
        began = time.perf_counter()
        neo4j.start()
        app.start()
        return {
            "restart_s": round(time.perf_counter() - began, 1),
            "neo4j_restart_s": round(neo4j.started_s, 1),
        }
    # Neo4j only: the app keeps answering (503 meanwhile) and must find Neo4j again itself
    killed = time.perf_counter()
    neo4j.kill9()
    neo4j.start()
    ready = time.perf_counter()
    time.sleep(max(seconds, AFTER_NEO4J_S))
    writes.stop.set()
    return {
        "restart_s": round(ready - killed, 1),
        "neo4j_restart_s": round(neo4j.started_s, 1),
        "neo4j_ready_at": ready,  # replaced by the first 201 after it once the clients end
    }


def kill_during_writes(
    app: AppServer,
    neo4j: Neo4jProcess | None,
    *,
    clients: int,
    seconds: float,
    mode: str = "app",
) -> dict[str, Any]:
    """Write, kill -9 (``mode``: app, both, neo4j), restart, count; the result as a dict."""
    before = app.health()["counts"][ORG]
    token = app.token()
    writes = Writes()
    threads = [
        threading.Thread(target=_writer, args=(app, token, mode, w, writes), daemon=True)
        for w in range(clients)
    ]
    for t in threads:
        t.start()
    time.sleep(seconds)
    app_rss, jvm_rss = peak_rss_mb(app.pid), peak_rss_mb(neo4j.pid if neo4j else None)
    timings = _crash(app, neo4j, mode, writes, seconds)
    for t in threads:
        t.join(timeout=90)
    if "neo4j_ready_at" in timings:
        ready = timings.pop("neo4j_ready_at")
        first = min((t for t, _ in writes.acked if t > ready), default=None)
        timings["first_201_after_neo4j_ready_s"] = (
            None if first is None else round(first - ready, 2)
        )
    if mode == "neo4j":  # the app ran on: its peak covers the outage too
        app_rss = peak_rss_mb(app.pid)
    acked = [node_id for _, node_id in writes.acked]
    found = _count_present(app, acked)
    present = found.get("200", 0)
    after = app.health()["counts"][ORG]
    return {
        "killed": KILLED[mode],
        "clients": clients,
        "seconds": seconds,
        "requests": writes.calls.summary(),
        "acknowledged": len(acked),
        "present_after_restart": present,
        "lost": len(acked) - present,
        "read_back": found,
        "present_not_acknowledged": after - before - present,
        "organisations_before": before,
        "organisations_after": after,
        **timings,
        "peak_rss_mb": {"app": app_rss, "neo4j": jvm_rss},
    }
