"""Is it more than ups and downs? The Bayesian n-of-1 comparison of a client's diary.

Each diary day (client's time zone, :mod:`touchdose.analysis.diary`) is one of:

* **exposed** — the day of a massage or one of the next ``window_days - 1`` days;
* **massage-free** — no massage on that day or the ``washout_days`` days before it, which
  includes every day of the **baseline** phase before the first session;
* **washout** — neither (too long after a massage to count as exposed, too close to count as
  free of it); left out, like a day without an entry.

The model for an outcome ``y`` (pain, sleep hours, fatigue, mood) on the days kept is

.. math::

    y_t = \\beta_0 + \\beta_1 \\, \\text{years}_t + \\beta_2 \\, \\text{exposed}_t + e_t,
    \\qquad e_t = \\rho\\, e_{t-1} + u_t,\\quad u_t \\sim N(0, \\sigma^2),

a linear trend and AR(1) errors over calendar days. :math:`\\beta_2`, the *effect*, is the
difference in points between exposed and massage-free days (negative = lower). Its posterior
is exact: conjugate given :math:`\\rho` and marginalised over a grid of :math:`\\rho` by the
marginal likelihood (:mod:`touchdose.analysis._ar1`). Whether a lower value is a benefit is
the outcome's *direction* (:data:`DIARY_OUTCOMES`).

The engine refuses, saying why and what data would fix it, when there is no baseline long
enough to tell massage from natural fluctuation and regression to the mean, or when massage
days and massage-free days did not alternate often enough.

Examples
--------
>>> from datetime import datetime, timedelta, timezone
>>> from touchdose.records import CheckIn, ClientFile, ClientProfile, Session
>>> t0 = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
>>> days = range(70)
>>> pain = [6 - (d >= 14 and (d - 14) % 7 < 3) * 2 + (d % 2) for d in days]
>>> cf = ClientFile(ClientProfile(id="c-1"),
...     sessions=tuple(Session(start=t0 + timedelta(days=d), pressure=2, minutes=45)
...                    for d in range(14, 70, 7)),
...     checkins=tuple(CheckIn(time=t0 + timedelta(days=d, hours=11), pain=p) for d, p in zip(days, pain)))
>>> c = compare(cf)
>>> round(c.effect, 1), c.p_benefit > 0.95
(-1.9, True)
>>> compare(cf, options=CompareOptions(min_baseline_days=20)).needs
('17 more diary days without massage before the next session',)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit

from touchdose.analysis import _ar1
from touchdose.analysis._exposure import (
    EFFECT_COLUMN,
    EXPOSURE_WINDOW_DAYS,
    LATE_HOURS,
    MIN_BASELINE_DAYS,
    MIN_EXPOSURE_EPISODES,
    MIN_WEEKDAY_WEEKS,
    WASHOUT_DAYS,
    Design,
    check_window,
    design,
    whole_at_least,
)
from touchdose.analysis._exposure import (
    designs as label_days,
)
from touchdose.analysis.diary import DiaryArrays
from touchdose.instruments.change import MID_POINTS, MODERATE_PERCENT, MODERATE_POINTS
from touchdose.records import ClientFile
from touchdose.text import count

__all__ = [
    "DEFAULT_OPTIONS",
    "DEFAULT_PRIOR",
    "DIARY_OUTCOMES",
    "EXPOSURE_WINDOW_DAYS",
    "LATE_HOURS",
    "MEANINGFUL_PERCENT",
    "MEANINGFUL_POINTS",
    "MIN_BASELINE_DAYS",
    "MIN_EXPOSURE_EPISODES",
    "MIN_WEEKDAY_WEEKS",
    "WASHOUT_DAYS",
    "WEEKDAY_PRIOR",
    "CompareOptions",
    "Comparison",
    "ComparisonSet",
    "Design",
    "DiaryArrays",
    "LateLook",
    "MeaningfulChange",
    "Outcome",
    "Prior",
    "Refusal",
    "break_taken",
    "compare",
    "compare_all",
    "compare_all_batch",
    "compare_batch",
    "design",
]

# --- Named constants, each with its source ------------------------------------------------

#: Exposure window, washout and the refusal thresholds live with the day labels
#: (:mod:`touchdose.analysis._exposure`) and are re-exported here.

#: A phase of an A-B-A-B design counts when it has at least this many diary days: five data
#: points per phase, the single-case design standard of the What Works Clearinghouse
#: (Kratochwill TR et al. 2010; docs/design.md item 5).
MIN_PHASE_DAYS = 5
#: Phase changes that demonstrate an effect in a single-case design: three (A-B-A-B), the same
#: standard. The comparison accepts them in place of :data:`MIN_EXPOSURE_EPISODES` alternations.
ABAB_PHASE_CHANGES = 3
#: Below this share of massage-free days since massage began, the sessions are too close
#: together for massage-free stretches to arise on their own (twice a week gives none), and the
#: plan proposes a break instead of waiting (our choice; weekly sessions give about 40 %).
FREE_SHARE_FOR_PAUSE = 0.2


@dataclass(frozen=True)
class Outcome:
    """A diary outcome: its field, how a person reads it, its MID and direction of benefit."""

    field: str
    label: str
    mid: float
    lower_is_better: bool


#: The four outcomes compared, in report order.
#: pain: MID = IMMPACT's minimally important change, 1 point (Dworkin 2008, via instruments.change).
#: fatigue, mood: 0-10 ratings; no daily-diary MID was found (docs/instruments.md), so we use
#: the same 1 point = 10 % of the scale, IMMPACT's minimal-importance fraction (documented choice).
#: Mood is read as 10 = best, the soothing effect docs/design.md describes as "mood better".
#: sleep_hours: 0.5 h, the clinical-significance threshold for total sleep time in the AASM
#: insomnia guideline (Sateia MJ et al. J Clin Sleep Med 2017;13:307-49; recalled, not re-read).
DIARY_OUTCOMES: dict[str, Outcome] = {
    "pain": Outcome("pain", "pain", MID_POINTS, lower_is_better=True),
    "sleep_hours": Outcome("sleep_hours", "sleep hours", 0.5, lower_is_better=False),
    "fatigue": Outcome("fatigue", "fatigue", 1.0, lower_is_better=True),
    "mood": Outcome("mood", "mood", 1.0, lower_is_better=False),
}


@dataclass(frozen=True)
class Prior:
    """Normal-inverse-gamma prior: coefficients ~ N(0, sigma^2 diag(1/precision)), sigma^2 ~ IG(a0, b0).

    The defaults are weakly informative. Intercept and trend: precision 1e-4, i.e. a prior SD of
    100 sigma, flat for any diary. Effect: precision 0.25, a prior SD of 2 sigma (sigma is the
    day-to-day innovation SD, about 1 point of pain), so effects beyond about +/-4 points are
    a priori unlikely while anything a massage could plausibly do is left to the data (the
    late look's coefficient has the same prior), and so do the weekday differences from the
    weekly mean (precision 0.25); that width also sets how readily the weekday term is taken
    up (:data:`WEEKDAY_PRIOR`): a narrower prior was taken up as often but shrank a real
    weekend rise too far to undo its bias (docs/validation.md). sigma^2 ~ IG(1, 1): mode 0.5
    points^2, a heavy right tail. rho ~ uniform(-1, 1) (the grid).
    """

    intercept_precision: float = 1e-4
    trend_precision: float = 1e-4
    effect_precision: float = 0.25
    a0: float = 1.0
    b0: float = 1.0
    weekday_precision: float = 0.25

    def __post_init__(self) -> None:
        for name in ("intercept_precision", "trend_precision", "effect_precision", "b0", "weekday_precision"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < np.inf:
                raise ValueError(f"prior: {name} = {value!r} is not allowed (allowed: a number >= 0)")
        if isinstance(self.a0, bool) or not isinstance(self.a0, (int, float)) or not np.isfinite(self.a0):
            raise ValueError(f"prior: a0 = {self.a0!r} is not allowed (allowed: a finite number)")

    @property
    def precision(self) -> NDArray[np.float64]:
        """Diagonal of the prior precision matrix, in the order intercept, trend, effect."""
        return np.array([self.intercept_precision, self.trend_precision, self.effect_precision])

    def precision_for(self, columns: int, weekday: bool = False) -> NDArray[np.float64]:
        """The diagonal for a design's columns: a late-look column gets the effect's precision;
        the six weekday columns ``weekday_precision`` (default 0.25: a prior SD of two
        day-to-day sigmas for each weekday's difference from the weekly mean, as the effect)."""
        late = columns - 3 - (6 if weekday else 0)
        extra = [np.full(late, self.effect_precision), np.full(6 if weekday else 0, self.weekday_precision)]
        return np.concatenate([self.precision, *extra])


DEFAULT_PRIOR = Prior()
#: The change fibromyalgia studies call meaningful, reported beside the 1-point MID (which stays
#: the smallest change worth noticing): about 2 points or about 30 % less pain, either one
#: (Farrar JT et al. Pain 2001;94:149-58 in chronic pain; Mease PJ et al. Arthritis Care Res
#: 2011;63:821-6 in fibromyalgia; docs/validation.md, "Thresholds"). instruments.change owns both.
MEANINGFUL_POINTS = MODERATE_POINTS
MEANINGFUL_PERCENT = MODERATE_PERCENT
#: Prior probability of a weekly rhythm in the diary (the weekday term), once there are enough
#: weeks to estimate it (_exposure.MIN_WEEKDAY_WEEKS): even odds, so the data decide whether
#: the comparison adjusts for weekdays (Bayesian model averaging by the marginal likelihood).
WEEKDAY_PRIOR = 0.5


# --- Results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeaningfulChange:
    """How the pain effect measures up to the change fibromyalgia studies call meaningful.

    ``points`` is the smaller of :data:`MEANINGFUL_POINTS` and :data:`MEANINGFUL_PERCENT` of the
    client's usual pain on massage-free days (Farrar 2001, Mease 2011: 2 points or 30 %, either
    one); ``p_benefit`` = P(massage days at least that much lower); ``share`` = the estimated
    relief as a share of it (0 when pain was not lower).
    """

    points: float
    p_benefit: float
    share: float

    def to_dict(self) -> dict[str, Any]:
        return {"points": round(self.points, 4), "p_benefit": round(self.p_benefit, 4),
                "share": round(self.share, 4)}  # fmt: skip


@dataclass(frozen=True)
class LateLook:
    """The 72 h look: entries 60-84 h after a session against entries at least 6 days after any
    (and the baseline): harm that shows late (:data:`~touchdose.analysis._exposure.LATE_HOURS`).

    ``effect`` in the outcome's units (the same sign convention as the comparison's),
    ``p_harm`` = P(a harm of at least the MID then). ``p_benefit_early`` = P(a benefit of at
    least the MID in the first 60 h against those same clean days): a check that the
    comparison's benefit does not come from massage-free days that late harm made worse.
    """

    effect: float
    ci95: tuple[float, float]
    p_harm: float
    p_benefit_early: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "effect": round(self.effect, 4),
            "ci95": [round(self.ci95[0], 4), round(self.ci95[1], 4)],
            "p_harm": round(self.p_harm, 4),
            "p_benefit_early": round(self.p_benefit_early, 4),
        }


@dataclass(frozen=True)
class Comparison:
    """A comparison that was made. ``effect`` is exposed minus massage-free days, in points.

    ``to_dict()`` is the docs/formats.md object (plus ``late`` when the late look was made);
    the other attributes are diagnostics.
    """

    outcome: str
    effect: float
    ci95: tuple[float, float]
    p_benefit: float
    p_harm: float
    p_no_meaningful: float
    mid: float
    rho: float
    days_used: int
    exposed_days: int
    free_days: int
    baseline_days: int
    episodes: int
    late: LateLook | None = None
    p_weekday: float | None = None
    meaningful: MeaningfulChange | None = None
    sd: float | None = None  # posterior SD of the effect (what pooling many clients weighs by)

    refused: bool = field(default=False, init=False)

    def to_dict(self) -> dict[str, Any]:
        """The docs/formats.md comparison object (rounded to 4 decimals)."""
        out: dict[str, Any] = {
            "effect": round(self.effect, 4),
            "ci95": [round(self.ci95[0], 4), round(self.ci95[1], 4)],
            "p_benefit": round(self.p_benefit, 4),
            "p_harm": round(self.p_harm, 4),
            "p_no_meaningful": round(self.p_no_meaningful, 4),
            "mid": self.mid,
        }
        if self.meaningful is not None:
            out["meaningful"] = self.meaningful.to_dict()
        if self.late is not None:
            out["late"] = self.late.to_dict()
        return out


@dataclass(frozen=True)
class Refusal:
    """A comparison that could not be made: why (``reasons``) and what would fix it (``needs``).

    ``need`` is the kind of the first need (``"diary"``, ``"baseline"``, ``"alternation"``, ``"break"`` or
    ``"phase"``, see :data:`touchdose.analysis.wording.NEEDS`), with ``days`` (massage-free diary
    days still needed) and ``sessions`` (separate spells of massage still needed) for the action
    sentence; ``pause_needed`` is true when only a planned break from massage can give the
    massage-free stretches (the sessions are too close together for any to arise on their own).
    """

    outcome: str
    reasons: tuple[str, ...]
    needs: tuple[str, ...]
    need: str | None = None
    days: int = 0
    sessions: int = 0
    pause_needed: bool = False

    refused: bool = field(default=True, init=False)

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "refused": True, "reasons": list(self.reasons),
                "needs": list(self.needs)}  # fmt: skip


@dataclass(frozen=True)
class ComparisonSet:
    """The comparison of every outcome in :data:`DIARY_OUTCOMES` (made or refused)."""

    results: dict[str, Comparison | Refusal]

    def to_dict(self) -> dict[str, dict[str, Any] | None]:
        """docs/formats.md ``comparison``: each outcome's object, ``None`` where it was refused."""
        return {k: (None if isinstance(v, Refusal) else v.to_dict()) for k, v in self.results.items()}

    @property
    def refusals(self) -> dict[str, Refusal]:
        """The refused outcomes with their reasons and needs."""
        return {k: v for k, v in self.results.items() if isinstance(v, Refusal)}

    def __getitem__(self, outcome: str) -> Comparison | Refusal:
        return self.results[outcome]


def phases(d: Design) -> list[tuple[bool, int]]:
    """The runs of exposed / massage-free days in the kept days: ``(exposed, observed days)``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0, 0, 1, 1, 1, 0, 1], dtype=float)
    >>> phases(Design("pain", np.arange(7), np.zeros(7), np.column_stack([x, x, x]), 2, 0, 2, 2, True))
    [(False, 2), (True, 3), (False, 1), (True, 1)]
    """
    exposed = d.X[:, EFFECT_COLUMN] > 0.0  # a share of the entry's 24 h after a session
    if exposed.size == 0:
        return []
    starts = np.flatnonzero(np.diff(exposed.astype(np.int8), prepend=2))  # where a run begins
    lengths = np.diff(np.append(starts, exposed.size))
    return list(zip(exposed[starts].tolist(), lengths.tolist(), strict=True))


def phase_changes(d: Design, min_days: int = MIN_PHASE_DAYS) -> int:
    """Changes between phases of at least ``min_days`` observed days (shorter runs are skipped,
    so a missed session inside a massage phase does not count as a phase).

    An A-B-A-B withdrawal design (baseline, massage, one planned break, massage) has three.
    """
    long = [flag for flag, n in phases(d) if n >= min_days]
    return sum(1 for a, b in itertools.pairwise(long) if a != b)


def _since_massage(d: Design) -> list[tuple[bool, int]]:
    """The phases from the first massage on."""
    runs = phases(d)
    started = next((i for i, (flag, _) in enumerate(runs) if flag), len(runs))
    return runs[started:]


def _too_close(d: Design) -> bool:
    """Massage has started, and massage-free days are under :data:`FREE_SHARE_FOR_PAUSE` of the
    days since: the sessions are too close together for the diary to show a difference without
    a planned break, and no long break was taken yet.

    Massage-free days at the end of the diary after a massage phase (at least
    :data:`MIN_PHASE_DAYS` days with massage, so sessions that came close together) are a break
    under way, not the sessions' rhythm: they are left out of the share, so a planned break stays
    planned while it is taken. After a single session they are the rhythm itself."""
    runs = _since_massage(d)
    phase = any(flag and n >= MIN_PHASE_DAYS for flag, n in runs[:-1])
    if runs and not runs[-1][0] and runs[-1][1] < MIN_PHASE_DAYS and phase:
        runs = runs[:-1]
    total = sum(n for _, n in runs)
    free = [n for flag, n in runs if not flag]
    return total > 0 and sum(free) < FREE_SHARE_FOR_PAUSE * total and max(free, default=0) < MIN_PHASE_DAYS


def _after_break(d: Design) -> int | None:
    """Diary days with massage still needed after a break of at least :data:`MIN_PHASE_DAYS`
    massage-free days that followed as many days with massage (the A-B-A of an A-B-A-B design;
    ``None`` when no such break was taken)."""
    runs = _since_massage(d)
    long_b = next((i for i, (flag, n) in enumerate(runs) if flag and n >= MIN_PHASE_DAYS), None)
    if long_b is None:
        return None
    breaks = [i for i, (flag, n) in enumerate(runs) if not flag and n >= MIN_PHASE_DAYS and i > long_b]
    if not breaks:
        return None
    after = sum(n for flag, n in runs[breaks[-1] + 1 :] if flag)
    return max(0, MIN_PHASE_DAYS - after)


def break_taken(d: Design) -> bool:
    """A break of at least :data:`MIN_PHASE_DAYS` massage-free diary days came after as many days
    with massage, and massage has resumed since: the second A of an A-B-A-B design is behind.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0] * 5 + [1] * 6 + [0] * 6 + [1] * 2, dtype=float)
    >>> d = Design("pain", np.arange(19), np.zeros(19), np.column_stack([x, x, x]), 5, 0, 6, 2, True)
    >>> break_taken(d)
    True
    """
    runs = _since_massage(d)
    long_b = next((i for i, (flag, n) in enumerate(runs) if flag and n >= MIN_PHASE_DAYS), None)
    if long_b is None:
        return False
    return any(not flag and n >= MIN_PHASE_DAYS and any(f for f, _ in runs[i + 1 :])
               for i, (flag, n) in enumerate(runs) if i > long_b)  # fmt: skip


def _refusal(d: Design, min_baseline_days: int, min_episodes: int) -> Refusal | None:
    o = DIARY_OUTCOMES[d.outcome]
    reasons: list[str] = []
    needs: list[str] = []
    kinds: list[tuple[str, int, int]] = []
    if len(d.days) == 0:
        return Refusal(d.outcome, (f"No {o.label} entries in the diary.",), (f"daily {o.label} entries",),
                       need="diary")  # fmt: skip
    if max(d.baseline_days, d.longest_free_days) < min_baseline_days:
        reasons.append(
            f"Only {max(d.baseline_days, d.longest_free_days)} massage-free diary days with {o.label} in "
            f"one stretch ({min_baseline_days} needed): without a baseline, massage cannot be told apart "
            "from natural ups and downs and regression to the mean."
        )
        more = min_baseline_days - d.current_free_days
        when = "the next session" if d.has_sessions else "the first massage session"
        needs.append(f"{count(more, 'more diary day')} without massage before {when}")
        kinds.append(("baseline", more, 0))
    after_break = _after_break(d)
    if d.episodes >= min_episodes or phase_changes(d) >= ABAB_PHASE_CHANGES:
        pass  # repeated crossover, or an A-B-A-B design with enough days in each phase (Kratochwill 2010)
    elif after_break:
        reasons.append(
            f"After the break from massage, {count(MIN_PHASE_DAYS - after_break, 'diary day')} with "
            f"massage so far ({MIN_PHASE_DAYS} needed for an A-B-A-B comparison)."
        )
        needs.append(f"{count(after_break, 'more diary day')} with {o.label} logged after massage")
        kinds.append(("phase", after_break, 0))
    elif _too_close(d):
        reasons.append(
            "Massage days and massage-free days have not alternated: the sessions are too close "
            "together for any massage-free days between them."
        )
        needs.append(
            f"one planned break from massage with at least {MIN_PHASE_DAYS} massage-free diary days, "
            f"then at least {MIN_PHASE_DAYS} diary days with massage again"
        )
        kinds.append(("break", MIN_PHASE_DAYS, 0))
    else:
        reasons.append(
            f"Massage days and massage-free days alternated {count(d.episodes, 'time')} "
            f"({min_episodes} needed): "
            "with so few switches a change cannot be put down to massage."
        )
        more = min_episodes - d.episodes
        needs.append(
            f"{count(more, 'more session')} in different weeks, with {o.label} logged on the massage day "
            "and "
            "the days after, and massage-free days in between"
        )
        kinds.append(("alternation", 0, more))
    if not reasons:
        return None
    need, days, sessions = kinds[0]
    return Refusal(d.outcome, tuple(reasons), tuple(needs), need=need, days=days, sessions=sessions,
                   pause_needed=_too_close(d))  # fmt: skip


def _effect_summaries(
    weights: NDArray[np.float64], post: _ar1.GridPosterior, mid: NDArray[np.float64], column: int = 2,
    meaningful: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Columns: mean, 2.5 %, 97.5 %, P(effect <= -mid), P(effect >= mid), mean rho,
    P(effect <= -meaningful) (NaN without ``meaningful``) and the posterior SD, one row each.

    Each row keeps only its heaviest grid points, as many as the row of the group that needs
    most so that the points left out weigh less than 1e-12 together (they change no printed
    digit). Rows are grouped by that need, so one wide posterior does not slow the others.
    """
    ranked = np.argsort(-weights, axis=1)
    tail = 1.0 - np.cumsum(np.take_along_axis(weights, ranked, axis=1), axis=1)
    need = np.argmax(tail < 1e-12, axis=1) + 1
    out = np.full((len(weights), 8), np.nan)
    order = np.argsort(need, kind="stable")
    groups = [order]  # a few rows: one group; many: one group per power of two of the need
    if len(order) > 32:
        groups = np.split(order, np.flatnonzero(np.diff(np.ceil(np.log2(need[order] + 1)))) + 1)
    for rows in groups:
        top = ranked[rows, : int(need[rows].max())]
        w = np.take_along_axis(weights[rows], top, axis=1)
        w /= w.sum(axis=1, keepdims=True)
        loc = np.take_along_axis(post.mean[rows, :, column], top, axis=1)
        scale = np.take_along_axis(post.scale[rows, :, column], top, axis=1)
        df = post.df[rows]
        out[rows, 0] = np.sum(w * loc, axis=1)
        out[rows, 1:3] = _ar1.mixture_quantiles((0.025, 0.975), w, loc, scale, df)
        out[rows, 3] = _ar1.mixture_cdf(-mid[rows], w, loc, scale, df)
        out[rows, 4] = 1.0 - _ar1.mixture_cdf(mid[rows], w, loc, scale, df)
        out[rows, 5] = np.sum(w * post.rho[top], axis=1)
        if meaningful is not None:
            out[rows, 6] = _ar1.mixture_cdf(-meaningful[rows], w, loc, scale, df)
        # The mixture's variance: each Student-t's (scale^2 df / (df - 2); df = 2 a_n > 2) plus
        # the spread of their centres.
        second = np.sum(w * (scale**2 * (df / (df - 2.0))[:, None] + loc**2), axis=1)
        out[rows, 7] = np.sqrt(np.maximum(second - out[rows, 0] ** 2, 0.0))
    return out


def _meaningful(d: Design) -> float:
    """The meaningful change for a pain design (NaN for the other outcomes): the smaller of
    2 points and 30 % of the mean pain on massage-free days (at least the MID)."""
    if d.outcome != "pain":
        return float("nan")
    free = d.y[d.X[:, 2] == 0]
    usual = float(np.mean(free)) if len(free) else float(np.mean(d.y))
    return max(min(MEANINGFUL_POINTS, MEANINGFUL_PERCENT / 100.0 * usual), MID_POINTS)


def _posterior(
    designs: list[Design], prior: Prior, rho: NDArray[np.float64]
) -> tuple[_ar1.GridPosterior, NDArray[np.float64] | None]:
    """Grid posterior for designs with the same columns, and P(weekly rhythm) per design.

    With weekday columns the posterior is the average of the models without and with them,
    weighted by their marginal likelihoods and :data:`WEEKDAY_PRIOR`: one mixture over
    (model, rho). Without them, the one model (and ``None``).
    """
    p = designs[0].X.shape[1]
    if designs[0].weekday is None:
        stats = _ar1.gap_stats_many([(d.days, d.X, d.y) for d in designs])
        return _ar1.grid_posterior(stats, prior.precision_for(p), prior.a0, prior.b0, rho), None
    # Both models from the same transformed cross-products: the smaller is nested in the wider.
    wide = _ar1.gap_stats_many([(d.days, np.column_stack([d.X, _weekday(d)]), d.y) for d in designs])
    m = _ar1.moments(wide, rho)
    post = _ar1.grid_posterior(m, prior.precision_for(p), prior.a0, prior.b0, columns=list(range(p)))
    full = _ar1.grid_posterior(m, prior.precision_for(p + 6, weekday=True), prior.a0, prior.b0)
    assert post.log_evidence is not None and full.log_evidence is not None
    log_odds = full.log_evidence - post.log_evidence + np.log(WEEKDAY_PRIOR / (1.0 - WEEKDAY_PRIOR))
    pw = expit(log_odds)
    mixed = _ar1.GridPosterior(
        rho=np.concatenate([rho, rho]),
        weights=np.concatenate([post.weights * (1.0 - pw)[:, None], full.weights * pw[:, None]], axis=1),
        mean=np.concatenate([post.mean, full.mean[..., :p]], axis=1),
        scale=np.concatenate([post.scale, full.scale[..., :p]], axis=1),
        df=post.df,
    )
    return mixed, pw


def _weekday(d: Design) -> NDArray[np.float64]:
    if d.weekday is None:
        raise ValueError("compare: a design without weekday columns was grouped with the weekday ones")
    return d.weekday


def _grouped(designs: list[Design]) -> list[list[int]]:
    """Indices of designs with the same columns (late look, weekday term), computed together."""
    layouts: dict[tuple[int, bool], list[int]] = {}
    for i, d in enumerate(designs):
        layouts.setdefault((d.X.shape[1], d.weekday is not None), []).append(i)
    return list(layouts.values())


def _summaries(
    designs: list[Design], mids: list[float], prior: Prior, rho: NDArray[np.float64]
) -> list[Comparison]:
    """Posterior summaries of the effect for a batch of designs that passed the checks."""
    mid = np.asarray(mids, dtype=np.float64)
    summary = np.empty((len(designs), 8))
    meaningful = np.array([_meaningful(d) for d in designs])
    p_weekday: list[float | None] = [None] * len(designs)
    late: list[LateLook | None] = [None] * len(designs)
    for rows in _grouped(designs):
        post, pw = _posterior([designs[i] for i in rows], prior, rho)
        summary[rows] = _effect_summaries(post.weights, post, mid[rows], meaningful=meaningful[rows])
        if pw is not None:
            for k, i in enumerate(rows):
                p_weekday[i] = float(pw[k])
    have = [i for i, d in enumerate(designs) if d.late is not None]
    looks = [d.late for d in designs if d.late is not None]
    for rows in _grouped(looks):
        post, _ = _posterior([looks[r] for r in rows], prior, rho)
        idx = [have[r] for r in rows]
        early = (post.weights, post.mean[..., 2], post.scale[..., 2], post.df)
        early_below = _ar1.mixture_cdf(-mid[idx], *early)
        early_above = 1.0 - _ar1.mixture_cdf(mid[idx], *early)
        summaries = _effect_summaries(post.weights, post, mid[idx], column=3)
        for k, (i, row) in enumerate(zip(idx, summaries, strict=True)):
            effect, lo, hi, p_below, p_above, *_ = (float(v) for v in row)
            lower = DIARY_OUTCOMES[designs[i].outcome].lower_is_better
            harm, first = (p_above, early_below[k]) if lower else (p_below, early_above[k])
            late[i] = LateLook(effect, (lo, hi), harm, float(first))
    out = []
    for i, d in enumerate(designs):
        effect, lo, hi, p_below, p_above, rho_mean, p_meaningful, sd = (float(v) for v in summary[i])
        lower_is_better = DIARY_OUTCOMES[d.outcome].lower_is_better
        benefit, harm = (p_below, p_above) if lower_is_better else (p_above, p_below)
        exposed = int(np.count_nonzero(d.X[:, 2]))
        change = None
        if np.isfinite(meaningful[i]):
            points = float(meaningful[i])
            change = MeaningfulChange(points, p_meaningful, max(0.0, -effect) / points)
        out.append(
            Comparison(
                outcome=d.outcome,
                effect=effect,
                ci95=(lo, hi),
                p_benefit=benefit,
                p_harm=harm,
                p_no_meaningful=max(0.0, 1.0 - benefit - harm),
                mid=float(mid[i]),
                rho=rho_mean,
                days_used=len(d.days),
                exposed_days=exposed,
                free_days=len(d.days) - exposed,
                baseline_days=d.baseline_days,
                episodes=d.episodes,
                late=late[i],
                p_weekday=p_weekday[i],
                meaningful=change,
                sd=sd,
            )
        )
    return out


# --- Public entry points ------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CompareOptions:
    """How the comparison is made: one object for every entry point, checked once when built.

    Attributes
    ----------
    mids : mapping of str to float
        Minimally important difference per outcome, in the outcome's units; an outcome not
        given keeps its default (:data:`DIARY_OUTCOMES`; pain: IMMPACT's 1 point).
    min_baseline_days : int
        Massage-free diary days needed in one stretch (:data:`MIN_BASELINE_DAYS`): before the
        first session, or in a later break from massage (washout days do not count).
    min_episodes : int
        Separate runs of massage days needed (:data:`MIN_EXPOSURE_EPISODES`).
    window_days, washout_days : int
        Exposure window and washout (:data:`EXPOSURE_WINDOW_DAYS`, :data:`WASHOUT_DAYS`).
    prior : Prior
        Normal-inverse-gamma prior (:data:`DEFAULT_PRIOR`).
    rho_grid : array, optional
        Grid over the AR(1) coefficient, uniform prior (default 200 midpoints over (-1, 1)).
    late_look : bool
        Also look at days 3-5 after a session for pain (``Comparison.late``).
    weekday : bool or None
        The weekday term: ``None`` averages the models with and without it once there are
        enough weeks (:data:`MIN_WEEKDAY_WEEKS`); ``False`` never, ``True`` whenever possible.

    Examples
    --------
    >>> CompareOptions(mids={"pain": 1.5}).mid("pain"), CompareOptions().mid("sleep_hours")
    (1.5, 0.5)
    >>> CompareOptions(min_baseline_days=0)
    Traceback (most recent call last):
    ...
    ValueError: compare: min_baseline_days = 0 is not allowed (allowed: a whole number >= 1)
    """

    mids: Mapping[str, float] = field(default_factory=dict)
    min_baseline_days: int = MIN_BASELINE_DAYS
    min_episodes: int = MIN_EXPOSURE_EPISODES
    window_days: int = EXPOSURE_WINDOW_DAYS
    washout_days: int = WASHOUT_DAYS
    prior: Prior = DEFAULT_PRIOR
    rho_grid: NDArray[np.float64] | None = None
    late_look: bool = True
    weekday: bool | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.mids) - set(DIARY_OUTCOMES))
        if unknown:
            raise ValueError(f"compare: mids has {unknown} (allowed: {', '.join(DIARY_OUTCOMES)})")
        for mid in self.mids.values():
            if isinstance(mid, bool) or not isinstance(mid, (int, float)) or not mid > 0:
                raise ValueError(f"compare: mid = {mid!r} is not allowed (allowed: a number of points > 0)")
        whole_at_least("min_baseline_days", self.min_baseline_days, 1)
        whole_at_least("min_episodes", self.min_episodes, 1)
        check_window(self.window_days, self.washout_days)
        if not isinstance(self.prior, Prior):
            raise ValueError(f"compare: prior = {self.prior!r} is not allowed (allowed: a Prior)")
        if self.rho_grid is not None:
            rho = np.asarray(self.rho_grid, dtype=np.float64)
            if rho.ndim != 1 or len(rho) == 0 or np.any(np.abs(rho) >= 1.0):
                raise ValueError(
                    "compare: rho_grid is not allowed (allowed: a non-empty list of values in (-1, 1))"
                )
        if not isinstance(self.late_look, bool):
            raise ValueError(f"compare: late_look = {self.late_look!r} is not allowed (allowed: a bool)")
        weekday: object = self.weekday
        if not (weekday is None or isinstance(weekday, bool)):
            allowed = "True, False or None"
            raise ValueError(f"compare: weekday = {self.weekday!r} is not allowed (allowed: {allowed})")

    def mid(self, outcome: str) -> float:
        """The MID used for ``outcome``: the one given, else the outcome's default."""
        given = self.mids.get(outcome)
        return DIARY_OUTCOMES[outcome].mid if given is None else float(given)

    @property
    def rho(self) -> NDArray[np.float64]:
        """The grid over rho actually used."""
        return _DEFAULT_RHO if self.rho_grid is None else np.asarray(self.rho_grid, dtype=np.float64)


_DEFAULT_RHO = _ar1.rho_grid()
#: The options every entry point uses when none are given.
DEFAULT_OPTIONS = CompareOptions()


def _outcome(outcome: str) -> tuple[str, ...]:
    if outcome not in DIARY_OUTCOMES:
        allowed = ", ".join(DIARY_OUTCOMES)
        raise ValueError(f"compare: outcome = {outcome!r} is not allowed (allowed: one of {allowed})")
    return (outcome,)


def _run(
    cfs: Sequence[ClientFile | DiaryArrays], outcomes: tuple[str, ...], opt: CompareOptions, chunk: int
) -> list[list[Comparison | Refusal]]:
    """Every outcome of every client: designs and refusals one by one, posteriors in blocks."""
    results: list[list[Comparison | Refusal | None]] = []
    pending: list[tuple[int, int, Design]] = []
    for i, cf in enumerate(cfs):
        row: list[Comparison | Refusal | None] = []
        made = label_days(cf, outcomes, window_days=opt.window_days, washout_days=opt.washout_days,
                       late_look=opt.late_look, weekday=opt.weekday)  # fmt: skip
        for j, d in enumerate(made):
            refusal = _refusal(d, opt.min_baseline_days, opt.min_episodes)
            row.append(refusal)
            if refusal is None:
                pending.append((i, j, d))
        results.append(row)
    rho = opt.rho
    for start in range(0, len(pending), chunk):
        block = pending[start : start + chunk]
        ds = [d for *_, d in block]
        done = _summaries(ds, [opt.mid(d.outcome) for d in ds], opt.prior, rho)
        for (i, j, _), c in zip(block, done, strict=True):
            results[i][j] = c
    return [[r for r in row if r is not None] for row in results]


def compare(
    cf: ClientFile, outcome: str = "pain", options: CompareOptions = DEFAULT_OPTIONS
) -> Comparison | Refusal:
    """Bayesian n-of-1 comparison of one diary outcome on massage days against massage-free days.

    Parameters
    ----------
    cf : ClientFile
        The client: check-ins (the diary) and sessions.
    outcome : str
        ``"pain"``, ``"sleep_hours"``, ``"fatigue"`` or ``"mood"`` (:data:`DIARY_OUTCOMES`).
    options : CompareOptions
        MIDs, refusal thresholds, exposure window, prior and rho grid (:class:`CompareOptions`).

    Returns
    -------
    Comparison or Refusal
        ``Comparison``: posterior mean ``effect`` (exposed minus massage-free days, in the
        outcome's units), equal-tailed 95 % credible interval ``ci95``, ``p_benefit`` =
        P(effect is a benefit of at least the MID), ``p_harm`` = P(effect is a harm of at least
        the MID), ``p_no_meaningful`` = the rest. ``Refusal``: ``reasons`` and ``needs``.

    Notes
    -----
    :math:`y_t = \\beta_0 + \\beta_1 t + \\beta_2 E_t + e_t`, :math:`e_t = \\rho e_{t-1} + u_t`.
    Given :math:`\\rho` the posterior of :math:`\\beta_2` is Student-t (Prais-Winsten transform,
    normal-inverse-gamma prior); over the grid it is the mixture
    :math:`\\sum_g w_g\\, t_{2a_n}(m_g, s_g)` with :math:`w_g \\propto p(y\\mid\\rho_g)`. For pain
    (lower is better) :math:`P(\\text{benefit}) = \\sum_g w_g F_{2a_n}((-\\text{MID} - m_g)/s_g)`.

    References
    ----------
    Prais SJ, Winsten CB. Trend estimators and serial correlation. Cowles Commission 1954.
    Dworkin RH et al. Interpreting the clinical importance of treatment outcomes in chronic
    pain clinical trials: IMMPACT recommendations. J Pain 2008;9:105-21.
    Schmid CH, Yang J. Bayesian models for N-of-1 trials. Harvard Data Sci Rev 2022 (AR(1) n-of-1).

    Examples
    --------
    >>> from touchdose.records import ClientFile, ClientProfile
    >>> compare(ClientFile(ClientProfile(id="c-1"))).reasons
    ('No pain entries in the diary.',)
    """
    return _run([cf], _outcome(outcome), options, chunk=1)[0][0]


def compare_batch(
    clients: Sequence[ClientFile | DiaryArrays],
    outcome: str = "pain",
    options: CompareOptions = DEFAULT_OPTIONS,
    *,
    chunk: int = 256,
) -> list[Comparison | Refusal]:
    """:func:`compare` for many clients at once, the posterior vectorised over clients and grid.

    Each client is its records (``ClientFile``) or, for many clients read from columns
    (``touchdose cohort``), its diary as arrays (:class:`DiaryArrays`, holding ``outcome`` in
    its ``values``): both give the same designs, refusals and posteriors. ``chunk`` bounds the
    memory: clients per vectorised block. Returns one result per client, in order.

    Examples
    --------
    >>> import numpy as np
    >>> from touchdose.records import ClientFile, ClientProfile
    >>> empty = DiaryArrays(np.empty(0), np.empty(0), {"pain": np.empty(0)}, np.empty(0))
    >>> [r.refused for r in compare_batch([ClientFile(ClientProfile(id="a")), empty])]
    [True, True]
    """
    return [row[0] for row in _run(list(clients), _outcome(outcome), options, chunk)]


def compare_all(cf: ClientFile, options: CompareOptions = DEFAULT_OPTIONS) -> ComparisonSet:
    """:func:`compare` for every outcome in :data:`DIARY_OUTCOMES` (pain, sleep hours, fatigue, mood).

    The diary is read and labelled once and the four posteriors are computed together.

    Examples
    --------
    >>> from touchdose.records import ClientFile, ClientProfile
    >>> compare_all(ClientFile(ClientProfile(id="c-1"))).to_dict()
    {'pain': None, 'sleep_hours': None, 'fatigue': None, 'mood': None}
    """
    return compare_all_batch([cf], options)[0]


def compare_all_batch(
    cfs: list[ClientFile], options: CompareOptions = DEFAULT_OPTIONS, *, chunk: int = 256
) -> list[ComparisonSet]:
    """:func:`compare_all` for many clients, the posteriors vectorised over clients and outcomes.

    Examples
    --------
    >>> from touchdose.records import ClientFile, ClientProfile
    >>> [s.to_dict()["pain"] for s in compare_all_batch([ClientFile(ClientProfile(id="a"))])]
    [None]
    """
    outcomes = tuple(DIARY_OUTCOMES)
    rows = _run(list(cfs), outcomes, options, chunk)
    return [ComparisonSet(dict(zip(outcomes, row, strict=True))) for row in rows]
