"""The continual reassessment method (CRM), faithful to dfcrm, with posterior summaries.

Pure numpy: a one-parameter dose-toxicity model (empiric/power or one-parameter
logistic), a normal prior on the parameter, the (TITE-)likelihood of the observed
outcomes and the posterior by quadrature on a fine grid. :func:`crm` reproduces
``dfcrm::crm`` (Cheung 2011): posterior mean of beta, its variance, the plug-in
event probability per level and the recommended level (closest to the target).

The clinical rules (no skipping, coherence, overdose control, the client's maximum)
are not part of the CRM itself; they live in :mod:`touchdose.analysis.titration`.

References
----------
O'Quigley J, Pepe M, Fisher L. Continual reassessment method: a practical design
for phase 1 clinical trials in cancer. Biometrics 1990;46:33-48.
Cheung YK. Dose Finding by the Continual Reassessment Method. CRC Press, 2011
(R package dfcrm, function ``crm``).
Cheung YK, Chappell R. Sequential designs for phase I clinical trials with
late-onset toxicities. Biometrics 2000;56:1177-82 (TITE-CRM).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from scipy.special import log_expit

from touchdose.types import FloatArray

Model = Literal["empiric", "logistic"]
MODELS: tuple[str, ...] = ("empiric", "logistic")

#: dfcrm's default prior variance of beta (``scale = sqrt(1.34)``; Cheung 2011, chapter 3).
DEFAULT_PRIOR_VAR = 1.34
#: dfcrm's default intercept a0 of the one-parameter logistic model (``intcpt = 3``).
DEFAULT_INTERCEPT = 3.0

# Quadrature grid for beta, in prior standard deviations. Beyond +-12 SD the prior
# weight is below 1e-31 and the likelihood is bounded by 1, so nothing is lost; 4001
# trapezoid nodes integrate this smooth integrand to ~1e-10 (checked against
# scipy.integrate.quad in tests/analysis/test_crm.py).
_GRID_SDS = 12.0
_GRID_NODES = 4001



@dataclass(frozen=True)
class CrmResult:
    """Result of one CRM update (dfcrm's ``crm`` output).

    Attributes
    ----------
    recommended : int
        1-based level whose plug-in estimate is closest to the target (dfcrm's rule).
    beta : float
        Posterior mean of beta.
    beta_var : float
        Posterior variance of beta (E[beta^2] - E[beta]^2).
    p_event : tuple of float
        Plug-in event probability per level, F(d_k, beta_hat).
    skeleton, target, model
        The inputs, echoed.
    """

    recommended: int
    beta: float
    beta_var: float
    p_event: tuple[float, ...]
    skeleton: tuple[float, ...]
    target: float
    model: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary of the result (tuples as lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Posterior:
    """The posterior of beta on a quadrature grid, with the model needed to use it.

    ``weights`` are normalised trapezoid weights (they sum to 1), so any posterior
    expectation E[g(beta)] is ``sum(weights * g(nodes))``.
    """

    nodes: FloatArray
    weights: FloatArray
    skeleton: tuple[float, ...]
    model: str
    intercept: float

    def curve(self, beta: FloatArray | float) -> FloatArray:
        """Event probability per level (rows) at each beta (columns)."""
        return _dose_response(np.asarray(self.skeleton), np.atleast_1d(beta), self.model, self.intercept)

    def mean(self) -> float:
        """Posterior mean of beta."""
        return float(np.sum(self.weights * self.nodes))

    def variance(self) -> float:
        """Posterior variance of beta."""
        m = self.mean()
        return float(np.sum(self.weights * self.nodes**2) - m * m)

    def mean_risk(self) -> FloatArray:
        """Posterior mean of the event probability at each level (not the plug-in)."""
        return np.asarray(self.curve(self.nodes) @ self.weights, dtype=np.float64)

    def prob_risk_above(self, threshold: float) -> FloatArray:
        """Posterior probability, per level, that the event probability exceeds ``threshold``."""
        above = self.curve(self.nodes) > threshold
        return np.asarray(above.astype(np.float64) @ self.weights, dtype=np.float64)


def _log_dose_response(skeleton: FloatArray, beta: FloatArray, model: str, intercept: float) -> FloatArray:
    """log F(d_k, beta) for every level k (rows) and beta (columns), without overflow."""
    scale = np.exp(beta)[np.newaxis, :]
    if model == "empiric":
        return np.asarray(np.log(skeleton)[:, np.newaxis] * scale, dtype=np.float64)
    coded = np.log(skeleton / (1.0 - skeleton)) - intercept  # x_k = logit(p_k) - a0
    return np.asarray(log_expit(intercept + scale * coded[:, np.newaxis]), dtype=np.float64)


def _dose_response(skeleton: FloatArray, beta: FloatArray, model: str, intercept: float) -> FloatArray:
    """F(d_k, beta) for every level k (rows) and beta (columns)."""
    return np.exp(_log_dose_response(skeleton, beta, model, intercept))


def _check_inputs(
    skeleton: Sequence[float],
    target: float,
    levels: Sequence[int],
    events: Sequence[int],
    model: str,
    prior_var: float,
    weights: Sequence[float] | None,
) -> None:
    sk = [float(p) for p in skeleton]
    if not sk or any(not 0.0 < p < 1.0 for p in sk) or any(b <= a for a, b in itertools.pairwise(sk)):
        raise ValueError(
            f"skeleton = {list(skeleton)!r} is not allowed (allowed: increasing values in (0, 1))"
        )
    if not 0.0 < target < 1.0:
        raise ValueError(f"target = {target!r} is not allowed (allowed: a probability in (0, 1))")
    if model not in MODELS:
        raise ValueError(f"model = {model!r} is not allowed (allowed: one of {', '.join(MODELS)})")
    if not prior_var > 0.0:
        raise ValueError(f"prior_var = {prior_var!r} is not allowed (allowed: a positive number)")
    if len(levels) != len(events):
        raise ValueError(
            f"levels has {len(levels)} entries but events has {len(events)} (allowed: equal lengths)"
        )
    for lv in levels:
        if isinstance(lv, bool) or int(lv) != lv or not 1 <= lv <= len(sk):
            raise ValueError(f"levels contains {lv!r} (allowed: whole numbers 1-{len(sk)})")
    for ev in events:
        if ev not in (0, 1):
            raise ValueError(f"events contains {ev!r} (allowed: 0 or 1)")
    if weights is not None:
        if len(weights) != len(levels):
            raise ValueError(
                f"weights has {len(weights)} entries but levels has {len(levels)} (allowed: equal)"
            )
        for w in weights:
            if not 0.0 <= w <= 1.0:
                raise ValueError(f"weights contains {w!r} (allowed: numbers in [0, 1])")


def posterior(
    skeleton: Sequence[float],
    levels: Sequence[int],
    events: Sequence[int],
    model: Model = "empiric",
    prior_var: float = DEFAULT_PRIOR_VAR,
    intercept: float = DEFAULT_INTERCEPT,
    weights: Sequence[float] | None = None,
    background: float = 0.0,
) -> Posterior:
    """Posterior of the CRM parameter beta on a quadrature grid.

    Parameters
    ----------
    skeleton : sequence of float
        Prior guesses of the event probability per level, increasing, in (0, 1).
    levels : sequence of int
        1-based level given to each observation.
    events : sequence of int
        1 if the observation had the event (aggravation, toxicity), else 0.
    model : {"empiric", "logistic"}
        Power model ``p_k ** exp(beta)`` or one-parameter logistic
        ``expit(a0 + exp(beta) * x_k)`` with ``x_k = logit(p_k) - a0``.
    prior_var : float
        Variance of the normal prior on beta (mean 0).
    intercept : float
        a0 of the logistic model.
    weights : sequence of float, optional
        TITE weights in [0, 1] for observations without the event (1 = fully observed).
    background : float
        Probability of the event without any dose, in [0, 1): an observation has the event
        with probability ``b + (1 - b) F(d, beta)``, so the model's ``F`` is the risk the dose
        adds. 0 (the default) is the plain CRM.

    Returns
    -------
    Posterior
        Grid nodes and normalised weights.

    Notes
    -----
    ``pi(beta | data) ∝ N(beta; 0, prior_var) * prod_i P_i^{y_i} (1 - w_i P_i)^{1 - y_i}`` with
    ``P_i = b + (1 - b) F_i``,
    evaluated in log space on ``_GRID_NODES`` points over +-12 prior SDs and
    normalised with the trapezoid rule (events ignore their weight: w = 1).

    References
    ----------
    Cheung YK. Dose Finding by the Continual Reassessment Method. CRC Press, 2011.

    Examples
    --------
    >>> post = posterior([0.05, 0.12, 0.25, 0.40, 0.55], [3, 3], [0, 0])
    >>> round(post.mean(), 3) > 0   # two uneventful observations push beta up
    True
    """
    _check_inputs(skeleton, 0.5, levels, events, model, prior_var, weights)
    if not 0.0 <= background < 1.0:
        raise ValueError(f"background = {background!r} is not allowed (allowed: a probability in [0, 1))")
    return _posterior(skeleton, levels, events, model, prior_var, intercept, weights, background)


def _posterior(
    skeleton: Sequence[float],
    levels: Sequence[int],
    events: Sequence[int],
    model: str,
    prior_var: float,
    intercept: float,
    weights: Sequence[float] | None,
    background: float = 0.0,
) -> Posterior:
    """:func:`posterior` on inputs already checked (each entry point checks them once)."""
    sk = np.asarray([float(p) for p in skeleton])
    sd = float(np.sqrt(prior_var))
    nodes = np.linspace(-_GRID_SDS * sd, _GRID_SDS * sd, _GRID_NODES)
    log_post = -0.5 * nodes**2 / prior_var
    if levels:
        idx = np.asarray([int(lv) - 1 for lv in levels])
        y = np.asarray([int(e) for e in events], dtype=np.float64)
        w = np.ones(len(idx)) if weights is None else np.asarray([float(x) for x in weights])
        w = np.where(y == 1.0, 1.0, w)
        # Observations with the same level, outcome and weight share a likelihood factor:
        # evaluate each distinct one once and raise it to its count (same product, fewer rows).
        rows, counts = np.unique(np.column_stack([idx, y, w]), axis=0, return_counts=True)
        idx, y, w = rows[:, 0].astype(np.intp), rows[:, 1], rows[:, 2]
        log_f = _log_dose_response(sk, nodes, model, intercept)[idx, :]  # distinct observations x nodes
        if background > 0.0:  # P = b + (1 - b) F: the event also happens without the dose
            log_f = np.log(background + (1.0 - background) * np.exp(log_f))
        with np.errstate(divide="ignore"):
            ll = np.where(y[:, None] == 1.0, log_f, np.log1p(-w[:, None] * np.exp(log_f)))
        log_post = log_post + counts @ ll
    dens = np.exp(log_post - np.max(log_post))
    trap = np.full(_GRID_NODES, nodes[1] - nodes[0])
    trap[[0, -1]] *= 0.5
    mass = dens * trap
    return Posterior(nodes, mass / mass.sum(), tuple(float(p) for p in sk), model, intercept)


def closest_level(p_event: Sequence[float], target: float) -> int:
    """dfcrm's recommendation: the 1-based level whose estimate is closest to ``target``.

    The top level when every estimate is at or below the target, level 1 when every
    estimate is at or above it; ties go to the lower level.

    Examples
    --------
    >>> closest_level([0.01, 0.03, 0.08, 0.18, 0.33], 0.25)
    4
    """
    p = np.asarray(p_event, dtype=np.float64)
    if np.all(p <= target):
        return len(p)
    if np.all(p >= target):
        return 1
    return int(np.argmin(np.abs(p - target))) + 1


def crm(
    skeleton: Sequence[float],
    target: float,
    levels: Sequence[int],
    events: Sequence[int],
    model: Model = "empiric",
    prior_var: float = DEFAULT_PRIOR_VAR,
    intercept: float = DEFAULT_INTERCEPT,
    weights: Sequence[float] | None = None,
) -> CrmResult:
    """One Bayesian CRM update, as ``dfcrm::crm(method="bayes")`` computes it.

    Parameters
    ----------
    target : float
        Target event probability.
    skeleton, levels, events, model, prior_var, intercept, weights
        As in :func:`posterior` (dfcrm's defaults: prior variance 1.34, intercept 3;
        ``weights=None`` means every outcome fully observed).

    Returns
    -------
    CrmResult
        ``recommended`` level, ``beta`` (posterior mean), ``beta_var``, ``p_event``.

    Notes
    -----
    ``beta_hat = ∫ beta L(beta) pi(beta) dbeta / ∫ L(beta) pi(beta) dbeta``,
    ``beta_var = E[beta^2] - beta_hat^2``, ``p_event_k = F(d_k, beta_hat)`` (plug-in,
    as dfcrm), ``recommended = argmin_k |p_event_k - target|`` (see :func:`closest_level`).
    No skipping or coherence restriction is applied here, exactly as in dfcrm's ``crm``.

    References
    ----------
    O'Quigley J, Pepe M, Fisher L. Biometrics 1990;46:33-48.
    Cheung YK. Dose Finding by the Continual Reassessment Method. CRC Press, 2011, p. 21.

    Examples
    --------
    Cheung (2011) p. 21, logistic model:

    >>> r = crm([0.05, 0.12, 0.25, 0.40, 0.55], 0.25, [3, 5, 5, 3, 4], [0, 0, 1, 0, 0], model="logistic")
    >>> r.recommended, round(r.beta, 2)
    (4, 0.28)
    """
    _check_inputs(skeleton, target, levels, events, model, prior_var, weights)
    post = _posterior(skeleton, levels, events, model, prior_var, intercept, weights)
    beta = post.mean()
    p_event = tuple(float(p) for p in post.curve(beta)[:, 0])
    return CrmResult(
        recommended=closest_level(p_event, target),
        beta=beta,
        beta_var=post.variance(),
        p_event=p_event,
        skeleton=tuple(float(p) for p in skeleton),
        target=float(target),
        model=model,
    )
