"""A series of n-of-1 comparisons pooled: what massage does across many clients.

Each client's n-of-1 comparison (:mod:`touchdose.analysis.comparison`) gives an effect in
points (massage days minus massage-free days) and its uncertainty. Pooled with a
random-effects model of clients,

.. math::

    y_i = \\theta_i + \\varepsilon_i,\\quad \\varepsilon_i \\sim N(0, v_i), \\qquad
    \\theta_i \\sim N(\\mu, \\tau^2),

they answer the researcher's two questions: *how much does massage help on average* (the
population mean effect :math:`\\mu`, with its interval) and *for what share of people*
(the between-client SD :math:`\\tau`, the prediction interval for a new client, the share of
clients whose benefit is at least the MID), plus each client's *shrunken* estimate, which
borrows strength from the others (Raudenbush and Bryk 1985).

:math:`\\mu` and :math:`\\tau^2` come from the project's one random-effects estimator,
:func:`touchdose.evidence.meta.meta_analysis` (REML by default, as metafor), so a series of
n-of-1 trials and a meta-analysis of published trials are pooled by the same code.

Examples
--------
>>> p = pool_clients([-1.8, -1.2, -0.1, 0.2, -1.5, -0.9], [0.04, 0.09, 0.05, 0.06, 0.04, 0.08])
>>> p.k, round(p.mean, 2), p.pred95[0] < p.mean < p.pred95[1]
(6, -0.88, True)
>>> 0.0 < p.share_benefit < 1.0, len(p.shrunken)
(True, 6)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from touchdose.evidence.meta import LEVEL, METHODS, MetaResult, meta_analysis
from touchdose.instruments.change import MID_POINTS
from touchdose.types import FloatArray

__all__ = ["ClientShrunken", "PooledEffects", "pool_clients"]

#: Two-sided normal quantile of the intervals (1.96 for the 95 % of :data:`touchdose.evidence.meta.LEVEL`).
Z95 = float(ndtri(1.0 - (1.0 - LEVEL) / 2.0))


@dataclass(frozen=True)
class ClientShrunken:
    """One client's effect before and after borrowing strength from the others.

    Attributes
    ----------
    id : str
        The client's (pseudonymous) id.
    effect, se : float
        The client's own n-of-1 estimate and its standard error.
    shrunken, shrunken_se : float
        Best linear unbiased prediction of the client's true effect and its standard error
        (metafor ``blup``): pulled towards the population mean, the more so the less certain
        the client's own estimate.
    p_benefit : float
        Probability that the client's true effect is a benefit of at least the MID.
    """

    id: str
    effect: float
    se: float
    shrunken: float
    shrunken_se: float
    p_benefit: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "effect": self.effect,
            "se": self.se,
            "shrunken": self.shrunken,
            "shrunken_se": self.shrunken_se,
            "p_benefit": self.p_benefit,
        }


@dataclass(frozen=True)
class PooledEffects:
    """Result of :func:`pool_clients` (effects in the outcome's units, e.g. pain points).

    Attributes
    ----------
    k : int
        Clients pooled.
    mean, se : float
        Population mean effect and its standard error.
    ci95 : tuple of float
        95 % confidence interval of the population mean effect.
    tau, tau_ci95 : float, tuple of float
        Between-client SD of the true effects and its Q-profile 95 % interval.
    pred95 : tuple of float
        95 % prediction interval for the true effect in a new client (metafor ``predict``).
    mid : float
        Minimally important difference (points).
    lower_is_better : bool
        Direction of benefit (pain: lower is better).
    p_new_benefit : float
        Probability that a new client's true effect is a benefit of at least the MID, from
        the predictive distribution (metafor ``predict(prob=...)``).
    share_benefit, share_harm : float
        Expected share of the pooled clients whose true effect is a benefit (harm) of at least
        the MID: the mean of the clients' posterior probabilities.
    share_benefit_ci95 : tuple of float
        95 % Wilson interval of that share in the population the clients come from.
    clients : tuple of ClientShrunken
        Each client's own and shrunken estimate, in input order.
    method : str
        Estimator of the between-client variance (``"REML"`` by default).
    model : MetaResult
        The underlying random-effects fit (Q, I², weights, ...).
    """

    k: int
    mean: float
    se: float
    ci95: tuple[float, float]
    tau: float
    tau_ci95: tuple[float, float]
    pred95: tuple[float, float]
    mid: float
    lower_is_better: bool
    p_new_benefit: float
    share_benefit: float
    share_harm: float
    share_benefit_ci95: tuple[float, float]
    clients: tuple[ClientShrunken, ...]
    method: str
    model: MetaResult

    @property
    def shrunken(self) -> tuple[float, ...]:
        """The clients' shrunken estimates, in input order."""
        return tuple(c.shrunken for c in self.clients)

    def to_dict(self, *, clients: bool = True) -> dict[str, Any]:
        """JSON-ready summary; ``clients=False`` leaves out the per-client list."""
        out: dict[str, Any] = {
            "k": self.k,
            "mean": self.mean,
            "se": self.se,
            "ci95": list(self.ci95),
            "tau": self.tau,
            "tau_ci95": list(self.tau_ci95),
            "pred95": list(self.pred95),
            "mid": self.mid,
            "lower_is_better": self.lower_is_better,
            "p_new_benefit": self.p_new_benefit,
            "share_benefit": self.share_benefit,
            "share_benefit_ci95": list(self.share_benefit_ci95),
            "share_harm": self.share_harm,
            "method": self.method,
            "i2": self.model.i2,
            "q": self.model.q,
            "q_p": self.model.q_p,
        }
        if clients:
            out["clients"] = [c.to_dict() for c in self.clients]
        return out


def _inputs(
    effects: Sequence[float] | FloatArray,
    ses: Sequence[float] | FloatArray,
    ids: Sequence[str] | None,
    mid: float,
) -> tuple[FloatArray, FloatArray, list[str]]:
    y = np.asarray(effects, dtype=np.float64)
    s = np.asarray(ses, dtype=np.float64)
    if y.ndim != 1 or s.ndim != 1 or y.size != s.size:
        raise ValueError(f"pool_clients: effects and ses must be flat lists of the same length "
                         f"(got {y.shape} and {s.shape})")  # fmt: skip
    names = [f"client {i + 1}" for i in range(y.size)] if ids is None else [str(i) for i in ids]
    if len(names) != y.size:
        raise ValueError(f"pool_clients: {len(names)} ids for {y.size} effects (allowed: one id per effect)")
    for i in range(y.size):
        if not math.isfinite(y[i]):
            raise ValueError(f"pool_clients: {names[i]}: effect = {float(y[i])!r} is not allowed "
                             "(allowed: a finite number)")  # fmt: skip
        if not (math.isfinite(s[i]) and s[i] > 0):
            raise ValueError(f"pool_clients: {names[i]}: se = {float(s[i])!r} is not allowed "
                             "(allowed: a positive standard error)")  # fmt: skip
    if isinstance(mid, bool) or not isinstance(mid, (int, float)) or not (math.isfinite(mid) and mid > 0):
        raise ValueError(f"pool_clients: mid = {mid!r} is not allowed (allowed: a number of points > 0)")
    return y, s, names


def _wilson(share: float, n: int) -> tuple[float, float]:
    """Wilson score 95 % interval for a share observed among ``n``."""
    z2 = Z95**2
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 / (1 + z2 / n) * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _blups(y: FloatArray, v: FloatArray, fit: MetaResult) -> tuple[FloatArray, FloatArray]:
    """Shrunken estimates and their SEs (Raudenbush & Bryk 1985 appendix; metafor ``blup.rma.uni``)."""
    if math.isinf(fit.tau2):
        return y.copy(), np.sqrt(v)
    li = fit.tau2 / (fit.tau2 + v)
    pred = li * y + (1.0 - li) * fit.estimate
    vpred = li * v + (1.0 - li) ** 2 * fit.se**2
    return pred, np.sqrt(vpred)


def pool_clients(
    effects: Sequence[float] | FloatArray,
    ses: Sequence[float] | FloatArray,
    *,
    ids: Sequence[str] | None = None,
    mid: float = MID_POINTS,
    lower_is_better: bool = True,
    method: str = "REML",
) -> PooledEffects:
    """Pool per-client n-of-1 effects with a random-effects model of clients.

    Parameters
    ----------
    effects : array-like
        Each client's effect (e.g. the comparison's ``effect``: massage days minus
        massage-free days, in points).
    ses : array-like
        Their standard errors (the posterior SD of each effect).
    ids : sequence of str, optional
        Client ids, for the per-client results and error messages.
    mid : float
        Minimally important difference in the outcome's units (default IMMPACT's 1 point,
        :data:`touchdose.instruments.change.MID_POINTS`).
    lower_is_better : bool
        Whether a lower value is a benefit (pain, fatigue: yes; sleep hours, mood: no).
    method : str
        Between-client variance estimator, one of :data:`touchdose.evidence.meta.METHODS`.

    Returns
    -------
    PooledEffects

    Raises
    ------
    ValueError
        Fewer than two clients, lengths that differ, a non-finite effect, a standard error
        that is not positive (the client is named), a MID that is not positive, or an unknown
        method.

    Warns
    -----
    touchdose.evidence.meta.FewStudiesWarning
        With fewer than three clients.

    Notes
    -----
    With :math:`\\hat\\mu, \\hat\\tau^2` from :func:`~touchdose.evidence.meta.meta_analysis`,
    :math:`\\lambda_i = \\hat\\tau^2 / (\\hat\\tau^2 + v_i)`, the shrunken estimate is
    :math:`\\lambda_i y_i + (1-\\lambda_i)\\hat\\mu` with variance
    :math:`\\lambda_i v_i + (1-\\lambda_i)^2 \\operatorname{SE}(\\hat\\mu)^2` (metafor ``blup``).
    With the benefit threshold :math:`c = -\\text{MID}` (or :math:`+\\text{MID}` when higher
    is better), a client's probability of a benefit is
    :math:`p_i = \\Phi((c - \\tilde\\theta_i)/\\tilde s_i)`; the expected share of clients with a
    benefit is :math:`\\bar p = \\sum p_i / k`, with the Wilson score interval for a share
    of :math:`k` clients (Wilson 1927). The probability for a *new* client is
    :math:`\\Phi((c - \\hat\\mu)/\\sqrt{\\operatorname{SE}^2 + \\hat\\tau^2})`.

    The expected share keeps the shape of the clients' own estimates (a group that is helped
    and a group that is not stay two groups), whereas the new-client probability assumes the
    true effects are normal; with many clients and precise n-of-1 estimates the share is the
    better summary of "for how many people does it help", and the prediction interval the
    honest range for one new person.

    References
    ----------
    Raudenbush SW, Bryk AS (1985). Empirical Bayes meta-analysis. J Educ Stat 10:75-98.
    Viechtbauer W (2010). Conducting meta-analyses in R with the metafor package. J Stat Softw
    36(3):1-48. Zucker DR et al. (1997). Combining single patient (n-of-1) trials to estimate
    population treatment effects. J Clin Epidemiol 50:401-410. Louis TA (1984). Estimating a
    population of parameter values using Bayes and empirical Bayes methods. JASA 79:393-398.
    Wilson EB (1927). Probable inference, the law of succession, and statistical inference.
    JASA 22:209-212.

    Examples
    --------
    >>> p = pool_clients([-2.0, -1.5, 0.1, 0.0], [0.05, 0.05, 0.05, 0.05], ids=["a", "b", "c", "d"])
    >>> [c.id for c in p.clients if c.p_benefit > 0.9]
    ['a', 'b']
    >>> round(p.share_benefit, 2)
    0.5
    """
    if method not in METHODS:
        allowed = ", ".join(METHODS)
        raise ValueError(f"pool_clients: method = {method!r} is not allowed (allowed: one of {allowed})")
    y, s, names = _inputs(effects, ses, ids, mid)
    if y.size < 2:
        raise ValueError(f"pool_clients: pooling needs at least 2 clients with an effect (got {y.size})")
    v = s**2
    fit = meta_analysis(y, v, method=method)
    pred, pred_se = _blups(y, v, fit)
    # Oriented so that a benefit is positive: P(benefit >= MID) = Phi((b - MID) / sd).
    sign = -1.0 if lower_is_better else 1.0
    p_benefit = ndtr((sign * pred - mid) / pred_se)
    p_harm = ndtr((-sign * pred - mid) / pred_se)
    k = y.size
    share = float(np.mean(p_benefit))
    p_new = float(ndtr((sign * fit.estimate - mid) / fit.pred_sd))
    clients = tuple(
        ClientShrunken(names[i], float(y[i]), float(s[i]), float(pred[i]), float(pred_se[i]),
                       float(p_benefit[i]))
        for i in range(k)
    )  # fmt: skip
    return PooledEffects(
        k=k,
        mean=fit.estimate,
        se=fit.se,
        ci95=fit.ci95,
        tau=fit.tau,
        tau_ci95=(math.sqrt(fit.tau2_ci95[0]), math.sqrt(fit.tau2_ci95[1])),
        pred95=fit.pred95,
        mid=float(mid),
        lower_is_better=lower_is_better,
        p_new_benefit=p_new,
        share_benefit=share,
        share_harm=float(np.mean(p_harm)),
        share_benefit_ci95=_wilson(share, k),
        clients=clients,
        method=fit.method,
        model=fit,
    )
