"""Large synthetic cohorts straight to Parquet: the simulator's arrays as client-dataset rows.

``touchdose simulate --format parquet`` writes a client dataset without building a record
object per diary entry: each batch of the simulator (:func:`touchdose.painmodel.simulate.
simulate_batches`) becomes one Arrow table of :data:`touchdose.cohort.dataset.SCHEMA`. The
values come from the same functions the records are built from
(:func:`~touchdose.painmodel.simulate.diary_columns`, :func:`~touchdose.painmodel.simulate.
session_columns`), so the rows equal those of the record path (a test checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from touchdose.cohort.dataset import ACR_TYPE, CLIENT_TYPE, SCHEMA, DatasetWriter
from touchdose.painmodel.engine import SESSION_HOUR
from touchdose.painmodel.population import Kind
from touchdose.painmodel.simulate import (
    DEFAULT_DAYS,
    DEFAULT_START,
    ClientTruth,
    SimulatedBatch,
    diary_columns,
    session_columns,
    simulate_batches,
)
from touchdose.records import AREAS
from touchdose.types import FloatArray, IntArray

_US_PER_DAY = 86_400_000_000
_EPOCH = datetime(1970, 1, 1)


def _offset_us(zone: ZoneInfo, wall: datetime) -> int:
    offset = wall.replace(tzinfo=zone).utcoffset()
    return 0 if offset is None else (offset // timedelta(microseconds=1))


def wall_to_utc(wall_us: IntArray, zone: ZoneInfo) -> IntArray:
    """Local wall-clock times (microseconds since 1970-01-01 local) as UTC instants.

    Python's rule for a time in a daylight-saving gap or overlap (``fold=0``: the offset in
    force before the change), as :class:`datetime.datetime` applies it to the records. Each
    wall-clock day is looked up once; only days on which the offset changes are looked up
    time by time.
    """
    wall_us = np.asarray(wall_us, dtype=np.int64)
    day = wall_us // _US_PER_DAY
    days, inverse = np.unique(day, return_inverse=True)
    start = np.array([_offset_us(zone, _EPOCH + timedelta(days=int(d))) for d in days], dtype=np.int64)
    end = np.array([_offset_us(zone, _EPOCH + timedelta(days=int(d) + 1)) for d in days], dtype=np.int64)
    offset = start[inverse]
    for j in np.flatnonzero(start[inverse] != end[inverse]):
        offset[j] = _offset_us(zone, _EPOCH + timedelta(microseconds=int(wall_us[j])))
    return wall_us - offset


def _hours_us(hours: FloatArray) -> IntArray:
    """Hours as whole microseconds, rounded half to even as :class:`datetime.timedelta` does."""
    return np.asarray(np.rint(np.asarray(hours, dtype=np.float64) * 3_600_000_000.0), dtype=np.int64)


def _lists(counts: Sequence[int], values: pa.Array) -> pa.ListArray:
    offsets = np.concatenate([[0], np.cumsum(np.asarray(counts, dtype=np.int64))]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values)


def _ints(values: list[IntArray], kind: pa.DataType, missing_below: int | None = None) -> pa.Array:
    flat = np.concatenate(values) if values else np.zeros(0, dtype=np.int64)
    mask = None if missing_below is None else flat < missing_below
    return pa.array(flat, type=kind, mask=mask)


def _times(wall_us: list[IntArray], zone: ZoneInfo) -> pa.Array:
    flat = np.concatenate(wall_us) if wall_us else np.zeros(0, dtype=np.int64)
    return pa.array(wall_to_utc(flat, zone), type=pa.timestamp("us", tz="UTC"))


def batch_table(batch: SimulatedBatch, *, start: date, timezone: str = "UTC") -> pa.Table:
    """One simulated batch as rows of the client dataset (one row per client)."""
    zone = ZoneInfo(timezone)
    c = batch.cohort
    t = c.traits
    origin_us = (datetime(start.year, start.month, start.day) - _EPOCH) // timedelta(microseconds=1)
    n = len(batch.ids)
    regions = [[a for a, on in zip(AREAS, t.areas[i], strict=True) if on] for i in range(n)]
    diary_cols, session_cols = [], []
    for i in range(n):
        diary_cols.append(diary_columns(c, i, 0, int(t.end_day[i])))
        session_cols.append(session_columns(c, i))
    checkins = _checkins(diary_cols, origin_us, zone)
    sessions = _sessions(session_cols, origin_us, zone, regions, [int(m) for m in t.minutes[:n]])
    clients = _profiles(batch, timezone)
    ids = pa.array(batch.ids, pa.string())
    return pa.Table.from_arrays([ids, clients, sessions, checkins], schema=SCHEMA)


def _checkins(cols: list[Any], origin_us: int, zone: ZoneInfo) -> pa.ListArray:
    wall = [origin_us + d.day * _US_PER_DAY + _hours_us(d.hour) for d in cols]
    v = [d.values for d in cols]

    def flat(name: str) -> list[Any]:
        return [getattr(x, name) for x in v]

    total = sum(len(d.day) for d in cols)
    struct = pa.StructArray.from_arrays(
        [
            _times(wall, zone), _ints(flat("pain"), pa.int8()), _ints(flat("fatigue"), pa.int8()),
            pa.array(np.concatenate(flat("sleep_hours")) if v else [], pa.float64()),
            _ints(flat("sleep_quality"), pa.int8()), _ints(flat("mood"), pa.int8()),
            pa.array(np.concatenate(flat("flare")) if v else [], pa.bool_()),
            _ints(flat("rescue_doses"), pa.int8()), _ints(flat("activity_minutes"), pa.int16()),
            pa.array([""] * total, pa.string()), pa.nulls(total, pa.list_(pa.string())),
        ],
        fields=list(SCHEMA.field("checkins").type.value_type),
    )  # fmt: skip
    return _lists([len(d.day) for d in cols], struct)


def _sessions(cols: list[Any], origin_us: int, zone: ZoneInfo, regions: list[list[str]],
              minutes: list[int]) -> pa.ListArray:  # fmt: skip
    counts = [len(s.day) for s in cols]
    total = sum(counts)
    wall = [origin_us + s.day * _US_PER_DAY + SESSION_HOUR * 3_600_000_000 for s in cols]
    adverse: list[list[str]] = []
    region_lists: list[list[str]] = []
    for s, r in zip(cols, regions, strict=True):
        for k in range(len(s.day)):
            adverse.append(["soreness"] * bool(s.soreness[k]) + ["flare"] * bool(s.flare[k]))
            region_lists.append(r)
    texts = pa.list_(pa.string())
    struct = pa.StructArray.from_arrays(
        [
            _times(wall, zone), pa.array([["swedish"]] * total, texts),
            _ints([s.pressure for s in cols], pa.int8()),
            pa.array(np.repeat(np.asarray(minutes, dtype=np.int64), counts), pa.int16()),
            pa.array(region_lists, texts),
            _ints([s.pain_before for s in cols], pa.int8(), 0),
            _ints([s.pain_during_max for s in cols], pa.int8(), 0),
            _ints([s.pain_after for s in cols], pa.int8(), 0),
            _ints([s.relaxation_after for s in cols], pa.int8(), 0),
            pa.array(adverse, texts), pa.array([""] * total, pa.string()), pa.nulls(total, pa.string()),
        ],
        fields=list(SCHEMA.field("sessions").type.value_type),
    )  # fmt: skip
    return _lists(counts, struct)


def _profiles(batch: SimulatedBatch, timezone: str) -> pa.StructArray:
    t = batch.cohort.traits
    n = len(batch.ids)
    acr: list[dict[str, Any] | None] = [None] * n
    if batch.intake is not None:
        acr = [{f.name: (list(getattr(a, f.name)) if f.name == "wpi_regions" else getattr(a, f.name))
                for f in ACR_TYPE} for a in batch.intake]  # fmt: skip
    rows = [{"id": batch.ids[i], "timezone": timezone, "conditions": [str(t.condition[i])],
             "max_pressure": None, "sensitivity": str(t.sensitivity[i]), "avoid_regions": None,
             "acr2016": acr[i], "fiqr": None, "contraindications": None, "goals": None}
            for i in range(n)]  # fmt: skip
    return pa.array(rows, type=CLIENT_TYPE)



#: The truth table written beside a simulated dataset (never read as clients).
TRUTH_PARQUET = "truth.parquet"
TRUTH_SCHEMA = pa.schema([
    ("client_id", pa.string()), ("kind", pa.string()), ("physiology", pa.string()),
    ("sensitization", pa.float64()), ("baseline_pain", pa.float64()), ("best_pressure", pa.int8()),
    ("sessions", pa.int32()), ("flares", pa.int32()),
    ("relief_per_session", pa.float64()),  # the sessions' own mean relief on days 0-2 (points)
    ("true_effect", pa.float64()),  # ClientTruth.diary_effect: what the comparison estimates
])  # fmt: skip


def truth_table(truths: Sequence[ClientTruth]) -> pa.Table:
    """What each simulated client really is, one row per client (``true_effect``: negative = relief)."""
    rows = [{"client_id": t.id, "kind": t.kind, "physiology": t.physiology, "sensitization": t.sensitization,
             "baseline_pain": t.baseline_pain, "best_pressure": t.best_pressure, "sessions": len(t.sessions),
             "flares": t.flares, "relief_per_session": t.relief_per_session, "true_effect": t.diary_effect}
            for t in truths]  # fmt: skip
    return pa.Table.from_pylist(rows, schema=TRUTH_SCHEMA)


def write_simulated(
    out: str | Path,
    n: int,
    *,
    seed: int,
    kind: Kind = None,
    pressure: int = 3,
    days: int = DEFAULT_DAYS,
    timezone: str = "UTC",
    intake: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Simulate ``n`` clients at a fixed pressure into a client dataset at ``out``, truth beside it.

    ``out`` becomes a directory of ``part-*.parquet`` files (:mod:`touchdose.cohort.dataset`)
    plus :data:`TRUTH_PARQUET`; nothing is left behind if it fails. Returns the clients written.
    """
    out = Path(out)
    truths: list[pa.Table] = []
    done = 0
    with DatasetWriter(out) as w:
        for batch in simulate_batches(n, seed=seed, kind=kind, pressure=pressure, days=days, intake=intake):
            w.write_table(batch_table(batch, start=DEFAULT_START, timezone=timezone))
            truths.append(truth_table(batch.truths))
            done += len(batch.ids)
            if progress is not None:
                progress(done)
        truth = pa.concat_tables(truths) if truths else TRUTH_SCHEMA.empty_table()
        pq.write_table(truth, w.tmp / TRUTH_PARQUET)
    return done
