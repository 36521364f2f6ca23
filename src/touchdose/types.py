"""Types shared across the package: the numpy array aliases and the JSON-ready form of results.

One definition, imported wherever an array annotation or a result's ``to_dict()`` is needed, so the
names mean the same everywhere.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Score(Result):
...     total: float
...     missing: tuple[int, ...]
>>> Score(55.5, (8,)).to_dict()
{'total': 55.5, 'missing': [8]}
>>> as_dict(Score(55.5, ()), ("total", "scheme"), scheme="SALAFFI2018")
{'total': 55.5, 'scheme': 'SALAFFI2018'}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

__all__ = ["BoolArray", "FloatArray", "IntArray", "Result", "as_dict", "json_ready"]

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.int64]
BoolArray: TypeAlias = NDArray[np.bool_]


def json_ready(value: Any) -> Any:
    """``value`` as JSON can hold it: a result by its ``to_dict()`` (a plain dataclass by its fields),
    tuples and lists as lists, dictionaries with their values converted, anything else as it is."""
    if callable(getattr(value, "to_dict", None)):
        return value.to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_ready(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        return [json_ready(v) for v in value]
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    return value


def as_dict(obj: Any, names: Sequence[str] | None = None, /, **values: Any) -> dict[str, Any]:
    """A dataclass as a JSON-ready dict: its fields (or ``names``, in that order) then ``values``.

    Parameters
    ----------
    obj : dataclass instance
        The result.
    names : sequence of str, optional
        The keys, in order; default every field of ``obj`` followed by the keys of ``values``.
    **values
        Keys that are not attributes of ``obj`` (a scheme name, a constant), or that replace one.

    Returns
    -------
    dict
        Each value passed through :func:`json_ready`.
    """
    if names is None:
        own = [f.name for f in fields(obj)]
        names = [*own, *(key for key in values if key not in own)]
    return {key: json_ready(values[key] if key in values else getattr(obj, key)) for key in names}


class Result:
    """Base of the frozen result dataclasses whose ``to_dict()`` is simply their fields, in order."""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dictionary (its fields, in order)."""
        return as_dict(self)
