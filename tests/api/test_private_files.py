"""The data folder and what the app writes are its owner's only (issue 14, item 8):
folders 0700, files 0600, also where an earlier release left them readable by others."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.bootstrap import SECRET_KEY_FILE
from api.services.layouts import layout_store
from api.services.transfer.uploads import Owner, Uploads
from api.settings import Settings
from graph_schema.model import NodeLabel
from graph_schema.store import DATABASE_FILE
from tests.api.test_cli import CLI, ROOT, _env
from viz.layout import StoredLayout


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _modes(folder: Path) -> dict[str, int]:
    """Every path under ``folder`` (itself as ".") with its permission bits."""
    found = {".": _mode(folder)}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = _mode(path)
    return found


def _all_private(folder: Path) -> None:
    loose = {name: oct(mode) for name, mode in _modes(folder).items() if mode & 0o077}
    assert not loose, f"readable by others: {loose}"


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The usual 022, under which files are made 0644 unless the app says otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        env=_env(data_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        umask=0o022,
    )


def test_init_and_backup_write_private_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    r = _cli(data, "init")
    assert r.returncode == 0, r.stderr
    assert _mode(data) == 0o700 and _mode(data / DATABASE_FILE) == 0o600
    _all_private(data)
    backup = tmp_path / "out" / "backup.zip"
    backup.parent.mkdir()
    (backup.parent / "backup.zip.part").write_text("left over, 0644")
    r = _cli(data, "backup", str(backup))
    assert r.returncode == 0, r.stderr
    assert _mode(backup) == 0o600
    _all_private(data)


def test_a_start_makes_an_earlier_release_s_files_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    r = _cli(data, "init")
    assert r.returncode == 0, r.stderr
    # as an earlier release left them: folder 0755, files 0644
    (data / "layouts").mkdir()
    (data / "layouts" / "old.json").write_text("{}")
    for path in (data, data / "layouts"):
        path.chmod(0o755)
    for path in (data / DATABASE_FILE, data / "layouts" / "old.json"):
        path.chmod(0o644)
    app = create_app(Settings(data_dir=data, load_demo=False))
    with TestClient(app):  # a serve-like start: the app opens its own store
        state = app.state
        # a write while serving: LadybugDB creates its log file now
        state.store.create(
            NodeLabel.AREA, {"id": "09999001", "name": "Lindenau", "kind": "municipality"}
        )
        assert (data / f"{DATABASE_FILE}.wal").exists()
        layout_store(data).save(StoredLayout(key="k", positions={"a": (1.0, 2.0)}))
        uploads = Uploads.in_data_dir(data)
        kept = uploads.keep(Owner("session", "admin"), b"name;kind\n", "list.csv")
        uploads.remember(kept, sheets=[])
        _all_private(data)
        assert _mode(data / SECRET_KEY_FILE) == 0o600
    _all_private(data)


def test_uploads_and_layouts_are_private_in_a_new_folder(tmp_path: Path) -> None:
    uploads = Uploads(tmp_path / "data" / "uploads")
    uploads.keep(Owner("session", "admin"), b"personal data", "people.xlsx")
    store = layout_store(tmp_path / "data")
    store.save(StoredLayout(key="k", positions={"a": (1.0, 2.0)}))
    assert {_mode(p) for p in (tmp_path / "data" / "uploads").iterdir()} == {0o600}
    assert _mode(tmp_path / "data" / "uploads") == 0o700
    assert _mode(tmp_path / "data" / "layouts") == 0o700
    assert {_mode(p) for p in (tmp_path / "data" / "layouts").iterdir()} == {0o600}
