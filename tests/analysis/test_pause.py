"""Planned breaks: proposed when the sessions are too close, sized by power, taken by the policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from touchdose.analysis.engine import analyze_client
from touchdose.analysis.noise import DiaryNoise
from touchdose.analysis.pause import (
    BREAK_DAYS,
    RESUME_CHOICES,
    RESUME_DAYS,
    TARGET_POWER,
    break_power,
    plan_pause,
    power,
)
from touchdose.analysis.policy import titration_policy
from touchdose.records import CheckIn, ClientFile, ClientProfile, Session

from .diaries import twice_a_week, with_sessions

T0 = datetime(2026, 1, 5, 20, tzinfo=UTC)


def twice_weekly(days: int, *, sd: float = 1.0, seed: int = 3, last_session: int | None = None) -> ClientFile:
    """Fibromyalgia, 14 baseline days, then a session every 3-4 days; pain 6 with AR(1) noise,
    1.5 points less on the three days from each session."""
    rng = np.random.default_rng(seed)
    sessions = [d for d in range(14, days) if (d - 14) % 7 in (0, 3)]
    if last_session is not None:
        sessions = [d for d in sessions if d <= last_session]
    e = np.zeros(days)
    for d in range(1, days):
        e[d] = 0.5 * e[d - 1] + sd * np.sqrt(0.75) * rng.standard_normal()
    pain = [6 + e[d] - 1.5 * any(0 <= d - s < 3 for s in sessions) for d in range(days)]
    return ClientFile(
        ClientProfile(id="c-p", conditions=("fibromyalgia",)),
        tuple(Session(T0 + timedelta(days=d, hours=-10), 1, 30, pain_before=round(pain[d]))
              for d in sessions),
        tuple(CheckIn(T0 + timedelta(days=d), pain=int(np.clip(round(p), 0, 10)))
              for d, p in enumerate(pain)),
    )


def test_power_is_the_chance_that_the_interval_excludes_no_change() -> None:
    # A 1-point benefit measured with SE 1/2.8 has 80 % power (1.96 + 0.84 = 2.8 SEs).
    assert abs(power(1 / 2.8) - 0.80) < 0.005
    assert power(0.2) > power(0.4) > power(0.8)


def test_twice_weekly_sessions_get_a_break_sized_for_80_percent_power() -> None:
    cf = twice_weekly(45)
    a = analyze_client(cf)
    assert a.verdict is not None and a.plan is not None
    assert a.verdict.state == "gathering_data" and a.verdict.need == "break"
    p = a.plan.pause
    assert p is not None and p.days in BREAK_DAYS and p.power >= TARGET_POWER
    last = cf.sessions[-1].start.date()
    assert p.verdict_expected == last + timedelta(days=3 * p.after_sessions + p.days + RESUME_DAYS) or (
        p.verdict_expected - last
    ).days >= p.days + RESUME_DAYS
    assert "break" in a.verdict.action and str(p.days) in a.verdict.action
    assert a.to_dict()["plan"]["pause"]["days"] == p.days
    # Noisier days need a longer break (or as long) for the same power.
    noisy = plan_pause(cf, sessions_per_week=2, noise=DiaryNoise(2.0, 0.7, 1.0, True))
    calm = plan_pause(cf, sessions_per_week=2, noise=DiaryNoise(0.6, 0.2, 1.0, True))
    assert noisy is not None and calm is not None
    longer = (noisy.days, noisy.after_sessions) >= (calm.days, calm.after_sessions)
    assert longer or noisy.power < TARGET_POWER


def test_the_policy_takes_the_break_and_the_plan_ends_it_when_it_is_long_enough() -> None:
    policy = titration_policy()
    cf = twice_weekly(45)
    pause = analyze_client(cf).plan.pause  # type: ignore[union-attr]
    assert pause is not None and pause.after_sessions == 0
    assert policy(cf, "c-p") is None  # the break is due: no massage at this booking
    # The break kept (no sessions since day 42), the diary written on: the plan keeps the break,
    # re-sized with the days that came in, and drops it once the break taken is long enough; the
    # policy then books massage again.
    assert policy(twice_weekly(48, last_session=42), "c-p") is None
    ended = next(
        extra for extra in range(pause.days + 3)
        if analyze_client(twice_weekly(45 + extra, last_session=42)).plan.pause is None  # type: ignore[union-attr]
    )
    assert 45 + ended - 42 >= 9  # at least the shortest break that gives each phase 5 diary days
    assert policy(twice_weekly(45 + ended, last_session=42), "c-p") is not None


def test_weekly_sessions_never_get_a_break() -> None:
    rng = np.random.default_rng(1)
    sessions = tuple(Session(T0 + timedelta(days=d, hours=-10), 2, 45) for d in range(14, 60, 7))
    checkins = tuple(CheckIn(T0 + timedelta(days=d), pain=int(5 + rng.integers(0, 2))) for d in range(60))
    a = analyze_client(ClientFile(ClientProfile(id="c-w"), sessions, checkins))
    assert a.plan is not None and a.plan.pause is None


def test_the_break_reported_is_the_earliest_verdict_that_reaches_the_power() -> None:
    cf = twice_weekly(45)
    p = plan_pause(cf, sessions_per_week=2)
    assert p is not None and p.power >= TARGET_POWER
    last = cf.sessions[-1].start.date()
    resume = (p.verdict_expected - last).days - 4 * p.after_sessions - p.days
    assert resume in RESUME_CHOICES
    n = p.after_sessions
    assert break_power(cf, after_sessions=n, days=p.days, resume_days=resume, sessions_per_week=2) == (
        pytest.approx(p.power)
    )
    # Every schedule with the same sessions before it that would end sooner falls short of the power.
    for days in BREAK_DAYS:
        for r in RESUME_CHOICES:
            if days + r < p.days + resume:
                q = break_power(cf, after_sessions=n, days=days, resume_days=r, sessions_per_week=2)
                assert q is None or q < TARGET_POWER


def test_the_break_comes_closer_with_each_session_instead_of_receding() -> None:
    # A diary so noisy that no break reaches the power: the plan used to take the most powerful
    # schedule, 4 more sessions first, and said so again at every booking; the break never came.
    noisy = DiaryNoise(2.0, 0.7, 1.0, True)
    bookings = twice_a_week(14, 31)
    starts = []
    for k in (1, 2):  # asked at the next two bookings, the diary written up to each
        cf = with_sessions(bookings[:k], bookings[k])
        p = plan_pause(cf, sessions_per_week=2, noise=noisy)
        assert p is not None and p.power < TARGET_POWER  # its shortfall said
        starts.append(cf.sessions[-1].start.date() + timedelta(days=4 * p.after_sessions))
    assert starts[1] <= starts[0]  # the break does not move away
    assert p.after_sessions == 0  # and is due once the massage phase has its diary days


def test_a_break_under_way_stays_planned_when_a_booking_is_skipped() -> None:
    # The break began after the fourth session; a week later three massage-free days have come
    # in, enough to lift the share of massage-free days over a fifth: the plan keeps the break.
    cf = with_sessions(twice_a_week(14, 24), 32)
    a = analyze_client(cf)
    assert a.plan is not None and a.plan.pause is not None and a.plan.pause.after_sessions == 0
    assert a.plan.pause.days > 7
    assert titration_policy()(cf, "c-p") is None


def test_one_break_is_all_an_abab_design_needs() -> None:
    # Baseline, three weeks of massage, a 14-day break, then massage again: the next plan is
    # massage (the last phase needs its diary days), never a second break.
    sessions = [*twice_a_week(14, 35), 49]
    cf = with_sessions(sessions, 52)
    assert plan_pause(cf, sessions_per_week=2) is None
    a = analyze_client(cf)
    assert a.plan is not None and a.plan.pause is None and a.plan.pressure is not None


def test_a_twice_weekly_helper_who_takes_the_planned_break_is_found_helping() -> None:
    # 2 points less pain for 72 h after each session; the therapist follows the plan at each
    # booking (twice a week), breaks included. By day 120 the A-B-A-B design gives the verdict.
    policy = titration_policy()
    bookings, given = twice_a_week(14, 116), []
    for day in bookings:
        history = with_sessions(given, day, effect=-2.0, seed=11)
        if policy(history, "c-p") is not None:
            given.append(day)
    gaps = np.diff(given)
    assert gaps.max() >= min(BREAK_DAYS)  # the planned break was taken
    a = analyze_client(with_sessions(given, 120, effect=-2.0, seed=11))
    assert a.verdict is not None and a.verdict.state == "helping"
