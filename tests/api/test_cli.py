"""The command line as a user runs it: real processes, the real embedded store."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_schema import clock

CLI = [sys.executable, "-m", "api.cli"]
ROOT = Path(__file__).parents[2]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETZWERKATLAS_")}
    env[clock.ENV] = clock.today().isoformat()  # the tests' pinned day
    env.update({"NETZWERKATLAS_DATA_DIR": str(data_dir), "COLUMNS": "200", **extra})
    return env


def _run(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        env=_env(data_dir, **extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _health(port: int) -> dict[str, object]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5) as r:
        return json.loads(r.read())  # type: ignore[no-any-return]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Path, int, subprocess.Popen[str]]]:
    port = _free_port()
    data_dir = tmp_path / "data"
    proc = subprocess.Popen(
        [*CLI, "serve"],
        env=_env(data_dir, NETZWERKATLAS_PORT=str(port)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            _health(port)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read() if proc.stdout else ""
                proc.kill()
                pytest.fail(f"server did not start: {out}")
            time.sleep(0.3)
    yield data_dir, port, proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0


def test_first_start_loads_the_demo_once(
    server: tuple[Path, int, subprocess.Popen[str]],
) -> None:
    data_dir, port, proc = server
    first = _health(port)
    assert first["store"] == "ladybug"
    counts = first["counts"]
    assert isinstance(counts, dict) and counts["Organisation"] >= 100
    _stop(proc)
    port2 = _free_port()
    again = subprocess.Popen(
        [*CLI, "serve"],
        env=_env(data_dir, NETZWERKATLAS_PORT=str(port2)),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                second = _health(port2)
                break
            except OSError:
                assert time.monotonic() < deadline, "second start did not come up"
                time.sleep(0.3)
        assert second["counts"] == counts
    finally:
        again.send_signal(signal.SIGINT)
        again.wait(timeout=30)


def test_stats_works_and_writers_are_refused_while_the_server_runs(
    server: tuple[Path, int, subprocess.Popen[str]],
) -> None:
    data_dir, port, _ = server
    organisations = _health(port)["counts"]["Organisation"]  # type: ignore[index]
    stats = _run(data_dir, "stats")
    assert stats.returncode == 0, stats.stderr
    assert "Organisation" in stats.stdout and f"{organisations:,}" in stats.stdout
    for args in (["demo"], ["init"], ["demo", "--replace"]):
        busy = _run(data_dir, *args)
        assert busy.returncode == 3
        lines = busy.stderr.strip().splitlines()
        assert len(lines) == 1, busy.stderr
        assert "in use by another Netzwerkatlas process" in lines[0]
        assert "stop the server" in lines[0]
        assert "Traceback" not in busy.stderr + busy.stdout


def test_demo_refuses_to_mix_and_replaces_on_request(tmp_path: Path) -> None:
    assert _run(tmp_path, "init").returncode == 0
    first = _run(tmp_path, "demo", "--size", "60")
    assert first.returncode == 0, first.stderr
    again = _run(tmp_path, "demo")
    assert again.returncode == 1
    assert "--replace" in again.stderr and "Traceback" not in again.stderr
    replaced = _run(tmp_path, "demo", "--size", "80", "--replace")
    assert replaced.returncode == 0, replaced.stderr
    stats = _run(tmp_path, "stats")
    assert "│ Organisation    │    80 │" in stats.stdout or " 80 " in stats.stdout


def test_errors_are_one_line(tmp_path: Path) -> None:
    missing = _run(tmp_path / "nowhere", "stats")
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0
    assert "netzwerkatlas init" in missing.stderr
    bad = _run(tmp_path, "stats", NETZWERKATLAS_STORE="mongo")
    assert bad.returncode == 1 and "NETZWERKATLAS_STORE" in bad.stderr
    small = _run(tmp_path, "demo", "--size", "5")
    assert small.returncode != 0 and "Traceback" not in small.stderr


def _group(pgid: int) -> dict[int, tuple[int, str]]:
    """The live processes of a process group: pid -> (parent pid, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        state, parent, group = fields[0], int(fields[1]), int(fields[2])
        if group == pgid and state != "Z":  # a zombie is gone for our purposes
            found[int(entry.name)] = (parent, cmdline)
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
def test_ctrl_c_stops_server_and_worker_with_one_line(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [*CLI, "serve"],
        env=_env(tmp_path, NETZWERKATLAS_PORT=str(port), NETZWERKATLAS_ANALYSIS_PROCESSES="1"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 120
        while True:  # up, and the analysis worker started (forked by the fork server)
            try:
                _health(port)
                group = _group(proc.pid)
                servers = {p for p, (_, cmd) in group.items() if "forkserver" in cmd}
                if any(parent in servers for parent, _ in group.values()):
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "no server or worker"
            time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl+C in a terminal does
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, out
    assert "Traceback" not in out and "Error" not in out, out
    assert out.rstrip().endswith("Netzwerkatlas stopped."), out
    deadline = time.monotonic() + 15
    while _group(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group(proc.pid), f"left behind: {_group(proc.pid)}"


@pytest.mark.parametrize("command", ["stats", "serve"])
def test_a_browser_address_for_neo4j_is_refused_in_one_line(tmp_path: Path, command: str) -> None:
    uri = "http://localhost:7474"  # Neo4j Browser's; checked before connecting: no server needed
    done = _run(tmp_path, command, NETZWERKATLAS_STORE="neo4j", NEO4J_URI=uri)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.strip() == (
        f"Error: NEO4J_URI={uri} is Neo4j Browser's address: give the Bolt address, "
        "e.g. bolt://localhost:7687 (or neo4j://localhost:7687)."
    )


def test_version_and_a_bare_command(tmp_path: Path) -> None:
    from importlib import metadata

    shown = _run(tmp_path, "--version")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"netzwerkatlas {metadata.version('netzwerkatlas')}"
    bare = _run(tmp_path)  # the help, and no "Error:" with nothing after it
    assert "Usage:" in bare.stdout and "Error" not in bare.stderr, bare.stderr
    missing = _run(tmp_path, "import")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "Error: Missing argument 'file'."


def _options(command: Any) -> Iterator[tuple[str, Any]]:
    """Every option of the command tree: (command path, option)."""
    for name, sub in getattr(command, "commands", {}).items():
        for param in sub.params:
            if param.param_type_name == "option":
                yield name, param


def test_every_option_shows_a_value_exactly_when_it_takes_one() -> None:
    import re

    import typer
    from typer.testing import CliRunner

    from api.cli import app

    command = typer.main.get_command(app)
    runner = CliRunner()
    checked = 0
    helps: dict[str, str] = {}
    for name, option in _options(command):
        if name not in helps:
            done = runner.invoke(app, [name, "--help"], env={"COLUMNS": "250"}, color=False)
            assert done.exit_code == 0, done.output
            helps[name] = done.output
        long = max(option.opts, key=len)
        line = next(x for x in helps[name].splitlines() if re.match(rf"^\W*{long}\b", x))
        shows = re.match(rf"^\W*{long}(?:\s+-\w)?\s+<[^>]+>", line) is not None
        takes = not (option.is_flag or option.count)
        assert shows == takes, f"{name} {long}: {line.strip()}"
        if option.type.name == "boolean":  # a yes/no option is a switch, never --x BOOLEAN
            assert option.is_flag, f"{name} {long}"
        checked += 1
    assert checked >= 25


def test_an_error_without_a_message_is_still_a_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import api.cli
    from graph_schema.errors import StoreUnavailable

    for error, code, line in (
        (RuntimeError(), 2, "Error: unexpected RuntimeError."),
        (StoreUnavailable(""), 1, "Error: StoreUnavailable (no details given)."),
        (KeyError("x"), 2, "Error: unexpected KeyError: 'x'"),
    ):

        def fail(error: Exception = error) -> None:
            raise error

        monkeypatch.setattr(api.cli, "_settings", fail)
        with pytest.raises(SystemExit) as done:
            api.cli.main(["stats"])
        assert done.value.code == code
        assert capsys.readouterr().err == line + "\n"


def test_a_dry_run_works_while_the_server_runs(
    server: tuple[Path, int, subprocess.Popen[str]], tmp_path: Path
) -> None:
    data_dir, port, _ = server
    before = _health(port)["counts"]
    sheet = tmp_path / "organisationen.csv"
    sheet.write_text("Name;Art\nNeuer Verein Lindenau;Verein\n", encoding="utf-8")
    dry = _run(data_dir, "import", "--dry-run", str(sheet), "--report", str(tmp_path / "r.json"))
    assert dry.returncode == 0, dry.stderr
    assert "Dry run: 1 created" in dry.stdout
    assert "Checking rows" in dry.stdout and "1/1" in dry.stdout
    assert json.loads((tmp_path / "r.json").read_text())["counts"]["created"] == 1
    real = _run(data_dir, "import", str(sheet))
    assert real.returncode == 3
    [line] = real.stderr.strip().splitlines()
    assert "in use by another Netzwerkatlas process" in line and "stop the server" in line
    assert _health(port)["counts"] == before  # neither wrote anything
