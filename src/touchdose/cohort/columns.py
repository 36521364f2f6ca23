"""A partition of clients as flat arrays, for the engine's column path (no record per diary entry).

Reading 100 000 client-years through one :class:`~touchdose.records.CheckIn` object per entry
costs more than the analysis itself. Here the Parquet columns become numpy arrays (one slice per
client): the check-in times in hours since the epoch, both absolute and on the client's local
clock (the two clocks :func:`touchdose.analysis.diary.entry_clock` gives), each diary field as
floats (``NaN`` = not given), and the session start times.

The records' own rules still decide what is valid: each distinct value of a field is put
through the record class once (:func:`_valid_values`), and a client with any value the record
would refuse is marked not ``ok`` and read through the records instead, so it is reported
exactly as ``touchdose analyze`` reports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from touchdose.analysis.diary import DiaryArrays
from touchdose.io.jsonfile import profile_from_dict
from touchdose.records import CheckIn, ClientProfile, RecordError, Session
from touchdose.types import BoolArray, FloatArray, IntArray

_US_PER_DAY = 86_400_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Numeric diary fields carried as arrays (flare as 0.0 / 1.0).
DIARY_ARRAYS: tuple[str, ...] = ("pain", "fatigue", "sleep_hours", "sleep_quality", "mood", "flare",
                                 "rescue_doses", "activity_minutes")  # fmt: skip
_PROBE_TIME = datetime(2026, 1, 1, tzinfo=UTC)
_PROBE_CHECKIN = CheckIn(time=_PROBE_TIME, pain=0)
_PROBE_SESSION = Session(start=_PROBE_TIME, pressure=1, minutes=1)
#: Fields that must be given (the records have no default for them).
_REQUIRED = {"checkins": ("time", "pain"), "sessions": ("start", "pressure", "minutes")}


@dataclass(frozen=True, eq=False)
class PartitionArrays:
    """Whole clients of one partition as flat arrays; client ``i`` owns ``offsets[i]:offsets[i+1]``.

    ``ok[i]`` is false when client ``i`` has a value its records would refuse (or a profile that
    does not validate): such a client must be read through the records for its problems.
    """

    ids: list[str]
    profiles: list[ClientProfile | None]
    ok: BoolArray
    entry_offsets: IntArray
    entry_utc_h: FloatArray
    entry_local_h: FloatArray
    values: dict[str, FloatArray]
    session_offsets: IntArray
    session_utc_h: FloatArray

    def entries(self, i: int) -> slice:
        return slice(int(self.entry_offsets[i]), int(self.entry_offsets[i + 1]))

    def sessions(self, i: int) -> slice:
        return slice(int(self.session_offsets[i]), int(self.session_offsets[i + 1]))

    def diary(self, i: int, fields: tuple[str, ...]) -> DiaryArrays:
        """Client ``i`` as the engine's :class:`~touchdose.analysis.diary.DiaryArrays`."""
        e = self.entries(i)
        return DiaryArrays(self.entry_utc_h[e], self.entry_local_h[e], {f: self.values[f][e] for f in fields},
                           self.session_utc_h[self.sessions(i)])  # fmt: skip


def _offsets(column: pa.ChunkedArray) -> tuple[IntArray, pa.StructArray]:
    arr = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    offsets = arr.offsets.to_numpy().astype(np.int64)
    null = arr.is_null().to_numpy(zero_copy_only=False)
    if null.any():  # a null list holds no records: give it zero length
        lengths = np.where(null, 0, np.diff(offsets))
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        arr = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pc.list_flatten(arr))
    return offsets - offsets[0], pc.list_flatten(arr)


#: Verdicts already reached, per record kind, field and value: a worker tries each value once.
_VERDICTS: dict[tuple[str, str, type, Any], bool] = {}


def _accepts(probe: Any, name: str) -> Callable[[Any], bool]:
    """Whether the record takes ``value`` for ``name`` (its own rule, all other fields valid)."""

    def check(value: Any) -> bool:
        value = tuple(value) if isinstance(value, list) else value
        key = (type(probe).__name__, name, type(value), value)
        if key not in _VERDICTS:
            try:
                replace(probe, **{name: value})
            except (RecordError, TypeError, ValueError):
                _VERDICTS[key] = False
            else:
                _VERDICTS[key] = True
        return _VERDICTS[key]

    return check


def _valid_rows(child: pa.Array, check: Callable[[Any], bool], required: bool) -> BoolArray:
    """Per row: the value passes ``check``, tried once per distinct value; a null passes unless required."""
    key = pc.binary_join(child, "\x1f") if pa.types.is_list(child.type) else child
    encoded = pc.dictionary_encode(key)
    usual = key is child and (child.null_count == 0 or not required)  # values checked as they are
    if usual and all(check(value) for value in encoded.dictionary.to_pylist()):
        return np.ones(len(child), dtype=bool)  # every distinct value passes: so does every row
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    null = child.is_null().to_numpy(zero_copy_only=False)
    distinct = len(encoded.dictionary)
    codes = np.where(null, distinct, codes).astype(np.int64)  # the last code: null
    first = np.full(distinct + 1, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the first row with each value
    verdict = np.zeros(distinct + 1, dtype=bool)
    verdict[distinct] = not required
    for code in range(distinct):
        if first[code] >= 0:
            verdict[code] = check(child[int(first[code])].as_py())  # a representative row
    return np.asarray(verdict[codes], dtype=bool)


def _field_rules(struct: pa.StructArray, kind: str) -> BoolArray:
    """Per row: every field passes its record rule (each distinct value tried once)."""
    probe = _PROBE_CHECKIN if kind == "checkins" else _PROBE_SESSION
    time_field = "time" if kind == "checkins" else "start"
    ok = np.ones(len(struct), dtype=bool)
    known = set(probe.__dataclass_fields__)
    present = {struct.type.field(j).name for j in range(struct.type.num_fields)}
    if any(name not in present for name in _REQUIRED[kind]):  # let the records name what is missing
        return np.zeros(len(struct), dtype=bool)
    for j in range(struct.type.num_fields):
        name = struct.type.field(j).name
        child = struct.field(j)
        if name == time_field:  # a Parquet timestamp is always an aware time; it must be there
            ok &= ~child.is_null().to_numpy(zero_copy_only=False)
        elif name not in known:  # a column the record does not know: let the records report it
            ok[:] = False
        else:  # a null optional field is not given: the record's default applies (as in JSON)
            ok &= _valid_rows(child, _accepts(probe, name), name in _REQUIRED[kind])
    return ok


def _utc_hours(times: pa.Array) -> tuple[IntArray, FloatArray]:
    us = times.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_numpy(zero_copy_only=False)
    return us, (us / 1e6) / 3600.0  # as datetime.timestamp() / 3600 computes it


def _field(struct: pa.StructArray, name: str, kind: pa.DataType) -> pa.Array:
    """A field of the records, all null when the dataset has no such column (an older dataset)."""
    names = [struct.type.field(j).name for j in range(struct.type.num_fields)]
    return struct.field(name) if name in names else pa.nulls(len(struct), kind)


def utc_offsets_us(utc_us: IntArray, zone: ZoneInfo) -> IntArray:
    """The UTC offset of ``zone`` at each instant (microseconds), daylight saving followed.

    Looked up once per UTC day, and instant by instant only on the days the offset changes.
    """
    day = utc_us // _US_PER_DAY
    days, inverse = np.unique(day, return_inverse=True)

    def offset(moment: datetime) -> int:
        o = moment.astimezone(zone).utcoffset()
        return 0 if o is None else o // timedelta(microseconds=1)

    start = np.array([offset(_EPOCH + timedelta(days=int(d))) for d in days], dtype=np.int64)
    end = np.array([offset(_EPOCH + timedelta(days=int(d) + 1)) for d in days], dtype=np.int64)
    out = start[inverse]
    for j in np.flatnonzero(start[inverse] != end[inverse]):
        out[j] = offset(_EPOCH + timedelta(microseconds=int(utc_us[j])))
    return out


def partition_arrays(table: pa.Table) -> PartitionArrays:
    """The clients of a client-dataset table (:data:`touchdose.cohort.dataset.SCHEMA`) as arrays."""
    n = table.num_rows
    ids = [str(x) for x in table.column("client_id").to_pylist()]
    raw_profiles = table.column("client").to_pylist()
    profiles: list[ClientProfile | None] = []
    for raw in raw_profiles:
        given = {k: v for k, v in raw.items() if v is not None} if isinstance(raw, dict) else raw
        profiles.append(profile_from_dict(given)[0])
    ok = np.array([p is not None for p in profiles], dtype=bool)
    e_off, checkins = _offsets(table.column("checkins"))
    s_off, sessions = _offsets(table.column("sessions"))
    e_client = np.repeat(np.arange(n), np.diff(e_off))
    s_client = np.repeat(np.arange(n), np.diff(s_off))
    for rows_ok, owner in ((_field_rules(checkins, "checkins"), e_client),
                           (_field_rules(sessions, "sessions"), s_client)):  # fmt: skip
        bad = np.bincount(owner[~rows_ok], minlength=n) > 0
        ok &= ~bad
    time = _field(checkins, "time", pa.timestamp("us", tz="UTC"))
    us, utc_h = _utc_hours(time.fill_null(_PROBE_TIME) if time.null_count else time)
    local_us = us.copy()
    zones = [p.timezone if p is not None else "UTC" for p in profiles]
    for zone in sorted(set(zones)):
        if zone == "UTC":
            continue
        rows = np.flatnonzero(np.isin(e_client, [i for i, z in enumerate(zones) if z == zone]))
        local_us[rows] = us[rows] + utc_offsets_us(us[rows], ZoneInfo(zone))
    local_h = utc_h + ((local_us - us) / 1e6) / 3600.0  # as entry_clock: utc + offset in hours
    values: dict[str, FloatArray] = {}
    for name in DIARY_ARRAYS:
        col = _field(checkins, name, pa.float64())
        if name == "flare":  # not given is the record's default, no flare
            col = col.fill_null(False)
        values[name] = col.cast(pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False)
    start = _field(sessions, "start", pa.timestamp("us", tz="UTC"))
    _, session_h = _utc_hours(start.fill_null(_PROBE_TIME) if start.null_count else start)
    return PartitionArrays(ids, profiles, ok, e_off, utc_h, local_h, values, s_off, session_h)
