"""One results file for every benchmark: ``benchmarks/RESULTS.md``, one ``## `` section each.

Each benchmark replaces its own section (from its ``## `` title up to the next ``## ``) and
leaves the others as they are, so ``make bench`` can run them one after another and a single
benchmark can be rerun alone.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = (
    "# Benchmark results\n\n"
    "Written by `make bench`: each benchmark replaces its own section below.\n\n"
)


def write_section(title: str, text: str, path: Path = RESULTS) -> Path:
    """Replace the section that starts with the line ``title`` in ``path``, or append it.

    ``text`` is the whole section, its first line being ``title``.
    """
    if not text.startswith(title):
        raise ValueError(f"the section must start with its title {title!r}")
    text = text.rstrip("\n") + "\n"
    if not path.exists():
        path.write_text(HEADER + text, encoding="utf-8")
        return path
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == title), None)
    if start is None:
        body = "".join(lines).rstrip("\n") + "\n\n" + text
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        rest = "".join(lines[end:])
        body = "".join(lines[:start]) + text + ("\n" + rest if rest else "")
    path.write_text(body, encoding="utf-8")
    return path


#: the figures behind the sections, one key per benchmark (``load``, ``api``, ``web``) and
#: ``references``: each measured row beside its reference of the same run
JSON = Path(__file__).with_name("results.json")
REFERENCES_TITLE = "## Against the references (issue 16)"
#: the rows of issue 16's table, in its order, and what each is compared with
ROWS: dict[str, str] = {
    "load": "first load of the demo (`bulk_upsert`) | the same rows through LadybugDB "
    "`COPY FROM` CSV files into the same schema",
    "restore_neo4j": "restore into Neo4j | the embedded restore",
    "api_list": "`GET /api/organisations?limit=50`, 8 clients, warm | a bare FastAPI endpoint "
    "returning the same 50 items, served the same way",
    "map_page": "`/netzwerk` page | a minimal vis-network page with the same nodes, edges "
    "and options",
}


def read_json(path: Path = JSON) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    # bench_load wrote its tiers at the top level before there were other keys
    return {k: v for k, v in data.items() if not k.isdigit()}


def write_json(key: str, value: Any, path: Path = JSON) -> Path:
    """Set ``key`` of ``results.json`` to ``value``, keeping the other benchmarks' keys."""
    data = read_json(path)
    data[key] = value
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def record_reference(row: str, figures: list[dict[str, Any]], note: str = "") -> None:
    """Write the row ``row`` of :data:`ROWS`: ``figures`` are ``{"what", "unit", "ours",
    "reference"}`` measured in the same run (ratio = ours / reference), into
    ``results.json`` (``references``) and the section :data:`REFERENCES_TITLE`."""
    if row not in ROWS:
        raise ValueError(f"unknown row {row!r}")
    rows = read_json().get("references", {})
    for f in figures:
        f["ratio"] = round(f["ours"] / f["reference"], 2) if f["reference"] else None
    rows[row] = {
        "run": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "figures": figures,
        "note": note,
    }
    write_json("references", rows)
    write_section(REFERENCES_TITLE, references_text(rows))


def _figure(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def references_text(rows: dict[str, Any]) -> str:
    lines = [
        REFERENCES_TITLE,
        "",
        "Each row is measured together with its reference in the same run of its benchmark "
        "(`make bench`); ratio = ours / reference (1 = as fast or as small as the reference). "
        "The figures are also in `benchmarks/results.json` (`references`).",
        "",
        "| row | reference | measure | ours | reference | ratio | run |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for key, title in ROWS.items():
        ours_title, ref_title = title.split(" | ")
        row = rows.get(key)
        if not row:
            lines.append(f"| {ours_title} | {ref_title} | not measured | – | – | – | – |")
            continue
        for f in row["figures"]:
            ratio = "–" if f["ratio"] is None else f"{f['ratio']:.2f}"
            lines.append(
                f"| {ours_title} | {ref_title} | {f['what']} ({f['unit']}) "
                f"| {_figure(f['ours'])} | {_figure(f['reference'])} | {ratio} | {row['run']} |"
            )
    notes = [f"* {ROWS[k].split(' | ')[0]}: {r['note']}" for k, r in rows.items() if r.get("note")]
    if "restore_neo4j" not in rows:
        notes.append(
            "* restore into Neo4j: `benchmarks/bench_transfer.py` times the embedded restore "
            "only; the Neo4j row is measured once it restores into Neo4j as well."
        )
    return "\n".join([*lines, "", *notes]) + "\n"
