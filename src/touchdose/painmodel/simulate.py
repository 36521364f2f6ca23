"""Synthetic clients: client files a real client could have written, and what they really are.

:func:`simulate_clients` draws clients of a kind (or a mixed population), treats them
with a therapist policy, and returns their :class:`~touchdose.records.ClientFile`
records together with a :class:`ClientTruth` per client (kind, sensitization, true best
pressure, true effect of a session at each pressure, flares caused). It is
deterministic given the seed, and the same seed gives the same clients and the same
day-to-day noise under any policy, so policies can be compared client by client.

A policy is any callable ``policy(history, client_id) -> pressure`` (1-5, or ``None`` for no
session at this weekly booking: the plan stops or pauses massage), where ``history`` is the
client file as it stands just before the session. :func:`fixed` builds the fixed routine,
which the simulator runs vectorised.

Examples
--------
>>> result = simulate_clients(3, seed=1, kind="helps", days=60)
>>> [len(cf.sessions) > 3 for cf in result.clients]
[True, True, True]
>>> result.truths[0].kind, result.truths[0].best_pressure is not None
('helps', True)
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from touchdose.painmodel.engine import (
    EFFECT_HOURS,
    FLARE_POINTS,
    SORENESS_POINTS,
    Cohort,
    DiaryValues,
    diary_values,
    run_cohort,
)
from touchdose.painmodel.gate import flare_shape, gate_response
from touchdose.painmodel.intake import acr2016_answers
from touchdose.painmodel.population import KINDS, Kind, Traits, draw_kinds, draw_traits, kind_label
from touchdose.painmodel.scenario import DEFAULT_SCENARIO, SESSION_HOUR, AddedEffect, Scenario
from touchdose.records import (
    AREAS,
    PRESSURE_MAX,
    PRESSURE_MIN,
    Acr2016Answers,
    CheckIn,
    ClientFile,
    ClientProfile,
    Session,
)
from touchdose.types import IntArray

#: Clients simulated together in one vectorised batch. Fixed, so that a client's draws
#: depend only on the seed and its position, never on how many clients are asked for
#: beyond its batch.
BATCH_SIZE = 4096
#: Default length of a simulated record (days): two to three weeks of baseline diary,
#: then about 15 weekly sessions.
DEFAULT_DAYS = 120
#: First day of every simulated diary (a Monday).
DEFAULT_START = date(2026, 1, 5)
PRESSURES: tuple[int, ...] = tuple(range(PRESSURE_MIN, PRESSURE_MAX + 1))
#: Third entry of the SeedSequence of a batch's intake answers (their own stream).
INTAKE_STREAM = 1


class Policy(Protocol):
    """A therapist policy: the pressure (1-5) for the next session of ``client_id``, or ``None``."""

    def __call__(self, history: ClientFile, client_id: str, /) -> int | None: ...


@dataclass(frozen=True)
class FixedPolicy:
    """The same pressure every session (run vectorised by the simulator)."""

    pressure: int

    def __post_init__(self) -> None:
        if isinstance(self.pressure, bool) or self.pressure not in PRESSURES:
            raise ValueError(f"fixed policy: pressure = {self.pressure!r} is not allowed (allowed: 1-5)")

    @property
    def name(self) -> str:
        return f"fixed:{self.pressure}"

    def __call__(self, history: ClientFile, client_id: str, /) -> int:
        return self.pressure


def fixed(pressure: int) -> FixedPolicy:
    """The fixed routine: always ``pressure`` (e.g. ``fixed(3)``, moderate).

    Examples
    --------
    >>> fixed(3).name
    'fixed:3'
    """
    return FixedPolicy(pressure)


def policy_name(policy: Callable[..., int | None]) -> str:
    """A readable name for a policy (its ``name`` attribute, else its function name)."""
    name = getattr(policy, "name", None) or getattr(policy, "__name__", None) or type(policy).__name__
    return str(name)


@dataclass(frozen=True)
class SessionTruth:
    """What one simulated session really did (noise-free, from the model)."""

    day: int
    pressure: int
    effect: float  # mean pain change on the diaries of days 0-2 (points; negative = relief)
    flare: bool  # caused a flare (>= FLARE_POINTS extra pain at the 24 h diary)

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "pressure": self.pressure,
            "effect": round(self.effect, 3),
            "flare": self.flare,
        }


@dataclass(frozen=True)
class ClientTruth:
    """What a simulated client really is.

    ``effect_by_pressure`` is the model's mean pain change over the diaries of days 0-2
    after one session at each pressure (points, negative = relief), at the client's usual
    pain, minutes and areas, with no earlier sessions; ``best_pressure`` is the pressure
    with the largest relief, ``None`` when no pressure relieves pain at all.
    """

    id: str
    kind: str
    physiology: str
    sensitization: float
    baseline_pain: float
    best_pressure: int | None
    effect_by_pressure: dict[int, float]
    flare_by_pressure: dict[int, bool]
    sessions: tuple[SessionTruth, ...]
    #: Mean change in diary pain, as the 0-10 diary can show it, on the day of each session and
    #: the two days after, with massage against the same days without it (``None``: no session).
    #: The quantity the n-of-1 comparison estimates, before its own carry-over and noise.
    diary_effect: float | None = None

    @property
    def flares(self) -> int:
        """Sessions that caused a flare."""
        return sum(s.flare for s in self.sessions)

    @property
    def relief_per_session(self) -> float | None:
        """Mean relief per session actually given (points; positive = less pain)."""
        if not self.sessions:
            return None
        return 0.0 - float(np.mean([s.effect for s in self.sessions]))

    def to_dict(self) -> dict[str, Any]:
        relief = self.relief_per_session
        return {
            "id": self.id, "kind": self.kind, "physiology": self.physiology,
            "sensitization": round(self.sensitization, 4), "baseline_pain": round(self.baseline_pain, 3),
            "best_pressure": self.best_pressure,
            "effect_by_pressure": {str(p): round(v, 3) for p, v in self.effect_by_pressure.items()},
            "flare_by_pressure": {str(p): v for p, v in self.flare_by_pressure.items()},
            "sessions": len(self.sessions), "flares": self.flares,
            "relief_per_session": None if relief is None else round(relief, 3),
            "diary_effect": None if self.diary_effect is None else round(self.diary_effect, 3),
            "session_truths": [s.to_dict() for s in self.sessions],
        }  # fmt: skip


@dataclass(frozen=True)
class SimulationResult:
    """Client files and their truths, in the same order."""

    clients: tuple[ClientFile, ...]
    truths: tuple[ClientTruth, ...]
    seed: int
    kind: str | None
    policy: str
    days: int

    def truth_dict(self) -> dict[str, Any]:
        """The truth file (JSON-ready): settings, then one object per client."""
        return {
            "seed": self.seed, "kind": kind_label(self.kind), "policy": self.policy, "days": self.days,
            "clients": [t.to_dict() for t in self.truths],
        }  # fmt: skip


def batch_rngs(seed: int, n: int) -> Iterator[tuple[int, int, np.random.Generator]]:
    """(first client index, batch size, generator) for each batch of :data:`BATCH_SIZE`."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"simulate: seed = {seed!r} is not allowed (allowed: a whole number >= 0)")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"simulate: n = {n!r} is not allowed (allowed: a whole number >= 0)")
    for b, first in enumerate(range(0, n, BATCH_SIZE)):
        yield first, min(BATCH_SIZE, n - first), np.random.default_rng(np.random.SeedSequence([seed, b]))


def _truth_by_pressure(traits: Traits, scenario: Scenario) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """(5, n) true effect and flare of a single session at each pressure."""
    effects, flares = [], []
    areas = traits.areas.sum(axis=1)
    added = scenario.added_effect
    extra = 0.0 if added is None else float(np.mean(added.at(np.array(EFFECT_HOURS))))
    for p in PRESSURES:
        r = gate_response(traits.gate, p, traits.minutes, areas, traits.baseline_pain)
        effects.append(np.mean([r.change_at(h) for h in EFFECT_HOURS], axis=0) + extra)
        flares.append(r.flare_points * flare_shape(EFFECT_HOURS[1]) >= FLARE_POINTS)
    return np.array(effects), np.array(flares)


_RecordsFactory = Callable[[Cohort], "_Records"]


@dataclass(frozen=True)
class SessionColumns:
    """One client's simulated sessions as arrays (``-1`` = a rating the client did not give)."""

    day: IntArray
    pressure: IntArray
    pain_before: IntArray
    pain_during_max: IntArray
    pain_after: IntArray
    relaxation_after: IntArray
    soreness: NDArray[np.bool_]
    flare: NDArray[np.bool_]


def session_columns(cohort: Cohort, i: int) -> SessionColumns:
    """Every session of client ``i`` as the client rated it (rounded ratings, adverse events)."""
    k = slice(0, int(cohort.traits.max_sessions[i]))
    rated = cohort.rated[:, k, i]

    def rating(x: NDArray[np.float64], given: NDArray[np.bool_]) -> IntArray:
        return np.where(given, np.clip(np.rint(x), 0, 10), -1).astype(np.int64)

    return SessionColumns(
        day=cohort.session_day[k, i].astype(np.int64), pressure=cohort.pressure[k, i].astype(np.int64),
        pain_before=rating(cohort.before[k, i], rated[0]),
        pain_during_max=rating(cohort.during[k, i], rated[1]),
        pain_after=rating(cohort.after[k, i], rated[2]),
        relaxation_after=rating(10.0 * cohort.relaxation[k, i], rated[2]),
        soreness=cohort.evoked[k, i] >= SORENESS_POINTS, flare=cohort.flare[k, i].astype(bool),
    )  # fmt: skip


@dataclass(frozen=True)
class DiaryColumns:
    """The diary entries client ``i`` made on days ``first`` to ``stop - 1``: day, hour, values."""

    day: IntArray
    hour: NDArray[np.float64]  # local hour of the entry (late entries run past midnight)
    values: DiaryValues


def diary_columns(cohort: Cohort, i: int, first: int, stop: int) -> DiaryColumns:
    """The entries actually written (days the diary was kept), with their local hour."""
    v = diary_values(cohort, i, first, stop)
    kept = np.flatnonzero(cohort.observed[first:stop, i])
    picked = DiaryValues(*(np.asarray(getattr(v, f.name))[kept] for f in fields(DiaryValues)))
    hour = cohort.scenario.checkin_hour + cohort.late_hours[first:stop, i][kept]
    return DiaryColumns(first + kept.astype(np.int64), hour, picked)


def _maybe(x: int) -> int | None:
    return None if x < 0 else int(x)


class _Records:
    """Turns a cohort's arrays into records, client by client, as days become final."""

    def __init__(
        self, cohort: Cohort, ids: list[str], start: date, zone: ZoneInfo, intake: list[Acr2016Answers] | None
    ) -> None:
        self.cohort = cohort
        self.ids = ids
        self.origin = datetime(start.year, start.month, start.day, tzinfo=zone)
        t = cohort.traits
        self.profiles = [
            ClientProfile(id=ids[i], timezone=zone.key, conditions=(str(t.condition[i]),),
                          sensitivity=str(t.sensitivity[i]), acr2016=None if intake is None else intake[i])
            for i in range(t.n)
        ]  # fmt: skip
        self.regions = [tuple(a for a, on in zip(AREAS, t.areas[i], strict=True) if on) for i in range(t.n)]
        self.checkins: list[list[CheckIn]] = [[] for _ in range(t.n)]
        self.sessions: list[list[Session]] = [[] for _ in range(t.n)]
        self.session_cols: dict[int, SessionColumns] = {}
        self.rounds = np.zeros(t.n, dtype=np.int64)  # session rounds turned into records so far
        self.done_days = np.zeros(t.n, dtype=np.int64)

    def at(self, day: int, hour: float) -> datetime:
        return self.origin + timedelta(days=day, hours=hour)

    def extend_checkins(self, i: int, stop: int) -> None:
        first = int(self.done_days[i])
        if stop <= first:
            return
        d = diary_columns(self.cohort, i, first, stop)
        v = d.values
        for j in range(len(d.day)):
            self.checkins[i].append(CheckIn(
                time=self.at(int(d.day[j]), float(d.hour[j])), pain=int(v.pain[j]),
                fatigue=int(v.fatigue[j]), sleep_hours=float(v.sleep_hours[j]),
                sleep_quality=int(v.sleep_quality[j]), mood=int(v.mood[j]), flare=bool(v.flare[j]),
                rescue_doses=int(v.rescue_doses[j]), activity_minutes=int(v.activity_minutes[j]),
            ))  # fmt: skip
        self.done_days[i] = stop

    def add_session(self, i: int, k: int) -> None:
        self.rounds[i] = k + 1
        if self.cohort.session_day[k, i] < 0:
            return  # no session at this booking (the policy chose none)
        c = self.session_cols.get(i)
        if c is None or c.pressure[k] == 0:  # round k had not run when the columns were taken
            c = self.session_cols[i] = session_columns(self.cohort, i)
        adverse: tuple[str, ...] = ("soreness",) if c.soreness[k] else ()
        adverse += ("flare",) if c.flare[k] else ()
        self.sessions[i].append(Session(
            start=self.at(int(c.day[k]), SESSION_HOUR), pressure=int(c.pressure[k]),
            minutes=int(self.cohort.traits.minutes[i]), technique=("swedish",), regions=self.regions[i],
            pain_before=_maybe(c.pain_before[k]), pain_during_max=_maybe(c.pain_during_max[k]),
            pain_after=_maybe(c.pain_after[k]), relaxation_after=_maybe(c.relaxation_after[k]),
            adverse=adverse,
        ))  # fmt: skip

    def history(self, i: int, k: int) -> ClientFile:
        """The client file just before session round ``k`` of client ``i``."""
        while self.rounds[i] < k:
            self.add_session(i, int(self.rounds[i]))
        self.extend_checkins(i, int(self.cohort.session_day[k, i]))
        return ClientFile(self.profiles[i], tuple(self.sessions[i]), tuple(self.checkins[i]))

    def finish(self, i: int) -> ClientFile:
        c = self.cohort
        for k in range(int(self.rounds[i]), int(c.traits.max_sessions[i])):
            self.add_session(i, k)
        self.extend_checkins(i, int(c.traits.end_day[i]))
        return ClientFile(self.profiles[i], tuple(self.sessions[i]), tuple(self.checkins[i]))


def _diary_effects(traits: Traits, cohort: Cohort) -> NDArray[np.float64]:
    """Per client: the diary_effect of :class:`ClientTruth` (NaN for a client without sessions)."""
    days = cohort.latent.shape[0]
    change = np.clip(cohort.latent + cohort.pain_effect, 0.0, 10.0) - np.clip(cohort.latent, 0.0, 10.0)
    exposed = np.zeros((days, traits.n), dtype=bool)
    for lag in range(len(EFFECT_HOURS)):
        d = cohort.session_day + lag
        k, i = np.nonzero((cohort.session_day >= 0) & (d < np.minimum(traits.end_day, days)))
        exposed[d[k, i], i] = True
    counts = exposed.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, (change * exposed).sum(axis=0) / counts, np.nan)


def _truths(traits: Traits, cohort: Cohort, ids: list[str]) -> list[ClientTruth]:
    effects, flares = _truth_by_pressure(traits, cohort.scenario)
    diary = _diary_effects(traits, cohort)
    out = []
    for i in range(traits.n):
        e = effects[:, i]
        best = int(np.argmin(e)) + 1 if e.min() < 0.0 else None
        sessions = tuple(
            SessionTruth(
                day=int(cohort.session_day[k, i]), pressure=int(cohort.pressure[k, i]),
                effect=float(cohort.effect[k, i]), flare=bool(cohort.flare[k, i]),
            )
            for k in range(int(traits.max_sessions[i]))
            if cohort.session_day[k, i] >= 0
        )  # fmt: skip
        out.append(ClientTruth(
            id=ids[i], kind=str(traits.kind[i]), physiology=str(traits.physiology[i]),
            sensitization=float(np.asarray(traits.gate.sensitization)[i]),
            baseline_pain=float(traits.baseline_pain[i]), best_pressure=best,
            effect_by_pressure={p: float(e[p - 1]) for p in PRESSURES},
            flare_by_pressure={p: bool(flares[p - 1, i]) for p in PRESSURES}, sessions=sessions,
            diary_effect=None if np.isnan(diary[i]) else float(diary[i]),
        ))  # fmt: skip
    return out


def simulate_clients(
    n: int,
    *,
    seed: int,
    kind: Kind = None,
    policy: Callable[..., int | None] = FixedPolicy(3),
    days: int = DEFAULT_DAYS,
    start: date = DEFAULT_START,
    timezone: str = "UTC",
    intake: bool = False,
    progress: Callable[[int], None] | None = None,
    scenario: Scenario = DEFAULT_SCENARIO,
) -> SimulationResult:
    """Simulate ``n`` clients treated weekly by ``policy``.

    Parameters
    ----------
    n : number of clients.
    seed : whole number >= 0; the same seed gives the same clients, noise and files.
    kind : one of :data:`~touchdose.painmodel.population.KINDS`, a mix ``{kind: share}``, or
        ``None`` for the mixed population (:data:`~touchdose.painmodel.population.MIXED_PROPORTIONS`).
    policy : ``policy(history, client_id) -> pressure 1-5``; default ``fixed(3)``.
    days : days of diary per client (``too_little_data`` clients stop early).
    start : first diary day; timezone : IANA zone of every client (diary at 20:00 local,
        sessions at 10:00 local).
    intake : also give each client ACR 2016 intake answers consistent with its
        sensitization (:mod:`touchdose.painmodel.intake`; drawn from a separate stream, so
        everything else stays the same).
    progress : called with the number of clients finished so far.
    scenario : :class:`~touchdose.painmodel.scenario.Scenario`: the diary's hour and recall
        window (e.g. a morning diarist at 08:00 reporting the last 24 h), every session on
        one weekday, a weekend rise, an after-effect added to the gate's. The default is the
        evening diarist answering for the last 24 h; the draws are the same whatever the scenario.

    Returns
    -------
    :class:`SimulationResult`: ``clients`` (records) and ``truths``, in the same order.

    Notes
    -----
    Each batch of :data:`BATCH_SIZE` clients uses its own generator seeded by
    ``SeedSequence([seed, batch])``; all noise is drawn before the first session, so two
    policies see identical clients and identical day-to-day fluctuations.

    Examples
    --------
    >>> r = simulate_clients(5, seed=7, kind="harmed_moderate", days=40)
    >>> sum(t.flare_by_pressure[3] for t in r.truths) >= 4, sum(t.flares for t in r.truths) > 0
    (True, True)
    """
    if not callable(policy):
        raise ValueError(f"simulate: policy = {policy!r} is not allowed (allowed: fixed(p) or a callable)")
    zone = ZoneInfo(timezone)
    clients: list[ClientFile] = []
    truths: list[ClientTruth] = []
    report = _Monotone(progress)
    for first, size, rng in batch_rngs(seed, n):
        weekday = None if scenario.session_weekday is None else (start.weekday(), scenario.session_weekday)
        traits, ids, answers = _batch_clients(rng, seed, first, size, kind, days, intake, weekday)
        factory = partial(_Records, ids=ids, start=start, zone=zone, intake=answers)
        # A history policy spends most of the time in the session rounds: count them as 90 %.
        rounds_done = partial(_share, report, first, size)
        setting = partial(run_cohort, scenario=scenario, first_weekday=start.weekday())
        cohort, records = _run_batch(traits, rng, days, policy, factory, rounds_done, setting)
        for i in range(size):
            clients.append(records.finish(i))
            report(first + i + 1)
        truths.extend(_truths(traits, cohort, ids))
    label = kind if kind is None or isinstance(kind, str) else kind_label(kind)
    return SimulationResult(tuple(clients), tuple(truths), seed, label, policy_name(policy), days)


def _batch_clients(
    rng: np.random.Generator, seed: int, first: int, size: int, kind: Kind, days: int, intake: bool,
    weekday: tuple[int, int] | None = None,
) -> tuple[Traits, list[str], list[Acr2016Answers] | None]:
    """Who the clients of one batch are: traits, ids and (optionally) intake answers."""
    traits = draw_traits(rng, draw_kinds(rng, size, kind), days=days, weekday=weekday)
    ids = [f"sim-{first + i + 1:05d}" for i in range(size)]
    if not intake:
        return traits, ids, None
    intake_rng = np.random.default_rng(np.random.SeedSequence([seed, first // BATCH_SIZE, INTAKE_STREAM]))
    return traits, ids, acr2016_answers(intake_rng, np.asarray(traits.gate.sensitization, dtype=np.float64))


@dataclass(frozen=True)
class SimulatedBatch:
    """One batch of clients treated at a fixed pressure, as arrays: for cohorts too large for records.

    Client ``i`` is ``ids[i]``; :func:`diary_columns` and :func:`session_columns` give its
    entries, ``intake`` its ACR 2016 answers, ``truths`` what it really is.
    """

    ids: list[str]
    cohort: Cohort
    intake: list[Acr2016Answers] | None
    truths: list[ClientTruth]


def simulate_batches(
    n: int, *, seed: int, kind: Kind = None, pressure: int = 3, days: int = DEFAULT_DAYS, intake: bool = False
) -> Iterator[SimulatedBatch]:
    """The clients of :func:`simulate_clients` under ``fixed(pressure)``, batch by batch, without records.

    The same seed gives the same clients, noise and truths as :func:`simulate_clients`.

    Examples
    --------
    >>> batch = next(simulate_batches(3, seed=1, kind="helps", days=60))
    >>> batch.ids, len(diary_columns(batch.cohort, 0, 0, 60).day) > 30
    (['sim-00001', 'sim-00002', 'sim-00003'], True)
    """
    level = fixed(pressure).pressure

    def choose(k: int, idx: IntArray, cohort: Cohort) -> IntArray:
        return np.full(idx.size, level, dtype=np.int64)

    for first, size, rng in batch_rngs(seed, n):
        traits, ids, answers = _batch_clients(rng, seed, first, size, kind, days, intake)
        cohort = run_cohort(traits, rng, days=days, choose=choose)
        yield SimulatedBatch(ids, cohort, answers, _truths(traits, cohort, ids))


def _share(report: Callable[[int], None], first: int, size: int, fraction: float) -> None:
    report(first + int(0.9 * fraction * size))


class _Monotone:
    """Passes progress on, never backwards, and only when there is a callback."""

    def __init__(self, callback: Callable[[int], None] | None) -> None:
        self.callback = callback
        self.done = 0

    def __call__(self, done: int) -> None:
        if self.callback is not None and done > self.done:
            self.done = done
            self.callback(done)


def _run_batch(
    traits: Traits,
    rng: np.random.Generator,
    days: int,
    policy: Callable[..., int | None],
    records: _RecordsFactory,
    on_round: Callable[[float], None],
    runner: Callable[..., Cohort] = run_cohort,
) -> tuple[Cohort, _Records]:
    """Run one batch; a history-based policy sees the records as they are written."""
    holder: list[_Records] = []
    rounds = max(int(traits.max_sessions.max(initial=0)), 1)

    def choose(k: int, idx: IntArray, cohort: Cohort) -> IntArray:
        if isinstance(policy, FixedPolicy):
            return np.full(idx.size, policy.pressure, dtype=np.int64)
        if not holder:
            holder.append(records(cohort))
        rec = holder[0]
        chosen = [_checked(policy(rec.history(int(i), k), rec.ids[int(i)])) for i in idx]
        on_round((k + 1) / rounds)
        return np.array(chosen, dtype=np.int64)

    cohort = runner(traits, rng, days=days, choose=choose)
    return cohort, holder[0] if holder else records(cohort)


def _checked(pressure: Any) -> int:
    """The policy's answer, if it is a whole pressure level (``None``: no session, 0)."""
    if pressure is None:
        return 0
    if isinstance(pressure, bool) or not isinstance(pressure, (int, np.integer)) or pressure not in PRESSURES:
        raise ValueError(
            f"simulate: the policy chose pressure {pressure!r} (allowed: 1-5, or None for no session)"
        )
    return int(pressure)


def iter_cohorts(
    n: int,
    *,
    seed: int,
    kind: str | None = None,
    pressure: int = 3,
    days: int = 365,
    batches: Container[int] | None = None,
) -> Iterator[Cohort]:
    """The array core only (no records): batches of clients under a fixed pressure.

    For benchmarks and population studies; the same batches as :func:`simulate_clients`.
    ``batches`` keeps only those batch numbers (to split the work over processes).

    Examples
    --------
    >>> cohort = next(iter_cohorts(100, seed=1, kind="harmed_moderate", pressure=3, days=60))
    >>> cohort.pain.shape, bool(cohort.flare[cohort.session_day >= 0].mean() > 0.5)
    ((60, 100), True)
    """
    level = fixed(pressure).pressure

    def choose(k: int, idx: IntArray, cohort: Cohort) -> IntArray:
        return np.full(idx.size, level, dtype=np.int64)

    for b, (_first, size, rng) in enumerate(batch_rngs(seed, n)):
        if batches is not None and b not in batches:
            continue
        traits = draw_traits(rng, draw_kinds(rng, size, kind), days=days)
        yield run_cohort(traits, rng, days=days, choose=choose)


__all__ = [
    "BATCH_SIZE",
    "KINDS",
    "AddedEffect",
    "ClientTruth",
    "DiaryColumns",
    "FixedPolicy",
    "Policy",
    "Scenario",
    "SessionColumns",
    "SessionTruth",
    "SimulatedBatch",
    "SimulationResult",
    "diary_columns",
    "fixed",
    "iter_cohorts",
    "policy_name",
    "session_columns",
    "simulate_batches",
    "simulate_clients",
]
