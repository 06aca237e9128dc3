"""Scenario 3: restore a backup (replace=true) while clients keep reading.

A backup is taken (state A), ``extra`` organisations are added (state B), and then the
backup is restored with ``replace=true`` while ``readers`` threads read without pause:
``GET /api/health`` (counts), ``GET /api/organisations?limit=50`` (the total) and the
detail of an organisation that exists in both states. The restore deletes everything and
writes the backup in one transaction, so a reader must see A or B and nothing between:
an organisation count other than A's or B's, or a 404 for the entry present in both, is
a half-restored state. Access tokens are not part of a backup: a reader's 401 after the
restore is expected (it signs in again) and counted apart from errors.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.reliability.harness import AppServer, Calls, percentile

ORG = "Organisation"


@dataclass
class Reads:
    calls: Calls = field(default_factory=Calls)
    # (sent, answered, latency, organisation count seen or None, status)
    seen: list[tuple[float, float, int | None, int]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    token: str = ""
    relogins: int = 0


def _read_once(client: httpx.Client, i: int, entry: str) -> tuple[int, int | None]:
    kind = i % 3
    if kind == 0:
        r = client.get("/api/health")
        count = r.json()["counts"][ORG] if r.status_code == 200 else None
    elif kind == 1:
        r = client.get("/api/organisations", params={"limit": 50})
        count = r.json()["total"] if r.status_code == 200 else None
    else:
        r = client.get(f"/api/organisations/{entry}")
        count = None
    return r.status_code, count


def _reader(app: AppServer, entry: str, reads: Reads, offset: int) -> None:
    client = app.client(reads.token)
    i = offset
    while not reads.stop.is_set():
        sent = time.perf_counter()
        try:
            status, count = _read_once(client, i, entry)
        except httpx.HTTPError as e:
            reads.calls.add(f"no answer ({type(e).__name__})", None)
            continue
        answered = time.perf_counter()
        i += 1
        if status == 401:
            reads.calls.add(401, None)
            client.close()
            client = _signed_in_again(app, reads)
            continue
        reads.calls.add(status, answered - sent)
        with reads.calls.lock:
            reads.seen.append((sent, answered, count, status))
    client.close()


def _signed_in_again(app: AppServer, reads: Reads) -> httpx.Client:
    with reads.calls.lock:
        reads.relogins += 1
        reads.token = app.token()
        return app.client(reads.token)


def _judge(reads: Reads, states: set[int], window: tuple[float, float]) -> dict[str, Any]:
    start, end = window
    during = [b - a for a, b, _, s in reads.seen if s < 500 and a < end and b > start]
    between = [c for _, _, c, _ in reads.seen if c is not None and c not in states]
    missing = [s for _, _, c, s in reads.seen if c is None and s == 404]
    p50, p95 = percentile(during, 50), percentile(during, 95)
    return {
        "reads": reads.calls.summary(),
        "reads_during_restore": len(during),
        "during_p50_ms": None if p50 is None else round(p50 * 1000, 1),
        "during_p95_ms": None if p95 is None else round(p95 * 1000, 1),
        "counts_seen": sorted({c for _, _, c, _ in reads.seen if c is not None}),
        "half_restored_counts": len(between),
        "entry_in_both_404": len(missing),
        "relogins_after_restore": reads.relogins,
    }


def restore_while_reading(
    app: AppServer, *, readers: int, extra: int, before_s: float, after_s: float
) -> dict[str, Any]:
    """Back up, add ``extra`` organisations, restore under reads; the result as a dict."""
    reads = Reads(token=app.token())
    with app.client(reads.token) as client:
        entry = str(client.get("/api/organisations", params={"limit": 1}).json()["items"][0]["id"])
        began = time.perf_counter()
        backup = client.get("/api/backup")
        backup.raise_for_status()
        backup_s = time.perf_counter() - began
        state_a = app.health()["counts"][ORG]
        for i in range(extra):
            client.post(
                "/api/organisations",
                json={"name": f"Nach der Sicherung {i}", "kind": "association"},
            ).raise_for_status()
        state_b = app.health()["counts"][ORG]
    threads = [
        threading.Thread(target=_reader, args=(app, entry, reads, k), daemon=True)
        for k in range(readers)
    ]
    for t in threads:
        t.start()
    time.sleep(before_s)
    with app.client(reads.token, timeout_s=600) as client:
        start = time.perf_counter()
        r = client.post(
            "/api/restore",
            files={"file": ("sicherung.jsonl", backup.content, "application/x-ndjson")},
            data={"replace": "true"},
        )
        end = time.perf_counter()
    time.sleep(after_s)
    reads.stop.set()
    for t in threads:
        t.join(timeout=120)
    final = app.health()["counts"][ORG]
    return {
        "backup_bytes": len(backup.content),
        "backup_s": round(backup_s, 2),
        "organisations_a_b": [state_a, state_b],
        "restore_status": r.status_code,
        "restore_s": round(end - start, 2),
        "organisations_after": final,
        "readers": readers,
        **_judge(reads, {state_a, state_b}, (start, end)),
    }
