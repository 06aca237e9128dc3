"""The server backend: Neo4j 5 over Bolt with the official driver."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import neo4j
import neo4j.exceptions as nx
import neo4j.time
from neo4j.graph import Node, Relationship

from graph_schema.errors import (
    TOO_LARGE,
    AlreadyExists,
    InvalidValue,
    NetzwerkatlasError,
    StoreBusy,
    StoreUnavailable,
    without_paths,
)
from graph_schema.store.backend import Rows

__all__ = ["Neo4jBackend", "check_uri"]

log = logging.getLogger(__name__)

#: the schemes the driver speaks Bolt with (+s: TLS, +ssc: TLS with a self-signed certificate)
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def _convert(value: Any) -> Any:
    if isinstance(value, Node | Relationship):
        return {k: _convert(v) for k, v in value.items()}
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    if isinstance(value, list):
        return [_convert(v) for v in value]
    if isinstance(value, dict):
        return {k: _convert(v) for k, v in value.items()}
    return value


def _translate(error: Exception, uri: str) -> NetzwerkatlasError:
    """The domain error for a driver or server error (or a value the driver cannot send)."""
    if isinstance(error, OverflowError):  # the driver packs whole numbers in 64 bits
        return InvalidValue(TOO_LARGE)
    if isinstance(error, TypeError):  # the driver has no Bolt type for the value
        return InvalidValue(
            "The database cannot store a value of this type: give text, a whole number, "
            "a date (YYYY-MM-DD) or a list of texts."
        )
    if isinstance(error, nx.ConstraintError):
        return AlreadyExists(f"An entry with this id exists already: {error.message}")
    if isinstance(error, nx.AuthError):
        return StoreUnavailable(
            f"Neo4j at {uri} refused the credentials: check NEO4J_USER and NEO4J_PASSWORD."
        )
    if isinstance(error, nx.ServiceUnavailable | nx.SessionExpired):
        return StoreUnavailable(
            f"Neo4j at {uri} cannot be reached: start it (docker compose up neo4j) "
            "or correct NEO4J_URI."
        )
    if isinstance(error, nx.TransientError):  # deadlock, lock timeout, memory pressure
        return StoreBusy(f"Neo4j is busy: try again in a moment ({error.message}).")
    if isinstance(error, nx.ClientError):
        code = error.code or ""
        if code.endswith("ArithmeticError") and "overflow" in (error.message or "").lower():
            return InvalidValue(TOO_LARGE)
        if code.endswith(("ArithmeticError", "TypeError", "ArgumentError")):
            return InvalidValue(f"Neo4j refused a value: {error.message}")
        return InvalidValue(f"Neo4j refused the statement: {error.message}")
    return StoreUnavailable(f"Neo4j at {uri} failed: {without_paths(str(error))}")


#: what the driver raises for a value it cannot send, besides its own errors
_VALUE_ERRORS = (OverflowError, TypeError)


def check_uri(uri: str) -> None:
    """Refuse a URI the driver cannot use, before connecting: an ``http://`` address (Neo4j
    Browser's) or a missing host would otherwise end in an obscure driver error.

    Examples:
        >>> check_uri("neo4j+s://example.org")
        >>> check_uri("http://localhost:7474")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        graph_schema.errors.StoreUnavailable: NEO4J_URI=http://localhost:7474 is Neo4j Browser's...
    """
    try:
        parts = urlsplit(uri.strip())
        scheme, host = parts.scheme, parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:  # e.g. "bolt://host:port", "bolt://[::1"
        scheme, host = "", None
    if scheme in ("http", "https") and host:
        secure = "+s" if scheme == "https" else ""
        raise StoreUnavailable(
            f"NEO4J_URI={uri} is Neo4j Browser's address: give the Bolt address, "
            f"e.g. bolt{secure}://{host}:7687 (or neo4j{secure}://{host}:7687)."
        )
    if scheme not in SCHEMES or not host:
        raise StoreUnavailable(
            f"NEO4J_URI={uri or '(empty)'} is not a Neo4j Bolt address: give one like "
            f"bolt://localhost:7687 or neo4j://localhost:7687 (schemes: {', '.join(SCHEMES)})."
        )


class _Tx:
    def __init__(self, tx: neo4j.Transaction, uri: str) -> None:
        self._tx = tx
        self._uri = uri

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> Rows:
        try:
            result = self._tx.run(query, dict(params or {}))  # type: ignore[arg-type]
            return [{k: _convert(v) for k, v in record.items()} for record in result]
        except (nx.Neo4jError, nx.DriverError, *_VALUE_ERRORS) as e:
            raise _translate(e, self._uri) from e


class Neo4jBackend:
    """Runs the store's Cypher on a Neo4j 5 server."""

    name = "neo4j"
    read_only = False

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j") -> None:
        check_uri(uri)
        self.uri = uri
        self.database = database
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
            self._driver.verify_connectivity()
        except (nx.Neo4jError, nx.DriverError, ValueError, OSError) as e:
            raise _translate(e, uri) from e
        self._local = threading.local()

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> Rows:
        current = getattr(self._local, "tx", None)
        if current is not None:
            return current.run(query, params)
        try:
            records, _, _ = self._driver.execute_query(
                query,  # type: ignore[arg-type]
                dict(params or {}),
                database_=self.database,
            )
        except (nx.Neo4jError, nx.DriverError, *_VALUE_ERRORS) as e:
            raise _translate(e, self.uri) from e
        return [{k: _convert(v) for k, v in record.items()} for record in records]

    @contextmanager
    def transaction(self) -> Iterator[_Tx]:
        current = getattr(self._local, "tx", None)
        if current is not None:
            yield current
            return
        session = self._driver.session(database=self.database)
        try:
            try:
                tx = session.begin_transaction()
            except (nx.Neo4jError, nx.DriverError) as e:
                raise _translate(e, self.uri) from e
            self._local.tx = _Tx(tx, self.uri)
            try:
                yield self._local.tx
            except BaseException:
                self._rollback(tx)
                raise
            finally:
                self._local.tx = None
            try:
                tx.commit()
            except (nx.Neo4jError, nx.DriverError) as e:
                raise _translate(e, self.uri) from e
        finally:
            self._quietly(session.close)

    def _rollback(self, tx: neo4j.Transaction) -> None:
        """Roll back after an error, which stays the error raised: a failed rollback (the
        server may have ended the transaction itself) must not replace it."""
        self._quietly(tx.rollback)

    @staticmethod
    def _quietly(step: Callable[[], None]) -> None:
        try:
            step()
        except (nx.Neo4jError, nx.DriverError, OSError) as e:
            log.warning("Neo4j: %s failed after an error: %s", step.__name__, e)

    def apply_ddl(self, statements: list[str]) -> None:
        for statement in statements:
            self.run(statement)

    def close(self) -> None:
        self._driver.close()
