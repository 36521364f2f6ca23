"""Mean and SD from a reported median with range and/or quartiles (metafor ``conv.fivenum``).

Massage trials often report pain as a median with its range or quartiles; a meta-analysis needs
a mean and SD. The default methods are those metafor recommends: Luo (2016) for the mean, Wan
(2014) / Shi (2020) for the SD, after Shi's test for skewness, which refuses to convert a
summary that is too skewed to come from a normal distribution. With ``dist="lnorm"`` the values
are treated as log-normal: converted on the log scale, then transformed back.

Examples
--------
>>> r = mean_sd_from_summary(20, minimum=2, median=6, maximum=14)
>>> round(r.mean, 6), round(r.sd, 6), r.skewed
(6.594468, 3.211576, False)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

from scipy import stats

from touchdose.types import Result

#: Methods: "luo_wan_shi" (Luo 2016 mean, Wan 2014 / Shi 2020 SD; metafor's default) or "wan2014".
SUMMARY_METHODS: tuple[str, ...] = ("luo_wan_shi", "wan2014")
SUMMARY_DISTS: tuple[str, ...] = ("norm", "lnorm")


class SkewedSummaryWarning(UserWarning):
    """The summary is too skewed for a normal distribution; no mean and SD were estimated."""


@dataclass(frozen=True)
class SummaryConversion(Result):
    """Estimated mean and SD (``None`` when the skewness test refused), with the test itself."""

    mean: float | None
    sd: float | None
    case: int
    skew_statistic: float
    skew_critical: float
    skewed: bool


def _xi(n: float) -> float:
    return 2 * float(stats.norm.ppf((n - 0.375) / (n + 0.25)))


def _eta(n: float) -> float:
    return 2 * float(stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25)))


def _case(minimum: float | None, q1: float | None, q3: float | None, maximum: float | None) -> int:
    has_range, has_iqr = minimum is not None and maximum is not None, q1 is not None and q3 is not None
    if has_range and has_iqr:
        return 3
    if has_range and q1 is None and q3 is None:
        return 1
    if has_iqr and minimum is None and maximum is None:
        return 2
    raise ValueError("give the median with minimum and maximum, with q1 and q3, or with all four")


def _skew_test(
    case: int, n: float, a: float, q1: float, m: float, q3: float, b: float
) -> tuple[float, float]:
    """Shi et al. skewness statistic and critical value (as in metafor 4.x)."""
    if case == 1:
        return abs((a + b - 2 * m) / (b - a)), 1 / math.log(n + 9) + 2.5 / (n + 1)
    if case == 2:
        return abs((q1 + q3 - 2 * m) / (q3 - q1)), 2.65 / math.sqrt(n) - 6 / n**2
    t_range = 2.65 * math.log(0.6 * n) / math.sqrt(n) * abs((a + b - 2 * m) / (b - a))
    return max(t_range, abs((q1 + q3 - 2 * m) / (q3 - q1))), 3 / math.sqrt(n) - 40 / n**3


def _estimate(
    case: int, n: float, v: tuple[float, float, float, float, float], method: str, lnorm: bool
) -> tuple[float, float, float]:
    """Mean and SD on the (possibly log) scale, and the quantity s4 for the back-transform."""
    a, q1, m, q3, b = v
    if case == 1:
        w = 4 / (4 + n**0.75)
        mean = (a + 2 * m + b) / 4 if method == "wan2014" else w * (a + b) / 2 + (1 - w) * m
        z = 1.01 + 0.25 / math.log(n) ** 2 if lnorm else 1.0
        sd = (b - a) / _xi(n) / math.sqrt(z)
        return mean, sd, ((b - a) / _xi(n)) ** 4 / (1 + 2.23 / math.log(n) ** 2)
    if case == 2:
        w = 0.7 + 0.39 / n
        mean = (q1 + m + q3) / 3 if method == "wan2014" else w * (q1 + q3) / 2 + (1 - w) * m
        z = 1 + 1.58 / n if lnorm else 1.0
        sd = (q3 - q1) / _eta(n) / math.sqrt(z)
        return mean, sd, ((q3 - q1) / _eta(n)) ** 4 / (1 + 19.2 / n**1.2)
    w1, w2 = 2.2 / (2.2 + n**0.75), 0.7 - 0.72 / n**0.55
    if method == "wan2014":
        mean = (a + 2 * q1 + 2 * m + 2 * q3 + b) / 8
        sd = 0.5 * ((b - a) / _xi(n) + (q3 - q1) / _eta(n))
        mix = sd
    else:
        mean = w1 * (a + b) / 2 + w2 * (q1 + q3) / 2 + (1 - w1 - w2) * m
        w = 1 / (1 + 0.07 * n**0.6)
        mix = w * (b - a) / _xi(n) + (1 - w) * (q3 - q1) / _eta(n)
        z = 1 + 0.28 / math.log(n) ** 2 if lnorm else 1.0
        sd = mix / math.sqrt(z)
    return mean, sd, mix**4 / (1 + 3.93 / n)


# Back-transform coefficients (phi, phi_1, phi_2) per case for log-normal data (Shi et al. 2020,
# as in metafor conv.fivenum): mean = exp(mu + s²/2)/phi, SD from phi_1 and phi_2.
_BACK = {
    1: ((0.565, 0.37), (2.26, 5.92), (2.26, 1.48)),
    2: ((0.57, 0.75), (2.28, 12.0), (2.28, 3.0)),
    3: ((0.405, 0.315), (1.62, 5.04), (1.62, 1.26)),
}


def _back_transform(case: int, n: float, mu: float, s: float, s4: float) -> tuple[float, float]:
    (c0, d0), (c1, d1), (c2, d2) = _BACK[case]
    phi = 1 + c0 * s**2 / n + d0 * s4 / n
    phi1 = 1 + c1 * s**2 / n + d1 * s4 / n
    phi2 = 1 + c2 * s**2 / n + d2 * s4 / n
    mean = math.exp(mu + s**2 / 2) / phi
    sd = math.sqrt(math.exp(2 * mu + 2 * s**2) / phi1 - math.exp(2 * mu + s**2) / phi2)
    return mean, sd


def mean_sd_from_summary(
    n: int,
    *,
    median: float,
    minimum: float | None = None,
    maximum: float | None = None,
    q1: float | None = None,
    q3: float | None = None,
    method: str = "luo_wan_shi",
    dist: str = "norm",
    test: bool = True,
) -> SummaryConversion:
    """Estimate a sample mean and SD from the median with the range and/or the quartiles.

    Parameters
    ----------
    n : int
        Sample size (at least 3).
    median : float
        Sample median.
    minimum, maximum, q1, q3 : float or None
        Range and/or quartiles (case 1: range; case 2: quartiles; case 3: both).
    method : {"luo_wan_shi", "wan2014"}
        Estimators (see :data:`SUMMARY_METHODS`).
    dist : {"norm", "lnorm"}
        Assume normal or log-normal data (values must be positive for ``lnorm``).
    test : bool
        Apply Shi's skewness test and refuse to convert when it is significant.

    Returns
    -------
    SummaryConversion

    Warns
    -----
    SkewedSummaryWarning
        When the skewness test refuses (``mean`` and ``sd`` are then ``None``).

    Notes
    -----
    ``xi(n) = 2 Φ⁻¹((n - 0.375)/(n + 0.25))``, ``eta(n) = 2 Φ⁻¹((0.75n - 0.125)/(n + 0.25))``.
    Case 1: mean ``w(a+b)/2 + (1-w)m``, ``w = 4/(4 + n^0.75)``; SD ``(b-a)/xi``. Case 2: mean
    ``w(q1+q3)/2 + (1-w)m``, ``w = 0.7 + 0.39/n``; SD ``(q3-q1)/eta``. Case 3: mean
    ``w1(a+b)/2 + w2(q1+q3)/2 + (1-w1-w2)m``, ``w1 = 2.2/(2.2 + n^0.75)``, ``w2 = 0.7 - 0.72/n^0.55``;
    SD ``w(b-a)/xi + (1-w)(q3-q1)/eta``, ``w = 1/(1 + 0.07 n^0.6)``.

    References
    ----------
    Luo D et al. (2018). Stat Methods Med Res 27:1785-1805. Wan X et al. (2014). BMC Med Res
    Methodol 14:135. Shi J et al. (2020). Res Synth Methods 11:641-654. metafor ``conv.fivenum``.

    Examples
    --------
    >>> r = mean_sd_from_summary(20, q1=4, median=6, q3=10)
    >>> round(r.mean, 4), round(r.sd, 4)
    (6.7195, 4.7871)
    """
    if method not in SUMMARY_METHODS:
        raise ValueError(f"method = {method!r} is not one of {', '.join(SUMMARY_METHODS)}")
    if dist not in SUMMARY_DISTS:
        raise ValueError(f"dist = {dist!r} is not one of {', '.join(SUMMARY_DISTS)}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 3:
        raise ValueError(f"n = {n!r} is not allowed (allowed: a whole number >= 3)")
    case = _case(minimum, q1, q3, maximum)
    values = [minimum, q1, median, q3, maximum]
    given = [x for x in values if x is not None]
    if given != sorted(given) or len(set(given)) < len(given):
        raise ValueError(
            f"the summary must increase strictly: min < q1 < median < q3 < max (got {given})"
        )
    lnorm = dist == "lnorm"
    if lnorm and min(given) <= 0:
        raise ValueError("dist = 'lnorm' needs positive values")
    v = tuple((math.log(x) if lnorm else float(x)) if x is not None else math.nan for x in values)
    a, lq, m, uq, b = v
    statistic, critical = _skew_test(case, n, a, lq, m, uq, b)
    skewed = statistic >= critical
    if test and skewed:
        warnings.warn(
            f"skewness statistic {statistic:.3f} >= critical value {critical:.3f}: the summary is "
            "too skewed to convert",
            SkewedSummaryWarning,
            stacklevel=2,
        )
        return SummaryConversion(None, None, case, statistic, critical, skewed)
    mean, sd, s4 = _estimate(case, n, (a, lq, m, uq, b), method, lnorm)
    if lnorm:
        mean, sd = _back_transform(case, n, mean, sd, s4)
    return SummaryConversion(mean, sd, case, statistic, critical, skewed)
