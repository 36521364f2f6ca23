"""Effect sizes for meta-analysis, computed as metafor's ``escalc`` does.

Pure numpy/scipy. Every function takes array-likes (one entry per study) and
returns :class:`EffectSizes`: the estimates ``yi`` and their sampling variances
``vi``, ready for :func:`touchdose.evidence.meta.meta_analysis`.

Examples
--------
>>> es = smd([60], [94.0], [22.0], [60], [92.0], [20.0])
>>> round(es.yi[0], 4), round(es.vi[0], 4)
(0.0945, 0.0334)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from touchdose.types import FloatArray

ArrayLike = Sequence[float] | FloatArray

#: Variance types for the standardized mean difference (metafor ``escalc(vtype=...)``):
#: LS = Hedges 1982 eq. 8 (metafor's default), LS2 = Borenstein 2009 eq. 12.17, UB = unbiased.
SMD_VTYPES: tuple[str, ...] = ("LS", "LS2", "UB")

#: Added to every cell of a 2x2 table that has a zero cell (metafor ``escalc`` default add=1/2, to="only0").
ZERO_CELL_CORRECTION = 0.5

#: Two-sided 95 % normal quantile, used to turn a reported 95 % CI into a standard error.
Z_975 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class EffectSizes:
    """Study-level effect estimates and their sampling variances.

    Attributes
    ----------
    yi : tuple of float
        Effect estimates (one per study).
    vi : tuple of float
        Sampling variances.
    measure : str
        What ``yi`` is: ``SMD``, ``SMCR``, ``SMCC``, ``SMDPPC``, ``RR`` / ``OR`` (log scale),
        ``LOG_RATIO``, or ``GENERIC``.
    """

    yi: tuple[float, ...]
    vi: tuple[float, ...]
    measure: str

    @property
    def sei(self) -> tuple[float, ...]:
        """Standard errors, ``sqrt(vi)``."""
        return tuple(float(np.sqrt(v)) for v in self.vi)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"yi": list(self.yi), "vi": list(self.vi), "measure": self.measure}


def _arr(name: str, values: ArrayLike | float, *, positive: bool = False, nonneg: bool = False) -> FloatArray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty list of numbers")
    bad = ~np.isfinite(arr)
    if positive:
        bad |= arr <= 0
    if nonneg:
        bad |= arr < 0
    if bad.any():
        i = int(np.argmax(bad))
        rule = "a positive number" if positive else "a number >= 0" if nonneg else "a finite number"
        raise ValueError(f"{name}[{i}] = {arr[i]!r} is not allowed (allowed: {rule})")
    return arr


def _same_length(**arrays: FloatArray) -> None:
    lengths = {name: a.size for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"inputs must have one entry per study; got lengths {lengths}")


def _out(yi: FloatArray, vi: FloatArray, measure: str) -> EffectSizes:
    return EffectSizes(tuple(float(y) for y in yi), tuple(float(v) for v in vi), measure)


def exact_j(m: ArrayLike | float) -> FloatArray:
    """Exact small-sample bias correction of the standardized mean difference.

    Parameters
    ----------
    m : array-like
        Degrees of freedom (``n1 + n2 - 2`` for two groups, ``n - 1`` for one).

    Returns
    -------
    numpy.ndarray
        ``J(m)``, computed on the log scale so large ``m`` does not overflow.

    Notes
    -----
    ``J(m) = Γ(m/2) / (sqrt(m/2) Γ((m-1)/2))``; the familiar ``1 - 3/(4m - 1)`` is its
    approximation.

    References
    ----------
    Hedges LV (1981). J Educ Stat 6:107-128. metafor ``.cmicalc``.

    Examples
    --------
    >>> round(float(exact_j(98)[0]), 6)
    0.992324
    """
    mm = _arr("m", m, positive=True)
    log_j = special.gammaln(mm / 2) - np.log(np.sqrt(mm / 2)) - special.gammaln((mm - 1) / 2)
    return np.asarray(np.exp(log_j))


def smd(
    n1: ArrayLike, mean1: ArrayLike, sd1: ArrayLike, n2: ArrayLike, mean2: ArrayLike, sd2: ArrayLike,
    *, vtype: str = "LS",
) -> EffectSizes:
    """Hedges' g from group data, as metafor ``escalc(measure="SMD")``.

    Parameters
    ----------
    n1, mean1, sd1 : array-like
        Size, mean and SD of group 1 (massage).
    n2, mean2, sd2 : array-like
        Size, mean and SD of group 2 (control).
    vtype : {"LS", "LS2", "UB"}
        Sampling-variance formula (see :data:`SMD_VTYPES`).

    Returns
    -------
    EffectSizes
        ``g = J(m) (mean1 - mean2) / s_p`` and its variance.

    Notes
    -----
    ``s_p = sqrt(((n1-1) sd1² + (n2-1) sd2²) / m)``, ``m = n1 + n2 - 2``.
    LS: ``v = 1/n1 + 1/n2 + g²/(2(n1+n2))``; LS2: ``v = J²(1/n1 + 1/n2 + d²/(2(n1+n2)))``;
    UB: ``v = 1/n1 + 1/n2 + (1 - (m-2)/(m J²)) g²``.

    References
    ----------
    Hedges LV (1982). Psychol Bull 92:490-499. Borenstein M et al. (2009). Introduction to
    Meta-Analysis, ch. 4. Viechtbauer W (2010). J Stat Softw 36(3).

    Examples
    --------
    >>> es = smd([50], [103.0], [5.5], [50], [100.0], [4.5], vtype="LS2")
    >>> round(es.yi[0], 3)
    0.592
    """
    if vtype not in SMD_VTYPES:
        raise ValueError(f"vtype = {vtype!r} is not one of {', '.join(SMD_VTYPES)}")
    a1, a2 = _arr("n1", n1, positive=True), _arr("n2", n2, positive=True)
    m1, m2 = _arr("mean1", mean1), _arr("mean2", mean2)
    s1, s2 = _arr("sd1", sd1, positive=True), _arr("sd2", sd2, positive=True)
    _same_length(n1=a1, mean1=m1, sd1=s1, n2=a2, mean2=m2, sd2=s2)
    m = a1 + a2 - 2
    if (m < 2).any():
        raise ValueError("n1 + n2 must be at least 4 for a standardized mean difference")
    sp = np.sqrt(((a1 - 1) * s1**2 + (a2 - 1) * s2**2) / m)
    d = (m1 - m2) / sp
    j = exact_j(m)
    g = j * d
    if vtype == "LS":
        v = 1 / a1 + 1 / a2 + g**2 / (2 * (a1 + a2))
    elif vtype == "LS2":
        v = j**2 * (1 / a1 + 1 / a2 + d**2 / (2 * (a1 + a2)))
    else:
        v = 1 / a1 + 1 / a2 + (1 - (m - 2) / (m * j**2)) * g**2
    return _out(g, v, "SMD")


def _correlation(r: ArrayLike) -> FloatArray:
    rr = _arr("r", r)
    if ((rr <= -1) | (rr >= 1)).any():
        raise ValueError("r (pre-post correlation) must lie strictly between -1 and 1")
    return rr


def smcr(
    n: ArrayLike, mean_post: ArrayLike, mean_pre: ArrayLike, sd_pre: ArrayLike, r: ArrayLike
) -> EffectSizes:
    """Standardized mean change, raw-score standardized (one group, pre/post), metafor "SMCR".

    Notes
    -----
    ``g = J(n-1)(mean_post - mean_pre)/sd_pre``, ``v = 2(1-r)/n + g²/(2n)`` (Becker 1988).

    References
    ----------
    Becker BJ (1988). Br J Math Stat Psychol 41:257-278. Morris SB (2008). Organ Res Methods 11:364-386.

    Examples
    --------
    >>> round(smcr([20], [38.5], [30.6], [15.0], [0.47]).yi[0], 4)
    0.5056
    """
    nn, post, pre = _arr("n", n, positive=True), _arr("mean_post", mean_post), _arr("mean_pre", mean_pre)
    sd, rr = _arr("sd_pre", sd_pre, positive=True), _correlation(r)
    _same_length(n=nn, mean_post=post, mean_pre=pre, sd_pre=sd, r=rr)
    g = exact_j(nn - 1) * (post - pre) / sd
    return _out(g, 2 * (1 - rr) / nn + g**2 / (2 * nn), "SMCR")


def smcc(
    n: ArrayLike, mean_post: ArrayLike, mean_pre: ArrayLike,
    sd_post: ArrayLike, sd_pre: ArrayLike, r: ArrayLike,
) -> EffectSizes:
    """Standardized mean change, change-score standardized (one group, pre/post), metafor "SMCC".

    Notes
    -----
    ``sd_diff = sqrt(sd_post² + sd_pre² - 2 r sd_post sd_pre)``,
    ``g = J(n-1)(mean_post - mean_pre)/sd_diff``, ``v = 1/n + g²/(2n)``.

    References
    ----------
    Gibbons RD et al. (1993). Psychol Methods. Morris SB (2008). Organ Res Methods 11:364-386.

    Examples
    --------
    >>> round(smcc([20], [38.5], [30.6], [11.6], [15.0], [0.47]).yi[0], 4)
    0.5417
    """
    nn, post, pre = _arr("n", n, positive=True), _arr("mean_post", mean_post), _arr("mean_pre", mean_pre)
    s_post, s_pre = _arr("sd_post", sd_post, positive=True), _arr("sd_pre", sd_pre, positive=True)
    rr = _correlation(r)
    _same_length(n=nn, mean_post=post, mean_pre=pre, sd_post=s_post, sd_pre=s_pre, r=rr)
    sd_diff = np.sqrt(s_post**2 + s_pre**2 - 2 * rr * s_post * s_pre)
    g = exact_j(nn - 1) * (post - pre) / sd_diff
    return _out(g, 1 / nn + g**2 / (2 * nn), "SMCC")


def smd_pre_post_control(
    n_t: ArrayLike, pre_t: ArrayLike, post_t: ArrayLike, sd_pre_t: ArrayLike,
    n_c: ArrayLike, pre_c: ArrayLike, post_c: ArrayLike, sd_pre_c: ArrayLike, r: ArrayLike,
) -> EffectSizes:
    """Controlled pre/post standardized mean difference with the pooled pre-test SD (Morris d_ppc2).

    Notes
    -----
    ``g = J(n_t+n_c-2)[(post_t - pre_t) - (post_c - pre_c)]/s_pre,pooled``,
    ``v = 2(1-r)(1/n_t + 1/n_c) + g²/(2(n_t+n_c))``.

    References
    ----------
    Morris SB (2008). Estimating effect sizes from pretest-posttest-control group designs.
    Organ Res Methods 11:364-386, Table 5.

    Examples
    --------
    >>> es = smd_pre_post_control([20], [30.6], [38.5], [15.0], [20], [23.1], [19.7], [13.8], [0.47])
    >>> round(es.yi[0], 4)
    0.7684
    """
    nt, nc = _arr("n_t", n_t, positive=True), _arr("n_c", n_c, positive=True)
    a, b, st = _arr("pre_t", pre_t), _arr("post_t", post_t), _arr("sd_pre_t", sd_pre_t, positive=True)
    c, d, sc = _arr("pre_c", pre_c), _arr("post_c", post_c), _arr("sd_pre_c", sd_pre_c, positive=True)
    rr = _correlation(r)
    _same_length(n_t=nt, pre_t=a, post_t=b, sd_pre_t=st, n_c=nc, pre_c=c, post_c=d, sd_pre_c=sc, r=rr)
    m = nt + nc - 2
    sp = np.sqrt(((nt - 1) * st**2 + (nc - 1) * sc**2) / m)
    g = exact_j(m) * ((b - a) - (d - c)) / sp
    return _out(g, 2 * (1 - rr) * (1 / nt + 1 / nc) + g**2 / (2 * (nt + nc)), "SMDPPC")


def _two_by_two(ai: ArrayLike, bi: ArrayLike, ci: ArrayLike, di: ArrayLike) -> tuple[FloatArray, ...]:
    cells = [_arr(name, x, nonneg=True) for name, x in (("ai", ai), ("bi", bi), ("ci", ci), ("di", di))]
    _same_length(ai=cells[0], bi=cells[1], ci=cells[2], di=cells[3])
    has_zero = np.any(np.vstack(cells) == 0, axis=0)
    return tuple(x + ZERO_CELL_CORRECTION * has_zero for x in cells)


def log_risk_ratio(ai: ArrayLike, bi: ArrayLike, ci: ArrayLike, di: ArrayLike) -> EffectSizes:
    """Log risk ratio from 2x2 counts, as metafor ``escalc(measure="RR")``.

    Parameters
    ----------
    ai, bi : array-like
        Events and non-events in group 1.
    ci, di : array-like
        Events and non-events in group 2.

    Notes
    -----
    ``y = log(a/(a+b)) - log(c/(c+d))``, ``v = 1/a - 1/(a+b) + 1/c - 1/(c+d)``; a table with a
    zero cell gets :data:`ZERO_CELL_CORRECTION` added to all four cells.

    Examples
    --------
    >>> round(log_risk_ratio([4], [119], [11], [128]).yi[0], 4)
    -0.8893
    """
    a, b, c, d = _two_by_two(ai, bi, ci, di)
    return _out(np.log(a / (a + b)) - np.log(c / (c + d)), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d), "RR")


def log_odds_ratio(ai: ArrayLike, bi: ArrayLike, ci: ArrayLike, di: ArrayLike) -> EffectSizes:
    """Log odds ratio from 2x2 counts, as metafor ``escalc(measure="OR")``.

    Notes
    -----
    ``y = log(a d / (b c))``, ``v = 1/a + 1/b + 1/c + 1/d`` (zero cells corrected as in
    :func:`log_risk_ratio`).

    Examples
    --------
    >>> round(log_odds_ratio([4], [119], [11], [128]).yi[0], 4)
    -0.9387
    """
    a, b, c, d = _two_by_two(ai, bi, ci, di)
    return _out(np.log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d, "OR")


def from_ci(
    estimate: ArrayLike, ci_low: ArrayLike, ci_high: ArrayLike, *, log: bool = False
) -> EffectSizes:
    """Effect and variance from a reported estimate and its 95 % confidence interval.

    Parameters
    ----------
    estimate, ci_low, ci_high : array-like
        The estimate and its 95 % CI as published.
    log : bool
        Ratio measure (RR, OR, HR): work on the log scale.

    Notes
    -----
    ``se = (hi - lo) / (2 z_0.975)`` on the analysis scale (log scale for ratios), so
    ``v = se²``. Asymmetric intervals are accepted; the width decides the SE.

    Examples
    --------
    >>> es = from_ci([2.7], [0.99], [7.5], log=True)
    >>> round(es.yi[0], 4), round(es.sei[0], 4)
    (0.9933, 0.5166)
    """
    est = _arr("estimate", estimate, positive=log)
    lo, hi = _arr("ci_low", ci_low, positive=log), _arr("ci_high", ci_high, positive=log)
    _same_length(estimate=est, ci_low=lo, ci_high=hi)
    bad = ~((lo <= est) & (est <= hi) & (lo < hi))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"study {i}: estimate {est[i]:g} with interval {lo[i]:g} to {hi[i]:g} is not allowed "
            "(allowed: ci_low <= estimate <= ci_high and ci_low < ci_high)"
        )
    if log:
        est, lo, hi = np.log(est), np.log(lo), np.log(hi)
    se = (hi - lo) / (2 * Z_975)
    return _out(est, se**2, "LOG_RATIO" if log else "GENERIC")


def from_sei(yi: ArrayLike, sei: ArrayLike) -> EffectSizes:
    """Effects given with standard errors: ``v = sei²``.

    Examples
    --------
    >>> from_sei([0.5], [0.2]).vi
    (0.04000000000000001,)
    """
    y, s = _arr("yi", yi), _arr("sei", sei, positive=True)
    _same_length(yi=y, sei=s)
    return _out(y, s**2, "GENERIC")
