"""Who the synthetic clients are: kinds of responder and their documented distributions.

Each kind is a region of the gate's parameter space (:mod:`touchdose.painmodel.gate`)
plus everyday traits: pain level, day-to-day noise with autocorrelation, slow drift,
and how faithfully the diary is kept. The ranges are model choices, written here once
with the reason beside each; docs/painmodel.md collects them in one table.

Examples
--------
>>> import numpy as np
>>> t = draw_traits(np.random.default_rng(1), np.array(["helps", "harmed_moderate"]), days=120)
>>> bool(t.gate.sensitization[0] < 0.3 < 0.75 < t.gate.sensitization[1])
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
from numpy.typing import NDArray

from touchdose.painmodel.gate import TYPICAL, GateParams
from touchdose.records import AREAS, CONDITIONS
from touchdose.types import FloatArray, IntArray

#: The kinds of responder the simulator can draw (benchmarks select them one by one).
KINDS: tuple[str, ...] = ("helps", "no_effect", "harmed_moderate", "soothing", "too_little_data")

#: Shares of each kind in the default mixed population. Not measured anywhere: the seeds
#: (docs/sources.md) say only that some people with fibromyalgia feel better after massage and
#: others get more pain; adverse "increased pain" ranged 1.5-25 % across low-back trials
#: (Furlan 2015) and post-massage discomfort was 10 % in general clients (Cambron 2007). A
#: fibromyalgia clinic is more sensitized, so a fifth harmed by moderate pressure is assumed.
MIXED_PROPORTIONS: dict[str, float] = {
    "helps": 0.30,
    "no_effect": 0.25,
    "harmed_moderate": 0.20,
    "soothing": 0.15,
    "too_little_data": 0.10,
}

Range = tuple[float, float]

#: Per-kind ranges (uniform draws) of the gate parameters that make the kind what it is.
#: helps: a typical gate whose dampening outlasts the session (responder); tissue threshold,
#: gain and tolerance vary, so deep pressure flares for some and the best pressure varies.
#: no_effect: nothing outlasts the session and nothing relaxes.
#: harmed_moderate: a sensitized gate (Persson, docs/sources.md: weak dampening, strong relay).
#: soothing: relaxes (mood, sleep) but no pain relief outlasts the session.
KIND_GATE: dict[str, dict[str, Range]] = {
    "helps": {"sensitization": (0.0, 0.3), "dampening_gain": (1.8, 2.2), "relief_carry": (0.9, 1.0),
              "relaxation_response": (0.3, 0.8), "descending_relief": (0.0, 0.05),
              "tissue_threshold": (2.5, 4.0), "tissue_gain": (1.5, 3.0), "tolerance": (0.3, 1.2)},
    "no_effect": {"sensitization": (0.0, 0.3), "dampening_gain": (1.2, 1.8), "relief_carry": (0.0, 0.0),
                  "relaxation_response": (0.0, 0.1), "descending_relief": (0.0, 0.0)},
    "harmed_moderate": {"sensitization": (0.75, 0.95), "dampening_gain": (1.4, 1.8),
                        "relief_carry": (0.3, 0.7), "relaxation_response": (0.2, 0.5),
                        "descending_relief": (0.0, 0.05)},
    "soothing": {"sensitization": (0.0, 0.35), "dampening_gain": (1.2, 1.8), "relief_carry": (0.0, 0.0),
                 "relaxation_response": (0.8, 1.0), "descending_relief": (0.0, 0.0)},
}  # fmt: skip
#: Mood points and sleep hours gained per unit relaxation, by kind (soothing: clearly more).
KIND_WELLBEING: dict[str, dict[str, Range]] = {
    "helps": {"mood_gain": (0.5, 1.5), "sleep_gain": (0.2, 0.5)},
    "no_effect": {"mood_gain": (0.0, 0.2), "sleep_gain": (0.0, 0.05)},
    "harmed_moderate": {"mood_gain": (0.3, 1.0), "sleep_gain": (0.1, 0.3)},
    "soothing": {"mood_gain": (3.0, 4.5), "sleep_gain": (1.5, 2.5)},
}

#: Average daily pain (0-10). Fibromyalgia trials enrol people with pain of about 4-8/10
#: (IMMPACT suggests >= 4 for inclusion, Dworkin 2012; neck-pain trials averaged 5.2/10,
#: Gross 2024): drawn uniformly in this range ("helps" from 5 up, so relief is visible).
BASELINE_PAIN: Range = (4.0, 8.0)
BASELINE_PAIN_HELPS: Range = (5.0, 8.0)
#: Day-to-day autocorrelation of pain (AR(1) rho). A 28-day pain diary in the n-of-1
#: reference gave rho 0.70 (docs/references.md 3.2); drawn around it.
AR_RHO: Range = (0.4, 0.8)
#: Stationary SD of the day-to-day pain fluctuation (points).
AR_SD: Range = (0.6, 1.2)
#: SD of the slow linear drift, points per year.
DRIFT_SD_PER_YEAR = 1.0
#: Share of diary days filled in (adherence), and of the baseline weeks and the two follow-up
#: days after a session (a fresh start; reminders). Sherman 2014: 97 % follow-up, >= 84 %
#: adherence to the dose.
DIARY_ADHERENCE: Range = (0.70, 0.98)
FOLLOWUP_ADHERENCE: Range = (0.85, 1.0)
#: Share of entries made late (the next morning), and how late (hours).
LATE_RATE: Range = (0.0, 0.15)
LATE_HOURS: Range = (2.0, 12.0)
#: Share of session ratings (before / during / after) actually given.
RATING_ADHERENCE = 0.97
#: Baseline diary days before the first session: two to three weeks, so that even at the
#: lowest adherence there are >= 7 entries for the n-of-1 comparison (docs/design.md default)...
BASELINE_DAYS: tuple[int, int] = (14, 21)
#: ... and, for "too_little_data", too few, with only 1-2 sessions.
SHORT_BASELINE_DAYS: tuple[int, int] = (2, 6)
SHORT_SESSIONS: tuple[int, int] = (1, 2)
#: Session minutes: trials in fibromyalgia and neck pain used 30-60 min (docs/evidence.md).
SESSION_MINUTES: tuple[int, ...] = (45, 60)
#: Number of ACR 2016 areas treated per session.
SESSION_AREAS: tuple[int, int] = (4, 10)
#: Days kept after the last session so its 24 h and 48 h follow-ups exist.
FOLLOWUP_DAYS = 3


@dataclass(frozen=True)
class Traits:
    """Everything drawn for a batch of clients (arrays of length n)."""

    kind: NDArray[np.str_]
    physiology: NDArray[np.str_]  # the kind whose gate was drawn (differs for too_little_data)
    gate: GateParams
    baseline_pain: FloatArray
    ar_rho: FloatArray
    ar_sd: FloatArray
    drift_per_day: FloatArray
    mood_gain: FloatArray
    sleep_gain: FloatArray
    mood_base: FloatArray
    fatigue_base: FloatArray
    sleep_base: FloatArray
    sleep_quality_base: FloatArray
    activity_base: FloatArray
    diary_adherence: FloatArray
    followup_adherence: FloatArray
    late_rate: FloatArray
    baseline_days: IntArray
    max_sessions: IntArray
    end_day: IntArray  # last simulated day kept in the file (exclusive)
    minutes: IntArray
    areas: IntArray  # (n, len(AREAS)) 0/1 rows: the areas treated
    condition: NDArray[np.str_]
    sensitivity: NDArray[np.str_]  # what the client would report: low / typical / high

    @property
    def n(self) -> int:
        return int(self.kind.shape[0])


#: Which clients to draw: one kind, a mix ``{kind: share}``, or ``None`` for :data:`MIXED_PROPORTIONS`.
Kind = str | Mapping[str, float] | None


def check_mix(mix: Mapping[str, float]) -> dict[str, float]:
    """A mix of kinds with shares that are numbers >= 0 and add up to more than 0 (normalised).

    Examples
    --------
    >>> check_mix({"helps": 2, "no_effect": 2, "harmed_moderate": 1})["helps"]
    0.4
    """
    for name, share in mix.items():
        if name not in KINDS:
            raise ValueError(f"simulate: kind = {name!r} is not allowed (allowed: one of {', '.join(KINDS)})")
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share < np.inf:
            raise ValueError(f"simulate: share of {name} = {share!r} is not allowed (allowed: a number >= 0)")
    total = float(sum(mix.values()))
    if not total > 0:
        raise ValueError(f"simulate: mix = {dict(mix)!r} is not allowed "
                         "(allowed: shares adding up to more than 0)")  # fmt: skip
    return {k: float(v) / total for k, v in mix.items()}


def kind_label(kind: Kind) -> str:
    """``"mixed"``, the kind's name, or ``"helps=0.4,no_effect=0.6"`` for a mix."""
    if kind is None:
        return "mixed"
    if isinstance(kind, str):
        return kind
    return ",".join(f"{k}={v:g}" for k, v in check_mix(kind).items())


def draw_kinds(rng: np.random.Generator, n: int, kind: Kind) -> NDArray[np.str_]:
    """``n`` kinds: all ``kind``, drawn from a mix ``{kind: share}``, or from :data:`MIXED_PROPORTIONS`."""
    if kind is None or not isinstance(kind, str):
        mix = check_mix(MIXED_PROPORTIONS if kind is None else kind)
        names = list(mix)
        p = np.array([mix[k] for k in names])
        return np.asarray(rng.choice(names, size=n, p=p / p.sum()), dtype=np.str_)
    if kind not in KINDS:
        raise ValueError(f"simulate: kind = {kind!r} is not allowed (allowed: one of {', '.join(KINDS)})")
    return np.full(n, kind, dtype=np.dtype("<U16"))


def _u(rng: np.random.Generator, r: Range, n: int) -> FloatArray:
    return np.asarray(rng.uniform(r[0], r[1], size=n), dtype=np.float64)


def _n(rng: np.random.Generator, mean: float, sd: float, n: int) -> FloatArray:
    return np.asarray(rng.normal(mean, sd, size=n), dtype=np.float64)


def _uniform(
    rng: np.random.Generator, physiology: NDArray[np.str_], table: Callable[[str], Range]
) -> FloatArray:
    """One uniform draw per client from the range ``table(kind)`` of its kind."""
    kinds, which = np.unique(physiology, return_inverse=True)
    lows = np.array([table(str(k))[0] for k in kinds])[which]
    highs = np.array([table(str(k))[1] for k in kinds])[which]
    return np.asarray(lows + (highs - lows) * rng.random(physiology.shape[0]), dtype=np.float64)


def _physiology(rng: np.random.Generator, kinds: NDArray[np.str_]) -> NDArray[np.str_]:
    """The gate kind of each client; too_little_data clients get one of the others."""
    names = [k for k in MIXED_PROPORTIONS if k in KIND_GATE]
    p = np.array([MIXED_PROPORTIONS[k] for k in names])
    other = np.asarray(rng.choice(names, size=kinds.shape[0], p=p / p.sum()), dtype=kinds.dtype)
    return np.where(kinds == "too_little_data", other, kinds)


def _range(kind: str, name: str) -> Range:
    default = float(getattr(TYPICAL, name))
    return KIND_GATE[kind].get(name, (default, default))


def _gate(
    rng: np.random.Generator, physiology: NDArray[np.str_]
) -> tuple[GateParams, FloatArray, FloatArray]:
    """Gate parameters per kind; a parameter a kind does not list keeps the typical value."""
    names = sorted({name for ranges in KIND_GATE.values() for name in ranges})
    values = {name: _uniform(rng, physiology, partial(_range, name=name)) for name in names}
    mood = _uniform(rng, physiology, lambda k: KIND_WELLBEING[k]["mood_gain"])
    sleep = _uniform(rng, physiology, lambda k: KIND_WELLBEING[k]["sleep_gain"])
    return GateParams(**values), mood, sleep


def _schedule(
    rng: np.random.Generator, kinds: NDArray[np.str_], days: int, weekday: tuple[int, int] | None
) -> tuple[IntArray, IntArray, IntArray]:
    n = kinds.shape[0]
    short = kinds == "too_little_data"
    base = rng.integers(BASELINE_DAYS[0], BASELINE_DAYS[1] + 1, n)
    if weekday is not None:  # (weekday of day 0, weekday of every session): 0-6 days more baseline
        base = base + (weekday[1] - weekday[0] - base) % 7
    short_base = rng.integers(SHORT_BASELINE_DAYS[0], SHORT_BASELINE_DAYS[1] + 1, n)
    short_sessions = rng.integers(SHORT_SESSIONS[0], SHORT_SESSIONS[1] + 1, n)
    baseline = np.where(short, short_base, np.minimum(base, max(days - 1 - FOLLOWUP_DAYS, 0)))
    weekly = np.maximum((days - FOLLOWUP_DAYS - baseline + 6) // 7, 0)
    sessions = np.where(short, np.minimum(short_sessions, weekly), weekly)
    end = np.where(short, np.minimum(baseline + 7 * (sessions - 1) + FOLLOWUP_DAYS, days), days)
    return baseline.astype(np.int64), sessions.astype(np.int64), end.astype(np.int64)


def _areas(rng: np.random.Generator, n: int) -> IntArray:
    counts = rng.integers(SESSION_AREAS[0], SESSION_AREAS[1] + 1, n)
    order = np.argsort(rng.random((n, len(AREAS))), axis=1)
    return (order < counts[:, None]).astype(np.int64)


def _sensitivity(rng: np.random.Generator, s: FloatArray) -> NDArray[np.str_]:
    """What the client would say: their sensitization seen through self-report noise."""
    seen = s + rng.normal(0.0, 0.15, s.shape[0])
    return np.asarray(np.where(seen >= 0.6, "high", np.where(seen >= 0.15, "typical", "low")), dtype=np.str_)


def _condition(rng: np.random.Generator, s: FloatArray) -> NDArray[np.str_]:
    """Sensitized clients have fibromyalgia; the others one of the common chronic pains."""
    common = np.array([c for c in CONDITIONS if c in ("fibromyalgia", "low_back_pain", "neck_pain")])
    other = common[rng.integers(0, len(common), s.shape[0])]
    return np.asarray(np.where(s >= 0.5, "fibromyalgia", other), dtype=np.str_)


def draw_traits(
    rng: np.random.Generator, kinds: NDArray[np.str_], *, days: int, weekday: tuple[int, int] | None = None
) -> Traits:
    """Draw every trait of ``len(kinds)`` clients (see the module constants for the ranges).

    Parameters
    ----------
    rng : numpy random generator (the only source of randomness).
    kinds : one kind per client, from :data:`KINDS`.
    days : days simulated for each client.
    weekday : ``(weekday of day 0, weekday of the sessions)`` (0 = Monday) to put every session
        on one weekday by lengthening the baseline by 0-6 days; ``None``: wherever it ends.

    Returns
    -------
    :class:`Traits` with one entry per client.
    """
    n = kinds.shape[0]
    physiology = _physiology(rng, kinds)
    gate, mood_gain, sleep_gain = _gate(rng, physiology)
    helps = physiology == "helps"
    pain = np.where(helps, _u(rng, BASELINE_PAIN_HELPS, n), _u(rng, BASELINE_PAIN, n))
    baseline, sessions, end = _schedule(rng, kinds, days, weekday)
    s = np.asarray(gate.sensitization, dtype=np.float64)
    return Traits(
        kind=kinds, physiology=physiology, gate=gate, baseline_pain=pain,
        ar_rho=_u(rng, AR_RHO, n), ar_sd=_u(rng, AR_SD, n),
        drift_per_day=_n(rng, 0.0, DRIFT_SD_PER_YEAR / 365.0, n),
        mood_gain=mood_gain, sleep_gain=sleep_gain,
        mood_base=_u(rng, (3.0, 7.0), n), fatigue_base=_u(rng, (4.0, 8.0), n),
        sleep_base=_n(rng, 6.3, 0.7, n), sleep_quality_base=_u(rng, (3.0, 6.0), n),
        activity_base=_u(rng, (10.0, 60.0), n),
        diary_adherence=_u(rng, DIARY_ADHERENCE, n), followup_adherence=_u(rng, FOLLOWUP_ADHERENCE, n),
        late_rate=_u(rng, LATE_RATE, n),
        baseline_days=baseline, max_sessions=sessions, end_day=end,
        minutes=np.asarray(rng.choice(SESSION_MINUTES, n), dtype=np.int64), areas=_areas(rng, n),
        condition=_condition(rng, s), sensitivity=_sensitivity(rng, s),
    )  # fmt: skip
