"""Daily series from a client's diary, in the client's own time zone.

A check-in belongs to the calendar day on which it was made *in the client's time zone*
(``ClientProfile.timezone``), so an entry at 23:30 in Stockholm is not moved to the next
day by UTC. Several entries on one day are averaged (a person who logs twice has not had
two days). Days inside the diary span without an entry are ``NaN``, never guessed.

The check-in asks for the average over the last 24 hours (:data:`RECALL_HOURS`), so what an
entry *describes* is the 24 h before its time: ``covered=True`` (the n-of-1 comparison) puts
each entry on the day it describes, :func:`covered_date`, so a morning entry describes the day
before (docs/design.md, "What a diary entry covers").

Everything here is pure: records in, arrays out.

Examples
--------
>>> from datetime import datetime, timezone
>>> from touchdose.records import CheckIn, ClientFile, ClientProfile
>>> t = lambda d, h: datetime(2026, 1, d, h, tzinfo=timezone.utc)
>>> cf = ClientFile(ClientProfile(id="c-1"),
...                 checkins=(CheckIn(t(1, 8), pain=6), CheckIn(t(1, 20), pain=4), CheckIn(t(3, 9), pain=5)))
>>> s = daily_series(cf, "pain")
>>> s.values.tolist()
[5.0, nan, 5.0]
>>> s.observed_days
2
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from touchdose.records import ClientFile

__all__ = [
    "DIARY_FIELDS",
    "RECALL_HOURS",
    "DailySeries",
    "DiaryArrays",
    "baseline_days",
    "covered_date",
    "daily_series",
    "daily_values",
    "diary_dates",
    "local_date",
    "session_dates",
]

#: Numeric check-in fields that can be turned into a daily series (records.CheckIn).
#: ``flare`` is a yes/no field and becomes 1.0 / 0.0 (the share of entries that day reporting a flare).
DIARY_FIELDS: tuple[str, ...] = (
    "pain",
    "fatigue",
    "sleep_hours",
    "sleep_quality",
    "mood",
    "flare",
    "rescue_doses",
    "activity_minutes",
)

#: Hours a check-in's pain describes: the check-in asks for "the average over the last 24 hours"
#: (docs/formats.md and docs/design.md, "Domain"; the 24 h recall of daily pain diaries).
RECALL_HOURS = 24.0


@dataclass(frozen=True, eq=False)
class DailySeries:
    """One diary field as one value per calendar day over the whole diary span.

    Attributes
    ----------
    field : str
        The check-in field (one of :data:`DIARY_FIELDS`).
    dates : tuple of datetime.date
        Every calendar day from the first to the last diary day (client's time zone), gaps included.
    values : ndarray of float
        The day's value (mean of that day's entries), ``NaN`` where nothing was recorded.
    """

    field: str
    dates: tuple[date, ...]
    values: NDArray[np.float64]

    @property
    def observed_days(self) -> int:
        """Number of days with a value."""
        return int(np.count_nonzero(~np.isnan(self.values)))

    @property
    def start(self) -> date | None:
        """First day of the span (``None`` for an empty diary)."""
        return self.dates[0] if self.dates else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ISO dates and values with ``None`` for missing days."""
        return {
            "field": self.field,
            "dates": [d.isoformat() for d in self.dates],
            "values": [None if np.isnan(v) else float(v) for v in self.values],
            "observed_days": self.observed_days,
        }


@dataclass(frozen=True, eq=False)
class DiaryArrays:
    """One client's diary and sessions as arrays, what the n-of-1 designs are built from
    (:func:`touchdose.analysis._exposure.designs`).

    ``entry_utc_h`` and ``entry_local_h`` are each check-in's time in hours since the epoch,
    absolute and on the client's local clock (:func:`entry_clock`);
    ``values`` each field's value per check-in, ``NaN`` where it was not given
    (:func:`entry_values`); ``sessions`` the sessions' starts in
    absolute hours, sorted. The many-clients path builds them from Parquet columns, without records.
    """

    entry_utc_h: NDArray[np.float64]
    entry_local_h: NDArray[np.float64]
    values: dict[str, NDArray[np.float64]]
    sessions: NDArray[np.float64]

    @classmethod
    def of(cls, cf: ClientFile, fields: tuple[str, ...]) -> DiaryArrays:
        """The arrays of a client file (the fields named)."""
        utc, local = entry_clock(cf)
        starts = np.array([s.start.timestamp() for s in cf.sessions], dtype=np.float64) / 3600.0
        return cls(utc, local, {name: entry_values(cf, name) for name in fields}, starts)


    @property
    def checkin_days(self) -> int:
        """Distinct local days with at least one check-in (as :func:`diary_dates` counts them)."""
        return len(np.unique(ordinals(self.entry_local_h)))

    @property
    def baseline_days(self) -> int:
        """Days described by check-ins made no later than the first session (:func:`baseline_days`)."""
        keep = self.entry_utc_h <= self.sessions[0] if len(self.sessions) else slice(None)
        return len(np.unique(ordinals(self.entry_local_h[keep], covered=True)))


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """Calendar day of an aware ``moment`` in ``zone``.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> local_date(datetime(2026, 1, 1, 23, 30, tzinfo=timezone.utc), ZoneInfo("Europe/Stockholm"))
    datetime.date(2026, 1, 2)
    """
    return moment.astimezone(zone).date()


def covered_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day (in ``zone``) an entry made at ``moment`` describes.

    The entry covers the :data:`RECALL_HOURS` before ``moment``; the day holding most of them is
    the day of the window's middle, 12 h before: an entry made before noon describes the day
    before, one made from noon on describes its own day.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> utc = ZoneInfo("UTC")
    >>> covered_date(datetime(2026, 1, 5, 8, tzinfo=timezone.utc), utc).isoformat()
    '2026-01-04'
    >>> covered_date(datetime(2026, 1, 5, 20, tzinfo=timezone.utc), utc).isoformat()
    '2026-01-05'
    """
    return (moment.astimezone(zone) - timedelta(hours=RECALL_HOURS / 2)).date()


def diary_dates(cf: ClientFile) -> tuple[date, ...]:
    """Sorted distinct local days with at least one check-in (whatever was filled in)."""
    zone = cf.client.zone
    return tuple(sorted({local_date(c.time, zone) for c in cf.checkins}))


def session_dates(cf: ClientFile) -> tuple[date, ...]:
    """Local day of each session, in time order (a day with two sessions appears twice)."""
    zone = cf.client.zone
    return tuple(local_date(s.start, zone) for s in cf.sessions)


def daily_series(cf: ClientFile, field: str = "pain") -> DailySeries:
    """Daily series of one check-in field over the whole diary span.

    Parameters
    ----------
    cf : ClientFile
        The client; check-in times are placed on days in ``cf.client.timezone``.
    field : str
        One of :data:`DIARY_FIELDS`.

    Returns
    -------
    DailySeries
        ``dates`` runs from the first to the last day with any check-in (all fields share
        the same span, so series of different fields line up day by day). ``values[i]`` is
        the mean of the non-missing entries on ``dates[i]``, ``NaN`` if there are none.

    Notes
    -----
    Several entries on one day are averaged: :math:`y_d = \\frac{1}{n_d}\\sum_{k} y_{d,k}`.
    A diary without check-ins gives an empty series.

    Raises
    ------
    ValueError
        If ``field`` is not a diary field.

    Examples
    --------
    The module's example shows a diary with gaps; an empty diary gives an empty series:

    >>> from touchdose.records import ClientFile, ClientProfile
    >>> s = daily_series(ClientFile(ClientProfile(id="c-1")), "sleep_hours")
    >>> s.dates, s.observed_days, s.start is None
    ((), 0, True)
    """
    first, table = daily_values(cf, (field,))
    values = table[field]
    if first is None:
        return DailySeries(field, (), values)
    base = first.toordinal()
    return DailySeries(field, tuple(date.fromordinal(base + i) for i in range(len(values))), values)


def daily_values(
    cf: ClientFile,
    fields: tuple[str, ...] = ("pain",),
    *,
    covered: bool = False,
    ords: NDArray[np.int64] | None = None,
) -> tuple[date | None, dict[str, NDArray[np.float64]]]:
    """Daily means of several fields at once, without building the dates (the fast path).

    Parameters
    ----------
    cf : ClientFile
        The client.
    fields : tuple of str
        Fields of :data:`DIARY_FIELDS`.
    covered : bool
        Put each entry on the day it describes (:func:`covered_date`) instead of the day it
        was written.
    ords : array, optional
        The entries' day ordinals already computed (:func:`entry_ordinals`); overrides ``covered``.

    Returns
    -------
    first : datetime.date or None
        The first diary day (``None`` for an empty diary); day ``i`` is ``first + i`` days.
    values : dict
        For each field an array over the whole span, ``NaN`` where nothing was recorded,
        exactly as :func:`daily_series` (which is built on this).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from touchdose.records import CheckIn, ClientFile, ClientProfile
    >>> cf = ClientFile(ClientProfile(id="c-1"), checkins=(
    ...     CheckIn(datetime(2026, 1, 1, 8, tzinfo=timezone.utc), pain=6, mood=3),
    ...     CheckIn(datetime(2026, 1, 3, 8, tzinfo=timezone.utc), pain=5)))
    >>> first, v = daily_values(cf, ("pain", "mood"))
    >>> first.isoformat(), v["pain"].tolist(), v["mood"].tolist()
    ('2026-01-01', [6.0, nan, 5.0], [3.0, nan, nan])
    """
    for name in fields:
        if name not in DIARY_FIELDS:
            allowed = ", ".join(DIARY_FIELDS)
            raise ValueError(f"daily_series: field = {name!r} is not allowed (allowed: one of {allowed})")
    ords = entry_ordinals(cf, covered=covered) if ords is None else ords
    first, out = daily_means(ords, {name: entry_values(cf, name) for name in fields})
    return (None if first is None else date.fromordinal(first)), out


def entry_values(cf: ClientFile, field: str) -> NDArray[np.float64]:
    """One diary field of every check-in as floats, ``NaN`` where it was not given (flare as 0/1)."""
    return np.array([np.nan if (v := getattr(c, field)) is None else float(v) for c in cf.checkins],
                    dtype=np.float64)  # fmt: skip


def daily_means(
    ords: NDArray[np.int64], values: dict[str, NDArray[np.float64]]
) -> tuple[int | None, dict[str, NDArray[np.float64]]]:
    """The arrays behind :func:`daily_values`: the entries' day ordinals and values (``NaN`` = not
    given) in, the first day's ordinal and each field's mean per day (``NaN`` = none) out.

    Examples
    --------
    >>> first, v = daily_means(np.array([10, 10, 12]), {"pain": np.array([6.0, 4.0, np.nan])})
    >>> first, v["pain"].tolist()
    (10, [5.0, nan, nan])
    """
    if len(ords) == 0:
        return None, {name: np.empty(0, dtype=np.float64) for name in values}
    lo = int(ords.min())
    idx_all = ords - lo
    n = int(idx_all.max()) + 1
    out: dict[str, NDArray[np.float64]] = {}
    for name, raw in values.items():
        have = ~np.isnan(raw)
        idx = idx_all[have]
        sums = np.bincount(idx, weights=raw[have], minlength=n)
        counts = np.bincount(idx, minlength=n).astype(np.float64)
        means = np.full(n, np.nan)
        np.divide(sums, counts, out=means, where=counts > 0)
        out[name] = means
    return lo, out


#: Date ordinal of 1 January 1970 (the Unix epoch), to turn local seconds into date ordinals.
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def entry_clock(cf: ClientFile) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each check-in's time in hours since the epoch: absolute (UTC) and on the local clock.

    The local clock (UTC plus the zone's offset at that moment, so daylight saving time is
    followed) gives the days; the absolute hours give the hours between entries and sessions.
    """
    zone = cf.client.zone
    local = [c.time.astimezone(zone) for c in cf.checkins]
    utc = np.array([t.timestamp() for t in local], dtype=np.float64) / 3600.0
    offsets = [t.utcoffset() for t in local]  # never None: astimezone gives an aware time
    offset = np.array([o.total_seconds() if o is not None else 0.0 for o in offsets]) / 3600.0
    return utc, utc + offset


def entry_ordinals(
    cf: ClientFile,
    *,
    covered: bool = False,
    clock: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
) -> NDArray[np.int64]:
    """Each check-in's day as a date ordinal: written (local date) or described (:func:`covered_date`).

    ``clock`` is :func:`entry_clock` already computed.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from touchdose.records import CheckIn, ClientFile, ClientProfile
    >>> cf = ClientFile(ClientProfile(id="c-1", timezone="Asia/Tokyo"),
    ...                 checkins=(CheckIn(datetime(2026, 1, 1, 23, 30, tzinfo=timezone.utc), pain=5),))
    >>> written, described = entry_ordinals(cf)[0], entry_ordinals(cf, covered=True)[0]
    >>> date.fromordinal(int(written)).isoformat(), date.fromordinal(int(described)).isoformat()
    ('2026-01-02', '2026-01-01')
    """
    return ordinals((entry_clock(cf) if clock is None else clock)[1], covered=covered)


def ordinals(local_hours: NDArray[np.float64], *, covered: bool = False) -> NDArray[np.int64]:
    """Date ordinals of times on the local clock (hours since the epoch, :func:`entry_clock`): the
    day written, or with ``covered`` the day described (:func:`covered_date`).

    Examples
    --------
    >>> date.fromordinal(int(ordinals(np.array([8.0]), covered=True)[0])).isoformat()
    '1969-12-31'
    """
    shift = RECALL_HOURS / 2 if covered else 0.0
    return (np.floor((local_hours - shift) / 24.0).astype(np.int64) + EPOCH_ORDINAL).astype(np.int64)


def baseline_days(cf: ClientFile) -> int:
    """Number of diary days described by entries made before the first session.

    Parameters
    ----------
    cf : ClientFile
        The client.
    dates : tuple of datetime.date, optional
        ``diary_dates(cf)`` when the caller already has them (not computed twice).

    Returns
    -------
    int
        Distinct days (:func:`covered_date`) described by check-ins made no later than the start
        of the first session: the 24 h each of them covers lies wholly before any massage, so a
        morning entry on the day of a later session still counts. Without sessions every diary
        day is a baseline day.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from touchdose.records import CheckIn, ClientFile, ClientProfile, Session
    >>> t = lambda d, h=9: datetime(2026, 1, d, h, tzinfo=timezone.utc)
    >>> cf = ClientFile(ClientProfile(id="c-1"), sessions=(Session(start=t(4, 10), pressure=2, minutes=30),),
    ...                 checkins=tuple(CheckIn(t(d), pain=5) for d in (1, 2, 2, 4, 5)))
    >>> baseline_days(cf)
    3
    """
    return DiaryArrays.of(cf, ()).baseline_days
