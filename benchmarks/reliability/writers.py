"""Scenario 2: eight concurrent writers on the same entries.

The API's ``PATCH`` changes the properties it is given and keeps the others; without a
version check (If-Match) the last write to a property wins. Two kinds of lost update are
measured, on the same two organisations:

- **Disjoint fields** (the server's duty): writer *w* owns one property (name, short
  name, description, website, e-mail, phone, address, tags) and writes only that one,
  numbered ``w<w>-<seq>``, one request after the other. Nobody else writes it, so the
  owner's last acknowledged value must be there at the end, and no PATCH of another
  property may carry an older value of it back: every ``PATCH`` answer holds the whole
  entry as written, so an answer whose request was sent after the owner's write ``seq``
  was acknowledged but which holds an older value of the owner's property has undone
  that write (a lost update inside the server: read, merge, write without a lock).
- **Read-modify-write** (the client's duty): each writer reads a counter from the
  description, adds one and writes it back. Under last-write-wins two writers that read
  the same value both write value+1, and one increment is lost: by design unless the API
  offers a version (ETag); when ``GET`` answers with an ETag the writers send
  ``If-Match`` and retry on 409/412, and then no increment may be lost.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks.reliability.harness import AppServer, Calls

FIELDS = ("name", "short_name", "description", "website", "email", "phone", "address", "tags")
TIE_FIELDS = ("note", "source")
_SEQ = re.compile(r"w(\d+)-(\d+)")
_COUNTER = re.compile(r"Zähler=(\d+)")


def _value(f: str, w: int, seq: int) -> Any:
    text = f"w{w}-{seq}"
    if f == "email":
        return f"{text}@example.org"
    if f == "tags":
        return [text]
    return text


def _seq_of(value: Any) -> int:
    """The sequence number in a written value; -1 for a value no writer wrote."""
    if isinstance(value, list):
        value = value[0] if value else None
    m = _SEQ.search(str(value)) if value is not None else None
    return int(m.group(2)) if m else -1


@dataclass
class Answer:
    entry: str
    writer: int
    seq: int
    sent: float
    acked: float
    body: dict[str, Any]


@dataclass
class Plan:
    """Who writes what: writer -> (the entries it writes in turn, its one property)."""

    path: str
    jobs: dict[int, tuple[list[str], str]]


@dataclass
class Run:
    calls: Calls = field(default_factory=Calls)
    answers: list[Answer] = field(default_factory=list)
    deadline: float = 0.0


def _field_writer(app: AppServer, token: str, plan: Plan, w: int, run: Run) -> None:
    entries, prop = plan.jobs[w]
    with app.client(token) as client:
        seq = 0
        while time.perf_counter() < run.deadline:
            entry = entries[seq % len(entries)]
            sent = time.perf_counter()
            try:
                r = client.patch(f"{plan.path}/{entry}", json={prop: _value(prop, w, seq)})
            except httpx.HTTPError as e:
                run.calls.add(f"no answer ({type(e).__name__})", None)
                continue
            acked = time.perf_counter()
            run.calls.add(r.status_code, acked - sent)
            if r.status_code == 200:
                with run.calls.lock:
                    run.answers.append(Answer(entry, w, seq, sent, acked, r.json()))
            seq += 1


def _undone(answers: list[Answer], plan: Plan) -> set[tuple[str, int, int]]:
    """Acknowledged writes (entry, writer, seq) that a later PATCH carried back."""
    acks: dict[tuple[str, int], list[tuple[float, int]]] = {}
    for a in answers:
        acks.setdefault((a.entry, a.writer), []).append((a.acked, a.seq))
    undone: set[tuple[str, int, int]] = set()
    for a in answers:
        for v, (_, prop) in plan.jobs.items():
            earlier = [s for t, s in acks.get((a.entry, v), []) if t < a.sent]
            if v == a.writer or not earlier:
                continue
            if _seq_of(a.body.get(prop)) < max(earlier):
                undone.add((a.entry, v, max(earlier)))
    return undone


def _final_mismatches(app: AppServer, token: str, plan: Plan, answers: list[Answer]) -> int:
    last: dict[tuple[str, int], int] = {}
    for a in answers:
        last[(a.entry, a.writer)] = max(last.get((a.entry, a.writer), -1), a.seq)
    wrong = 0
    with app.client(token) as client:
        bodies = {e: client.get(f"{plan.path}/{e}").json() for e, _ in last}
    for (entry, w), expected in last.items():
        if _seq_of(bodies[entry].get(plan.jobs[w][1])) != expected:
            wrong += 1
    return wrong


def disjoint_fields(app: AppServer, token: str, plan: Plan, seconds: float) -> dict[str, Any]:
    run = Run(deadline=time.perf_counter() + seconds)
    threads = [
        threading.Thread(target=_field_writer, args=(app, token, plan, w, run), daemon=True)
        for w in plan.jobs
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    checked = sum(len(entries) for entries, _ in plan.jobs.values())
    return {
        "patches": run.calls.summary(),
        "acknowledged": len(run.answers),
        "undone_by_other_field": len(_undone(run.answers, plan)),
        "final_fields_wrong": _final_mismatches(app, token, plan, run.answers),
        "fields_checked": checked,
    }


@dataclass
class Counter:
    calls: Calls = field(default_factory=Calls)
    increments: int = 0
    conflicts: int = 0
    etag: bool = False
    deadline: float = 0.0


def _increment(client: httpx.Client, entry: str, counter: Counter) -> None:
    """One read-modify-write; retries on a version conflict when ETags are offered."""
    while time.perf_counter() < counter.deadline:
        began = time.perf_counter()
        r = client.get(f"/api/organisations/{entry}")
        counter.calls.add(f"GET {r.status_code}", time.perf_counter() - began)
        if r.status_code != 200:
            return
        m = _COUNTER.search(r.json().get("description") or "")
        n = int(m.group(1)) if m else 0
        headers = {"If-Match": r.headers["etag"]} if "etag" in r.headers else {}
        began = time.perf_counter()
        p = client.patch(
            f"/api/organisations/{entry}", json={"description": f"Zähler={n + 1}"}, headers=headers
        )
        counter.calls.add(p.status_code, time.perf_counter() - began)
        with counter.calls.lock:
            counter.etag = counter.etag or bool(headers)
            if p.status_code == 200:
                counter.increments += 1
                return
            if p.status_code in (409, 412):
                counter.conflicts += 1
                continue
        return


def _incrementer(app: AppServer, token: str, entry: str, counter: Counter) -> None:
    with app.client(token) as client:
        while time.perf_counter() < counter.deadline:
            try:
                _increment(client, entry, counter)
            except httpx.HTTPError as e:
                counter.calls.add(f"no answer ({type(e).__name__})", None)


def read_modify_write(
    app: AppServer, token: str, entry: str, writers: int, seconds: float
) -> dict[str, Any]:
    with app.client(token) as client:
        client.patch(f"/api/organisations/{entry}", json={"description": "Zähler=0"})
    counter = Counter(deadline=time.perf_counter() + seconds)
    threads = [
        threading.Thread(target=_incrementer, args=(app, token, entry, counter), daemon=True)
        for _ in range(writers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    with app.client(token) as client:
        final_text = client.get(f"/api/organisations/{entry}").json().get("description") or ""
    m = _COUNTER.search(final_text)
    final = int(m.group(1)) if m else -1
    summary = counter.calls.summary()
    patches = {k: v for k, v in summary["statuses"].items() if not k.startswith("GET")}
    return {
        "requests": summary,
        "patch_statuses": patches,
        "acknowledged_increments": counter.increments,
        "final_counter": final,
        "lost_increments": counter.increments - final,
        "etag_offered": counter.etag,
        "conflicts_retried": counter.conflicts,
    }


def _new_entries(app: AppServer, token: str) -> tuple[list[str], list[str]]:
    """Two fresh organisations, and four fresh ties between them and others."""
    with app.client(token) as client:
        orgs = []
        for name in ("Schreiber A", "Schreiber B", "Schreiber C", "Schreiber D"):
            r = client.post("/api/organisations", json={"name": name, "kind": "association"})
            r.raise_for_status()
            orgs.append(str(r.json()["id"]))
        ties = []
        for a, b in ((0, 1), (0, 2), (1, 3), (2, 3)):
            r = client.post(
                "/api/ties",
                json={"type": "COOPERATES_WITH", "from_id": orgs[a], "to_id": orgs[b]},
            )
            r.raise_for_status()
            ties.append(str(r.json()["id"]))
    return orgs[:2], ties


def concurrent_writers(app: AppServer, *, writers: int, seconds: float) -> dict[str, Any]:
    """The three measurements on fresh entries; the result as a dict."""
    token = app.token()
    orgs, ties = _new_entries(app, token)
    began = time.perf_counter()
    nodes = Plan("/api/organisations", {w: (orgs, FIELDS[w % len(FIELDS)]) for w in range(writers)})
    # two writers per tie, one writing its note, the other its source
    tie_plan = Plan(
        "/api/ties",
        {w: ([ties[w // 2 % len(ties)]], TIE_FIELDS[w % 2]) for w in range(writers)},
    )
    fields = disjoint_fields(app, token, nodes, seconds)
    tie_fields = disjoint_fields(app, token, tie_plan, seconds)
    rmw = read_modify_write(app, token, orgs[0], writers, seconds)
    return {
        "writers": writers,
        "seconds": seconds,
        "disjoint_fields": fields,
        "tie_fields": tie_fields,
        "read_modify_write": rmw,
        "duration_s": round(time.perf_counter() - began, 1),
    }
