"""Uploaded files waiting between the import's preview and its confirmation.

Each upload is kept under the data folder (``<data>/uploads``) as two files named by a
random token: ``<token>.bin`` (the file) and ``<token>.json`` (its owner, its name, when it
was last touched, and what the last dry run showed). The token is bound to the session that
uploaded it; the files are deleted when the import runs or is discarded, and any upload not
touched for :data:`UPLOAD_TTL_S` is deleted with the next upload. Its age is measured with
the app's own clock, written into the metadata, not with the file's modification time: the
two clocks need not agree (a clock set forward, ``faketime`` in the tests).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph_schema.files import private_dir, write_private

__all__ = ["UPLOAD_TTL_S", "Kept", "Owner", "Uploads"]

#: an upload not confirmed within this time is deleted
UPLOAD_TTL_S = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,80}$")


@dataclass(frozen=True)
class Owner:
    """Who may use an upload: the session (its token hash) and the user name."""

    session: str | None
    username: str


@dataclass
class Kept:
    """A kept upload: its token, the file and its metadata."""

    token: str
    data: bytes
    meta: dict[str, Any]

    @property
    def filename(self) -> str:
        return str(self.meta.get("filename") or "upload")

    @property
    def sheets(self) -> list[dict[str, Any]]:
        """The sheets of the dry run last shown (as :meth:`SheetMapping.as_dict`)."""
        return list(self.meta.get("sheets") or [])

    @property
    def mapping(self) -> Any:
        """The mapping of the dry run last shown."""
        return self.meta.get("mapping")


class Uploads:
    """The uploads kept in one folder."""

    def __init__(self, root: Path, ttl_s: int = UPLOAD_TTL_S) -> None:
        self.root = root
        self.ttl_s = ttl_s

    @classmethod
    def in_data_dir(cls, data_dir: Path | str) -> Uploads:
        """The uploads of the data folder ``data_dir``: ``<data>/uploads``."""
        return cls(Path(data_dir) / "uploads")

    def _paths(self, token: str) -> tuple[Path, Path]:
        return self.root / f"{token}.bin", self.root / f"{token}.json"

    def purge(self) -> None:
        """Delete the uploads not touched for the time limit (and files without metadata:
        they can never be used)."""
        if not self.root.exists():
            return
        limit = time.time() - self.ttl_s
        for path in self.root.glob("*.json"):
            try:
                touched = float(json.loads(path.read_text()).get("touched", 0))
            except (OSError, ValueError, TypeError, AttributeError):
                touched = 0.0
            if touched < limit:
                path.with_suffix(".bin").unlink(missing_ok=True)
                path.unlink(missing_ok=True)
        for path in self.root.glob("*.bin"):
            if not path.with_suffix(".json").exists():
                path.unlink(missing_ok=True)

    def keep(self, owner: Owner, data: bytes, filename: str) -> Kept:
        """Keep ``data`` for ``owner`` under a new random token."""
        self.purge()
        private_dir(self.root)  # uploads hold personal data: the owner's only
        token = secrets.token_urlsafe(24)
        data_path, meta_path = self._paths(token)
        meta = {
            "session": owner.session,
            "user": owner.username,
            "filename": filename,
            "touched": time.time(),
        }
        # the metadata first: a file without it would be purged
        write_private(meta_path, json.dumps(meta).encode())
        write_private(data_path, data)
        return Kept(token, data, meta)

    def _meta(self, owner: Owner, token: str) -> dict[str, Any] | None:
        """The metadata of ``token`` if it belongs to ``owner``."""
        if not _TOKEN.match(token):
            return None
        try:
            meta = json.loads(self._paths(token)[1].read_text())
        except (OSError, ValueError):
            return None
        if meta.get("session") != owner.session or meta.get("user") != owner.username:
            return None
        return meta  # type: ignore[no-any-return]

    def peek(self, owner: Owner, token: str) -> Kept | None:
        """The upload of ``token`` if it belongs to ``owner``; kept."""
        meta = self._meta(owner, token)
        if meta is None:
            return None
        try:
            data = self._paths(token)[0].read_bytes()
        except OSError:
            return None
        return Kept(token, data, meta)

    def remember(self, kept: Kept, **facts: Any) -> None:
        """Add ``facts`` to the upload's metadata and restart its time limit."""
        kept.meta = {**kept.meta, **facts, "touched": time.time()}
        write_private(self._paths(kept.token)[1], json.dumps(kept.meta).encode())

    def take(self, owner: Owner, token: str) -> Kept | None:
        """The upload of ``token`` if it belongs to ``owner``; deleted once read."""
        kept = self.peek(owner, token)
        if kept is not None:
            self.drop(owner, token)
        return kept

    def drop(self, owner: Owner, token: str) -> None:
        """Delete the upload of ``token`` if it belongs to ``owner``."""
        if self._meta(owner, token) is None:
            return
        for path in self._paths(token):
            path.unlink(missing_ok=True)
