"""Build validated records from raw field dictionaries, collecting every problem.

The CSV and JSON readers both turn their input into ``{field: raw value}`` and
call :func:`build_session` / :func:`build_checkin`, so conversions and error
messages are the same whatever the file format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from touchdose.io._values import BadValue, as_tuple, parse_bool, parse_time, whole_from_json
from touchdose.io.problems import RowProblem, problems_from
from touchdose.records import CheckIn, RecordError, Session


def _text(raw: Any) -> Any:
    return "" if raw is None else raw


def _optional_text(raw: Any) -> Any:
    return None if raw in (None, "") else raw


def _technique(raw: Any) -> Any:
    return (raw,) if isinstance(raw, str) else as_tuple(raw)


_Convert = Callable[[Any], Any]

SESSION_FIELDS: dict[str, _Convert] = {
    "pressure": whole_from_json,
    "minutes": whole_from_json,
    "technique": _technique,
    "regions": as_tuple,
    "pain_before": whole_from_json,
    "pain_during_max": whole_from_json,
    "pain_after": whole_from_json,
    "relaxation_after": whole_from_json,
    "adverse": as_tuple,
    "note": _text,
    "therapist": _optional_text,
}
CHECKIN_FIELDS: dict[str, _Convert] = {
    "pain": whole_from_json,
    "fatigue": whole_from_json,
    "sleep_hours": lambda v: v,
    "sleep_quality": whole_from_json,
    "mood": whole_from_json,
    "flare": parse_bool,
    "rescue_doses": whole_from_json,
    "activity_minutes": whole_from_json,
    "note": _text,
    "red_flags": as_tuple,
}
REQUIRED = {"session": ("start", "pressure", "minutes"), "checkin": ("time", "pain")}
TIME_FIELD = {"session": "start", "checkin": "time"}


@dataclass
class BuildContext:
    """Where records are read from: the zone for times without offset, and a tally of them."""

    zone: tzinfo
    naive_times: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def build_session(raw: dict[str, Any], where: str, ctx: BuildContext) -> Session | None:
    """A :class:`Session` from raw fields, or ``None`` with its problems added to ``ctx``."""
    return _build("session", Session, SESSION_FIELDS, raw, where, ctx)  # type: ignore[return-value]


def build_checkin(raw: dict[str, Any], where: str, ctx: BuildContext) -> CheckIn | None:
    """A :class:`CheckIn` from raw fields, or ``None`` with its problems added to ``ctx``."""
    return _build("checkin", CheckIn, CHECKIN_FIELDS, raw, where, ctx)  # type: ignore[return-value]


def _build(
    kind: str,
    cls: type[Session] | type[CheckIn],
    converters: dict[str, _Convert],
    raw: dict[str, Any],
    where: str,
    ctx: BuildContext,
) -> Session | CheckIn | None:
    time_field = TIME_FIELD[kind]
    allowed_fields = (time_field, *converters)
    found: list[RowProblem] = []

    def bad(name: str, value: Any, allowed: str) -> None:
        found.append(RowProblem(where, kind, name, value, allowed))

    for name in raw:
        if name not in allowed_fields:
            bad(name, raw[name], "a known field: " + ", ".join(allowed_fields))
    for name in REQUIRED[kind]:
        if raw.get(name) in (None, ""):
            bad(name, raw.get(name), "a value (this field is required)")
    values: dict[str, Any] = {}
    for name, convert in converters.items():
        if raw.get(name) in (None, "") and name not in ("note",):
            continue
        try:
            values[name] = convert(raw.get(name))
        except BadValue as e:
            bad(name, e.value, e.allowed)
    if raw.get(time_field) not in (None, ""):
        try:
            values[time_field], naive = parse_time(raw[time_field], ctx.zone)
            ctx.naive_times += naive
        except BadValue as e:
            bad(time_field, e.value, e.allowed)
    # Fill what failed with harmless placeholders so the record's own rules still
    # check every other field: a row is reported whole, not one problem at a time.
    reported = {p.field for p in found}
    for name in reported:
        if name not in allowed_fields:  # an unknown field, perhaps another record's ("pain" in a session)
            continue
        if name in _PLACEHOLDER:
            values[name] = _PLACEHOLDER[name]
        else:
            values.pop(name, None)
    record: Session | CheckIn | None = None
    try:
        record = cls(**values)
    except RecordError as e:
        found.extend(p for p in problems_from(e, where) if p.field not in reported)
    if found:
        ctx.problems.extend(found)
        return None
    return record


_PLACEHOLDER: dict[str, Any] = {
    "start": datetime(2000, 1, 1, tzinfo=UTC),
    "time": datetime(2000, 1, 1, tzinfo=UTC),
    "pressure": 1,
    "minutes": 1,
    "pain": 0,
}
