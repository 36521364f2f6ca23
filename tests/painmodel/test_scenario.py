"""Simulator scenarios: diary hour and 24 h recall, sessions on one weekday, a weekend rise, an
added after-effect (the clients issue 17's benchmark kinds are made of)."""

from __future__ import annotations

import numpy as np
import pytest

from touchdose.io.jsonfile import dumps
from touchdose.painmodel.scenario import AddedEffect, Scenario
from touchdose.painmodel.simulate import simulate_clients

DAYS = 70


def test_the_default_is_the_evening_diarist_answering_for_the_last_24_hours() -> None:
    a = simulate_clients(6, seed=5, days=DAYS)
    b = simulate_clients(6, seed=5, days=DAYS, scenario=Scenario(checkin_hour=20, recall_hours=24))
    c = simulate_clients(6, seed=5, days=DAYS, scenario=Scenario(recall_hours=0))
    assert [dumps(x) for x in a.clients] == [dumps(x) for x in b.clients]
    assert [dumps(x) for x in a.clients] != [dumps(x) for x in c.clients]


def test_a_morning_diarist_writes_at_8_and_the_same_noise_is_drawn() -> None:
    evening = simulate_clients(4, seed=5, kind="no_effect", days=DAYS)
    morning = simulate_clients(4, seed=5, kind="no_effect", days=DAYS, scenario=Scenario(checkin_hour=8))
    on_time = [c for cf in morning.clients for c in cf.checkins if c.time.minute == 0 and c.time.hour == 8]
    assert len(on_time) > 0.8 * sum(len(cf.checkins) for cf in morning.clients)
    # A gate with (almost) nothing left hours after the session: the same entries, the same pain.
    for e, m in zip(evening.clients, morning.clients, strict=True):
        assert len(e.checkins) == len(m.checkins)
        same = np.mean([a.pain == b.pain for a, b in zip(e.checkins, m.checkins, strict=True)])
        assert same > 0.9


def test_an_added_effect_reaches_the_entries_that_cover_its_hours() -> None:
    # -3 points during the 24 h after each 10:00 session. An evening entry at 20:00 the same day
    # reports the moment (all of it) or, with a 24 h recall, 10/24 of it; the next evening's
    # entry (10-34 h) covers 14 of its 24 h with it. A morning entry the next day (22 h) covers 22.
    effect = AddedEffect(-3.0, 0, 24)

    def mean_change(hour: int, recall: float, lag: int) -> float:
        plain = Scenario(checkin_hour=hour, recall_hours=recall)
        base = simulate_clients(30, seed=2, kind="no_effect", days=DAYS, scenario=plain)
        scenario = Scenario(checkin_hour=hour, recall_hours=recall, added_effect=effect)
        with_effect = simulate_clients(30, seed=2, kind="no_effect", days=DAYS, scenario=scenario)
        diffs = []
        for b, w in zip(base.clients, with_effect.clients, strict=True):
            pain_b = {c.time: c.pain for c in b.checkins if c.time.minute == 0}
            for s in w.sessions:
                diffs += [c.pain - pain_b[c.time] for c in w.checkins
                          if (c.time.date() - s.start.date()).days == lag and c.time in pain_b]  # fmt: skip
        return float(np.mean(diffs))

    assert mean_change(20, 0, 0) == pytest.approx(-3.0, abs=0.15)
    assert mean_change(20, 24, 0) == pytest.approx(-3 * 10 / 24, abs=0.2)
    assert mean_change(20, 24, 1) == pytest.approx(-3 * 14 / 24, abs=0.2)
    assert mean_change(8, 24, 0) == pytest.approx(0, abs=0.1)
    assert mean_change(8, 24, 1) == pytest.approx(-3 * 22 / 24, abs=0.2)


def test_sessions_on_one_weekday_and_a_weekend_rise() -> None:
    plain = simulate_clients(20, seed=9, kind="no_effect", days=DAYS, scenario=Scenario(recall_hours=24))
    rhythm = Scenario(recall_hours=24, session_weekday=0, weekend_rise=2.0)
    monday = simulate_clients(20, seed=9, kind="no_effect", days=DAYS, scenario=rhythm)
    assert {s.start.weekday() for cf in monday.clients for s in cf.sessions} == {0}
    assert len({s.start.weekday() for cf in plain.clients for s in cf.sessions}) > 1
    # Baseline days (before any session) are the same days in both: compare pain there.
    rise = {5: [], 6: [], 2: []}
    for p, m in zip(plain.clients, monday.clients, strict=True):
        first = min(p.sessions[0].start, m.sessions[0].start)
        before = {c.time: c.pain for c in p.checkins if c.time < first}
        for c in m.checkins:
            if c.time in before and c.time.weekday() in rise and c.time.hour == 20 and c.time.minute == 0:
                rise[c.time.weekday()].append(c.pain - before[c.time])
    # Saturday's and Sunday's 20:00 entries cover 20 of their 24 h on the weekend (the other 4
    # on Friday or Saturday): +2 x 20/24 on Saturday, +2 on Sunday; Wednesday nothing.
    assert np.mean(rise[5]) == pytest.approx(2 * 20 / 24, abs=0.3)
    assert np.mean(rise[6]) == pytest.approx(2.0, abs=0.3)
    assert np.mean(rise[2]) == pytest.approx(0.0, abs=0.1)


def test_the_truth_includes_the_added_effect() -> None:
    scenario = Scenario(added_effect=AddedEffect(-1.5, 0, 72))
    r = simulate_clients(3, seed=1, kind="no_effect", days=DAYS, scenario=scenario)
    for t in r.truths:
        assert all(v == pytest.approx(-1.5, abs=0.05) for v in t.effect_by_pressure.values())
        assert all(s.effect == pytest.approx(-1.5, abs=0.05) for s in t.sessions)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"checkin_hour": 25}, r"checkin_hour = 25 is not allowed \(allowed: a number 0-23.99\)"),
        ({"recall_hours": 48}, r"recall_hours = 48 is not allowed"),
        ({"session_weekday": 7}, r"session_weekday = 7 is not allowed \(allowed: 0 = Monday"),
        ({"added_effect": (1, 2, 3)}, r"added_effect is not allowed"),
    ],
)
def test_bad_scenarios_name_the_field(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Scenario(**kwargs)  # type: ignore[arg-type]


def test_an_added_effect_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match=r"added_effect.end_hours = 10 is not allowed \(allowed: more than"):
        AddedEffect(1.0, 24, 10)
