"""Times the spreadsheet import, the exports and backup/restore on the embedded store.

1. A store is filled with the demo region at the 3,000-organisation tier.
2. A 10,000-row XLSX of new organisations (each with its area, so 10,000 ties too) is
   written, then imported: dry run, real run (one transaction), and the same file again
   (everything unchanged, nothing written).
3. The full export (everything, all dates) in every format, and backup, restore into an
   empty store and backup again (checked to be identical), then the same restore with
   replace over the restored store.
4. The same backup restored into the throw-away Neo4j 5 of the tests (``make
   neo4j-launcher``; ``--no-neo4j`` leaves it out): into the empty database just after
   the server started (its first queries are planned and compiled then), and again with
   replace.

Run with ``python -m benchmarks.bench_transfer`` (``--size``, ``--rows`` to change the
tier); the numbers are printed and written as the section "## Import, export and backup
(...)" of ``benchmarks/RESULTS.md`` (replacing that section, keeping the others).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.results import RESULTS, write_section

HERE = Path(__file__).parent
T = TypeVar("T")

_WORDS = (
    "Brücke Horizont Sonnenblume Miteinander Zukunft Begegnung Lotse Anker Kompass Nachbarn "
    "Vielfalt Heimat Weltoffen Regenbogen Hafen Garten Werkstatt Kreis Forum Treffpunkt"
).split()
_KINDS = ("Verein", "Initiative", "MSO", "Bildungsträger", "Religionsgemeinschaft", "Sonstige")


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = fn()
    return value, round(time.perf_counter() - started, 3)


def spreadsheet(rows: int, areas: list[str]) -> bytes:
    """An "Organisationen" workbook of ``rows`` new organisations, German headers."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("Organisationen")
    ws.append(["Name", "Art", "E-Mail", "Telefon", "Gegründet", "Gebiete"])
    for i in range(rows):
        a, b = _WORDS[i % len(_WORDS)], _WORDS[(i // len(_WORDS)) % len(_WORDS)]
        ws.append(
            [
                f"{a}-{b} Netzwerk {i + 1}",
                _KINDS[i % len(_KINDS)],
                f"kontakt{i}@example.org",
                f"0000 {i:06d}",
                f"{1 + i % 28:02d}.{1 + i % 12:02d}.{1960 + i % 60}",
                areas[i % len(areas)],
            ]
        )
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def neo4j_restore(parsed: Any, first: bytes) -> dict[str, Any]:
    """Restore a parsed backup into a fresh throw-away Neo4j, then again with replace."""
    from api.transfer import backup
    from graph_schema.store import open_neo4j
    from tests import neo4j_server

    result: dict[str, Any] = {}
    server = neo4j_server.start()
    try:
        store = open_neo4j(server.uri, "neo4j", "unused-auth-is-off")
        store.init()
        _, result["neo4j_restore_s"] = _timed(lambda: backup.restore(store, parsed))
        _, result["neo4j_restore_replace_s"] = _timed(
            lambda: backup.restore(store, parsed, replace=True)
        )
        again = io.BytesIO()
        backup.write_backup(store, again)
        result["neo4j_backup_identical"] = again.getvalue() == first
        store.close()
    finally:
        server.stop()
    return result


def run(size: int, rows: int, *, neo4j: bool = True) -> dict[str, Any]:
    from api.transfer import backup, exporter, importer
    from graph_schema.demo import generate_region
    from graph_schema.model import NodeLabel
    from graph_schema.store import open_ladybug

    work = Path(tempfile.mkdtemp(prefix="netzwerkatlas-bench-transfer-"))
    result: dict[str, Any] = {"organisations": size, "rows": rows}
    try:
        store = open_ladybug(work / "a")
        store.init()
        region = generate_region(size=size, today=dt.date(2025, 1, 15))
        store.bulk_upsert(
            [n for items in region.nodes.values() for n in items],
            [t for items in region.ties.values() for t in items],
        )
        result["nodes"] = sum(len(v) for v in region.nodes.values())
        result["ties"] = sum(len(v) for v in region.ties.values())

        # exports first, of the region as generated
        data, result["export_collect_s"] = _timed(lambda: exporter.collect(store))
        for fmt in exporter.FORMATS:
            raw, seconds = _timed(lambda fmt=fmt: exporter.export(data, fmt))
            result[f"export_{fmt}_s"] = seconds
            result[f"export_{fmt}_mb"] = round(len(raw) / 2**20, 2)

        buf = io.BytesIO()
        _, result["backup_s"] = _timed(lambda: backup.write_backup(store, buf))
        first = buf.getvalue()
        result["backup_mb"] = round(len(first) / 2**20, 2)
        parsed, result["backup_read_s"] = _timed(lambda: backup.read_backup(io.BytesIO(first)))
        other = open_ladybug(work / "b")
        other.init()
        _, result["restore_s"] = _timed(lambda: backup.restore(other, parsed))
        again = io.BytesIO()
        backup.write_backup(other, again)
        result["backup_identical"] = again.getvalue() == first
        _, result["restore_replace_s"] = _timed(lambda: backup.restore(other, parsed, replace=True))
        other.close()
        if neo4j:
            try:
                result.update(neo4j_restore(parsed, first))
            except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
                result["neo4j_left_out"] = f"the Neo4j test server did not start: {e}"

        # the 10,000-row import
        areas = [n.display_name for n in region.nodes[NodeLabel.AREA]][:10]
        sheet, result["xlsx_write_s"] = _timed(lambda: spreadsheet(rows, areas))
        result["xlsx_mb"] = round(len(sheet) / 2**20, 2)
        dry, result["import_dry_run_s"] = _timed(
            lambda: importer.import_file(store, sheet, "bench.xlsx", dry_run=True)
        )
        real, result["import_s"] = _timed(
            lambda: importer.import_file(store, sheet, "bench.xlsx", dry_run=False)
        )
        second, result["import_again_s"] = _timed(
            lambda: importer.import_file(store, sheet, "bench.xlsx", dry_run=False)
        )
        result["import_counts"] = real.counts
        result["import_again_counts"] = second.counts
        result["import_applied"] = real.applied
        result["organisations_after"] = store.counts()["Organisation"]
        store.close()
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        assert dry.counts["created"] == rows, dry.summary()
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def heading(size: int, rows: int) -> str:
    return f"## Import, export and backup ({size:,} organisations, {rows:,}-row XLSX)"


def _row(what: str, seconds: Any, note: str = "") -> str:
    return f"| {what} | {seconds} | {note} |"


def _neo4j_rows(result: dict[str, Any]) -> list[str]:
    if "neo4j_restore_s" not in result:
        why = result.get("neo4j_left_out", "left out (--no-neo4j)")
        return [_row("restore into Neo4j", "–", why)]
    same = "yes" if result["neo4j_backup_identical"] else "**no**"
    return [
        _row(
            "**restore into an empty Neo4j 5**",
            f"**{result['neo4j_restore_s']}**",
            "just after the server started; backup again identical: " + same,
        ),
        _row("Neo4j: restore again, replacing everything", result["neo4j_restore_replace_s"]),
    ]


def section(result: dict[str, Any]) -> str:
    """The RESULTS.md section of one run."""
    size, rows = result["organisations"], result["rows"]
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cores = len(os.sched_getaffinity(0))
    formats = ("xlsx", "csv", "graphml", "gexf", "json")
    export_total = round(
        result["export_collect_s"] + sum(result[f"export_{f}_s"] for f in formats), 3
    )
    c, again = result["import_counts"], result["import_again_counts"]
    lines = [
        heading(size, rows),
        "",
        f"Run {now} on {platform.machine()}, Python {platform.python_version()}, {cores} cores, "
        "embedded LadybugDB (restores also into the tests' throw-away Neo4j 5). `make bench` "
        "(`python -m benchmarks.bench_transfer`) writes this section.",
        "",
        f"A store holds the demo region of {size:,} organisations ({result['nodes']:,} nodes, "
        f"{result['ties']:,} ties). The full export is everything, all dates, read once "
        "(`exporter.collect`) and written in every format. The import is an XLSX of "
        f"{rows:,} new organisations (German headers, dates as `31.12.2024`, each with an area: "
        f"{rows:,} ties more), checked (dry run), written in one transaction, and imported a "
        "second time (everything unchanged, nothing written). Peak memory is the process's "
        "maximum resident set size.",
        "",
        "| step | seconds | notes |",
        "|---|---:|---|",
        _row("export: read the network", result["export_collect_s"]),
    ]
    for f in formats:
        lines.append(_row(f"export {f}", result[f"export_{f}_s"], f"{result[f'export_{f}_mb']} MB"))
    lines += [
        _row("**full export, all formats**", f"**{export_total}**", "read once + five formats"),
        _row("backup", result["backup_s"], f"{result['backup_mb']} MB"),
        _row("backup: read the file", result["backup_read_s"]),
        _row(
            "restore into an empty store",
            result["restore_s"],
            "backup again identical: " + ("yes" if result["backup_identical"] else "**no**"),
        ),
        _row("restore again, replacing everything", result["restore_replace_s"]),
        *_neo4j_rows(result),
        _row(f"write the {rows:,}-row XLSX", result["xlsx_write_s"], f"{result['xlsx_mb']} MB"),
        _row(f"import {rows:,} rows, dry run", result["import_dry_run_s"]),
        _row(
            f"**import {rows:,} rows**",
            f"**{result['import_s']}**",
            f"{c['created']:,} created, {c['rejected']} rejected, one transaction",
        ),
        _row(
            "the same file again",
            result["import_again_s"],
            f"{again['unchanged']:,} unchanged, {again['created']} created",
        ),
        "",
        f"Organisations afterwards: {result['organisations_after']:,}. "
        f"Peak memory: {result['peak_rss_mb']:,} MB.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=3_000, help="organisations of the region")
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the imported XLSX")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the results file")
    parser.add_argument("--no-neo4j", action="store_true", help="leave out the restore into Neo4j")
    args = parser.parse_args()
    result = run(args.size, args.rows, neo4j=not args.no_neo4j)
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    text = section(result)
    write_section(heading(args.size, args.rows), text, args.output)
    print(f"Written to {args.output}.")


if __name__ == "__main__":
    main()
