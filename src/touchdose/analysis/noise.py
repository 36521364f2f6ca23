"""The client's own day-to-day pain noise, and how often it alone brings a rise called "more pain".

Two parts of the advice need to know how much a client's pain moves on its own: the harm
judgement and the titration need the chance of a rise of IMMPACT's moderate change
(:data:`touchdose.analysis.response.AGGRAVATION_POINTS`) within the two follow-up days
*without* massage (docs/design.md items 3-4: a rate without massage, the client's own or said
to be assumed), and the planned break (:mod:`touchdose.analysis.pause`) needs the variation
and autocorrelation to size itself.

:func:`diary_noise` measures them from the comparison's own regression residuals;
:func:`rise_rate` turns them into the chance of such a rise for integer ratings under an
AR(1) process, with the bivariate normal distribution (Owen's T function).

Examples
--------
>>> round(rise_rate(DiaryNoise(1.2, 0.5, 1.0, True), looks=2), 3)
0.221
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import owens_t
from scipy.stats import norm

from touchdose.analysis._exposure import designs
from touchdose.analysis.response import AGGRAVATION_POINTS, FOLLOWUP_WINDOWS
from touchdose.records import ClientFile

__all__ = ["ASSUMED_RHO", "ASSUMED_SD", "MIN_PAIRS", "DiaryNoise", "diary_noise", "rise_rate"]

#: Used when the diary is too short to measure the client's own noise (said in the reasons):
#: day-to-day SD about 1.2 points and autocorrelation 0.5, the middle of the ranges pain
#: diaries show (docs/references.md 3.2 has rho 0.70 for one 28-day diary; our assumption).
ASSUMED_SD = 1.2
ASSUMED_RHO = 0.5
#: Fewest consecutive-day pairs of residuals needed to measure the client's own noise.
MIN_PAIRS = 7
#: Variance that rounding a rating to a whole number adds (uniform over one point).
_ROUNDING_VAR = 1.0 / 12.0


@dataclass(frozen=True)
class DiaryNoise:
    """The client's day-to-day pain variation: stationary SD, AR(1) rho, share of days logged.

    ``measured`` is false when the diary was too short and the assumed values stand in.
    """

    sd: float
    rho: float
    adherence: float
    measured: bool

    @property
    def innovation_sd(self) -> float:
        """SD of the day-to-day innovation, ``sd * sqrt(1 - rho^2)``."""
        return self.sd * float(np.sqrt(1.0 - self.rho**2))


def diary_noise(cf: ClientFile) -> DiaryNoise:
    """The client's pain noise from the diary: residuals of the comparison's own regression
    (intercept, trend, massage days and whatever else its design holds), their lag-1
    autocorrelation over consecutive days, and the share of days with an entry.

    Examples
    --------
    >>> from touchdose.records import ClientProfile
    >>> diary_noise(ClientFile(ClientProfile(id="c-1"))).measured
    False
    """
    d = designs(cf, ("pain",))[0]
    span = int(d.days[-1] - d.days[0] + 1) if len(d.days) else 0
    adherence = len(d.days) / span if span else 1.0
    if len(d.days) < d.X.shape[1] + MIN_PAIRS:
        return DiaryNoise(ASSUMED_SD, ASSUMED_RHO, adherence, measured=False)
    coef, *_ = np.linalg.lstsq(d.X, d.y, rcond=None)
    r = d.y - d.X @ coef
    pairs = np.flatnonzero(np.diff(d.days) == 1)
    if len(pairs) < MIN_PAIRS or not np.any(r):
        return DiaryNoise(ASSUMED_SD, ASSUMED_RHO, adherence, measured=False)
    rho = float(np.sum(r[pairs + 1] * r[pairs]) / max(float(np.sum(r[pairs] ** 2)), 1e-12))
    sd = float(np.sqrt(np.sum(r**2) / max(len(r) - d.X.shape[1], 1)))
    return DiaryNoise(sd, float(np.clip(rho, 0.0, 0.9)), adherence, measured=True)


def _phi2(h: NDArray[np.float64], k: NDArray[np.float64], r: float) -> NDArray[np.float64]:
    """Bivariate standard normal CDF P(X <= h, Y <= k) with correlation ``r`` (Owen 1956, the
    T-function form), elementwise."""
    s = float(np.sqrt(1.0 - r * r))
    h = np.where(np.abs(h) < 1e-12, 1e-12, h)
    k = np.where(np.abs(k) < 1e-12, 1e-12, k)
    half = np.where((h * k > 0) | ((h * k == 0) & (h + k >= 0)), 0.0, 0.5)
    both = 0.5 * (norm.cdf(h) + norm.cdf(k))
    return np.asarray(both - owens_t(h, (k - r * h) / (h * s)) - owens_t(k, (h - r * k) / (k * s)) - half)


#: Gauss-Legendre nodes for the one integral of :func:`rise_rate` (the integrand is smooth).
_NODES = 64


def rise_rate(
    noise: DiaryNoise, points: float = AGGRAVATION_POINTS, looks: int = len(FOLLOWUP_WINDOWS)
) -> float:
    """Chance that pain rises by at least ``points`` on one of the next ``looks`` days, with no massage.

    The ratings are a stationary AR(1) series (SD ``s``, autocorrelation ``rho``) plus the
    rounding to whole numbers, taken as independent noise of variance 1/12 per rating; the
    changes ``D_i = x_i - x_0`` (``i = 1 .. looks``, the follow-ups a session gets, up to the
    72 h look) are then jointly normal, and a whole-number change of at least ``points`` is a
    continuous one above ``points - 1/2``. The rate is ``1 - P(all D_i < c)``: Owen's T for two
    looks, one Gauss-Legendre integral over ``D_1`` for three. Treating the rounding as
    independent noise makes the rate about 1-2 points higher than a simulation of rounded
    ratings gives (``tests/analysis/test_noise.py``): it errs towards calling a rise ordinary.

    Examples
    --------
    >>> rise_rate(DiaryNoise(0.5, 0.5, 1.0, True)) < 0.05 < 0.3 < rise_rate(DiaryNoise(1.5, 0.3, 1.0, True))
    True
    >>> rise_rate(DiaryNoise(1.2, 0.5, 1.0, True), looks=2) < rise_rate(DiaryNoise(1.2, 0.5, 1.0, True))
    True
    """
    if looks not in (1, 2, 3):
        raise ValueError(f"rise_rate: looks = {looks!r} is not allowed (allowed: 1, 2 or 3)")
    lags = np.arange(looks + 1)
    ar = noise.sd**2 * noise.rho ** np.abs(lags[:, None] - lags[None, :])
    cov_x = ar + _ROUNDING_VAR * np.eye(looks + 1)
    A = np.hstack([-np.ones((looks, 1)), np.eye(looks)])  # D = A x
    cov = A @ cov_x @ A.T
    sd = np.sqrt(np.diag(cov))
    c = points - 0.5
    if looks == 1:
        return float(norm.sf(c / sd[0]))
    corr = cov / np.outer(sd, sd)
    if looks == 2:
        return float(1.0 - _phi2(np.array([c / sd[0]]), np.array([c / sd[1]]), float(corr[0, 1]))[0])
    # Three looks: condition on D_1 = d (standardised z), then (D_2, D_3) is bivariate normal.
    lo = -10.0
    hi = c / sd[0]
    nodes, weights = np.polynomial.legendre.leggauss(_NODES)
    z = 0.5 * (hi - lo) * nodes + 0.5 * (hi + lo)
    w = 0.5 * (hi - lo) * weights * norm.pdf(z)
    r12, r13, r23 = corr[0, 1], corr[0, 2], corr[1, 2]
    s2, s3 = np.sqrt(1 - r12**2), np.sqrt(1 - r13**2)
    rc = (r23 - r12 * r13) / (s2 * s3)
    h = (c / sd[1] - r12 * z) / s2
    k = (c / sd[2] - r13 * z) / s3
    inside = float(np.sum(w * _phi2(h, k, float(np.clip(rc, -0.999, 0.999)))))
    return float(min(1.0, max(0.0, 1.0 - inside)))
