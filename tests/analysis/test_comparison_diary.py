"""Issue 17's comparison: the weekday term and the late look, checked against statsmodels and
against the marginal likelihood written out directly; the attribution tests are in
test_comparison.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import patsy
import pytest
import statsmodels.api as sm
from scipy.special import gammaln

from touchdose.analysis import _ar1
from touchdose.analysis._exposure import _weekday_columns
from touchdose.analysis.comparison import (
    DEFAULT_PRIOR,
    WEEKDAY_PRIOR,
    CompareOptions,
    Comparison,
    compare,
    design,
)
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

from . import mcmc_reference as REF
from .diaries import twice_a_week, with_sessions

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)


def _diary(
    seed: int, *, weeks: int = 20, baseline_weeks: int = 3, weekend: float = 0.0, effect: float = 0.0,
    late: float = 0.0, session_weekday: int = 0, rho: float = 0.5, sd: float = 0.8,
) -> ClientFile:
    """Evening entries (20:00) over ``weeks`` weeks, weekly 10:00 sessions on ``session_weekday``
    after ``baseline_weeks``; pain = 6 + AR(1) + ``weekend`` on Sat/Sun + ``effect`` during the 72 h
    after a session (each entry averages the 24 h before it) + ``late`` on the entry 82 h after."""
    rng = np.random.default_rng(seed)
    n = 7 * weeks
    e = np.empty(n)
    e[0] = rng.normal(0, sd)
    for t in range(1, n):
        e[t] = rho * e[t - 1] + rng.normal(0, sd * np.sqrt(1 - rho**2))
    day = np.arange(n)
    session_days = [d for d in day if d >= 7 * baseline_weeks and d % 7 == session_weekday]
    since = np.full(n, 99)
    for s in session_days:
        since[s:] = np.minimum(since[s:], day[s:] - s)
    # The evening entries 10, 34, 58 and 82 h after a session hold 10, 24, 24 and 14 of its 72 h.
    share = np.select([since == 0, since <= 2, since == 3], [10 / 24, 1.0, 14 / 24], 0.0)
    pain = 6 + e + weekend * (day % 7 >= 5) + effect * share + late * (since == 3)
    checkins = tuple(
        CheckIn(MONDAY + timedelta(days=int(d), hours=20), pain=int(np.clip(np.rint(p), 0, 10)))
        for d, p in zip(day, pain, strict=True)
    )
    sessions = tuple(
        Session(MONDAY + timedelta(days=int(s), hours=10), pressure=2, minutes=45) for s in session_days
    )
    return ClientFile(ClientProfile(id=f"d-{seed}"), sessions=sessions, checkins=checkins)


# --- The weekday term: coding and conditional posterior against statsmodels -------------------


def test_weekday_columns_are_patsys_sum_coding() -> None:
    # statsmodels' formulas code a categorical with C(x, Sum): level j -> unit column j, the last
    # level -> all -1 (deviation from the mean of the weekdays). Ours is the same matrix.
    weekday = np.array([0, 1, 2, 3, 4, 5, 6, 6, 2])
    expected = np.asarray(patsy.dmatrix("C(w, Sum) - 1", pd.DataFrame({"w": weekday}))).astype(float)
    # Without the intercept patsy gives full dummies; with it, Sum coding drops to 6 columns:
    with_intercept = np.asarray(patsy.dmatrix("C(w, Sum)", pd.DataFrame({"w": weekday})))[:, 1:]
    np.testing.assert_array_equal(_weekday_columns(weekday), with_intercept)
    assert expected.shape[1] == 7


@pytest.mark.parametrize("rho", [0.0, 0.4, 0.8])
def test_weekday_design_posterior_is_statsmodels_gls(rho: float) -> None:
    # With flat priors (a0 = -p/2) the conditional posterior given rho is centred on the GLS
    # estimate with the AR(1) covariance over the described days (gaps and washout included),
    # its scale the GLS standard error: statsmodels GLS with the weekday columns appended.
    d = design(_diary(3, weekend=1.5), weekday=True)
    assert d.weekday is not None
    X = np.column_stack([d.X, d.weekday])
    p = X.shape[1]
    gls = sm.GLS(d.y, X, sigma=rho ** np.abs(d.days[:, None] - d.days[None, :]) / (1 - rho**2)).fit()
    post = _ar1.grid_posterior(_ar1.gap_stats(d.days, X, d.y), np.zeros(p), -p / 2, 0.0, np.array([rho]))
    np.testing.assert_allclose(post.mean[0, 0], gls.params, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(post.scale[0, 0], gls.bse, rtol=1e-8)


def test_nested_model_from_shared_moments_equals_its_own_fit() -> None:
    # The model without weekdays is solved from the wider model's cross-products: identical.
    d = design(_diary(4), weekday=True)
    assert d.weekday is not None
    rho = _ar1.rho_grid(50)
    wide = _ar1.moments(_ar1.gap_stats(d.days, np.column_stack([d.X, d.weekday]), d.y), rho)
    small = _ar1.grid_posterior(wide, DEFAULT_PRIOR.precision, 1.0, 1.0, columns=[0, 1, 2])
    alone = _ar1.grid_posterior(_ar1.gap_stats(d.days, d.X, d.y), DEFAULT_PRIOR.precision, 1.0, 1.0, rho)
    for name in ("weights", "mean", "scale", "log_evidence"):
        np.testing.assert_allclose(getattr(small, name), getattr(alone, name), rtol=1e-10, atol=1e-12)


def _direct_log_evidence(days: np.ndarray, X: np.ndarray, y: np.ndarray, prec: np.ndarray,
                         a0: float, b0: float, grid: np.ndarray) -> float:  # fmt: skip
    """log mean_g p(y | rho_g), every constant kept: y ~ multivariate t from N(0, s2 (Omega + X V0 X'))
    with s2 ~ IG(a0, b0) (the normal-inverse-gamma marginal written out)."""
    n = len(y)
    out = []
    for r in grid:
        S = r ** np.abs(days[:, None] - days[None, :]) / (1 - r**2) + X @ np.diag(1 / prec) @ X.T
        q = y @ np.linalg.solve(S, y)
        out.append(gammaln(a0 + n / 2) - gammaln(a0) - n / 2 * np.log(2 * np.pi * b0)
                   - 0.5 * np.linalg.slogdet(S)[1] - (a0 + n / 2) * np.log1p(q / (2 * b0)))  # fmt: skip
    v = np.array(out)
    return float(np.log(np.mean(np.exp(v - v.max()))) + v.max())


def test_the_bayes_factor_for_the_weekday_term_is_the_direct_marginal_likelihood_ratio() -> None:
    # GridPosterior.log_evidence differs from the full log marginal likelihood by a constant
    # that two designs of the same y share, so the difference is the log Bayes factor.
    d = design(_diary(5, weeks=8, weekend=1.0), weekday=True)
    assert d.weekday is not None
    grid = np.array([-0.3, 0.2, 0.5, 0.8])
    small_prec = DEFAULT_PRIOR.precision_for(d.X.shape[1])
    wide_prec = DEFAULT_PRIOR.precision_for(d.X.shape[1] + 6, weekday=True)
    X_wide = np.column_stack([d.X, d.weekday])
    small = _ar1.grid_posterior(_ar1.gap_stats(d.days, d.X, d.y), small_prec, 1.0, 1.0, grid)
    wide = _ar1.grid_posterior(_ar1.gap_stats(d.days, X_wide, d.y), wide_prec, 1.0, 1.0, grid)
    assert small.log_evidence is not None and wide.log_evidence is not None
    ours = float(wide.log_evidence[0] - small.log_evidence[0])
    direct = (_direct_log_evidence(d.days, X_wide, d.y, wide_prec, 1.0, 1.0, grid)
              - _direct_log_evidence(d.days, d.X, d.y, small_prec, 1.0, 1.0, grid))  # fmt: skip
    assert ours == pytest.approx(direct, abs=1e-8)


# --- The weekday term at work -----------------------------------------------------------------


def test_a_weekly_rhythm_is_taken_up_and_no_rhythm_is_not() -> None:
    rhythm = [compare(_diary(s, weekend=2.0)) for s in range(6)]
    flat = [compare(_diary(s)) for s in range(6)]
    assert all(isinstance(c, Comparison) and c.p_weekday is not None for c in rhythm + flat)
    assert min(c.p_weekday for c in rhythm) > 0.9  # type: ignore[union-attr,type-var]
    assert np.mean([c.p_weekday for c in flat]) < 0.2  # type: ignore[union-attr]
    assert WEEKDAY_PRIOR == 0.5


def test_monday_sessions_and_a_weekend_rise_no_longer_look_like_relief() -> None:
    # Sessions every Monday, pain 2 points higher at weekends, massage does nothing: the
    # massage-free days (Fri-Sun) hold both weekend days, so without the weekday term the
    # massage days (Mon-Wed) look better; with it the effect is near zero.
    with_term, without = [], []
    for s in range(8):
        cf = _diary(s, weekend=2.0)
        a = compare(cf)
        b = compare(cf, options=CompareOptions(weekday=False))
        assert isinstance(a, Comparison) and isinstance(b, Comparison)
        with_term.append(a.effect)
        without.append(b.effect)
    assert np.mean(without) < -0.7
    assert abs(np.mean(with_term)) < 0.3


def test_a_true_effect_survives_the_weekday_term() -> None:
    # -1.5 for 72 h after each session, a weekend rise, sessions on a different weekday per client.
    effects = []
    for s in range(8):
        c = compare(_diary(s, effect=-1.5, weekend=1.0, session_weekday=s % 7))
        assert isinstance(c, Comparison) and c.p_weekday is not None
        effects.append(c.effect)
    assert np.mean(effects) == pytest.approx(-1.5, abs=0.25)


def test_the_weekday_term_waits_for_enough_weeks() -> None:
    # Each weekday must be massage-free on MIN_WEEKDAY_WEEKS (3) kept days. With Monday sessions
    # Monday to Thursday are massage-free only before the first session: three weeks of
    # baseline give three of each, two do not.
    assert design(_diary(1, weeks=8, baseline_weeks=2)).weekday is None
    assert design(_diary(1, weeks=8, baseline_weeks=3)).weekday is not None
    # Sessions every Monday from day 0: Mondays are never massage-free, the term cannot enter.
    assert design(_diary(1, weeks=10, baseline_weeks=0)).weekday is None
    assert design(_diary(1), weekday=False).weekday is None


# --- The late look --------------------------------------------------------------------------


def test_the_late_look_sees_harm_on_day_3_that_the_comparison_leaves_out() -> None:
    # 2 points more pain on the entry 82 h after each session (the 72 h look's window), nothing
    # on the massage days: the comparison proper cannot see it (that entry is washout), the
    # late look does; a diary without it shows no late harm.
    harmed = [compare(_diary(s, late=2.0, session_weekday=s % 7)) for s in range(6)]
    clean = [compare(_diary(s, session_weekday=s % 7)) for s in range(6)]
    for c in harmed + clean:
        assert isinstance(c, Comparison) and c.late is not None
    assert min(c.late.p_harm for c in harmed) > 0.8  # type: ignore[union-attr]
    assert max(c.late.p_harm for c in clean) < 0.2  # type: ignore[union-attr]
    assert np.mean([c.late.effect for c in harmed]) == pytest.approx(2.0, abs=0.4)  # type: ignore[union-attr]
    assert compare(_diary(0), options=CompareOptions(late_look=False)).late is None  # type: ignore[union-attr]


def test_the_late_look_design_has_its_own_labels() -> None:
    d = design(_diary(2))
    assert d.late is not None
    late_since = d.late.X[:, 3] > 0
    assert d.late.X.shape[1] == 4 and late_since.any()
    # The late entries are the evenings 82 h after a session (Thursday for Monday sessions).
    described = [(MONDAY + timedelta(days=int(x))).weekday() for x in d.late.days[late_since]]
    assert set(described) == {3}


def test_the_late_look_reads_an_entry_for_the_hours_it_covers() -> None:
    # Sessions at 10:00 on days 14 and 17 (3 days apart), entries at 20:00. The day-17 entry
    # covers 58-82 h after the first session and the first 10 h after the second: 2 + 10 hours
    # within 60 h of a session (early), the 12 hours 60-72 h after the first one late.
    d = design(with_sessions(twice_a_week(14, 17), 21))
    assert d.late is not None
    row = d.late.X[list(d.late.days).index(17)]
    assert row[2] == pytest.approx(12 / 24) and row[3] == pytest.approx(12 / 24)


def test_a_twice_weekly_benefit_holds_against_the_late_looks_clean_days() -> None:
    # 2 points less pain for 72 h after each session, twice a week with one 14-day break: the
    # late look's early coefficient finds the benefit the comparison finds (it used to be about
    # half of it: the session-day entries' late hours counted as clean), so the check that the
    # benefit does not come from late harm passes.
    sessions = twice_a_week(21, 49) + twice_a_week(63, 116)
    effects = []
    for seed in range(1, 5):
        c = compare(with_sessions(sessions, 120, effect=-2.0, seed=seed))
        assert isinstance(c, Comparison) and c.late is not None
        assert c.late.p_benefit_early > 0.95 and c.late.p_harm < 0.05
        effects.append(c.effect)
    assert np.mean(effects) == pytest.approx(-2.0, abs=0.4)


# --- MCMC: the wider model by another road (slow) -----------------------------------------


class _WidePrior:
    def __init__(self, precision: np.ndarray) -> None:
        self.precision, self.a0, self.b0 = precision, DEFAULT_PRIOR.a0, DEFAULT_PRIOR.b0


@pytest.mark.slow
def test_the_weekday_model_matches_mcmc() -> None:
    d = design(_diary(7, weeks=14, weekend=1.5, effect=-1.0), weekday=True)
    assert d.weekday is not None
    X = np.column_stack([d.X, d.weekday])
    prec = DEFAULT_PRIOR.precision_for(X.shape[1], weekday=True)
    post = _ar1.grid_posterior(_ar1.gap_stats(d.days, X, d.y), prec, 1.0, 1.0, _ar1.rho_grid())
    args = (post.weights, post.mean[..., 2], post.scale[..., 2], post.df)
    p_benefit = float(_ar1.mixture_cdf(np.array([-1.0]), *args)[0])
    # The reference samples the last column as the effect: move the effect there.
    order = [0, 1, *range(3, X.shape[1]), 2]
    mcmc = REF.fit(d.days, d.y, X[:, order], _WidePrior(prec[order]), seed=7)
    assert 0.2 < mcmc.acceptance < 0.8
    assert p_benefit == pytest.approx(mcmc.probabilities(1.0)["p_benefit"], abs=0.02)
    effect = float(np.sum(post.weights[0] * post.mean[0, :, 2]))
    assert effect == pytest.approx(float(mcmc.effect.mean()), abs=0.02)
