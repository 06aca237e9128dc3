"""Scenario 3b: backups taken while clients write; is each one a consistent picture?

``writers`` threads each create an organisation and at once a tie from it to an existing
one (``COOPERATES_WITH``), over and over, while backups are taken one after the other
(``GET /api/backup``). A backup is consistent when every tie in it has both ends in it; a
tie whose end is missing means the backup read the nodes and the ties at different
moments. The first inconsistent backup (if any) is then restored (replace=true) to see
what the restore makes of it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.reliability.harness import AppServer, Calls


@dataclass
class Pairs:
    calls: Calls = field(default_factory=Calls)
    stop: threading.Event = field(default_factory=threading.Event)


def _pair_writer(app: AppServer, token: str, anchor: str, w: int, pairs: Pairs) -> None:
    with app.client(token) as client:
        i = 0
        while not pairs.stop.is_set():
            i += 1
            try:
                r = client.post(
                    "/api/organisations", json={"name": f"Paar {w}-{i}", "kind": "association"}
                )
                pairs.calls.add(f"org {r.status_code}", None)
                if r.status_code != 201:
                    continue
                t = client.post(
                    "/api/ties",
                    json={"type": "COOPERATES_WITH", "from_id": r.json()["id"], "to_id": anchor},
                )
                pairs.calls.add(f"tie {t.status_code}", None)
            except httpx.HTTPError as e:
                pairs.calls.add(f"no answer ({type(e).__name__})", None)


def dangling_ties(content: bytes) -> tuple[int, int]:
    """(ties, ties with an end missing from the backup's nodes)."""
    nodes: set[str] = set()
    ends: list[tuple[str, str]] = []
    for line in content.splitlines():
        obj = json.loads(line)
        if obj.get("kind") == "node":
            nodes.add(obj["data"]["id"])
        elif obj.get("kind") == "tie":
            ends.append((obj["data"]["from_id"], obj["data"]["to_id"]))
    return len(ends), sum(1 for a, b in ends if a not in nodes or b not in nodes)


def _try_restore(app: AppServer, token: str, content: bytes) -> dict[str, Any]:
    with app.client(token, timeout_s=600) as client:
        r = client.post(
            "/api/restore",
            files={"file": ("sicherung.jsonl", content, "application/x-ndjson")},
            data={"replace": "true"},
        )
    return {"status": r.status_code, "answer": r.text[:300]}


def backups_while_writing(
    app: AppServer, *, writers: int, seconds: float, restore_bad: bool = True
) -> dict[str, Any]:
    """Take backups for ``seconds`` while ``writers`` add organisations and ties."""
    token = app.token()
    with app.client(token) as client:
        anchor = str(client.get("/api/organisations", params={"limit": 1}).json()["items"][0]["id"])
    pairs = Pairs()
    threads = [
        threading.Thread(target=_pair_writer, args=(app, token, anchor, w, pairs), daemon=True)
        for w in range(writers)
    ]
    for t in threads:
        t.start()
    taken, bad, first_bad, durations = 0, 0, b"", []
    deadline = time.perf_counter() + seconds
    with app.client(token, timeout_s=600) as client:
        while time.perf_counter() < deadline or taken == 0:
            began = time.perf_counter()
            r = client.get("/api/backup")
            durations.append(time.perf_counter() - began)
            r.raise_for_status()
            taken += 1
            ties, dangling = dangling_ties(r.content)
            if dangling:
                bad += 1
                first_bad = first_bad or r.content
    pairs.stop.set()
    for t in threads:
        t.join(timeout=60)
    result: dict[str, Any] = {
        "writers": writers,
        "writes": pairs.calls.summary()["statuses"],
        "backups": taken,
        "backup_s_max": round(max(durations), 2),
        "inconsistent_backups": bad,
    }
    if first_bad and restore_bad:
        ties, dangling = dangling_ties(first_bad)
        result["first_inconsistent"] = {"ties": ties, "dangling": dangling}
        result["restore_of_it"] = _try_restore(app, token, first_bad)
    return result
