"""The one "today" of the application.

Every default reference date (snapshots, analysis, pages, reports, the demo region) comes
from :func:`today`. It is the calendar date unless ``NETZWERKATLAS_TODAY`` (``YYYY-MM-DD``)
fixes it: for reproducible demonstrations and screenshots, and for the tests, which must
give the same answers on any day.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache

__all__ = ["ENV", "today"]

#: environment variable that fixes the application's "today"
ENV = "NETZWERKATLAS_TODAY"


@lru_cache(maxsize=4)
def _parse(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{ENV}={text!r}: write the date as YYYY-MM-DD, or leave it empty"
        ) from None


def today() -> dt.date:
    """The reference day: ``NETZWERKATLAS_TODAY`` if set, otherwise the calendar date.

    Examples:
        >>> isinstance(today(), dt.date)
        True
    """
    fixed = os.environ.get(ENV, "").strip()
    return _parse(fixed) if fixed else dt.date.today()
