"""The client's weekly rhythm of pain, measured away from massage, for judging a follow-up change.

A session's aggravation compares a follow-up pain with the pain before the session. When pain
has a weekly rhythm (weekends better, say) and sessions fall on one weekday, part of that change
is the rhythm, not the massage: pain 48 h after a Saturday session is a Monday's. The harm
judgement therefore takes the expected weekday difference out of each follow-up change, for the
sessions and for the background stretches alike (:mod:`touchdose.analysis.response`,
:mod:`touchdose.analysis.harm`).

The rhythm is measured only on *massage-free* entries (made at least ``free_after`` hours after
the latest session, or before the first: the end of the last follow-up window,
:data:`touchdose.analysis.response.FOLLOWUP_WINDOWS`), so a massage effect that recurs on the same
weekday every week is never mistaken for the rhythm. On those entries pain is fitted by a straight
line over time with and without a level for each weekday, both with AR(1) errors (Prais-Winsten);
the weekday levels are used only when the F-test prefers them (:data:`RHYTHM_P`), so a client
without a rhythm, or one whose weekdays were seen without massage too rarely to tell, gets no
term at all. The term taken out of a change is the difference of two weekday levels rounded to
whole points, like the ratings. The line (with the rhythm) is also the client's *usual* pain, the
level the harm judgement compares late follow-ups with.

Examples
--------
>>> r = WeekdayRhythm((0.0, 0.0, 0.0, 0.0, 0.0, -1.2, -1.4))
>>> r.term(5, 0), r.term(0, 1), NO_RHYTHM.term(5, 0)
(1, 0, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from scipy.stats import f as f_dist

__all__ = [
    "MIN_FREE_ENTRIES",
    "NO_RHYTHM",
    "RHYTHM_P",
    "WeekdayRhythm",
    "weekday_of",
    "weekday_rhythm",
]

#: Fewest massage-free entries before a rhythm is measured at all (three weeks' worth).
MIN_FREE_ENTRIES = 21
#: The weekday term is used only when it explains the massage-free entries better than a straight
#: line does, by the F-test at this level (the conventional 5 %): a rhythm measured on a few
#: weeks is otherwise mostly noise, and a term of one point taken out of a change wrongly would
#: hide harm or invent it. Checked on simulated clients (docs/validation.md).
RHYTHM_P = 0.05
_UTC = ZoneInfo("UTC")
#: The hours an entry reports (diary.RECALL_HOURS): an entry describes the day of its window's middle.
_HALF_RECALL = timedelta(hours=12)


@dataclass(frozen=True)
class WeekdayRhythm:
    """Shrunken weekday offsets of pain (Monday first), in points; ``free`` entries measured them."""

    offsets: tuple[float, float, float, float, float, float, float]
    free: int = 0
    zone: ZoneInfo = _UTC
    p: float | None = None
    #: The usual level on massage-free entries: (intercept, slope per day, centre in POSIX
    #: seconds) of the line over time, ``None`` when too few entries were massage-free; and
    #: those entries' residuals from line and rhythm (the client's usual ups and downs).
    line: tuple[float, float, float] | None = None
    free_residuals: tuple[float, ...] = ()

    def usual(self, entry: datetime) -> float | None:
        """The pain usual for a diary entry made at ``entry`` (line plus its weekday's level)."""
        if self.line is None:
            return None
        a, b, centre = self.line
        return (
            a
            + b * (entry.timestamp() - centre) / 86400.0
            + self.offsets[weekday_of(entry, self.zone, entry=True)]
        )

    def term(self, before: int, after: int) -> int:
        """The whole-point change the rhythm alone brings from weekday ``before`` to ``after``."""
        return int(np.rint(self.offsets[after] - self.offsets[before]))

    def between(self, before: datetime, entry: datetime, *, before_is_entry: bool = False) -> int:
        """:meth:`term` from the weekday of a rating made at ``before`` (a session's, or a diary
        entry's when ``before_is_entry``) to that of a diary ``entry``."""
        if not any(self.offsets):
            return 0
        first = weekday_of(before, self.zone, entry=before_is_entry)
        return self.term(first, weekday_of(entry, self.zone, entry=True))

    def to_dict(self) -> dict[str, Any]:
        p = None if self.p is None else round(self.p, 4)
        return {"offsets": [round(o, 3) for o in self.offsets], "free": self.free, "p": p}


NO_RHYTHM = WeekdayRhythm((0.0,) * 7)


def weekday_of(moment: datetime, zone: ZoneInfo, *, entry: bool) -> int:
    """Weekday (0 = Monday) a moment describes: an entry its 24 h window's middle, a rating its own."""
    local = moment.astimezone(zone) - (_HALF_RECALL if entry else timedelta(0))
    return local.weekday()


def weekday_rhythm(
    times: Sequence[datetime],
    pains: Sequence[int],
    sessions: Sequence[datetime],
    zone: ZoneInfo,
    free_after: float,
) -> WeekdayRhythm:
    """Measure the weekly rhythm on massage-free diary entries (module docstring).

    Parameters
    ----------
    times, pains : sequences
        The diary entries' times (sorted) and pain ratings.
    sessions : sequence of datetime
        Session starts, sorted.
    zone : ZoneInfo
        The client's time zone (weekdays are local).
    free_after : float
        Hours after a session start from which an entry is massage-free.

    Returns
    -------
    WeekdayRhythm
        :data:`NO_RHYTHM` when fewer than :data:`MIN_FREE_ENTRIES` entries are massage-free.

    Examples
    --------
    >>> from datetime import timezone
    >>> t0 = datetime(2026, 1, 5, 20, tzinfo=timezone.utc)
    >>> days = [t0 + timedelta(days=d) for d in range(42)]
    >>> r = weekday_rhythm(days, [3 if t.weekday() >= 5 else 5 for t in days], [], ZoneInfo("UTC"), 84.0)
    >>> r.term(5, 0), r.term(1, 2)
    (2, 0)
    """
    starts = np.sort(np.array([s.timestamp() for s in sessions]))
    secs = np.array([t.timestamp() for t in times])
    i = np.searchsorted(starts, secs, "right")  # sessions started at or before each entry
    last = np.concatenate([[-np.inf], starts])[i]  # the latest of them (-inf: none yet)
    free = secs - last >= free_after * 3600.0
    if int(free.sum()) < MIN_FREE_ENTRIES:
        return NO_RHYTHM
    x = (secs[free] - secs[free].mean()) / 86400.0
    y = np.asarray(pains, dtype=np.float64)[free]
    wd = np.array([weekday_of(t, zone, entry=True) for t, f in zip(times, free, strict=True) if f])
    seen = np.flatnonzero(np.bincount(wd, minlength=7) > 0)
    line = np.column_stack([np.ones_like(x), x])
    (a, b), _ = _fit(line, y)
    curve = (a, b, float(secs[free].mean()))
    no_term = WeekdayRhythm((0.0,) * 7, int(free.sum()), zone, None, curve, tuple((y - a - b * x).tolist()))
    full = np.column_stack([line, *((wd == w).astype(np.float64) for w in seen[1:])])
    whiten = _prais_winsten(x, y - a - b * x)
    _, rss_line = _fit(whiten @ line, whiten @ y)
    coef, rss_full = _fit(whiten @ full, whiten @ y)
    df1, df2 = len(seen) - 1, len(y) - full.shape[1]
    if df1 < 1 or df2 < 1 or rss_full <= 0.0:
        return no_term
    p = float(f_dist.sf((rss_line - rss_full) / df1 / (rss_full / df2), df1, df2))
    if p >= RHYTHM_P:
        return replace(no_term, p=p)
    level = np.concatenate([[0.0], coef[2:]])  # each seen weekday against the first seen
    offsets = np.zeros(7)
    offsets[seen] = level - level.mean()
    a += float(level.mean())  # the line through the weekdays' average
    resid = y - a - b * x - offsets[wd]
    week = tuple(float(o) for o in offsets)
    return WeekdayRhythm(week, int(free.sum()), zone, p, (a, b, curve[2]), tuple(resid.tolist()))  # type: ignore[arg-type]


def _prais_winsten(x: NDArray[np.float64], resid: NDArray[np.float64]) -> NDArray[np.float64]:
    """The AR(1) whitening matrix (Prais-Winsten) for entries ``x`` days apart: each entry minus
    ``rho`` times the one the day before when there is one, else scaled by sqrt(1 - rho^2), with
    ``rho`` the lag-1 autocorrelation of ``resid`` over consecutive days (0-0.9). Pain diaries are
    autocorrelated; an F-test that ignores it finds weekly rhythms in runs of bad weeks."""
    n = len(x)
    after = np.flatnonzero(np.abs(np.diff(x) - 1.0) < 0.25)  # pairs (k, k + 1) one day apart
    den = float(np.sum(resid[after] ** 2))
    rho = float(np.clip(np.sum(resid[after + 1] * resid[after]) / den, 0.0, 0.9)) if den > 0 else 0.0
    w = np.diag(np.full(n, np.sqrt(1.0 - rho**2)))
    w[after + 1, after + 1] = 1.0
    w[after + 1, after] = -rho
    return w


def _fit(X: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    """Least-squares coefficients of ``y`` on ``X`` and the residual sum of squares."""
    coef = np.linalg.lstsq(X, y, rcond=None)[0].astype(np.float64)
    r = y - X @ coef
    return coef, float(r @ r)
