"""A planned break from massage, so that every regimen reaches a verdict (docs/design.md item 5).

Telling massage apart from ordinary ups and downs needs massage-free days after massage has
begun. Weekly sessions give them on their own; twice a week, the trial dose (Field 2002),
never does, and the comparison waits for ever. The plan then proposes one break: "after the
next N sessions, D days without massage", which turns the diary into an A-B-A-B withdrawal
design (baseline, massage, break, massage) with three phase changes, enough for a verdict when
each phase has enough days (What Works Clearinghouse standards, Kratochwill et al. 2010;
:data:`touchdose.analysis.comparison.ABAB_PHASE_CHANGES`).

N and D come from the client's own diary: its day-to-day variation and autocorrelation
(:func:`touchdose.analysis.noise.diary_noise`) give the variance of the comparison's effect for
a candidate schedule, computed on the comparison's own design matrix
(:func:`touchdose.analysis._exposure.designs` on the diary extended by the planned days) with
AR(1) errors. The plan takes the schedule with
the earliest verdict whose power to find a 1-point benefit is about 80 %
(:data:`TARGET_POWER`), and says when the verdict can be expected.

Examples
--------
>>> from datetime import datetime, timedelta, timezone
>>> from touchdose.records import CheckIn, ClientFile, ClientProfile, Session
>>> t0 = datetime(2026, 1, 1, 20, tzinfo=timezone.utc)
>>> pain = [5, 6, 5, 4, 5, 6, 6, 5, 4, 5, 5, 6, 5, 5] * 4
>>> cf = ClientFile(ClientProfile(id="c-1"),
...     sessions=tuple(Session(t0 + timedelta(days=d, hours=-10), 3, 30) for d in range(14, 56, 3)),
...     checkins=tuple(CheckIn(t0 + timedelta(days=d), pain=p) for d, p in enumerate(pain)))
>>> p = plan_pause(cf, sessions_per_week=2)
>>> p.after_sessions, p.days >= 8, p.power >= 0.8
(0, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from touchdose.analysis._exposure import EFFECT_COLUMN, WASHOUT_DAYS, designs
from touchdose.analysis.comparison import (
    ABAB_PHASE_CHANGES,
    DEFAULT_OPTIONS,
    MIN_PHASE_DAYS,
    CompareOptions,
    break_taken,
    phase_changes,
)
from touchdose.analysis.noise import DiaryNoise, diary_noise
from touchdose.instruments.change import MID_POINTS
from touchdose.records import CheckIn, ClientFile, Session
from touchdose.text import count, percent

__all__ = [
    "BREAK_DAYS",
    "RESUME_CHOICES",
    "RESUME_DAYS",
    "TARGET_POWER",
    "Pause",
    "break_power",
    "days_between_sessions",
    "plan_pause",
    "power",
]

#: Candidate lengths of the break, in days without massage after the last session before it.
#: The shortest leaves :data:`~touchdose.analysis.comparison.MIN_PHASE_DAYS` massage-free diary
#: days after the washout; issue 11 and the trials' withdrawal phases suggest 10-14 days.
BREAK_DAYS: tuple[int, ...] = (WASHOUT_DAYS + 1 + MIN_PHASE_DAYS, 10, 12, 14, 18, 21, 28)
#: Sessions that may still come before the break: the plan takes the fewest that give the
#: massage phase before it its :data:`~touchdose.analysis.comparison.MIN_PHASE_DAYS` diary days,
#: so that, asked again at the next booking, it counts down instead of putting the break off.
BEFORE_BREAK: tuple[int, ...] = (0, 1, 2, 4)
#: Days of massage after the break before a verdict: at least two weeks, enough for the
#: :data:`~touchdose.analysis.comparison.MIN_PHASE_DAYS` diary days of the last A-B-A-B phase
#: with a few missed entries (our choice).
RESUME_DAYS = 14
#: Massage phases after the break that the plan considers, shortest first: when even the
#: longest break leaves the power short, more massage days after it still narrow the effect's
#: interval, so the verdict is expected later instead of the break being put off (our choice:
#: up to six weeks).
RESUME_CHOICES: tuple[int, ...] = (RESUME_DAYS, 21, 28, 42)
#: Power wanted: 80 %, the usual design standard, to find a benefit of the MID (IMMPACT, 1 point)
#: with a 95 % interval that excludes no change.
TARGET_POWER = 0.8


@dataclass(frozen=True)
class Pause:
    """A planned break from massage (docs/formats.md ``plan.pause``).

    ``after_sessions`` more sessions, then ``days`` days without massage (counted from the last
    session before it), then two to six weeks of massage (:data:`RESUME_CHOICES`);
    ``verdict_expected`` is the end of those, ``power`` the chance to find a 1-point benefit by then.
    """

    after_sessions: int
    days: int
    verdict_expected: date
    power: float
    why: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "after_sessions": self.after_sessions,
            "days": self.days,
            "verdict_expected": self.verdict_expected.isoformat(),
            "power": round(self.power, 2),
            "why": list(self.why),
        }


def _effect_se(
    days: NDArray[np.int64], X: NDArray[np.float64], noise: DiaryNoise, prior: NDArray[np.float64]
) -> float:
    """Posterior SD of the massage effect (:data:`~touchdose.analysis._exposure.EFFECT_COLUMN`)
    for this design with AR(1) errors.

    Generalised Prais-Winsten transform for gaps (as :mod:`touchdose.analysis._ar1`), then
    ``sigma_u^2 [(V0^-1 + X*'X*)^-1]_22`` with the prior precisions of the comparison.
    """
    rho, q = noise.rho, X.shape[1]
    g = np.diff(days).astype(np.float64)
    c = np.sqrt((1.0 - rho**2) / (1.0 - rho ** (2.0 * g)))
    Xs = np.empty_like(X)
    Xs[0] = np.sqrt(1.0 - rho**2) * X[0]
    Xs[1:] = c[:, None] * (X[1:] - (rho**g)[:, None] * X[:-1])
    precision = np.zeros(q)
    precision[: min(q, len(prior))] = prior[: min(q, len(prior))]
    V = np.linalg.inv(Xs.T @ Xs + np.diag(precision))
    return float(noise.innovation_sd * np.sqrt(max(V[EFFECT_COLUMN, EFFECT_COLUMN], 0.0)))


def days_between_sessions(sessions_per_week: int) -> int:
    """Days from one planned session to the next at ``sessions_per_week`` (at least one).

    Examples
    --------
    >>> days_between_sessions(1), days_between_sessions(2), days_between_sessions(3)
    (7, 4, 2)
    """
    if sessions_per_week < 1:
        raise ValueError(
            f"days_between_sessions: sessions_per_week = {sessions_per_week} (allowed: 1 or more)"
        )
    return max(1, round(7 / sessions_per_week))


def power(se: float, effect: float = MID_POINTS) -> float:
    """Chance that a true benefit of ``effect`` points gives a 95 % interval excluding no change.

    Examples
    --------
    >>> round(power(1 / 2.8), 2)
    0.8
    """
    return float(norm.cdf(effect / se - norm.ppf(0.975))) if se > 0 else 1.0


def _future(cf: ClientFile, start: datetime, plan_days: list[int], session_days: list[int],
            noise: DiaryNoise, hour: float) -> ClientFile:  # fmt: skip
    """The diary extended by planned days (an entry on a share ``adherence`` of them) and sessions."""
    base = start.replace(hour=0, minute=0, second=0, microsecond=0)
    keep = [d for i, d in enumerate(plan_days) if int((i + 1) * noise.adherence) > int(i * noise.adherence)]
    checkins = tuple(CheckIn(base + timedelta(days=d, hours=hour), pain=0) for d in keep)
    minutes = cf.sessions[-1].minutes if cf.sessions else 30
    pressure = cf.sessions[-1].pressure if cf.sessions else 3
    sessions = tuple(Session(base + timedelta(days=d, hours=10), pressure, minutes) for d in session_days)
    return ClientFile(cf.client, cf.sessions + sessions, cf.checkins + checkins)


def _anchor(cf: ClientFile) -> tuple[datetime, int, int]:
    """The last session (local time), the days since it to the latest entry, the diary's hour."""
    last = cf.sessions[-1].start if cf.sessions else (cf.checkins[-1].time if cf.checkins else None)
    if last is None:
        raise ValueError("plan_pause: the client has no sessions and no diary to plan a break from")
    hour = cf.checkins[-1].time.astimezone(cf.client.zone).hour if cf.checkins else 20
    local_last = last.astimezone(cf.client.zone)
    latest = max([last, *(c.time for c in cf.checkins[-1:])])
    return local_last, (latest.astimezone(cf.client.zone).date() - local_last.date()).days, hour


def break_power(
    cf: ClientFile,
    *,
    after_sessions: int,
    days: int,
    resume_days: int,
    sessions_per_week: int,
    options: CompareOptions = DEFAULT_OPTIONS,
    noise: DiaryNoise | None = None,
) -> float | None:
    """The power (:func:`power`) a planned break would give the comparison.

    Parameters
    ----------
    cf : ClientFile
        The client as it stands.
    after_sessions, days, resume_days : int
        N more sessions, then ``days`` without massage counted from the last session before the
        break, then ``resume_days`` of massage at ``sessions_per_week``.
    sessions_per_week : int
        The planned frequency before and after the break.
    options : CompareOptions
        The comparison's options (its prior, exposure window and washout).
    noise : DiaryNoise, optional
        :func:`diary_noise` when the caller has it.

    Returns
    -------
    float or None
        The power at the end of the massage phase after the break, computed on the comparison's
        design matrix for the diary extended by those days; ``None`` when the comparison would
        still refuse then (fewer than three phase changes of
        :data:`~touchdose.analysis.comparison.MIN_PHASE_DAYS` diary days).
    """
    noise = diary_noise(cf) if noise is None else noise
    local_last, elapsed, hour = _anchor(cf)
    gap = days_between_sessions(sessions_per_week)
    before = [gap * (k + 1) for k in range(after_sessions)]
    stop = before[-1] if before else 0
    end = stop + days + resume_days
    after = list(range(stop + days, end, gap))
    future = _future(cf, local_last, list(range(elapsed + 1, end + 1)), before + after, noise, hour)
    d = designs(future, ("pain",), window_days=options.window_days, washout_days=options.washout_days)[0]
    if phase_changes(d) < ABAB_PHASE_CHANGES:
        return None
    return power(_effect_se(d.days, d.X, noise, options.prior.precision))


def plan_pause(
    cf: ClientFile,
    *,
    sessions_per_week: int,
    options: CompareOptions = DEFAULT_OPTIONS,
    noise: DiaryNoise | None = None,
) -> Pause | None:
    """The break from massage that gives the earliest verdict with about 80 % power.

    Parameters
    ----------
    cf : ClientFile
        The client, whose sessions are too close together for massage-free days to arise.
    sessions_per_week : int
        The planned frequency before and after the break.
    options : CompareOptions
        The comparison's options (its prior).
    noise : DiaryNoise, optional
        :func:`diary_noise` when the caller has it.

    Returns
    -------
    Pause or None
        ``after_sessions`` (N) and ``days`` (D) among :data:`BEFORE_BREAK` x :data:`BREAK_DAYS`:
        the earliest verdict date whose power (:func:`power`) reaches :data:`TARGET_POWER`
        and whose phases pass the comparison's A-B-A-B rule (the most powerful schedule when
        none reaches the power, with its power said). A break already under way (no session
        for longer than the usual gap) has N = 0 and counts from the last session; ``None``
        when it is already long enough (massage can resume) or as long as the longest candidate.
    """
    noise = diary_noise(cf) if noise is None else noise
    local_last, elapsed, _ = _anchor(cf)
    under_way = elapsed >= days_between_sessions(sessions_per_week)
    now = designs(cf, ("pain",), window_days=options.window_days, washout_days=options.washout_days)[0]
    if break_taken(now):
        return None  # one break is all an A-B-A-B design needs: massage days come next

    def schedule_power(n: int, days: int, resume: int) -> float | None:
        return break_power(cf, after_sessions=n, days=days, resume_days=resume,
                           sessions_per_week=sessions_per_week, options=options, noise=noise)  # fmt: skip

    found: tuple[int, int, int, float] | None = None  # (N, D, R, power)
    for n in (0,) if under_way else BEFORE_BREAK:
        lengths = ([elapsed] if under_way else []) + [d for d in BREAK_DAYS if d > elapsed]
        reached: tuple[int, int, int, float] | None = None  # the earliest verdict with the power
        strongest: tuple[int, int, int, float] | None = None  # else the most powerful schedule
        for days in lengths:
            if reached is not None and days + RESUME_CHOICES[0] >= reached[1] + reached[2]:
                break  # no earlier verdict: longer breaks only end later
            for resume in RESUME_CHOICES:
                p = schedule_power(n, days, resume)
                if p is None:
                    continue
                if p >= TARGET_POWER:
                    if reached is None or days + resume < reached[1] + reached[2]:
                        reached = (n, days, resume, p)
                    break  # a longer massage phase after this break only ends later
                if resume == RESUME_CHOICES[-1] and (strongest is None or p > strongest[3]):
                    strongest = (n, days, resume, p)
        found = reached or strongest
        if found is not None:
            break  # the fewest sessions before the break that give the design its phases
    if found is None or (under_way and found[1] == elapsed):
        return None  # no break left to plan, or the break taken is already long enough
    n, days, resume, p = found
    gap = days_between_sessions(sessions_per_week)
    expected = local_last.date() + timedelta(days=gap * n + days + resume)
    return Pause(n, days, expected, p, _why(noise, n, days, resume, p, expected))


def _why(noise: DiaryNoise, n: int, days: int, resume: int, p: float, expected: date) -> tuple[str, ...]:
    own = "your diary" if noise.measured else "what is usual (your diary is too short to measure it)"
    when = "now" if n == 0 else f"after {count(n, 'more session')}"
    return (
        "Your sessions are too close together for any days without massage between them, so the "
        "diary cannot yet tell massage apart from your usual ups and downs.",
        f"One break of {days} days without massage, {when}, then {resume // 7} weeks of massage "
        "again, lets the diary compare days with and without massage (an A-B-A-B design).",
        f"Your pain moves by about {noise.sd:.1f} points from day to day and carries over from one day "
        f"to the next (autocorrelation {noise.rho:.1f}), from {own}; with this break a 1-point benefit "
        f"would be found with a chance of about {percent(p, ends=True)}, and a verdict is expected around "
        f"{expected.isoformat()}.",
    )
