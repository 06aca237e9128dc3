"""The transfer commands as a user runs them: real processes, the embedded store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx

from graph_schema import clock
from tests.transfer.conftest import DATA

ROOT = Path(__file__).parents[2]


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETZWERKATLAS_")}
    env[clock.ENV] = clock.today().isoformat()  # the tests' pinned day
    env.update({"NETZWERKATLAS_DATA_DIR": str(data_dir), "COLUMNS": "200"})
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_export_backup_restore(tmp_path: Path) -> None:
    data = tmp_path / "data"
    messy = _run(data, "import", str(DATA / "messy.xlsx"), "--report", str(tmp_path / "r.json"))
    assert messy.returncode == 1
    assert messy.stderr.count("\n") == 1 and "nothing was written" in messy.stderr
    assert "Organisationen row 7: rejected" in messy.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["counts"]["rejected"] == 10

    dry = _run(data, "import", str(DATA / "clean.xlsx"), "--dry-run")
    assert dry.returncode == 0 and "Dry run: 23 created" in dry.stdout
    real = _run(data, "import", str(DATA / "clean.xlsx"))
    assert real.returncode == 0 and "Imported: 23 created" in real.stdout
    again = _run(data, "import", str(DATA / "clean.xlsx"))
    assert "Nothing to change: 0 created, 0 updated, 23 unchanged" in again.stdout

    out = _run(data, "export", str(tmp_path / "net.graphml"))
    assert out.returncode == 0, out.stderr
    g = nx.read_graphml(tmp_path / "net.graphml")
    assert g.number_of_nodes() == 24
    out = _run(data, "export", "--format", "csv", str(tmp_path / "net.zip"), "--no-personal")
    assert out.returncode == 0, out.stderr
    bad = _run(data, "export", str(tmp_path / "net.doc"))
    assert bad.returncode == 1 and "Unknown format" in bad.stderr

    assert _run(data, "backup", str(tmp_path / "b.jsonl")).returncode == 0
    refused = _run(data, "restore", str(tmp_path / "b.jsonl"))
    assert refused.returncode == 1 and "--replace" in refused.stderr
    other = tmp_path / "other"
    assert _run(other, "restore", str(tmp_path / "b.jsonl")).returncode == 0
    assert _run(other, "backup", str(tmp_path / "b2.jsonl")).returncode == 0
    assert (tmp_path / "b.jsonl").read_bytes() == (tmp_path / "b2.jsonl").read_bytes()

    html = _run(data, "report", str(tmp_path / "bericht.html"), "--compare-to", "2020-01-01")
    assert html.returncode == 0, html.stderr
    assert "Netzwerkbericht" in (tmp_path / "bericht.html").read_text()


def test_import_with_a_corrected_mapping(tmp_path: Path) -> None:
    data = tmp_path / "data"
    liste = tmp_path / "liste.csv"
    liste.write_bytes(
        "Träger-Bezeichnung;Sorte;Bemerkung\nKulturbrücke Lindenau;MSO;nur intern\n".encode(
            "cp1252"
        )
    )
    bad = _run(data, "import", str(liste), "--dry-run", "--map", "Träger=name")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1
    assert "no column 'Träger'" in bad.stderr and "Träger-Bezeichnung" in bad.stderr
    args = ["--sheet", "Organisation", "--map", "Träger-Bezeichnung=name", "-m", "Sorte=kind"]
    args += ["--map", "Bemerkung=-"]
    dry = _run(data, "import", str(liste), "--dry-run", *args)
    assert dry.returncode == 0, dry.stderr
    # the dry run prints the mapping it used
    assert (
        "Sheet 'liste' → Organisation (header row 1): Träger-Bezeichnung → name, "
        "Sorte → kind, Bemerkung → (not imported)" in dry.stdout
    )
    assert "Dry run: 1 created" in dry.stdout
    real = _run(data, "import", str(liste), *args)
    assert real.returncode == 0 and "Imported: 1 created" in real.stdout, real.stderr
    again = _run(data, "import", str(liste), *args)
    assert "0 created, 0 updated, 1 unchanged" in again.stdout
    wrong = _run(data, "import", str(liste), *args[:-2], "--map", "Bemerkung=colour")
    assert wrong.returncode == 1 and "'colour'" in wrong.stderr


def test_duplicates_and_merge(tmp_path: Path) -> None:
    data = tmp_path / "data"
    orgs = tmp_path / "organisationen.csv"
    orgs.write_text(
        "Name;Art;Website\n"
        "Caritasverband Lindenau e.V.;Wohlfahrtsverband;\n"
        "caritasverband  Lindenau;Wohlfahrtsverband;https://caritas.example.org\n"
        "AWO Lindenau;Wohlfahrtsverband;\n",
        encoding="utf-8",
    )
    coop = tmp_path / "kooperationen.csv"
    coop.write_text("Organisation;Partner\ncaritasverband  Lindenau;AWO Lindenau\n")
    for f in (orgs, coop):
        assert _run(data, "import", str(f)).returncode == 0
    listed = _run(data, "duplicates", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    [pair] = json.loads(listed.stdout)
    names = {pair["a"]["name"]: pair["a"]["id"], pair["b"]["name"]: pair["b"]["id"]}
    keep = names.pop("Caritasverband Lindenau e.V.")
    [drop] = names.values()
    table = _run(data, "duplicates")
    assert "legal form" in table.stdout and "netzwerkatlas merge" in table.stdout
    unknown = _run(data, "merge", keep, "org-nobody", "--yes")
    assert unknown.returncode == 1 and unknown.stderr.count("\n") == 1
    merged = _run(data, "merge", keep, drop, "--yes")
    assert merged.returncode == 0, merged.stderr
    assert "1 ties moved" in merged.stdout and "website" in merged.stdout
    assert json.loads(_run(data, "duplicates", "--format", "json").stdout) == []
    exported = tmp_path / "net.json"
    assert _run(data, "export", str(exported)).returncode == 0
    net = json.loads(exported.read_text())
    assert drop not in json.dumps(net["nodes"] if "nodes" in net else net)
    assert keep in exported.read_text()


def test_dates_as_germans_write_them_and_folders_that_are_missing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _run(data, "import", str(DATA / "clean.xlsx")).returncode == 0
    german = _run(data, "export", "--as-of", "31.12.2024", str(tmp_path / "net.json"))
    iso = _run(data, "export", "--as-of", "2024-12-31", str(tmp_path / "iso.json"))
    assert german.returncode == iso.returncode == 0, german.stderr
    assert (tmp_path / "net.json").read_bytes() == (tmp_path / "iso.json").read_bytes()
    for args, option, says in (
        (["export", "--as-of", "10/12/2018", "x.json"], "--as-of", "10.12.2018 or 12.10.2018"),
        (["report", "--compare-to", "31.02.2024", "x.html"], "--compare-to", "31.12.2024"),
        (["analyse", "--as-of", "2024"], "--as-of", "31.12.2024"),
    ):
        bad = _run(data, *args)
        assert bad.returncode == 2, bad.stdout
        [line] = bad.stderr.strip().splitlines()
        assert line.startswith(f"Error: Invalid value for '{option}': '{args[2]}'"), line
        assert says in line, line
    assert _run(data, "analyse", "--as-of", "31.12.2024", "--format", "json").returncode == 0
    for command in ("export", "report", "backup"):
        target = tmp_path / "nowhere" / f"out.{'html' if command == 'report' else 'json'}"
        done = _run(data, command, str(target))
        assert done.returncode == 1
        assert done.stderr == (
            f"Error: the folder {target.parent} does not exist: create it or choose another path.\n"
        )
    assert not (tmp_path / "nowhere").exists()


def test_a_column_of_us_dates_is_asked_and_read_as_told(tmp_path: Path) -> None:
    data = tmp_path / "data"
    orgs = tmp_path / "organisationen.csv"
    orgs.write_text(
        "Name;Art;Gegründet\nCaritas;Wohlfahrtsverband;31.12.1990\nAWO;Wohlfahrtsverband;1998\n"
        "DRK;Wohlfahrtsverband;2001-02-03\n"
    )
    assert _run(data, "import", str(orgs)).returncode == 0  # German dates and years: as ever
    coop = tmp_path / "kooperationen.csv"
    coop.write_text("Organisation;Partner;Seit\nCaritas;AWO;10/12/2018\nAWO;DRK;01/02/2019\n")
    asked = _run(data, "import", str(coop), "--report", str(tmp_path / "r.json"))
    assert asked.returncode == 1 and asked.stderr.count("\n") == 1
    assert "'10/12/2018' in 'Seit' may be 10.12.2018 or 12.10.2018" in asked.stdout
    assert asked.stdout.count('--date-order "Seit=DMY"') == 3  # the question, two rows
    [question] = json.loads((tmp_path / "r.json").read_text())["date_questions"]
    assert question["column"] == "Seit" and question["rows"] == 2

    told = _run(
        data, "import", str(coop), "--date-order", "Seit=MTJ", "--report", str(tmp_path / "t.json")
    )
    assert told.returncode == 0, told.stdout + told.stderr
    assert "Imported: 2 created" in told.stdout and "Writing" in told.stdout
    saved = json.loads((tmp_path / "t.json").read_text())
    exported = tmp_path / "net.json"
    assert _run(data, "export", str(exported)).returncode == 0
    net = json.loads(exported.read_text())
    since = sorted(t["since"] for t in net["ties"] if t.get("since"))
    assert since == ["2018-10-12", "2019-01-02"]
    founded = {n["name"]: n.get("founded") for n in net["nodes"] if n["label"] == "Organisation"}
    assert founded == {"Caritas": "1990-12-31", "AWO": "1998-01-01", "DRK": "2001-02-03"}
    assert saved["date_questions"][0]["choice"] == "MDY"
