"""What a storage backend offers the store: run Cypher, hold a transaction, apply DDL.

Backends return plain Python values: nodes and relationships as dicts of their properties,
dates as :class:`datetime.date`. Nothing above this layer sees a driver type.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

__all__ = ["Backend", "Row", "Rows", "Runner", "stream"]

Row = dict[str, Any]
Rows = list[Row]


class Runner(Protocol):
    """Something that runs one Cypher statement with parameters and returns its rows."""

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> Rows: ...


class Backend(Runner, Protocol):
    #: "ladybug" or "neo4j"
    name: str
    read_only: bool

    def transaction(self) -> AbstractContextManager[Runner]:
        """A write transaction: committed when the block ends, rolled back on an error."""
        ...

    def apply_ddl(self, statements: list[str]) -> None:
        """Run schema statements, each on its own (DDL does not mix with data changes)."""
        ...

    def close(self) -> None: ...


def iter_batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stream(runner: Runner, query: str, params: Mapping[str, Any] | None = None) -> Iterator[Row]:
    """The rows of a read query one by one where the backend can (``stream``), else all."""
    one_by_one = getattr(runner, "stream", None)
    if one_by_one is not None:
        return one_by_one(query, params)  # type: ignore[no-any-return]
    return iter(runner.run(query, params))
