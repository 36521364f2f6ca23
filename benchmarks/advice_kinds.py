"""Issue 11's kinds of simulated client: what a real diary brings, each with a truth and a right answer.

The gate model of ``touchdose.painmodel`` explains *why* massage helps or hurts; these kinds need
effects of a known size and timing instead, so they are drawn here from a small parametric model
with the issue's numbers: day-to-day SD 0.8-1.4 points, AR(1) 0.2-0.7, whole-number ratings, and
effects near what a person can feel (1.5-2.5 points).

* Daily pain ``level + trend + weekday + AR(1) noise (+ random flares)``; every entry is written at
  20:00 and reports the mean pain of the 24 h before it (the check-in's question), sampled every
  2 h, so an effect counts for the hours it lasts (docs/design.md, "What a diary entry covers").
* A session at 10:00 on a booked day adds its effect from its start: relief of ``-benefit``
  points for 72 h, more pain of ``harm`` points between ``harm_hours`` when the pressure is at
  least ``harm_from``; a soothing kind raises mood and sleep instead; pain just after is the
  pain before minus any immediate relaxation.
* The therapist (a policy, ``policy(history, client_id) -> pressure or None``) is asked before
  each booking; ``None`` means no massage that time (the plan stops, pauses massage, or a planned
  break is due).

Each :class:`Kind` says who the clients are (:class:`Model`), which therapist treats them and
what the right answer is (``truth``: ``helps``, ``no_effect``, ``soothing`` or ``harmed``, with the
harmful pressure), so ``benchmarks/verdicts.py --part issue11`` can judge every verdict and plan.
Adding a kind is one entry in :data:`ADVICE_KINDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import numpy as np

from touchdose.analysis.engine import analyze_client
from touchdose.analysis.policy import titration_policy
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

Policy = Callable[[ClientFile, str], "int | None"]
Range = tuple[float, float]

START = date(2026, 1, 5)  # a Monday
SESSION_HOUR, DIARY_HOUR = 10, 20
#: The numbers of issue 11 ("Must show").
NOISE_SD: Range = (0.8, 1.4)
NOISE_RHO: Range = (0.2, 0.7)
EFFECT: Range = (1.5, 2.5)
BASELINE_DAYS = (14, 21)


@dataclass(frozen=True)
class Model:
    """Who the clients are and how they keep the diary (every range is drawn uniformly per client)."""

    sessions: str = "weekly"  # weekly | twice_weekly | bad_days | saturday
    benefit: Range = (0.0, 0.0)  # relief for 72 h after a session (points)
    harm: Range = (0.0, 0.0)  # more pain during harm_hours after a session at >= harm_from
    harm_hours: tuple[float, float] = (14.0, 60.0)
    harm_from: int = 6  # 6: no pressure harms
    immediate: Range = (0.0, 0.5)  # relaxation right after a session (points), gone by the evening
    soothing: Range = (0.0, 0.0)  # mood points for 72 h (sleep: a third of it in hours)
    trend: Range = (0.0, 0.0)  # change of pain over the whole record (points)
    weekend: float = 0.0  # pain on Saturdays and Sundays (points)
    heavy_tails: bool = False  # t(3) day-to-day noise, scaled to the same SD
    flare_rate: float = 0.0  # per day: a spontaneous flare (+3 points for 2 days, reported)
    adherence: Range = (0.80, 0.97)  # share of days with a diary entry
    condition: str = "low_back_pain"
    level: Range = (4.5, 7.0)


@dataclass(frozen=True)
class Kind:
    """A kind of client: the model, the therapist, and the truth the verdict should find."""

    name: str
    what: str
    model: Model
    therapist: str = "plan"  # plan | plan_no_pause | fixed:3 | escalate
    truth: str = "no_effect"  # helps | no_effect | soothing | harmed
    harmful_from: int | None = None
    tags: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Truth:
    """What one simulated client really is, and what its sessions did."""

    kind: str
    truth: str
    harmful_from: int | None
    benefit: float
    harm: float
    sessions: int
    harmed_sessions: int


def _escalate(history: ClientFile, client_id: str) -> int:
    """A therapist who goes firmer on their own: 4 sessions at 2, 3 at 3, then 4."""
    k = len(history.sessions)
    return 2 if k < 4 else 3 if k < 7 else 4


def _plan_no_pause(history: ClientFile, client_id: str) -> int | None:
    """Follows the plan's pressure but never takes the planned break (to show the plan asks for it)."""
    return analyze_client(history).plan.pressure  # type: ignore[union-attr]


def therapist(name: str) -> Policy:
    if name == "plan":
        return titration_policy()
    if name == "plan_no_pause":
        return _plan_no_pause
    if name == "escalate":
        return _escalate
    if name.startswith("fixed:"):
        level = int(name.split(":")[1])
        return lambda history, client_id: level
    raise ValueError(f"advice_kinds: therapist = {name!r} is not allowed")


def _bookings(m: Model, rng: np.random.Generator, base: int, days: int, latent: np.ndarray) -> list[int]:
    if m.sessions == "twice_weekly":
        out, d, gaps = [], base, (3, 4)
        while d < days - 3:
            out.append(d)
            d += gaps[len(out) % 2]
        return out
    if m.sessions == "saturday":
        first = base + (5 - (START.weekday() + base)) % 7
        return list(range(first, days - 3, 7))
    if m.sessions == "bad_days":  # each week, the day that feels worst (regression to the mean)
        return [w + int(np.argmax(latent[w : w + 7])) for w in range(base, days - 9, 7)]
    return list(range(base, days - 3, 7))


def simulate(kind: Kind, i: int, seed: int, days: int, policy: Policy) -> tuple[ClientFile, Truth]:
    """Client ``i`` of ``kind``: its records under ``policy`` and its truth (same draws for any policy)."""
    m = kind.model
    rng = np.random.default_rng(np.random.SeedSequence([seed, i, sum(map(ord, kind.name))]))
    sd, rho = rng.uniform(*NOISE_SD), rng.uniform(*NOISE_RHO)
    level, trend = rng.uniform(*m.level), rng.uniform(*m.trend)
    benefit, harm = rng.uniform(*m.benefit), rng.uniform(*m.harm)
    immediate, soothe = rng.uniform(*m.immediate), rng.uniform(*m.soothing)
    adherence = rng.uniform(*m.adherence)
    base = int(rng.integers(BASELINE_DAYS[0], BASELINE_DAYS[1] + 1))
    shocks = rng.standard_t(3, days) / np.sqrt(3.0) if m.heavy_tails else rng.standard_normal(days)
    noise = np.empty(days)
    noise[0] = sd * shocks[0]
    for d in range(1, days):
        noise[d] = rho * noise[d - 1] + sd * np.sqrt(1 - rho**2) * shocks[d]
    weekday = (START.weekday() + np.arange(days)) % 7
    latent = level + trend * np.arange(days) / days + m.weekend * (weekday >= 5) + noise
    flare_start = rng.random(days) < m.flare_rate
    flare_days = flare_start | np.roll(flare_start, 1)
    latent = latent + 3.0 * flare_days
    kept = rng.random(days) < adherence
    mood_noise, sleep_noise = rng.normal(0, 1.0, days), rng.normal(0, 0.6, days)
    rated = rng.random((days, 3)) < 0.97
    bookings = _bookings(m, rng, base, days, latent)

    profile = ClientProfile(id=f"{kind.name}-{i:04d}", conditions=(m.condition,))
    origin = datetime(START.year, START.month, START.day, tzinfo=UTC)
    sessions: list[Session] = []
    given: list[tuple[float, int]] = []  # (start hour, pressure)
    step = np.arange(12) * 2.0 + 1.0  # hours within the 24 h an entry reports

    def effects(hours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pain and mood added at these absolute hours by the sessions given so far."""
        pain, mood = np.zeros_like(hours), np.zeros_like(hours)
        for start, pressure in given:
            h = hours - start
            pain -= benefit * ((h >= 0) & (h < 72))
            if pressure >= kind.model.harm_from:
                pain += harm * ((h >= m.harm_hours[0]) & (h < m.harm_hours[1]))
            mood += soothe * ((h >= 0) & (h < 72))
        return pain, mood

    checkins: list[CheckIn] = []
    done_day = 0

    def write_until(day: int) -> None:
        nonlocal done_day
        for d in range(done_day, day):
            if not kept[d]:
                continue
            hours = 24.0 * d + DIARY_HOUR - 24.0 + step
            pain_add, mood_add = effects(hours)
            days_of = np.floor(hours / 24.0).astype(int).clip(0, days - 1)
            pain = float(np.mean(latent[days_of] + pain_add))
            mood = float(5.0 + np.mean(mood_add) + mood_noise[d] - 0.4 * (pain - level))
            sleep = float(6.5 + np.mean(mood_add) / 3.0 + sleep_noise[d] - 0.2 * (pain - level))
            checkins.append(CheckIn(
                time=origin + timedelta(days=d, hours=DIARY_HOUR), pain=int(np.clip(np.rint(pain), 0, 10)),
                mood=int(np.clip(np.rint(mood), 0, 10)),
                sleep_hours=float(np.clip(np.rint(sleep * 4) / 4, 0, 24)),
                fatigue=int(np.clip(np.rint(5 + 0.5 * (pain - level) + mood_noise[d] / 2), 0, 10)),
                flare=bool(flare_start[d] or (d > 0 and flare_start[d - 1])),
            ))  # fmt: skip
        done_day = max(done_day, day)

    harmed_sessions = 0
    for day in bookings:
        write_until(day)
        history = ClientFile(profile, tuple(sessions), tuple(checkins))
        pressure = policy(history, profile.id)
        if pressure is None:
            continue
        start = 24.0 * day + SESSION_HOUR
        before_add, _ = effects(np.array([start]))
        before = float(latent[day] + before_add[0])
        after = before - immediate + rng.normal(0, 0.3)

        def rating(x: float, ok: bool) -> int | None:
            return int(np.clip(np.rint(x), 0, 10)) if ok else None

        sessions.append(Session(
            start=origin + timedelta(days=day, hours=SESSION_HOUR), pressure=int(pressure), minutes=45,
            technique=("swedish",), pain_before=rating(before, rated[day, 0]),
            pain_during_max=rating(before, rated[day, 1]), pain_after=rating(after, rated[day, 2]),
        ))  # fmt: skip
        given.append((start, int(pressure)))
        harmed_sessions += int(pressure >= m.harm_from and harm > 0)
    write_until(days)
    cf = ClientFile(profile, tuple(sessions), tuple(checkins))
    truth = Truth(kind.name, kind.truth, kind.harmful_from, benefit, harm, len(sessions), harmed_sessions)
    return cf, truth


_HELP = Model(benefit=EFFECT, immediate=(0.5, 1.5))
_NONE = Model()
_FIBRO_TWICE = replace(_HELP, sessions="twice_weekly", condition="fibromyalgia")

#: Issue 11's kinds ("Must show"), in report order.
ADVICE_KINDS: tuple[Kind, ...] = (
    Kind("weekly_helps", "weekly sessions, 1.5-2.5 points less pain for 72 h", _HELP, truth="helps"),
    Kind("twice_helps_pause",
         "twice a week (fibromyalgia), the same benefit; the therapist takes the planned break",
         _FIBRO_TWICE, truth="helps", tags=("pause",)),
    Kind("twice_helps_no_pause", "the same, but the therapist never takes a break", _FIBRO_TWICE,
         therapist="plan_no_pause", truth="helps", tags=("no_pause",)),
    Kind("bad_day_booking", "booked on each week's worst day, real immediate relaxation, no lasting effect",
         replace(_NONE, sessions="bad_days", immediate=EFFECT)),
    Kind("secular_improvement", "pain falls 1.5-2.5 points over the record (new medication), no effect",
         replace(_NONE, trend=(-2.5, -1.5))),
    Kind("heavy_tails_flares", "t(3) day-to-day noise and random 2-day flares (3 %/day), no effect",
         replace(_NONE, heavy_tails=True, flare_rate=0.03)),
    Kind("saturday_weekend", "sessions always on Saturday, weekends 1.5 points better, no effect",
         replace(_NONE, sessions="saturday", weekend=-1.5)),
    Kind("harm_escalation", "fine at 2; the therapist goes to 3 and 4, which bring 2.5-3.5 points more pain",
         replace(_NONE, harm=(2.5, 3.5), harm_from=3), therapist="escalate", truth="harmed", harmful_from=3),
    Kind("harm_late", "2.5-3.5 points more pain 48-72 h after sessions at 3 (fixed moderate routine)",
         replace(_NONE, harm=(2.5, 3.5), harm_from=3, harm_hours=(48.0, 72.0)), therapist="fixed:3",
         truth="harmed", harmful_from=3),
    Kind("soothing_only", "mood 1.5-2.5 points better for 72 h, pain unchanged",
         replace(_NONE, soothing=EFFECT), truth="soothing"),
    Kind("sparse_diary", "a diary kept on 35-60 % of days, no effect", replace(_NONE, adherence=(0.35, 0.6))),
)  # fmt: skip
