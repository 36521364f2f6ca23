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


@settings(max_examples=60, deadline=None)
@given(studies, st.sampled_from(METHODS), st.booleans())
def test_pooled_result_is_coherent(data: list[tuple[float, float]], method: str, hksj: bool) -> None:
    yi, vi = zip(*data, strict=True)
    r = meta_analysis(yi, vi, method=method, hksj=hksj)
    assert min(yi) - 1e-9 <= r.estimate <= max(yi) + 1e-9
    assert r.ci95[0] <= r.estimate <= r.ci95[1]
    assert r.pred95[0] <= r.ci95[0] + 1e-12 and r.ci95[1] <= r.pred95[1] + 1e-12
    assert r.tau2 >= 0 and 0 <= r.i2 <= 100 and r.h2 >= 1 - 1e-12
    assert r.tau2_ci95[0] <= r.tau2_ci95[1] and 0 <= r.q_p <= 1
    assert sum(r.weights) == pytest.approx(100)


@settings(max_examples=40, deadline=None)
@given(studies, st.sampled_from(["REML", "DL", "PM"]), st.randoms(use_true_random=False))
def test_order_of_studies_does_not_matter(data: list[tuple[float, float]], method: str, rnd: object) -> None:
    yi, vi = zip(*data, strict=True)
    shuffled = list(data)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    ys, vs = zip(*shuffled, strict=True)
    a, b = meta_analysis(yi, vi, method=method), meta_analysis(ys, vs, method=method)
    assert a.estimate == pytest.approx(b.estimate, abs=1e-7) and a.tau2 == pytest.approx(b.tau2, abs=1e-6)


@settings(max_examples=40, deadline=None)
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
