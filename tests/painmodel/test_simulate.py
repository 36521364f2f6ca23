"""The synthetic-client simulator: valid, deterministic files and an honest truth (issue 3, part 2)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchdose.io import client_file_from_dict, client_file_to_dict
from touchdose.io.jsonfile import dumps
from touchdose.painmodel.engine import diary_values
from touchdose.painmodel.population import KINDS, MIXED_PROPORTIONS, draw_kinds
from touchdose.painmodel.simulate import fixed, iter_cohorts, simulate_clients
from touchdose.records import ClientFile

DAYS = 84


@pytest.fixture(scope="module")
def mixed() -> tuple[ClientFile, ...]:
    return simulate_clients(60, seed=11, days=DAYS).clients


def test_same_seed_same_bytes_other_seed_other_clients() -> None:
    a = simulate_clients(8, seed=3, days=DAYS)
    b = simulate_clients(8, seed=3, days=DAYS)
    c = simulate_clients(8, seed=4, days=DAYS)
    assert [dumps(x) for x in a.clients] == [dumps(x) for x in b.clients]
    assert a.truth_dict() == b.truth_dict()
    assert [dumps(x) for x in a.clients] != [dumps(x) for x in c.clients]


def test_files_round_trip_through_the_json_format(mixed: tuple[ClientFile, ...]) -> None:
    for cf in mixed:
        assert client_file_from_dict(client_file_to_dict(cf)) == cf


def test_a_history_policy_that_always_says_3_gives_the_same_files_as_fixed_3() -> None:
    # The vectorised fixed routine and the record-by-record policy path must agree exactly.
    seen: list[tuple[str, int, int]] = []

    def always_3(history: ClientFile, client_id: str) -> int:
        seen.append((client_id, len(history.sessions), len(history.checkins)))
        return 3

    a = simulate_clients(6, seed=2, days=DAYS, policy=fixed(3))
    b = simulate_clients(6, seed=2, days=DAYS, policy=always_3)
    assert [dumps(x) for x in a.clients] == [dumps(x) for x in b.clients]
    assert len(seen) == sum(len(cf.sessions) for cf in b.clients)


def test_the_policy_sees_only_what_was_written_before_the_session() -> None:
    def check(history: ClientFile, client_id: str) -> int:
        n = len(history.sessions)
        start = history.sessions[-1].start if n else None
        latest = max((c.time for c in history.checkins), default=None)
        if start is not None and latest is not None:
            assert latest > start  # the diary after the last session is there ...
        return 2 if n % 2 else 3

    result = simulate_clients(5, seed=9, days=DAYS, policy=check)
    for cf in result.clients:
        for k, s in enumerate(cf.sessions):
            assert s.pressure == (2 if k % 2 else 3)  # ... and its choice was used


def test_the_same_clients_see_the_same_noise_under_any_policy() -> None:
    a = simulate_clients(10, seed=21, kind="harmed_moderate", days=DAYS, policy=fixed(3))
    b = simulate_clients(10, seed=21, kind="harmed_moderate", days=DAYS, policy=fixed(1))
    for x, y in zip(a.clients, b.clients, strict=True):
        pre = x.sessions[0].start
        assert [c for c in x.checkins if c.time < pre] == [c for c in y.checkins if c.time < pre]
    assert sum(t.flares for t in a.truths) > sum(t.flares for t in b.truths)


def test_each_session_has_diary_follow_ups_at_24_and_48_hours(mixed: tuple[ClientFile, ...]) -> None:
    def has(cf: ClientFile, start: datetime, low: float, high: float) -> bool:
        return any(timedelta(hours=low) <= c.time - start <= timedelta(hours=high) for c in cf.checkins)

    sessions = [(cf, s.start) for cf in mixed for s in cf.sessions]
    share_24 = np.mean([has(cf, t, 18, 36) for cf, t in sessions])
    share_48 = np.mean([has(cf, t, 36, 60) for cf, t in sessions])
    assert share_24 > 0.8 and share_48 > 0.8
    assert share_24 < 1.0  # follow-up adherence is not perfect


def test_diaries_have_missing_days_and_late_entries(mixed: tuple[ClientFile, ...]) -> None:
    times = [c.time for cf in mixed for c in cf.checkins]
    late = [t for t in times if t.hour != 20]
    assert 0 < len(late) < 0.2 * len(times)
    days_kept = sum(len(cf.checkins) for cf in mixed if len(cf.sessions) > 2)
    days_total = DAYS * sum(1 for cf in mixed if len(cf.sessions) > 2)
    assert 0.7 < days_kept / days_total < 0.98


def test_kinds_are_what_they_claim_to_be() -> None:
    n = 200
    # The truth does not depend on the length of the record: 30 days keep the test quick.
    helps = simulate_clients(n, seed=1, kind="helps", days=30).truths
    best = np.array([min(t.effect_by_pressure.values()) for t in helps])
    # "helps": a tolerated pressure lowers pain over days 0-2 by >= ~1.5 points.
    assert np.mean(best <= -1.5) >= 0.9
    assert all(not t.flare_by_pressure[t.best_pressure or 0] for t in helps if t.best_pressure)

    harmed = simulate_clients(n, seed=1, kind="harmed_moderate", days=30).truths
    assert np.mean([t.flare_by_pressure[3] for t in harmed]) >= 0.9
    assert all(t.effect_by_pressure[1] < t.effect_by_pressure[3] for t in harmed)
    assert np.mean([t.effect_by_pressure[1] < 0 for t in harmed]) > 0.2  # very light may help some

    none = simulate_clients(n, seed=1, kind="no_effect", days=30).truths
    assert all(abs(t.effect_by_pressure[p]) < 0.1 for t in none for p in (1, 2, 3))

    short = simulate_clients(n, seed=1, kind="too_little_data", days=DAYS).clients
    for cf in short:
        first = cf.sessions[0].start
        assert sum(c.time < first for c in cf.checkins) < 7
        assert 1 <= len(cf.sessions) <= 2


def test_soothing_clients_feel_better_in_mood_and_sleep_not_in_pain() -> None:
    cohort = next(iter_cohorts(300, seed=4, kind="soothing", pressure=2, days=DAYS))
    assert np.all(np.abs(cohort.pain_effect) < 0.05)  # pain: nothing a diary could show
    days = np.arange(DAYS)
    mood_gain, sleep_gain = [], []
    for i in range(cohort.traits.n):
        v = diary_values(cohort, i, 0, DAYS)
        sessions = cohort.session_day[:, i][cohort.session_day[:, i] >= 0]
        since = days[:, None] - sessions[None, :]
        exposed = np.any((since >= 0) & (since <= 2), axis=1)  # days 0-2 after a massage
        baseline = days < sessions[0]
        mood_gain.append(v.mood[exposed].mean() - v.mood[baseline].mean())
        sleep_gain.append(v.sleep_hours[exposed].mean() - v.sleep_hours[baseline].mean())
    assert np.mean(mood_gain) > 1.0 and np.mean(sleep_gain) > 0.3


def test_the_mixed_population_follows_its_documented_proportions() -> None:
    kinds = list(draw_kinds(np.random.default_rng(8), 20_000, None))
    for kind, share in MIXED_PROPORTIONS.items():
        # Binomial SD at n = 20000 is <= 0.0036; 4 SD.
        assert kinds.count(kind) / len(kinds) == pytest.approx(share, abs=0.015)
    # ... and simulate_clients draws its clients that way.
    truths = simulate_clients(400, seed=8, days=30).truths
    assert {t.kind for t in truths} == set(MIXED_PROPORTIONS)


def test_truth_counts_flares_and_relief_per_session() -> None:
    result = simulate_clients(4, seed=6, kind="harmed_moderate", days=DAYS)
    for cf, t in zip(result.clients, result.truths, strict=True):
        assert t.sessions and len(t.sessions) == len(cf.sessions)
        assert t.flares == sum("flare" in s.adverse for s in cf.sessions)
        assert t.relief_per_session == pytest.approx(-np.mean([s.effect for s in t.sessions]))
        d = t.to_dict()
        assert set(d["effect_by_pressure"]) == {"1", "2", "3", "4", "5"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "cured"}, "kind = 'cured'"),
        ({"seed": -1}, "seed = -1"),
        ({"days": 0}, "days = 0"),
        ({"policy": lambda h, c: 7}, "pressure"),
    ],
)
def test_bad_arguments_name_the_field(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"seed": 1, "days": DAYS} | kwargs
    with pytest.raises(ValueError, match=message):
        simulate_clients(3, **args)  # type: ignore[arg-type]


def test_fixed_policy_rejects_a_pressure_off_the_scale() -> None:
    with pytest.raises(ValueError, match="pressure = 6"):
        fixed(6)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    kind=st.sampled_from([None, *KINDS]),
    days=st.integers(1, 70),
    pressure=st.integers(1, 5),
)
def test_any_simulation_gives_valid_weekly_records_and_a_matching_truth(
    seed: int, kind: str | None, days: int, pressure: int
) -> None:
    result = simulate_clients(3, seed=seed, kind=kind, days=days, policy=fixed(pressure))
    for cf, truth in zip(result.clients, result.truths, strict=True):
        # Records validate themselves when built; here: the schedule and the truth agree.
        starts = [s.start for s in cf.sessions]
        assert all(b - a == timedelta(days=7) for a, b in pairwise(starts))
        assert all(s.pressure == pressure for s in cf.sessions)
        assert len(truth.sessions) == len(cf.sessions)
        assert all(0 <= c.pain <= 10 for c in cf.checkins)
        assert cf.client.id == truth.id


def test_diary_stays_at_20_local_across_a_daylight_saving_change() -> None:
    # Europe/Stockholm moves its clocks on 29 March 2026; the diary stays at 20:00 local.
    result = simulate_clients(3, seed=1, kind="helps", days=100, timezone="Europe/Stockholm")
    zone = ZoneInfo("Europe/Stockholm")
    on_time = [c.time.astimezone(zone) for cf in result.clients for c in cf.checkins if c.time.minute == 0]
    assert {t.utcoffset() for t in on_time} == {timedelta(hours=1), timedelta(hours=2)}
    assert sum(t.hour == 20 for t in on_time) > 0.8 * len(on_time)


def test_progress_only_moves_forward_and_ends_at_n() -> None:
    for policy in (fixed(2), lambda history, client_id: 2):
        seen: list[int] = []
        simulate_clients(10, seed=1, days=60, policy=policy, progress=seen.append)
        assert seen == sorted(set(seen)) and seen[-1] == 10


def test_intake_answers_follow_sensitization_and_change_nothing_else() -> None:
    from touchdose.instruments.acr2016 import score_acr2016
    from touchdose.instruments.sensitivity import derive_sensitivity

    harmed = simulate_clients(100, seed=3, kind="harmed_moderate", days=30, intake=True).clients
    helps = simulate_clients(100, seed=3, kind="helps", days=30, intake=True).clients
    # A sensitized gate (s >= 0.75) means FS >= 12, where fibromyalgia begins (Wolfe 2016).
    assert all(derive_sensitivity(cf.client).level == "high" for cf in harmed)
    severity = [score_acr2016(cf.client.acr2016).severity for cf in helps if cf.client.acr2016]
    assert len(severity) == 100 and np.mean(severity) < 12
    plain = simulate_clients(5, seed=3, days=60)
    with_intake = simulate_clients(5, seed=3, days=60, intake=True)
    for a, b in zip(plain.clients, with_intake.clients, strict=True):
        assert (a.sessions, a.checkins) == (b.sessions, b.checkins)
        assert a.client.acr2016 is None and b.client.acr2016 is not None
