"""Diary days labelled exposed / massage-free / washout, and the n-of-1 design matrix.

See :mod:`touchdose.analysis.comparison` for the model that uses them.

Examples
--------
>>> import numpy as np
>>> _day_labels(8, np.array([1]), EXPOSURE_WINDOW_DAYS, WASHOUT_DAYS).tolist()
[0, 1, 1, 1, -1, 0, 0, 0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from touchdose.analysis.diary import daily_values
from touchdose.records import ClientFile

#: Days counted as exposed: the day of the massage and the 2 days after (docs/design.md item 2,
#: "days 0-2 after a massage"), the span in which massage clients report relief or the
#: 24-48 h flare (docs/evidence.md; the 24 h and 48 h follow-ups of response.py).
EXPOSURE_WINDOW_DAYS = 3
#: A day is massage-free when no massage fell on it or on the 3 days before it (docs/design.md
#: item 2: "days with no massage in the previous 3 days"); day 3 after a massage is washout.
WASHOUT_DAYS = 3
#: Diary days without massage needed before the comparison is made (docs/design.md item 2,
#: default 7): one week of baseline, the usual minimum baseline phase of an n-of-1 design.
MIN_BASELINE_DAYS = 7
#: Massage must switch on at least this many separate times (runs of exposed days between
#: massage-free days, ABABAB): with one or two switches a change cannot be told apart from
#: anything else that changed at the same time; n-of-1 designs draw their strength from
#: repeated crossover (Kravitz RL, Duan N, eds. Design and Implementation of N-of-1 Trials:
#: A User's Guide. AHRQ 2014, ch. 3). Three is our documented choice.
MIN_EXPOSURE_EPISODES = 3
#: Trend regressor unit: the slope is in points per year (days / 365.25).
DAYS_PER_YEAR = 365.25


def whole_at_least(name: str, value: Any, low: int) -> None:
    """Raise ``ValueError`` naming the option unless ``value`` is a whole number >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"compare: {name} = {value!r} is not allowed (allowed: a whole number >= {low})")


@dataclass(frozen=True, eq=False)
class Design:
    """The days used and the regression for one outcome.

    ``days`` are day numbers from the start of the diary (increasing, gaps where a day had no
    entry or was washout), ``X`` columns are intercept, trend (years, centred), exposed (0/1).
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


def _day_labels(n: int, session_days: NDArray[np.int64], window: int, washout: int) -> NDArray[np.int8]:
    """Per diary day: 1 exposed, 0 massage-free, -1 washout (from the most recent session)."""
    sdays = np.sort(np.asarray(session_days, dtype=np.int64))
    day = np.arange(n)
    last = np.searchsorted(sdays, day, side="right") - 1
    since = np.where(last >= 0, day - sdays[np.maximum(last, 0)] if len(sdays) else 0, -1)
    labels = np.zeros(n, dtype=np.int8)
    labels[(last >= 0) & (since <= washout)] = -1
    labels[(last >= 0) & (since < window)] = 1
    return labels


def _free_runs(
    labels: NDArray[np.int8], observed: NDArray[np.bool_], session_days: NDArray[np.int64]
) -> list[int]:
    """Observed massage-free days in each stretch between sessions (first = before any session)."""
    n = len(labels)
    cuts = np.concatenate([[0], np.unique(np.clip(session_days, 0, n)), [n]])
    cum = np.concatenate([[0], np.cumsum((labels == 0) & observed)])
    return [int(v) for v in cum[cuts[1:]] - cum[cuts[:-1]]]


def check_window(window_days: Any, washout_days: Any) -> None:
    """Raise ``ValueError`` unless the exposure window and washout are consistent whole numbers."""
    whole_at_least("window_days", window_days, 1)
    if isinstance(washout_days, bool) or not isinstance(washout_days, int) or washout_days < window_days - 1:
        raise ValueError(
            f"compare: washout_days = {washout_days!r} is not allowed "
            f"(allowed: a whole number >= window_days - 1 = {window_days - 1})"
        )


def designs(
    cf: ClientFile,
    outcomes: tuple[str, ...] = ("pain",),
    *,
    window_days: int = EXPOSURE_WINDOW_DAYS,
    washout_days: int = WASHOUT_DAYS,
) -> list[Design]:
    """Label the diary days once and build the n-of-1 regression for each outcome.

    Parameters
    ----------
    cf : ClientFile
        The client.
    outcomes : tuple of str
        Diary fields (:data:`touchdose.analysis.diary.DIARY_FIELDS`).
    window_days, washout_days : int
        See :data:`EXPOSURE_WINDOW_DAYS` and :data:`WASHOUT_DAYS`; ``washout_days`` must be at
        least ``window_days - 1`` so that no day is both exposed and massage-free.

    Returns
    -------
    list of Design
        Per outcome: kept days, values, the design matrix and the counts the refusal rules use.
    """
    check_window(window_days, washout_days)
    first, table = daily_values(cf, outcomes)
    n = len(next(iter(table.values()))) if table else 0
    base = first.toordinal() if first is not None else 0
    zone = cf.client.zone
    sdays = np.array(
        [s.start.astimezone(zone).toordinal() - base for s in cf.sessions] if first is not None else [],
        dtype=np.int64,
    )
    labels = _day_labels(n, sdays, window_days, washout_days)
    return [_design(name, table[name], labels, sdays) for name in outcomes]


def _design(
    outcome: str, values: NDArray[np.float64], labels: NDArray[np.int8], sdays: NDArray[np.int64]
) -> Design:
    observed = ~np.isnan(values)
    runs = _free_runs(labels, observed, sdays)
    baseline = runs[0] if len(sdays) == 0 or sdays[0] > 0 else 0
    days = np.flatnonzero(observed & (labels >= 0)).astype(np.int64)
    exposed = (labels[days] == 1).astype(np.float64)
    # Exposure episodes: runs of exposed days in the sequence of kept days.
    episodes = int(np.count_nonzero(np.diff(exposed, prepend=0.0) > 0))
    years = (days - (days.mean() if len(days) else 0.0)) / DAYS_PER_YEAR
    return Design(
        outcome=outcome,
        days=days,
        y=values[days],
        X=np.column_stack([np.ones(len(days)), years, exposed]),
        baseline_days=baseline,
        current_free_days=runs[-1],
        longest_free_days=max(runs),
        episodes=episodes,
        has_sessions=len(sdays) > 0,
    )


def design(
    cf: ClientFile,
    outcome: str = "pain",
    *,
    window_days: int = EXPOSURE_WINDOW_DAYS,
    washout_days: int = WASHOUT_DAYS,
) -> Design:
    """:func:`designs` for one outcome.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from touchdose.records import CheckIn, ClientFile, ClientProfile, Session
    >>> t0 = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
    >>> cf = ClientFile(ClientProfile(id="c-1"), sessions=(Session(t0 + timedelta(days=2), 2, 30),),
    ...                 checkins=tuple(CheckIn(t0 + timedelta(days=d), pain=5) for d in range(8)))
    >>> d = design(cf)
    >>> d.days.tolist(), d.X[:, 2].tolist(), d.baseline_days
    ([0, 1, 2, 3, 4, 6, 7], [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0], 2)
    """
    return designs(cf, (outcome,), window_days=window_days, washout_days=washout_days)[0]
