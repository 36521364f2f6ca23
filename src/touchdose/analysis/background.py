"""The client's own rate of pain rises without massage, and the evidence that sessions exceed it.

Split out of :mod:`touchdose.analysis.harm`, which judges the sessions against it: the background
of spontaneous aggravations counted on massage-free diary stretches
(:func:`background_aggravation`), its Beta posterior (:class:`Background`), and the posterior
probability that the sessions' rate of aggravations is above it (:func:`p_excess`).

Examples
--------
>>> Background(2, 40).rate
0.05
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import beta as beta_dist

from touchdose.analysis.noise import DiaryNoise, diary_noise, rise_rate
from touchdose.analysis.response import (
    AGGRAVATION_POINTS,
    FOLLOWUP_48H_HOURS,
    FOLLOWUP_WINDOWS,
    Diary,
    client_rhythm,
)
from touchdose.analysis.rhythm import WeekdayRhythm
from touchdose.records import ClientFile

__all__ = [
    "DEFAULT_BACKGROUND_RATE",
    "DEFAULT_BACKGROUND_WEIGHT",
    "Background",
    "background_aggravation",
    "p_excess",
]

#: When the diary has too few massage-free stretches to measure the client's own rate of
#: spontaneous pain rises, this rate is *assumed* in its place, weighted as this many
#: pseudo-observations. It is our assumption, said as such in the reasons: no published rate of
#: 2-point rises within two days *without* massage was found (Cambron 2007's 10 % is discomfort
#: *after* massage, a different thing; docs/evidence.md 12).
DEFAULT_BACKGROUND_RATE = 0.10
DEFAULT_BACKGROUND_WEIGHT = 10


@dataclass(frozen=True)
class Background:
    """The client's own rate of spontaneous aggravation on days without massage.

    ``windows`` diary entries far from any massage had both follow-up entries; in ``events``
    of them pain rose by at least :data:`~touchdose.analysis.response.AGGRAVATION_POINTS` (or a
    flare was reported), the same rule a session's aggravation follows. ``own_rate`` is the
    same chance computed from the client's whole diary (its day-to-day SD and autocorrelation,
    :func:`touchdose.analysis.noise.rise_rate`), ``None`` when the diary is too short; it stands
    in for the counted windows while they are few.
    """

    events: int
    windows: int
    own_rate: float | None = None
    #: Massage-free entries' pain above the client's usual
    #: (:attr:`touchdose.analysis.rhythm.WeekdayRhythm.free_residuals`).
    usual_residuals: tuple[float, ...] = ()

    @property
    def prior_rate(self) -> float:
        """The rate the windows are added to: the client's own from the diary, else assumed."""
        return DEFAULT_BACKGROUND_RATE if self.own_rate is None else self.own_rate

    @property
    def rate(self) -> float | None:
        return self.events / self.windows if self.windows else None

    @property
    def estimate(self) -> float:
        """The rate to use: the counted windows with :attr:`prior_rate` as
        :data:`DEFAULT_BACKGROUND_WEIGHT` pseudo-observations (the Beta posterior mean, so a
        short diary leans on the diary's noise or the assumption, a long one on its own days)."""
        prior = self.prior_rate * DEFAULT_BACKGROUND_WEIGHT
        return (self.events + prior) / (self.windows + DEFAULT_BACKGROUND_WEIGHT)

    @property
    def measured(self) -> bool:
        """Enough windows to use the client's own rate instead of the assumed one."""
        return self.windows >= DEFAULT_BACKGROUND_WEIGHT

    def to_dict(self) -> dict[str, Any]:
        own = None if self.own_rate is None else round(self.own_rate, 4)
        return {"events": self.events, "windows": self.windows, "own_rate": own}


def _near_any(
    times: NDArray[np.float64], sessions: NDArray[np.float64], reach: float, ahead: float | None = None
) -> NDArray[np.bool_]:
    """For each time, whether a session (sorted times) lies within ``reach`` seconds before it
    or within ``ahead`` seconds after it (default ``reach``)."""
    if sessions.size == 0:
        return np.zeros(times.shape, dtype=bool)
    ahead = reach if ahead is None else ahead
    i = np.searchsorted(sessions, times)
    last = sessions.size - 1
    before = np.where(i > 0, times - sessions[np.clip(i - 1, 0, last)], np.inf)
    after = np.where(i <= last, sessions[np.clip(i, 0, last)] - times, np.inf)
    return (before <= reach) | (after <= ahead)


def background_aggravation(
    cf: ClientFile,
    diary: Diary | None = None,
    noise: DiaryNoise | None = None,
    rhythm: WeekdayRhythm | None = None,
) -> Background:
    """Count spontaneous aggravations in the diary, away from massage.

    A diary entry with no session within 60 h before it or 84 h after it is treated like a
    session's before-pain: its "follow-ups" are the entries 18-36 h, 36-60 h and (the 72 h
    look) 60-84 h later, the windows of :mod:`touchdose.analysis.response` found by the same
    search, and like a session it counts when the first two are there. It is an aggravation
    when any follow-up is at least 2 points higher or a flare is reported before the last
    window closes: the same looks a session gets, so the two rates are comparable. Windows do
    not overlap (the next starts after the previous one's 84 h), so they are separate
    observations, as the sessions are, and the Beta posterior is not overconfident.

    Each rise is net of the client's weekly rhythm (:func:`touchdose.analysis.response.client_rhythm`),
    as a session's follow-up changes are.

    ``diary`` is ``Diary(cf.checkins)``, ``noise`` is :func:`touchdose.analysis.noise.diary_noise`
    and ``rhythm`` is ``client_rhythm(cf)`` when the caller already has them.

    Examples
    --------
    >>> from touchdose.records import ClientProfile
    >>> background_aggravation(ClientFile(ClientProfile(id="c-1"))).rate is None
    True
    """
    d = Diary(cf.checkins) if diary is None else diary
    rhythm = client_rhythm(cf, d) if rhythm is None else rhythm
    times = np.asarray(d.seconds, dtype=np.float64)
    pains = [c.pain for c in d.checkins]
    flares = np.array([c.flare for c in d.checkins], dtype=bool)
    reach = FOLLOWUP_WINDOWS[-1][1] * 3600.0
    sessions = np.array([s.start.timestamp() for s in cf.sessions])
    near_session = _near_any(times, sessions, FOLLOWUP_48H_HOURS[1] * 3600.0, ahead=reach)
    events = windows = 0

    free_from = -np.inf
    for k in np.flatnonzero(~near_session):
        t0 = times[k]
        if t0 < free_from:
            continue
        follow = [d.nearest(t0, w) for w in FOLLOWUP_WINDOWS]
        if follow[0] is None or follow[1] is None:
            continue
        windows += 1
        free_from = t0 + reach
        end = int(np.searchsorted(times, t0 + reach, "left"))  # entries before the last window closes
        flare = bool(flares[k + 1 : end].any())
        rises = [
            None if f is None
            else pains[f] - pains[k] - rhythm.between(d.times[k], d.times[f], before_is_entry=True)
            for f in follow
        ]
        events += int(flare or max(r for r in rises if r is not None) >= AGGRAVATION_POINTS)

    noise = diary_noise(cf) if noise is None else noise
    own = rise_rate(noise) if noise.measured else None
    return Background(events, windows, own, rhythm.free_residuals)


def p_excess(aggravated: int, judged: int, background: Background | None) -> float:
    """P(aggravation rate after sessions > background rate), uniform Beta priors.

    ``P = ∫ f_bg(y) P(theta_sessions > y) dy`` with ``theta_sessions ~ Beta(1 + a, 1 + n - a)``
    and ``theta_bg ~ Beta(1 + x, 1 + m - x)``; the integrand is a polynomial, integrated exactly
    by Gauss-Legendre quadrature.

    The background's Beta posterior starts from :attr:`Background.prior_rate` (the client's own
    rate from the diary's noise, or for a diary too short for that the assumed
    :data:`DEFAULT_BACKGROUND_RATE`) as :data:`DEFAULT_BACKGROUND_WEIGHT` pseudo-observations and
    adds the counted windows, so a run of quiet stretches by chance (0 of 19) does not make an
    ordinary share of bad days after sessions look like harm. When that posterior's mean is still
    below the diary's own rate (the stretches, all far from sessions, can all fall mid-week for a
    client seen every Saturday), the smaller of it and the probability against the diary's own
    rate alone (no stretch counted) is returned: quiet stretches sharpen a background but never
    make a noisy diary quiet, and 2 of 2 against a diary rate of 10 % or less still counts.

    Examples
    --------
    >>> round(p_excess(8, 10, Background(2, 40)), 3)
    1.0
    >>> p_excess(0, 10, Background(4, 40)) < 0.5
    True
    >>> p_excess(2, 2, Background(0, 21)) > 0.989 > p_excess(2, 2, Background(0, 21, own_rate=0.26))
    True
    """
    rate = DEFAULT_BACKGROUND_RATE if background is None else background.prior_rate
    x, m = rate * DEFAULT_BACKGROUND_WEIGHT, float(DEFAULT_BACKGROUND_WEIGHT)
    if background is not None:
        x, m = x + background.events, m + background.windows
    value = _p_above(aggravated, judged, x, m)
    if background is not None and background.own_rate is not None and background.own_rate > x / m:
        # The counted stretches are quieter than the diary as a whole says: the pattern must also
        # stand against the diary's own rate alone, as if no stretch had been counted.
        own = background.own_rate * DEFAULT_BACKGROUND_WEIGHT
        value = min(value, _p_above(aggravated, judged, own, float(DEFAULT_BACKGROUND_WEIGHT)))
    return value


def _p_above(aggravated: int, judged: int, x: float, m: float) -> float:
    """P(theta_sessions > theta_bg) for ``aggravated`` of ``judged`` against ``x`` of ``m``."""
    a_bg, b_bg = 1 + x, 1 + m - x
    a_s, b_s = 1 + aggravated, 1 + judged - aggravated
    # With whole-number parameters both densities are polynomials, so Gauss-Legendre with enough
    # nodes integrates the product exactly (degree <= m + n, exact up to 2 * nodes - 1); a
    # fractional prior count (the diary's own rate) leaves a smooth integrand, as accurate.
    nodes, weights = np.polynomial.legendre.leggauss(int(m + judged) // 2 + 16)
    y = 0.5 * (nodes + 1.0)
    value = 0.5 * float(np.sum(weights * beta_dist.pdf(y, a_bg, b_bg) * beta_dist.sf(y, a_s, b_s)))
    return float(min(1.0, max(0.0, value)))
