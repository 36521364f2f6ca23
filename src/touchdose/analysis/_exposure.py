"""Diary entries labelled exposed / massage-free / washout, and the n-of-1 design matrix.

A check-in reports the average over the 24 h before it (:data:`~touchdose.analysis.diary.RECALL_HOURS`),
so each entry is read for the hours it covers, not for its calendar date (docs/design.md, "What
a diary entry covers"):

* it is put on the day it describes (:func:`~touchdose.analysis.diary.covered_date`: a morning
  entry describes the day before);
* its **exposure** is the share of its 24 h that falls within ``24 * window_days`` hours after a
  session (:func:`exposure_share`): an evening entry 10 h after a 10:00 session counts 10/24,
  the next two evenings 1 each, the evening 82 h after 14/24; a morning diarist (08:00) gets
  22/24, 1, 1 and 2/24 on the four mornings after, the same three days' worth;
* it is **massage-free** when the last session started at least ``24 * (washout_days + 1)``
  hours before it (or there was none) and its 24 h hold no exposure, **washout** otherwise.

The model's columns are intercept, trend (years, centred) and the exposure share, so the
effect is column 2 and means "a whole day of the 72 h after a massage against a day free of
it". ``Design.weekday`` offers six weekday columns (sum-to-zero coding) when every weekday has
been massage-free often enough (:data:`MIN_WEEKDAY_WEEKS`); ``Design.late`` is the late look
(:data:`LATE_HOURS`): a second regression for pain in which the hours of the 72 h follow-up
window have their own coefficient against days at least 6 days after any session.

Examples
--------
>>> import numpy as np
>>> _labels(np.array([np.inf, 10.0, 34.0, 58.0, 82.0, 106.0]), 72, 96).tolist()
[0, 1, 1, 1, -1, 0]
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from touchdose.analysis.diary import RECALL_HOURS, DiaryArrays, daily_means, ordinals
from touchdose.analysis.response import FOLLOWUP_72H_HOURS
from touchdose.records import ClientFile

#: Days counted as exposed: the day of the massage and the 2 days after (docs/design.md item 2,
#: "days 0-2 after a massage"), the span in which massage clients report relief or the
#: 24-48 h flare (docs/evidence.md; the 24 h and 48 h follow-ups of response.py). Applied in
#: hours: an entry is exposed when a session started less than 72 h before it.
EXPOSURE_WINDOW_DAYS = 3
#: A day is massage-free when no massage fell on it or on the 3 days before it (docs/design.md
#: item 2: "days with no massage in the previous 3 days"): in hours, the last session started at
#: least 96 h before the entry; an entry 72-96 h after a session is washout.
WASHOUT_DAYS = 3
#: The late look at pain (docs/design.md, "What a diary entry covers": "a 72 h look catches harm
#: that shows late"): a second regression in which the hours of the 72 h follow-up window
#: (60-84 h after a session, response.FOLLOWUP_72H_HOURS) have their own coefficient against
#: entries at least :data:`LATE_FREE_HOURS` after any session (and the baseline); the hours
#: before 60 h have theirs, entries made 84-144 h after are left out. Each kept entry is read for
#: its 24 h, as in the comparison: its share of them within 60 h of a session (early) and its
#: share 60-84 h after one that no later session covers (late). With sessions twice a week the
#: entry on a session's evening holds both (the last 12 h of the previous session's 60-72 h and
#: the first 10 h of the new one); counted as early only, it made the early coefficient about
#: half the benefit (docs/validation.md, issue 11). Harm on days 2-4 is then compared with
#: days that are free of it, instead of being counted as massage-free where it made massage days
#: look better. Tried on simulated clients (docs/validation.md): wider late windows (48-144 h,
#: 72-144 h) caught late harm less often, because a step coefficient fits a harm that ends inside
#: its window badly.
LATE_HOURS: tuple[float, float] = FOLLOWUP_72H_HOURS
#: Entries this long after every session are free of late effects in the late look: six days,
#: the longest a weekly client goes without massage (our choice).
LATE_FREE_HOURS = 144.0
#: Outcomes that get the late look: harm is judged on pain (docs/design.md, "Safety first").
LATE_LOOK_OUTCOMES: tuple[str, ...] = ("pain",)
#: Diary days without massage needed before the comparison is made (docs/design.md item 2,
#: default 7): one week of baseline, the usual minimum baseline phase of an n-of-1 design.
MIN_BASELINE_DAYS = 7
#: Massage must switch on at least this many separate times (runs of exposed days between
#: massage-free days, ABABAB): with one or two switches a change cannot be told apart from
#: anything else that changed at the same time; n-of-1 designs draw their strength from
#: repeated crossover (Kravitz RL, Duan N, eds. Design and Implementation of N-of-1 Trials:
#: A User's Guide. AHRQ 2014, ch. 3). Three is our documented choice.
MIN_EXPOSURE_EPISODES = 3
#: The weekday term enters when every weekday has been massage-free on at least this many diary
#: days (three weeks' worth), so each weekday's level is estimated apart from massage. Our
#: choice, checked on simulated clients (docs/validation.md): with sessions always on the same
#: weekday, a weekday seen without massage only once or twice lets the weekday columns absorb
#: the massage's own weekly pattern (helpers were judged helping 10 points less often).
MIN_WEEKDAY_WEEKS = 3
#: Trend regressor unit: the slope is in points per year (days / 365.25).
DAYS_PER_YEAR = 365.25
#: Column of the massage effect in every design matrix.
EFFECT_COLUMN = 2


def whole_at_least(name: str, value: Any, low: int) -> None:
    """Raise ``ValueError`` naming the option unless ``value`` is a whole number >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"compare: {name} = {value!r} is not allowed (allowed: a whole number >= {low})")


@dataclass(frozen=True, eq=False)
class Design:
    """The days used and the regression for one outcome.

    ``days`` are described-day numbers from the start of the diary (increasing, gaps where a
    day had no entry or was washout); ``X`` columns are intercept, trend (years, centred) and
    exposed (the share of the entry's 24 h after a session, 0 on massage-free days), plus late
    (the share of its 24 h 60-84 h after a session) in a late-look design. ``weekday`` holds
    the six weekday columns for the same days when there are enough weeks to estimate them (the
    comparison averages the models with and without them), else ``None``. ``late`` is the
    late-look design of the same outcome, when it can be made.

    Notes
    -----
    ``X[:, 2]`` is a share in [0, 1], not a 0/1 flag: an entry is exposed when it is above 0
    (an evening entry on the session day is 10/24), massage-free when it is 0. Code that counts
    exposed days or phases should test ``> 0``. A power calculation for a planned pause (how
    precisely the effect would be known after D more massage-free days) can build the design of
    a hypothetical diary with :func:`designs` and read the effect's posterior SD given rho from
    :func:`touchdose.analysis._ar1.grid_posterior` (column 2); the weekday term does not enter
    until every weekday has been massage-free in :data:`MIN_WEEKDAY_WEEKS` weeks, and the late
    look (``late``) never changes the effect.
    """

    outcome: str
    days: NDArray[np.int64]
    y: NDArray[np.float64]
    X: NDArray[np.float64]
    baseline_days: int
    current_free_days: int
    longest_free_days: int
    episodes: int
    has_sessions: bool
    weekday: NDArray[np.float64] | None = None
    late: Design | None = None


def _labels(
    hours_since: NDArray[np.float64], exposed: float, free: float, late: float | None = None
) -> NDArray[np.int8]:
    """Per entry, from the hours since the last session before it: 1 exposed (< ``exposed``),
    0 massage-free (>= ``free``), -1 washout in between, or 2 late from ``late`` on."""
    labels = np.zeros(len(hours_since), dtype=np.int8)
    labels[hours_since < free] = -1 if late is None else 2
    labels[hours_since < exposed] = 1
    return labels


def exposure_share(
    entries: NDArray[np.float64], sessions: NDArray[np.float64], before: NDArray[np.int64], window: float
) -> NDArray[np.float64]:
    """Share of the 24 h each entry covers that lies within ``24 * window`` hours after a session.

    ``entries`` and ``sessions`` in hours (sessions sorted), ``before`` the number of sessions
    before each entry. An evening entry 10 h after a morning session describes 14 h without
    and 10 h with the massage: 10/24, unless an earlier session still covers those 14 h. The
    union of the last :data:`SHARE_SESSIONS` sessions' spans is measured (more sessions in
    one day would change nothing).

    Examples
    --------
    >>> exposure_share(np.array([20.0, 44.0]), np.array([10.0]), np.array([1, 1]), 3).tolist()
    [0.4166666666666667, 1.0]
    """
    start = entries - RECALL_HOURS
    covered = np.zeros(len(entries))
    reach = start.copy()  # the part of the window before this point is already counted
    for back in range(SHARE_SESSIONS, 0, -1):  # oldest of the last few first
        k = before - back
        ok = k >= 0
        s = np.where(ok, sessions[np.maximum(k, 0)] if len(sessions) else 0.0, -np.inf)
        lo = np.maximum(np.maximum(s, reach), start)
        hi = np.minimum(s + 24.0 * window, entries)
        covered += np.where(ok & (hi > lo), hi - lo, 0.0)
        reach = np.where(ok, np.maximum(reach, hi), reach)
    return np.asarray(np.clip(covered / RECALL_HOURS, 0.0, 1.0), dtype=np.float64)


#: Sessions looked back at for an entry's exposed share (three sessions within 24 h at most).
SHARE_SESSIONS = 3


def check_window(window_days: Any, washout_days: Any) -> None:
    """Raise ``ValueError`` unless the exposure window and washout are consistent whole numbers."""
    whole_at_least("window_days", window_days, 1)
    if isinstance(washout_days, bool) or not isinstance(washout_days, int) or washout_days < window_days - 1:
        raise ValueError(
            f"compare: washout_days = {washout_days!r} is not allowed "
            f"(allowed: a whole number >= window_days - 1 = {window_days - 1})"
        )


@dataclass(frozen=True, eq=False)
class _Days:
    """Per described day: label (1 exposed or, in the late look, near a session; 0 free; -1
    washout), the exposed share of its 24 h, the number of sessions before it, its weekday
    (0 = Monday) and, in the late look, the late share of its 24 h."""

    label: NDArray[np.int8]
    share: NDArray[np.float64]
    stretch: NDArray[np.int64]
    weekday: NDArray[np.int64]
    sessions: int
    late: NDArray[np.float64] | None = None


def _days(
    entries: NDArray[np.float64],
    sessions: NDArray[np.float64],
    idx: NDArray[np.int64],
    first: int,
    n: int,
    labelling: tuple[float, float, float | None],
    late_end: float | None = None,
) -> _Days:
    """Label each described day from the hours between its entries and the sessions before them.

    ``entries`` and ``sessions`` are times in hours (sessions sorted), ``idx`` each entry's
    described day (0 = ``first``, a date ordinal), ``labelling`` the hours of :func:`_labels`.
    Several entries describing one day keep its label only when they agree; otherwise the day
    is washout (left out) rather than guessed. Their exposed shares are averaged.
    """
    t, s = entries, sessions
    before = np.searchsorted(s, t, side="left")  # sessions strictly before each entry
    since = np.where(before > 0, t - s[np.maximum(before - 1, 0)] if len(s) else 0.0, np.inf)
    label = _labels(since, *labelling)
    exposed_share = exposure_share(t, s, before, labelling[0] / 24.0)
    late_share = np.zeros(len(t))
    if late_end is None:
        label[exposed_share > 0] = 1  # the 24 h it covers reach into the exposure span
    else:
        label[(label == 2) & (since >= late_end)] = -1
        # An entry near a session is read for its hours: the share in the first 60 h after a
        # session (early) and the share 60-84 h after one that no later session covers (late).
        late_share = exposure_share(t, s, before, late_end / 24.0) - exposed_share
        label[label == 2] = 1
    low = np.full(n, 9, dtype=np.int8)
    high = np.full(n, -9, dtype=np.int8)
    np.minimum.at(low, idx, label)
    np.maximum.at(high, idx, label)
    day_label = np.where(low == high, low, -1).astype(np.int8)
    counts = np.bincount(idx, minlength=n)

    def mean_share(x: NDArray[np.float64]) -> NDArray[np.float64]:
        sums = np.bincount(idx, weights=np.where(label == 1, x, 0.0), minlength=n)
        return np.asarray(np.divide(sums, counts, out=np.zeros(n), where=counts > 0), dtype=np.float64)

    stretch = np.zeros(n, dtype=np.int64)
    np.maximum.at(stretch, idx, before.astype(np.int64))
    weekday = (first + np.arange(n) - 1) % 7  # date ordinal 1 (1 Jan 0001) is a Monday
    late = mean_share(late_share) if late_end is not None else None
    return _Days(day_label, mean_share(exposed_share), stretch, weekday.astype(np.int64), len(s), late)


def designs(
    source: ClientFile | DiaryArrays,
    outcomes: tuple[str, ...] = ("pain",),
    *,
    window_days: int = EXPOSURE_WINDOW_DAYS,
    washout_days: int = WASHOUT_DAYS,
    late_look: bool = True,
    weekday: bool | None = None,
) -> list[Design]:
    """Label the diary days once and build the n-of-1 regression for each outcome.

    Parameters
    ----------
    source : ClientFile or DiaryArrays
        The client, as records or as the arrays read from columns (``touchdose cohort``);
        both give the same designs.
    outcomes : tuple of str
        Diary fields (:data:`touchdose.analysis.diary.DIARY_FIELDS`).
    window_days, washout_days : int
        See :data:`EXPOSURE_WINDOW_DAYS` and :data:`WASHOUT_DAYS`; ``washout_days`` must be at
        least ``window_days - 1`` so that no day is both exposed and massage-free.
    late_look : bool
        Also build the late-look design (``Design.late``) for the outcomes of
        :data:`LATE_LOOK_OUTCOMES`: the hours 60-84 h after a session get their own
        coefficient (:data:`LATE_HOURS`), massage-free starts 144 h after
        (:data:`LATE_FREE_HOURS`). It never takes the weekday term: with sessions on one
        weekday, harm on days 2-4 is itself a weekly rhythm the weekday columns would absorb.
    weekday : bool or None
        Offer the weekday columns: ``None`` (default) when there are enough weeks
        (:data:`MIN_WEEKDAY_WEEKS`), ``True`` / ``False`` to force it.

    Returns
    -------
    list of Design
        Per outcome: kept days, values, the design matrix and the counts the refusal rules use.
    """
    diary = source if isinstance(source, DiaryArrays) else DiaryArrays.of(source, outcomes)
    check_window(window_days, washout_days)
    ords = ordinals(diary.entry_local_h, covered=True)
    first, table = daily_means(ords, {name: diary.values[name] for name in outcomes})
    n = len(next(iter(table.values()))) if table else 0
    base = first if first is not None else 0
    where = (diary.entry_utc_h, diary.sessions, ords - base, base, n)
    main = _days(*where, (24.0 * window_days, 24.0 * (washout_days + 1), None))
    wanted = late_look and any(o in LATE_LOOK_OUTCOMES for o in outcomes)
    labelling = (LATE_HOURS[0], LATE_FREE_HOURS, LATE_HOURS[0])
    late = _days(*where, labelling, LATE_HOURS[1]) if wanted else None
    out = []
    for name in outcomes:
        d = _design(name, table[name], main, weekday)
        if late is not None and name in LATE_LOOK_OUTCOMES:
            look = _design(name, table[name], late, False)
            d = replace(d, late=look) if _late_estimable(look) else d
        out.append(d)
    return out


def _late_estimable(d: Design) -> bool:
    """The late look needs late, exposed and enough massage-free days among the kept days."""
    if d.X.shape[1] < 4:
        return False
    late, exposed = d.X[:, 3] > 0, d.X[:, 2] > 0
    return bool(late.any() and exposed.any() and (~late & ~exposed).sum() >= MIN_BASELINE_DAYS)


def _free_runs(d: _Days, observed: NDArray[np.bool_]) -> list[int]:
    """Observed massage-free days in each stretch between sessions (first = before any session)."""
    free = (d.label == 0) & observed
    return [int(v) for v in np.bincount(d.stretch[free], minlength=d.sessions + 1)]


def _weekday_ok(d: _Days, keep: NDArray[np.bool_]) -> bool:
    """Every weekday massage-free on at least :data:`MIN_WEEKDAY_WEEKS` kept days."""
    free = np.bincount(d.weekday[keep & (d.label == 0)], minlength=7)
    return bool(np.all(free >= MIN_WEEKDAY_WEEKS))


def _weekday_columns(weekday: NDArray[np.int64]) -> NDArray[np.float64]:
    """Sum-to-zero coding: column j is 1 on weekday j (Monday-Saturday), -1 on Sundays."""
    cols = (weekday[:, None] == np.arange(6)[None, :]).astype(np.float64)
    cols[weekday == 6] = -1.0
    return np.asarray(cols, dtype=np.float64)


def _design(outcome: str, values: NDArray[np.float64], d: _Days, weekday: bool | None) -> Design:
    observed = ~np.isnan(values)
    runs = _free_runs(d, observed)
    keep = observed & (d.label >= 0)
    days = np.flatnonzero(keep).astype(np.int64)
    label = d.label[days]
    exposed = np.where(label == 1, d.share[days], 0.0)
    # Exposure episodes: runs of exposed days in the sequence of kept days.
    episodes = int(np.count_nonzero(np.diff((label == 1).astype(np.int8), prepend=0) > 0))
    years = (days - (days.mean() if len(days) else 0.0)) / DAYS_PER_YEAR
    columns = [np.ones(len(days)), years, exposed]
    if d.late is not None:
        columns.append(np.where(label == 1, d.late[days], 0.0))
    use_weekday = _weekday_ok(d, keep) if weekday is None else weekday
    return Design(
        outcome=outcome,
        days=days,
        y=values[days],
        X=np.column_stack(columns),
        baseline_days=runs[0],
        current_free_days=runs[-1],
        longest_free_days=max(runs),
        episodes=episodes,
        has_sessions=d.sessions > 0,
        weekday=_weekday_columns(d.weekday[days]) if use_weekday else None,
    )


def design(
    cf: ClientFile,
    outcome: str = "pain",
    *,
    window_days: int = EXPOSURE_WINDOW_DAYS,
    washout_days: int = WASHOUT_DAYS,
    late_look: bool = True,
    weekday: bool | None = None,
) -> Design:
    """:func:`designs` for one outcome.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from touchdose.records import CheckIn, ClientFile, ClientProfile, Session
    >>> t0 = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
    >>> cf = ClientFile(ClientProfile(id="c-1"), sessions=(Session(t0 + timedelta(days=2), 2, 30),),
    ...                 checkins=tuple(CheckIn(t0 + timedelta(days=d, hours=11), pain=5) for d in range(8)))
    >>> d = design(cf)
    >>> d.days.tolist(), [round(float(x), 3) for x in d.X[:, 2]], d.baseline_days
    ([0, 1, 2, 3, 4, 5, 6, 7], [0.0, 0.0, 0.458, 1.0, 1.0, 0.542, 0.0, 0.0], 2)
    """
    return designs(cf, (outcome,), window_days=window_days, washout_days=washout_days,
                   late_look=late_look, weekday=weekday)[0]  # fmt: skip
