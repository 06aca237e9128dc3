"""Domain exceptions of the store. Each message says what to change."""

from __future__ import annotations

__all__ = [
    "AlreadyExists",
    "InvalidRelationship",
    "InvalidValue",
    "NetzwerkatlasError",
    "NotFound",
    "StoreBusy",
    "StoreUnavailable",
]


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
