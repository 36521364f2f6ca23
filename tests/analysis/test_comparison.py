"""The n-of-1 comparison: reference values, statsmodels point estimates, refusals, invariants.

The MCMC check of the posterior is in test_comparison_mcmc.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchdose.analysis import _ar1
from touchdose.analysis._exposure import _labels
from touchdose.analysis.comparison import (
    DIARY_OUTCOMES,
    MIN_BASELINE_DAYS,
    CompareOptions,
    Comparison,
    Prior,
    Refusal,
    compare,
    compare_all,
    compare_all_batch,
    compare_batch,
    design,
)
from touchdose.analysis.diary import daily_values
from touchdose.instruments.change import MID_POINTS
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

from . import mcmc_reference as REF

FLAT = Prior(intercept_precision=0.0, trend_precision=0.0, effect_precision=0.0, a0=1e-9, b0=0.0)

# nof1ins README example (docs/references.md section 3.2): 28 days, ABAB 7-day blocks, two missing.
NOF1_Y = [9, 9, 10, 11, 9, 7, 6, 6, 6, 6, 5, 5, 6, 4, 6, 6, 7, 7, 9, 8, 8, 7, None, 6, 6, 7, None, 8]
NOF1_B = np.repeat([0, 1, 0, 1], 7)


def _nof1() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    days = np.array([i for i, v in enumerate(NOF1_Y) if v is not None])
    y = np.array([v for v in NOF1_Y if v is not None], dtype=float)
    return days, np.column_stack([np.ones(len(days)), NOF1_B[days]]), y


def _client(
    pain: list[int | None], session_days: list[int], tz: str = "UTC", **extra: list[float]
) -> ClientFile:
    t0 = datetime(2026, 2, 1, 9, tzinfo=UTC)
    checkins = []
    for d, p in enumerate(pain):
        if p is None:
            continue
        fields = {k: v[d] for k, v in extra.items()}
        checkins.append(CheckIn(t0 + timedelta(days=d, hours=10), pain=p, **fields))
    sessions = tuple(Session(t0 + timedelta(days=d, hours=1), pressure=2, minutes=45) for d in session_days)
    return ClientFile(ClientProfile(id="c-test", timezone=tz), sessions=sessions, checkins=tuple(checkins))


# --- Published reference values ----------------------------------------------------------


def test_ols_at_rho_zero_matches_the_nof1ins_reference() -> None:
    # docs/references.md 3.2 (DERIVED from the nof1ins README data): OLS mean model B-A = -2.000,
    # SE 0.5327, df 24; with flat priors the posterior is t24: P(<0) = 0.9995, P(<-1) = 0.9637,
    # P(<-2) = 0.5000. A Jeffreys-type prior (flat beta, a0 = -p/2, b0 = 0) gives exactly t_{n-p}.
    days, X, y = _nof1()
    post = _ar1.grid_posterior(_ar1.gap_stats(days, X, y), np.zeros(2), -1.0, 0.0, np.array([0.0]))
    assert post.mean[0, 0, 1] == pytest.approx(-2.000, abs=5e-4)
    assert post.scale[0, 0, 1] == pytest.approx(0.5327, abs=5e-5)
    assert post.df[0] == 24
    args = (post.weights, post.mean[..., 1], post.scale[..., 1], post.df)
    for x, p in ((0.0, 0.9995), (-1.0, 0.9637), (-2.0, 0.5000)):
        assert _ar1.mixture_cdf(np.array([x]), *args)[0] == pytest.approx(p, abs=5e-5)


def test_gls_at_rho_matches_sarimax_reference_with_missing_days() -> None:
    # docs/references.md 3.2: statsmodels SARIMAX(Y, exog=[1, B], order=(1,0,0)) with the two
    # missing days: B-A = -1.1907 at AR(1) = 0.7004. Given rho, the ML estimate of beta is the
    # exact GLS estimate, which our transform reproduces across the gaps.
    days, X, y = _nof1()
    post = _ar1.grid_posterior(_ar1.gap_stats(days, X, y), np.zeros(2), 1.0, 1.0, np.array([0.7004]))
    assert post.mean[0, 0, 1] == pytest.approx(-1.1907, abs=5e-4)


def test_marginal_likelihood_equals_the_direct_multivariate_t() -> None:
    # Independent formula: y ~ multivariate t from N(X b, s2 (Omega + X V0 X')) with s2 ~ IG.
    rng = np.random.default_rng(3)
    days = np.sort(rng.choice(90, 50, replace=False))
    X = np.column_stack([np.ones(50), days / 365.25, rng.random(50) < 0.4])
    y = X @ [5.0, -1.0, -1.0] + rng.normal(0, 1, 50)
    prec, a0, b0 = np.array([1e-2, 1e-2, 0.25]), 1.0, 1.0
    grid = np.array([-0.5, 0.0, 0.3, 0.8])
    post = _ar1.grid_posterior(_ar1.gap_stats(days, X, y), prec, a0, b0, grid)
    logml = []
    for r in grid:
        S = r ** np.abs(days[:, None] - days[None, :]) / (1 - r**2) + X @ np.diag(1 / prec) @ X.T
        q = y @ np.linalg.solve(S, y)
        logml.append(-0.5 * np.linalg.slogdet(S)[1] - (a0 + 25) * np.log1p(q / (2 * b0)))
    w = np.exp(np.array(logml) - max(logml))
    np.testing.assert_allclose(post.weights[0], w / w.sum(), rtol=1e-9)


# --- statsmodels point estimates on fixtures ----------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("rho", [0.0, 0.35, 0.7, -0.3])
def test_conditional_posterior_is_statsmodels_gls(seed: int, rho: float) -> None:
    # Flat beta, a0 = -p/2: the posterior given rho is centred on GLS with the AR(1) covariance
    # over calendar days (gaps and washout days included) and its scale is the GLS standard error.
    d = design(REF.synthetic_client(seed, days=150, sessions=20, missing=0.2))
    gls = sm.GLS(d.y, d.X, sigma=rho ** np.abs(d.days[:, None] - d.days[None, :]) / (1 - rho**2)).fit()
    post = _ar1.grid_posterior(_ar1.gap_stats(d.days, d.X, d.y), np.zeros(3), -1.5, 0.0, np.array([rho]))
    np.testing.assert_allclose(post.mean[0, 0], gls.params, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(post.scale[0, 0], gls.bse, rtol=1e-9)


@pytest.mark.parametrize("seed", [4, 5])
def test_default_prior_at_rho_zero_approaches_ols(seed: int) -> None:
    # The default prior is weak: on a client-year at rho = 0 the effect is OLS to 0.01 points.
    cf = REF.synthetic_client(seed, days=365, sessions=50, rho=0.0)
    d = design(cf)
    ols = sm.OLS(d.y, d.X).fit()
    c = compare(cf, options=CompareOptions(rho_grid=np.array([0.0])))
    assert isinstance(c, Comparison)
    assert c.effect == pytest.approx(ols.params[2], abs=0.01)
    lo, hi = ols.conf_int()[2]
    assert c.ci95[0] == pytest.approx(lo, abs=0.02) and c.ci95[1] == pytest.approx(hi, abs=0.02)


@pytest.mark.parametrize("seed", [6, 7, 8])
def test_rho_marginal_effect_is_close_to_glsar(seed: int) -> None:
    # Consecutive days (no missing entries, washout = window - 1 so no day is dropped): GLSAR's
    # iterated Cochrane-Orcutt fit (drops day 1) estimates the same model by another route.
    cf = REF.synthetic_client(seed, days=365, sessions=50, rho=0.6, missing=0.0, integer=False)
    d = design(cf, washout_days=2)
    assert np.all(np.diff(d.days) == 1)
    glsar = sm.GLSAR(d.y, d.X, rho=1).iterative_fit(maxiter=50)
    c = compare(cf, options=CompareOptions(washout_days=2))
    assert isinstance(c, Comparison)
    assert c.effect == pytest.approx(glsar.params[2], abs=0.03)
    assert c.rho == pytest.approx(float(glsar.model.rho[0]), abs=0.05)


@pytest.mark.parametrize(("days", "rho"), [(60, 0.3), (365, 0.5), (1000, 0.8), (365, 0.95)])
def test_the_default_grid_is_fine_enough(days: int, rho: float) -> None:
    # 200 cells against 4000: the midpoint rule on a smooth posterior of rho; every reported
    # number agrees to 1e-5, far below the 4 printed decimals (measured worst case 3.5e-6).
    cf = REF.synthetic_client(days, days=days, sessions=days // 7, rho=rho)
    coarse, fine = compare(cf), compare(cf, options=CompareOptions(rho_grid=_ar1.rho_grid(4000)))
    assert isinstance(coarse, Comparison) and isinstance(fine, Comparison)
    for name in ("effect", "p_benefit", "p_harm", "rho"):
        assert getattr(coarse, name) == pytest.approx(getattr(fine, name), abs=1e-5)
    assert coarse.ci95 == pytest.approx(fine.ci95, abs=1e-5)


def test_effect_is_recovered_on_simulated_clients() -> None:
    # 95 % intervals should contain the true effect in about 95 % of 40 simulated client-years.
    cfs = [REF.synthetic_client(s, effect=-1.0, rho=0.5) for s in range(40)]
    results = compare_batch(cfs)
    covered = sum(1 for r in results if isinstance(r, Comparison) and r.ci95[0] <= -1.0 <= r.ci95[1])
    assert covered >= 34  # binomial(40, 0.95): P(<= 33) < 0.01
    assert np.mean([r.effect for r in results if isinstance(r, Comparison)]) == pytest.approx(-1.0, abs=0.1)


# --- Output contract -------------------------------------------------------------------


def test_to_dict_is_exactly_the_formats_object() -> None:
    c = compare(REF.synthetic_client(11))
    assert isinstance(c, Comparison)
    out = c.to_dict()
    # docs/formats.md's keys, then the ones added since ("stable keys; more may be added").
    formats = ["effect", "ci95", "p_benefit", "p_harm", "p_no_meaningful", "mid"]
    assert list(out) == [*formats, "meaningful", "late"]
    assert out["mid"] == MID_POINTS  # IMMPACT 1 point, owned by instruments.change
    assert out["ci95"][0] < out["effect"] < out["ci95"][1]
    assert list(out["late"]) == ["effect", "ci95", "p_harm", "p_benefit_early"]


def test_the_meaningful_change_is_2_points_or_30_percent_of_usual_pain() -> None:
    # Farrar 2001 / Mease 2011: 2 points or 30 %, either. Usual pain 6 -> 1.8 points; usual 8
    # -> 2 points; the 1-point MID stays the threshold of p_benefit.
    for level, expected in ((6.0, 1.8), (8.0, 2.0), (2.0, 1.0)):
        c = compare(REF.synthetic_client(11, level=level, effect=-1.5, integer=False, trend_per_year=0.0))
        assert isinstance(c, Comparison) and c.meaningful is not None
        assert c.meaningful.points == pytest.approx(expected, abs=0.1)
        assert c.meaningful.p_benefit <= c.p_benefit
        assert c.meaningful.share == pytest.approx(-c.effect / c.meaningful.points)
        assert c.mid == MID_POINTS
    sleep = compare(REF.synthetic_client(11), "sleep_hours")
    assert isinstance(sleep, Comparison) and sleep.meaningful is None


def test_compare_all_reports_every_outcome_and_refusal_reasons() -> None:
    s = compare_all(REF.synthetic_client(12))
    out = s.to_dict()
    assert list(out) == ["pain", "sleep_hours", "fatigue", "mood"]
    assert out["pain"] is not None and out["sleep_hours"] is not None
    assert out["sleep_hours"]["mid"] == DIARY_OUTCOMES["sleep_hours"].mid
    assert out["fatigue"] is None and out["mood"] is None
    assert s.refusals["fatigue"].reasons == ("No fatigue entries in the diary.",)
    assert s.refusals["mood"].needs == ("daily mood entries",)


def test_batch_equals_one_by_one() -> None:
    cfs = [REF.synthetic_client(s, days=200, sessions=25) for s in range(5)] + [_client([5] * 3, [])]
    batch = compare_batch(cfs, chunk=2)
    for cf, b in zip(cfs, batch, strict=True):
        one = compare(cf)
        if isinstance(one, Refusal):
            assert b == one
            continue
        assert isinstance(b, Comparison)  # equal up to grid points of weight < 1e-14 dropped per block
        for name in ("effect", "p_benefit", "p_harm", "p_no_meaningful", "rho"):
            assert getattr(b, name) == pytest.approx(getattr(one, name), abs=1e-10)
        assert b.ci95 == pytest.approx(one.ci95, abs=1e-9)
    sets = compare_all_batch(cfs, chunk=3)
    for cf, s in zip(cfs, sets, strict=True):
        assert s.to_dict() == compare_all(cf).to_dict()


# --- Refusals -----------------------------------------------------------------------------


def _weekly(baseline: int, weeks: int, pain: int = 5) -> tuple[list[int | None], list[int]]:
    n = baseline + 7 * weeks
    return [pain + (d % 3 == 0) for d in range(n)], [baseline + 7 * w for w in range(weeks)]


def test_short_baseline_is_refused_and_says_what_is_missing() -> None:
    pain, sessions = _weekly(baseline=4, weeks=6)
    r = compare(_client(pain, sessions))
    assert isinstance(r, Refusal)
    expected = f"Only 4 massage-free diary days with pain in one stretch ({MIN_BASELINE_DAYS} needed)"
    assert r.reasons[0].startswith(expected)
    assert "regression to the mean" in r.reasons[0]
    # The open stretch after the last session (day 39) has days 43-45 massage-free: 3 of 7.
    assert r.needs == ("4 more diary days without massage before the next session",)


def test_baseline_before_any_session() -> None:
    r = compare(_client([5, 6, 5], []))
    assert isinstance(r, Refusal)
    assert r.needs[0] == "4 more diary days without massage before the first massage session"
    assert "alternated 0 times" in r.reasons[1]


def test_a_later_break_serves_as_baseline() -> None:
    pain, sessions = _weekly(baseline=3, weeks=4)
    pain += [5, 6, 5, 5, 6, 5, 5, 6, 5, 5, 6]  # an 11-day break: days 3-10 after are massage-free
    n = len(pain)
    pain2, sessions2 = _weekly(baseline=0, weeks=3)
    pain += pain2
    sessions += [n + s for s in sessions2]
    assert isinstance(compare(_client(pain, sessions)), Comparison)


def test_exposure_that_never_varies_is_refused() -> None:
    # A massage every other day after the baseline: exposed every day, one single switch. More
    # sessions would never help: only a planned break can (issue 11, docs/design.md item 5).
    pain = [6] * 10 + [4, 5] * 20
    r = compare(_client(pain, list(range(10, 50, 2))))
    assert isinstance(r, Refusal) and r.pause_needed and (r.need, r.days) == ("break", 5)
    assert r.reasons == (
        "Massage days and massage-free days have not alternated: the sessions are too close "
        "together for any massage-free days between them.",
    )
    assert r.needs[0].startswith("one planned break from massage with at least 5 massage-free diary days")


def test_weekly_sessions_with_too_few_switches_ask_for_more_sessions() -> None:
    pain, sessions = _weekly(baseline=10, weeks=1)
    r = compare(_client(pain, sessions))
    assert isinstance(r, Refusal) and not r.pause_needed
    assert "alternated 1 time (3 needed)" in r.reasons[0]
    assert r.needs[0].startswith("2 more sessions in different weeks")
    assert (r.need, r.sessions) == ("alternation", 2)


def test_an_a_b_a_b_design_with_enough_days_in_each_phase_is_accepted() -> None:
    # Twice a week (every 3-4 days: no massage-free days), one 12-day break, twice a week again:
    # two massage episodes only, but three phase changes of >= 5 days each (Kratochwill 2010).
    first = [14, 17, 21, 24, 28, 31]
    second = [43, 46, 50, 53]
    pain = [6 - 2 * any(0 <= d - s < 3 for s in first + second) for d in range(57)]
    r = compare(_client(pain, first + second))
    assert isinstance(r, Comparison) and r.episodes == 2
    assert r.effect < -1.5 and r.p_benefit > 0.9
    # The same design cut short after the break: the last phase has too few days, and says so.
    short = compare(_client(pain[:46], [*first, 43]))
    assert isinstance(short, Refusal) and short.need == "phase" and short.days == 2
    assert not short.pause_needed


def test_massage_days_without_diary_entries_do_not_count() -> None:
    pain, sessions = _weekly(baseline=10, weeks=6)
    # Entries 0-3 days after a session cover hours within the 72 h after it (day 3's 24 h reach
    # back into them): blanking all four leaves no exposed entry after the first session.
    blanked: list[int | None] = [None if any(0 <= d - s < 4 for s in sessions[1:]) else p
                                 for d, p in enumerate(pain)]  # fmt: skip
    r = compare(_client(blanked, sessions))
    assert isinstance(r, Refusal) and "alternated 1 time" in r.reasons[0]


def test_refusal_thresholds_are_configurable() -> None:
    pain, sessions = _weekly(baseline=4, weeks=6)
    assert isinstance(
        compare(_client(pain, sessions), options=CompareOptions(min_baseline_days=4)), Comparison
    )
    assert isinstance(
        compare(_client(pain, sessions), options=CompareOptions(min_baseline_days=4, min_episodes=7)), Refusal
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mids": {"pain": 0}}, r"mid = 0 is not allowed \(allowed: a number of points > 0\)"),
        ({"min_baseline_days": 0}, r"min_baseline_days = 0 is not allowed"),
        ({"window_days": 3, "washout_days": 1}, r"washout_days = 1 is not allowed .*>= window_days - 1 = 2"),
        ({"rho_grid": np.array([1.0])}, r"rho_grid is not allowed"),
    ],
)
def test_bad_options_name_the_field(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compare(_client([5] * 20, [10]), options=CompareOptions(**kwargs))  # type: ignore[arg-type]


def test_a_bad_outcome_names_the_field() -> None:
    with pytest.raises(ValueError, match=r"outcome = 'stress' is not allowed \(allowed: one of pain"):
        compare(_client([5] * 20, [10]), "stress")


def test_a_bad_prior_names_the_field() -> None:
    message = r"prior: effect_precision = -1.0 is not allowed \(allowed: a number >= 0\)"
    with pytest.raises(ValueError, match=message):
        Prior(effect_precision=-1.0)


def test_entry_labels_come_from_the_hours_since_the_last_session() -> None:
    # Main comparison (window 3 days, washout 3): exposed < 72 h after a session, washout 72-96 h,
    # free from 96 h. Late look: < 60 h its own, 60-144 h late (the caller then leaves out 84-144 h),
    # free from 144 h.
    since = np.array([np.inf, 0.5, 59.9, 71.9, 72.0, 95.9, 96.0, 143.9, 144.0])
    assert _labels(since, 72, 96).tolist() == [0, 1, 1, 1, -1, -1, 0, 0, 0]
    assert _labels(since, 60, 144, 60).tolist() == [0, 1, 1, 2, 2, 2, 2, 2, 0]


def _entries_at(hour: int, days: int, session_day: int, session_hour: int = 10) -> ClientFile:
    t0 = datetime(2026, 2, 2, tzinfo=UTC)
    checkins = tuple(CheckIn(t0 + timedelta(days=d, hours=hour), pain=5) for d in range(days))
    session = Session(t0 + timedelta(days=session_day, hours=session_hour), pressure=2, minutes=30)
    return ClientFile(ClientProfile(id="a"), sessions=(session,), checkins=checkins)


def test_an_entry_is_read_for_the_24_hours_it_covers() -> None:
    # Session on day 10 at 10:00. An entry is exposed by the share of the 24 h it covers that
    # falls in the 72 h after the session. Evening diarist (20:00): day 10 (10 h after: 10/24),
    # days 11-12 (whole), day 13 (82 h: 14/24), then massage-free. Morning diarist (08:00): the
    # entry on the session day, 2 h before it, describes day 9 without massage; the entries of
    # days 11-14 (22, 46, 70, 94 h) describe days 10-13: 22/24, 1, 1, 2/24.
    evening = design(_entries_at(20, 20, 10), late_look=False, weekday=False)
    morning = design(_entries_at(8, 21, 10), late_look=False, weekday=False)
    # Described day (days after 2 Feb) -> exposed share; the morning diary starts by describing 1 Feb.
    exposed_e = dict(zip(evening.days.tolist(), evening.X[:, 2].tolist(), strict=True))
    exposed_m = dict(zip((morning.days - 1).tolist(), morning.X[:, 2].tolist(), strict=True))
    expected_e = {9: 0, 10: 10 / 24, 11: 1, 12: 1, 13: 14 / 24, 14: 0}
    expected_m = {9: 0, 10: 22 / 24, 11: 1, 12: 1, 13: 2 / 24, 14: 0}
    for exposed, expected in ((exposed_e, expected_e), (exposed_m, expected_m)):
        assert {d: exposed[d] for d in expected} == pytest.approx(expected)
    # The same exposure in all: 3 whole days' worth for either diarist.
    assert sum(exposed_e.values()) == pytest.approx(3) and sum(exposed_m.values()) == pytest.approx(3)
    assert evening.baseline_days == 10 and morning.baseline_days == 11  # the morning one also describes 1 Feb


def daily_series_first(cf: ClientFile) -> date | None:
    return daily_values(cf, covered=True)[0]


def test_days_are_local_to_the_client() -> None:
    # 03:00 UTC is noon in Tokyo: a UTC entry then describes the day before, a Tokyo entry its
    # own day. The hours between session and entry, and so the labels, do not depend on the zone.
    t = datetime(2026, 2, 1, 23, 30, tzinfo=UTC)
    morning = datetime(2026, 2, 1, 3, tzinfo=UTC)
    checkins = tuple(CheckIn(morning + timedelta(days=d), pain=5 + d % 2) for d in range(6))
    sessions = (Session(t, pressure=2, minutes=30),)
    cf_utc = ClientFile(ClientProfile(id="a"), sessions=sessions, checkins=checkins)
    cf_tokyo = ClientFile(ClientProfile(id="a", timezone="Asia/Tokyo"), sessions=sessions, checkins=checkins)
    utc, tokyo = design(cf_utc, late_look=False), design(cf_tokyo, late_look=False)
    assert utc.baseline_days == tokyo.baseline_days == 1
    # Before, 3.5 h, 27.5 h, 51.5 h, 75.5 h (its 24 h reach 20.5 h into the 72 h), 99.5 h after.
    np.testing.assert_allclose(utc.X[:, 2], [0, 3.5 / 24, 1, 1, 20.5 / 24, 0])
    np.testing.assert_allclose(tokyo.X[:, 2], utc.X[:, 2])
    assert utc.days.tolist() == tokyo.days.tolist() == [0, 1, 2, 3, 4, 5]
    # ... but the days described differ: 31 Jan-5 Feb in UTC, 1-6 Feb in Tokyo.
    assert daily_series_first(cf_utc) == date(2026, 1, 31)
    assert daily_series_first(cf_tokyo) == date(2026, 2, 1)


# --- Invariants (hypothesis) ----------------------------------------------------------------


_settings = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def _diaries(draw: st.DrawFn) -> tuple[list[int | None], list[int]]:
    baseline = draw(st.integers(7, 14))
    weeks = draw(st.integers(3, 8))
    n = baseline + 7 * weeks
    pain = draw(st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=n, max_size=n))
    for d in range(baseline):  # keep the baseline observed
        pain[d] = pain[d] if pain[d] is not None else 5
    for w in range(weeks):  # keep the massage days and the massage-free days observed
        for k in (0, 5):
            d = baseline + 7 * w + k
            pain[d] = pain[d] if pain[d] is not None else 5
    return pain, [baseline + 7 * w for w in range(weeks)]


@_settings
@given(_diaries())
def test_probabilities_are_a_partition(diary: tuple[list[int | None], list[int]]) -> None:
    c = compare(_client(*diary))
    assert isinstance(c, Comparison)
    probs = (c.p_benefit, c.p_harm, c.p_no_meaningful)
    assert all(0.0 <= p <= 1.0 for p in probs)
    assert sum(probs) == pytest.approx(1.0, abs=1e-12)
    assert c.ci95[0] <= c.effect <= c.ci95[1]


@_settings
@given(_diaries())
def test_mirroring_the_data_swaps_benefit_and_harm(diary: tuple[list[int | None], list[int]]) -> None:
    # 10 - pain mirrors every day; with a flat intercept prior the posterior mirrors exactly.
    pain, sessions = diary
    mirrored = [None if p is None else 10 - p for p in pain]
    flat_intercept = Prior(intercept_precision=0.0)
    a = compare(_client(pain, sessions), options=CompareOptions(prior=flat_intercept))
    b = compare(_client(mirrored, sessions), options=CompareOptions(prior=flat_intercept))
    assert isinstance(a, Comparison) and isinstance(b, Comparison)
    assert b.effect == pytest.approx(-a.effect, abs=1e-9)
    assert b.p_benefit == pytest.approx(a.p_harm, abs=1e-9)
    assert b.p_harm == pytest.approx(a.p_benefit, abs=1e-9)
    assert b.ci95[0] == pytest.approx(-a.ci95[1], abs=1e-7)


@_settings
@given(_diaries())
def test_direction_decides_what_is_a_benefit(diary: tuple[list[int | None], list[int]]) -> None:
    # The same numbers as fatigue (lower is better) and as mood (higher is better, same 1-point MID).
    pain, sessions = diary
    values = [float(p) if p is not None else 0.0 for p in pain]
    cf = _client(pain, sessions, fatigue=[int(v) for v in values], mood=[int(v) for v in values])
    fatigue, mood = compare(cf, "fatigue"), compare(cf, "mood")
    assert isinstance(fatigue, Comparison) and isinstance(mood, Comparison)
    assert mood.effect == pytest.approx(fatigue.effect)
    assert mood.p_benefit == pytest.approx(fatigue.p_harm)
    assert mood.p_harm == pytest.approx(fatigue.p_benefit)


@_settings
@given(_diaries(), st.floats(0.2, 3.0))
def test_a_larger_mid_is_never_easier_to_reach(diary: tuple[list[int | None], list[int]], mid: float) -> None:
    small = compare(_client(*diary), options=CompareOptions(mids={"pain": mid}))
    large = compare(_client(*diary), options=CompareOptions(mids={"pain": mid + 0.5}))
    assert isinstance(small, Comparison) and isinstance(large, Comparison)
    assert large.p_benefit <= small.p_benefit + 1e-12 and large.p_harm <= small.p_harm + 1e-12
