"""The n-of-1 model fitted by MCMC (emcee): the independent check of ``analysis.comparison``.

Same model, same prior, a different road: the AR(1) likelihood is written out directly
(stationary first day, then the conditional normal of each observed day given the previous
observed one, ``rho**gap``), no Prais-Winsten transform, no conjugacy, no grid; emcee's
affine-invariant ensemble sampler draws (beta, log sigma^2, rho). The tests and
``benchmarks/engine.py`` compare its P(benefit) with the exact grid posterior.

emcee is a dev-only dependency (``pip install .[test]``), so this is a test helper, not part of the
package: the tests import it (``from . import mcmc_reference``), ``benchmarks/engine.py`` puts its
folder on the path. Also holds ``synthetic_client``, the simple simulated diary of both.

Run ``python tests/analysis/mcmc_reference.py`` for a side-by-side on three simulated clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import emcee
import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln

from touchdose.analysis.comparison import DIARY_OUTCOMES, Prior
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session


def log_posterior(
    theta: NDArray[np.float64], days: NDArray[np.int64], y: NDArray[np.float64], X: NDArray[np.float64],
    prior: Prior,
) -> NDArray[np.float64]:
    """Log posterior (up to a constant) for walkers ``theta`` = (W, p + 2): beta, log sigma^2, rho."""
    theta = np.atleast_2d(theta)
    p = X.shape[1]
    beta, log_s2, rho = theta[:, :p], theta[:, p], theta[:, p + 1]
    out = np.full(len(theta), -np.inf)
    ok = np.abs(rho) < 1.0
    if not np.any(ok):
        return out
    beta, log_s2, rho = beta[ok], log_s2[ok], rho[ok]
    s2 = np.exp(log_s2)
    e = y[None, :] - beta @ X.T  # (W, n)
    gap = np.diff(days).astype(np.float64)
    r = rho[:, None] ** gap[None, :]
    stat_var = s2 / (1.0 - rho**2)  # variance of the stationary AR(1) process
    var = stat_var[:, None] * (1.0 - r**2)
    resid = e[:, 1:] - r * e[:, :-1]
    loglik = -0.5 * (np.log(2 * np.pi * stat_var) + e[:, 0] ** 2 / stat_var)
    loglik += -0.5 * np.sum(np.log(2 * np.pi * var) + resid**2 / var, axis=1)
    prec = prior.precision
    lp_beta = np.zeros(len(beta))
    for k in range(p):
        if prec[k] > 0:  # zero precision = flat
            lp_beta += 0.5 * np.log(prec[k] / (2 * np.pi * s2)) - 0.5 * prec[k] * beta[:, k] ** 2 / s2
    a0, b0 = prior.a0, prior.b0
    lp_s2 = a0 * np.log(b0) - gammaln(a0) - (a0 + 1.0) * log_s2 - b0 / s2
    out[ok] = loglik + lp_beta + lp_s2 + log_s2  # + log sigma^2: Jacobian of the log parameter
    return out


@dataclass(frozen=True)
class McmcFit:
    """Posterior draws of the effect (last coefficient) and rho."""

    effect: NDArray[np.float64]
    rho: NDArray[np.float64]
    acceptance: float

    def probabilities(self, mid: float, lower_is_better: bool = True) -> dict[str, float]:
        below, above = float(np.mean(self.effect <= -mid)), float(np.mean(self.effect >= mid))
        benefit, harm = (below, above) if lower_is_better else (above, below)
        return {"p_benefit": benefit, "p_harm": harm, "p_no_meaningful": 1.0 - benefit - harm,
                "effect": float(np.mean(self.effect))}  # fmt: skip


def fit(
    days: NDArray[np.int64], y: NDArray[np.float64], X: NDArray[np.float64], prior: Prior, *,
    walkers: int = 128, steps: int = 1500, burn: int = 500, seed: int = 0,
) -> McmcFit:
    """Run emcee from a small ball around the OLS fit; returns the draws after ``burn`` steps.

    emcee's default affine-invariant stretch move. Its integrated autocorrelation time here is
    about 30 steps with 128 walkers, so 128 x 1500 steps give roughly 6 000 effective draws (Monte
    Carlo SE of a probability <= 0.006). We tried the differential-evolution mixture (80 % DE,
    20 % snooker) for its faster mixing, but on client-years it came out under-dispersed (effect
    SD 0.169 against 0.184 exact; the stretch move gives 0.185), so the reference does not use it.
    """
    rng = np.random.default_rng(seed)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    rho0 = float(np.clip(np.corrcoef(resid[1:], resid[:-1])[0, 1], -0.9, 0.9))
    s2 = float(np.var(resid) * (1.0 - rho0**2))
    start = np.concatenate([beta, [np.log(s2), rho0]])
    ndim = len(start)
    p0 = start + 1e-2 * rng.standard_normal((walkers, ndim))
    sampler = emcee.EnsembleSampler(walkers, ndim, log_posterior, args=(days, y, X, prior), vectorize=True)
    sampler.random_state = np.random.RandomState(seed).get_state()  # emcee uses the legacy generator
    sampler.run_mcmc(p0, burn + steps, progress=False)
    chain = sampler.get_chain(discard=burn, flat=True)
    acceptance = float(np.mean(sampler.acceptance_fraction))
    return McmcFit(chain[:, X.shape[1] - 1].copy(), chain[:, -1].copy(), acceptance)


def synthetic_client(
    seed: int, *, days: int = 365, sessions: int = 50, effect: float = -1.0, rho: float = 0.5,
    sigma: float = 1.0, level: float = 6.0, trend_per_year: float = -0.5, baseline: int = 14,
    missing: float = 0.1, timezone: str = "Europe/Stockholm", integer: bool = True,
) -> ClientFile:
    """A simulated client: daily pain with AR(1) noise, a trend, and ``effect`` for 72 h after massage.

    Sessions fall on ``sessions`` distinct random days after a ``baseline`` of massage-free days;
    each diary day is missing with probability ``missing``; pain is rounded to whole points and
    kept within 0-10 when ``integer``. Sleep hours (higher better) move by ``-effect / 2`` hours.
    """
    rng = np.random.default_rng(seed)
    zone = ZoneInfo(timezone)
    start = datetime(2026, 1, 1, 9, tzinfo=zone)
    chosen = rng.choice(np.arange(baseline, days), size=min(sessions, days - baseline), replace=False)
    sdays = np.sort(chosen)
    # The effect lasts the 72 h after each session (at 10:00); each entry (at 20:00) reports the
    # average of the 24 h before it, so it carries the effect for the hours of those 24 that fall
    # in a 72 h span: counted hour by hour here.
    hourly = np.zeros(24 * (days + 4), dtype=bool)
    for s in sdays:
        hourly[24 * s + 10 : 24 * s + 10 + 72] = True
    exposed = np.array([hourly[24 * d + 20 - 24 : 24 * d + 20].mean() if d > 0 else 0.0 for d in range(days)])
    e = np.empty(days)
    e[0] = rng.normal(0.0, sigma / np.sqrt(1 - rho**2))
    for t in range(1, days):
        e[t] = rho * e[t - 1] + rng.normal(0.0, sigma)
    t_years = np.arange(days) / 365.25
    pain = level + trend_per_year * t_years + effect * exposed + e
    sleep = 7.0 - 0.5 * effect * exposed + 0.6 * e + rng.normal(0, 0.3, days)
    if integer:
        pain = np.clip(np.rint(pain), 0, 10)
    pain_int = np.clip(np.rint(pain), 0, 10).astype(int)
    sleep_half = np.clip(np.round(sleep * 2) / 2, 0, 24)
    checkins = tuple(
        CheckIn(start + timedelta(days=d, hours=11), pain=int(pain_int[d]), sleep_hours=float(sleep_half[d]))
        for d in range(days)
        if rng.random() >= missing
    )
    sess = tuple(Session(start + timedelta(days=int(s), hours=1), pressure=2, minutes=45) for s in sdays)
    profile = ClientProfile(id=f"sim-{seed}", timezone=timezone)
    return ClientFile(profile, sessions=sess, checkins=checkins)


def _demo() -> dict[str, Any]:
    from touchdose.analysis.comparison import DEFAULT_PRIOR, compare, design

    out = {}
    for seed, eff in ((1, -1.0), (2, 0.0), (3, 1.2)):
        cf = synthetic_client(seed, days=120, sessions=15, effect=eff)
        d = design(cf)
        m = fit(d.days, d.y, d.X, DEFAULT_PRIOR, seed=seed)
        c = compare(cf)
        mcmc = m.probabilities(DIARY_OUTCOMES["pain"].mid)
        out[seed] = {"grid": c.to_dict(), "mcmc": mcmc, "acc": m.acceptance}
    return out


if __name__ == "__main__":
    for k, v in _demo().items():
        print(k, v)
