"""The comparison's sufficient statistics: computed once per client-year, every rho cell then O(1).

Checked against the direct computation: the Prais-Winsten transform of the whole series at each
rho of the grid, O(days) per cell, to 1e-9.
"""

from __future__ import annotations

import numpy as np
import pytest

from touchdose.analysis import _ar1


def _series(rng: np.random.Generator, n: int, q: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    days = np.cumsum(rng.choice([1, 1, 1, 1, 2, 3, 7], size=n))  # a diary with gaps
    X = np.column_stack([np.ones(n), (days - days.mean()) / 365.25, rng.random((n, q - 2))])
    return days.astype(np.int64), X, rng.normal(5.0, 1.5, n)


def _direct(days: np.ndarray, X: np.ndarray, y: np.ndarray, rho: float) -> tuple[np.ndarray, float]:
    """Z*'Z* and the log Jacobian by transforming every observation (the O(days) way)."""
    Z = np.column_stack([X, y])
    g = np.diff(days)
    c = np.sqrt((1 - rho**2) / (1 - rho ** (2 * g)))
    star = np.vstack([np.sqrt(1 - rho**2) * Z[:1], c[:, None] * (Z[1:] - rho ** g[:, None] * Z[:-1])])
    return star.T @ star, 0.5 * np.log(1 - rho**2) + float(np.sum(np.log(c)))


@pytest.mark.parametrize("q", [4, 11])  # intercept, trend, effect (+ late, + six weekdays) and y
def test_one_pass_over_many_series_equals_one_series_at_a_time(q: int) -> None:
    rng = np.random.default_rng(q)
    series = [_series(rng, int(n), q - 1) for n in rng.integers(2, 400, size=60)]
    many = _ar1.gap_stats_many(series)
    one_by_one = _ar1.stack_stats([_ar1.gap_stats(*s) for s in series])
    for name in ("gaps", "counts", "cur", "cross", "prev", "first", "n"):
        assert np.array_equal(getattr(many, name), getattr(one_by_one, name)), name


def test_moments_from_sufficient_statistics_equal_the_direct_transform() -> None:
    rng = np.random.default_rng(7)
    series = [_series(rng, n, 10) for n in (30, 180, 365)]
    rho = _ar1.rho_grid()
    m = _ar1.moments(_ar1.gap_stats_many(series), rho)
    for b, (days, X, y) in enumerate(series):
        for g in range(0, len(rho), 7):
            M, log_jac = _direct(days, X, y, float(rho[g]))
            scale = np.abs(M).max()
            assert np.allclose(m.M[b, g], M, rtol=1e-9, atol=1e-9 * scale), (b, rho[g])
            assert m.log_jac[b, g] == pytest.approx(log_jac, rel=1e-9, abs=1e-9)


def test_bad_series_are_refused() -> None:
    ok = (np.array([0, 1]), np.ones((2, 1)), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="at least 2 strictly increasing"):
        _ar1.gap_stats_many([ok, (np.array([3, 3]), np.ones((2, 1)), np.array([1.0, 2.0]))])
    with pytest.raises(ValueError, match="same length"):
        _ar1.gap_stats_many([(np.array([0, 1, 2]), np.ones((2, 1)), np.array([1.0, 2.0]))])
    with pytest.raises(ValueError, match="no series"):
        _ar1.gap_stats_many([])
