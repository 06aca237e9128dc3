"""What the result types of the analysis functions share.

Each public function of :mod:`network` that returns a dict (or rows of dicts) has its
result type beside it: a ``TypedDict``, so the values stay plain dicts while mypy, pydantic
and FastAPI (response models of ``/api/analysis/*``) know their shape. Every result type
is decorated with :data:`result_type`: a key the type does not name is a validation
error, so ``TypeAdapter(T).validate_python(result)`` fails as soon as a type and the
values of its function drift apart (``tests/network/test_results.py``).

``typing_extensions.TypedDict`` rather than ``typing``'s: pydantic needs it below
Python 3.12.
"""

from __future__ import annotations

from typing import Any, NotRequired

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

__all__ = ["Reason", "result_type"]

#: decorator of every result type: pydantic rejects keys the type does not name
result_type = with_config(ConfigDict(extra="forbid"))


@result_type
class Reason(TypedDict):
    """Why a row is listed, or what is still missing: a code and its parameters, put in
    words (German and English) by :mod:`api.services.wording`."""

    code: str
    params: dict[str, Any]
    #: the sentence in German and English, added by :func:`api.services.wording.worded`
    de: NotRequired[str]
    en: NotRequired[str]
