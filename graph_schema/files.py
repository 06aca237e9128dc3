"""Private files: the data folder holds personal data and password hashes, so what the app
writes there (the database, uploads, layouts, keys) and the backups it writes are readable
by their owner only: folders 0700, files 0600.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "PRIVATE_UMASK",
    "make_private",
    "make_private_tree",
    "private_dir",
    "private_umask",
    "write_private",
]

#: files 0600 and folders 0700 for everything created while it is set
PRIVATE_UMASK = 0o077

log = logging.getLogger(__name__)


@contextmanager
def private_umask() -> Iterator[None]:
    """Create files and folders for the owner only while inside (the umask is per
    process: for the server's and the CLI's whole run around their store, not in
    request handlers)."""
    old = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(old)


def make_private(path: Path) -> None:
    """Take the group's and others' permissions from a file or folder when it has any.

    A missing path, a symbolic link (never followed) or a path of another owner (not
    ours to change: logged) are left as they are.
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or not info.st_mode & 0o077:
        return
    try:
        os.chmod(path, stat.S_IMODE(info.st_mode) & 0o700)
    except PermissionError:
        log.warning("cannot make %s private: it belongs to another user", path.name)


def make_private_tree(path: Path) -> None:
    """:func:`make_private` for a folder and everything in it (links not followed)."""
    make_private(path)
    if not path.is_dir() or path.is_symlink():
        return
    for root, dirs, files in os.walk(path):
        for name in (*dirs, *files):
            make_private(Path(root) / name)


def private_dir(path: Path) -> Path:
    """The folder, created 0700 (with missing parents) or made private if it is looser."""
    with private_umask():
        path.mkdir(parents=True, exist_ok=True)
    make_private(path)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only (also when it existed with looser rights)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(data)
