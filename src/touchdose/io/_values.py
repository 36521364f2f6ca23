"""Turning raw cell and JSON values into record values, shared by the CSV and JSON readers.

A value that cannot be converted is passed through unchanged, so the record's own
validation reports it with the record's allowed range (one place per rule).
"""

from __future__ import annotations

import math
from datetime import datetime, tzinfo
from typing import Any

TIME_ALLOWED = "an ISO 8601 time such as 2026-01-05T10:00 or 2026-01-05T10:00:00+01:00"
BOOL_ALLOWED = "true/false, yes/no or 1/0"
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


class BadValue(ValueError):
    """A raw value that has no meaning for its field (reported with ``allowed``)."""

    def __init__(self, value: Any, allowed: str) -> None:
        self.value = value
        self.allowed = allowed
        super().__init__(f"{value!r}: allowed {allowed}")


def parse_time(raw: Any, zone: tzinfo) -> tuple[datetime, bool]:
    """Parse an ISO 8601 time; a time without offset is taken in ``zone``.

    Returns the aware time and whether the offset had to be assumed. A ``datetime`` (as a
    Parquet timestamp column gives) is taken as it is.
    """
    if isinstance(raw, datetime):
        return (raw.replace(tzinfo=zone), True) if raw.tzinfo is None else (raw, False)
    if not isinstance(raw, str) or not raw.strip():
        raise BadValue(raw, TIME_ALLOWED)
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise BadValue(raw, TIME_ALLOWED) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone), True
    return parsed, False


def parse_bool(raw: Any) -> bool:
    """``true/false``, ``yes/no``, ``1/0`` (docs/formats.md), case-insensitive; JSON booleans as is."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue(raw, BOOL_ALLOWED)


def number_from_text(text: str) -> Any:
    """``"6"`` -> 6, ``"6.5"`` -> 6.5, ``"6.0"`` -> 6 (spreadsheets write whole numbers so).

    Text that is not a finite number is returned unchanged for the record to reject.
    """
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        value = float(stripped)
    except ValueError:
        return text
    if not math.isfinite(value):
        return text
    return int(value) if value.is_integer() else value


def whole_from_json(raw: Any) -> Any:
    """JSON ``6.0`` counts as the whole number 6; anything else is passed through."""
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return int(raw)
    return raw


def as_tuple(raw: Any) -> Any:
    """JSON lists become tuples (records are immutable); other values pass through."""
    return tuple(raw) if isinstance(raw, list) else raw


def split_list(text: str) -> tuple[str, ...]:
    """A CSV list cell: items separated by ``;`` (docs/formats.md), blanks dropped."""
    return tuple(item.strip() for item in text.split(";") if item.strip())
