"""Uploads waiting between the import's preview and its confirmation."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from api.services.transfer import uploads as uploads_module
from api.services.transfer.uploads import UPLOAD_TTL_S, Owner, Uploads

ME = Owner("session-hash", "editor")


def test_an_upload_waits_under_the_data_folder_with_a_name_of_its_own(tmp_path: Path) -> None:
    uploads = Uploads.in_data_dir(tmp_path / "data")
    a = uploads.keep(ME, b"one", "a.xlsx")
    b = uploads.keep(ME, b"two", "a.xlsx")
    assert a.token != b.token
    assert uploads.root == tmp_path / "data" / "uploads"
    assert (uploads.root / f"{a.token}.bin").read_bytes() == b"one"
    assert oct(uploads.root.stat().st_mode & 0o777) == "0o700"
    kept = uploads.peek(ME, a.token)
    assert kept is not None and kept.data == b"one" and kept.filename == "a.xlsx"


def test_only_its_session_may_use_an_upload(tmp_path: Path) -> None:
    uploads = Uploads.in_data_dir(tmp_path)
    kept = uploads.keep(ME, b"x", "a.csv")
    for other in (Owner("other-session", "editor"), Owner("session-hash", "admin")):
        assert uploads.peek(other, kept.token) is None
        assert uploads.take(other, kept.token) is None
        uploads.drop(other, kept.token)
    assert uploads.peek(ME, kept.token) is not None
    for bad in ("", "../../etc/passwd", "x" * 200, kept.token + "/"):
        assert uploads.peek(ME, bad) is None


def test_an_upload_is_deleted_when_taken_or_dropped(tmp_path: Path) -> None:
    uploads = Uploads.in_data_dir(tmp_path)
    a = uploads.keep(ME, b"a", "a.csv")
    b = uploads.keep(ME, b"b", "b.csv")
    uploads.remember(a, sheets=[{"sheet": "a"}], mapping={"sheets": {}})
    taken = uploads.take(ME, a.token)
    assert taken is not None and taken.sheets == [{"sheet": "a"}]
    assert taken.mapping == {"sheets": {}}
    assert uploads.take(ME, a.token) is None  # used up
    uploads.drop(ME, b.token)
    assert list(uploads.root.iterdir()) == []


def test_an_upload_left_waiting_is_deleted_with_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uploads = Uploads.in_data_dir(tmp_path)
    old = uploads.keep(ME, b"old", "old.csv")
    later = time.time() + UPLOAD_TTL_S + 10
    monkeypatch.setattr(uploads_module.time, "time", lambda: later)
    new = uploads.keep(ME, b"new", "new.csv")
    assert uploads.peek(ME, old.token) is None
    left = sorted(p.name for p in uploads.root.iterdir())
    assert left == [f"{new.token}.bin", f"{new.token}.json"]


def test_an_uploads_age_is_the_apps_clock_not_the_files(tmp_path: Path) -> None:
    """Files written long ago by the file system's clock (a clock set forward since, or
    faketime) stay as long as the app touched them recently; a file without metadata is
    useless and goes."""
    uploads = Uploads.in_data_dir(tmp_path)
    kept = uploads.keep(ME, b"x", "a.csv")
    past = time.time() - 10 * UPLOAD_TTL_S
    for path in uploads.root.glob(f"{kept.token}.*"):
        os.utime(path, (past, past))
    (uploads.root / "stray.bin").write_bytes(b"?")
    uploads.keep(ME, b"y", "b.csv")
    assert uploads.peek(ME, kept.token) is not None
    assert not (uploads.root / "stray.bin").exists()
