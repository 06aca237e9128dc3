"""The figures of a reliability run as Markdown tables, between two markers of a document.

Everything between ``<!-- reliability:begin -->`` and ``<!-- reliability:end -->`` is
replaced; the prose around it stays as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

BEGIN = "<!-- reliability:begin -->"
END = "<!-- reliability:end -->"


def _v(value: Any) -> str:
    return "–" if value is None else str(value)


def _rss(r: dict[str, Any]) -> tuple[str, str]:
    rss = r.get("peak_rss_mb") or {}
    return _v(rss.get("app")), _v(rss.get("neo4j"))


def _failed(backend: str, name: str, r: dict[str, Any]) -> str | None:
    if "failed" in r:
        return f"| {backend} | {name}: **failed**: {r['failed']} |"
    return None


def _kill_rows(backend: str, kills: list[dict[str, Any]]) -> list[str]:
    rows = []
    for k in kills:
        failed = _failed(backend, "kill -9", k)
        if failed:
            rows.append(failed)
            continue
        req = k["requests"]
        app, jvm = _rss(k)
        restart = str(k["restart_s"])
        if k.get("neo4j_restart_s") is not None:
            restart += f" (Neo4j {k['neo4j_restart_s']})"
        if "first_201_after_neo4j_ready_s" in k:
            restart += f"; first 201 {_v(k['first_201_after_neo4j_ready_s'])} s after"
        rows.append(
            f"| {backend} | {k['killed']} | {req['requests']} | {k['acknowledged']} "
            f"| {k['present_after_restart']} | **{k['lost']}** | {k['present_not_acknowledged']} "
            f"| {req['5xx']} | {_v(req['p50_ms'])} / {_v(req['p95_ms'])} | {restart} "
            f"| {app} | {jvm} |"
        )
    return rows


def _disjoint_row(backend: str, what: str, writers: int, d: dict[str, Any]) -> str:
    p = d["patches"]
    return (
        f"| {backend} | {what} | {writers} | {d['acknowledged']} | {p['5xx']} "
        f"| {_v(p['p50_ms'])} / {_v(p['p95_ms'])} | **{d['undone_by_other_field']}** "
        f"| {d['final_fields_wrong']} of {d['fields_checked']} |"
    )


def _writer_rows(backend: str, w: dict[str, Any]) -> tuple[list[str], list[str]]:
    failed = _failed(backend, "writers", w)
    if failed:
        return [failed], [failed]
    n = w["writers"]
    disjoint = [
        _disjoint_row(backend, "2 organisations, 1 property per writer", n, w["disjoint_fields"])
    ]
    if "tie_fields" in w:
        disjoint.append(
            _disjoint_row(backend, "4 ties, note and source, 2 writers each", n, w["tie_fields"])
        )
    m = w["read_modify_write"]
    q = m["requests"]
    rmw = (
        f"| {backend} | {'yes' if m['etag_offered'] else 'no'} | {m['acknowledged_increments']} "
        f"| {m['final_counter']} | **{m['lost_increments']}** | {m['conflicts_retried']} "
        f"| {q['5xx']} | {_v(q['p50_ms'])} / {_v(q['p95_ms'])} |"
    )
    return disjoint, [rmw]


def _restore_row(backend: str, r: dict[str, Any]) -> str:
    failed = _failed(backend, "restore", r)
    if failed:
        return failed
    a, b = r["organisations_a_b"]
    reads = r["reads"]
    return (
        f"| {backend} | {r['backup_bytes'] // 1024} KB in {r['backup_s']} s | {b} → {a} "
        f"| {r['restore_status']} in {r['restore_s']} s | {reads['requests']} "
        f"({r['reads_during_restore']} during) | {reads['5xx']} "
        f"| {_v(r['during_p50_ms'])} / {_v(r['during_p95_ms'])} "
        f"| {_v(reads['p50_ms'])} / {_v(reads['p95_ms'])} "
        f"| {', '.join(map(str, r['counts_seen']))} | **{r['half_restored_counts']}** "
        f"| {r['entry_in_both_404']} | {r['relogins_after_restore']} |"
    )


def _backup_row(backend: str, r: dict[str, Any]) -> str:
    failed = _failed(backend, "backups", r)
    if failed:
        return failed
    first = r.get("first_inconsistent") or {}
    restored = r.get("restore_of_it") or {}
    writes = ", ".join(f"{k}: {v}" for k, v in r["writes"].items())
    return (
        f"| {backend} | {r['writers']} | {writes} | {r['backups']} | {r['backup_s_max']} "
        f"| **{r['inconsistent_backups']}** "
        f"| {_v(first.get('dangling'))} of {_v(first.get('ties'))} "
        f"| {_v(restored.get('status'))} |"
    )


def _memory_rows(backend: str, res: dict[str, Any]) -> list[str]:
    rows = []
    first = res.get("first_start_peak_rss_mb")
    if first:
        rows.append(
            f"| {backend} | first start (demo load) | {_v(first['app'])} | {_v(first['neo4j'])} "
            f"| {_v(res.get('first_start_s'))} |"
        )
    named = [
        ("8 writers", res.get("writers")),
        ("restore while reading", res.get("restore")),
        ("backups while writing", res.get("backup")),
    ]
    named += [(f"kill -9 ({k.get('killed', '?')})", k) for k in res.get("kill", [])]
    for name, r in named:
        if r:
            app, jvm = _rss(r)
            rows.append(f"| {backend} | {name} | {app} | {jvm} | {_v(r.get('wall_s'))} |")
    return rows


def tables(results: dict[str, Any]) -> str:
    m = results["machine"]
    backends = [k for k in ("ladybug", "neo4j") if k in results]
    kill, disjoint, rmw, rest, mem, back = [], [], [], [], [], []
    for b in backends:
        res = results[b]
        kill += _kill_rows(b, res.get("kill", []))
        if "writers" in res:
            d, r = _writer_rows(b, res["writers"])
            disjoint += d
            rmw += r
        if "restore" in res:
            rest.append(_restore_row(b, res["restore"]))
        if "backup" in res:
            back.append(_backup_row(b, res["backup"]))
        mem += _memory_rows(b, res)
    s = results["settings"]
    lines = [
        f"Run {m['date_utc']} UTC on {m['cpu']}, {m['cores']} cores (shared), "
        f"{m['memory_gb']} GB, {m['os']}, Python {m['python']}, load average (1 min) "
        f"{m.get('load_average_1min', '?')} at the start and "
        f"{m.get('load_average_1min_end', '?')} at the end; demo region of {s['size']} "
        f"organisations, {s['seconds']} s per write phase. The whole command took "
        f"{results['runtime_s']} s.",
        "",
        "**Kill -9 during writes** (latency of the answered POSTs, ms; RSS in MB, just "
        "before the kill)",
        "",
        "| backend | killed | POSTs sent | acknowledged (201) | present after restart | lost "
        "| present, not acknowledged | 5xx | p50 / p95 | restart (s) | app RSS | Neo4j RSS |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *kill,
        "",
        f"**{s['writers']} concurrent writers, each PATCHing only its own property of the same "
        "entries** (PATCH latency, ms)",
        "",
        "| backend | entries | writers | PATCHes acknowledged | 5xx | p50 / p95 "
        "| acknowledged writes undone by another property's PATCH "
        "| properties wrong at the end |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
        *disjoint,
        "",
        f"**{s['writers']} writers, read-modify-write of one counter** (GET and PATCH latency, ms)",
        "",
        "| backend | ETag / If-Match | increments acknowledged | final counter "
        "| lost increments | conflicts retried | 5xx | p50 / p95 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
        *rmw,
        "",
        f"**Restore (replace=true) while {s['readers']} clients read** (latency of the reads, ms)",
        "",
        "| backend | backup | organisations | restore | reads | 5xx | p50 / p95 during restore "
        "| p50 / p95 all reads | organisation counts seen | half-restored reads "
        "| 404 for an entry in both | sign-ins again |",
        "|---|---|---|---|---|---:|---:|---:|---|---:|---:|---:|",
        *rest,
        "",
        f"**Backups while {s['clients']} clients add organisations and ties**",
        "",
        "| backend | writers | writes (status: count) | backups taken | slowest backup (s) "
        "| inconsistent backups | dangling ties in the first one | restoring it |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
        *back,
        "",
        "**Peak memory** (VmHWM in MB; the app server is started afresh for each scenario, "
        "the Neo4j JVM runs on from its start, so its figure is the peak so far)",
        "",
        "| backend | scenario | app server | Neo4j JVM | scenario wall time (s) |",
        "|---|---|---:|---:|---:|",
        *mem,
    ]
    return "\n".join(lines) + "\n"


def write_report(results: dict[str, Any], path: Path) -> None:
    """Replace the figures between the markers of ``path`` (create it if missing)."""
    body = f"{BEGIN}\n{tables(results)}{END}"
    if not path.exists():
        path.write_text(f"# Reliability\n\n{body}\n", encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + body + tail
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    path.write_text(text, encoding="utf-8")
