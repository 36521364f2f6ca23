"""Daily series from a client's diary, in the client's own time zone.

A check-in belongs to the calendar day on which it was made *in the client's time zone*
(``ClientProfile.timezone``), so an entry at 23:30 in Stockholm is not moved to the next
day by UTC. Several entries on one day are averaged (a person who logs twice has not had
two days). Days inside the diary span without an entry are ``NaN``, never guessed.

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
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from touchdose.records import ClientFile

__all__ = [
    "DIARY_FIELDS",
    "DailySeries",
    "baseline_days",
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


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """Calendar day of an aware ``moment`` in ``zone``.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> local_date(datetime(2026, 1, 1, 23, 30, tzinfo=timezone.utc), ZoneInfo("Europe/Stockholm"))
    datetime.date(2026, 1, 2)
    """
    return moment.astimezone(zone).date()


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
    cf: ClientFile, fields: tuple[str, ...] = ("pain",)
) -> tuple[date | None, dict[str, NDArray[np.float64]]]:
    """Daily means of several fields at once, without building the dates (the fast path).

    Parameters
    ----------
    cf : ClientFile
        The client.
    fields : tuple of str
        Fields of :data:`DIARY_FIELDS`.

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
    zone = cf.client.zone
    ords = np.array([c.time.astimezone(zone).toordinal() for c in cf.checkins], dtype=np.int64)
    if len(ords) == 0:
        return None, {name: np.empty(0, dtype=np.float64) for name in fields}
    lo = int(ords.min())
    idx_all = ords - lo
    n = int(idx_all.max()) + 1
    out: dict[str, NDArray[np.float64]] = {}
    for name in fields:
        raw = [getattr(c, name) for c in cf.checkins]
        have = np.array([v is not None for v in raw], dtype=bool)
        vals = np.array([float(v) for v in raw if v is not None], dtype=np.float64)
        idx = idx_all[have]
        sums = np.bincount(idx, weights=vals, minlength=n)
        counts = np.bincount(idx, minlength=n).astype(np.float64)
        values = np.full(n, np.nan)
        np.divide(sums, counts, out=values, where=counts > 0)
        out[name] = values
    return date.fromordinal(lo), out


def baseline_days(cf: ClientFile, dates: tuple[date, ...] | None = None) -> int:
    """Number of diary days (with any entry) before the first session's local day.

    Parameters
    ----------
    cf : ClientFile
        The client.
    dates : tuple of datetime.date, optional
        ``diary_dates(cf)`` when the caller already has them (not computed twice).

    Returns
    -------
    int
        Distinct local days with a check-in strictly before the day of the first session.
        Without sessions every diary day is a baseline day.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from touchdose.records import CheckIn, ClientFile, ClientProfile, Session
    >>> t = lambda d: datetime(2026, 1, d, 9, tzinfo=timezone.utc)
    >>> cf = ClientFile(ClientProfile(id="c-1"), sessions=(Session(start=t(4), pressure=2, minutes=30),),
    ...                 checkins=tuple(CheckIn(t(d), pain=5) for d in (1, 2, 2, 4, 5)))
    >>> baseline_days(cf)
    2
    """
    days = diary_dates(cf) if dates is None else dates
    if not cf.sessions:
        return len(days)
    first_session = local_date(cf.sessions[0].start, cf.client.zone)
    return sum(1 for d in days if d < first_session)
