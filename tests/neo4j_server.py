"""Starts the throw-away Neo4j 5 server of tests/neo4j_launcher for the test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = Path(__file__).parent / "neo4j_launcher"
CLASSPATH_FILE = LAUNCHER / "target" / "classpath.txt"
MAIN_CLASS = "netzwerkatlas.Neo4jTestServer"
START_TIMEOUT_S = 180


@dataclass
class Neo4jServer:
    uri: str
    process: subprocess.Popen[bytes] | None
    data_dir: Path | None

    def stop(self) -> None:
        if self.process is not None:
            if self.process.stdin:
                self.process.stdin.close()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def build_launcher() -> None:
    """Compile the launcher and resolve Neo4j's jars from Maven Central (once)."""
    if CLASSPATH_FILE.exists() and (LAUNCHER / "target" / "classes").exists():
        return
    subprocess.run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(LAUNCHER / "pom.xml"),
            "compile",
            "dependency:build-classpath",
            f"-Dmdep.outputFile={CLASSPATH_FILE}",
        ],
        check=True,
    )


def start() -> Neo4jServer:
    """A Neo4j 5 on 127.0.0.1 with a free port and a fresh data directory."""
    build_launcher()
    data_dir = Path(tempfile.mkdtemp(prefix="netzwerkatlas-neo4j-"))
    classpath = f"{LAUNCHER / 'target' / 'classes'}{os.pathsep}{CLASSPATH_FILE.read_text().strip()}"
    log = (data_dir / "launcher.log").open("wb")
    process = subprocess.Popen(
        ["java", "-Xmx1g", "-cp", classpath, MAIN_CLASS, str(data_dir / "db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline().decode().strip()
        if line.startswith("READY "):
            port = int(line.split()[1])
            return Neo4jServer(f"bolt://127.0.0.1:{port}", process, data_dir)
        if not line and process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"The Neo4j test server did not start; see {data_dir / 'launcher.log'}")
