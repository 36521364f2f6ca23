"""The vectorised core of the simulator: days x clients arrays, no records.

A batch of clients is simulated day by day for the latent diary (AR(1) noise, drift)
and session by session for the massages: each session runs through the gate
(:func:`touchdose.painmodel.gate.gate_response`) with the client's pain that morning
and any transient sensitization left over, and its after-effects are added to the
following days. The pressure of a session comes from ``choose``, called once per
session round with the indices of the clients who have a session then.

Times: a session starts at :data:`SESSION_HOUR` on its day and the diary is written at
:data:`DIARY_HOUR` (local time), so the diary one and two days later falls in the 24 h
and 48 h follow-up windows of docs/design.md (34 h and 58 h).

Examples
--------
>>> import numpy as np
>>> from touchdose.painmodel.population import draw_traits
>>> rng = np.random.default_rng(3)
>>> traits = draw_traits(rng, np.array(["helps"] * 4), days=60)
>>> cohort = run_cohort(traits, rng, days=60, choose=lambda k, idx, c: np.full(idx.size, 3))
>>> cohort.pain.shape
(60, 4)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from touchdose.instruments.change import MODERATE_POINTS
from touchdose.painmodel.gate import (
    RELAXATION_HALF_LIFE_HOURS,
    TRANSIENT_HALF_LIFE_HOURS,
    GateParams,
    GateResponse,
    decay,
    flare_shape,
    gate_response,
)
from touchdose.painmodel.population import LATE_HOURS, RATING_ADHERENCE, Traits
from touchdose.painmodel.scenario import DEFAULT_SCENARIO, Scenario
from touchdose.painmodel.scenario import DIARY_HOUR as DIARY_HOUR  # re-exported: engine's names since issue 3
from touchdose.painmodel.scenario import SESSION_HOUR as SESSION_HOUR
from touchdose.types import BoolArray, FloatArray, IntArray

# SESSION_HOUR and DIARY_HOUR (10:00 and the evening diary at 20:00) live in painmodel.scenario,
# where a Scenario can move the diary to another hour.
#: Days after a session on which its after-effects are still added (they are < 1 % later).
EFFECT_DAYS = 10
#: Hours after the session of the diary on days 0, 1 and 2: the truth "effect" of a session
#: is its mean pain change over these three diaries (the exposure window of docs/design.md).
EFFECT_HOURS: tuple[float, ...] = tuple(24.0 * d + DIARY_HOUR - SESSION_HOUR for d in range(3))
#: A flare is extra pain from transient sensitization of at least IMMPACT's moderately
#: important change (2 points; Dworkin 2008) at a diary: what a client would call a flare.
FLARE_POINTS = MODERATE_POINTS
#: Evoked pain (points) during a session from which the client reports soreness.
SORENESS_POINTS = 1.5
#: How pain that day moves the other diary items (points per point of pain above usual).
MOOD_PER_PAIN = -0.4
FATIGUE_PER_PAIN = 0.5
SLEEP_HOURS_PER_PAIN = -0.25
ACTIVITY_MINUTES_PER_PAIN = -8.0

#: ``choose(k, idx, cohort_so_far) -> pressures`` for the clients ``idx`` at session round k
#: (0 for a client who gets no session that round).
Chooser = Callable[[int, IntArray, "Cohort"], NDArray[np.integer]]


@dataclass
class Cohort:
    """Simulated arrays of one batch (days x clients; sessions x clients).

    Filled in place while running; complete for day ``d`` once every session before
    ``d`` has been run.
    """

    traits: Traits
    latent: FloatArray  # pain without any massage
    pain_effect: FloatArray  # points added by the sessions (negative = relief)
    observed: BoolArray  # a diary entry was made
    late_hours: FloatArray  # hours the entry was late (0 = on time)
    diary_key: int  # seeds the noise of the other diary items (drawn only when records are built)
    u_follow: FloatArray  # (2, K, n) uniform draws for keeping the two follow-up diaries
    session_day: IntArray  # (K, n), -1 = no session
    pressure: IntArray
    before: FloatArray
    during: FloatArray
    after: FloatArray
    relaxation: FloatArray
    evoked: FloatArray
    flare_points: FloatArray  # the session's flare before build-up and decay (points)
    effect: FloatArray  # the session's true mean change over the diaries of days 0-2
    flare: BoolArray  # the session caused a flare (>= FLARE_POINTS at the 24 h diary)
    rated: BoolArray  # (3, K, n) before / during / after given
    noise: FloatArray | None = None  # filled by diary_noise()
    scenario: Scenario = DEFAULT_SCENARIO  # diary hour and recall, weekly rhythm, added after-effect

    @property
    def pain(self) -> FloatArray:
        """Latent daily pain with the massage effects, on the 0-10 scale (not rounded)."""
        return np.clip(self.latent + self.pain_effect, 0.0, 10.0)


def _ar1(rng: np.random.Generator, traits: Traits, days: int) -> FloatArray:
    """Day-to-day fluctuation: stationary AR(1) with each client's rho and SD."""
    eps = rng.standard_normal((days, traits.n))
    innovation = traits.ar_sd * np.sqrt(1.0 - traits.ar_rho**2)
    out = np.empty((days, traits.n))
    out[0] = traits.ar_sd * eps[0]
    for d in range(1, days):
        out[d] = traits.ar_rho * out[d - 1] + innovation * eps[d]
    return out


def _observation(rng: np.random.Generator, traits: Traits, days: int) -> tuple[FloatArray, FloatArray]:
    """Uniform draws for "was the diary kept" and how many hours late each entry was."""
    u = rng.random((days, traits.n))
    late = rng.random((days, traits.n)) < traits.late_rate
    hours = np.zeros((days, traits.n))
    hours[late] = rng.uniform(LATE_HOURS[0], LATE_HOURS[1], int(late.sum()))
    return u, hours


def _empty(
    traits: Traits, rng: np.random.Generator, days: int, scenario: Scenario, first_weekday: int
) -> Cohort:
    n = traits.n
    k = int(traits.max_sessions.max(initial=0))
    day_index = np.arange(days)[:, None]
    latent = traits.baseline_pain + traits.drift_per_day * day_index + _ar1(rng, traits, days)
    if scenario.weekend_rise:
        latent = latent + scenario.weekend_rise * scenario.weekend_share(days, first_weekday)[:, None]
    u, late = _observation(rng, traits, days)
    # The baseline weeks are kept as faithfully as the follow-up days (a fresh start).
    adherence = np.where(day_index < traits.baseline_days, traits.followup_adherence, traits.diary_adherence)
    observed = (u < adherence) & (day_index < traits.end_day)
    rounds = np.arange(k)[:, None]
    session_day = np.where(rounds < traits.max_sessions, traits.baseline_days + 7 * rounds, -1)
    zeros = np.zeros((days, n))
    return Cohort(
        traits=traits, latent=latent, pain_effect=zeros, observed=observed, late_hours=late,
        diary_key=int(rng.integers(2**63)), u_follow=rng.random((2, k, n)),
        session_day=session_day.astype(np.int64), pressure=np.zeros((k, n), dtype=np.int64),
        before=np.zeros((k, n)), during=np.zeros((k, n)), after=np.zeros((k, n)),
        relaxation=np.zeros((k, n)), evoked=np.zeros((k, n)), flare_points=np.zeros((k, n)),
        effect=np.zeros((k, n)),
        flare=np.zeros((k, n), dtype=bool), rated=rng.random((3, k, n)) < RATING_ADHERENCE,
        scenario=scenario,
    )  # fmt: skip


def _followups(cohort: Cohort, k: int, idx: IntArray, days: int) -> None:
    """The two diaries after a session are kept with the (higher) follow-up adherence."""
    t = cohort.traits
    for lag in (1, 2):
        d = cohort.session_day[k, idx] + lag
        ok = d < np.minimum(t.end_day[idx], days)
        rows, cols = d[ok], idx[ok]
        cohort.observed[rows, cols] = cohort.u_follow[lag - 1, k, cols] < t.followup_adherence[cols]


def _change_at(r: GateResponse, scenario: Scenario, hours: FloatArray) -> FloatArray:
    """The session's pain change ``hours`` after it (0 before it), with any added effect."""
    change = np.where(hours >= 0.0, r.change_at(np.maximum(hours, 0.0)), 0.0)
    if scenario.added_effect is not None:
        change = change + scenario.added_effect.at(hours)
    return np.asarray(change, dtype=np.float64)


def _add_effects(cohort: Cohort, idx: IntArray, day: IntArray, r: GateResponse, days: int) -> None:
    """Add one session round's pain after-effects to the following days' entries.

    An entry reports the pain at its time, or with a recall window the mean over the hours
    before it (:meth:`Scenario.recall_offsets`); the session counts only from its start.
    """
    s = cohort.scenario
    lag = np.arange(EFFECT_DAYS)[:, None]
    rows = day[None, :] + lag
    ok = rows < days
    flat = (rows * cohort.traits.n + idx[None, :])[ok]
    hours = 24.0 * lag[None] + s.entry_after_session_hours + s.recall_offsets()[:, None, None]
    change = _change_at(r, s, hours).mean(axis=0)
    cohort.pain_effect.ravel()[flat] += change[ok]


def _subset(gate: GateParams, n: int, idx: IntArray) -> GateParams:
    """The gate parameters of the clients ``idx`` only."""
    values = {
        f.name: np.broadcast_to(np.asarray(getattr(gate, f.name), dtype=np.float64), (n,))[idx]
        for f in fields(gate)
    }
    return GateParams.unchecked(**values)


def _session_round(cohort: Cohort, k: int, choose: Chooser, state: FloatArray, last: FloatArray,
                   areas: FloatArray) -> None:  # fmt: skip
    """Run session round ``k`` for every client who has one (a chosen pressure 0: no session)."""
    t = cohort.traits
    days = cohort.latent.shape[0]
    idx = np.flatnonzero(cohort.session_day[k] >= 0).astype(np.int64)
    if idx.size == 0:
        return
    pressure = np.asarray(choose(k, idx, cohort), dtype=np.int64)
    if pressure.shape != idx.shape or np.any((pressure < 0) | (pressure > 5)):
        raise ValueError(
            f"simulate: the policy chose pressure {pressure!r} (allowed: whole numbers 1-5, 0 = no session)"
        )
    if np.any(pressure == 0):  # the therapist skips this booking (stop, or a planned break)
        cohort.session_day[k, idx[pressure == 0]] = -1
        idx, pressure = idx[pressure > 0], pressure[pressure > 0]
        if idx.size == 0:
            return
    # Most rounds include every client: plain slices are then much cheaper than fancy indexing.
    sel: slice | IntArray = slice(None) if idx.size == t.n else idx
    day = cohort.session_day[k, sel]
    hour = 24.0 * day + SESSION_HOUR
    transient = state[sel] * decay(hour - last[sel], TRANSIENT_HALF_LIFE_HOURS)
    before = np.clip(cohort.latent[day, idx] + cohort.pain_effect[day, idx], 0.0, 10.0)
    gate = t.gate if idx.size == t.n else _subset(t.gate, t.n, idx)
    r = gate_response(gate, pressure, t.minutes[sel], areas[sel], before, transient)
    state[sel] = transient + r.transient_added
    last[sel] = hour
    cohort.pressure[k, sel] = pressure
    cohort.before[k, sel], cohort.during[k, sel], cohort.after[k, sel] = before, r.during, r.after
    cohort.relaxation[k, sel], cohort.evoked[k, sel] = r.relaxation, r.evoked
    cohort.flare_points[k, sel] = r.flare_points
    cohort.effect[k, sel] = _change_at(r, cohort.scenario, np.array(EFFECT_HOURS)[:, None]).mean(axis=0)
    cohort.flare[k, sel] = r.flare_points * flare_shape(EFFECT_HOURS[1]) >= FLARE_POINTS
    _followups(cohort, k, idx, days)
    _add_effects(cohort, idx, day, r, days)


def run_cohort(
    traits: Traits,
    rng: np.random.Generator,
    *,
    days: int,
    choose: Chooser,
    scenario: Scenario = DEFAULT_SCENARIO,
    first_weekday: int = 0,
) -> Cohort:
    """Simulate a batch of clients.

    Parameters
    ----------
    traits : the clients (:func:`touchdose.painmodel.population.draw_traits`).
    rng : numpy generator; all noise is drawn before the first session, so the same
        clients see the same noise whatever pressures ``choose`` picks.
    days : days simulated.
    choose : ``choose(k, idx, cohort) -> pressures`` for session round ``k``.
    scenario : diary hour and recall, weekly rhythm, added after-effect (default: none).
    first_weekday : weekday of day 0 (0 = Monday), for the scenario's weekend rise.

    Returns
    -------
    :class:`Cohort` with every array filled in.

    Notes
    -----
    Daily latent pain ``y_t = b + drift t + e_t`` with ``e_t = rho e_(t-1) + u_t``
    (stationary AR(1)); each session adds ``pain_change_after`` of the gate to the
    following diaries; transient sensitization carries over between sessions with
    :data:`~touchdose.painmodel.gate.TRANSIENT_HALF_LIFE_HOURS`.
    """
    if days < 1:
        raise ValueError(f"simulate: days = {days!r} is not allowed (allowed: a whole number >= 1)")
    cohort = _empty(traits, rng, days, scenario, first_weekday)
    state = np.zeros(traits.n)
    last = np.zeros(traits.n)
    areas = traits.areas.sum(axis=1).astype(np.float64)
    for k in range(cohort.session_day.shape[0]):
        _session_round(cohort, k, choose, state, last, areas)
    return cohort


@dataclass(frozen=True)
class DiaryValues:
    """The diary items of some days of one client, as the client would write them."""

    pain: IntArray
    fatigue: IntArray
    sleep_hours: FloatArray  # to the quarter hour
    sleep_quality: IntArray
    mood: IntArray  # higher = better mood
    flare: BoolArray
    rescue_doses: IntArray
    activity_minutes: IntArray


def _rating(x: FloatArray) -> IntArray:
    return np.clip(np.rint(x), 0, 10).astype(np.int64)


def _session_kernels(cohort: Cohort, i: int, first: int, stop: int) -> tuple[FloatArray, ...]:
    """Flare, evening relaxation and night relaxation left on days first..stop-1 (client i)."""
    k = cohort.session_day[:, i] >= 0
    day = cohort.session_day[k, i]
    lag = np.arange(first, stop)[:, None] - day[None, :]
    hours = np.where(lag >= 0, 24.0 * lag + cohort.scenario.entry_after_session_hours, -1.0)
    hours = np.where(hours >= 0, hours, -1.0)  # a morning entry on the session day comes before it
    after = hours >= 0
    flare = np.where(after, cohort.flare_points[k, i] * flare_shape(hours), 0.0).sum(axis=1)
    relax_k = cohort.relaxation[k, i]
    relax = np.where(after, relax_k * decay(hours, RELAXATION_HALF_LIFE_HOURS), 0.0).sum(axis=1)
    night = 24.0 * lag - (SESSION_HOUR + 8.0)  # the night before that diary, about 02:00
    sleep = np.where(night >= 0, relax_k * decay(night, RELAXATION_HALF_LIFE_HOURS), 0.0).sum(axis=1)
    return flare, relax, sleep


def diary_noise(cohort: Cohort) -> FloatArray:
    """(4, days, n) standard normal noise of mood, fatigue, sleep and activity (drawn once)."""
    if cohort.noise is None:
        rng = np.random.default_rng(cohort.diary_key)
        cohort.noise = rng.standard_normal((4, cohort.latent.shape[0], cohort.traits.n))
    return cohort.noise


def diary_values(cohort: Cohort, i: int, first: int, stop: int) -> DiaryValues:
    """Diary items of client ``i`` for days ``first`` to ``stop - 1`` (rounded, in range).

    Notes
    -----
    Pain is the latent pain with the massage effects, rounded. The other items follow
    the day's pain (``dev`` = pain above the client's usual level) and, for mood and sleep,
    the relaxation left from the last sessions, each with its own noise.

    Examples
    --------
    >>> import numpy as np
    >>> from touchdose.painmodel.population import draw_traits
    >>> rng = np.random.default_rng(1)
    >>> cohort = run_cohort(draw_traits(rng, np.array(["soothing"]), days=30), rng, days=30,
    ...                     choose=lambda k, idx, c: np.full(idx.size, 2))
    >>> v = diary_values(cohort, 0, 0, 30)
    >>> v.pain.shape, int(v.mood.min()) >= 0, int(v.mood.max()) <= 10
    ((30,), True, True)
    """
    t = cohort.traits
    d = slice(first, stop)
    pain = np.clip(cohort.latent[d, i] + cohort.pain_effect[d, i], 0.0, 10.0)
    usual = t.baseline_pain[i] + t.drift_per_day[i] * np.arange(first, stop)
    dev = pain - usual
    flare, relax, sleep_relax = _session_kernels(cohort, i, first, stop)
    z = diary_noise(cohort)[:, d, i]
    mood = t.mood_base[i] + t.mood_gain[i] * relax + MOOD_PER_PAIN * dev + z[0]
    fatigue = t.fatigue_base[i] + FATIGUE_PER_PAIN * dev - 0.3 * t.mood_gain[i] * relax + 0.8 * z[1]
    sleep = t.sleep_base[i] + t.sleep_gain[i] * sleep_relax + SLEEP_HOURS_PER_PAIN * dev + 0.6 * z[2]
    quality = t.sleep_quality_base[i] + 2.0 * t.sleep_gain[i] * sleep_relax - 0.3 * dev + z[2]
    activity = t.activity_base[i] + ACTIVITY_MINUTES_PER_PAIN * dev + 10.0 * z[3]
    return DiaryValues(
        pain=_rating(pain), fatigue=_rating(fatigue),
        sleep_hours=np.clip(np.rint(sleep * 4.0) / 4.0, 0.0, 24.0), sleep_quality=_rating(quality),
        mood=_rating(mood), flare=flare >= FLARE_POINTS,
        rescue_doses=((dev >= 2.0).astype(np.int64) + (pain >= 8.0)).astype(np.int64),
        activity_minutes=np.maximum(np.rint(activity), 0).astype(np.int64),
    )  # fmt: skip
