"""Random-effects meta-analysis, computed the way metafor's ``rma.uni`` does.

Pure numpy/scipy, intercept-only models. Estimators of the between-study
variance tau²: REML (Fisher scoring, metafor's default), DerSimonian-Laird,
Paule-Mandel, ML, Hedges, Hunter-Schmidt, Sidik-Jonkman, and the equal-effects
(EE) model. Intervals: Wald (z) or Hartung-Knapp-Sidik-Jonkman (t); prediction
interval; I², H² with metafor's definitions; Cochran's Q; Q-profile intervals
for tau², I² and H².

Examples
--------
>>> r = meta_analysis([-0.5, -0.2, -0.9, 0.1], [0.04, 0.09, 0.06, 0.12], method="DL")
>>> round(r.estimate, 3), r.k, r.method
(-0.426, 4, 'DL')
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats

from touchdose.types import FloatArray

Floats = Sequence[float] | FloatArray

#: tau² estimators (metafor ``method=``). EE is the equal-effects (common-effect) model, tau² = 0.
METHODS: tuple[str, ...] = ("REML", "DL", "PM", "ML", "HE", "HS", "SJ", "EE")

#: Fisher-scoring convergence threshold on tau² and iteration cap (metafor ``rma.uni`` defaults,
#: ``control=list(threshold=1e-5, maxiter=100)``).
REML_THRESHOLD = 1e-5
REML_MAXITER = 100

#: First upper end of the tau² search for Paule-Mandel and the Q-profile interval (metafor ``tau2.max``;
#: touchdose widens it when the effects are on a large scale, where metafor stops).
TAU2_MAX = 100.0

#: Confidence level of every interval here (95 %).
LEVEL = 0.95


class FewStudiesWarning(UserWarning):
    """Fewer than three studies: the between-study variance is barely estimable."""


class IdenticalEffectsWarning(UserWarning):
    """Every study has the same effect: the Hartung-Knapp factor is 0 and is not applied."""


class ConvergenceWarning(UserWarning):
    """Fisher scoring for ML/REML did not converge; the likelihood was maximised directly instead."""


@dataclass(frozen=True)
class MetaResult:
    """Result of :func:`meta_analysis` (attributes are the ``touchdose meta --json`` keys).

    Attributes
    ----------
    estimate, se : float
        Pooled effect and its standard error (the Knapp-Hartung SE when ``hksj``).
    ci95 : tuple of float
        95 % confidence interval of the pooled effect.
    statistic, p : float
        z (or t with ``hksj``) statistic and its two-sided p-value.
    df : int or None
        Degrees of freedom of the t distribution (``None`` for z).
    tau2, tau : float
        Between-study variance and SD.
    tau2_se : float or None
        Standard error of tau² (ML and REML only, from the Fisher information).
    tau2_ci95, i2_ci95, h2_ci95 : tuple of float
        Q-profile 95 % intervals.
    i2, h2 : float
        I² (percent) and H², metafor's definitions.
    q, q_df, q_p : float, int, float
        Cochran's Q, its degrees of freedom and p-value.
    pred95 : tuple of float
        95 % prediction interval for the effect in a new study.
    k : int
        Number of studies.
    method : str
        tau² estimator (one of :data:`METHODS`).
    hksj : bool
        Whether Hartung-Knapp-Sidik-Jonkman intervals were used.
    weights : tuple of float
        Percent weight of each study.
    """

    estimate: float
    se: float
    ci95: tuple[float, float]
    statistic: float
    p: float
    df: int | None
    tau2: float
    tau: float
    tau2_se: float | None
    tau2_ci95: tuple[float, float]
    i2: float
    i2_ci95: tuple[float, float]
    h2: float
    h2_ci95: tuple[float, float]
    q: float
    q_df: int
    q_p: float
    pred95: tuple[float, float]
    k: int
    method: str
    hksj: bool
    weights: tuple[float, ...]

    @property
    def pred_sd(self) -> float:
        """SD of the predictive distribution, ``sqrt(se² + tau²)``."""
        return math.sqrt(self.se**2 + self.tau2)

    def prob_below(self, threshold: float) -> float:
        """Probability that the true effect in a new study is below ``threshold``.

        Notes
        -----
        ``P = F((threshold - estimate) / sqrt(se² + tau²))`` with ``F`` the normal CDF, or the
        t CDF with ``df`` degrees of freedom under HKSJ (metafor ``predict(..., prob="<c")``).

        Examples
        --------
        >>> r = meta_analysis([-0.5, -0.2, -0.9], [0.04, 0.09, 0.06], method="DL")
        >>> 0.5 < r.prob_below(0.0) < 1.0
        True
        """
        z = (threshold - self.estimate) / self.pred_sd
        return float(stats.t.cdf(z, self.df) if self.df is not None else stats.norm.cdf(z))

    def to_dict(self) -> dict[str, Any]:
        """Return the ``touchdose meta --json`` object (docs/formats.md keys first, then extras)."""
        return {
            "estimate": self.estimate,
            "se": self.se,
            "ci95": list(self.ci95),
            "tau2": self.tau2,
            "i2": self.i2,
            "q": self.q,
            "q_p": self.q_p,
            "pred95": list(self.pred95),
            "k": self.k,
            "method": self.method,
            "hksj": self.hksj,
            "h2": self.h2,
            "tau": self.tau,
            "tau2_se": self.tau2_se,
            "tau2_ci95": list(self.tau2_ci95),
            "i2_ci95": list(self.i2_ci95),
            "h2_ci95": list(self.h2_ci95),
            "q_df": self.q_df,
            "statistic": self.statistic,
            "p": self.p,
            "df": self.df,
            "weights": list(self.weights),
        }


def _inputs(yi: Floats, vi: Floats) -> tuple[FloatArray, FloatArray]:
    y = np.asarray(yi, dtype=float)
    v = np.asarray(vi, dtype=float)
    if y.ndim != 1 or v.ndim != 1 or y.size != v.size:
        raise ValueError(f"yi and vi must be flat lists of the same length (got {y.shape} and {v.shape})")
    if y.size < 2:
        raise ValueError(f"a meta-analysis needs at least 2 studies (got {y.size})")
    bad = ~np.isfinite(y)
    if bad.any():
        raise ValueError(f"yi[{int(np.argmax(bad))}] is not a finite number")
    bad = ~(np.isfinite(v) & (v > 0))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"vi[{i}] = {float(v[i])!r} is not allowed (allowed: a positive sampling variance)")
    return y, v


def _wmean(y: FloatArray, w: FloatArray) -> float:
    return float(np.sum(w * y) / np.sum(w))


def _q_gen(tau2: float, y: FloatArray, v: FloatArray) -> float:
    """Generalised Q: ``sum w*(y - mu*)²`` with ``w* = 1/(v + tau²)``."""
    w = 1 / (v + tau2)
    return float(np.sum(w * (y - _wmean(y, w)) ** 2))


def _tau2_he(y: FloatArray, v: FloatArray) -> float:
    k = y.size
    return max(0.0, float(np.sum((y - y.mean()) ** 2) - (k - 1) / k * np.sum(v)) / (k - 1))


def _tau2_dl(y: FloatArray, v: FloatArray) -> float:
    w = 1 / v
    trp = np.sum(w) - np.sum(w**2) / np.sum(w)
    return max(0.0, float((_q_gen(0.0, y, v) - (y.size - 1)) / trp))


def _q_root(target: float, y: FloatArray, v: FloatArray) -> float:
    """The tau² at which the generalised Q (decreasing in tau²) equals ``target``; 0 if it never exceeds it.

    The search starts on [0, TAU2_MAX] and widens tenfold while needed (effects on a large scale),
    up to 1e12 times, beyond which the answer is infinite.
    """
    if _q_gen(0.0, y, v) <= target:
        return 0.0
    upper = TAU2_MAX
    while _q_gen(upper, y, v) > target:
        upper *= 10
        if upper > TAU2_MAX * 1e12:
            return math.inf
    return float(optimize.brentq(lambda t: _q_gen(t, y, v) - target, 0.0, upper, xtol=1e-12, rtol=1e-14))


def _tau2_pm(y: FloatArray, v: FloatArray) -> float:
    return _q_root(y.size - 1, y, v)


def _loglik(tau2: float, y: FloatArray, v: FloatArray, reml: bool) -> float:
    """(Restricted) log-likelihood of the intercept-only random-effects model, up to a constant."""
    w = 1 / (v + tau2)
    ll = -0.5 * float(np.sum(np.log(v + tau2))) - 0.5 * float(np.sum(w * (y - _wmean(y, w)) ** 2))
    return ll - 0.5 * math.log(float(np.sum(w))) if reml else ll


def _tau2_direct(y: FloatArray, v: FloatArray, method: str) -> float:
    """Maximise the (restricted) likelihood directly on [0, TAU2_MAX] (when Fisher scoring cycles)."""
    reml = method == "REML"
    upper = max(TAU2_MAX, 10 * float(np.var(y)))
    best = optimize.minimize_scalar(
        lambda t: -_loglik(t, y, v, reml), bounds=(0.0, upper), method="bounded", options={"xatol": 1e-12}
    )
    tau2 = float(best.x)
    return 0.0 if _loglik(0.0, y, v, reml) >= _loglik(tau2, y, v, reml) else tau2


def _tau2_scoring(y: FloatArray, v: FloatArray, method: str) -> float:
    """ML / REML by Fisher scoring from the HE estimate, with step halving at 0 (metafor).

    Fisher scoring can cycle when the maximum is at or near 0; then (where metafor stops with an
    error) the likelihood is maximised directly and :class:`ConvergenceWarning` says so.
    """
    tau2 = _tau2_he(y, v)
    for _ in range(REML_MAXITER):
        w = 1 / (v + tau2)
        sw, sw2, sw3 = float(np.sum(w)), float(np.sum(w**2)), float(np.sum(w**3))
        r = y - _wmean(y, w)
        if method == "ML":
            adj = (float(np.sum(w**2 * r**2)) - sw) / sw2
        else:
            tr_p = sw - sw2 / sw
            tr_pp = sw2 - 2 * sw3 / sw + (sw2 / sw) ** 2
            adj = (float(np.sum(w**2 * r**2)) - tr_p) / tr_pp
        while tau2 + adj < 0:
            adj /= 2
        tau2, old = tau2 + adj, tau2
        if abs(tau2 - old) <= REML_THRESHOLD:
            return max(0.0, tau2)
    warnings.warn(
        f"{method}: Fisher scoring did not converge in {REML_MAXITER} iterations; tau² was found "
        "by maximising the likelihood directly",
        ConvergenceWarning,
        stacklevel=3,
    )
    return _tau2_direct(y, v, method)


def tau2_estimate(yi: Floats, vi: Floats, method: str = "REML") -> float:
    """Between-study variance tau² by the chosen estimator.

    Parameters
    ----------
    yi, vi : array-like
        Study effects and sampling variances.
    method : str
        One of :data:`METHODS`.

    Returns
    -------
    float
        tau² (never negative).

    Notes
    -----
    DL: ``max(0, (Q - (k-1)) / (Σw - Σw²/Σw))``. PM: root of ``Σ w*(y - mu*)² = k - 1``.
    REML: Fisher scoring ``tau² += (Σw*²(y-mu*)² - tr P)/tr(PP)``; ML likewise with ``Σw*`` and
    ``Σw*²``. HE: ``s²_y - mean(v)``. HS: ``(Q - k)/Σw``. SJ: ``t0 Σ w0 (y - mu0)²/(k-1)``,
    ``t0 = var(y)(k-1)/k``, ``w0 = 1/(v + t0)``.

    References
    ----------
    DerSimonian R, Laird N (1986). Control Clin Trials 7:177-188. Paule RC, Mandel J (1982).
    J Res Natl Bur Stand 87:377-385. Viechtbauer W (2005). J Educ Behav Stat 30:261-293.
    Sidik K, Jonkman JN (2005). Stat Med 24:2649-2667.

    Examples
    --------
    >>> round(tau2_estimate([0.1, 0.5, 0.9], [0.01, 0.01, 0.01], "DL"), 4)
    0.15
    """
    if method not in METHODS:
        raise ValueError(f"method = {method!r} is not one of {', '.join(METHODS)}")
    y, v = _inputs(yi, vi)
    k = y.size
    if method == "EE":
        return 0.0
    if method == "DL":
        return _tau2_dl(y, v)
    if method == "PM":
        return _tau2_pm(y, v)
    if method == "HE":
        return _tau2_he(y, v)
    if method == "HS":
        return max(0.0, (_q_gen(0.0, y, v) - k) / float(np.sum(1 / v)))
    if method == "SJ":
        t0 = float(np.var(y))
        return t0 * _q_gen(t0, y, v) / (k - 1)
    return _tau2_scoring(y, v, method)


def _tau2_se(v: FloatArray, tau2: float, method: str) -> float | None:
    w = 1 / (v + tau2)
    sw, sw2, sw3 = float(np.sum(w)), float(np.sum(w**2)), float(np.sum(w**3))
    if method == "ML":
        return math.sqrt(2 / sw2)
    if method == "REML":
        return math.sqrt(2 / (sw2 - 2 * sw3 / sw + (sw2 / sw) ** 2))
    return None


def _typical_variance(v: FloatArray) -> float:
    w = 1 / v
    return float((v.size - 1) * np.sum(w) / (np.sum(w) ** 2 - np.sum(w**2)))


def _tau2_profile_ci(y: FloatArray, v: FloatArray) -> tuple[float, float]:
    """Q-profile interval: the tau² where the generalised Q meets the chi-square quantiles."""
    df = y.size - 1
    alpha = 1 - LEVEL
    return (
        _q_root(float(stats.chi2.ppf(1 - alpha / 2, df)), y, v),
        _q_root(float(stats.chi2.ppf(alpha / 2, df)), y, v),
    )


def meta_analysis(yi: Floats, vi: Floats, method: str = "REML", hksj: bool = False) -> MetaResult:
    """Pool study effects with an intercept-only random-effects model (metafor ``rma``).

    Parameters
    ----------
    yi : array-like
        Study effect estimates (e.g. Hedges' g, log risk ratios).
    vi : array-like
        Their sampling variances (``sei**2``).
    method : str
        tau² estimator, one of :data:`METHODS` (``"REML"`` default, as metafor).
    hksj : bool
        Hartung-Knapp-Sidik-Jonkman: t(k-1) intervals with the rescaled SE.

    Returns
    -------
    MetaResult

    Raises
    ------
    ValueError
        Fewer than 2 studies, mismatched lengths, non-finite effects, non-positive variances,
        or an unknown method.

    Warns
    -----
    FewStudiesWarning
        With fewer than three studies.

    Notes
    -----
    ``w* = 1/(v + tau²)``, ``mu = Σw*y/Σw*``, ``SE = 1/sqrt(Σw*)``; CI ``mu ± z SE``.
    HKSJ: ``SE_KH = SE sqrt(Σw*(y-mu)²/(k-1))`` with t(k-1). Prediction interval
    ``mu ± crit sqrt(SE² + tau²)``. ``Q = Σ(y - mu_EE)²/v`` on k-1 df.
    ``vt = (k-1)Σw/((Σw)² - Σw²)``, ``I² = 100 tau²/(tau² + vt)``, ``H² = 1 + tau²/vt``; under EE,
    ``I² = 100 (Q - df)/Q`` and ``H² = Q/df``, as metafor.

    References
    ----------
    Viechtbauer W (2010). Conducting meta-analyses in R with the metafor package. J Stat Softw
    36(3):1-48. Higgins JPT, Thompson SG (2002). Stat Med 21:1539-1558. Hartung J, Knapp G
    (2001). Stat Med 20:3875-3889. IntHout J et al. (2014). BMC Med Res Methodol 14:25.

    Examples
    --------
    >>> r = meta_analysis([-0.89, -1.59, -1.35, -1.44, -0.22], [0.33, 0.19, 0.42, 0.02, 0.05])
    >>> round(r.estimate, 2), r.ci95[0] < r.estimate < r.ci95[1], r.method
    (-1.06, True, 'REML')
    """
    method = method.upper() if isinstance(method, str) else method
    y, v = _inputs(yi, vi)
    if method not in METHODS:
        raise ValueError(f"method = {method!r} is not one of {', '.join(METHODS)}")
    k = y.size
    if k < 3:
        warnings.warn(f"only {k} studies: tau² and I² are barely estimable", FewStudiesWarning, stacklevel=2)
    tau2 = tau2_estimate(y, v, method)
    w = 1 / (v + tau2)
    mu = _wmean(y, w)
    se = 1 / math.sqrt(float(np.sum(w)))
    df: int | None = None
    crit = float(stats.norm.ppf(1 - (1 - LEVEL) / 2))
    if hksj:
        df = k - 1
        scale = float(np.sum(w * (y - mu) ** 2)) / df
        if scale > 0 and not np.all(y == y[0]):
            se *= math.sqrt(scale)
        else:  # identical effects: the Knapp-Hartung factor is 0 and would give a zero-width interval
            warnings.warn(
                "all effects are identical: the Hartung-Knapp factor is 0, so the unscaled SE is used",
                IdenticalEffectsWarning,
                stacklevel=2,
            )
        crit = float(stats.t.ppf(1 - (1 - LEVEL) / 2, df))
    statistic = mu / se
    p = float(2 * (stats.t.sf(abs(statistic), df) if df is not None else stats.norm.sf(abs(statistic))))
    q = _q_gen(0.0, y, v)
    vt = _typical_variance(v)
    t_lo, t_hi = _tau2_profile_ci(y, v)
    if method == "EE":
        i2 = max(0.0, 100 * (q - (k - 1)) / q) if q > 0 else 0.0
        h2 = q / (k - 1)
    else:
        i2, h2 = 100 * tau2 / (tau2 + vt), 1 + tau2 / vt
    pred_half = crit * math.sqrt(se**2 + tau2)
    return MetaResult(
        estimate=mu,
        se=se,
        ci95=(mu - crit * se, mu + crit * se),
        statistic=statistic,
        p=p,
        df=df,
        tau2=tau2,
        tau=math.sqrt(tau2),
        tau2_se=_tau2_se(v, tau2, method),
        tau2_ci95=(t_lo, t_hi),
        i2=i2,
        i2_ci95=(100 * t_lo / (t_lo + vt), 100 * t_hi / (t_hi + vt) if math.isfinite(t_hi) else 100.0),
        h2=h2,
        h2_ci95=(1 + t_lo / vt, 1 + t_hi / vt),
        q=q,
        q_df=k - 1,
        q_p=float(stats.chi2.sf(q, k - 1)),
        pred95=(mu - pred_half, mu + pred_half),
        k=k,
        method=method,
        hksj=hksj,
        weights=tuple(float(x) for x in 100 * w / np.sum(w)),
    )
