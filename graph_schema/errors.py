"""Domain exceptions of the store. Each message says what to change.

The backends translate every driver error into one of these once, where it happens, with
the driver's error kept as the cause (``raise ... from e``) for the log. No message names
a file or folder of the server: the answers go to browsers and API clients.
"""

from __future__ import annotations

import re

__all__ = [
    "AlreadyExists",
    "Conflict",
    "InvalidRelationship",
    "InvalidValue",
    "NetzwerkatlasError",
    "NotFound",
    "SchemaMismatch",
    "StoreBusy",
    "StoreUnavailable",
    "TOO_LARGE",
    "without_paths",
]

#: the range of whole numbers both databases store (64-bit)
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

#: what a user reads when a whole number does not fit the database
TOO_LARGE = (
    f"A number is too large for the database: enter a whole number from {INT64_MIN:,} "
    f"to {INT64_MAX:,}."
)

# An absolute path of two parts or more ("/srv/data/x.lbdb"), standing alone or quoted; a
# sentence's full stop after it is not part of it.
_PATH = re.compile(r"""(?<![\w.:/])/(?:[^\s'"/]+/)+[^\s'"]*[^\s'".,;:)]""")


def without_paths(text: str) -> str:
    """``text`` with every absolute file path replaced by ``[path]``.

    Examples:
        >>> without_paths("IO exception: Cannot open file /srv/atlas/data/netzwerkatlas.lbdb.")
        'IO exception: Cannot open file [path].'
        >>> without_paths("Value 1/2 and https://example.org/a/b stay")
        'Value 1/2 and https://example.org/a/b stay'
    """
    return _PATH.sub("[path]", text)


class NetzwerkatlasError(Exception):
    """Root of every error the store raises; ``status`` is the matching HTTP status."""

    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(NetzwerkatlasError):
    """No node or tie with that id."""

    status = 404


class AlreadyExists(NetzwerkatlasError):
    """A node or tie with that id exists already."""

    status = 409


class Conflict(NetzwerkatlasError):
    """The entry changed since the version a change was based on was read; nothing was
    written (read it again, then apply the change)."""

    status = 409


class InvalidValue(NetzwerkatlasError):
    """A property value is not allowed (wrong type, unknown vocabulary term, ...)."""

    status = 422


class InvalidRelationship(NetzwerkatlasError):
    """A tie joins the wrong kinds of node or has an impossible validity interval."""

    status = 422


class StoreBusy(NetzwerkatlasError):
    """Another process holds the embedded database for writing."""

    status = 503


class StoreUnavailable(NetzwerkatlasError):
    """The database cannot be reached or opened."""

    status = 503


class SchemaMismatch(StoreUnavailable):
    """The database's schema version does not fit this code (a newer release wrote it, or
    it still needs ``netzwerkatlas init`` to be upgraded)."""
