"""Exact Bayesian linear regression with AR(1) errors on a grid over the autocorrelation.

The model, for observations at whole-day times :math:`t_1 < \\dots < t_n` (gaps allowed):

.. math::

    y_i = x_i^\\top\\beta + e_i, \\qquad e_{t} = \\rho\\, e_{t-1} + u_t, \\qquad u_t \\sim N(0, \\sigma^2)

with the AR(1) process running over every calendar day, observed or not. Given :math:`\\rho`
the generalised Prais-Winsten transform makes the errors independent with variance
:math:`\\sigma^2`: :math:`z_1^* = \\sqrt{1-\\rho^2}\\, z_1` and, for a gap
:math:`g_i = t_i - t_{i-1}`,

.. math::

    z_i^* = c_i\\,(z_i - \\rho^{g_i} z_{i-1}), \\qquad c_i = \\sqrt{(1-\\rho^2)/(1-\\rho^{2 g_i})},

(for ``z`` = each column of ``X`` and ``y``), which is exact because the observed days of a
Markov chain are again Markov with these conditional moments. With the normal-inverse-gamma
prior :math:`\\beta\\mid\\sigma^2 \\sim N(0, \\sigma^2 V_0)`, :math:`\\sigma^2 \\sim IG(a_0, b_0)` the
posterior given :math:`\\rho` is conjugate:
:math:`V_n = (V_0^{-1} + X^{*\\top}X^*)^{-1}`, :math:`m_n = V_n X^{*\\top} y^*`,
:math:`a_n = a_0 + n/2`, :math:`b_n = b_0 + (y^{*\\top}y^* - m_n^\\top V_n^{-1} m_n)/2`, and
each coefficient is Student-t with :math:`2a_n` degrees of freedom, location :math:`m_{n,k}`
and scale :math:`\\sqrt{b_n V_{n,kk}/a_n}`. The marginal likelihood of :math:`\\rho` is, up
to a constant that does not depend on :math:`\\rho`,

.. math::

    \\log p(y\\mid\\rho) = \\tfrac12\\log|V_n| - a_n \\log b_n
        + \\sum_i \\log c_i + \\tfrac12\\log(1-\\rho^2),

the last two terms being the Jacobian of the transform. With a uniform prior on
:math:`\\rho\\in(-1, 1)` (midpoint grid) the posterior of each coefficient is a mixture of
Student-t distributions weighted by the normalised marginal likelihoods.

The transform only needs, for every distinct gap ``g``, the cross-products of the current and
previous rows of ``[X, y]`` (sufficient statistics), so the whole grid is evaluated at once
with a few small einsums, for one client or a batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammaln, ndtri, stdtr

from touchdose.types import FloatArray

#: Number of cells of the midpoint grid over rho in (-1, 1). A cell width of 0.01 is much
#: narrower than the posterior SD of rho for any diary of weeks to years (about
#: sqrt((1 - rho^2) / n) >= 0.03 for n <= 1000 days), so the midpoint rule is exact to the
#: printed precision; the MCMC check in the tests confirms it.
RHO_GRID_CELLS = 200


def rho_grid(cells: int = RHO_GRID_CELLS) -> FloatArray:
    """Midpoints of ``cells`` equal cells over (-1, 1) (uniform prior on rho).

    Examples
    --------
    >>> rho_grid(4).tolist()
    [-0.75, -0.25, 0.25, 0.75]
    """
    if cells < 1:
        raise ValueError(f"rho_grid: cells = {cells!r} is not allowed (allowed: a whole number >= 1)")
    edges = np.linspace(-1.0, 1.0, cells + 1)
    return np.asarray(0.5 * (edges[:-1] + edges[1:]), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class GapStats:
    """Sufficient statistics of ``Z = [X, y]`` for the AR(1) transform (one or a batch).

    Shapes (with an optional leading batch axis ``B``): ``gaps`` (K,), ``counts`` (K,),
    ``cur``/``cross``/``prev`` (K, q, q) = sums over pairs with that gap of
    ``z_i z_i^T``, ``z_i z_{i-1}^T``, ``z_{i-1} z_{i-1}^T``; ``first`` (q, q) = ``z_1 z_1^T``;
    ``n`` the number of observations.
    """

    gaps: FloatArray
    counts: FloatArray
    cur: FloatArray
    cross: FloatArray
    prev: FloatArray
    first: FloatArray
    n: FloatArray


def gap_stats(days: NDArray[np.int64], X: FloatArray, y: FloatArray) -> GapStats:
    """Sufficient statistics of one series observed on strictly increasing whole ``days``.

    Examples
    --------
    >>> s = gap_stats(np.array([0, 1, 3]), np.ones((3, 1)), np.array([1.0, 2.0, 3.0]))
    >>> s.gaps.tolist(), s.counts.tolist()
    ([1.0, 2.0], [1.0, 1.0])
    """
    days = np.asarray(days, dtype=np.int64)
    if days.ndim != 1 or len(days) != len(y) or len(days) != len(X):
        raise ValueError("gap_stats: days, X and y must have the same length")
    if len(days) < 2 or np.any(np.diff(days) <= 0):
        raise ValueError("gap_stats: days must be at least 2 strictly increasing whole days")
    Z = np.column_stack([X, y]).astype(np.float64)
    step = np.diff(days)
    gaps, inverse, counts = np.unique(step, return_inverse=True, return_counts=True)
    order = np.argsort(inverse, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    zc, zp = Z[1:][order], Z[:-1][order]

    def summed(a: FloatArray, b: FloatArray) -> FloatArray:
        return np.asarray(np.add.reduceat(a[:, :, None] * b[:, None, :], starts, axis=0), dtype=np.float64)

    return GapStats(
        gaps.astype(np.float64),
        counts.astype(np.float64),
        summed(zc, zc),
        summed(zc, zp),
        summed(zp, zp),
        np.outer(Z[0], Z[0]),
        np.asarray(float(len(days))),
    )


#: Pairs of observations reduced at once by :func:`gap_stats_many` (bounds its memory: each pair
#: holds three q x q outer products while it is summed).
PAIRS_PER_BLOCK = 16_384


def gap_stats_many(series: Sequence[tuple[NDArray[np.int64], FloatArray, FloatArray]]) -> GapStats:
    """:func:`gap_stats` of many series at once, stacked as :func:`stack_stats` stacks them.

    The cross products of every series are computed in one pass over all of them: the pairs of
    consecutive observations are grouped by (series, gap) and each group's outer products summed,
    the same sums in the same order as :func:`gap_stats` makes them one series at a time.

    Examples
    --------
    >>> one = (np.array([0, 1, 3]), np.ones((3, 1)), np.array([1.0, 2.0, 3.0]))
    >>> two = (np.array([5, 7]), np.ones((2, 1)), np.array([4.0, 4.0]))
    >>> s = gap_stats_many([one, two])
    >>> s.gaps.tolist(), s.counts.tolist(), s.n.tolist()
    ([[1.0, 2.0], [2.0, 1.0]], [[1.0, 1.0], [1.0, 0.0]], [3.0, 2.0])
    """
    if not series:
        raise ValueError("gap_stats_many: no series")
    lengths = np.array([len(d) for d, _, _ in series], dtype=np.int64)
    for d, X, y in series:
        if np.ndim(d) != 1 or len(d) != len(y) or len(d) != len(X):
            raise ValueError("gap_stats: days, X and y must have the same length")
    days = np.concatenate([np.asarray(d, dtype=np.int64) for d, _, _ in series])
    Z = np.concatenate([np.column_stack([X, y]) for _, X, y in series]).astype(np.float64)
    B, q = len(series), Z.shape[1]
    seg = np.repeat(np.arange(B), lengths)
    cur = np.flatnonzero(np.diff(seg) == 0) + 1  # observations with a predecessor in their series
    step = days[cur] - days[cur - 1]
    if np.any(lengths < 2) or np.any(step <= 0):
        raise ValueError("gap_stats: days must be at least 2 strictly increasing whole days")
    span = int(step.max()) + 1
    pair_key = seg[cur] * span + step
    order = np.argsort(pair_key, kind="stable")  # by (series, gap), each group in time order
    ordered = pair_key[order]
    group_start = np.flatnonzero(np.diff(ordered, prepend=-1))  # one sort: the keys' groups
    keys = ordered[group_start]
    counts = np.diff(np.append(group_start, len(ordered)))
    zc, zp = Z[cur[order]], Z[cur[order] - 1]
    sums = np.empty((3, len(keys), q, q))
    g = 0
    while g < len(keys):  # whole groups per block, so each group is summed exactly as gap_stats does
        stop = int(np.searchsorted(group_start, group_start[g] + PAIRS_PER_BLOCK, side="right"))
        stop = max(stop, g + 1)
        lo = int(group_start[g])
        hi = int(group_start[stop]) if stop < len(keys) else len(order)
        at = group_start[g:stop] - lo
        a, b = zc[lo:hi], zp[lo:hi]
        for k, (u, v) in enumerate(((a, a), (a, b), (b, b))):
            sums[k, g:stop] = np.add.reduceat(u[:, :, None] * v[:, None, :], at, axis=0)
        g = stop
    owner, gap = keys // span, keys % span
    slot = np.arange(len(keys)) - np.searchsorted(owner, owner, side="left")
    K = int(slot.max()) + 1
    gaps, cnt = np.ones((B, K)), np.zeros((B, K))
    gaps[owner, slot], cnt[owner, slot] = gap, counts
    stacked = np.zeros((3, B, K, q, q))
    stacked[:, owner, slot] = sums
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    first = Z[starts][:, :, None] * Z[starts][:, None, :]
    return GapStats(gaps, cnt, stacked[0], stacked[1], stacked[2], first, lengths.astype(np.float64))


def stack_stats(stats: list[GapStats]) -> GapStats:
    """Stack single-series statistics into one batch, padding the gap axis with empty gaps."""
    if not stats:
        raise ValueError("stack_stats: no series to stack")
    K = max(len(s.gaps) for s in stats)
    q = stats[0].first.shape[-1]
    B = len(stats)
    gaps, counts = np.ones((B, K)), np.zeros((B, K))
    cur, cross, prev = (np.zeros((B, K, q, q)) for _ in range(3))
    for i, s in enumerate(stats):
        k = len(s.gaps)
        gaps[i, :k], counts[i, :k] = s.gaps, s.counts
        cur[i, :k], cross[i, :k], prev[i, :k] = s.cur, s.cross, s.prev
    first = np.stack([s.first for s in stats])
    n = np.array([float(s.n) for s in stats])
    return GapStats(gaps, counts, cur, cross, prev, first, n)


@dataclass(frozen=True, eq=False)
class GridPosterior:
    """Conditional posteriors of the coefficients on the rho grid, and the grid weights.

    Shapes (``B`` batch, ``G`` grid, ``p`` coefficients): ``rho`` (G,), ``weights`` (B, G)
    summing to 1, ``mean`` (B, G, p) = :math:`m_n`, ``scale`` (B, G, p) = the Student-t
    scales, ``df`` (B,) = :math:`2a_n`. ``log_evidence`` (B,) is the log marginal likelihood
    of the model, :math:`\\log \\frac1G \\sum_g p(y\\mid\\rho_g)`, up to a constant shared by every
    model of the same ``y`` with the same :math:`a_0, b_0` (so differences between two designs
    of the same data are log Bayes factors); coefficients with a flat prior (precision 0)
    must be shared by the models compared.
    """

    rho: FloatArray
    weights: FloatArray
    mean: FloatArray
    scale: FloatArray
    df: FloatArray
    log_evidence: FloatArray | None = None


def _spd_solve(A: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """For a stack of small SPD matrices ``A`` (..., p, p): ``A^-1 b``, ``diag(A^-1)``, ``-log|A|/2``.

    A Cholesky factorisation written out over the (tiny) matrix index and vectorised over the
    stack: for p = 3 it is much faster than LAPACK called once per matrix; from
    :data:`LAPACK_FROM` columns on (the weekday term) numpy's stacked LAPACK routines are.
    """
    p = A.shape[-1]
    if p >= LAPACK_FROM:
        return _spd_solve_lapack(A, b)
    L = np.zeros_like(A)
    for j in range(p):
        d = A[..., j, j] - np.sum(L[..., j, :j] ** 2, axis=-1)
        if np.any(d <= 0):
            raise ValueError("grid_posterior: the design is singular (a column is constant or repeated)")
        L[..., j, j] = np.sqrt(d)
        for i in range(j + 1, p):
            L[..., i, j] = (A[..., i, j] - np.sum(L[..., i, :j] * L[..., j, :j], axis=-1)) / L[..., j, j]
    # Forward substitution for L^-1 (lower triangular), then A^-1 = L^-T L^-1.
    Linv = np.zeros_like(A)
    for i in range(p):
        Linv[..., i, i] = 1.0 / L[..., i, i]
        for j in range(i):
            Linv[..., i, j] = -np.sum(L[..., i, j:i] * Linv[..., j:i, j], axis=-1) / L[..., i, i]
    u = np.einsum("...ij,...j->...i", Linv, b)
    x = np.einsum("...ji,...j->...i", Linv, u)
    diag = np.sum(Linv**2, axis=-2)
    half_logdet_inv = -np.sum(np.log(np.diagonal(L, axis1=-2, axis2=-1)), axis=-1)
    return x, diag, half_logdet_inv


def _spd_solve_lapack(A: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`_spd_solve` with numpy's stacked Cholesky and inverse (larger matrices)."""
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        singular = "grid_posterior: the design is singular (a column is constant or repeated)"
        raise ValueError(singular) from None
    Linv = np.linalg.inv(L)
    u = np.einsum("...ij,...j->...i", Linv, b)
    x = np.einsum("...ji,...j->...i", Linv, u)
    diag = np.sum(Linv**2, axis=-2)
    half_logdet_inv = -np.sum(np.log(np.diagonal(L, axis1=-2, axis2=-1)), axis=-1)
    return x, diag, half_logdet_inv


#: From this many coefficients on, :func:`_spd_solve` uses numpy's LAPACK routines.
LAPACK_FROM = 6


@dataclass(frozen=True, eq=False)
class Moments:
    """The Prais-Winsten-transformed cross-products on the grid, shared by nested models.

    ``M`` (B, G, q, q) = :math:`Z^{*\\top} Z^*` for ``Z = [X, y]`` at each rho; ``log_jac``
    (B, G) the log Jacobian of the transform; ``n`` (B,) observations; ``rho`` (G,).
    """

    M: FloatArray
    log_jac: FloatArray
    n: FloatArray
    rho: FloatArray


def moments(stats: GapStats, rho: FloatArray) -> Moments:
    """Transform the sufficient statistics for every rho of the grid (one or a batch)."""
    single = stats.first.ndim == 2
    s = stack_stats([stats]) if single else stats
    rho = np.asarray(rho, dtype=np.float64)
    one_minus = 1.0 - rho**2  # (G,)
    # The transform's coefficients depend on the gap only: computed once per distinct gap of the
    # batch (a few), then looked up for each series' gaps.
    values, which = np.unique(s.gaps, return_inverse=True)
    which = which.reshape(s.gaps.shape)
    r_of = rho[None, :] ** values[:, None]  # (V, G)
    c2_of = one_minus[None, :] / (1.0 - r_of**2)  # (V, G)
    coef_of = np.stack([c2_of, -c2_of * r_of, c2_of * r_of * r_of])  # (3, V, G)
    B, K, q = s.cur.shape[0], s.cur.shape[1], s.cur.shape[-1]
    # Sum over gaps as batched matrix products (B, G, K) @ (B, K, q*q): BLAS, not einsum loops.
    cross = s.cross + np.swapaxes(s.cross, -1, -2)
    coef = coef_of[:, which].transpose(1, 0, 2, 3).reshape(B, 3 * K, len(rho))  # (B, 3K, G)
    mats = np.concatenate([s.cur, cross, s.prev], axis=1).reshape(B, 3 * K, q * q)
    M = np.matmul(np.swapaxes(coef, 1, 2), mats).reshape(B, len(rho), q, q)
    M += one_minus[None, :, None, None] * s.first[:, None, :, :]
    log_jac = 0.5 * np.log(one_minus)[None, :] + 0.5 * np.einsum("bk,bkg->bg", s.counts, np.log(c2_of)[which])
    return Moments(M, log_jac, np.asarray(s.n, dtype=np.float64).reshape(-1), rho)


def grid_posterior(
    stats: GapStats | Moments,
    precision: FloatArray,
    a0: float,
    b0: float,
    rho: FloatArray | None = None,
    columns: list[int] | None = None,
) -> GridPosterior:
    """Posterior on the rho grid for a batch (leading axis) or a single series.

    ``precision`` is the diagonal of :math:`V_0^{-1}` (zeros allowed: a flat prior); the
    prior mean of the coefficients is zero. ``stats`` may be :class:`Moments` already
    transformed (then ``rho`` is theirs), and ``columns`` a subset of the columns of ``X``: a
    nested model of the same data at the cost of a solve only.
    """
    m = stats if isinstance(stats, Moments) else moments(stats, np.asarray(rho, dtype=np.float64))
    q = m.M.shape[-1]
    cols = list(range(q - 1)) if columns is None else list(columns)
    p = len(cols)
    keep = [*cols, q - 1]
    M = m.M[..., keep, :][..., keep]
    prec_n = M[..., :p, :p] + np.diag(np.asarray(precision, dtype=np.float64))
    xty, yty = M[..., :p, p], M[..., p, p]
    mean, var_diag, half_logdet_vn = _spd_solve(prec_n, xty)
    an = a0 + 0.5 * m.n  # (B,)
    if np.any(an <= 0):
        raise ValueError("grid_posterior: a0 + n/2 must be positive")
    bn = b0 + 0.5 * (yty - np.einsum("bgi,bgi->bg", xty, mean))
    bn = np.maximum(bn, np.finfo(np.float64).tiny)
    rho = m.rho
    logml = half_logdet_vn - an[:, None] * np.log(bn) + m.log_jac
    top = logml.max(axis=1, keepdims=True)
    w = np.exp(logml - top)
    total = w.sum(axis=1, keepdims=True)
    w /= total
    scale = np.sqrt(bn[..., None] * var_diag / an[:, None, None])
    # log p(y) = log mean_g p(y | rho_g) + log |V0^-1| / 2 (the prior's normalising constant).
    prior_prec = np.asarray(precision, dtype=np.float64)
    evidence = top[:, 0] + np.log(total[:, 0] / len(rho)) + 0.5 * np.sum(np.log(prior_prec[prior_prec > 0]))
    return GridPosterior(rho, w, mean, scale, 2.0 * an, evidence)


# --- Mixture-of-t summaries (vectorised over the batch) ----------------------


def _t_log_const(df: FloatArray) -> FloatArray:
    """Log of the Student-t density's normalising constant for ``df`` degrees of freedom."""
    logc = gammaln(0.5 * (df + 1.0)) - gammaln(0.5 * df) - 0.5 * np.log(df * np.pi)
    return np.asarray(logc, dtype=np.float64)


def mixture_cdf(
    x: FloatArray, w: FloatArray, loc: FloatArray, scale: FloatArray, df: FloatArray
) -> FloatArray:
    """P(X <= x) for each row of a mixture of Student-t (``x``, ``df``: (B,); others (B, G))."""
    z = (x[:, None] - loc) / scale
    return np.asarray(np.sum(w * stdtr(df[:, None], z), axis=1), dtype=np.float64)


def mixture_quantiles(
    qs: tuple[float, ...], w: FloatArray, loc: FloatArray, scale: FloatArray, df: FloatArray,
    iterations: int = 50, tol: float = 1e-8,
) -> FloatArray:
    """Quantiles ``qs`` of each row's mixture of Student-t, shape (B, len(qs)).

    Safeguarded Newton: start from the normal approximation, keep a bracket [lo, hi] from the
    sign of the CDF error, bisect whenever a Newton step would leave it, and stop each
    (row, quantile) once its step is below ``tol`` (in the outcome's units).
    """
    B, Q = len(w), len(qs)
    q = np.tile(np.asarray(qs, dtype=np.float64), B)  # flattened (B * Q,)
    row = np.repeat(np.arange(B), Q)
    mean = np.sum(w * loc, axis=1)
    # Start from a normal with the mixture's SD (a t with df <= 2 has none: use 2 scales).
    var_t = scale**2 * np.where(df > 2.0, df / np.maximum(df - 2.0, 1e-12), 4.0)[:, None]
    sd = np.sqrt(np.maximum(np.sum(w * (var_t + loc**2), axis=1) - mean**2, 0.0))
    lo = np.min(loc - 60.0 * scale, axis=1)[row]
    hi = np.max(loc + 60.0 * scale, axis=1)[row]
    x = np.clip(mean[row] + ndtri(q) * sd[row], lo, hi)
    logc = _t_log_const(df)
    active = np.arange(B * Q)
    for _ in range(iterations):
        r = row[active]
        wa, la, sa, dfa = w[r], loc[r], scale[r], df[r][:, None]
        z = (x[active, None] - la) / sa
        f = np.sum(wa * stdtr(dfa, z), axis=1) - q[active]
        lo[active] = np.where(f < 0, x[active], lo[active])
        hi[active] = np.where(f >= 0, x[active], hi[active])
        dens = np.sum(wa * np.exp(logc[r][:, None] - 0.5 * (dfa + 1.0) * np.log1p(z * z / dfa)) / sa, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = x[active] - f / dens
        bad = ~np.isfinite(step) | (step <= lo[active]) | (step >= hi[active])
        new = np.where(bad, 0.5 * (lo[active] + hi[active]), step)
        moved = np.abs(new - x[active])
        x[active] = new
        active = active[(moved > tol) & (hi[active] - lo[active] > tol)]
        if len(active) == 0:
            break
    return np.asarray(x.reshape(B, Q), dtype=np.float64)
