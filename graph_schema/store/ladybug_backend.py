"""The embedded default backend: LadybugDB (the maintained successor of Kùzu).

One process opens the database file read-write (the server); other processes may open it
read-only. A second writer gets :class:`StoreBusy` with a sentence that says what to do.
A read-write open keeps the folder 0700 and the database's files 0600 (the write-ahead log
LadybugDB creates later follows the umask: the server and the CLI hold
:func:`graph_schema.files.private_umask` while the store is open).
"""

from __future__ import annotations

import glob
import logging
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ladybug

from graph_schema.errors import (
    TOO_LARGE,
    AlreadyExists,
    InvalidValue,
    NetzwerkatlasError,
    StoreBusy,
    StoreUnavailable,
    without_paths,
)
from graph_schema.files import make_private_tree, private_dir, private_umask
from graph_schema.store.backend import Row, Rows

__all__ = ["LadybugBackend"]

_LOCK_HELD = re.compile(r"Could not set lock on file")
_HOLDER = re.compile(r"held by PID (\d+)")
# LadybugDB's messages start with the kind of error: "Conversion exception: ...".
_KIND = re.compile(r"^(?:[A-Z][a-z]+ )+exception: ")
#: what pybind11 says when a Python int does not fit a 64-bit column
_INT_CAST = "Unable to cast Python instance of type <class 'int'>"
#: what LadybugDB says to a ROLLBACK when it has already rolled the transaction back
_NO_TRANSACTION = "No active transaction"

log = logging.getLogger(__name__)


def _convert(value: Any) -> Any:
    if isinstance(value, dict):
        if "_LABEL" in value or "_ID" in value:
            return {k: _convert(v) for k, v in value.items() if not k.startswith("_")}
        return {k: _convert(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_convert(v) for v in value]
    return value


def _translate(error: RuntimeError) -> NetzwerkatlasError:
    """The domain error for one of LadybugDB's (all are ``RuntimeError``), without paths."""
    text = str(error)
    detail = without_paths(_KIND.sub("", text)).strip()
    if _LOCK_HELD.search(text):
        pid = _HOLDER.search(text)
        holder = f" (process {pid.group(1)})" if pid else ""
        return StoreBusy(
            f"The database is in use by another Netzwerkatlas process{holder}, "
            "usually the running server: make the change in the web UI or through the API, "
            "or stop the server and try again."
        )
    if "duplicated primary key" in text.lower():
        return AlreadyExists(f"An entry with this id exists already: {detail}")
    if text.startswith("Overflow exception") or text.startswith(_INT_CAST):
        return InvalidValue(TOO_LARGE)
    if text.startswith("Conversion exception"):
        return InvalidValue(f"The database cannot store a value: {detail} Correct that value.")
    if "non-null constraint" in text:
        return InvalidValue(f"A required value is missing: {detail}")
    if text.startswith("Unable to cast Python instance"):
        return InvalidValue(
            "The database cannot store a value of this type: give text, a whole number, "
            "a date (YYYY-MM-DD) or a list of texts."
        )
    if text.startswith("Binder exception"):
        return InvalidValue(f"The database refused a value: {detail}")
    return StoreUnavailable(f"The embedded database failed: {detail}")


class LadybugBackend:
    """Runs the store's Cypher on an embedded LadybugDB database file."""

    name = "ladybug"

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        if read_only and not path.exists():
            raise StoreUnavailable(
                "There is no database in the data folder yet: run `netzwerkatlas init` (or "
                "`make run`) first, or set NETZWERKATLAS_DATA_DIR to the folder that holds it."
            )
        if read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        else:  # personal data and password hashes: the owner's only (0700 / 0600)
            private_dir(path.parent)
        try:
            with private_umask():
                self._db = ladybug.Database(str(path), read_only=read_only)
                self._conn = ladybug.Connection(self._db)
        except RuntimeError as e:
            raise _translate(e) from e
        if not read_only:  # files of an earlier release or copied in: made private too
            for file in path.parent.glob(glob.escape(path.name) + "*"):
                make_private_tree(file)
        # One connection, used by one thread at a time; the server's worker threads queue.
        self._lock = threading.RLock()
        self._in_tx = False

    def _execute(self, query: str, params: Mapping[str, Any] | None) -> Rows:
        try:
            result = self._conn.execute(query, dict(params or {}))
        except RuntimeError as e:
            raise _translate(e) from e
        if isinstance(result, list):  # several statements: keep the last one's rows
            result = result[-1]
        columns = result.get_column_names()
        rows = [dict(zip(columns, (_convert(v) for v in row), strict=True)) for row in result]
        result.close()
        return rows

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> Rows:
        with self._lock:
            return self._execute(query, params)

    def stream(self, query: str, params: Mapping[str, Any] | None = None) -> Iterator[Row]:
        """The rows of a read query one at a time, so that a caller turning them into
        objects never holds them all (a snapshot of 30,000 organisations reads 100,000
        rows of one tie type at once). Holds the connection until exhausted or closed."""
        with self._lock:
            try:
                result = self._conn.execute(query, dict(params or {}))
            except RuntimeError as e:
                raise _translate(e) from e
            if isinstance(result, list):
                result = result[-1]
            try:
                columns = result.get_column_names()
                for row in result:
                    yield dict(zip(columns, (_convert(v) for v in row), strict=True))
            finally:
                result.close()

    @contextmanager
    def transaction(self) -> Iterator[LadybugBackend]:
        with self._lock:
            if self._in_tx:  # nested: part of the outer transaction
                yield self
                return
            self._execute("BEGIN TRANSACTION", None)
            self._in_tx = True
            try:
                yield self
                self._in_tx = False
                self._execute("COMMIT", None)
            except BaseException:
                self._in_tx = False
                self._rollback()
                raise

    def _rollback(self) -> None:
        """Roll back after an error, which stays the error raised: a failed rollback must
        not replace it. LadybugDB has already rolled back a transaction whose statement
        failed; its ROLLBACK then finds none, which is expected."""
        try:
            self._conn.execute("ROLLBACK")
        except RuntimeError as e:
            if _NO_TRANSACTION not in str(e):
                log.warning("rollback failed: %s", without_paths(str(e)))

    def apply_ddl(self, statements: list[str]) -> None:
        with self._lock:
            for statement in statements:
                self._execute(statement, None)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self._db.close()
