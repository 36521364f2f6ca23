"""Invariants of the meta-analysis that must hold for any data (Hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchdose.evidence.meta import METHODS, meta_analysis

studies = st.lists(
    st.tuples(st.floats(-3, 3, allow_nan=False), st.floats(0.005, 2.0, allow_nan=False)),
    min_size=3,
    max_size=15,
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(studies, st.sampled_from(METHODS), st.booleans())
def test_pooled_result_is_coherent(data: list[tuple[float, float]], method: str, hksj: bool) -> None:
    yi, vi = zip(*data, strict=True)
    r = meta_analysis(yi, vi, method=method, hksj=hksj)
    assert min(yi) - 1e-9 <= r.estimate <= max(yi) + 1e-9
    assert r.ci95[0] <= r.estimate <= r.ci95[1]
    assert r.pred95[0] <= r.ci95[0] + 1e-12 and r.ci95[1] <= r.pred95[1] + 1e-12
    # metafor's EE model reports H² = Q/df, which is below 1 when Q < df; random-effects H² = 1 + tau²/vt
    assert r.tau2 >= 0 and 0 <= r.i2 <= 100 and r.h2 >= (0 if method == "EE" else 1 - 1e-12)
    assert r.tau2_ci95[0] <= r.tau2_ci95[1] and 0 <= r.q_p <= 1
    assert sum(r.weights) == pytest.approx(100)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(studies, st.sampled_from(["REML", "DL", "PM"]), st.randoms(use_true_random=False))
def test_order_of_studies_does_not_matter(data: list[tuple[float, float]], method: str, rnd: object) -> None:
    yi, vi = zip(*data, strict=True)
    shuffled = list(data)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    ys, vs = zip(*shuffled, strict=True)
    a, b = meta_analysis(yi, vi, method=method), meta_analysis(ys, vs, method=method)
    # REML stops when a Fisher step is <= 1e-5 (metafor's threshold); summing in another order can
    # stop one step earlier or later, so tau² agrees to that threshold, not to machine precision.
    assert a.tau2 == pytest.approx(b.tau2, abs=2e-5) and a.estimate == pytest.approx(b.estimate, abs=1e-4)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(studies, st.floats(-5, 5))
def test_shifting_every_effect_shifts_the_estimate(data: list[tuple[float, float]], shift: float) -> None:
    yi, vi = zip(*data, strict=True)
    a = meta_analysis(yi, vi, method="DL")
    b = meta_analysis(np.add(yi, shift), vi, method="DL")
    assert b.estimate == pytest.approx(a.estimate + shift, abs=1e-9) and b.tau2 == pytest.approx(
        a.tau2, abs=1e-9
    )


def test_identical_studies_have_no_heterogeneity() -> None:
    r = meta_analysis([0.3] * 5, [0.1] * 5)
    assert r.tau2 == 0 and r.q == pytest.approx(0) and r.i2 == 0 and r.estimate == pytest.approx(0.3)


def test_cycling_fisher_scoring_falls_back_to_the_likelihood_maximum() -> None:
    from touchdose.evidence.meta import ConvergenceWarning, _loglik

    # Fisher scoring from the HE start (0) cycles between ~0 and ~0.09 here; metafor would stop with
    # "Fisher scoring algorithm did not converge". touchdose maximises the restricted likelihood instead.
    yi = [
        0.1728,
        0.4108,
        0.1652,
        -0.6516,
        0.4527,
        0.2232,
        -0.2685,
        0.2906,
        0.1823,
        0.1471,
        0.0142,
        0.2734,
        -0.3682,
    ]
    vi = [
        0.3963,
        0.1586,
        0.2322,
        0.0757,
        0.2075,
        0.1097,
        0.1385,
        0.3777,
        0.1474,
        0.2477,
        0.4906,
        0.4812,
        0.3651,
    ]
    with pytest.warns(ConvergenceWarning):
        r = meta_analysis(yi, vi)
    y, v = np.asarray(yi), np.asarray(vi)
    best = _loglik(r.tau2, y, v, True)
    assert r.tau2 > 0
    assert best >= _loglik(r.tau2 * 1.01, y, v, True) and best >= _loglik(r.tau2 * 0.99, y, v, True)


def test_identical_effects_under_hksj_keep_a_nonzero_interval() -> None:
    from touchdose.evidence.meta import IdenticalEffectsWarning

    with pytest.warns(IdenticalEffectsWarning):
        r = meta_analysis([0.2, 0.2, 0.2], [0.1, 0.2, 0.3], hksj=True)
    assert r.ci95[0] < 0.2 < r.ci95[1] and r.df == 2


def test_large_scale_effects_are_pooled_without_a_search_limit() -> None:
    # effects in the thousands (e.g. a mean difference in milliseconds): tau² far above 100
    yi, vi = [1000.0, 1500.0, 3000.0, 200.0], [100.0, 120.0, 90.0, 150.0]
    for method in ("PM", "REML", "DL"):
        r = meta_analysis(yi, vi, method=method)
        assert r.tau2 > 100 and min(yi) < r.estimate < max(yi)
    pm = meta_analysis(yi, vi, method="PM")
    w = [1 / (v + pm.tau2) for v in vi]
    mu = sum(wi * y for wi, y in zip(w, yi, strict=True)) / sum(w)
    # Paule-Mandel: the generalised Q equals k - 1 at the estimate
    assert sum(wi * (y - mu) ** 2 for wi, y in zip(w, yi, strict=True)) == pytest.approx(3, rel=1e-9)
